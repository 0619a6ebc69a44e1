//! Lists the first page of Sparkfly credentials.
//!
//! ```text
//! SPARKFLY_ENVIRONMENT=staging SPARKFLY_TOKEN=<X-Auth-Token> cargo run -p credkit --example sparkfly
//! SPARKFLY_ENVIRONMENT=staging SPARKFLY_IDENTITY=<identity> SPARKFLY_KEY=<key> cargo run -p credkit --example sparkfly
//! ```

use std::process::ExitCode;

use credkit::ClientBuilder;
use credkit::sparkfly::{Client, ClientBuilderExt};

const HELP: &str = "set SPARKFLY_TOKEN (the X-Auth-Token answered by GET /auth), or SPARKFLY_IDENTITY \
and SPARKFLY_KEY to let the client obtain it; optionally SPARKFLY_ENVIRONMENT=staging|production \
or SPARKFLY_BASE_URL";

fn client() -> Result<Client, credkit::Error> {
    let identity = std::env::var("SPARKFLY_IDENTITY")
        .ok()
        .filter(|v| !v.is_empty());
    let key = std::env::var("SPARKFLY_KEY").ok().filter(|v| !v.is_empty());
    match (identity, key) {
        (Some(identity), Some(key)) => ClientBuilder::<Client>::from_env_without_token()?
            .build_with_identity_and_key(identity, key),
        (Some(_), None) => Err(credkit::Error::config(
            "SPARKFLY_IDENTITY is set but SPARKFLY_KEY is not",
        )),
        (None, Some(_)) => Err(credkit::Error::config(
            "SPARKFLY_KEY is set but SPARKFLY_IDENTITY is not",
        )),
        (None, None) => ClientBuilder::<Client>::from_env()?.build(),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let client = match client() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("{error}\n{HELP}");
            return ExitCode::from(2);
        }
    };
    match client.list_credentials().send().await {
        Ok(list) => {
            println!(
                "{} credentials in all",
                list.total_entries.unwrap_or_default()
            );
            for item in &list.credentials {
                if let Some(credential) = &item.credential {
                    println!("{:?} {:?}", credential.id, credential.identifier);
                }
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
