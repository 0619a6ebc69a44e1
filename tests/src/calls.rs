//! Every operation of every service, called with valid arguments, so that a test can run one
//! scenario against all of them: `SERVICE.operations` lists the operations, and a call table
//! that lacks one panics with its name.

pub mod openapi_pec;
pub mod rentri_ca;
pub mod sparkfly;

use std::time::Duration;

use credkit_runtime::{Error, GeneratedClient, OperationMeta, RateLimit, RetryPolicy};

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
        fn client<C: GeneratedClient>(
            base_url: &str,
            token: &str,
            policy: &RetryPolicy,
            timeout: Duration,
        ) -> C {
            C::builder()
                .base_url(base_url)
                .token(token)
                .retry_policy(policy.clone())
                .rate_limit(RateLimit::disabled())
                .timeout(timeout)
                .build()
                .expect("a loopback base URL is valid")
        }
        Self {
            rentri_ca: client(base_url, token, &policy, timeout),
            sparkfly: client(base_url, token, &policy, timeout),
            openapi_pec: client(base_url, token, &policy, timeout),
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
        match service {
            "rentri-ca" => {
                rentri_ca::call(&self.rentri_ca, operation, rentri_ca::CREDENTIALS_ID).await
            }
            "sparkfly" => sparkfly::call(&self.sparkfly, operation).await,
            "openapi-pec" => {
                let value = openapi_pec::path_value(operation);
                openapi_pec::call(&self.openapi_pec, operation, value).await
            }
            other => panic!("unknown service {other}"),
        }
    }
}
