//! The six calls measured by `request_overhead`, a JSON read and a JSON write of each service,
//! each made two ways: through the generated client and through hand-written reqwest +
//! serde_json code sending the same method, path, headers and body and decoding the answer
//! into the same type. The canned answers are the services' documented bodies: the PEC
//! fixtures published by the vendor, and the RENTRI and Sparkfly bodies of `tests/tests/it/`.

use credkit::pec::types::{MailboxEnvelope, RegisterMailboxRequest};
use credkit::rentri_ca::types::{ChangePinRequest, CredentialsStatusResponse};
use credkit::sparkfly::types::{CredentialInputRequest, CredentialResponse};
use credkit::{GeneratedClient, RateLimit, RetryPolicy, pec, rentri_ca, sparkfly};
use hyper::Method;
use reqwest::header::ACCEPT;
use serde::de::DeserializeOwned;

use crate::stub::Route;

const TOKEN: &str = "bench-token";
const RENTRI_ID: &str = "B4HUPE820";
const SPARKFLY_ID: i64 = 1009;
const PEC_ID: &str = "6040e4613a716838dc4eee0e";

const RENTRI_STATUS: &str = r#"{
  "identifier": "B4HUPE820",
  "pin": "482913",
  "stato": "Nuovo",
  "is_abbinato_solo_soggetto": true,
  "siti": [
    {"num_iscr_sito": "OP123XXXXXXXX00-PD00001", "nome": "Sede", "indirizzo": "Via Roma",
     "civico": "1", "comune_id": "028060", "provincia_id": "PD"},
    {"num_iscr_sito": "OP123XXXXXXXX00-PD00002", "nome": "Magazzino", "indirizzo": "Via Po",
     "civico": "9", "comune_id": "028060", "provincia_id": "PD"}
  ]
}"#;
const RENTRI_CHANGE_PIN: &str = r#"{"current_pin": "111111", "new_pin": "222222"}"#;

const SPARKFLY_CREDENTIAL: &str = r#"{
  "credential": {
    "id": 1009, "created_at": "2013-09-16T18:41:13Z", "updated_at": "2013-09-16 18:51:23 UTC",
    "identifier": "3345", "status": "redeemed", "offer_ids": [1011, 1116],
    "annotations": {"conv_ids": {"campaign": "spring", "n": 3}, "note": "vip"},
    "redeemed_at": "2013-09-17T10:00:00.250-04:00", "voided_at": null,
    "redeeming_account_id": 7, "custom_data": {"anything": [1, 2]}
  },
  "errors": {"offer_ids": ["is invalid"]}
}"#;
const SPARKFLY_CREATE: &str = r#"{
  "credential": {"member_id": 123, "channel_id": 456, "annotations": {"conv_ids": "a1"}},
  "printable": true
}"#;
const SPARKFLY_CREATED: &str = r#"{
  "credential": {
    "id": 1009, "account_id": 5, "created_at": "2013-09-16T18:41:13Z",
    "updated_at": "2013-09-16T18:41:13Z", "identifier": null, "member_id": 123,
    "store_id": null, "channel_id": 456, "offer_ids": [], "annotations": {},
    "code_lifetime": null, "supports_barcode": false, "merchant_id": null, "offer_name": null,
    "merchant_name": null, "location_address": null, "url": null
  },
  "errors": {}
}"#;

const PEC_MAILBOX: &str =
    include_str!("../../../openapi-pec/tests/fixtures/get_mailbox.response.published.json");
const PEC_REGISTER: &str =
    include_str!("../../../openapi-pec/tests/fixtures/register_mailbox.request.published.json");
const PEC_REGISTERED: &str =
    include_str!("../../../openapi-pec/tests/fixtures/register_mailbox.response.published.json");

/// One measured call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    RentriGetStatus,
    RentriChangePin,
    SparkflyGetCredential,
    SparkflyCreateCredential,
    PecGetMailbox,
    PecRegisterMailbox,
}

impl Call {
    pub const ALL: [Call; 6] = [
        Call::RentriGetStatus,
        Call::RentriChangePin,
        Call::SparkflyGetCredential,
        Call::SparkflyCreateCredential,
        Call::PecGetMailbox,
        Call::PecRegisterMailbox,
    ];

    /// The service, and the operation with its method (RENTRI CA has no POST: its JSON write
    /// is a PUT).
    pub fn name(self) -> (&'static str, &'static str) {
        match self {
            Call::RentriGetStatus => ("rentri-ca", "GET get_credentials_status"),
            Call::RentriChangePin => ("rentri-ca", "PUT change_pin"),
            Call::SparkflyGetCredential => ("sparkfly", "GET get_credential"),
            Call::SparkflyCreateCredential => ("sparkfly", "POST create_credential"),
            Call::PecGetMailbox => ("openapi-pec", "GET get_mailbox"),
            Call::PecRegisterMailbox => ("openapi-pec", "POST register_mailbox"),
        }
    }
}

/// The stub server's routes for every call.
pub fn routes() -> Vec<Route> {
    vec![
        Route::json(
            Method::GET,
            format!("/credentials/{RENTRI_ID}/status"),
            200,
            RENTRI_STATUS,
        ),
        Route::json(
            Method::PUT,
            format!("/credentials/{RENTRI_ID}/change-pin"),
            200,
            "",
        ),
        Route::json(
            Method::GET,
            format!("/v1.0/credentials/{SPARKFLY_ID}"),
            200,
            SPARKFLY_CREDENTIAL,
        ),
        Route::json(Method::POST, "/v1.0/credentials", 201, SPARKFLY_CREATED),
        Route::json(Method::GET, format!("/pec/{PEC_ID}"), 200, PEC_MAILBOX),
        Route::json(Method::POST, "/pec", 200, PEC_REGISTERED),
    ]
}

/// The request bodies, parsed once. Both ways of calling clone one per call, since a
/// generated builder takes its body by value.
#[derive(Clone)]
struct Bodies {
    change_pin: ChangePinRequest,
    create_credential: CredentialInputRequest,
    register_mailbox: RegisterMailboxRequest,
}

fn parse<T: DeserializeOwned>(what: &str, json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// The generated clients of one configuration.
#[derive(Clone)]
pub struct Generated {
    rentri: rentri_ca::Client,
    sparkfly: sparkfly::Client,
    pec: pec::Client,
    bodies: Bodies,
}

/// Without RENTRI's quota (its 18 calls a second would be the measure); what the limiter costs
/// is `cargo bench -p credkit-tests --bench quota`.
fn client<C: GeneratedClient>(base_url: &str, retry: RetryPolicy) -> C {
    C::builder()
        .base_url(base_url)
        .token(TOKEN)
        .retry_policy(retry)
        .rate_limit(RateLimit::disabled())
        .build()
        .expect("a loopback base URL is valid")
}

fn bodies() -> Bodies {
    Bodies {
        change_pin: parse("change_pin body", RENTRI_CHANGE_PIN),
        create_credential: parse("create_credential body", SPARKFLY_CREATE),
        register_mailbox: parse("register_mailbox body", PEC_REGISTER),
    }
}

impl Generated {
    /// Clients with the builder's default HTTP client and this retry policy.
    pub fn new(base_url: &str, retry: RetryPolicy) -> Self {
        Self {
            rentri: client(base_url, retry.clone()),
            sparkfly: client(base_url, retry.clone()),
            pec: client(base_url, retry),
            bodies: bodies(),
        }
    }

    /// Makes `call`; panics on any failure, since a failing call measures nothing.
    pub async fn send(&self, call: Call) {
        match call {
            Call::RentriGetStatus => {
                let status = self
                    .rentri
                    .get_credentials_status()
                    .credentials_id(RENTRI_ID)
                    .send()
                    .await
                    .expect("get_credentials_status");
                std::hint::black_box(status.into_inner());
            }
            Call::RentriChangePin => {
                let answer = self
                    .rentri
                    .change_pin()
                    .credentials_id(RENTRI_ID)
                    .body(self.bodies.change_pin.clone())
                    .send()
                    .await
                    .expect("change_pin");
                std::hint::black_box(answer);
            }
            Call::SparkflyGetCredential => {
                let credential = self
                    .sparkfly
                    .get_credential()
                    .credential_id(SPARKFLY_ID)
                    .send()
                    .await
                    .expect("get_credential");
                std::hint::black_box(credential.into_inner());
            }
            Call::SparkflyCreateCredential => {
                let created = self
                    .sparkfly
                    .create_credential()
                    .body(self.bodies.create_credential.clone())
                    .send()
                    .await
                    .expect("create_credential");
                std::hint::black_box(created.into_inner());
            }
            Call::PecGetMailbox => {
                let mailbox = self
                    .pec
                    .get_mailbox()
                    .id(PEC_ID)
                    .send()
                    .await
                    .expect("get_mailbox");
                std::hint::black_box(mailbox.into_inner());
            }
            Call::PecRegisterMailbox => {
                let mailbox = self
                    .pec
                    .register_mailbox()
                    .body(self.bodies.register_mailbox.clone())
                    .send()
                    .await
                    .expect("register_mailbox");
                std::hint::black_box(mailbox.into_inner());
            }
        }
    }
}

/// What a careful hand-written client does: one `reqwest::Client`, the token in the header
/// the service wants, `Accept: application/json`, a status check, a typed decode.
#[derive(Clone)]
pub struct HandWritten {
    http: reqwest::Client,
    base_url: String,
    bodies: Bodies,
}

impl HandWritten {
    pub fn new(base_url: &str, http: &reqwest::Client) -> Self {
        Self {
            http: http.clone(),
            base_url: base_url.to_owned(),
            bodies: bodies(),
        }
    }

    pub async fn send(&self, call: Call) {
        let base = &self.base_url;
        match call {
            Call::RentriGetStatus => {
                let request = self
                    .http
                    .get(format!("{base}/credentials/{RENTRI_ID}/status"))
                    .bearer_auth(TOKEN);
                let status: CredentialsStatusResponse = json(request).await;
                std::hint::black_box(status);
            }
            Call::RentriChangePin => {
                let request = self
                    .http
                    .put(format!("{base}/credentials/{RENTRI_ID}/change-pin"))
                    .bearer_auth(TOKEN)
                    .json(&self.bodies.change_pin.clone());
                let response = request.send().await.expect("change_pin");
                let response = response.error_for_status().expect("change_pin status");
                std::hint::black_box(response.bytes().await.expect("change_pin body"));
            }
            Call::SparkflyGetCredential => {
                let request = self
                    .http
                    .get(format!("{base}/v1.0/credentials/{SPARKFLY_ID}"))
                    .header("x-auth-token", TOKEN);
                let credential: CredentialResponse = json(request).await;
                std::hint::black_box(credential);
            }
            Call::SparkflyCreateCredential => {
                let request = self
                    .http
                    .post(format!("{base}/v1.0/credentials"))
                    .header("x-auth-token", TOKEN)
                    .json(&self.bodies.create_credential.clone());
                let created: CredentialResponse = json(request).await;
                std::hint::black_box(created);
            }
            Call::PecGetMailbox => {
                let request = self
                    .http
                    .get(format!("{base}/pec/{PEC_ID}"))
                    .bearer_auth(TOKEN);
                let mailbox: MailboxEnvelope = json(request).await;
                assert_eq!(mailbox.success, Some(true), "get_mailbox succeeds");
                std::hint::black_box(mailbox);
            }
            Call::PecRegisterMailbox => {
                let request = self
                    .http
                    .post(format!("{base}/pec"))
                    .bearer_auth(TOKEN)
                    .json(&self.bodies.register_mailbox.clone());
                let mailbox: MailboxEnvelope = json(request).await;
                assert_eq!(mailbox.success, Some(true), "register_mailbox succeeds");
                std::hint::black_box(mailbox);
            }
        }
    }
}

/// Sends `request` asking for JSON and decodes a success into `T`.
async fn json<T: DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    let response = request
        .header(ACCEPT, "application/json")
        .send()
        .await
        .expect("a response");
    let response = response.error_for_status().expect("a success status");
    let body = response.bytes().await.expect("a body");
    serde_json::from_slice(&body).expect("a body of the documented type")
}
