//! Lists the PEC mailboxes of an Openapi.it account.
//!
//! ```text
//! OPENAPI_PEC_ENVIRONMENT=sandbox OPENAPI_PEC_TOKEN=<token> cargo run -p credkit --example pec
//! ```

use std::process::ExitCode;

use credkit::ClientBuilder;
use credkit::pec::Client;

const HELP: &str = "set OPENAPI_PEC_TOKEN (an Openapi.it token with the `GET pec.openapi.it/pec` scope) \
and optionally OPENAPI_PEC_ENVIRONMENT=sandbox|production or OPENAPI_PEC_BASE_URL";

#[tokio::main]
async fn main() -> ExitCode {
    let client = match ClientBuilder::<Client>::from_env().and_then(ClientBuilder::build) {
        Ok(client) => client,
        Err(error) => {
            eprintln!("{error}\n{HELP}");
            return ExitCode::from(2);
        }
    };
    match client.list_mailboxes().send().await {
        Ok(mailboxes) => {
            for mailbox in mailboxes.data.iter().flatten() {
                println!(
                    "{:?} {:?} {:?}",
                    mailbox.id, mailbox.casella_pec, mailbox.stato
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
