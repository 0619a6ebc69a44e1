//! `x-credkit-rate-limit`, on `info` or on an operation: the quota the service's documentation
//! states, read into [`RateLimit`].
//!
//! ```yaml
//! x-credkit-rate-limit:
//!   requests: 100      # at most this many requests...
//!   period: 5s         # ...in any window of this length
//!   penalty: 10s       # after a 429 without Retry-After, no request for this long
//!   scope: credential  # counted per credential, or per client
//! ```
//!
//! Durations are a whole number and a unit: `ms`, `s`, `min` or `h`.

use serde_json::Value;

use crate::model::{RateLimit, RateLimitScope};

const EXTENSION: &str = "x-credkit-rate-limit";
const MEMBERS: [&str; 4] = ["requests", "period", "penalty", "scope"];

/// The `x-credkit-rate-limit` of `node` (`info` or an operation): `None` when absent, or every
/// problem of it, each naming the member.
pub(super) fn of(node: &Value) -> Result<Option<RateLimit>, Vec<String>> {
    let Some(value) = node.get(EXTENSION) else {
        return Ok(None);
    };
    let Some(object) = value.as_object() else {
        return Err(vec![format!(
            "`{EXTENSION}` is a mapping with {}, e.g. `{{requests: 100, period: 5s, penalty: 10s, scope: credential}}`",
            MEMBERS.join(", ")
        )]);
    };
    let mut problems = Vec::new();
    for key in object.keys() {
        if !MEMBERS.contains(&key.as_str()) {
            problems.push(format!(
                "`{EXTENSION}.{key}` is not a member: write {}",
                MEMBERS.join(", ")
            ));
        }
    }
    let mut member = |name: &str| {
        let found = object.get(name);
        if found.is_none() {
            problems.push(format!("`{EXTENSION}.{name}` is missing"));
        }
        found
    };
    let (requests, period, penalty, scope) = (
        member("requests"),
        member("period"),
        member("penalty"),
        member("scope"),
    );
    let requests = requests.and_then(|value| match value.as_u64() {
        Some(n) if n >= 1 && u32::try_from(n).is_ok() => Some(n as u32),
        _ => {
            problems.push(format!(
                "`{EXTENSION}.requests` is {value}: write a whole number of requests, at least 1"
            ));
            None
        }
    });
    let mut duration = |name: &str, value: Option<&Value>| {
        value.and_then(|value| match value.as_str().and_then(milliseconds) {
            Some(ms) if ms > 0 || name == "penalty" => Some(ms),
            _ => {
                problems.push(format!(
                    "`{EXTENSION}.{name}` is {value}: write a duration{} such as `5s`, `500ms`, `1min` or `1h`",
                    if name == "penalty" { "" } else { " longer than 0" }
                ));
                None
            }
        })
    };
    let period = duration("period", period);
    let penalty = duration("penalty", penalty);
    let scope = scope.and_then(|value| {
        let scope = value
            .as_str()
            .and_then(|s| RateLimitScope::ALL.into_iter().find(|v| v.as_str() == s));
        if scope.is_none() {
            problems.push(format!(
                "`{EXTENSION}.scope` is {value}: write {}",
                RateLimitScope::ALL.map(RateLimitScope::as_str).join(" or ")
            ));
        }
        scope
    });
    match (requests, period, penalty, scope) {
        (Some(requests), Some(period_ms), Some(penalty_ms), Some(scope)) if problems.is_empty() => {
            Ok(Some(RateLimit {
                requests,
                period_ms,
                penalty_ms,
                scope,
            }))
        }
        _ => Err(problems),
    }
}

/// `5s` → 5000, `500ms` → 500, `1min` → 60000, `1h` → 3600000.
pub(crate) fn milliseconds(text: &str) -> Option<u64> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let factor = match unit {
        "ms" => 1,
        "s" => 1_000,
        "min" => 60_000,
        "h" => 3_600_000,
        _ => return None,
    };
    number.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn durations() {
        assert_eq!(milliseconds("5s"), Some(5_000));
        assert_eq!(milliseconds("500ms"), Some(500));
        assert_eq!(milliseconds("1min"), Some(60_000));
        assert_eq!(milliseconds("2h"), Some(7_200_000));
        for bad in ["5", "s", "5 s", "1.5s", "-1s", "5sec", "5m", ""] {
            assert_eq!(milliseconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_complete_rate_limit_is_read() {
        let node = json!({EXTENSION: {"requests": 100, "period": "5s", "penalty": "10s", "scope": "credential"}});
        assert_eq!(
            of(&node),
            Ok(Some(RateLimit {
                requests: 100,
                period_ms: 5_000,
                penalty_ms: 10_000,
                scope: RateLimitScope::Credential,
            }))
        );
        assert_eq!(of(&json!({})), Ok(None));
    }

    #[test]
    fn every_problem_is_named_by_its_member() {
        let node = json!({EXTENSION: {"requests": 0, "period": "0s", "penalty": 10, "scope": "ip", "burst": 5}});
        let problems = of(&node).unwrap_err();
        let named: Vec<&str> = ["burst", "requests", "period", "penalty", "scope"]
            .into_iter()
            .filter(|m| problems.iter().any(|p| p.contains(&format!(".{m}`"))))
            .collect();
        assert_eq!(named.len(), 5, "{problems:#?}");
        let missing = of(&json!({EXTENSION: {"requests": 5}})).unwrap_err();
        assert_eq!(missing.len(), 3, "{missing:#?}");
        assert!(of(&json!({EXTENSION: "100/5s"})).is_err());
    }
}
