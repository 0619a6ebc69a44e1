//! What credkit adds to a call: the same request sent through a generated client (builder,
//! runtime, retry bookkeeping, tracing span, typed decode) and through bare reqwest with a
//! `serde_json` decode into the same type, against one local mock server, in the same run.
//!
//! ```text
//! cargo bench -p credkit --bench request_overhead
//! ```
//!
//! Prints the median time per request of each, and their ratio. Loopback HTTP dominates both,
//! so the ratio bounds the client-side cost from above.

use std::time::{Duration, Instant};

use credkit::rentri_ca::{Client, types::CredentialsStatusResponse};
use httpmock::prelude::*;

const ROUNDS: usize = 15;
const REQUESTS_PER_ROUND: usize = 200;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/credentials/B4HUPE820/status");
            then.status(200).json_body(serde_json::json!({
                "identifier": "B4HUPE820",
                "identificativo": "RSSMRA80A01H501U",
                "user_name": "TINIT-RSSMRA80A01H501U",
                "pin": "482913",
                "stato": "Attivo",
                "is_abbinato_solo_soggetto": false,
                "siti": [
                    {"num_iscr_sito": "OP123XXXXXXXX00-PD00001", "nome": "Sede", "indirizzo": "Via Roma", "civico": "1", "comune_id": "028060", "provincia_id": "PD"},
                    {"num_iscr_sito": "OP123XXXXXXXX00-PD00002", "nome": "Magazzino", "indirizzo": "Via Po", "civico": "9", "comune_id": "028060", "provincia_id": "PD"}
                ]
            }));
        })
        .await;

    let http = reqwest::Client::new();
    let client = Client::builder()
        .base_url(server.base_url())
        .token("bench-token")
        .http_client(http.clone())
        .build()
        .unwrap();
    let url = format!("{}/credentials/B4HUPE820/status", server.base_url());

    let mut baseline = Vec::new();
    let mut credkit = Vec::new();
    // Interleave the two so that drift in the machine's load affects both alike.
    for round in 0..=ROUNDS {
        let start = Instant::now();
        for _ in 0..REQUESTS_PER_ROUND {
            let response = http
                .get(&url)
                .bearer_auth("bench-token")
                .send()
                .await
                .unwrap();
            let bytes = response.bytes().await.unwrap();
            let status: CredentialsStatusResponse = serde_json::from_slice(&bytes).unwrap();
            std::hint::black_box(status);
        }
        let bare = start.elapsed() / REQUESTS_PER_ROUND as u32;

        let start = Instant::now();
        for _ in 0..REQUESTS_PER_ROUND {
            let status = client
                .get_credentials_status()
                .credentials_id("B4HUPE820")
                .send()
                .await
                .unwrap();
            std::hint::black_box(status);
        }
        let generated = start.elapsed() / REQUESTS_PER_ROUND as u32;
        if round > 0 {
            // Round 0 warms up connections and caches.
            baseline.push(bare);
            credkit.push(generated);
        }
    }
    let (baseline, credkit) = (median(baseline), median(credkit));
    println!("requests per round: {REQUESTS_PER_ROUND}, rounds: {ROUNDS}");
    println!("bare reqwest + serde_json (baseline): {baseline:>10.1?} per request");
    println!("credkit generated client:             {credkit:>10.1?} per request");
    println!(
        "ratio credkit / baseline:             {:>10.3}",
        credkit.as_secs_f64() / baseline.as_secs_f64()
    );
}
