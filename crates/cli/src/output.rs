//! What the command line prints: answers on stdout (JSON, pretty on a terminal and compact
//! when piped, or the server's bytes), status and headers (`--include`) and the request of a
//! dry run with credentials redacted, and how a failure becomes an exit code.

use std::io::{IsTerminal as _, Write as _};
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};

use credkit::{Error, ErrorKind, Interceptor, ServiceInfo};
use futures::StreamExt as _;
use indicatif::{ProgressBar, ProgressStyle};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, HeaderMap, HeaderValue};
use serde::Serialize;

/// What the command line asks of every request and answer, through the runtime's
/// [`Interceptor`]: a dry run prints the request as the library would send it, signed and
/// authenticated, and keeps it from being sent; `--raw` keeps the bytes of the answer as they
/// are read.
#[derive(Clone)]
pub struct Tap(Arc<TapState>);

struct TapState {
    service: &'static ServiceInfo,
    /// The request body's secret members (a PIN), shown `<redacted>` by a dry run.
    secret_members: Vec<&'static str>,
    dry_run: bool,
    raw: bool,
    body: Mutex<Vec<u8>>,
}

impl Tap {
    pub fn new(
        service: &'static ServiceInfo,
        secret_members: Vec<&'static str>,
        dry_run: bool,
        raw: bool,
    ) -> Self {
        Self(Arc::new(TapState {
            service,
            secret_members,
            dry_run,
            raw,
            body: Mutex::new(Vec::new()),
        }))
    }

    pub fn service(&self) -> &'static ServiceInfo {
        self.0.service
    }

    /// The bytes of the last answer read (with `raw` only).
    pub fn raw_body(&self) -> Vec<u8> {
        self.0
            .body
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Interceptor for Tap {
    fn before_send(&self, request: &reqwest::Request) -> ControlFlow<String> {
        if !self.0.dry_run {
            return ControlFlow::Continue(());
        }
        // Failing to print is not worth a different outcome: nothing is sent either way.
        let _ = print_request(request, self.0.service, &self.0.secret_members);
        ControlFlow::Break("dry run".to_owned())
    }

    fn on_response(&self, mut response: reqwest::Response) -> reqwest::Response {
        if !self.0.raw {
            return response;
        }
        // The body is copied as it passes, so that the library reads (and decodes) the same
        // stream it would have read; a later answer replaces an earlier one.
        let state = self.0.clone();
        state.body.lock().unwrap_or_else(|e| e.into_inner()).clear();
        let mut rebuilt = http::Response::new(());
        *rebuilt.status_mut() = response.status();
        *rebuilt.version_mut() = response.version();
        *rebuilt.headers_mut() = response.headers().clone();
        *rebuilt.extensions_mut() = std::mem::take(response.extensions_mut());
        let stream = response.bytes_stream().inspect(move |chunk| {
            if let Ok(chunk) = chunk {
                let mut body = state.body.lock().unwrap_or_else(|e| e.into_inner());
                body.extend_from_slice(chunk);
            }
        });
        reqwest::Response::from(rebuilt.map(|()| reqwest::Body::wrap_stream(stream)))
    }
}

/// A header's value as shown: `<redacted>` for a credential.
fn shown(service: &ServiceInfo, name: &str, value: &HeaderValue) -> String {
    if value.is_sensitive() || service.is_credential_header(name) {
        "<redacted>".to_owned()
    } else {
        String::from_utf8_lossy(value.as_bytes()).into_owned()
    }
}

fn headers(
    out: &mut impl std::io::Write,
    headers: &HeaderMap,
    service: &ServiceInfo,
) -> std::io::Result<()> {
    for (name, value) in headers {
        writeln!(out, "{name}: {}", shown(service, name.as_str(), value))?;
    }
    Ok(())
}

/// `PUT https://…/path?query`, the headers and the body of a request not sent, credentials
/// and secret members redacted.
fn print_request(
    request: &reqwest::Request,
    service: &ServiceInfo,
    secret_members: &[&str],
) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} {}", request.method(), request.url())?;
    headers(&mut out, request.headers(), service)?;
    if let Some(body) = request.body().and_then(reqwest::Body::as_bytes) {
        writeln!(out)?;
        out.write_all(&redacted_body(body, secret_members))?;
        writeln!(out)?;
    }
    out.flush()
}

/// A JSON object body with its secret members' values replaced by `"<redacted>"`; any other
/// body as it is.
fn redacted_body(body: &[u8], secret_members: &[&str]) -> Vec<u8> {
    if secret_members.is_empty() {
        return body.to_vec();
    }
    let Ok(serde_json::Value::Object(mut object)) = serde_json::from_slice(body) else {
        return body.to_vec();
    };
    let mut redacted = false;
    for member in secret_members {
        if let Some(value) = object.get_mut(*member) {
            *value = serde_json::Value::String("<redacted>".to_owned());
            redacted = true;
        }
    }
    if !redacted {
        return body.to_vec();
    }
    serde_json::to_vec(&object).unwrap_or_else(|_| body.to_vec())
}

/// `HTTP/1.1 200 OK` and the headers of an answer, then a blank line.
pub fn head(status: StatusCode, map: &HeaderMap, service: &ServiceInfo) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let written = writeln!(out, "HTTP/1.1 {status}")
        .and_then(|()| headers(&mut out, map, service))
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush());
    reader_gone(written)
}

/// A reader that stopped reading (`credkit ... | head`) is not a failure.
fn reader_gone(written: std::io::Result<()>) -> std::io::Result<()> {
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// How an answer is printed (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON: indented on a terminal, one line when piped.
    Json,
    /// YAML.
    Yaml,
    /// One JSON line per item of a list answer ([`list`]; a single line for any other
    /// answer), for tools that read a stream of records.
    Ndjson,
}

impl Format {
    /// The names `--format` takes, the default first.
    pub const NAMES: [&str; 3] = ["json", "yaml", "ndjson"];

    pub fn named(name: &str) -> Self {
        match name {
            "yaml" => Self::Yaml,
            "ndjson" => Self::Ndjson,
            _ => Self::Json,
        }
    }
}

/// A value in `format`; nothing for `null` (an answer without content).
pub fn value(value: &impl Serialize, format: Format) -> std::io::Result<()> {
    let value = serde_json::to_value(value)?;
    if value.is_null() {
        return Ok(());
    }
    let text = formatted(&value, format, std::io::stdout().is_terminal())?;
    let mut out = std::io::stdout().lock();
    reader_gone(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// The items of a list answer: the answer itself when it is a list, or its only member that
/// is one (PEC's `data` in its envelope, Sparkfly's `credentials` beside the page numbers).
fn list(value: &serde_json::Value) -> Option<&Vec<serde_json::Value>> {
    match value {
        serde_json::Value::Array(items) => Some(items),
        serde_json::Value::Object(members) => {
            let mut lists = members.values().filter_map(serde_json::Value::as_array);
            match (lists.next(), lists.next()) {
                (Some(items), None) => Some(items),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `value` as `format` prints it, ending with a newline.
fn formatted(value: &serde_json::Value, format: Format, terminal: bool) -> std::io::Result<String> {
    let mut text = match (format, value) {
        (Format::Json, value) if terminal => serde_json::to_string_pretty(value)?,
        (Format::Json, value) => serde_json::to_string(value)?,
        (Format::Yaml, value) => {
            let yaml = serde_yaml::to_string(value).map_err(std::io::Error::other)?;
            return Ok(yaml);
        }
        (Format::Ndjson, value) => match list(value) {
            Some(items) => {
                let lines: Result<Vec<String>, _> =
                    items.iter().map(serde_json::to_string).collect();
                lines?.join("\n")
            }
            None => serde_json::to_string(value)?,
        },
    };
    if !text.is_empty() {
        text.push('\n');
    }
    Ok(text)
}

/// Bytes as they came.
pub fn bytes(body: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    reader_gone(out.write_all(body).and_then(|()| out.flush()))
}

/// A progress bar on stderr for a download of `Content-Length` bytes (a spinner when the
/// length is unknown); hidden when stderr is not a terminal.
pub fn progress(headers: &HeaderMap) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let length = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match length {
        Some(length) => ProgressBar::new(length).with_style(
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    }
}

/// The exit code of a failed call: 2 the request could not be made (configuration, invalid
/// input), 3 the server refused it (a 4xx answer, or a success status whose body reports a
/// failure: PEC's `success: false`), 4 the server or the network failed, 5 the answer does
/// not decode. A credential exchange that failed counts as the failure it met.
pub fn exit_code(error: &Error) -> u8 {
    match error.kind() {
        ErrorKind::InvalidRequest(_) | ErrorKind::Config(_) => 2,
        ErrorKind::Api(answer) if answer.status.is_client_error() || answer.status.is_success() => {
            3
        }
        ErrorKind::Decode(_) => 5,
        ErrorKind::Auth(_) => {
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                if let Some(inner) = cause.downcast_ref::<Error>() {
                    return exit_code(inner);
                }
                source = cause.source();
            }
            2
        }
        ErrorKind::NotSent(_) => 0,
        _ => 4,
    }
}

/// The error's message without the library's `<service> <method>: ` (the command line names
/// the call its own way).
pub fn without_call(error: &Error) -> String {
    let text = error.to_string();
    let prefix = match (error.service(), error.operation()) {
        (Some(service), Some(operation)) => format!("{service} {operation}: "),
        (Some(service), None) => format!("{service}: "),
        _ => String::new(),
    };
    text.strip_prefix(&prefix).unwrap_or(&text).to_owned()
}

#[cfg(test)]
mod tests {
    use super::{Format, formatted, redacted_body};
    use serde_json::json;

    #[test]
    fn an_answer_is_printed_as_json_yaml_or_one_json_line_per_item() {
        let list = json!([{"id": 1, "stato": "Attivo"}, {"id": 2}]);
        assert_eq!(
            formatted(&list, Format::Json, false).unwrap(),
            "[{\"id\":1,\"stato\":\"Attivo\"},{\"id\":2}]\n"
        );
        assert_eq!(
            formatted(&list, Format::Ndjson, false).unwrap(),
            "{\"id\":1,\"stato\":\"Attivo\"}\n{\"id\":2}\n"
        );
        assert_eq!(
            formatted(&list, Format::Yaml, true).unwrap(),
            "- id: 1\n  stato: Attivo\n- id: 2\n"
        );
        let envelope = json!({"data": [{"id": 1}, {"id": 2}], "success": true, "message": ""});
        assert_eq!(
            formatted(&envelope, Format::Ndjson, false).unwrap(),
            "{\"id\":1}\n{\"id\":2}\n"
        );
        let two_lists = json!({"a": [1], "b": [2]});
        assert_eq!(
            formatted(&two_lists, Format::Ndjson, false).unwrap(),
            "{\"a\":[1],\"b\":[2]}\n"
        );
        let one = json!({"id": 1});
        assert_eq!(
            formatted(&one, Format::Ndjson, true).unwrap(),
            "{\"id\":1}\n"
        );
        assert_eq!(formatted(&json!([]), Format::Ndjson, false).unwrap(), "");
        assert_eq!(
            formatted(&one, Format::Json, true).unwrap(),
            "{\n  \"id\": 1\n}\n"
        );
    }

    #[test]
    fn a_dry_run_shows_secret_members_redacted_and_other_bodies_as_they_are() {
        let body = br#"{"current_pin":"111111","new_pin":"222222","note":"x"}"#;
        assert_eq!(
            redacted_body(body, &["current_pin", "new_pin"]),
            br#"{"current_pin":"<redacted>","new_pin":"<redacted>","note":"x"}"#
        );
        assert_eq!(redacted_body(body, &[]), body);
        assert_eq!(redacted_body(b"%PDF-1.7", &["pin"]), b"%PDF-1.7");
    }
}
