//! What a command prints: `--dry-run` (the request, nothing sent), `--include` (status and
//! headers, credentials redacted), `--raw` (the server's bytes), JSON compact when piped, and
//! a download streamed to `--output`.

use httpmock::prelude::*;
use serde_json::json;

use crate::{Credkit, TOKEN, against, file, has_script, scratch, sparkfly_auth, sparkfly_exchange};

const ID: &str = "6040e4613a716838dc4eee0e";

#[test]
fn a_dry_run_prints_the_request_with_credentials_redacted_and_sends_nothing() {
    let server = MockServer::start();
    let any = server.mock(|_, then| {
        then.status(200).json_body(json!({}));
    });
    let run = against(
        &server,
        &[
            "pec",
            "change-mailbox-space",
            "--dry-run",
            "--id",
            ID,
            "--spazio-disco",
            "+1024",
        ],
    )
    .run()
    .success();
    any.assert_calls(0);
    assert_eq!(
        run.stdout,
        format!(
            "PATCH {}/pec/{ID}/modifica\n\
             accept: application/json\n\
             content-type: application/json\n\
             user-agent: {}\n\
             authorization: <redacted>\n\
             \n\
             {{\"spazio_disco\":\"+1024\"}}\n",
            server.base_url(),
            credkit::USER_AGENT
        )
    );
    assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN));

    // Flags every command takes are accepted anywhere on the line.
    let before = against(
        &server,
        &[
            "--dry-run",
            "pec",
            "change-mailbox-space",
            "--id",
            ID,
            "--spazio-disco",
            "+1024",
        ],
    )
    .run()
    .success();
    assert_eq!(before.stdout, run.stdout);
    any.assert_calls(0);
}

#[test]
fn a_dry_run_needs_no_credentials_and_asks_for_none() {
    let server = MockServer::start();
    let any = server.mock(|_, then| {
        then.status(204).header("x-auth-token", "t");
    });
    // Sparkfly's token exchange would send GET /auth: a dry run does not.
    let run = sparkfly_exchange(&server, "k3y", &["--dry-run"])
        .run()
        .success();
    run.stdout_has("\nx-auth-token: <redacted>\n");
    let run = Credkit::new(&["pec", "get-mailbox", "--id", ID, "--dry-run"])
        .env("OPENAPI_PEC_BASE_URL", server.base_url())
        .run()
        .success();
    assert!(!run.stdout.contains("authorization"), "{}", run.shown());
    any.assert_calls(0);
}

#[test]
fn authenticate_prints_the_token_it_obtained_and_every_other_output_keeps_it_redacted() {
    let server = MockServer::start();
    let exchange = sparkfly_auth(&server, "fresh-session-t0ken");
    let key = format!("@{}", file(&scratch("authenticate"), "key", b"k3y\n"));
    let with_key = |extra: &[&str]| {
        let line = [
            "sparkfly",
            "authenticate",
            "--x-auth-identity",
            "me",
            "--x-auth-key",
            &key,
        ];
        Credkit::new(&line)
            .args(extra.iter().copied())
            .env("SPARKFLY_BASE_URL", server.base_url())
            .run()
    };
    let run = with_key(&[]).success();
    assert_eq!(run.json(), json!({ "token": "fresh-session-t0ken" }));

    // -i: the header stays redacted in the head, the token is the body printed after it.
    let run = with_key(&["-i"]).success();
    let (head, body) = run.stdout.split_once("\n\n").unwrap();
    assert!(
        head.contains("\nx-auth-token: <redacted>"),
        "{}",
        run.shown()
    );
    assert_eq!(body, "{\"token\":\"fresh-session-t0ken\"}\n");

    // -v: the tracing on stderr shows neither the token nor the key.
    let run = with_key(&["-v"]).success();
    run.stderr_has("credkit.request");
    assert!(
        !run.stderr.contains("fresh-session-t0ken"),
        "{}",
        run.shown()
    );
    assert!(!run.stderr.contains("k3y"), "{}", run.shown());
    exchange.assert_calls(3);

    // A dry run sends nothing, and shows the key redacted.
    let run = with_key(&["--dry-run"]).success();
    run.stdout_has("\nx-auth-key: <redacted>\n");
    assert!(!run.stdout.contains("k3y"), "{}", run.shown());
    exchange.assert_calls(3);

    // The help says so.
    let run = Credkit::new(&["sparkfly", "authenticate", "--help"])
        .run()
        .success();
    run.stdout_has("Prints the token of the x-auth-token answer header as JSON on stdout");
}

#[test]
fn authenticate_without_the_token_header_is_an_answer_that_does_not_decode() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/auth");
        then.status(204);
    });
    let run = Credkit::new(&[
        "sparkfly",
        "authenticate",
        "--x-auth-identity",
        "me",
        "--x-auth-key",
        "k3y",
    ])
    .env("SPARKFLY_BASE_URL", server.base_url())
    .run()
    .code(5);
    run.stderr_has("error: sparkfly authenticate: the server answered 204 No Content without the token (no x-auth-token header)");
    assert_eq!(run.stdout, "");
}

#[test]
fn include_prints_status_and_headers_with_credentials_redacted() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/v1.0/credentials/12");
        then.status(200)
            .header("x-request-id", "req-42")
            .header("x-auth-token", "a-token-the-server-sent")
            .header("set-cookie", "session=abc")
            .json_body(json!({ "credential": { "id": 12 } }));
    });
    let run = against(
        &server,
        &["sparkfly", "get-credential", "--credential-id", "12", "-i"],
    )
    .run()
    .success();
    let (head, body) = run.stdout.split_once("\n\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK\n"), "{head}");
    assert!(head.contains("\nx-request-id: req-42"), "{head}");
    assert!(head.contains("\nx-auth-token: <redacted>"), "{head}");
    assert!(head.contains("\nset-cookie: <redacted>"), "{head}");
    assert!(!run.stdout.contains("a-token-the-server-sent"));
    assert!(!run.stdout.contains("session=abc"));
    assert_eq!(body, "{\"credential\":{\"id\":12}}\n");

    // A refused call's status and headers too; its message on stderr.
    server.mock(|when, then| {
        when.method(GET).path("/v1.0/credentials/13");
        then.status(404)
            .header("x-request-id", "req-43")
            .json_body(json!({ "error": "not_found", "message": "no such credential" }));
    });
    let run = against(
        &server,
        &["sparkfly", "get-credential", "--credential-id", "13", "-i"],
    )
    .run()
    .code(3);
    assert!(
        run.stdout.starts_with("HTTP/1.1 404 Not Found\n"),
        "{}",
        run.shown()
    );
    run.stdout_has("\nx-request-id: req-43\n");
    run.stderr_has("no such credential");
}

#[test]
fn raw_prints_the_servers_bytes_and_the_default_is_the_decoded_answer() {
    let server = MockServer::start();
    let sent = "{ \"identifier\" : \"B4HUPE820\",\n  \"campo_futuro\": [1, 2] }";
    server.mock(|when, then| {
        when.method(GET).path("/credentials/B4HUPE820");
        then.status(200)
            .header("content-type", "application/json")
            .body(sent);
    });
    let run = |raw: bool| {
        let mut command = against(
            &server,
            &[
                "rentri-ca",
                "get-credentials",
                "--credentials-id",
                "B4HUPE820",
            ],
        );
        if raw {
            command = command.args(["--raw"]);
        }
        command.run().success()
    };
    assert_eq!(run(true).stdout, sent);
    // Written as it comes, after the head under --include.
    let included = against(
        &server,
        &[
            "rentri-ca",
            "get-credentials",
            "--credentials-id",
            "B4HUPE820",
            "--raw",
            "-i",
        ],
    )
    .run()
    .success();
    assert!(
        included.stdout.starts_with("HTTP/1.1 200 OK\n"),
        "{}",
        included.shown()
    );
    assert!(
        included.stdout.ends_with(&format!("\n\n{sent}")),
        "{}",
        included.shown()
    );
    assert_eq!(included.stdout.matches("HTTP/1.1").count(), 1);
    // Decoded: members the client does not know are left out; one line when piped.
    assert_eq!(run(false).stdout, "{\"identifier\":\"B4HUPE820\"}\n");
}

/// `credkit pec download-activation-form`, to `target` or stdout.
fn download(server: &MockServer, target: Option<&std::path::Path>) -> Credkit {
    let command = against(server, &["pec", "download-activation-form", "--id", ID]);
    match target {
        Some(target) => command.args(["--output", target.to_str().unwrap()]),
        None => command,
    }
}

#[test]
fn a_download_streams_to_its_file_through_a_part_file_without_a_bar_when_piped() {
    let server = MockServer::start();
    let pdf: Vec<u8> = (0..3 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    server.mock(|when, then| {
        when.method(GET)
            .path(format!("/pec/{ID}/modulo_attivazione"));
        then.status(200)
            .header("content-type", "application/pdf")
            .body(pdf.clone());
    });
    let dir = scratch("download");
    let target = dir.join("form.pdf");
    let run = download(&server, Some(&target)).run().success();
    assert_eq!(std::fs::read(&target).unwrap(), pdf);
    assert!(!dir.join("form.pdf.part").exists());
    // No progress bar: stderr is not a terminal.
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));

    // Without --output, to stdout when it is not a terminal.
    let run = download(&server, None).run().success();
    assert_eq!(run.bytes, pdf);
}

#[test]
fn a_failed_download_leaves_no_file() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET)
            .path(format!("/pec/{ID}/modulo_attivazione"));
        then.status(404).body("Not Found");
    });
    let dir = scratch("failed-download");
    let target = dir.join("form.pdf");
    download(&server, Some(&target)).run().code(3);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn a_body_comes_from_a_file_or_stdin_and_member_flags_change_it() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(POST)
            .path(format!("/pec/{ID}/multiutenza"))
            .json_body(json!({
                "nome": "Maria", "cognome": "Bianchi", "descrizione": "segreteria",
                "email_gestione_password": "m@x.it"
            }));
        then.status(200)
            .json_body(json!({ "success": true, "data": { "id": ID } }));
    });
    let body = json!({
        "nome": "Mario", "cognome": "Bianchi", "descrizione": "segreteria",
        "email_gestione_password": "m@x.it"
    })
    .to_string();
    let path = file(&scratch("body"), "user.json", body.as_bytes());
    for (source, stdin) in [(path.as_str(), None), ("-", Some(body.as_bytes()))] {
        let mut command = against(
            &server,
            &[
                "pec",
                "add-mailbox-user",
                "--id",
                ID,
                "--body",
                source,
                "--nome",
                "Maria",
            ],
        );
        if let Some(stdin) = stdin {
            command = command.stdin(stdin);
        }
        command.run().success();
    }
    mock.assert_calls(2);
}

#[test]
fn on_a_terminal_json_is_indented_and_a_download_shows_its_progress() {
    if !has_script() {
        eprintln!("skipped: util-linux's `script` is not installed");
        return;
    }
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path(format!("/pec/{ID}"));
        then.status(200)
            .json_body(json!({ "success": true, "data": { "id": ID } }));
    });
    server.mock(|when, then| {
        when.method(GET)
            .path(format!("/pec/{ID}/modulo_attivazione"));
        then.status(200)
            .header("content-type", "application/pdf")
            .body(vec![b'%'; 1024 * 1024]);
    });
    let run = against(&server, &["pec", "get-mailbox", "--id", ID])
        .env("NO_COLOR", "1")
        .on_terminal()
        .run()
        .success();
    assert_eq!(
        run.stdout.replace("\r\n", "\n"),
        format!("{{\n  \"data\": {{\n    \"id\": \"{ID}\"\n  }},\n  \"success\": true\n}}\n")
    );
    // Coloured as jq colours it, but for NO_COLOR, and never when piped.
    let coloured = against(&server, &["pec", "get-mailbox", "--id", ID])
        .on_terminal()
        .run()
        .success();
    assert!(
        coloured
            .stdout
            .contains(&format!("\x1b[1;34m\"id\"\x1b[0m: \x1b[32m\"{ID}\"\x1b[0m")),
        "{}",
        coloured.shown()
    );
    let piped = against(&server, &["pec", "get-mailbox", "--id", ID])
        .run()
        .success();
    assert!(!piped.stdout.contains('\x1b'), "{}", piped.shown());

    let target = scratch("terminal-download").join("form.pdf");
    let run = download(&server, Some(&target))
        .on_terminal()
        .run()
        .success();
    run.stdout_has("1.00 MiB/1.00 MiB");
    assert_eq!(std::fs::metadata(&target).unwrap().len(), 1024 * 1024);

    // And a file is not written to a terminal.
    let run = download(&server, None).on_terminal().run().code(2);
    assert!(
        run.stdout
            .contains("answers a file: write it with --output FILE"),
        "{}",
        run.shown()
    );
}

/// A secret flag (RENTRI's PINs) is read from stdin (`-`, one line each) or a file (`@FILE`)
/// and sent as it is; a dry run shows it redacted; one written on the command line still
/// works, with a warning that does not repeat it.
#[test]
fn secret_flags_come_from_stdin_or_a_file_and_a_dry_run_redacts_them() {
    let server = MockServer::start();
    let change = server.mock(|when, then| {
        when.method(PUT)
            .path("/credentials/B4HUPE820/change-pin")
            .json_body(json!({ "current_pin": "111111", "new_pin": "222222" }));
        then.status(200);
    });
    let dir = scratch("secret-flags");
    let new_pin = file(&dir, "new-pin", b"222222\n");
    let pins = [
        "rentri-ca",
        "change-pin",
        "--credentials-id",
        "B4HUPE820",
        "--current-pin",
        "-",
        "--new-pin",
    ];
    let new_pin_from_file = format!("@{new_pin}");
    let run = against(&server, &pins)
        .args([new_pin_from_file.as_str()])
        .stdin(b"111111\n")
        .run()
        .success();
    change.assert_calls(1);
    assert_eq!(
        run.stderr, "",
        "no warning for secrets kept off the command line"
    );

    let dry = against(&server, &pins)
        .args(["-", "--dry-run"])
        .stdin(b"111111\n222222\n")
        .run()
        .success();
    change.assert_calls(1);
    dry.stdout_has(r#"{"current_pin":"<redacted>","new_pin":"<redacted>"}"#);
    assert!(!dry.stdout.contains("111111") && !dry.stdout.contains("222222"));

    // Lines of stdin go to the flags in the order they are written.
    let reversed = against(
        &server,
        &[
            "rentri-ca",
            "change-pin",
            "--credentials-id",
            "B4HUPE820",
            "--new-pin",
            "-",
            "--current-pin",
            "-",
        ],
    )
    .stdin(b"222222\n111111\n")
    .run()
    .success();
    change.assert_calls(2);
    assert_eq!(reversed.stderr, "");

    let written = against(&server, &pins[..5])
        .args(["111111", "--new-pin", "222222"])
        .run()
        .success();
    change.assert_calls(3);
    written.stderr_has("warning: the value of --current-pin is a secret");
    assert!(!written.stderr.contains("111111"), "{}", written.stderr);

    let both_stdin = against(&server, &pins)
        .args(["-", "--body", "-"])
        .stdin(b"{}")
        .run()
        .code(2);
    both_stdin.stderr_has("--body - and a secret flag's - both read stdin");
}

#[test]
fn format_prints_a_list_as_yaml_or_one_json_line_per_item() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/v1.0/credentials");
        then.status(200).json_body(json!({
            "credentials": [{ "credential": { "id": 1 } }, { "credential": { "id": 2 } }],
            "page": 1
        }));
    });
    let list = |format: &str| {
        against(
            &server,
            &["sparkfly", "list-credentials", "--format", format],
        )
        .run()
        .success()
    };
    assert_eq!(
        list("ndjson").stdout,
        "{\"credential\":{\"id\":1}}\n{\"credential\":{\"id\":2}}\n"
    );
    assert_eq!(
        list("yaml").stdout,
        "credentials:\n- credential:\n    id: 1\n- credential:\n    id: 2\npage: 1\n"
    );
    assert_eq!(
        list("json").json(),
        json!({"credentials": [{"credential": {"id": 1}}, {"credential": {"id": 2}}], "page": 1})
    );
    let run = against(
        &server,
        &["sparkfly", "list-credentials", "--format", "xml"],
    )
    .run()
    .code(2);
    run.stderr_has("[possible values: json, yaml, ndjson, table]");
}

#[test]
fn format_table_prints_a_row_per_item_fitted_to_the_terminal() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/pec");
        then.status(200).json_body(json!({
            "success": true,
            "message": "",
            "data": [
                { "id": "a1", "casella_pec": "mario@legalmail.it", "tipo_casella": "STANDARD" },
                { "id": "b2", "casella_pec": "anna@legalmail.it", "owner": "acme" }
            ]
        }));
    });
    let run = against(&server, &["pec", "list-mailboxes", "--format", "table"])
        .run()
        .success();
    assert_eq!(
        run.stdout,
        "id  casella_pec         tipo_casella  owner\n\
         a1  mario@legalmail.it  STANDARD\n\
         b2  anna@legalmail.it                 acme\n"
    );
    if !has_script() {
        eprintln!("skipped on a terminal: util-linux's `script` is not installed");
        return;
    }
    // On a terminal 30 columns wide, the widest columns are cut, and headers are bold.
    let run = against(&server, &["pec", "list-mailboxes", "--format", "table"])
        .env("COLUMNS", "30")
        .on_terminal()
        .run()
        .success();
    let text = run.stdout.replace("\r\n", "\n");
    assert!(text.starts_with("\x1b[1mid\x1b[0m"), "{}", run.shown());
    for line in text.lines().skip(1) {
        assert!(line.chars().count() <= 30, "{line:?} in {}", run.shown());
    }
    run.stdout_has("a1  mario@le…  STANDARD");
}

#[test]
fn jq_picks_from_the_answer_and_a_filter_that_does_not_compile_sends_nothing() {
    let server = MockServer::start();
    let list = server.mock(|when, then| {
        when.method(GET).path("/pec");
        then.status(200).json_body(json!({
            "success": true,
            "data": [
                { "id": "a1", "casella_pec": "mario@legalmail.it" },
                { "id": "b2", "casella_pec": "anna@legalmail.it" }
            ]
        }));
    });
    let run = against(
        &server,
        &["pec", "list-mailboxes", "--jq", ".data[].casella_pec"],
    )
    .run()
    .success();
    // Strings as their text, as jq -r prints them.
    assert_eq!(run.stdout, "mario@legalmail.it\nanna@legalmail.it\n");
    let run = against(
        &server,
        &[
            "pec",
            "list-mailboxes",
            "--jq",
            "[.data[] | {id}]",
            "--format",
            "ndjson",
        ],
    )
    .run()
    .success();
    assert_eq!(run.stdout, "{\"id\":\"a1\"}\n{\"id\":\"b2\"}\n");
    let run = against(
        &server,
        &["pec", "list-mailboxes", "--jq", ".data | length"],
    )
    .run()
    .success();
    assert_eq!(run.stdout, "2\n");
    list.assert_calls(3);

    let run = against(&server, &["pec", "list-mailboxes", "--jq", ".data["])
        .run()
        .code(2);
    run.stderr_has("error: --jq .data[: expected");
    let run = against(&server, &["pec", "list-mailboxes", "--jq", "nosuch(1)"])
        .run()
        .code(2);
    run.stderr_has("nosuch");
    list.assert_calls(3);

    // A filter that fails on the answer says so, after the call.
    let run = against(&server, &["pec", "list-mailboxes", "--jq", ".data + 1"])
        .run()
        .code(2);
    run.stderr_has("error: pec list-mailboxes: --jq: cannot");
    list.assert_calls(4);
}

#[test]
fn dash_o_is_the_format_and_capital_o_the_file_a_download_is_written_to() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/v1.0/credentials");
        then.status(200).json_body(json!({
            "credentials": [{ "credential": { "id": 1 } }],
            "page": 1
        }));
    });
    let pdf = b"%PDF-1.7 a form".to_vec();
    let downloaded = server.mock(|when, then| {
        when.method(GET)
            .path(format!("/pec/{ID}/modulo_attivazione"));
        then.status(200)
            .header("content-type", "application/pdf")
            .body(pdf.clone());
    });
    // -o FORMAT, anywhere on the line, as --format.
    for args in [
        &["sparkfly", "list-credentials", "-o", "yaml"][..],
        &["sparkfly", "-o", "yaml", "list-credentials"],
        &["sparkfly", "list-credentials", "-oyaml"],
    ] {
        let run = against(&server, args).run().success();
        assert_eq!(
            run.stdout, "credentials:\n- credential:\n    id: 1\npage: 1\n",
            "{args:?}"
        );
    }
    against(&server, &["sparkfly", "list-credentials", "-o", "ndjson"])
        .run()
        .success()
        .stdout_has("{\"credential\":{\"id\":1}}\n");

    // -O FILE writes a file answer.
    let dir = scratch("capital-o");
    let target = dir.join("form.pdf");
    let download = |flag: &str, value: &str| {
        against(
            &server,
            &["pec", "download-activation-form", "--id", ID, flag, value],
        )
        .run()
    };
    download("-O", target.to_str().unwrap()).success();
    assert_eq!(std::fs::read(&target).unwrap(), pdf);
    downloaded.assert_calls(1);

    // The old `-o FILE` is now a format: refused before anything is sent, with the formats.
    let refused = download("-o", dir.join("other.pdf").to_str().unwrap()).code(2);
    refused.stderr_has("[possible values: json, yaml, ndjson, table]");
    assert!(!dir.join("other.pdf").exists());
    downloaded.assert_calls(1);
}
