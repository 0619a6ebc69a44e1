//! Reads the state of one set of RENTRI CA credentials.
//!
//! ```text
//! RENTRI_CA_ENVIRONMENT=demo RENTRI_CA_TOKEN=<ModI JWT> RENTRI_CA_CREDENTIALS_ID=B4HUPE820 \
//!     cargo run -p credkit --example rentri_ca
//! ```

use std::process::ExitCode;

use credkit::ClientBuilder;
use credkit::rentri_ca::Client;

const HELP: &str = "set RENTRI_CA_TOKEN (a ModI ID_AUTH_REST_02 JWT signed with your certificate), \
RENTRI_CA_CREDENTIALS_ID (e.g. B4HUPE820) and optionally RENTRI_CA_ENVIRONMENT=demo|production \
or RENTRI_CA_BASE_URL";

#[tokio::main]
async fn main() -> ExitCode {
    let builder = match ClientBuilder::<Client>::from_env() {
        Ok(builder) => builder,
        Err(error) => {
            eprintln!("{error}\n{HELP}");
            return ExitCode::from(2);
        }
    };
    let Ok(credentials_id) = std::env::var("RENTRI_CA_CREDENTIALS_ID") else {
        eprintln!("RENTRI_CA_CREDENTIALS_ID is not set\n{HELP}");
        return ExitCode::from(2);
    };
    let result = match builder.build() {
        Ok(client) => {
            client
                .get_credentials_status()
                .credentials_id(credentials_id)
                .send()
                .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(status) => {
            println!("state: {:?}", status.stato);
            for site in status.siti.iter().flatten() {
                println!(
                    "site: {} {}",
                    site.num_iscr_sito.as_deref().unwrap_or("?"),
                    site.nome.as_deref().unwrap_or("")
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
