//! Where settings come from: flags, the libraries' variables, the profile file (default and
//! named profiles, secrets from commands, XDG's place); and the services' own credentials:
//! RENTRI's certificate signing every request, Sparkfly's identity and key exchange.

use std::sync::{Arc, Mutex};

use httpmock::prelude::*;
use serde_json::{Value, json};

#[path = "../../../../tests/tests/it/rentri_ca/modi_operator.rs"]
pub mod modi_operator;

use modi_operator::{OPERATOR_ID, Operator};

use crate::{Credkit, Run, file, scratch, sparkfly_auth};

const ID: &str = "6040e4613a716838dc4eee0e";

/// Answers `get-mailbox` on `server` to the bearer `token` only.
fn answers<'a>(server: &'a MockServer, token: &str) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(GET)
            .path(format!("/pec/{ID}"))
            .header("authorization", format!("Bearer {token}"));
        then.status(200)
            .json_body(json!({ "success": true, "data": { "id": ID } }));
    })
}

fn get_mailbox() -> Credkit {
    Credkit::new(&["pec", "get-mailbox", "--id", ID])
}

#[test]
fn the_default_profile_gives_base_url_and_a_token_from_a_command() {
    let server = MockServer::start();
    let mock = answers(&server, "from-pass");
    let config = format!(
        "[pec]\nbase_url = \"{}\"\ntoken_command = \"echo from-pass\"\n",
        server.base_url()
    );
    let run = get_mailbox()
        .config("profile-default", &config)
        .run()
        .success();
    assert_eq!(run.json()["data"]["id"], ID);
    mock.assert_calls(1);
}

#[test]
fn a_named_profile_replaces_the_default_one() {
    let server = MockServer::start();
    let mock = answers(&server, "demo-token");
    let config = format!(
        "[pec]\nbase_url = \"http://127.0.0.1:1\"\ntoken = \"default-token\"\n\n\
         [profiles.demo.pec]\nbase_url = \"{}\"\ntoken = \"demo-token\"\n",
        server.base_url()
    );
    get_mailbox()
        .args(["--profile", "demo"])
        .config("profile-named", &config)
        .run()
        .success();
    get_mailbox()
        .env("CREDKIT_PROFILE", "demo")
        .config("profile-named-env", &config)
        .run()
        .success();
    mock.assert_calls(2);
    let run = get_mailbox()
        .args(["--profile", "live"])
        .config("profile-unknown", &config)
        .run()
        .code(2);
    run.stderr_has("no profile `live` (profiles: demo)");
}

#[test]
fn flags_win_over_variables_which_win_over_the_profile() {
    let server = MockServer::start();
    let mock = answers(&server, "flag-token");
    let config = "[pec]\nbase_url = \"http://127.0.0.1:1\"\ntoken = \"profile-token\"\n";
    get_mailbox()
        .args(["--token", "flag-token", "--base-url", &server.base_url()])
        .env("OPENAPI_PEC_TOKEN", "variable-token")
        .env("OPENAPI_PEC_BASE_URL", "http://127.0.0.1:2")
        .config("precedence-flags", config)
        .run()
        .success();
    mock.assert_calls(1);

    let server = MockServer::start();
    let mock = answers(&server, "variable-token");
    get_mailbox()
        .env("OPENAPI_PEC_TOKEN", "variable-token")
        .env("OPENAPI_PEC_BASE_URL", server.base_url())
        .config("precedence-variables", config)
        .run()
        .success();
    mock.assert_calls(1);
}

#[test]
fn the_profile_file_is_found_under_xdg_config_home_or_home() {
    let server = MockServer::start();
    let mock = answers(&server, "xdg-token");
    let config = format!(
        "[pec]\nbase_url = \"{}\"\ntoken = \"xdg-token\"\n",
        server.base_url()
    );
    let xdg = scratch("xdg");
    std::fs::create_dir_all(xdg.join("credkit")).unwrap();
    file(&xdg.join("credkit"), "config.toml", config.as_bytes());
    let unset = |command: Credkit| command.env("CREDKIT_CONFIG", "");
    unset(get_mailbox())
        .env("XDG_CONFIG_HOME", &xdg)
        .run()
        .success();
    let home = scratch("home-config");
    std::fs::create_dir_all(home.join(".config/credkit")).unwrap();
    file(
        &home.join(".config/credkit"),
        "config.toml",
        config.as_bytes(),
    );
    unset(get_mailbox()).env("HOME", &home).run().success();
    mock.assert_calls(2);
}

#[test]
fn profile_mistakes_are_named() {
    let cases = [
        (
            "[pec]\ntokn = \"x\"\n",
            "[pec] has an unknown key `tokn` (known: base_url, environment, token, token_command)",
        ),
        ("[pec\n", "is not valid TOML"),
        (
            "[pec]\ntoken_command = \"exit 3\"\n",
            "token_command `exit 3` failed (exit status: 3)",
        ),
        (
            "[pec]\ntoken_command = \"true\"\n",
            "token_command `true` printed nothing",
        ),
    ];
    for (index, (config, message)) in cases.into_iter().enumerate() {
        let run = get_mailbox()
            .config(&format!("mistake-{index}"), config)
            .run()
            .code(2);
        assert!(run.stderr.contains(message), "{message}: {}", run.shown());
    }
    let run = get_mailbox()
        .env("CREDKIT_CONFIG", "/nonexistent/credkit.toml")
        .run()
        .code(2);
    assert!(
        run.stderr
            .contains("cannot read the profile file /nonexistent/credkit.toml"),
        "{}",
        run.shown()
    );
}

/// Answers `status` on `method path` and records the headers of each request.
fn recording(server: &MockServer, method: Method, path: &str) -> Arc<Mutex<Vec<(String, Value)>>> {
    let seen: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
    let record = seen.clone();
    server.mock(move |when, then| {
        when.method(method).path(path).is_true(move |request| {
            let headers = request.headers();
            let header = |name: &str| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            record.lock().unwrap().push((
                header("authorization"),
                json!({ "digest": header("digest"), "signature": header("agid-jwt-signature") }),
            ));
            true
        });
        then.status(200);
    });
    seen
}

#[test]
fn rentri_requests_are_signed_with_the_certificate_from_a_p12_and_its_password_command() {
    let operator = Operator::ec();
    let dir = scratch("p12");
    let p12 = dir.join("operator.p12");
    std::fs::write(&p12, operator.p12("p12 password", false)).unwrap();
    let server = MockServer::start();
    let seen = recording(&server, PUT, "/credentials/B4HUPE820/change-pin");
    let change_pin = |extra: &[&str]| -> Run {
        Credkit::new(&[
            "rentri-ca",
            "change-pin",
            "--credentials-id",
            "B4HUPE820",
            "--current-pin",
            "111111",
            "--new-pin",
            "222222",
            "--environment",
            "demo",
            "--base-url",
            &server.base_url(),
        ])
        .args(extra.iter().copied())
        .run()
    };
    change_pin(&[
        "--certificate",
        p12.to_str().unwrap(),
        "--certificate-password-command",
        "echo 'p12 password'",
    ])
    .success();
    let (bearer, signed) = seen.lock().unwrap().pop().unwrap();
    let (_, claims, _) = operator.verify(bearer.strip_prefix("Bearer ").unwrap());
    assert_eq!(claims["iss"], OPERATOR_ID);
    assert_eq!(claims["aud"], "rentrigov.demo.api");
    let (_, signature, _) = operator.verify(signed["signature"].as_str().unwrap());
    assert_eq!(signature["signed_headers"][0]["digest"], signed["digest"]);

    // From the profile, PEM this time (certificate and key in one file); a wrong password
    // for the .p12 is a configuration error.
    let pem = file(
        &dir,
        "operator.pem",
        format!("{}{}", operator.certificate_pem(), operator.key_pem()).as_bytes(),
    );
    let config = format!("[rentri-ca]\ncertificate = \"{pem}\"\n");
    Credkit::new(&[
        "rentri-ca",
        "change-pin",
        "--credentials-id",
        "B4HUPE820",
        "--body",
        "-",
        "--environment",
        "demo",
        "--base-url",
        &server.base_url(),
    ])
    .stdin(br#"{"current_pin":"111111","new_pin":"222222"}"#)
    .config("pem", &config)
    .run()
    .success();
    let (bearer, _) = seen.lock().unwrap().pop().unwrap();
    operator.verify(bearer.strip_prefix("Bearer ").unwrap());
    let run = change_pin(&[
        "--certificate",
        p12.to_str().unwrap(),
        "--certificate-password-command",
        "echo not-the-password-42",
    ])
    .code(2);
    assert!(
        run.stderr
            .contains("operator.p12: the .p12 file could not be opened: wrong password"),
        "{}",
        run.shown()
    );
    assert!(!run.stderr.contains("not-the-password"), "{}", run.shown());
}

#[test]
fn sparkfly_exchanges_identity_and_key_for_its_token_first() {
    let server = MockServer::start();
    let exchange = sparkfly_auth(&server, "exchanged");
    let call = server.mock(|when, then| {
        when.method(GET)
            .path("/v1.0/credentials/12")
            .header("x-auth-token", "exchanged");
        then.status(200)
            .json_body(json!({ "credential": { "id": 12 } }));
    });
    let config = "[sparkfly]\nidentity = \"me\"\nkey_command = \"printf k3y\"\n";
    let run = Credkit::new(&["sparkfly", "get-credential", "--credential-id", "12"])
        .env("SPARKFLY_BASE_URL", server.base_url())
        .config("sparkfly", config)
        .run()
        .success();
    assert_eq!(run.json(), json!({ "credential": { "id": 12 } }));
    exchange.assert_calls(1);
    call.assert_calls(1);
}

#[test]
fn a_secret_in_a_profile_file_others_can_read_is_warned_about() {
    use std::os::unix::fs::PermissionsExt as _;
    let server = MockServer::start();
    answers(&server, "in-the-file");
    let config = format!(
        "[profiles.demo.pec]\nbase_url = \"{}\"\ntoken = \"in-the-file\"\n",
        server.base_url()
    );
    let run = get_mailbox()
        .args(["--profile", "demo"])
        .config("readable", &config)
        .run()
        .success();
    run.stderr_has("holds a secret and others may read it: `chmod 600` it");
    let private = scratch("private").join("config.toml");
    std::fs::write(&private, &config).unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    let run = get_mailbox()
        .args(["--profile", "demo"])
        .env("CREDKIT_CONFIG", &private)
        .run()
        .success();
    assert_eq!(run.stderr, "");
}
