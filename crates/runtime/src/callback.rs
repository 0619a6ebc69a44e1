//! Callbacks that end a wait early: a service that posts to a URL of yours when a resource
//! changes (a spec's `callbacks`) tells a pending waiter to poll now rather than at the end of
//! its delay, so that the wait ends when the callback comes or the poll sees the state,
//! whichever is first.
//!
//! The spec links a callback to the waiters it wakes (`x-credkit-wakes` on the callback's
//! request: the waiter, and the payload member that holds the resource's key); the generator
//! writes, per such callback, a function that parses a payload and says which waiters it wakes
//! for which key, and a [`CallbackRoute`] for it in `callbacks::ROUTES`. A waiter that a
//! callback may wake has `woken_by(&hub, key)`, which subscribes it in a [`CallbackHub`].
//!
//! The poll stays the authority: a callback only cuts the delay short, and the answer the wait
//! ends with is the polled operation's, of its type, whatever the callback said. A callback
//! that comes while a poll is in flight is kept, and the next delay ends at once.
//!
//! With the feature `axum`, [`receiver`] is an `axum::Router` that takes those callbacks;
//! without it nothing of axum is compiled, and a hub can be woken by any server
//! ([`CallbackHub::wake`], with the routes' `wakes` functions).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::Notify;

/// The waiters that callbacks may wake, by waiter and key. Cloning shares it.
#[derive(Clone, Default)]
pub struct CallbackHub(Arc<Hub>);

/// By [`subscription_key`].
type Subscribers = HashMap<String, Vec<Arc<Notify>>>;

/// One entry per waiter and key (a waiter's name holds no newline).
fn subscription_key(waiter: &str, key: &str) -> String {
    format!("{waiter}\n{key}")
}

#[derive(Default)]
struct Hub {
    subscribers: Mutex<Subscribers>,
}

impl std::fmt::Debug for CallbackHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackHub")
            .field("subscribed", &self.lock().len())
            .finish()
    }
}

impl CallbackHub {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Subscribers> {
        self.0.subscribers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Subscribes a wait of `waiter` on the resource `key`: the [`Wake`] goes to
    /// [`crate::WaitSettings::woken_by`] (a generated waiter's `woken_by` does both), and
    /// unsubscribes when the wait ends.
    pub fn subscribe(&self, waiter: &'static str, key: impl Into<String>) -> Wake {
        let key = subscription_key(waiter, &key.into());
        let notify = Arc::new(Notify::new());
        self.lock()
            .entry(key.clone())
            .or_default()
            .push(notify.clone());
        Wake(Arc::new(Subscription {
            hub: self.clone(),
            waiter,
            key,
            notify,
        }))
    }

    /// Wakes every wait of `waiter` subscribed on `key`: how many there were.
    pub fn wake(&self, waiter: &str, key: &str) -> usize {
        let subscribers = self.lock();
        let woken = subscribers
            .get(&subscription_key(waiter, key))
            .into_iter()
            .flatten()
            .inspect(|notify| notify.notify_one())
            .count();
        tracing::info!(target: "credkit::wait", waiter, woken, "a callback came");
        woken
    }
}

/// A wait's subscription in a [`CallbackHub`]; the last clone dropped unsubscribes.
#[derive(Clone)]
pub struct Wake(Arc<Subscription>);

struct Subscription {
    hub: CallbackHub,
    waiter: &'static str,
    key: String,
    notify: Arc<Notify>,
}

impl std::fmt::Debug for Wake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is an identifier of the caller's, not a secret, but it is not needed here.
        f.debug_tuple("Wake").field(&self.0.waiter).finish()
    }
}

impl Wake {
    /// Returns when a callback wakes the wait (at once when one came since the last time).
    pub(crate) async fn woken(&self) {
        self.0.notify.notified().await;
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut subscribers = self.hub.lock();
        if let Some(list) = subscribers.get_mut(&self.key) {
            list.retain(|notify| !Arc::ptr_eq(notify, &self.notify));
            if list.is_empty() {
                subscribers.remove(&self.key);
            }
        }
    }
}

/// The waiters a callback's payload wakes, each with the key it holds (the payload read as its
/// type); why a payload is refused.
pub type Woken = Result<Vec<(&'static str, String)>, String>;

/// One callback a receiver takes: generated per callback that wakes waiters
/// (`callbacks::ROUTES`).
#[derive(Debug, Clone, Copy)]
pub struct CallbackRoute {
    /// The callback's name in the spec.
    pub name: &'static str,
    /// Where [`receiver`] takes it: `/` and the name in kebab case.
    pub path: &'static str,
    /// Parses a payload (as the callback's type) and says which waiters it wakes for which
    /// key; why a payload is refused.
    pub wakes: fn(&[u8]) -> Woken,
}

/// The waiters a payload wakes: for each `(waiter, member)` link, the member's value (a dotted
/// path; a string, or a number as written) when the payload has it. Part of the contract with
/// generated code.
pub fn woken(
    payload: &Value,
    links: &[(&'static str, &'static str)],
) -> Vec<(&'static str, String)> {
    links
        .iter()
        .filter_map(|(waiter, member)| {
            let value = member
                .split('.')
                .try_fold(payload, |value, step| value.get(step))?;
            let key = match value {
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                _ => return None,
            };
            Some((*waiter, key))
        })
        .collect()
}

/// An `axum::Router` taking each of `routes` by `POST` at its path: a payload its callback's
/// type reads wakes the waiters it names in `hub` and is answered `200`; any other body `400`
/// with the reason, waking nothing.
#[cfg(feature = "axum")]
pub fn receiver(hub: CallbackHub, routes: &'static [CallbackRoute]) -> axum::Router {
    use axum::http::StatusCode;
    routes.iter().fold(axum::Router::new(), |router, route| {
        let hub = hub.clone();
        router.route(
            route.path,
            axum::routing::post(move |body: axum::body::Bytes| async move {
                match (route.wakes)(&body) {
                    Ok(woken) => {
                        for (waiter, key) in woken {
                            hub.wake(waiter, &key);
                        }
                        (StatusCode::OK, String::new())
                    }
                    Err(reason) => (
                        StatusCode::BAD_REQUEST,
                        format!("not a {} callback: {reason}", route.name),
                    ),
                }
            }),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_payload_names_the_keys_of_the_waiters_it_links_to() {
        let payload = json!({"device": {"id": 7}, "credentials_id": "B4HUPE820"});
        assert_eq!(
            woken(
                &payload,
                &[
                    ("active", "credentials_id"),
                    ("paired", "device.id"),
                    ("gone", "absent")
                ]
            ),
            vec![
                ("active", "B4HUPE820".to_owned()),
                ("paired", "7".to_owned())
            ]
        );
    }

    #[tokio::test]
    async fn a_wake_reaches_the_waits_of_its_key_only_and_is_kept_until_awaited() {
        let hub = CallbackHub::new();
        let one = hub.subscribe("active", "A");
        let other = hub.subscribe("active", "B");
        assert_eq!(hub.wake("active", "A"), 1);
        // Kept: the wait was not sleeping yet.
        tokio::time::timeout(std::time::Duration::from_secs(1), one.woken())
            .await
            .unwrap();
        assert!(
            tokio::time::timeout(std::time::Duration::from_millis(20), other.woken())
                .await
                .is_err()
        );
        drop(one);
        assert_eq!(hub.wake("active", "A"), 0, "unsubscribed when dropped");
        assert_eq!(format!("{hub:?}"), "CallbackHub { subscribed: 1 }");
    }
}
