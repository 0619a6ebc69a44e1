//! What a document says once for all its operations: its servers and its security scheme.

use std::collections::BTreeSet;

use serde_json::Value;

use super::schema::Document;
use super::{Class, Difference, deviation};

/// The security schemes a requirement list names, as `http bearer` / `apiKey header x-auth-token`;
/// `None` when no credential is needed (no requirement, or an empty one).
pub(super) fn requirement(doc: &Value, requirements: Option<&Value>) -> Option<BTreeSet<String>> {
    let alternatives = requirements?.as_array()?;
    if alternatives.is_empty()
        || alternatives
            .iter()
            .any(|a| a.as_object().is_some_and(serde_json::Map::is_empty))
    {
        return None;
    }
    Some(
        alternatives
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|a| a.keys())
            .map(|name| scheme_label(doc, name))
            .collect(),
    )
}

/// `http bearer`, `apiKey header x-auth-token`, `oauth2`.
fn scheme_label(doc: &Value, name: &str) -> String {
    let scheme = doc.pointer(&format!(
        "/components/securitySchemes/{}",
        crate::model::pointer_segment(name)
    ));
    let field = |key: &str| scheme.and_then(|s| s.get(key)).and_then(Value::as_str);
    match field("type") {
        Some("http") => format!(
            "http {}",
            field("scheme").unwrap_or("").to_ascii_lowercase()
        ),
        Some("apiKey") => format!(
            "apiKey {} {}",
            field("in").unwrap_or(""),
            field("name").unwrap_or("").to_ascii_lowercase()
        ),
        Some(other) => other.to_owned(),
        None => format!("undefined scheme `{name}`"),
    }
}

/// The schemes the documents' global security names.
pub(super) fn security_schemes(o: Document<'_>, t: Document<'_>, found: &mut Vec<Difference>) {
    let ours = requirement(o.root, o.root.get("security")).unwrap_or_default();
    let theirs = requirement(t.root, t.root.get("security")).unwrap_or_default();
    if ours != theirs {
        let words = |s: &BTreeSet<String>| {
            if s.is_empty() {
                "none".to_owned()
            } else {
                s.iter().cloned().collect::<Vec<_>>().join(" or ")
            }
        };
        let declared = o
            .root
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .find_map(|(_, scheme)| deviation(scheme));
        found.push(Difference::new(
            Class::Breaking,
            "security".to_owned(),
            format!("{} here, {} upstream", words(&ours), words(&theirs)),
            format!("make the security scheme {}", words(&theirs)),
            declared,
        ));
    }
}

/// Server URLs, compared without a trailing `/`.
pub(super) fn servers(ours: &Value, theirs: &Value, found: &mut Vec<Difference>) {
    let list = |doc: &'_ Value| -> Vec<(String, Option<String>)> {
        doc.get("servers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| {
                let url = s.get("url")?.as_str()?.trim_end_matches('/').to_owned();
                Some((url, deviation(s).map(str::to_owned)))
            })
            .collect()
    };
    let (ours, theirs) = (list(ours), list(theirs));
    for (url, declared) in &ours {
        if !theirs.iter().any(|(u, _)| u == url) {
            found.push(Difference::new(
                Class::Breaking,
                format!("server {url}"),
                "not in the published definition".to_owned(),
                "remove the server, or declare `x-credkit-deviation` on it".to_owned(),
                declared.as_deref(),
            ));
        }
    }
    for (url, _) in &theirs {
        if !ours.iter().any(|(u, _)| u == url) {
            found.push(Difference::new(
                Class::Compatible,
                format!("server {url}"),
                "published upstream, not here".to_owned(),
                "add the server with its `x-credkit-environment`".to_owned(),
                None,
            ));
        }
    }
}
