//! The credentials of one call: applied to each attempt (a signed token is as fresh as the
//! request it signs), never to an anonymous operation, and renewed at most once, after a
//! `401`, by an [`crate::Authenticator`] that can renew them.

use crate::auth::{Auth, AuthError};

pub(crate) struct Credentials<'a> {
    auth: &'a Auth,
    anonymous: bool,
    renewed: bool,
}

impl<'a> Credentials<'a> {
    /// The credentials of a call of an operation that is `anonymous` or not.
    pub(crate) fn new(auth: &'a Auth, anonymous: bool) -> Self {
        Self {
            auth,
            anonymous,
            renewed: false,
        }
    }

    /// Adds the credentials to an attempt's request; nothing for an anonymous operation.
    pub(crate) async fn apply(&self, request: &mut reqwest::Request) -> Result<(), AuthError> {
        if self.anonymous {
            return Ok(());
        }
        self.auth.apply(request).await
    }

    /// Whether a `401` may still be followed by a resend with renewed credentials: the
    /// credentials can be renewed, were sent, and were not renewed yet during this call.
    pub(crate) fn may_renew(&self) -> bool {
        !self.renewed && !self.anonymous && self.auth.may_refresh()
    }

    /// Renews the credentials after a `401`, once per call: `true` when new ones were
    /// obtained and the request should be sent once more.
    pub(crate) async fn renew(&mut self) -> Result<bool, AuthError> {
        if !self.may_renew() {
            return Ok(false);
        }
        self.renewed = true;
        self.auth.refresh().await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::auth::{Authenticator, BoxFuture};

    /// Signs each request with the number of renewals so far; with `refuses`, a renewal
    /// obtains nothing.
    #[derive(Default)]
    struct Counting {
        renewed: AtomicU32,
        refuses: bool,
    }

    impl Authenticator for Counting {
        fn authenticate<'a>(
            &'a self,
            request: &'a mut reqwest::Request,
        ) -> BoxFuture<'a, Result<(), AuthError>> {
            Box::pin(async move {
                let token = format!("token-{}", self.renewed.load(Ordering::SeqCst));
                request
                    .headers_mut()
                    .insert("x-token", crate::sensitive_header(&token)?);
                Ok(())
            })
        }

        fn refresh(&self) -> BoxFuture<'_, Result<bool, AuthError>> {
            Box::pin(async move {
                self.renewed.fetch_add(1, Ordering::SeqCst);
                Ok(!self.refuses)
            })
        }
    }

    fn request() -> reqwest::Request {
        reqwest::Request::new(
            reqwest::Method::GET,
            "https://service.invalid/thing".parse().unwrap(),
        )
    }

    async fn token(credentials: &Credentials<'_>) -> Option<String> {
        let mut request = request();
        credentials.apply(&mut request).await.unwrap();
        request
            .headers()
            .get("x-token")
            .map(|v| v.to_str().unwrap().to_owned())
    }

    #[tokio::test]
    async fn renewed_credentials_are_applied_to_the_next_attempt_and_renewed_only_once() {
        let auth = Auth::custom(Counting::default());
        let mut credentials = Credentials::new(&auth, false);
        assert_eq!(token(&credentials).await.as_deref(), Some("token-0"));
        assert!(credentials.may_renew());
        assert!(credentials.renew().await.unwrap());
        assert_eq!(token(&credentials).await.as_deref(), Some("token-1"));
        // A second 401 in the same call is the answer, not a reason to renew again.
        assert!(!credentials.may_renew());
        assert!(!credentials.renew().await.unwrap());
        assert_eq!(token(&credentials).await.as_deref(), Some("token-1"));
        // Another call may renew again.
        let mut next_call = Credentials::new(&auth, false);
        assert!(next_call.renew().await.unwrap());
        assert_eq!(token(&next_call).await.as_deref(), Some("token-2"));
    }

    #[tokio::test]
    async fn a_renewal_that_obtains_nothing_asks_for_no_resend() {
        let auth = Auth::custom(Counting {
            refuses: true,
            ..Counting::default()
        });
        let mut credentials = Credentials::new(&auth, false);
        assert!(!credentials.renew().await.unwrap());
        assert!(!credentials.may_renew());
    }

    #[tokio::test]
    async fn anonymous_operations_carry_no_credentials_and_renew_none() {
        let auth = Auth::custom(Counting::default());
        let mut credentials = Credentials::new(&auth, true);
        assert_eq!(token(&credentials).await, None);
        assert!(!credentials.may_renew());
        assert!(!credentials.renew().await.unwrap());
        let bearer = Auth::bearer("t0ken");
        let mut request = request();
        Credentials::new(&bearer, true)
            .apply(&mut request)
            .await
            .unwrap();
        assert!(request.headers().is_empty());
    }

    #[tokio::test]
    async fn a_static_token_is_sent_sensitive_and_cannot_be_renewed() {
        let auth = Auth::bearer("t0ken");
        let mut credentials = Credentials::new(&auth, false);
        let mut request = request();
        credentials.apply(&mut request).await.unwrap();
        let authorization = request.headers().get("authorization").unwrap();
        assert_eq!(authorization, "Bearer t0ken");
        assert!(authorization.is_sensitive());
        assert!(!credentials.may_renew());
        assert!(!credentials.renew().await.unwrap());
    }
}
