//! Credential headers are marked sensitive, in the request before it is sent and in the
//! answer before anyone reads it, so that whoever prints them (the caller, an
//! [`crate::Interceptor`], reqwest's or hyper's own logging) sees `Sensitive`, not the value.

use reqwest::header::HeaderMap;

use crate::service::ServiceInfo;

/// Marks the operation's secret header parameters (`x-credkit-secret`) in a request.
pub(crate) fn request_headers(headers: &mut HeaderMap, secret_headers: &[&str]) {
    for name in secret_headers {
        if let Some(value) = headers.get_mut(*name) {
            value.set_sensitive(true);
        }
    }
}

/// Marks the credential headers of an answer: a service may answer a credential in a header
/// (Sparkfly's token in its scheme's `X-Auth-Token`). The answer's few headers are walked
/// once, which marks every value of a repeated header.
pub(crate) fn answer_headers(headers: &mut HeaderMap, service: &ServiceInfo) {
    for (name, value) in headers.iter_mut() {
        if service.is_credential_header(name.as_str()) {
            value.set_sensitive(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::AuthScheme;

    const SERVICE: ServiceInfo = ServiceInfo {
        name: "redacting",
        title: "Redacting",
        env_prefix: "REDACTING",
        auth: AuthScheme::Header("x-auth-token"),
        servers: &[],
        operations: &[],
        credential_headers: &["x-auth-token", "x-pin"],
        follow_redirects: true,
        rate_limit: None,
    };

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, value.parse().unwrap());
        }
        headers
    }

    fn sensitive(headers: &HeaderMap) -> Vec<(&str, bool)> {
        headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.is_sensitive()))
            .collect()
    }

    #[test]
    fn a_requests_secret_parameters_are_marked_and_nothing_else() {
        let mut request = headers(&[("x-pin", "1234"), ("accept", "application/json")]);
        request_headers(&mut request, &["x-pin", "x-absent"]);
        assert_eq!(sensitive(&request), [("x-pin", true), ("accept", false)]);
    }

    #[test]
    fn every_value_of_an_answers_credential_headers_is_marked() {
        let mut answer = headers(&[
            ("x-auth-token", "first"),
            ("x-auth-token", "second"),
            ("set-cookie", "a=1"),
            ("set-cookie", "b=2"),
            ("content-type", "application/json"),
        ]);
        answer_headers(&mut answer, &SERVICE);
        assert_eq!(
            sensitive(&answer),
            [
                ("x-auth-token", true),
                ("x-auth-token", true),
                ("set-cookie", true),
                ("set-cookie", true),
                ("content-type", false),
            ]
        );
    }
}
