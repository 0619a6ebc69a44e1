//! The limits a spec declares on what a request sends (`minimum`, `maximum` and their
//! exclusive forms, `minLength`, `maxLength`, `pattern`), checked before anything is sent.
//!
//! The client's types check a string when they are built from one (a PIN's length), but a
//! value built another way (deserialized, a struct literal) is not checked, and typify writes no
//! type for a number's range. So the generator lists every limit of an operation's parameters
//! and body, each at its place ([`Limit`]), in the operation's [`crate::OperationMeta`], and
//! [`crate::contract::Call`] checks the value each setter is given against them: a value out of
//! its limits is refused as [`crate::ErrorKind::InvalidRequest`] by `send`, nothing sent.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{LazyLock, Mutex};

use serde_json::Value;

/// One limit of an operation's input: where it applies and what it asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub input: LimitedInput,
    /// A JSON pointer into the input's value, `*` standing for every item of an array or
    /// every value of a map: `/documenti/*`; empty for the value itself.
    pub at: &'static str,
    pub rule: Rule,
    /// The value's own type already refuses what breaks the rule, however the value was
    /// built (typify's constrained strings check when constructed and when deserialized): a
    /// call does not check it again, which would cost it a JSON copy of the input; the command
    /// line still reads it, to name the flag a refused value came from.
    pub checked_by_type: bool,
}

/// The input a [`Limit`] is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitedInput {
    /// A path, query or header parameter, by its setter's name.
    Parameter(&'static str),
    /// The request body.
    Body,
}

/// What a limit asks of a value. A rule applies to the values of its kind (a length or a
/// pattern to strings, a bound to numbers) and lets any other pass: a member that may be a
/// string or a number (`oneOf`) keeps each branch's rules, and deciding the kind is the typed
/// decoding's job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// `minimum`: at least this.
    AtLeast(Bound),
    /// `minimum` with `exclusiveMinimum`: more than this.
    MoreThan(Bound),
    /// `maximum`: at most this.
    AtMost(Bound),
    /// `maximum` with `exclusiveMaximum`: less than this.
    LessThan(Bound),
    /// `minLength`, in characters (as the client's types count them).
    MinLength(u64),
    /// `maxLength`, in characters.
    MaxLength(u64),
    /// `pattern`: an ECMA 262 regular expression the string must match somewhere (anchored
    /// only where it says so), as the client's types match it.
    Pattern(&'static str),
}

/// A number a spec bounds a value with (compared by its bits, so that tables of limits can be
/// `Eq`).
#[derive(Clone, Copy, Debug)]
pub struct Bound(pub f64);

impl PartialEq for Bound {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for Bound {}

impl Limit {
    /// A limit of the parameter whose setter is `name`.
    pub const fn parameter(name: &'static str, at: &'static str, rule: Rule) -> Self {
        Self {
            input: LimitedInput::Parameter(name),
            at,
            rule,
            checked_by_type: false,
        }
    }

    /// A limit of the request body, at `at`.
    pub const fn body(at: &'static str, rule: Rule) -> Self {
        Self {
            input: LimitedInput::Body,
            at,
            rule,
            checked_by_type: false,
        }
    }

    /// This limit, marked as one the value's type checks itself ([`Limit::checked_by_type`]).
    pub const fn checked_by_type(self) -> Self {
        Self {
            checked_by_type: true,
            ..self
        }
    }

    /// Checks every value of `input` at this limit's place: why the first that breaks it is
    /// refused, naming its place (`spazio_disco: -1 is less than the minimum 0`).
    pub fn check(&self, input: &Value) -> Result<(), String> {
        let mut refused = Ok(());
        visit(input, self.at, &mut String::new(), &mut |place, value| {
            if refused.is_ok()
                && let Err(reason) = self.rule.check(value)
            {
                refused = Err(if place.is_empty() {
                    reason
                } else {
                    format!("{}: {reason}", &place[1..])
                });
            }
        });
        refused
    }
}

impl Rule {
    /// Why `value` breaks this rule; `Ok` when it keeps it or is not of the rule's kind.
    pub fn check(&self, value: &Value) -> Result<(), String> {
        match (self, value) {
            (Self::AtLeast(bound), Value::Number(n)) => bounded(n, bound, |v, b| v >= b)
                .ok_or_else(|| format!("{n} is less than the minimum {}", shown(bound))),
            (Self::MoreThan(bound), Value::Number(n)) => bounded(n, bound, |v, b| v > b)
                .ok_or_else(|| format!("{n} is not more than {}", shown(bound))),
            (Self::AtMost(bound), Value::Number(n)) => bounded(n, bound, |v, b| v <= b)
                .ok_or_else(|| format!("{n} is more than the maximum {}", shown(bound))),
            (Self::LessThan(bound), Value::Number(n)) => bounded(n, bound, |v, b| v < b)
                .ok_or_else(|| format!("{n} is not less than {}", shown(bound))),
            (Self::MinLength(min), Value::String(s)) => {
                let length = s.chars().count() as u64;
                (length >= *min)
                    .then_some(())
                    .ok_or_else(|| format!("must be at least {min} characters (it has {length})"))
            }
            (Self::MaxLength(max), Value::String(s)) => {
                let length = s.chars().count() as u64;
                (length <= *max)
                    .then_some(())
                    .ok_or_else(|| format!("must be at most {max} characters (it has {length})"))
            }
            (Self::Pattern(pattern), Value::String(s)) => matches(pattern, s)
                .then_some(())
                .ok_or_else(|| format!("does not match the pattern `{pattern}`")),
            _ => Ok(()),
        }
    }
}

/// `Some(())` when `n` keeps `bound` by `keeps`. Integers are compared as integers when the
/// bound is a whole number, so that a bound above 2^53 is exact.
fn bounded(n: &serde_json::Number, bound: &Bound, keeps: impl Fn(f64, f64) -> bool) -> Option<()> {
    let whole = bound.0.fract() == 0.0 && bound.0.abs() < 1.7e38;
    let as_integer = n
        .as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from));
    let kept = match as_integer {
        // The sign of `value - bound` beside 0 keeps `keeps`'s meaning.
        Some(value) if whole => keeps(f64::from(value.cmp(&(bound.0 as i128)) as i8), 0.0),
        _ => keeps(n.as_f64().unwrap_or(f64::NAN), bound.0),
    };
    kept.then_some(())
}

/// A bound as the spec wrote it: `0`, not `0.0`.
fn shown(bound: &Bound) -> String {
    if bound.0.fract() == 0.0 && bound.0.abs() < 1e15 {
        format!("{}", bound.0 as i64)
    } else {
        bound.0.to_string()
    }
}

/// Calls `found` with each value at `pointer` under `value` (`*` matching every item or map
/// value) and its place, written as a JSON pointer.
fn visit(value: &Value, pointer: &str, place: &mut String, found: &mut impl FnMut(&str, &Value)) {
    let Some(rest) = pointer.strip_prefix('/') else {
        found(place, value);
        return;
    };
    let (segment, rest) = match rest.find('/') {
        Some(end) => (&rest[..end], &rest[end..]),
        None => (rest, ""),
    };
    let length = place.len();
    match (segment, value) {
        ("*", Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                let _ = write!(place, "/{index}");
                visit(item, rest, place, found);
                place.truncate(length);
            }
        }
        ("*", Value::Object(members)) => {
            for (name, member) in members {
                place.push('/');
                place.push_str(name);
                visit(member, rest, place, found);
                place.truncate(length);
            }
        }
        (segment, Value::Object(members)) => {
            // Unescaped only when escaped: this runs for every limit of every call.
            let name = match segment.contains('~') {
                true => std::borrow::Cow::Owned(segment.replace("~1", "/").replace("~0", "~")),
                false => std::borrow::Cow::Borrowed(segment),
            };
            if let Some(member) = members.get(name.as_ref()) {
                place.push('/');
                place.push_str(&name);
                visit(member, rest, place, found);
                place.truncate(length);
            }
        }
        _ => {}
    }
}

/// Whether `text` matches `pattern`, compiled once per pattern. A pattern that does not
/// compile refuses nothing: the generator compiles each before writing it, so this is a
/// table written by hand.
fn matches(pattern: &'static str, text: &str) -> bool {
    static COMPILED: LazyLock<Mutex<HashMap<&'static str, Option<regress::Regex>>>> =
        LazyLock::new(Default::default);
    let mut compiled = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
    compiled
        .entry(pattern)
        .or_insert_with(|| regress::Regex::new(pattern).ok())
        .as_ref()
        .is_none_or(|regex| regex.find(text).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bounds_refuse_numbers_outside_them_and_let_other_kinds_pass() {
        let at_least = Limit::body("/spazio_disco", Rule::AtLeast(Bound(0.0)));
        assert_eq!(at_least.check(&json!({"spazio_disco": 0})), Ok(()));
        assert_eq!(
            at_least.check(&json!({"spazio_disco": -1})),
            Err("spazio_disco: -1 is less than the minimum 0".to_owned())
        );
        // A string is a pattern's to check, not a bound's.
        assert_eq!(at_least.check(&json!({"spazio_disco": "+1024"})), Ok(()));
        assert_eq!(at_least.check(&json!({})), Ok(()));
        let more = Rule::MoreThan(Bound(1.5));
        assert!(more.check(&json!(1.5)).is_err());
        assert!(more.check(&json!(1.6)).is_ok());
        let less = Rule::LessThan(Bound(10.0));
        assert!(less.check(&json!(10)).is_err());
        assert!(less.check(&json!(9.99)).is_ok());
        let at_most = Rule::AtMost(Bound(9_007_199_254_740_993.0));
        assert!(at_most.check(&json!(u64::MAX)).is_err());
        assert!(at_most.check(&json!(-3)).is_ok());
    }

    #[test]
    fn lengths_count_characters_and_patterns_match_as_ecma_does() {
        let pin = Limit::body("/new_pin", Rule::MinLength(6));
        assert_eq!(
            pin.check(&json!({"new_pin": "12"})),
            Err("new_pin: must be at least 6 characters (it has 2)".to_owned())
        );
        assert!(Rule::MaxLength(6).check(&json!("éééééé")).is_ok());
        let date = Rule::Pattern("^[0-9]{2}/[0-9]{2}/[0-9]{4}$");
        assert!(date.check(&json!("01/02/1990")).is_ok());
        assert!(date.check(&json!("1990-02-01")).is_err());
        // Unanchored: anywhere in the text.
        assert!(Rule::Pattern("[0-9]").check(&json!("a1")).is_ok());
    }

    #[test]
    fn a_star_reaches_every_item_and_the_refusal_names_it() {
        let items = Limit::body("/documenti/*", Rule::MinLength(1));
        assert_eq!(
            items.check(&json!({"documenti": ["a", "", "b"]})),
            Err("documenti/1: must be at least 1 characters (it has 0)".to_owned())
        );
        let map = Limit::parameter("tags", "/*", Rule::AtMost(Bound(3.0)));
        assert_eq!(
            map.check(&json!({"x": 1, "y": 4})),
            Err("y: 4 is more than the maximum 3".to_owned())
        );
        let whole = Limit::parameter("anni", "", Rule::AtLeast(Bound(1.0)));
        assert_eq!(
            whole.check(&json!(0)),
            Err("0 is less than the minimum 1".to_owned())
        );
    }
}
