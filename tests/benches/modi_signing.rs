//! What RENTRI's request signing costs per request: `ModiSigner` adding the `Authorization`,
//! `Digest` and `Agid-JWT-Signature` headers to a PUT with a JSON body (two signed JWTs and a
//! SHA-256), for an EC P-256 (ES256) and an RSA 2048 (RS256) operator made at start-up.
//!
//! ```text
//! cargo bench -p credkit-tests --bench modi_signing
//! ```
//!
//! Prints the median time per signed request of each. No network: only the signing.

#[path = "../tests/it/rentri_ca/modi_operator.rs"]
mod modi_operator;

use std::time::{Duration, Instant};

use credkit_rentri_ca::{Authenticator, Environment, ModiSigner};
use modi_operator::Operator;

const ROUNDS: usize = 15;
const REQUESTS_PER_ROUND: usize = 200;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn change_pin_request() -> reqwest::Request {
    let mut request = reqwest::Request::new(
        reqwest::Method::PUT,
        "https://demoapi.rentri.gov.it/ca-rentri/v1.0/credentials/B4HUPE820/change-pin"
            .parse()
            .unwrap(),
    );
    *request.body_mut() = Some(r#"{"current_pin":"123456","new_pin":"987654"}"#.into());
    request
}

/// The median time to sign one request, over `ROUNDS` rounds after one warm-up round.
async fn per_request(signer: &ModiSigner) -> Duration {
    let mut samples = Vec::new();
    for round in 0..=ROUNDS {
        let mut requests: Vec<_> = (0..REQUESTS_PER_ROUND)
            .map(|_| change_pin_request())
            .collect();
        let start = Instant::now();
        for request in &mut requests {
            signer.authenticate(request).await.unwrap();
        }
        let elapsed = start.elapsed() / REQUESTS_PER_ROUND as u32;
        if round > 0 {
            samples.push(elapsed);
        }
        std::hint::black_box(requests);
    }
    median(samples)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    println!("signed requests per round: {REQUESTS_PER_ROUND}, rounds: {ROUNDS}");
    for (name, operator) in [
        ("ES256 (EC P-256)", Operator::ec()),
        ("RS256 (RSA 2048)", Operator::rsa()),
    ] {
        let signer = ModiSigner::from_pem(
            &operator.certificate_pem(),
            &operator.key_pem(),
            Environment::Demo,
        )
        .unwrap();
        println!(
            "{name}: {:>10.1?} per request with a body",
            per_request(&signer).await
        );
    }
}
