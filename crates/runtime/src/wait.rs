//! Waiting for a resource to reach a state: the poll loop every generated waiter runs
//! (`x-credkit-waiters` in the spec, `client.wait_until_*()` in the client).
//!
//! A waiter sends its operation again and again and reads one member of each answer (the
//! resource's state) until that state is one of the waiter's successes or failures, or its
//! time is up. What the loop promises:
//!
//! - **Each poll is an ordinary call** of the operation: it goes through the client's quota
//!   (the in-process or the Redis [`crate::RateLimiter`]), its retries and its tracing, so that
//!   waiters never send more than the service accepts, whichever process they run in.
//! - **Between polls, capped exponential backoff with jitter**: from the first delay, doubled
//!   after each poll up to the maximum delay, each wait half fixed and half random, so that
//!   waiters started together do not poll together.
//! - **`429` and `503` are waited out**: the retry policy already honours `Retry-After` inside a
//!   poll; when it gives up (its budget is smaller than the wait), the waiter waits for the
//!   server's `Retry-After` (or its backoff, whichever is longer) and polls again, within its own
//!   bounds. So does a turn of the quota further away than the retry budget. Any other error
//!   ends the wait as that error.
//! - **Normal ends are values, not errors**: [`Waited::Reached`], [`Waited::Failed`],
//!   [`Waited::TimedOut`] with the last answer.
//! - **A state the waiter does not know** (an open enum's `Unknown`, or the member absent) keeps
//!   waiting; it is traced, and listed in [`Waited::TimedOut`].
//! - **The maximum wait bounds everything**: a poll in flight at the deadline is dropped, and no
//!   poll starts that could not start before it. Dropping the waiter's future stops it: nothing
//!   runs in the background.
//! - **Each poll is traced** (`credkit::wait` target, INFO): the waiter, the poll's number, the
//!   state seen and the delay before the next one. Only the state is read from the answer;
//!   nothing else of it, and no credential, is logged.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use tokio::time::Instant;

use crate::answer::Answer;
use crate::error::{Error, ErrorKind};
use crate::retry::equal_jitter;

/// What a spec declares of one waiter (`x-credkit-waiters`): generated into the client as a
/// constant, read by [`wait`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaiterSpec {
    /// The waiter's name as the spec writes it: `credentials_active`.
    pub name: &'static str,
    /// The operation it polls (its Rust name): `get_credentials_status`.
    pub operation: &'static str,
    /// The member of the answer it reads, as a path: `stato`, `data.stato`.
    pub member: &'static str,
    /// The states that end the wait successfully.
    pub success: &'static [&'static str],
    /// The states that end it without success.
    pub failure: &'static [&'static str],
    /// The states that mean "not yet".
    pub pending: &'static [&'static str],
    /// The wait before the second poll.
    pub first_delay: Duration,
    /// The longest wait between two polls.
    pub max_delay: Duration,
    /// The longest wait in all, unless the caller chooses another.
    pub max_wait: Duration,
}

/// What a waiter makes of the state of one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Success,
    Failure,
    Pending,
    /// Not among the waiter's states (an open enum's new value) or absent: keep waiting.
    Unknown,
}

impl WaiterSpec {
    /// What `state` means for this waiter.
    pub fn verdict(&self, state: Option<&str>) -> Verdict {
        match state {
            Some(state) if self.success.contains(&state) => Verdict::Success,
            Some(state) if self.failure.contains(&state) => Verdict::Failure,
            Some(state) if self.pending.contains(&state) => Verdict::Pending,
            _ => Verdict::Unknown,
        }
    }
}

/// One poll, as a waiter's observer sees it ([`WaitSettings::on_poll`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poll {
    /// The waiter's name.
    pub waiter: &'static str,
    /// 1 for the first poll.
    pub number: u32,
    /// The state the answer had; `None` when the member was absent or the poll was refused.
    pub state: Option<String>,
    pub verdict: Option<Verdict>,
    /// The status of a refused poll (`429`, `503`) that the waiter waits out.
    pub refused: Option<StatusCode>,
    /// The wait before the next poll; `None` after the last.
    pub next_delay: Option<Duration>,
    /// Time since the first poll began.
    pub elapsed: Duration,
}

type Observer = Arc<dyn Fn(&Poll) + Send + Sync>;

/// The bounds of one wait: the spec's unless the caller sets others, and who is told of each
/// poll.
#[derive(Clone)]
pub struct WaitSettings {
    first_delay: Duration,
    max_delay: Duration,
    max_wait: Duration,
    observer: Option<Observer>,
    /// Cuts a delay short when a callback says the resource changed.
    wake: Option<crate::callback::Wake>,
}

impl fmt::Debug for WaitSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitSettings")
            .field("first_delay", &self.first_delay)
            .field("max_delay", &self.max_delay)
            .field("max_wait", &self.max_wait)
            .field("observer", &self.observer.is_some())
            .field("wake", &self.wake)
            .finish()
    }
}

impl WaitSettings {
    /// The bounds `spec` declares.
    pub fn new(spec: &WaiterSpec) -> Self {
        Self {
            first_delay: spec.first_delay,
            max_delay: spec.max_delay,
            max_wait: spec.max_wait,
            observer: None,
            wake: None,
        }
    }

    /// Polls at once, ending the delay, when a callback wakes `wake`
    /// ([`crate::CallbackHub::subscribe`]); the polled answer still decides how the wait ends.
    pub fn woken_by(mut self, wake: crate::callback::Wake) -> Self {
        self.wake = Some(wake);
        self
    }

    /// The longest wait in all.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The wait before the second poll.
    pub fn first_delay(mut self, delay: Duration) -> Self {
        self.first_delay = delay;
        self
    }

    /// The longest wait between two polls.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Calls `observer` after each poll (a command line prints state changes with it).
    pub fn on_poll(mut self, observer: impl Fn(&Poll) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }
}

/// How a wait ended, when nothing went wrong.
#[derive(Debug)]
pub enum Waited<T> {
    /// The answer whose state is one of the waiter's successes.
    Reached(Answer<T>),
    /// The answer whose state is one of the waiter's failures.
    Failed(Answer<T>),
    /// The maximum wait passed first.
    TimedOut {
        /// The last answer, `None` when no poll was answered (each was refused with `429` or
        /// `503`, or was still in flight at the deadline).
        last: Option<Answer<T>>,
        /// How many polls were sent.
        polls: u32,
        /// The states seen that the waiter does not know, each once, in the order seen.
        unknown_states: Vec<String>,
    },
}

impl<T> Waited<T> {
    /// The final answer: the one reached or failed, or the last before the time was up.
    pub fn answer(&self) -> Option<&Answer<T>> {
        match self {
            Self::Reached(answer) | Self::Failed(answer) => Some(answer),
            Self::TimedOut { last, .. } => last.as_ref(),
        }
    }

    /// `reached`, `failed` or `timed out`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Reached(_) => "reached",
            Self::Failed(_) => "failed",
            Self::TimedOut { .. } => "timed out",
        }
    }
}

/// Polls with `poll` until the state `state_of` reads from an answer ends the wait (see the
/// module documentation). Part of the contract with generated waiters.
pub async fn wait<T, F, Fut>(
    spec: &'static WaiterSpec,
    settings: WaitSettings,
    mut poll: F,
    state_of: fn(&T) -> Option<String>,
) -> Result<Waited<T>, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Answer<T>, Error>>,
{
    let start = Instant::now();
    let deadline = start + settings.max_wait;
    let mut last: Option<Answer<T>> = None;
    let mut unknown_states: Vec<String> = Vec::new();
    let mut number = 0u32;
    loop {
        number += 1;
        let Ok(outcome) = tokio::time::timeout_at(deadline, poll()).await else {
            tracing::info!(target: "credkit::wait", waiter = spec.name, poll = number, "time is up during a poll");
            return Ok(Waited::TimedOut {
                last,
                polls: number,
                unknown_states,
            });
        };
        let delay = equal_jitter(settings.first_delay, settings.max_delay, number - 1);
        let mut seen = Poll {
            waiter: spec.name,
            number,
            state: None,
            verdict: None,
            refused: None,
            next_delay: None,
            elapsed: start.elapsed(),
        };
        let delay = match outcome {
            Ok(answer) => {
                seen.state = state_of(&answer);
                let verdict = spec.verdict(seen.state.as_deref());
                seen.verdict = Some(verdict);
                match verdict {
                    Verdict::Success | Verdict::Failure => {
                        report(&settings, &seen);
                        return Ok(match verdict {
                            Verdict::Success => Waited::Reached(answer),
                            _ => Waited::Failed(answer),
                        });
                    }
                    Verdict::Unknown => {
                        let state = seen.state.clone().unwrap_or_else(|| "(absent)".to_owned());
                        if !unknown_states.contains(&state) {
                            unknown_states.push(state);
                        }
                    }
                    Verdict::Pending => {}
                }
                last = Some(answer);
                delay
            }
            Err(error) => match wait_out(&error) {
                Some(asked) => {
                    seen.refused = error.status();
                    delay.max(asked)
                }
                None => return Err(error),
            },
        };
        let remaining = deadline.saturating_duration_since(Instant::now());
        if delay >= remaining {
            report(&settings, &seen);
            return Ok(Waited::TimedOut {
                last,
                polls: number,
                unknown_states,
            });
        }
        seen.next_delay = Some(delay);
        report(&settings, &seen);
        // tokio's timer counts whole milliseconds: a zero delay would still wait for its next
        // tick (about 1 ms, measured in BENCHMARKS.md, "Waiters").
        if !delay.is_zero() {
            match &settings.wake {
                Some(wake) => {
                    if tokio::time::timeout(delay, wake.woken()).await.is_ok() {
                        tracing::info!(target: "credkit::wait", waiter = spec.name, poll = number, "woken by a callback: polling now");
                    }
                }
                None => tokio::time::sleep(delay).await,
            }
        }
    }
}

/// How long a refused poll asks to wait, when the waiter waits it out: `429` and `503`
/// (`Retry-After`, or no time of their own), and a quota turn beyond the retry budget.
fn wait_out(error: &Error) -> Option<Duration> {
    if let ErrorKind::RateLimited(crate::RateLimitError::WaitTooLong { wait, .. }) = error.kind() {
        return Some(*wait);
    }
    match error.status() {
        Some(StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE) => {
            Some(error.retry_after().unwrap_or_default())
        }
        _ => None,
    }
}

/// Traces a poll and shows it to the observer.
fn report(settings: &WaitSettings, poll: &Poll) {
    tracing::info!(
        target: "credkit::wait",
        waiter = poll.waiter,
        poll = poll.number,
        state = poll.state.as_deref().unwrap_or("(none)"),
        verdict = ?poll.verdict,
        refused = poll.refused.map(|s| s.as_u16()),
        next_delay_ms = poll.next_delay.map(|d| d.as_millis() as u64),
        "waiter polled"
    );
    if let Some(observer) = &settings.observer {
        observer(poll);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
    use std::sync::Mutex;

    static SPEC: WaiterSpec = WaiterSpec {
        name: "thing_ready",
        operation: "get_thing",
        member: "state",
        success: &["ready"],
        failure: &["broken"],
        pending: &["new"],
        first_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(4),
        max_wait: Duration::from_secs(60),
    };

    fn answer(state: &str) -> Answer<String> {
        Answer::new(state.to_owned(), StatusCode::OK, HeaderMap::new())
    }

    fn refused(status: StatusCode, retry_after: Option<&str>) -> Error {
        let mut headers = HeaderMap::new();
        if let Some(seconds) = retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from_str(seconds).unwrap());
        }
        Error::new(ErrorKind::Api(crate::ApiError {
            status,
            headers,
            body: bytes::Bytes::new(),
        }))
    }

    /// Plays `script`, one outcome per poll, recording when each poll began.
    async fn run(
        script: Vec<Result<Answer<String>, Error>>,
        settings: WaitSettings,
    ) -> (Result<Waited<String>, Error>, Vec<Duration>) {
        let start = Instant::now();
        let times = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(script.into_iter()));
        let (recorded, played) = (times.clone(), script.clone());
        let outcome = wait(
            &SPEC,
            settings,
            move || {
                recorded.lock().unwrap().push(start.elapsed());
                let next = played.lock().unwrap().next();
                async move { next.unwrap_or_else(|| Ok(answer("new"))) }
            },
            |state: &String| (state != "absent").then(|| state.clone()),
        )
        .await;
        let times = times.lock().unwrap().clone();
        (outcome, times)
    }

    #[tokio::test(start_paused = true)]
    async fn a_success_state_ends_the_wait_with_its_answer() {
        let script = vec![Ok(answer("new")), Ok(answer("new")), Ok(answer("ready"))];
        let (outcome, polls) = run(script, WaitSettings::new(&SPEC)).await;
        assert!(matches!(outcome.unwrap(), Waited::Reached(a) if *a == "ready"));
        assert_eq!(polls.len(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_state_ends_the_wait_as_failed_not_as_an_error() {
        let (outcome, polls) = run(vec![Ok(answer("broken"))], WaitSettings::new(&SPEC)).await;
        assert!(matches!(outcome.unwrap(), Waited::Failed(a) if *a == "broken"));
        assert_eq!(polls.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn delays_double_from_the_first_up_to_the_maximum_with_half_of_each_random() {
        let (_, polls) = run(
            Vec::new(),
            WaitSettings::new(&SPEC).max_wait(Duration::from_secs(30)),
        )
        .await;
        let gaps: Vec<Duration> = polls.windows(2).map(|w| w[1] - w[0]).collect();
        let bounds = [1, 2, 4, 4, 4];
        for (gap, full) in gaps.iter().zip(bounds) {
            let full = Duration::from_secs(full);
            assert!(*gap >= full / 2 && *gap <= full, "{gaps:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_wait_times_out_with_the_last_answer_and_no_poll_starts_after_the_deadline() {
        let settings = WaitSettings::new(&SPEC).max_wait(Duration::from_secs(10));
        let (outcome, polls) = run(Vec::new(), settings).await;
        let Waited::TimedOut {
            last,
            polls: sent,
            unknown_states,
        } = outcome.unwrap()
        else {
            panic!("expected a time-out");
        };
        assert_eq!(last.as_deref().map(String::as_str), Some("new"));
        assert_eq!(sent as usize, polls.len());
        assert!(unknown_states.is_empty());
        assert!(
            polls.iter().all(|t| *t < Duration::from_secs(10)),
            "{polls:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_unknown_or_absent_state_keeps_waiting_and_is_listed_once() {
        let script = vec![
            Ok(answer("migrating")),
            Ok(answer("migrating")),
            Ok(answer("absent")),
        ];
        let settings = WaitSettings::new(&SPEC).max_wait(Duration::from_secs(8));
        let (outcome, _) = run(script, settings).await;
        let Waited::TimedOut { unknown_states, .. } = outcome.unwrap() else {
            panic!("expected a time-out");
        };
        assert_eq!(unknown_states, ["migrating", "(absent)"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_is_waited_out_for_its_retry_after_then_polling_goes_on() {
        let script = vec![
            Err(refused(StatusCode::TOO_MANY_REQUESTS, Some("10"))),
            Ok(answer("ready")),
        ];
        let (outcome, polls) = run(script, WaitSettings::new(&SPEC)).await;
        assert!(matches!(outcome.unwrap(), Waited::Reached(_)));
        assert!(polls[1] - polls[0] >= Duration::from_secs(10), "{polls:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_503_without_retry_after_waits_the_backoff() {
        let script = vec![
            Err(refused(StatusCode::SERVICE_UNAVAILABLE, None)),
            Ok(answer("ready")),
        ];
        let (outcome, polls) = run(script, WaitSettings::new(&SPEC)).await;
        assert!(matches!(outcome.unwrap(), Waited::Reached(_)));
        let gap = polls[1] - polls[0];
        assert!(
            gap >= Duration::from_millis(500) && gap <= Duration::from_secs(1),
            "{gap:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn any_other_error_ends_the_wait_as_that_error() {
        let script = vec![Ok(answer("new")), Err(refused(StatusCode::NOT_FOUND, None))];
        let (outcome, polls) = run(script, WaitSettings::new(&SPEC)).await;
        assert_eq!(outcome.unwrap_err().status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(polls.len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_poll_in_flight_at_the_deadline_is_dropped() {
        let settings = WaitSettings::new(&SPEC).max_wait(Duration::from_secs(5));
        let outcome = wait(
            &SPEC,
            settings,
            || async {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                Ok(answer("ready"))
            },
            |state: &String| Some(state.clone()),
        )
        .await;
        assert!(matches!(
            outcome.unwrap(),
            Waited::TimedOut {
                last: None,
                polls: 1,
                ..
            }
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn the_observer_sees_each_poll_with_its_state_and_next_delay() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let kept = seen.clone();
        let settings = WaitSettings::new(&SPEC).on_poll(move |poll| {
            kept.lock()
                .unwrap()
                .push((poll.number, poll.state.clone(), poll.next_delay.is_some()));
        });
        let script = vec![Ok(answer("new")), Ok(answer("ready"))];
        run(script, settings).await.0.unwrap();
        assert_eq!(
            *seen.lock().unwrap(),
            [
                (1, Some("new".to_owned()), true),
                (2, Some("ready".to_owned()), false)
            ]
        );
    }
}
