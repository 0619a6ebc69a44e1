//! The shared runtime, through the RENTRI CA client: the retry policy (backoff growth,
//! `Retry-After` dates, the time budget, credentials applied to each attempt; counted on the
//! mock server, waits recorded instead of slept), credentials renewal, configuration, tracing
//! and secrets. Which answers are retried for which operations is in `retries.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use credkit_rentri_ca::{
    Auth, Authenticator, Client, ClientBuilder, ClientInfo, Environment, RetryPolicy,
};
use credkit_runtime::{AuthError, BoxFuture, sensitive_header};
use credkit_tests::RecordedWaits;
use httpmock::prelude::*;
use serde_json::json;

const ID: &str = "B4HUPE820";

fn retrying(server: &MockServer, waits: &RecordedWaits, policy: RetryPolicy) -> Client {
    credkit_tests::retrying_client(server, "t", waits, policy)
}

async fn change_pin(client: &Client) -> Result<(), credkit_rentri_ca::Error> {
    client
        .change_pin()
        .credentials_id(ID)
        .body_map(|b| b.current_pin("111111").new_pin("222222"))
        .send()
        .await
        .map(|_| ())
}

#[tokio::test]
async fn an_idempotent_operation_is_retried_with_growing_jittered_backoff() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/credentials/B4HUPE820");
            then.status(504);
        })
        .await;
    let waits = RecordedWaits::default();
    let client = retrying(&server, &waits, RetryPolicy::default().max_attempts(4));
    let error = client
        .get_credentials()
        .credentials_id(ID)
        .send()
        .await
        .unwrap_err();
    assert_eq!(mock.calls_async().await, 4);
    assert_eq!(error.status().unwrap(), 504);
    let waits = waits.waits();
    assert_eq!(waits.len(), 3);
    // Base 250 ms doubled per retry, each wait between half and all of it.
    for (wait, full) in waits.iter().zip([250u64, 500, 1000]) {
        assert!(
            *wait >= Duration::from_millis(full / 2) && *wait <= Duration::from_millis(full),
            "{waits:?}"
        );
    }
}

#[tokio::test]
async fn retry_after_as_an_http_date_and_503() {
    let server = MockServer::start_async().await;
    let date = httpdate_in(Duration::from_secs(5));
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT).path("/credentials/B4HUPE820/change-pin");
            then.status(503).header("retry-after", date.as_str());
        })
        .await;
    let waits = RecordedWaits::default();
    change_pin(&retrying(
        &server,
        &waits,
        RetryPolicy::default().max_attempts(2),
    ))
    .await
    .unwrap_err();
    assert_eq!(mock.calls_async().await, 2);
    let wait = waits.waits()[0];
    assert!(
        wait > Duration::from_secs(2) && wait <= Duration::from_secs(5),
        "{wait:?}"
    );
}

fn httpdate_in(delay: Duration) -> String {
    // RFC 9110 IMF-fixdate, computed without a date crate: seconds since the epoch → civil date.
    let secs = (std::time::SystemTime::now() + delay)
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let days = secs / 86_400;
    let (h, m, s) = (secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let z = days as i64 + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let name = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(month - 1) as usize];
    format!("{weekday}, {day:02} {name} {year} {h:02}:{m:02}:{s:02} GMT")
}

#[tokio::test]
async fn no_retry_starts_beyond_the_time_budget() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/credentials/B4HUPE820");
            then.status(429).header("retry-after", "3");
        })
        .await;
    let waits = RecordedWaits::default();
    let client = retrying(
        &server,
        &waits,
        RetryPolicy::default().budget(Duration::from_secs(2)),
    );
    client
        .get_credentials()
        .credentials_id(ID)
        .send()
        .await
        .unwrap_err();
    assert_eq!(mock.calls_async().await, 1);
}

/// Numbers each attempt in a header, so that mocks can answer attempt 1 and attempt 2 differently.
struct NumberedAttempts(AtomicUsize);

impl Authenticator for NumberedAttempts {
    fn authenticate<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        request
            .headers_mut()
            .insert("x-attempt", n.to_string().parse().unwrap());
        Box::pin(async { Ok(()) })
    }
}

#[tokio::test]
async fn a_retry_after_429_succeeds_and_the_caller_gets_the_answer() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/credentials/B4HUPE820/change-pin")
                .header("x-attempt", "1");
            then.status(429).header("retry-after", "10");
        })
        .await;
    let accepted = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/credentials/B4HUPE820/change-pin")
                .header("x-attempt", "2")
                .json_body(json!({"current_pin": "111111", "new_pin": "222222"}));
            then.status(200);
        })
        .await;
    let waits = RecordedWaits::default();
    let client = Client::builder()
        .base_url(server.base_url())
        .auth(Auth::custom(NumberedAttempts(AtomicUsize::new(0))))
        .retry_policy(waits.policy(RetryPolicy::default()))
        .build()
        .unwrap();
    change_pin(&client).await.unwrap();
    assert_eq!(
        (limited.calls_async().await, accepted.calls_async().await),
        (1, 1)
    );
    assert_eq!(waits.waits(), [Duration::from_secs(10)]);
}

/// A token that is renewed once when the server answers 401.
struct Renewing {
    token: std::sync::Mutex<&'static str>,
    renewals: Arc<AtomicUsize>,
}

impl Authenticator for Renewing {
    fn authenticate<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        let value = format!("Bearer {}", self.token.lock().unwrap());
        Box::pin(async move {
            request
                .headers_mut()
                .insert("authorization", sensitive_header(&value)?);
            Ok(())
        })
    }

    fn refresh(&self) -> BoxFuture<'_, Result<bool, AuthError>> {
        self.renewals.fetch_add(1, Ordering::SeqCst);
        *self.token.lock().unwrap() = "fresh";
        Box::pin(async { Ok(true) })
    }
}

#[tokio::test]
async fn a_401_renews_the_credentials_once_and_sends_again() {
    let server = MockServer::start_async().await;
    let stale = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/credentials/B4HUPE820")
                .header("authorization", "Bearer stale");
            then.status(401);
        })
        .await;
    let fresh = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/credentials/B4HUPE820")
                .header("authorization", "Bearer fresh");
            then.status(200).json_body(json!({"identifier": ID}));
        })
        .await;
    let renewals = Arc::new(AtomicUsize::new(0));
    let client = Client::builder()
        .base_url(server.base_url())
        .auth(Auth::custom(Renewing {
            token: std::sync::Mutex::new("stale"),
            renewals: renewals.clone(),
        }))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let credentials = client
        .get_credentials()
        .credentials_id(ID)
        .send()
        .await
        .unwrap();
    assert_eq!(credentials.identifier.as_deref(), Some(ID));
    assert_eq!(
        (
            stale.calls_async().await,
            fresh.calls_async().await,
            renewals.load(Ordering::SeqCst)
        ),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn a_second_401_is_returned_not_renewed_again() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/credentials/B4HUPE820");
            then.status(401);
        })
        .await;
    let renewals = Arc::new(AtomicUsize::new(0));
    let client = Client::builder()
        .base_url(server.base_url())
        .auth(Auth::custom(Renewing {
            token: std::sync::Mutex::new("stale"),
            renewals: renewals.clone(),
        }))
        .build()
        .unwrap();
    let error = client
        .get_credentials()
        .credentials_id(ID)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().unwrap(), 401);
    assert_eq!(
        (mock.calls_async().await, renewals.load(Ordering::SeqCst)),
        (2, 1)
    );
}

#[test]
fn environments_and_base_urls_are_validated_when_building() {
    let production = Client::builder().token("t").build().unwrap();
    assert_eq!(
        production.baseurl(),
        "https://api.rentri.gov.it/ca-rentri/v1.0"
    );
    let demo = Client::builder()
        .environment(Environment::Demo)
        .build()
        .unwrap();
    assert_eq!(demo.baseurl(), credkit_rentri_ca::servers::DEMO);
    let error = Client::builder()
        .environment(Environment::Sandbox)
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "configuration error: rentri-ca has no sandbox environment; it offers production, demo"
    );
    let error = Client::builder()
        .base_url("http://rentri.example.com/")
        .build()
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("plain http to a host that is not loopback"),
        "{error}"
    );
    let opted_in = Client::builder()
        .base_url("http://rentri.example.com/")
        .allow_plain_http()
        .build()
        .unwrap();
    assert_eq!(opted_in.baseurl(), "http://rentri.example.com");
    let custom = Client::builder()
        .base_url("https://proxy.example.com/rentri/")
        .build()
        .unwrap();
    assert_eq!(custom.baseurl(), "https://proxy.example.com/rentri");
}

#[test]
fn from_env_names_the_missing_or_malformed_variable() {
    let lookup = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    let error = ClientBuilder::<Client>::from_lookup(true, lookup(&[])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "configuration error: RENTRI_CA_TOKEN is not set: it must hold the API token"
    );
    let error = ClientBuilder::<Client>::from_lookup(
        true,
        lookup(&[("RENTRI_CA_TOKEN", "t"), ("RENTRI_CA_ENVIRONMENT", "prod")]),
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("configuration error: RENTRI_CA_ENVIRONMENT: unknown environment `prod`"),
        "{error}"
    );
    let client = ClientBuilder::<Client>::from_lookup(
        true,
        lookup(&[("RENTRI_CA_TOKEN", "t"), ("RENTRI_CA_ENVIRONMENT", "Demo")]),
    )
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(client.baseurl(), credkit_rentri_ca::servers::DEMO);
    let client = ClientBuilder::<Client>::from_lookup(
        false,
        lookup(&[("RENTRI_CA_BASE_URL", "http://127.0.0.1:9/x/")]),
    )
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(client.baseurl(), "http://127.0.0.1:9/x");
}

#[tokio::test]
async fn requests_carry_the_credkit_user_agent() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/credentials/B4HUPE820")
                .header("user-agent", credkit_runtime::USER_AGENT);
            then.status(200).json_body(json!({}));
        })
        .await;
    credkit_tests::client::<Client>(&server, "t")
        .get_credentials()
        .credentials_id(ID)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn a_custom_user_agent_is_sent_with_the_builders_or_the_callers_http_client() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/credentials/B4HUPE820")
                .header("user-agent", "acme-erp/2.1");
            then.status(200).json_body(json!({}));
        })
        .await;
    for http in [None, Some(reqwest::Client::builder())] {
        let mut builder = Client::builder()
            .base_url(server.base_url())
            .token("t")
            .user_agent("acme-erp/2.1");
        if let Some(http) = http {
            builder = builder.http_client(http);
        }
        builder
            .build()
            .unwrap()
            .get_credentials()
            .credentials_id(ID)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(mock.calls_async().await, 2);
    let error = Client::builder()
        .user_agent("bad\nagent")
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("is not a valid header value"),
        "{error}"
    );
}
