//! `x-credkit-wakes` on a callback's (or a webhook's) request: the waiters its payload wakes,
//! and the payload member that holds the key of the resource each waits on.
//!
//! ```yaml
//! callbacks:
//!   device notice:
//!     '{$request.body#/callback_url}':
//!       post:
//!         x-credkit-wakes:
//!           - waiter: device_retired   # a waiter of the spec (`x-credkit-waiters`)
//!             member: device           # the payload's member (`a.b` nests) holding the key
//!         requestBody: ...
//! ```
//!
//! The generator writes, in the client's `callbacks` module, `wakes_<callback>` (the payload
//! parsed as its type, then each linked waiter with the key the payload holds) and a
//! `credkit_runtime::CallbackRoute` for it in `callbacks::ROUTES`; each waiter a callback wakes
//! gets `woken_by(&hub, key)`. See `credkit_runtime::callback`.

use serde_json::Value;

use crate::model::{Callback, pointer_segment};
use crate::spec::{METHODS, Spec};
use crate::waiters::Waiter;

pub const EXTENSION: &str = "x-credkit-wakes";

/// One waiter a callback wakes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wake {
    /// The waiter's name (`x-credkit-waiters`).
    pub waiter: String,
    /// The payload member holding the key, as written: `device`, `data.id`.
    pub member: String,
}

/// Fills each callback's `wakes`; each problem as (JSON pointer, message).
pub fn assign(
    spec: &Spec,
    callbacks: &mut [Callback],
    waiters: &[Waiter],
) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let mut requests: Vec<(Option<&str>, &str, &str, &Value, String)> = Vec::new();
    for declared in spec.operations() {
        let operation = declared.id();
        let listed = declared.op.get("callbacks").and_then(Value::as_object);
        for (name, callback) in listed.into_iter().flatten() {
            let Some(callback) = spec.resolve(callback).and_then(Value::as_object) else {
                continue;
            };
            for (url, item) in callback {
                let place = format!(
                    "/paths/{}/{}/callbacks/{}/{}",
                    pointer_segment(declared.path),
                    declared.method,
                    pointer_segment(name),
                    pointer_segment(url)
                );
                push_requests(spec, operation, name, item, place, &mut requests);
            }
        }
    }
    let webhooks = spec.doc.get("x-webhooks").and_then(Value::as_object);
    for (name, item) in webhooks.into_iter().flatten() {
        let place = format!("/x-webhooks/{}", pointer_segment(name));
        push_requests(spec, None, name, item, place, &mut requests);
    }
    for (operation, name, method, request, place) in requests {
        let Some(declared) = request.get(EXTENSION) else {
            continue;
        };
        let place = format!("{place}/{method}/{EXTENSION}");
        let Some(callback) = callbacks.iter_mut().find(|c| {
            c.operation.as_deref() == operation
                && c.name == name
                && c.method.eq_ignore_ascii_case(method)
        }) else {
            problems.push((
                place,
                "a callback whose body has no JSON type cannot wake a waiter".into(),
            ));
            continue;
        };
        match read(declared, waiters) {
            Ok(wakes) => callback.wakes = wakes,
            Err(message) => problems.push((place, message)),
        }
    }
    problems
}

fn push_requests<'a>(
    spec: &'a Spec,
    operation: Option<&'a str>,
    name: &'a str,
    item: &'a Value,
    place: String,
    requests: &mut Vec<(Option<&'a str>, &'a str, &'a str, &'a Value, String)>,
) {
    let Some(item) = spec.resolve(item) else {
        return;
    };
    for method in METHODS {
        if let Some(request) = item.get(method) {
            requests.push((operation, name, method, request, place.clone()));
        }
    }
}

/// The list as written, each waiter checked against the spec's.
fn read(declared: &Value, waiters: &[Waiter]) -> Result<Vec<Wake>, String> {
    const SHAPE: &str = "a list of `{waiter: <a waiter of the spec>, member: <the payload member holding its key>}`";
    let list = declared
        .as_array()
        .filter(|list| !list.is_empty())
        .ok_or_else(|| format!("`{EXTENSION}` is {SHAPE}"))?;
    list.iter()
        .map(|entry| {
            let object = entry
                .as_object()
                .ok_or_else(|| format!("`{EXTENSION}` is {SHAPE}"))?;
            if let Some(key) = object.keys().find(|k| *k != "waiter" && *k != "member") {
                return Err(format!("`{key}` is not a key of `{EXTENSION}`: {SHAPE}"));
            }
            let text = |key: &str| {
                object
                    .get(key)
                    .and_then(Value::as_str)
                    .filter(|t| !t.trim().is_empty())
                    .ok_or_else(|| format!("`{key}` is missing: {SHAPE}"))
            };
            let (waiter, member) = (text("waiter")?, text("member")?);
            if !waiters.iter().any(|w| w.name == waiter) {
                let known: Vec<&str> = waiters.iter().map(|w| w.name.as_str()).collect();
                return Err(format!(
                    "no waiter `{waiter}` in the spec (its waiters: {})",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                ));
            }
            Ok(Wake {
                waiter: waiter.to_owned(),
                member: member.to_owned(),
            })
        })
        .collect()
}

/// The receiver's path of a callback: `/` and its parse function's name after `parse_`, in
/// kebab case (`/subscribe-device-notice`).
pub fn route_path(callback: &Callback) -> String {
    let name = callback
        .rust_name
        .strip_prefix("parse_")
        .unwrap_or(&callback.rust_name);
    format!("/{}", name.replace('_', "-"))
}

/// `wakes_<callback>`: the function that says which waiters a payload wakes.
pub fn function(callback: &Callback) -> String {
    let name = callback
        .rust_name
        .strip_prefix("parse_")
        .unwrap_or(&callback.rust_name);
    format!("wakes_{name}")
}

/// The callbacks that wake `waiter`, by name.
pub fn waking(callbacks: &[Callback], waiter: &str) -> Vec<String> {
    callbacks
        .iter()
        .filter(|c| c.wakes.iter().any(|w| w.waiter == waiter))
        .map(|c| c.name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_wake_names_a_waiter_of_the_spec_and_a_member() {
        let waiters: Vec<Waiter> = Vec::new();
        assert_eq!(
            read(&json!([{"waiter": "gone", "member": "id"}]), &waiters),
            Err("no waiter `gone` in the spec (its waiters: none)".to_owned())
        );
        assert!(
            read(&json!([{"waiter": "gone"}]), &waiters)
                .unwrap_err()
                .starts_with("`member` is missing")
        );
        assert!(
            read(
                &json!([{"waiter": "x", "member": "id", "when": 1}]),
                &waiters
            )
            .unwrap_err()
            .starts_with("`when` is not a key")
        );
        assert!(read(&json!({}), &waiters).is_err());
    }
}
