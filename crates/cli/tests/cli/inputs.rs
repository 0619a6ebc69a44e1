//! Inputs are checked before anything is sent, the same way for a parameter and a body
//! member, from a flag or from `--body`: each refusal names the flag or the member, and never
//! repeats a secret. The rules are the spec's, as the client's types keep them (lengths,
//! patterns, enums).

use httpmock::prelude::*;
use serde_json::json;

use crate::{Credkit, against, file, scratch};

const ID: &str = "6040e4613a716838dc4eee0e";

/// A mock answering anything; the tests assert it was never called.
fn any(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|_, then| {
        then.status(200).json_body(json!({}));
    })
}

#[test]
fn a_pin_is_checked_in_a_body_as_it_is_in_a_query() {
    let server = MockServer::start();
    let any = any(&server);
    // The query parameter, as before.
    let run = against(
        &server,
        &[
            "rentri-ca",
            "get-boarding-info",
            "--qrcode-token",
            "0b3c9a3e-41c5-4f9a-9d0e-2f6f4b1d2c77",
            "--pin",
            "-",
        ],
    )
    .stdin(b"123\n")
    .run()
    .code(2);
    assert_eq!(
        run.stderr.trim_end(),
        "error: --pin: Pin must be at least 6 characters"
    );
    // The body member, from its flag.
    let change_pin = [
        "rentri-ca",
        "change-pin",
        "--credentials-id",
        "B4HUPE820",
        "--current-pin",
        "-",
        "--new-pin",
        "-",
    ];
    let run = against(&server, &change_pin)
        .stdin(b"111111\n12\n")
        .run()
        .code(2);
    assert_eq!(
        run.stderr.trim_end(),
        "error: --new-pin: Pin must be at least 6 characters"
    );
    // The body member, from the --body file: named by its place in the body.
    let body = file(
        &scratch("pin-in-body"),
        "pins.json",
        json!({"current_pin": "1234567", "new_pin": "222222"})
            .to_string()
            .as_bytes(),
    );
    let run = against(
        &server,
        &[
            "rentri-ca",
            "change-pin",
            "--credentials-id",
            "B4HUPE820",
            "--body",
            &body,
        ],
    )
    .run()
    .code(2);
    assert_eq!(
        run.stderr.trim_end(),
        "error: the request body, current_pin: Pin must be at most 6 characters"
    );
    assert!(!run.stderr.contains("1234567"), "{}", run.shown());
    any.assert_calls(0);
}

#[test]
fn a_closed_enum_refuses_a_typo_before_sending_and_lists_its_values() {
    let server = MockServer::start();
    let any = any(&server);
    let run = against(
        &server,
        &[
            "pec",
            "change-mailbox-type",
            "--id",
            ID,
            "--tipo-casella",
            "GLOD",
        ],
    )
    .run()
    .code(2);
    run.stderr_has("invalid value 'GLOD' for '--tipo-casella <TIPO_CASELLA>'");
    run.stderr_has("[possible values: STANDARD, BRONZE, SILVER, GOLD]");
    // The same value in a --body file is refused too, with the values it may take.
    let body = file(
        &scratch("enum-in-body"),
        "type.json",
        br#"{"tipo_casella": "GLOD"}"#,
    );
    let run = against(
        &server,
        &["pec", "change-mailbox-type", "--id", ID, "--body", &body],
    )
    .run()
    .code(2);
    assert_eq!(
        run.stderr.trim_end(),
        "error: the request body, tipo_casella `GLOD`: not one of STANDARD, BRONZE, SILVER, GOLD"
    );
    any.assert_calls(0);

    let help = Credkit::new(&["pec", "change-mailbox-type", "--help"])
        .run()
        .success();
    help.stdout_has("[possible values: STANDARD, BRONZE, SILVER, GOLD]");
}

#[test]
fn an_open_enum_lists_the_values_it_knows_and_takes_others() {
    let run = Credkit::new(&["pec", "register-mailbox", "--help"])
        .run()
        .success();
    run.stdout_has("the service may send and take others");
    run.stdout_has("DOMICILIODIGITALE");
    // A role the spec does not list is sent as given.
    let run = Credkit::new(&[
        "pec",
        "create-registry-communication",
        "--casella-pec",
        "a@legalmail.it",
        "--cellulare",
        "3331234567",
        "--cf",
        "RSSMRA80A01H501U",
        "--cf-piva",
        "12345678901",
        "--cognome",
        "rossi",
        "--comune",
        "roma",
        "--email",
        "m@x.it",
        "--nome",
        "mario",
        "--provincia",
        "RM",
        "--qualifica",
        "PROCURATORE",
        "--ragione-sociale",
        "Rossi Srl",
        "--dry-run",
    ])
    .run()
    .success();
    run.stdout_has("\"qualifica\":\"PROCURATORE\"");
}

#[test]
fn a_pattern_of_a_body_member_is_checked_and_named() {
    let server = MockServer::start();
    let any = any(&server);
    let run = against(
        &server,
        &[
            "pec",
            "register-mailbox",
            "--body",
            "-",
            "--data-nascita-richiedente",
            "1980-01-31",
        ],
    )
    .stdin(b"{}")
    .run()
    .code(2);
    assert_eq!(
        run.stderr.trim_end(),
        r#"error: --data-nascita-richiedente `1980-01-31`: doesn't match pattern "^[0-9]{2}/[0-9]{2}/[0-9]{4}$""#
    );
    any.assert_calls(0);
}

#[test]
fn completion_offers_the_values_of_an_enum() {
    let script = Credkit::new(&["completions", "bash"])
        .run()
        .success()
        .stdout;
    assert!(
        script.contains("STANDARD BRONZE SILVER GOLD"),
        "no enum values offered"
    );
}

#[test]
fn help_names_the_real_variables_and_environments_of_each_service() {
    for (args, variables) in [
        (&["pec", "get-mailbox", "--help"][..], "[OPENAPI_PEC_TOKEN]"),
        (
            &["sparkfly", "get-credential", "--help"][..],
            "[SPARKFLY_TOKEN]",
        ),
        (
            &["rentri-ca", "get-credentials", "--help"][..],
            "[RENTRI_CA_ENVIRONMENT]",
        ),
        (
            &["pec", "--help"][..],
            "OPENAPI_PEC_ENVIRONMENT (production, sandbox)",
        ),
    ] {
        let run = Credkit::new(args).run().success();
        let text = run.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(variables), "{variables} in {}", run.shown());
        assert!(!run.stdout.contains("<SERVICE>"), "{}", run.shown());
    }
    // An environment the service does not offer is refused by name.
    let run = Credkit::new(&["pec", "get-mailbox", "--id", ID, "--environment", "demo"])
        .run()
        .code(2);
    run.stderr_has("[possible values: production, sandbox]");
}

#[test]
fn help_is_wrapped_to_the_terminal() {
    let run = Credkit::new(&["pec", "register-mailbox", "--help"])
        .env("COLUMNS", "60")
        .run()
        .success();
    // A flag's name is not cut; every text is.
    let widest = run
        .stdout
        .lines()
        .filter(|line| !line.trim_start().starts_with('-'))
        .map(|line| line.chars().count())
        .max()
        .unwrap();
    assert!(widest <= 60, "{widest} columns:\n{}", run.stdout);
    assert!(run.stdout.lines().count() > 100, "{}", run.stdout);
}

#[test]
fn a_negative_number_is_a_value_to_check_and_a_range_refuses_it_naming_the_flag() {
    let server = MockServer::start();
    let any = any(&server);
    // `anni` has `minimum: 1`: its type refuses 0 and -1, named by the flag.
    for years in ["0", "-1"] {
        let run = against(
            &server,
            &["pec", "renew-mailbox", "--id", ID, "--anni", years],
        )
        .run()
        .code(2);
        assert!(
            run.stderr.starts_with(&format!("error: --anni {years}: ")),
            "{}",
            run.shown()
        );
    }
    any.assert_calls(0);
    // A negative number given to a member's flag reaches the member, not clap's flag parser.
    let run = against(
        &server,
        &[
            "pec",
            "change-mailbox-space",
            "--id",
            ID,
            "--spazio-disco",
            "-5",
            "--dry-run",
        ],
    )
    .run();
    assert!(
        !run.stderr.contains("unexpected argument"),
        "{}",
        run.shown()
    );
    any.assert_calls(0);
}

#[test]
fn a_numeric_range_of_a_body_member_is_checked_before_sending_from_its_flag_or_the_body() {
    let server = MockServer::start();
    let any = any(&server);
    // `spazio_disco` is a string "+N" or an integer with `minimum: 0`.
    let run = against(
        &server,
        &[
            "pec",
            "change-mailbox-space",
            "--id",
            ID,
            "--spazio-disco",
            "-5",
        ],
    )
    .run()
    .code(2);
    assert_eq!(
        run.stderr.trim_end(),
        "error: --spazio-disco `-5`: -5 is less than the minimum 0"
    );
    let run = against(
        &server,
        &["pec", "change-mailbox-space", "--id", ID, "--body", "-"],
    )
    .stdin(br#"{"spazio_storico": -1024}"#)
    .run()
    .code(2);
    assert_eq!(
        run.stderr.trim_end(),
        "error: the request body, spazio_storico `-1024`: -1024 is less than the minimum 0"
    );
    any.assert_calls(0);
    // Within the range, and the string branch: sent.
    for space in ["2048", "+1024"] {
        against(
            &server,
            &[
                "pec",
                "change-mailbox-space",
                "--id",
                ID,
                "--spazio-disco",
                space,
            ],
        )
        .run()
        .success();
    }
    any.assert_calls(2);
}
