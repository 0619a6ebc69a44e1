//! Tokens and PINs never reach `Debug` output, error messages or tracing events, while the
//! tracing span of each request says what was called and how it went.

use std::io::Write;
use std::sync::{Arc, Mutex};

use credkit_rentri_ca::{Client, RetryPolicy};
use credkit_tests::RecordedWaits;
use httpmock::prelude::*;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

const TOKEN: &str = "tok-3b9f0c1e-very-secret";
const BOARDING_PIN: &str = "482913";
const CURRENT_PIN: &str = "731946";
const NEW_PIN: &str = "265108";

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

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in [TOKEN, BOARDING_PIN, CURRENT_PIN, NEW_PIN] {
        assert!(
            !text.contains(secret),
            "{what} shows a secret ({secret}):\n{text}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn tracing_debug_and_errors_never_show_tokens_or_pins() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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
            then.status(200)
                .header("x-auth-token", TOKEN)
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

    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
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
