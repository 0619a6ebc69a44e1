//! How a command fails: one line on stderr naming service, operation, status and the server's
//! message (its body under `--verbose`), and the exit code: 2 usage or configuration, 3 the
//! server refused, 4 server or transport failure, 5 an answer that does not decode.

use httpmock::prelude::*;
use serde_json::json;

use crate::{Credkit, Run, against, credkit, sparkfly_exchange};

const ID: &str = "6040e4613a716838dc4eee0e";

/// `credkit pec <args>` against `server` with a token.
fn pec(server: &MockServer, args: &[&str]) -> Run {
    against(server, &[&["pec"], args].concat()).run()
}

/// The one line of a failure.
#[track_caller]
fn one_line(run: &Run) -> &str {
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.shown());
    lines[0]
}

#[test]
fn a_4xx_answer_is_a_refusal_with_the_servers_message() {
    let server = MockServer::start();
    let body =
        json!({ "data": null, "success": false, "message": "Mailbox not found", "error": 404 });
    server.mock(|when, then| {
        when.method(GET).path(format!("/pec/{ID}"));
        then.status(404).json_body(body.clone());
    });
    let run = pec(&server, &["get-mailbox", "--id", ID]).code(3);
    assert_eq!(run.stdout, "");
    assert_eq!(
        one_line(&run),
        "error: pec get-mailbox: the server answered 404 Not Found: Mailbox not found"
    );

    // --verbose adds the body; the tracing of the call goes to stderr too.
    let run = pec(&server, &["get-mailbox", "--id", ID, "-v"]).code(3);
    run.stderr_has(r#""message":"Mailbox not found""#);
    run.stderr_has("credkit.request");
}

#[test]
fn a_pec_answer_with_success_false_is_a_refusal() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path(format!("/pec/{ID}"));
        then.status(200)
            .json_body(json!({ "success": false, "message": "Casella non trovata", "error": 17 }));
    });
    let run = pec(&server, &["get-mailbox", "--id", ID]).code(3);
    assert_eq!(
        one_line(&run),
        "error: pec get-mailbox: the server answered 200 OK but reported a failure: Casella non trovata"
    );
}

#[test]
fn a_5xx_answer_is_a_server_failure() {
    let server = MockServer::start();
    // Renewing is not idempotent: the library sends it once, whatever the answer.
    let mock = server.mock(|when, then| {
        when.method(GET).path(format!("/pec/{ID}/rinnovo"));
        then.status(500).body("upstream exploded");
    });
    let run = pec(&server, &["renew-mailbox", "--id", ID]).code(4);
    mock.assert_calls(1);
    assert_eq!(
        one_line(&run),
        "error: pec renew-mailbox: the server answered 500 Internal Server Error: upstream exploded"
    );
}

/// A loopback server that reads one request and answers `reply` (then closes), or never
/// answers when `reply` is `None`; its base URL.
fn raw_server(reply: Option<&'static [u8]>) -> String {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut request = [0; 4096];
        let _ = stream.read(&mut request);
        match reply {
            Some(reply) => {
                let _ = stream.write_all(reply);
            }
            // Held open, silent, until the test process ends.
            None => std::thread::sleep(std::time::Duration::from_secs(120)),
        }
    });
    base_url
}

/// `credkit pec <args>` against `base_url` with a token.
fn pec_at(base_url: &str, args: &[&str]) -> Run {
    Credkit::new(&[&["pec"], args].concat())
        .env("OPENAPI_PEC_BASE_URL", base_url)
        .env("OPENAPI_PEC_TOKEN", "t0ken")
        .run()
}

#[test]
fn a_refused_connection_is_named_with_where_it_went() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let run = pec_at(&format!("http://{address}"), &["renew-mailbox", "--id", ID]).code(4);
    assert_eq!(
        one_line(&run),
        format!("error: pec renew-mailbox: connection refused by {address}")
    );
}

#[test]
fn a_name_that_does_not_resolve_is_named() {
    let run = pec_at("https://nowhere.invalid", &["renew-mailbox", "--id", ID]).code(4);
    assert!(
        one_line(&run)
            .starts_with("error: pec renew-mailbox: the name nowhere.invalid was not resolved: "),
        "{}",
        run.shown()
    );
}

#[test]
fn a_tls_handshake_that_fails_is_a_tls_failure_with_its_cause() {
    // An https URL to a server that speaks plain HTTP.
    let server = MockServer::start();
    let any = server.mock(|_, then| {
        then.status(200);
    });
    let address = server.address();
    let run = pec_at(
        &format!("https://{address}"),
        &["renew-mailbox", "--id", ID],
    )
    .code(4);
    assert!(
        one_line(&run).starts_with(&format!(
            "error: pec renew-mailbox: TLS failure with {address}: "
        )),
        "{}",
        run.shown()
    );
    any.assert_calls(0);
}

#[test]
fn a_silent_server_is_a_timeout_after_the_time_given() {
    let base_url = raw_server(None);
    let started = std::time::Instant::now();
    // Renewing is not idempotent: one attempt.
    let run = pec_at(&base_url, &["renew-mailbox", "--id", ID, "--timeout", "1"]).code(4);
    let address = base_url.trim_start_matches("http://");
    assert_eq!(
        one_line(&run),
        format!("error: pec renew-mailbox: timed out waiting for the answer of {address}")
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    // A time of 0 is refused before anything is sent.
    let run = pec_at(&base_url, &["renew-mailbox", "--id", ID, "--timeout", "0"]).code(2);
    run.stderr_has("--timeout");
}

#[test]
fn a_body_cut_off_says_after_how_many_bytes_and_raw_prints_them() {
    const CUT: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"success\": true, \"data\"";
    let run = pec_at(&raw_server(Some(CUT)), &["renew-mailbox", "--id", ID]).code(4);
    assert!(
        one_line(&run).starts_with(
            "error: pec renew-mailbox: the server answered 200 OK but the body was cut off after 24 bytes"
        ),
        "{}",
        run.shown()
    );
    let run = pec_at(
        &raw_server(Some(CUT)),
        &["renew-mailbox", "--id", ID, "--raw"],
    )
    .code(4);
    assert_eq!(run.stdout, "{\"success\": true, \"data\"");
}

#[test]
fn a_request_that_cannot_be_built_is_a_usage_error_and_nothing_is_sent() {
    let server = MockServer::start();
    let any = server.mock(|_, then| {
        then.status(200);
    });
    let id = "a".repeat(100_000);
    let run = pec(&server, &["get-mailbox", "--id", &id]).code(2);
    let line = one_line(&run);
    assert!(
        line.starts_with("error: pec get-mailbox: invalid request, nothing was sent: the request cannot be built: "),
        "{}",
        run.shown()
    );
    assert!(line.len() < 300, "{line}");
    any.assert_calls(0);
}

#[test]
fn an_html_error_page_is_summarised_by_its_title_and_shown_whole_with_verbose_or_raw() {
    let server = MockServer::start();
    let page = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body>\n</html>\n";
    server.mock(|when, then| {
        when.method(GET).path(format!("/pec/{ID}/rinnovo"));
        then.status(502)
            .header("content-type", "text/html")
            .body(page);
    });
    let run = pec(&server, &["renew-mailbox", "--id", ID]).code(4);
    assert_eq!(
        one_line(&run),
        "error: pec renew-mailbox: the server answered 502 Bad Gateway: 502 Bad Gateway"
    );
    let run = pec(&server, &["renew-mailbox", "--id", ID, "-v"]).code(4);
    run.stderr_has(page);
    let run = pec(&server, &["renew-mailbox", "--id", ID, "--raw"]).code(4);
    assert_eq!(run.stdout, page);
}

#[test]
fn raw_prints_an_answer_that_does_not_decode_as_it_came_and_exits_5() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path(format!("/pec/{ID}"));
        then.status(200).body("[\"not\", \"a\", \"mailbox\"]");
    });
    let run = pec(&server, &["get-mailbox", "--id", ID, "--raw"]).code(5);
    assert_eq!(run.stdout, "[\"not\", \"a\", \"mailbox\"]");
}

#[test]
fn an_answer_that_does_not_decode_exits_5() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path(format!("/pec/{ID}"));
        // Not even an object: no member of it can be read.
        then.status(200).json_body(json!(["not", "a", "mailbox"]));
    });
    let run = pec(&server, &["get-mailbox", "--id", ID]).code(5);
    assert!(
        one_line(&run).starts_with(
            "error: pec get-mailbox: the server answered 200 OK with a body that does not match the API description"
        ),
        "{}", run.shown()
    );
}

#[test]
fn usage_errors_exit_2_and_send_nothing() {
    let server = MockServer::start();
    let any = server.mock(|_, then| {
        then.status(200).json_body(json!({}));
    });
    // clap's own: an unknown flag, a missing required one.
    let run = pec(&server, &["get-mailbox", "--id", ID, "--no-such-flag"]).code(2);
    run.stderr_has("--no-such-flag");
    let run = pec(&server, &["get-mailbox"]).code(2);
    run.stderr_has("--id <ID>");
    // A value its parameter's type refuses.
    let run = against(
        &server,
        &["sparkfly", "get-credential", "--credential-id", "twelve"],
    )
    .run()
    .code(2);
    assert_eq!(
        one_line(&run),
        "error: --credential-id twelve: invalid digit found in string"
    );
    // A body member its schema refuses, named by its flag.
    let run = pec(
        &server,
        &["change-mailbox-space", "--id", ID, "--spazio-disco", "lots"],
    )
    .code(2);
    assert_eq!(
        one_line(&run),
        r"error: --spazio-disco `lots`: does not match the pattern `^\+?[0-9]+$`"
    );
    // A required body that is missing.
    let run = pec(&server, &["change-mailbox-type", "--id", ID]).code(2);
    assert_eq!(
        one_line(&run),
        "error: pec change-mailbox-type needs a body: --body FILE (- for stdin), or its member flags"
    );
    any.assert_calls(0);
}

#[test]
fn a_call_without_credentials_says_where_to_put_them() {
    let run = credkit(&["pec", "get-mailbox", "--id", ID]).code(2);
    assert_eq!(
        one_line(&run),
        "error: pec get-mailbox: no credentials: give a token with --token, OPENAPI_PEC_TOKEN or `token` in [pec] of /dev/null"
    );
}

#[test]
fn a_refused_sparkfly_exchange_is_a_refusal() {
    let server = MockServer::start();
    let exchange = server.mock(|when, then| {
        when.method(GET)
            .path("/auth")
            .header("x-auth-identity", "me")
            .header("x-auth-key", "wrong");
        then.status(401)
            .json_body(json!({ "error": "unauthorized" }));
    });
    let run = sparkfly_exchange(&server, "wrong", &[]).run().code(3);
    exchange.assert_calls(1);
    assert_eq!(
        one_line(&run),
        "error: sparkfly get-credential: authentication failed: Sparkfly refused the identity `me` and its key (GET /auth answered 401 Unauthorized)"
    );
    assert!(!run.stderr.contains("wrong"), "{}", run.shown());
}

#[test]
fn an_answer_member_that_does_not_fit_is_read_as_absent_and_named_on_stderr() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path(format!("/pec/{ID}"));
        then.status(200).json_body(json!({
            "success": true,
            "error": "",
            "data": {"id": ID, "timestamp": {"scadenza": "1614865504"}, "casella_pec": 12}
        }));
    });
    let run = pec(&server, &["get-mailbox", "--id", ID]).success();
    let answer: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        answer,
        json!({"success": true, "data": {"id": ID, "timestamp": {"scadenza": 1614865504}, "casella_pec": "12"}}),
        "{}",
        run.shown()
    );
    for note in [
        "credkit: answer member did not fit its type: /error: expected integer, found \"\" (read as absent)",
        "credkit: answer member did not fit its type: /data/casella_pec: expected string, found 12 (read as that type)",
        "credkit: answer member did not fit its type: /data/timestamp/scadenza: expected integer, found \"1614865504\" (read as that type)",
    ] {
        run.stderr_has(note);
    }
}

#[test]
fn with_strict_an_answer_member_that_does_not_fit_exits_5() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path(format!("/pec/{ID}"));
        then.status(200)
            .json_body(json!({"success": true, "error": "", "data": {"id": ID}}));
    });
    let run = pec(&server, &["get-mailbox", "--id", ID, "--strict"]).code(5);
    assert!(
        one_line(&run).contains(
            r#"1 member of the answer does not fit its type (strict mode): /error: expected integer, found """#
        ),
        "{}",
        run.shown()
    );
}
