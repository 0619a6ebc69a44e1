//! `info.x-credkit-upstream`: where the vendor publishes its definition.

use serde_json::Value;

use super::Problems;
use crate::model::{Upstream, UpstreamFormat};
use crate::spec::Spec;

/// `info.x-credkit-upstream: {url, format}`: where the vendor publishes its definition.
pub(super) fn upstream(spec: &Spec, problems: &mut Problems<'_>) -> Option<Upstream> {
    const PLACE: &str = "info.x-credkit-upstream";
    const SHAPE: &str = "`{url: https://<the published file>, format: yaml|json}`";
    let declared = spec.doc.pointer("/info/x-credkit-upstream")?;
    let Some(fields) = declared.as_object() else {
        problems.at(
            PLACE,
            format!("`x-credkit-upstream` is {declared}: write {SHAPE}"),
        );
        return None;
    };
    let mut found = Vec::new();
    if let Some(key) = fields
        .keys()
        .find(|k| !matches!(k.as_str(), "url" | "format"))
    {
        found.push(format!("unknown key `{key}`: write {SHAPE}"));
    }
    let url = match fields.get("url") {
        Some(Value::String(url)) if url.starts_with("https://") && url.len() > "https://".len() => {
            Some(url.clone())
        }
        Some(other) => {
            found.push(format!(
                "`url` is {other}: write the https URL of the published file itself"
            ));
            None
        }
        None => {
            found.push(format!("missing `url`: write {SHAPE}"));
            None
        }
    };
    let format = match fields.get("format") {
        Some(Value::String(format)) if UpstreamFormat::parse(format).is_some() => {
            UpstreamFormat::parse(format)
        }
        Some(other) => {
            found.push(format!(
                "`format` is {other}: write `yaml` or `json`, as the published file is written"
            ));
            None
        }
        None => {
            found.push(format!("missing `format`: write {SHAPE}"));
            None
        }
    };
    for message in found {
        problems.at(PLACE, message);
    }
    Some(Upstream {
        url: url?,
        format: format?,
    })
}
