//! Which redirects a client follows.
//!
//! A service's own token must never reach another host. reqwest drops `Authorization` when a
//! redirect changes host, but not a token in a header of the service's own (Sparkfly's
//! `X-Auth-Token`), and a header cannot be dropped from within a redirect policy. So a client
//! follows a redirect only within the origin (scheme, host and port) it was sent to, and
//! returns any other `3xx` answer as an error that keeps its `Location`. Services whose
//! credentials are valid for one request only (RENTRI's signed JWTs, refused when sent twice)
//! follow none (`x-credkit-follow-redirects: false` in the spec).

use reqwest::redirect::Policy;

use crate::service::ServiceInfo;

/// How many same-origin redirects are followed before the call fails.
const MAX_REDIRECTS: usize = 10;

/// The redirect policy of clients of `service`. [`crate::ClientBuilder::build`] sets it on
/// every HTTP client, the caller's too ([`crate::ClientBuilder::http_client`]); it is public
/// for code that sends to the service with a client of its own.
pub fn redirect_policy(service: &ServiceInfo) -> Policy {
    if !service.follow_redirects {
        return Policy::none();
    }
    Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.stop();
        };
        let same_origin = first.origin() == attempt.url().origin();
        if !same_origin {
            attempt.stop()
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
        } else {
            attempt.follow()
        }
    })
}
