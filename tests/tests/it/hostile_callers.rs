//! Hostile callers and attackers: no path or query value can change which resource a request
//! addresses, no credential can add a header, no redirect carries a token to another origin,
//! and plain `http` to a remote host needs an explicit opt-in.

use std::sync::Arc;

use credkit_runtime::{Error, ErrorKind, GeneratedClient, OperationMeta};
use credkit_sparkfly::ClientBuilderExt as _;
use credkit_tests::raw_server::{RawRequest, RawServer, Reply};
use credkit_tests::{calls, client_at};
use percent_encoding::percent_decode_str;

const TOKEN: &str = "hostile-caller-token";

/// Path values that would escape their segment if sent as they are. Each is 9 characters, the
/// length RENTRI's credentials ids must have, so that none is refused for its length.
const ESCAPING_IDS: [&str; 6] = [
    "a/b?c#d%e",
    "../../x/y",
    "a b\\c d~é",
    "%2e%2e%2f",
    "x\u{202e}y:@;+=&",
    "città/àèì",
];

fn client<C: GeneratedClient>(base_url: &str) -> C {
    client_at(base_url, TOKEN)
}

fn ok_server() -> impl Fn(&RawRequest) -> Reply + Send + Sync + 'static {
    |_| Reply::http(404, &[("content-type", "application/json")], "{}")
}

/// Checks that `request` addresses `template` with `value` as the whole of its one parameter.
fn assert_one_segment(case: &str, template: &str, request: &RawRequest, value: &str) {
    let expected: Vec<&str> = template.split('/').collect();
    let received: Vec<&str> = request.path().split('/').collect();
    assert_eq!(
        received.len(),
        expected.len(),
        "{case}: {} has the template's segments",
        request.target
    );
    for (want, got) in expected.iter().zip(&received) {
        if want.starts_with('{') {
            let decoded = percent_decode_str(got).decode_utf8().unwrap();
            assert_eq!(decoded, value, "{case}: {}", request.target);
            assert!(
                !got.contains(['/', '\\', '?', '#', ' ']),
                "{case}: {got} is encoded"
            );
        } else {
            assert_eq!(want, got, "{case}: {}", request.target);
        }
    }
    assert!(
        !request.target.contains('#'),
        "{case}: no fragment in {}",
        request.target
    );
}

/// Calls every operation of `operations` with a path parameter, once per escaping id, and
/// checks what reached `server`; returns the number of calls checked.
async fn check_every_path_parameter(
    server: &RawServer,
    operations: &[OperationMeta],
    call: impl AsyncFn(&'static str, &'static str) -> Result<(), Error>,
) -> usize {
    let mut checked = 0;
    for op in operations.iter().filter(|op| op.path.contains('{')) {
        for id in ESCAPING_IDS {
            server.clear();
            let case = format!("{} {id:?}", op.id);
            let _ = call(op.id, id).await;
            let requests = server.requests();
            assert_eq!(requests.len(), 1, "{case}: sent");
            assert_one_segment(&case, op.path, &requests[0], id);
            checked += 1;
        }
    }
    checked
}

#[tokio::test]
async fn rentri_credentials_ids_stay_one_path_segment() {
    let server = RawServer::start(ok_server()).await;
    let client: credkit_rentri_ca::Client = client(&server.base_url());
    // The boarding token is a `Uuid`: no value of that type can change the path.
    let operations: Vec<OperationMeta> = credkit_rentri_ca::SERVICE
        .operations
        .iter()
        .filter(|op| op.path.contains("{credentials_id}"))
        .copied()
        .collect();
    let checked = check_every_path_parameter(&server, &operations, async |op, id| {
        calls::rentri_ca::call(&client, op, id).await
    })
    .await;
    assert_eq!(checked, 6 * ESCAPING_IDS.len());
}

#[tokio::test]
async fn pec_ids_domains_and_addresses_stay_one_path_segment() {
    let server = RawServer::start(ok_server()).await;
    let client: credkit_openapi_pec::Client = client(&server.base_url());
    let operations = credkit_openapi_pec::SERVICE.operations;
    let checked = check_every_path_parameter(&server, operations, async |op, id| {
        calls::openapi_pec::call(&client, op, id).await
    })
    .await;
    assert_eq!(checked, 15 * ESCAPING_IDS.len());
}

// Sparkfly's ids are `i64`: no value of that type can change a path.

#[tokio::test]
async fn dot_segments_and_empty_ids_are_refused_before_sending() {
    let server = RawServer::start(ok_server()).await;
    let rentri: credkit_rentri_ca::Client = client(&server.base_url());
    let pec: credkit_openapi_pec::Client = client(&server.base_url());
    for id in ["..", ".", ""] {
        for op in ["get_credentials", "get_credentials_status"] {
            let error = calls::rentri_ca::call(&rentri, op, id).await.unwrap_err();
            assert!(
                matches!(error.kind(), ErrorKind::InvalidRequest(m) if m.contains("credentials_id")),
                "{op} {id:?}: {error}"
            );
        }
        for op in credkit_openapi_pec::SERVICE.operations {
            if !op.path.contains('{') {
                continue;
            }
            let error = calls::openapi_pec::call(&pec, op.id, id).await.unwrap_err();
            assert!(
                matches!(error.kind(), ErrorKind::InvalidRequest(_)),
                "{} {id:?}: {error}",
                op.id
            );
        }
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn query_values_stay_one_query_value() {
    let server = RawServer::start(ok_server()).await;
    let client: credkit_rentri_ca::Client = client(&server.base_url());
    let value = "a&b=c#d/e?f g+h%i";
    let _ = client
        .remove_site_association()
        .credentials_id(calls::rentri_ca::CREDENTIALS_ID)
        .num_iscr_sito(value)
        .send()
        .await;
    let request = &server.requests()[0];
    let query = request.target.split_once('?').unwrap().1;
    assert!(!query.contains('#'), "{query}");
    let pairs: Vec<(String, String)> = query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap();
            let decode = |s: &str| {
                percent_decode_str(&s.replace('+', " "))
                    .decode_utf8()
                    .unwrap()
                    .into_owned()
            };
            (decode(name), decode(value))
        })
        .collect();
    assert_eq!(pairs, [("num_iscr_sito".to_owned(), value.to_owned())]);
}

// ----- credentials that would add headers -----

const INJECTING: [&str; 3] = [
    "token\r\nX-Injected: yes",
    "token\nX-Injected: yes",
    "token\rX-Injected: yes",
];

fn assert_refused<C: GeneratedClient + std::fmt::Debug>(token: &str) {
    let error = C::builder()
        .base_url("http://127.0.0.1:9")
        .token(token)
        .build()
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Auth(_)), "{error}");
    assert!(!error.to_string().contains("X-Injected"), "{error}");
}

#[test]
fn tokens_with_cr_or_lf_are_refused_when_the_client_is_built() {
    for token in INJECTING {
        assert_refused::<credkit_rentri_ca::Client>(token);
        assert_refused::<credkit_sparkfly::Client>(token);
        assert_refused::<credkit_openapi_pec::Client>(token);
    }
}

#[tokio::test]
async fn sparkfly_identity_and_key_with_cr_or_lf_are_refused_before_sending() {
    let server = RawServer::start(ok_server()).await;
    for bad in INJECTING {
        let builder = || credkit_sparkfly::Client::builder().base_url(server.base_url());
        let error = builder()
            .build_with_identity_and_key("identity", bad)
            .unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::Auth(_)), "{error}");
        let error = builder()
            .build_with_identity_and_key(bad, "key")
            .unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::Auth(_)), "{error}");
        // The header parameters of `GET /auth` itself.
        let client: credkit_sparkfly::Client = client(&server.base_url());
        let error = client
            .authenticate()
            .x_auth_identity(bad)
            .x_auth_key("key")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::InvalidRequest(_)),
            "{error}"
        );
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

// ----- redirects -----

/// A server that redirects every request to `location` with `status`.
async fn redirecting(status: u16, location: String) -> RawServer {
    RawServer::start(move |_| Reply::http(status, &[("location", location.as_str())], "")).await
}

/// A client of `base_url` with retries off, through the builder's own HTTP client or one built
/// from the caller's `reqwest::ClientBuilder` (which follows any redirect by default).
fn client_with<C: GeneratedClient>(base_url: &str, callers: bool) -> C {
    let builder = C::builder()
        .base_url(base_url)
        .token(TOKEN)
        .retry_policy(credkit_runtime::RetryPolicy::disabled());
    let builder = if callers {
        builder.http_client(reqwest::Client::builder())
    } else {
        builder
    };
    builder.build().expect("a loopback base URL is valid")
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed_by_any_service_whoever_built_the_http_client()
{
    let elsewhere = RawServer::start(ok_server()).await;
    for (status, callers) in [301, 302, 303, 307, 308]
        .into_iter()
        .flat_map(|status| [(status, false), (status, true)])
    {
        let location = format!("{}/stolen", elsewhere.base_url());
        let server = redirecting(status, location.clone()).await;
        let rentri: credkit_rentri_ca::Client = client_with(&server.base_url(), callers);
        let sparkfly: credkit_sparkfly::Client = client_with(&server.base_url(), callers);
        let pec: credkit_openapi_pec::Client = client_with(&server.base_url(), callers);
        let errors = [
            calls::rentri_ca::call(&rentri, "get_credentials", calls::rentri_ca::CREDENTIALS_ID)
                .await
                .unwrap_err(),
            calls::sparkfly::call(&sparkfly, "get_credential")
                .await
                .unwrap_err(),
            calls::openapi_pec::call(&pec, "get_mailbox", calls::openapi_pec::ID)
                .await
                .unwrap_err(),
        ];
        for error in errors {
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error}");
            assert_eq!(
                error.headers().unwrap()["location"].to_str().unwrap(),
                location
            );
        }
        assert_eq!(server.requests().len(), 3);
        assert!(
            elsewhere.requests().is_empty(),
            "{status} (caller's HTTP client: {callers}): nothing, and no token, reached the other origin"
        );
    }
}

#[tokio::test]
async fn a_same_origin_redirect_is_followed_with_credentials_except_for_rentri() {
    let server = Arc::new(
        RawServer::start(|request| {
            if request.path().ends_with("/moved") {
                Reply::http(
                    200,
                    &[("content-type", "application/json")],
                    r#"{"credential": {"id": 123}}"#,
                )
            } else {
                Reply::http(307, &[("location", "/v1.0/credentials/123/moved")], "")
            }
        })
        .await,
    );
    let sparkfly: credkit_sparkfly::Client = client(&server.base_url());
    calls::sparkfly::call(&sparkfly, "get_credential")
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].path(), "/v1.0/credentials/123/moved");
    assert_eq!(requests[1].header("x-auth-token"), Some(TOKEN));

    // RENTRI's per-request tokens are refused when sent twice: no redirect is followed.
    server.clear();
    let rentri: credkit_rentri_ca::Client = client(&server.base_url());
    let error =
        calls::rentri_ca::call(&rentri, "get_credentials", calls::rentri_ca::CREDENTIALS_ID)
            .await
            .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307));
    assert_eq!(server.requests().len(), 1);
}

// ----- plain http -----

#[test]
fn plain_http_to_a_remote_host_needs_an_explicit_opt_in() {
    fn check<C: GeneratedClient + std::fmt::Debug>() {
        let refused = C::builder()
            .base_url("http://api.example.com")
            .token(TOKEN)
            .build()
            .unwrap_err();
        assert!(matches!(refused.kind(), ErrorKind::Config(_)), "{refused}");
        assert!(
            refused.to_string().contains("allow_plain_http"),
            "{refused}"
        );
        C::builder()
            .base_url("http://api.example.com")
            .allow_plain_http()
            .token(TOKEN)
            .build()
            .unwrap();
    }
    check::<credkit_rentri_ca::Client>();
    check::<credkit_sparkfly::Client>();
    check::<credkit_openapi_pec::Client>();
}
