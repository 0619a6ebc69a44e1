//! Sending one request: the order of the layers every call goes through, in one place for
//! every client. Each layer is a module of its own, tested without HTTP:
//!
//! - `redact`: credential headers are marked sensitive, in the request and in the answer;
//! - the quota (`crate::rate_limit`): each attempt waits for its turn, a `429` holds the
//!   credential back;
//! - `credentials`: applied to each attempt, renewed once after a `401`;
//! - `trace`: a span per attempt, an event per retry or renewal;
//! - `classify`: what an attempt's outcome means for a retry, a pure function; the policy
//!   (`crate::retry`) turns that into a wait, or gives up.

mod classify;
mod credentials;
mod redact;
mod trace;

use std::fmt;
use std::ops::ControlFlow;

use progenitor_client::OperationInfo;
use reqwest::StatusCode;
use reqwest::header::{HeaderValue, USER_AGENT};
use tokio::time::Instant;
use tracing::Instrument;

use crate::auth::Auth;
use crate::error::{CallContext, Error};
use crate::intercept::{Interceptor, Slot};
use crate::rate_limit::{Limits, RateLimit};
use crate::retry::RetryPolicy;
use crate::service::{OperationMeta, ServiceInfo};

use classify::{Outcome, classify};
use credentials::Credentials;
use trace::AttemptTrace;

pub(crate) use classify::Verdict;

/// What an attempt sent and got: `reqwest`'s answer or failure, within its trace.
type Attempt = (AttemptTrace, Result<reqwest::Response, reqwest::Error>);

/// The per-client state every generated `Client` carries: which service it talks to, its
/// credentials, its retry policy and its quota. Generated operations send through
/// [`Runtime::execute`].
#[derive(Clone)]
pub struct Runtime {
    service: &'static ServiceInfo,
    auth: Auth,
    retry: RetryPolicy,
    user_agent: HeaderValue,
    interceptor: Slot,
    limits: Limits,
    /// Answers with members that do not fit their types are errors (`strict.rs`).
    pub(crate) strict: bool,
}

impl Runtime {
    /// A runtime for `service` with these credentials and retry policy, keeping to the
    /// service's quota in this process ([`RateLimit::from_service`]).
    pub fn new(service: &'static ServiceInfo, auth: Auth, retry: RetryPolicy) -> Self {
        let limits = Limits::new(service, &auth, RateLimit::default());
        Self {
            service,
            auth,
            retry,
            user_agent: HeaderValue::from_static(crate::USER_AGENT),
            interceptor: Slot::default(),
            limits,
            strict: false,
        }
    }

    /// The same runtime with other credentials: what an [`crate::Authenticator`] that needs a
    /// client of its own (a token exchange) builds its client's runtime from. The quota's
    /// bucket follows the credentials.
    pub fn with_auth(mut self, auth: Auth) -> Self {
        self.limits = Limits::new(self.service, &auth, self.limits.config().clone());
        self.auth = auth;
        self
    }

    /// The same runtime showing each request and answer to `interceptor` (see
    /// [`Interceptor`]).
    pub fn with_interceptor(mut self, interceptor: impl Interceptor + 'static) -> Self {
        self.interceptor = Slot(Some(std::sync::Arc::new(interceptor)));
        self
    }

    pub(crate) fn with_interceptor_slot(mut self, interceptor: Slot) -> Self {
        self.interceptor = interceptor;
        self
    }

    /// The same runtime keeping to this quota (see [`RateLimit`]). A custom quota is checked
    /// by [`crate::ClientBuilder::build`].
    pub fn with_rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.limits = Limits::new(self.service, &self.auth, rate_limit);
        self
    }

    /// How calls keep to the service's quota.
    pub fn rate_limit(&self) -> &RateLimit {
        self.limits.config()
    }

    /// The same runtime sending this `User-Agent` (default [`crate::USER_AGENT`]). It is set
    /// per request, so it applies whichever `reqwest::Client` sends.
    pub fn with_user_agent(mut self, user_agent: HeaderValue) -> Self {
        self.user_agent = user_agent;
        self
    }

    /// The `User-Agent` sent with every request.
    pub fn user_agent(&self) -> &HeaderValue {
        &self.user_agent
    }

    /// The service this runtime talks to.
    pub fn service(&self) -> &'static ServiceInfo {
        self.service
    }

    /// The credentials.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Sends a request built by a generated operation, retrying per the [`RetryPolicy`] and
    /// the operation's `x-credkit-idempotent` flag, and returns the final response whatever
    /// its status (the generated code decides what a success is).
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> Result<reqwest::Response, Error> {
        self.execute_operation(http, request, self.operation(info.operation_id))
            .await
    }

    /// As [`Runtime::execute`], for a call that holds its operation's entry already (a
    /// generated builder's `contract::Call`): no lookup by id on every call.
    pub(crate) async fn execute_operation(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        operation: OperationMeta,
    ) -> Result<reqwest::Response, Error> {
        let context = CallContext {
            service: self.service.name,
            operation: operation.id,
        };
        redact::request_headers(request.headers_mut(), operation.secret_headers);
        request
            .headers_mut()
            .entry(USER_AGENT)
            .or_insert_with(|| self.user_agent.clone());

        let started = Instant::now();
        let mut credentials = Credentials::new(&self.auth, operation.anonymous);
        let mut attempt = 1;
        loop {
            // A copy is kept only when another attempt can follow: a retry, or a resend with
            // renewed credentials. A streamed body cannot be copied: such a request gets
            // exactly one attempt.
            let spare = (self.retry.allows_attempt(attempt + 1) || credentials.may_renew())
                .then(|| request.try_clone())
                .flatten();
            let (trace, result) = self
                .attempt(http, request, &operation, &credentials, attempt, started)
                .await
                .map_err(|e| e.in_call(Some(&context)))?;
            let Some(spare) = spare else {
                return self.answer(result, context);
            };
            request = spare;

            if let Ok(response) = &result
                && response.status() == StatusCode::UNAUTHORIZED
                && credentials.may_renew()
            {
                let renewed = credentials.renew().instrument(trace.span().clone()).await;
                if renewed.map_err(|e| Error::from(e).in_call(Some(&context)))? {
                    trace.renewed();
                    // Not a retry: the same attempt, with the new credentials.
                    continue;
                }
            }

            let verdict = classify(Outcome::of(&result), operation.idempotent);
            let Some(wait) = self.retry.wait(verdict, attempt, started.elapsed()) else {
                return self.answer(result, context);
            };
            trace.retrying(result.as_ref().ok().map(|r| r.status().as_u16()), wait);
            self.retry.sleep(wait).await;
            attempt += 1;
        }
    }

    /// One attempt: its turn under the quota, its credentials, its span, the interceptor's
    /// say, and the request.
    async fn attempt(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        operation: &OperationMeta,
        credentials: &Credentials<'_>,
        attempt: u32,
        started: Instant,
    ) -> Result<Attempt, Error> {
        // The turn comes before the credentials are made: a signed token is as fresh as the
        // request.
        let quota_wait = self
            .limits
            .acquire(operation, self.retry.remaining_budget(started.elapsed()))
            .await?;
        credentials.apply(&mut request).await?;
        let mut trace = AttemptTrace::start(self.service.name, operation, attempt, quota_wait);
        if let Some(interceptor) = &self.interceptor.0
            && let ControlFlow::Break(reason) = interceptor.before_send(&request)
        {
            return Err(Error::not_sent(reason));
        }
        trace.sending();
        let result = http.execute(request).instrument(trace.span().clone()).await;
        trace.answered(result.as_ref().ok().map(|r| r.status().as_u16()));
        if let Ok(response) = &result {
            self.limits.observe(operation, response).await;
        }
        Ok((trace, result))
    }

    /// The call's final answer, with its context attached and its credential headers marked,
    /// as the interceptor passes it on; or its failure.
    fn answer(
        &self,
        result: Result<reqwest::Response, reqwest::Error>,
        context: CallContext,
    ) -> Result<reqwest::Response, Error> {
        match result {
            Ok(mut response) => {
                redact::answer_headers(response.headers_mut(), self.service);
                response.extensions_mut().insert(context);
                Ok(match &self.interceptor.0 {
                    Some(interceptor) => interceptor.on_response(response),
                    None => response,
                })
            }
            Err(error) => Err(Error::from(error).in_call(Some(&context))),
        }
    }

    fn operation(&self, id: &'static str) -> OperationMeta {
        // Every generated operation is in the table; an unknown one (a hand-built request)
        // gets the safest treatment: authenticated and never replayed.
        self.service
            .operation(id)
            .copied()
            .unwrap_or(OperationMeta {
                id,
                method: "?",
                path: "?",
                anonymous: false,
                idempotent: false,
                secret_headers: &[],
                rate_limit: None,
                limits: &[],
            })
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("service", &self.service.name)
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("interceptor", &self.interceptor)
            .field("rate_limit", self.limits.config())
            .field("strict", &self.strict)
            .finish()
    }
}
