//! What the runtime tells a `tracing` subscriber, and what that costs.
//!
//! Each attempt runs in a `credkit.request` span at DEBUG level, with the facts known before
//! it is sent (service, operation, method, path template, attempt, the wait for its turn
//! under the quota) and, once answered, its status and duration. At INFO level the runtime
//! reports only what departs from a plain call: a retry and a renewal of credentials, each an
//! event that names its call itself, since the span around it may be off.
//!
//! A subscriber that does not want the span (INFO, the usual level of a service's logs)
//! costs a call one comparison with the subscriber's level: the span is `Span::none()`, and
//! neither the clock nor a field is read for it. Never a token, a PIN, a URL or a body: the
//! fields are the operation's static facts and numbers.

use std::time::Duration;

use tokio::time::Instant;
use tracing::Span;
use tracing::field::Empty;

use crate::service::OperationMeta;

/// The tracing of one attempt.
pub(crate) struct AttemptTrace {
    span: Span,
    service: &'static str,
    operation: &'static str,
    attempt: u32,
    /// When the request was sent, read only when the span is kept.
    sent: Option<Instant>,
}

impl AttemptTrace {
    /// Opens the span of attempt `attempt` of a call of `operation`, which waited
    /// `quota_wait` for its turn.
    pub(crate) fn start(
        service: &'static str,
        operation: &OperationMeta,
        attempt: u32,
        quota_wait: Duration,
    ) -> Self {
        let span = tracing::debug_span!(
            "credkit.request",
            service,
            operation = operation.id,
            method = operation.method,
            path = operation.path,
            attempt,
            quota_wait_ms = quota_wait.as_millis() as u64,
            status = Empty,
            duration_ms = Empty,
        );
        Self {
            span,
            service,
            operation: operation.id,
            attempt,
            sent: None,
        }
    }

    /// The attempt's span, for what runs within it (the request, a renewal).
    pub(crate) fn span(&self) -> &Span {
        &self.span
    }

    /// The request is about to be sent: its duration starts now.
    pub(crate) fn sending(&mut self) {
        if !self.span.is_disabled() {
            self.sent = Some(Instant::now());
        }
    }

    /// Records the answer's status (none when the request failed) and the duration.
    pub(crate) fn answered(&self, status: Option<u16>) {
        if let Some(status) = status {
            self.span.record("status", status);
        }
        if let Some(sent) = self.sent {
            self.span
                .record("duration_ms", sent.elapsed().as_millis() as u64);
        }
    }

    /// The call will be sent again after `wait`.
    pub(crate) fn retrying(&self, status: Option<u16>, wait: Duration) {
        self.span.in_scope(|| {
            tracing::info!(
                service = self.service,
                operation = self.operation,
                attempt = self.attempt,
                status,
                wait_ms = wait.as_millis() as u64,
                "retrying"
            )
        });
    }

    /// New credentials were obtained after a `401`: the request is sent again with them.
    pub(crate) fn renewed(&self) {
        self.span.in_scope(|| {
            tracing::info!(
                service = self.service,
                operation = self.operation,
                attempt = self.attempt,
                "credentials renewed after 401, sending again"
            )
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::subscriber::Interest;
    use tracing::{Event, Level, Metadata, Subscriber};

    use super::*;

    const OPERATION: OperationMeta = OperationMeta {
        id: "change_pin",
        method: "PUT",
        path: "/credentials/{id}/pin",
        anonymous: false,
        idempotent: false,
        secret_headers: &[],
        rate_limit: None,
        limits: &[],
    };

    /// A span or an event as the subscriber saw it: its name (an event's message), level,
    /// fields in the order recorded, and the span it happened in.
    #[derive(Debug, Clone, PartialEq)]
    struct Seen {
        name: String,
        level: Level,
        fields: Vec<(String, String)>,
        parent: Option<u64>,
    }

    #[derive(Default)]
    struct Log {
        spans: Vec<Seen>,
        events: Vec<Seen>,
        entered: Vec<u64>,
    }

    /// Records what a subscriber at `max` level would write.
    struct Recorder {
        max: Level,
        log: Arc<Mutex<Log>>,
    }

    struct Fields<'a>(&'a mut Vec<(String, String)>);

    impl Visit for Fields<'_> {
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.push((field.name().to_owned(), value.to_owned()));
        }

        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.push((field.name().to_owned(), format!("{value:?}")));
        }
    }

    impl Subscriber for Recorder {
        fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
            // Asked per span: other tests of this binary run beside with other levels.
            Interest::sometimes()
        }

        fn enabled(&self, metadata: &Metadata<'_>) -> bool {
            *metadata.level() <= self.max
        }

        fn new_span(&self, attributes: &Attributes<'_>) -> Id {
            let mut log = self.log.lock().unwrap();
            let mut fields = Vec::new();
            attributes.record(&mut Fields(&mut fields));
            log.spans.push(Seen {
                name: attributes.metadata().name().to_owned(),
                level: *attributes.metadata().level(),
                fields,
                parent: None,
            });
            Id::from_u64(log.spans.len() as u64)
        }

        fn record(&self, span: &Id, values: &Record<'_>) {
            let mut log = self.log.lock().unwrap();
            let span = &mut log.spans[span.into_u64() as usize - 1];
            values.record(&mut Fields(&mut span.fields));
        }

        fn record_follows_from(&self, _: &Id, _: &Id) {}

        fn event(&self, event: &Event<'_>) {
            let mut log = self.log.lock().unwrap();
            let mut fields = Vec::new();
            event.record(&mut Fields(&mut fields));
            let message = fields
                .iter()
                .position(|(name, _)| name == "message")
                .map(|at| fields.remove(at).1)
                .unwrap_or_default();
            let parent = log.entered.last().copied();
            log.events.push(Seen {
                name: message,
                level: *event.metadata().level(),
                fields,
                parent,
            });
        }

        fn enter(&self, span: &Id) {
            self.log.lock().unwrap().entered.push(span.into_u64());
        }

        fn exit(&self, _: &Id) {
            self.log.lock().unwrap().entered.pop();
        }
    }

    /// Traces one attempt answered `429` and retried, under a subscriber at `max`.
    fn trace_a_retried_attempt(max: Level) -> Log {
        let log = Arc::new(Mutex::new(Log::default()));
        let recorder = Recorder {
            max,
            log: log.clone(),
        };
        tracing::subscriber::with_default(recorder, || {
            let mut trace =
                AttemptTrace::start("rentri-ca", &OPERATION, 2, Duration::from_millis(55));
            trace.sending();
            trace.answered(Some(429));
            trace.retrying(Some(429), Duration::from_millis(250));
            trace.renewed();
        });
        Arc::into_inner(log).unwrap().into_inner().unwrap()
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn at_debug_each_attempt_has_a_span_with_its_facts_status_and_duration() {
        let log = trace_a_retried_attempt(Level::DEBUG);
        assert_eq!(log.spans.len(), 1);
        let span = &log.spans[0];
        assert_eq!(
            (span.name.as_str(), span.level),
            ("credkit.request", Level::DEBUG)
        );
        let (recorded, duration) = span.fields.split_at(span.fields.len() - 1);
        assert_eq!(
            recorded,
            fields(&[
                ("service", "rentri-ca"),
                ("operation", "change_pin"),
                ("method", "PUT"),
                ("path", "/credentials/{id}/pin"),
                ("attempt", "2"),
                ("quota_wait_ms", "55"),
                ("status", "429"),
            ])
        );
        assert_eq!(duration[0].0, "duration_ms");
        // The events happen within the span.
        assert!(log.events.iter().all(|event| event.parent == Some(1)));
    }

    #[test]
    fn at_info_there_is_no_span_and_the_retry_and_renewal_name_their_call() {
        let log = trace_a_retried_attempt(Level::INFO);
        assert!(log.spans.is_empty(), "{:?}", log.spans);
        assert_eq!(
            log.events,
            [
                Seen {
                    name: "retrying".into(),
                    level: Level::INFO,
                    fields: fields(&[
                        ("service", "rentri-ca"),
                        ("operation", "change_pin"),
                        ("attempt", "2"),
                        ("status", "429"),
                        ("wait_ms", "250"),
                    ]),
                    parent: None,
                },
                Seen {
                    name: "credentials renewed after 401, sending again".into(),
                    level: Level::INFO,
                    fields: fields(&[
                        ("service", "rentri-ca"),
                        ("operation", "change_pin"),
                        ("attempt", "2"),
                    ]),
                    parent: None,
                },
            ]
        );
    }

    #[test]
    fn without_a_subscriber_that_wants_the_span_the_clock_is_not_read() {
        let log = Arc::new(Mutex::new(Log::default()));
        let recorder = Recorder {
            max: Level::INFO,
            log,
        };
        tracing::subscriber::with_default(recorder, || {
            let mut trace = AttemptTrace::start("rentri-ca", &OPERATION, 1, Duration::ZERO);
            trace.sending();
            assert!(trace.span().is_disabled());
            assert_eq!(trace.sent, None);
        });
        let mut untraced = AttemptTrace::start("rentri-ca", &OPERATION, 1, Duration::ZERO);
        untraced.sending();
        assert_eq!(untraced.sent, None);
    }
}
