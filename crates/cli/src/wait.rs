//! `--wait` and `--max-wait` on the operations that have a waiter (`generated::WAITERS`): the
//! command polls through the client's waiter until the resource's state succeeds or fails, or
//! the time is up. State changes are printed on stderr when it is a terminal; the final answer
//! is printed on stdout as any answer; the exit code says how the wait ended.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use credkit::{Poll, Waited, WaiterSpec};

/// Exit code of a wait that ended in one of the waiter's failure states.
pub const FAILED: u8 = 6;
/// Exit code of a wait whose time was up first.
pub const TIMED_OUT: u8 = 7;

/// The waiter of command `operation` of `service`, if it has one.
pub fn waiter(service: &str, operation: &str) -> Option<&'static WaiterSpec> {
    crate::generated::WAITERS
        .iter()
        .find(|(s, o, _)| *s == service && *o == operation)
        .map(|(_, _, waiter)| *waiter)
}

/// `--max-wait`: `90` (seconds), `500ms`, `30s`, `15min`, `2h`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration: write 90, 500ms, 30s, 15min or 2h"))?;
    let millis = match unit {
        "ms" => 1,
        "" | "s" => 1_000,
        "min" => 60_000,
        "h" => 3_600_000,
        _ => return Err(format!("`{text}`: the unit is ms, s, min or h")),
    };
    Ok(Duration::from_millis(number.saturating_mul(millis)))
}

/// Prints each change of state on stderr (`waiting: stato Nuovo (poll 1, next in 4.1 s)`),
/// and each refused poll; nothing when stderr is not a terminal.
pub fn observer(terminal: bool) -> impl Fn(&Poll) + Send + Sync + 'static {
    let last: Arc<Mutex<Option<String>>> = Arc::default();
    move |poll: &Poll| {
        if !terminal {
            return;
        }
        let next = poll
            .next_delay
            .map(|d| format!(", next in {:.1} s", d.as_secs_f64()))
            .unwrap_or_default();
        if let Some(status) = poll.refused {
            eprintln!(
                "credkit: {}: the server answered {status} (poll {}{next})",
                poll.waiter, poll.number
            );
            return;
        }
        let mut last = last.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if *last != poll.state {
            let state = poll.state.as_deref().unwrap_or("(no state)");
            eprintln!(
                "credkit: {}: {state} (poll {}{next})",
                poll.waiter, poll.number
            );
            last.clone_from(&poll.state);
        }
    }
}

/// How a wait that ended normally ends the command: `None` for success, or the exit code and
/// message of a failure or a time-out.
pub fn verdict<T>(
    waited: &Waited<T>,
    waiter: &WaiterSpec,
    state: Option<String>,
) -> Option<(u8, String)> {
    let state = state.unwrap_or_else(|| "(no state)".to_owned());
    match waited {
        Waited::Reached(_) => None,
        Waited::Failed(_) => Some((FAILED, format!("{}: ended in state {state}", waiter.name))),
        Waited::TimedOut {
            polls,
            unknown_states,
            ..
        } => Some((
            TIMED_OUT,
            format!(
                "{}: timed out after {polls} polls, last state {state}{}",
                waiter.name,
                if unknown_states.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (states credkit does not know: {})",
                        unknown_states.join(", ")
                    )
                }
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_wait_reads_seconds_and_units() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("15min"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert!(parse_duration("5m").is_err());
        assert!(parse_duration("soon").is_err());
    }
}
