//! Sending one request: credentials, retries and tracing, in one place for every client.

use std::fmt;

use progenitor_client::OperationInfo;
use reqwest::header::{HeaderValue, USER_AGENT};
use tokio::time::Instant;
use tracing::Instrument;

use crate::auth::Auth;
use crate::error::{CallContext, Error};
use crate::intercept::{Interceptor, Slot};
use crate::rate_limit::{Limits, RateLimit};
use crate::retry::{Outcome, RetryPolicy};
use crate::service::{OperationMeta, ServiceInfo};

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
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> Result<reqwest::Response, Error> {
        let operation = self.operation(info.operation_id);
        let context = CallContext {
            service: self.service.name,
            operation: operation.id,
        };
        let headers = request.headers_mut();
        for name in operation.secret_headers {
            if let Some(value) = headers.get_mut(*name) {
                value.set_sensitive(true);
            }
        }
        headers
            .entry(USER_AGENT)
            .or_insert_with(|| self.user_agent.clone());

        let started = Instant::now();
        let mut pending = Some(request);
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            // The request is kept for a later attempt only when one can follow: a retry, or
            // a resend with renewed credentials. A streamed body cannot be cloned: such a
            // request gets exactly one attempt.
            let may_follow = self.retry.allows_attempt(attempt + 1)
                || (!refreshed && !operation.anonymous && self.auth.may_refresh());
            let Some(mut request) = may_follow
                .then(|| pending.as_ref().and_then(reqwest::Request::try_clone))
                .flatten()
                .or_else(|| pending.take())
            else {
                unreachable!("the loop ends once the request has been taken");
            };
            // The attempt's turn under the quota (rate_limit.rs), before credentials are made:
            // a signed token is as fresh as the request.
            let quota_wait = self
                .limits
                .acquire(&operation, self.retry.remaining_budget(started.elapsed()))
                .await
                .map_err(|e| e.in_call(Some(&context)))?;
            if !operation.anonymous {
                self.auth
                    .apply(&mut request)
                    .await
                    .map_err(|e| Error::from(e).in_call(Some(&context)))?;
            }
            let span = tracing::info_span!(
                "credkit.request",
                service = self.service.name,
                operation = operation.id,
                method = operation.method,
                path = operation.path,
                attempt,
                quota_wait_ms = quota_wait.as_millis() as u64,
                status = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            if let Some(interceptor) = &self.interceptor.0
                && let std::ops::ControlFlow::Break(reason) = interceptor.before_send(&request)
            {
                return Err(Error::not_sent(reason).in_call(Some(&context)));
            }
            let sent = Instant::now();
            let result = http.execute(request).instrument(span.clone()).await;
            span.record("duration_ms", sent.elapsed().as_millis() as u64);
            if let Ok(response) = &result {
                span.record("status", response.status().as_u16());
                self.limits.observe(&operation, response).await;
            }

            if let Ok(response) = &result
                && response.status() == reqwest::StatusCode::UNAUTHORIZED
                && !operation.anonymous
                && !refreshed
                && pending.is_some()
            {
                refreshed = true;
                let renewed = self.auth.refresh().instrument(span.clone()).await;
                if renewed.map_err(|e| Error::from(e).in_call(Some(&context)))? {
                    span.in_scope(|| {
                        tracing::info!("credentials renewed after 401, sending again")
                    });
                    attempt -= 1;
                    continue;
                }
            }

            let outcome = match &result {
                Ok(response) => Outcome::Response(response),
                Err(error) => Outcome::Failed(error),
            };
            let wait = match pending {
                Some(_) => {
                    self.retry
                        .delay(outcome, attempt, operation.idempotent, started.elapsed())
                }
                None => None,
            };
            match wait {
                Some(wait) => {
                    span.in_scope(|| tracing::info!(wait_ms = wait.as_millis() as u64, "retrying"));
                    self.retry.sleep(wait).await;
                }
                None => {
                    return match result {
                        Ok(mut response) => {
                            response.extensions_mut().insert(context);
                            // A service may answer a credential in a header (Sparkfly's token
                            // in its scheme's `X-Auth-Token`): whoever prints the headers of an
                            // answer sees `Sensitive`, not the value. Every value of a repeated
                            // header is walked.
                            for (name, value) in response.headers_mut().iter_mut() {
                                if self.service.is_credential_header(name.as_str()) {
                                    value.set_sensitive(true);
                                }
                            }
                            Ok(match &self.interceptor.0 {
                                Some(interceptor) => interceptor.on_response(response),
                                None => response,
                            })
                        }
                        Err(error) => Err(Error::from(error).in_call(Some(&context))),
                    };
                }
            }
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
