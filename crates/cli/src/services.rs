//! What is special about each service on the command line, by the facade's name of it: RENTRI's
//! ModI signing from the operator's certificate, Sparkfly's identity and key exchange, and
//! PEC's documents read from files. Each is the library's own (`ModiSigner`, `TokenExchange`,
//! `Documenti::from_files`); a service not named here has a token and nothing else.

use std::path::PathBuf;

use clap::{Arg, ArgAction, Command};
use credkit::pec::types::Documenti;
use credkit::rentri_ca::ModiSigner;
use credkit::sparkfly::TokenExchange;
use credkit::{Auth, Secret};

use crate::call::{Call, Credentials, Failure};
use crate::config::Settings;

/// The profile keys a service takes besides `base_url`, `environment`, `token`,
/// `token_command`.
pub fn keys(service: &str) -> &'static [&'static str] {
    match service {
        "rentri-ca" => &[
            "certificate",
            "private_key",
            "certificate_password",
            "certificate_password_command",
        ],
        "sparkfly" => &["identity", "key", "key_command"],
        _ => &[],
    }
}

/// The service command with the flags only it has (accepted anywhere after its name).
pub fn flags(service: &str, command: Command) -> Command {
    let flag = |id: &'static str, value: &'static str, help: &'static str| {
        Arg::new(id)
            .long(id)
            .value_name(value)
            .help(help)
            .global(true)
            .help_heading("Credentials")
    };
    match service {
        "rentri-ca" => command
            .arg(flag(
                "certificate",
                "PATH",
                "Sign every request (ModI) with this operator certificate: a .p12, or PEM with its key [RENTRI_CA_CERTIFICATE]",
            ))
            .arg(flag(
                "private-key",
                "PATH",
                "The PEM private key, when it is not in the --certificate file [RENTRI_CA_PRIVATE_KEY]",
            ))
            .arg(flag(
                "certificate-password-command",
                "COMMAND",
                "A command (run with sh -c) that prints the .p12 password [RENTRI_CA_CERTIFICATE_PASSWORD]",
            )),
        "sparkfly" => command
            .arg(flag(
                "identity",
                "IDENTITY",
                "Obtain the token with GET /auth from this account identity and its key [SPARKFLY_IDENTITY]",
            ))
            .arg(flag(
                "key-command",
                "COMMAND",
                "A command (run with sh -c) that prints the account key [SPARKFLY_KEY]",
            )),
        "pec" => documents_from_files(command),
        _ => command,
    }
}

/// PEC's `documenti` member: files, read and sent base64 by the library.
fn documents_from_files(mut command: Command) -> Command {
    let names: Vec<String> = command
        .get_subcommands()
        .filter(|op| op.get_arguments().any(|a| a.get_id() == "documenti"))
        .map(|op| op.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(name, |op| {
            op.mut_arg("documenti", |arg| {
                arg.value_name("FILE").action(ArgAction::Append).help(
                    "A document file (PDF; p7m for the business register), read and sent base64; repeat the flag for several",
                )
            })
        });
    }
    command
}

/// Whether the body member `member` of `service` takes files.
pub fn takes_files(service: &str, member: &str) -> bool {
    (service, member) == ("pec", "documenti")
}

/// The JSON value of a member that takes files, as the library builds it.
pub fn files_value(
    service: &str,
    member: &str,
    paths: &[PathBuf],
) -> Result<serde_json::Value, Failure> {
    let documents = match (service, member, paths) {
        ("pec", "documenti", [one]) => Documenti::from_file(one),
        ("pec", "documenti", many) => Documenti::from_files(many),
        _ => return Err(Failure::usage(format!("{service} {member} takes no files"))),
    }
    .map_err(|e| Failure::usage(format!("--{member}: {e}")))?;
    serde_json::to_value(documents).map_err(|e| Failure::usage(format!("--{member}: {e}")))
}

/// The service's own credentials, when they are configured: RENTRI's signer, Sparkfly's
/// exchange. `None` leaves the token.
pub fn credentials(
    call: &Call<'_>,
    settings: &Settings<'_>,
) -> Result<Option<Credentials>, Failure> {
    match call.service() {
        "rentri-ca" => modi_signer(settings),
        "sparkfly" => token_exchange(call, settings),
        _ => Ok(None),
    }
}

/// `ModiSigner` from the certificate: a `.p12` and its password, or PEM (certificate and key
/// in one file, or the key in `private_key`).
pub fn modi_signer(settings: &Settings<'_>) -> Result<Option<Credentials>, Failure> {
    let Some(path) = settings.path("certificate") else {
        return Ok(None);
    };
    let unusable =
        |e: &dyn std::fmt::Display| Failure::usage(format!("certificate {}: {e}", path.display()));
    let bytes = std::fs::read(&path).map_err(|e| unusable(&e))?;
    let environment = settings.environment()?;
    let signer = if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
        let certificate = String::from_utf8_lossy(&bytes);
        let key = match settings.path("private_key") {
            Some(key) => std::fs::read_to_string(&key)
                .map_err(|e| Failure::usage(format!("private key {}: {e}", key.display())))?,
            None => certificate.clone().into_owned(),
        };
        ModiSigner::from_pem(&certificate, &key, environment)
    } else {
        let password = settings.secret("certificate_password")?.ok_or_else(|| {
            Failure::usage(format!(
                "certificate {} is a .p12: give its password with {}",
                path.display(),
                settings.sources("certificate_password_command")
            ))
        })?;
        ModiSigner::from_p12(&bytes, password.expose(), environment)
    };
    signer
        .map(|s| Some(Credentials::Auth(Auth::custom(s))))
        .map_err(|e| unusable(&e))
}

/// `TokenExchange` from the account identity and key, sending `GET /auth` through a client
/// with the same settings. A dry run sends nothing, so it shows the token header's place only.
fn token_exchange(
    call: &Call<'_>,
    settings: &Settings<'_>,
) -> Result<Option<Credentials>, Failure> {
    let Some(identity) = settings.get("identity") else {
        return Ok(None);
    };
    let key = settings.secret("key")?.ok_or_else(|| {
        Failure::usage(format!(
            "identity `{identity}` needs its key: give it with {}",
            settings.sources("key_command")
        ))
    })?;
    if call.dry_run() {
        eprintln!(
            "dry run: the token would come from GET /auth with identity `{identity}`; not asked for"
        );
        return Ok(Some(Credentials::Token(Secret::new(
            "obtained with GET /auth when sent",
        ))));
    }
    let anonymous = call.anonymous_client::<credkit::sparkfly::Client>()?;
    Ok(Some(Credentials::Auth(Auth::custom(TokenExchange::new(
        identity, key, anonymous,
    )))))
}
