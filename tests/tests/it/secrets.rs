//! Tokens, keys and PINs never reach `Debug` output, error messages or tracing events, for any
//! service, while the tracing span of each request says what was called and how it went.

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, Once};

use credkit_rentri_ca::{Client, RetryPolicy};
use credkit_tests::RecordedWaits;
use credkit_tests::calls;
use credkit_tests::raw_server::{RawServer, Reply};
use httpmock::prelude::*;
use tracing_subscriber::filter::dynamic_filter_fn;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::prelude::*;

const TOKEN: &str = "tok-3b9f0c1e-very-secret";
const BOARDING_PIN: &str = "482913";
const CURRENT_PIN: &str = "731946";
const NEW_PIN: &str = "265108";

/// The tracing output of one test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

thread_local! {
    /// Where the tracing output of this thread goes while a test captures it.
    static CAPTURING: RefCell<Option<Captured>> = const { RefCell::new(None) };
}

/// Writes to the capture running on the calling thread.
struct ThisThread;

impl<'a> MakeWriter<'a> for ThisThread {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        CAPTURING.with(|c| c.borrow().clone()).unwrap_or_default()
    }
}

/// Records every event and span of the calling thread, at every level, until it is dropped.
/// The tests run on a current-thread runtime, so that this is all that their calls log.
///
/// The subscriber is the process's global default, installed once, and records only the
/// threads that capture. A `tracing::subscriber::set_default` per test would not do: the
/// other tests of the binary run beside these, and while such a thread-local subscriber is
/// the only one alive, tracing caches its interest in a callsite from whichever thread
/// reaches the callsite first: from a thread without a subscriber, "never", and the captured
/// output would lack that span or event.
struct Capture(Captured);

impl Capture {
    fn start() -> Self {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(ThisThread)
                .with_span_events(FmtSpan::CLOSE)
                .with_ansi(false)
                .with_filter(dynamic_filter_fn(|_, _| {
                    CAPTURING.with(|c| c.borrow().is_some())
                }));
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
                .expect("only the secrets tests set a global tracing subscriber");
        });
        let captured = Captured::default();
        CAPTURING.with(|c| *c.borrow_mut() = Some(captured.clone()));
        // An interest cached while the subscriber was being installed is asked again.
        tracing::callsite::rebuild_interest_cache();
        Self(captured)
    }

    fn text(&self) -> String {
        self.0.text()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        CAPTURING.with(|c| c.borrow_mut().take());
    }
}

fn assert_no_secret(what: &str, text: &str) {
    assert_hidden(what, text, &[TOKEN, BOARDING_PIN, CURRENT_PIN, NEW_PIN]);
}

#[tokio::test(flavor = "current_thread")]
async fn tracing_debug_and_errors_never_show_tokens_or_pins() {
    let captured = Capture::start();

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path_includes("/credentials/boarding/");
            then.status(200)
                .json_body(serde_json::json!({"nome_sito": "Sede"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(PUT).path("/credentials/B4HUPE820/change-pin");
            then.status(429)
                .header("retry-after", "1")
                .header("set-cookie", format!("session={TOKEN}"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/credentials/B4HUPE820/status");
            // A server that echoes the caller's credential back in an answer's header.
            then.status(200)
                .header("authorization", format!("Bearer {TOKEN}"))
                .json_body(serde_json::json!({"pin": CURRENT_PIN}));
        })
        .await;

    let waits = RecordedWaits::default();
    let client = Client::builder()
        .base_url(server.base_url())
        .token(TOKEN)
        .retry_policy(waits.policy(RetryPolicy::default().max_attempts(2)))
        .build()
        .unwrap();
    assert_no_secret("Debug of the client", &format!("{client:?}"));

    client
        .get_boarding_info()
        .qrcode_token(uuid::Uuid::nil())
        .pin(BOARDING_PIN)
        .send()
        .await
        .unwrap();

    let request = client
        .change_pin()
        .credentials_id("B4HUPE820")
        .body_map(|b| b.current_pin(CURRENT_PIN).new_pin(NEW_PIN));
    assert_no_secret("Debug of a request builder", &format!("{request:?}"));
    let error = request.send().await.unwrap_err();
    assert_eq!(error.status().unwrap(), 429);
    assert_no_secret("Debug of an error", &format!("{error:?}"));
    assert_no_secret("an error message", &error.to_string());

    let status = client
        .get_credentials_status()
        .credentials_id("B4HUPE820")
        .send()
        .await
        .unwrap();
    assert_no_secret("Debug of a response", &format!("{status:?}"));
    assert_no_secret(
        "Debug of a response's headers",
        &format!("{:?}", status.headers()),
    );
    assert_eq!(status.pin.as_ref().unwrap().expose(), CURRENT_PIN);

    // A transport error would print its URL, with the boarding PIN in the query: it must not.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = unreachable
        .get_boarding_info()
        .qrcode_token(uuid::Uuid::nil())
        .pin(BOARDING_PIN)
        .send()
        .await
        .unwrap_err();
    assert_no_secret("a transport error", &format!("{error} {error:?}"));

    let output = captured.text();
    assert_no_secret("the tracing output", &output);
    for expected in [
        "credkit.request",
        "service=\"rentri-ca\"",
        "operation=\"get_boarding_info\"",
        "path=\"/credentials/boarding/{qrcode_token}\"",
        "status=200",
        "operation=\"change_pin\"",
        "method=\"PUT\"",
        "status=429",
        "attempt=2",
        "retrying",
        "duration_ms=",
    ] {
        assert!(
            output.contains(expected),
            "tracing output lacks {expected}:\n{output}"
        );
    }
}

#[test]
fn header_tokens_and_secrets_print_redacted() {
    let auth = credkit_runtime::Auth::header("x-auth-token", TOKEN);
    assert_eq!(format!("{auth:?}"), "Header(x-auth-token: <redacted>)");
    let secret = credkit_runtime::Secret::new(TOKEN);
    assert_eq!(format!("{secret:?} {secret}"), "\"<redacted>\" <redacted>");
    let pin: credkit_rentri_ca::types::Pin = BOARDING_PIN.parse().unwrap();
    assert_eq!(format!("{pin:?}"), "\"<redacted>\"");
    assert_eq!(
        serde_json::to_string(&pin).unwrap(),
        format!("\"{BOARDING_PIN}\"")
    );
}

/// Asserts that none of `secrets` appears in `text`.
fn assert_hidden(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "{what} shows a secret ({secret}):\n{text}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn sparkfly_never_shows_its_key_or_session_token() {
    use credkit_sparkfly::ClientBuilderExt as _;
    const KEY: &str = "key-5d1e-account-secret";
    const SESSION: &str = "session-88c2-from-auth";
    let captured = Capture::start();
    // `GET /auth` hands out the session token; every other call is refused, so that the
    // client renews the token once and then reports the refusal.
    let server = RawServer::start(|request| {
        if request.path() == "/auth" {
            Reply::http(204, &[("x-auth-token", SESSION)], "")
        } else {
            Reply::http(
                401,
                &[
                    ("content-type", "application/json"),
                    ("x-auth-token", SESSION),
                ],
                r#"{"error": "unauthorized", "message": "token expired"}"#,
            )
        }
    })
    .await;
    let client = credkit_sparkfly::Client::builder()
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::disabled())
        .build_with_identity_and_key("account-identity", KEY)
        .unwrap();
    assert_hidden(
        "Debug of the client",
        &format!("{client:?}"),
        &[KEY, SESSION],
    );
    for op in credkit_sparkfly::SERVICE.operations {
        let Err(error) = calls::sparkfly::call(&client, op.id).await else {
            continue;
        };
        assert_hidden(op.id, &format!("{error} {error:?}"), &[KEY, SESSION]);
    }
    let request = client
        .authenticate()
        .x_auth_identity("account-identity")
        .x_auth_key(KEY);
    assert_hidden(
        "Debug of a request builder",
        &format!("{request:?}"),
        &[KEY],
    );
    let answer = request.send().await.unwrap();
    assert_hidden("Debug of a response", &format!("{answer:?}"), &[SESSION]);
    let sent = server.requests();
    assert!(
        sent.iter().any(|r| r.header("x-auth-key") == Some(KEY)),
        "the key was used"
    );
    assert!(
        sent.iter()
            .any(|r| r.header("x-auth-token") == Some(SESSION)),
        "the token was used"
    );
    assert_hidden("the tracing output", &captured.text(), &[KEY, SESSION]);
    assert!(captured.text().contains("service=\"sparkfly\""));
}

#[tokio::test(flavor = "current_thread")]
async fn openapi_pec_never_shows_its_token() {
    const PEC_TOKEN: &str = "pec-6a0f-bearer-secret";
    let captured = Capture::start();
    let server = RawServer::start(|_| {
        Reply::http(
            402,
            &[("content-type", "application/json")],
            r#"{"data": null, "success": false, "message": "Credito insufficiente", "error": 121}"#,
        )
    })
    .await;
    let client = credkit_openapi_pec::Client::builder()
        .base_url(server.base_url())
        .token(PEC_TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    assert_hidden("Debug of the client", &format!("{client:?}"), &[PEC_TOKEN]);
    for op in credkit_openapi_pec::SERVICE.operations {
        let value = calls::openapi_pec::path_value(op.id);
        let error = calls::openapi_pec::call(&client, op.id, value)
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(402), "{}", op.id);
        assert_hidden(op.id, &format!("{error} {error:?}"), &[PEC_TOKEN]);
    }
    let bearer = format!("Bearer {PEC_TOKEN}");
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header("authorization") == Some(bearer.as_str()))
    );
    assert_hidden("the tracing output", &captured.text(), &[PEC_TOKEN]);
    assert!(captured.text().contains("service=\"openapi-pec\""));
}

#[tokio::test(flavor = "current_thread")]
async fn an_answer_member_that_does_not_fit_is_logged_once_and_a_secret_one_without_its_value() {
    let captured = Capture::start();
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/credentials/B4HUPE820/status");
            // A PIN sent as a number (read as text) and a list that is not one.
            then.status(200).json_body(serde_json::json!({
                "pin": CURRENT_PIN.parse::<u32>().unwrap(),
                "siti": NEW_PIN,
                "identifier": "B4HUPE820"
            }));
        })
        .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .token(TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let answer = client
        .get_credentials_status()
        .credentials_id("B4HUPE820")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.pin.as_ref().unwrap().expose(), CURRENT_PIN);
    assert_eq!(answer.siti, None);
    let listed: Vec<String> = answer.unfit().iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        [
            "/pin: expected string, found <redacted> (read as that type)",
            format!("/siti: expected array of object CredentialsSito, found \"{NEW_PIN}\" (read as absent)").as_str(),
        ]
    );
    let text = captured.text();
    let logged: Vec<&str> = text
        .lines()
        .filter(|line| line.contains("did not fit their types"))
        .collect();
    assert_eq!(logged.len(), 1, "logged once per answer:\n{text}");
    assert!(
        logged[0].contains("DEBUG") && logged[0].contains("/pin") && logged[0].contains("/siti"),
        "{text}"
    );
    assert_hidden("the debug line", logged[0], &[TOKEN, CURRENT_PIN]);
    assert_hidden(
        "the answer's Debug",
        &format!("{answer:?} {:?}", answer.unfit()),
        &[TOKEN, CURRENT_PIN],
    );
}
