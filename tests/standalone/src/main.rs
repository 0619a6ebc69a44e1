//! Depends on `credkit-openapi-pec` alone, with its default features, and calls a local https
//! server whose certificate the caller trusts: the call must reach the server over TLS and
//! decode its answer. Exits 0 and prints what it checked, or panics naming what went wrong.

// The workspace tests' server, by path: this program cannot depend on their crate.
#[path = "../../src/https_once.rs"]
mod https_once;

const ANSWER: &str = r#"{"data":{"available":true},"success":true,"message":"","error":null}"#;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let https_once::HttpsOnce {
        base_url,
        certificate,
        request: server,
    } = https_once::serve_once("200 OK", "application/json", ANSWER);
    let trusted = reqwest::Certificate::from_der(&certificate).expect("the test certificate");
    let client = credkit_openapi_pec::Client::builder()
        .base_url(&base_url)
        .token("standalone-token")
        .http_client(reqwest::Client::builder().add_root_certificate(trusted))
        .build()
        .expect("a client of an https base URL builds with the crate's default TLS");
    let availability = client
        .check_availability()
        .pec("mario.rossi@testcert.legalmail.it")
        .send()
        .await
        .expect("the call reaches the https server")
        .into_inner();
    let available = availability.data.and_then(|data| data.available);
    assert_eq!(available, Some(true), "decoded answer: {available:?}");

    let head = server.join().expect("the server thread");
    let request_line = head.lines().next().unwrap_or_default();
    assert_eq!(
        request_line,
        "GET /verifica_pec/mario.rossi@testcert.legalmail.it HTTP/1.1"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("\r\nauthorization: bearer standalone-token\r\n"),
        "the token was not sent: {head}"
    );
    println!("ok: {request_line} over TLS to {base_url}, answer decoded (available: true)");
}
