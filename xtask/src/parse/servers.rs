//! The service's servers: each base URL a client may connect to by naming its environment.
//!
//! A definition as published often lists servers credkit cannot call as they are written: with
//! `{variables}`, relative to the document, over plain http, or none at all. Each has a rule
//! (`defaults.rs`, listed by `cargo xtask generate --explain`): a variable takes its `default`;
//! a relative URL, and a server after the first that names no environment, is no environment
//! of the client (the caller gives its URL with `ClientBuilder::base_url`); without servers the
//! caller always gives the base URL. A plain-http server is kept: the runtime connects to it
//! only with `allow_plain_http()`, as to a custom one.

use serde_json::Value;

use super::Problems;
use crate::defaults::{self, ServerUrl};
use crate::model::Server;
use crate::spec::Spec;

pub(super) fn servers(spec: &Spec, problems: &mut Problems<'_>) -> Vec<Server> {
    let listed = spec
        .doc
        .get("servers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut servers: Vec<Server> = Vec::new();
    for (index, server) in listed.iter().enumerate() {
        let url = match defaults::server_url(server) {
            Ok(ServerUrl::Absolute(url)) => url,
            Ok(ServerUrl::Relative) => continue,
            Err(message) => {
                problems.at(format!("/servers/{index}/url"), message);
                continue;
            }
        };
        let place = format!("/servers/{index}");
        match defaults::environment(index, server) {
            Ok(Some(environment)) if servers.iter().any(|s| s.environment == environment) => {
                problems.at(
                    place,
                    format!(
                        "environment `{}` is listed twice (name the others with `x-credkit-environment`)",
                        environment.as_str()
                    ),
                );
            }
            Ok(Some(environment)) => servers.push(Server {
                environment,
                url: url.trim_end_matches('/').to_owned(),
            }),
            Ok(None) => {}
            Err(message) => problems.at(place, message),
        }
    }
    servers
}
