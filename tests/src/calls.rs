//! Every operation of every service, called with valid arguments, so that a test can run one
//! scenario against all of them: `SERVICE.operations` lists the operations, and a call table
//! that lacks one panics with its name.

pub mod openapi_pec;
pub mod rentri_ca;
pub mod sparkfly;

use std::time::Duration;

use credkit_runtime::{
    Answer, Error, GeneratedClient, OperationMeta, RateLimit, RetryPolicy, Unfit,
};

/// What a test sees of an answer: its status, its value as JSON (for answers the caller reads
/// as a value) and the members of its body that did not fit their types.
#[derive(Debug)]
pub struct Seen {
    pub status: u16,
    /// The decoded value, serialized again; `None` for a streamed download.
    pub json: Option<serde_json::Value>,
    pub unfit: Vec<Unfit>,
}

impl Seen {
    /// An answer decoded into a value.
    pub fn json<T: serde::Serialize>(answer: Answer<T>) -> Self {
        let json = serde_json::to_value(&*answer).expect("every answer type serializes");
        Self {
            json: Some(json),
            ..Self::of(answer)
        }
    }

    /// An answer whose value is not read here (a download's stream).
    pub fn of<T>(answer: Answer<T>) -> Self {
        Self {
            status: answer.status().as_u16(),
            json: None,
            unfit: answer.unfit().to_vec(),
        }
    }
}

/// A client of each service, all talking to one server, for the tests that give every
/// operation of every service the same answer.
pub struct Clients {
    pub rentri_ca: credkit_rentri_ca::Client,
    pub sparkfly: credkit_sparkfly::Client,
    pub openapi_pec: credkit_openapi_pec::Client,
}

impl Clients {
    /// Clients talking to `base_url` with `token`, `policy` and `timeout`, without quotas (the
    /// tables over every operation test the other layers; quotas have `quota.rs`).
    pub fn new(base_url: &str, token: &str, policy: RetryPolicy, timeout: Duration) -> Self {
        Self::built(base_url, token, policy, timeout, false)
    }

    /// Strict clients (`ClientBuilder::strict`) talking to `base_url` with `token`, retries and
    /// quotas disabled: an answer with a member that does not fit its type is an error.
    pub fn strict(base_url: &str, token: &str) -> Self {
        Self::built(
            base_url,
            token,
            RetryPolicy::disabled(),
            Duration::from_secs(5),
            true,
        )
    }

    fn built(
        base_url: &str,
        token: &str,
        policy: RetryPolicy,
        timeout: Duration,
        strict: bool,
    ) -> Self {
        fn client<C: GeneratedClient>(
            base_url: &str,
            token: &str,
            policy: &RetryPolicy,
            timeout: Duration,
            strict: bool,
        ) -> C {
            C::builder()
                .base_url(base_url)
                .token(token)
                .retry_policy(policy.clone())
                .rate_limit(RateLimit::disabled())
                .timeout(timeout)
                .strict(strict)
                .build()
                .expect("a loopback base URL is valid")
        }
        Self {
            rentri_ca: client(base_url, token, &policy, timeout, strict),
            sparkfly: client(base_url, token, &policy, timeout, strict),
            openapi_pec: client(base_url, token, &policy, timeout, strict),
        }
    }

    /// `(service, operation)` for every operation of every service.
    pub fn operations() -> Vec<(&'static str, &'static OperationMeta)> {
        let services = [
            &credkit_rentri_ca::SERVICE,
            &credkit_sparkfly::SERVICE,
            &credkit_openapi_pec::SERVICE,
        ];
        services
            .iter()
            .flat_map(|s| s.operations.iter().map(|op| (s.name, op)))
            .collect()
    }

    /// Calls `operation` of `service` with valid arguments; the server decides the answer.
    pub async fn call(&self, service: &str, operation: &str) -> Result<(), Error> {
        self.read(service, operation).await.map(drop)
    }

    /// Calls `operation` of `service` as [`Clients::call`] does, and returns what it answered.
    pub async fn read(&self, service: &str, operation: &str) -> Result<Seen, Error> {
        match service {
            "rentri-ca" => {
                rentri_ca::read(&self.rentri_ca, operation, rentri_ca::CREDENTIALS_ID).await
            }
            "sparkfly" => sparkfly::read(&self.sparkfly, operation).await,
            "openapi-pec" => {
                let value = openapi_pec::path_value(operation);
                openapi_pec::read(&self.openapi_pec, operation, value).await
            }
            other => panic!("unknown service {other}"),
        }
    }
}
