//! Lists the first page of Sparkfly credentials.
//!
//! ```text
//! SPARKFLY_ENVIRONMENT=staging SPARKFLY_TOKEN=<X-Auth-Token> cargo run -p credkit --example sparkfly
//! ```

use std::process::ExitCode;

use credkit::ClientBuilder;
use credkit::sparkfly::Client;

const HELP: &str = "set SPARKFLY_TOKEN (the X-Auth-Token answered by GET /auth) and optionally \
SPARKFLY_ENVIRONMENT=staging|production or SPARKFLY_BASE_URL";

#[tokio::main]
async fn main() -> ExitCode {
    let client = match ClientBuilder::<Client>::from_env(true).and_then(ClientBuilder::build) {
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
