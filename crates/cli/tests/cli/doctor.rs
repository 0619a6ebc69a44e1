//! `credkit doctor`: each check of a profile through the binary, against a local server:
//! credentials found and usable, host reachable, TLS, the clock.

use httpmock::prelude::*;

use crate::settings::modi_operator::Operator;
use crate::{Credkit, scratch};

#[test]
fn doctor_passes_a_working_profile_and_names_each_check() {
    let server = MockServer::start();
    server.mock(|_, then| {
        then.status(404);
    });
    let config = format!(
        "[pec]\nbase_url = \"{}\"\ntoken_command = \"printf t0ken\"\n",
        server.base_url()
    );
    let run = Credkit::new(&["doctor", "pec"])
        .config("doctor-ok", &config)
        .run()
        .success();
    let port = server.port();
    run.stdout_has(&format!("pec (http://127.0.0.1:{port}):\n"));
    run.stdout_has("  ok       credentials: a token\n");
    run.stdout_has(&format!("  ok       host: 127.0.0.1:{port}"));
    run.stdout_has(
        "  warning  TLS: none (plain http, for a loopback host only); answered 404 Not Found",
    );
    // httpmock's server dates its answers: this machine's clock is its own.
    run.stdout_has("  ok       clock: ");
}

#[test]
fn doctor_fails_missing_credentials_with_2_and_the_network_with_4() {
    let run = Credkit::new(&["doctor", "sparkfly", "--base-url", "http://127.0.0.1:1"])
        .run()
        .code(2);
    run.stdout_has("FAILED   credentials: none; give a token with --token, SPARKFLY_TOKEN");
    run.stdout_has("or exchange an identity and key");
    run.stdout_has("FAILED   host: 127.0.0.1:1 not reachable: ");

    let run = Credkit::new(&["doctor", "pec", "--base-url", "http://127.0.0.1:1"])
        .env("OPENAPI_PEC_TOKEN", "t")
        .run()
        .code(4);
    run.stdout_has("FAILED   host: 127.0.0.1:1 not reachable: ");

    // https to a server that speaks plain http: TLS fails, named.
    let server = MockServer::start();
    let url = format!("https://127.0.0.1:{}", server.port());
    let run = Credkit::new(&["doctor", "pec", "--base-url", &url])
        .env("OPENAPI_PEC_TOKEN", "t")
        .run()
        .code(4);
    run.stdout_has("ok       host: ");
    run.stdout_has("FAILED   TLS: no answer: ");

    // A secret's command that fails is a credentials failure.
    let run = Credkit::new(&["doctor", "pec", "--base-url", &server.base_url()])
        .config("doctor-command", "[pec]\ntoken_command = \"exit 3\"\n")
        .run()
        .code(2);
    run.stdout_has("FAILED   credentials: token_command `exit 3` failed");
}

#[test]
fn doctor_opens_rentris_certificate_with_its_password() {
    let operator = Operator::ec();
    let dir = scratch("doctor-p12");
    let p12 = dir.join("operator.p12");
    std::fs::write(&p12, operator.p12("p12 password", false)).unwrap();
    let server = MockServer::start();
    let doctor = |password: &str| {
        Credkit::new(&[
            "doctor",
            "rentri-ca",
            "--base-url",
            &server.base_url(),
            "--environment",
            "demo",
        ])
        .env("RENTRI_CA_CERTIFICATE", &p12)
        .env("RENTRI_CA_CERTIFICATE_PASSWORD", password)
        .run()
    };
    let run = doctor("p12 password").success();
    run.stdout_has(&format!(
        "ok       credentials: the certificate {} opens and signs (ModI)",
        p12.display()
    ));
    let run = doctor("wrong").code(2);
    run.stdout_has(&format!(
        "FAILED   credentials: certificate {}",
        p12.display()
    ));
}
