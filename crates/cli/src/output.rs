//! What the command line prints: answers on stdout (JSON, pretty on a terminal and compact
//! when piped, or the server's bytes), status and headers (`--include`) and the request of a
//! dry run with credentials redacted, and how a failure becomes an exit code.

use std::io::{IsTerminal as _, Write as _};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use credkit::{Error, ErrorKind, Interceptor, ServiceInfo};
use futures::StreamExt as _;
use indicatif::{ProgressBar, ProgressStyle};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, HeaderMap, HeaderValue};
use serde::Serialize;

use crate::jq::Jq;

/// What the command line asks of every request and answer, through the runtime's
/// [`Interceptor`]: a dry run prints the request as the library would send it, signed and
/// authenticated, and keeps it from being sent; `--raw` writes a success's bytes to stdout as
/// they are read (so that a large answer is never held twice), and keeps those of any other
/// answer (a retried 503's page is replaced by the next answer's).
#[derive(Clone)]
pub struct Tap(Arc<TapState>);

struct TapState {
    service: &'static ServiceInfo,
    /// The request body's secret members (a PIN), shown `<redacted>` by a dry run.
    secret_members: Vec<&'static str>,
    dry_run: bool,
    raw: bool,
    /// `--include`: a streamed answer's status and headers are printed before its body.
    include: bool,
    body: Mutex<Vec<u8>>,
    /// Whether the last answer was written to stdout as it came (`raw` only).
    streamed: AtomicBool,
}

impl Tap {
    pub fn new(
        service: &'static ServiceInfo,
        secret_members: Vec<&'static str>,
        dry_run: bool,
        raw: bool,
        include: bool,
    ) -> Self {
        Self(Arc::new(TapState {
            service,
            secret_members,
            dry_run,
            raw,
            include,
            body: Mutex::new(Vec::new()),
            streamed: AtomicBool::new(false),
        }))
    }

    /// Whether the answer's head (under `--include`) and bytes were already written to stdout.
    pub fn streamed(&self) -> bool {
        self.0.streamed.load(Ordering::Relaxed)
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
        // The body is written or copied as it passes, so that the library reads (and decodes)
        // the same stream it would have read; a later answer replaces an earlier one.
        let state = self.0.clone();
        state.body.lock().unwrap_or_else(|e| e.into_inner()).clear();
        let streamed = response.status().is_success();
        state.streamed.store(streamed, Ordering::Relaxed);
        if streamed && state.include {
            let _ = head(response.status(), response.headers(), state.service);
        }
        let mut rebuilt = http::Response::new(());
        *rebuilt.status_mut() = response.status();
        *rebuilt.version_mut() = response.version();
        *rebuilt.headers_mut() = response.headers().clone();
        *rebuilt.extensions_mut() = std::mem::take(response.extensions_mut());
        let stream = response.bytes_stream().inspect(move |chunk| {
            let Ok(chunk) = chunk else { return };
            if streamed {
                // A reader that stopped reading is not the call's failure.
                let _ = bytes(chunk);
            } else {
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
    /// JSON: indented on a terminal (coloured, unless `NO_COLOR`), one line when piped.
    Json,
    /// YAML.
    Yaml,
    /// One JSON line per item of a list answer ([`list`]; a single line for any other
    /// answer), for tools that read a stream of records.
    Ndjson,
    /// Columns of text (`crate::text_table`): a row per item of a list answer.
    Table,
}

impl Format {
    /// The names `--format` takes, the default first.
    pub const NAMES: [&str; 4] = ["json", "yaml", "ndjson", "table"];

    pub fn named(name: &str) -> Self {
        match name {
            "yaml" => Self::Yaml,
            "ndjson" => Self::Ndjson,
            "table" => Self::Table,
            _ => Self::Json,
        }
    }
}

/// Where an answer is printed, and for whom.
#[derive(Debug, Clone, Copy)]
struct Stdout {
    terminal: bool,
    colour: bool,
    /// The width a table fits in: `$COLUMNS`, or the terminal's; none when piped.
    width: Option<usize>,
}

impl Stdout {
    fn now() -> Self {
        let terminal = std::io::stdout().is_terminal();
        let width = terminal
            .then(|| {
                std::env::var("COLUMNS")
                    .ok()
                    .and_then(|columns| columns.trim().parse().ok())
                    .or_else(|| {
                        terminal_size::terminal_size_of(std::io::stdout())
                            .map(|(width, _)| usize::from(width.0))
                    })
            })
            .flatten();
        Self {
            terminal,
            colour: crate::colour::wanted(terminal),
            width,
        }
    }
}

/// A value in `format`, through the `--jq` filter when there is one; nothing for `null` (an
/// answer without content). JSON to a pipe, the usual way of a large answer, is written as it
/// is serialised, without a copy of the document.
pub fn value(value: &impl Serialize, format: Format, jq: Option<&Jq>) -> std::io::Result<()> {
    let stdout = Stdout::now();
    if jq.is_none() && format == Format::Json && !stdout.terminal {
        return reader_gone(streamed(value));
    }
    let value = serde_json::to_value(value)?;
    if value.is_null() {
        return Ok(());
    }
    let mut text = String::new();
    match jq {
        Some(jq) => {
            let results = jq.run(&value).map_err(|reason| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, JqFailed(reason))
            })?;
            for result in results {
                // A string result is printed as its text, as `jq -r` does, so that
                // `--jq .token` gives what a shell variable wants.
                match (&result, format) {
                    (serde_json::Value::String(line), Format::Json | Format::Table) => {
                        text.push_str(line);
                        text.push('\n');
                    }
                    (result, format) => text.push_str(&formatted(result, format, stdout)?),
                }
            }
        }
        None => text = formatted(&value, format, stdout)?,
    }
    let mut out = std::io::stdout().lock();
    reader_gone(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// Why the `--jq` filter failed on the answer.
#[derive(Debug)]
pub struct JqFailed(pub String);

impl std::fmt::Display for JqFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--jq: {}", self.0)
    }
}

impl std::error::Error for JqFailed {}

/// One line of JSON written to stdout as it is serialised, and a newline; nothing for `null`.
fn streamed(value: &impl Serialize) -> std::io::Result<()> {
    let mut out = NullHeld::new(std::io::BufWriter::with_capacity(
        1 << 16,
        std::io::stdout().lock(),
    ));
    serde_json::to_writer(&mut out, value)?;
    let mut out = out.finish()?;
    out.flush()
}

/// A writer that passes on what it is given, unless all it was given is `null`.
struct NullHeld<W: std::io::Write> {
    inner: W,
    held: Vec<u8>,
    passing: bool,
}

impl<W: std::io::Write> NullHeld<W> {
    fn new(inner: W) -> Self {
        Self {
            inner,
            held: Vec::new(),
            passing: false,
        }
    }

    /// The writer, after what was held back (unless it was `null`) and a newline.
    fn finish(mut self) -> std::io::Result<W> {
        if !self.passing && self.held != b"null" {
            self.inner.write_all(&self.held)?;
            self.passing = true;
        }
        if self.passing {
            self.inner.write_all(b"\n")?;
        }
        Ok(self.inner)
    }
}

impl<W: std::io::Write> std::io::Write for NullHeld<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.passing {
            return self.inner.write(buf);
        }
        self.held.extend_from_slice(buf);
        if self.held.len() > b"null".len() {
            self.inner.write_all(&self.held)?;
            self.held = Vec::new();
            self.passing = true;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The items of a list answer: the answer itself when it is a list, or its only member that
/// is one (PEC's `data` in its envelope, Sparkfly's `credentials` beside the page numbers).
pub fn list(value: &serde_json::Value) -> Option<&Vec<serde_json::Value>> {
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

/// `value` as `format` prints it to `stdout`, ending with a newline.
fn formatted(value: &serde_json::Value, format: Format, stdout: Stdout) -> std::io::Result<String> {
    let mut text = match (format, value) {
        (Format::Json, value) if stdout.colour => crate::colour::json(value),
        (Format::Json, value) if stdout.terminal => serde_json::to_string_pretty(value)?,
        (Format::Json, value) => serde_json::to_string(value)?,
        (Format::Yaml, value) => {
            let yaml = serde_yaml::to_string(value).map_err(std::io::Error::other)?;
            return Ok(yaml);
        }
        (Format::Table, value) => {
            return Ok(crate::text_table::render(
                value,
                stdout.width,
                stdout.colour,
            ));
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
    use super::{Format, NullHeld, Stdout, formatted, redacted_body};
    use serde_json::json;
    use std::io::Write as _;

    const PIPE: Stdout = Stdout {
        terminal: false,
        colour: false,
        width: None,
    };
    const TERMINAL: Stdout = Stdout {
        terminal: true,
        colour: false,
        width: Some(80),
    };

    #[test]
    fn an_answer_is_printed_as_json_yaml_or_one_json_line_per_item() {
        let list = json!([{"id": 1, "stato": "Attivo"}, {"id": 2}]);
        assert_eq!(
            formatted(&list, Format::Json, PIPE).unwrap(),
            "[{\"id\":1,\"stato\":\"Attivo\"},{\"id\":2}]\n"
        );
        assert_eq!(
            formatted(&list, Format::Ndjson, PIPE).unwrap(),
            "{\"id\":1,\"stato\":\"Attivo\"}\n{\"id\":2}\n"
        );
        assert_eq!(
            formatted(&list, Format::Yaml, TERMINAL).unwrap(),
            "- id: 1\n  stato: Attivo\n- id: 2\n"
        );
        let envelope = json!({"data": [{"id": 1}, {"id": 2}], "success": true, "message": ""});
        assert_eq!(
            formatted(&envelope, Format::Ndjson, PIPE).unwrap(),
            "{\"id\":1}\n{\"id\":2}\n"
        );
        let two_lists = json!({"a": [1], "b": [2]});
        assert_eq!(
            formatted(&two_lists, Format::Ndjson, PIPE).unwrap(),
            "{\"a\":[1],\"b\":[2]}\n"
        );
        let one = json!({"id": 1});
        assert_eq!(
            formatted(&one, Format::Ndjson, TERMINAL).unwrap(),
            "{\"id\":1}\n"
        );
        assert_eq!(formatted(&json!([]), Format::Ndjson, PIPE).unwrap(), "");
        assert_eq!(
            formatted(&one, Format::Json, TERMINAL).unwrap(),
            "{\n  \"id\": 1\n}\n"
        );
    }

    #[test]
    fn json_written_as_it_is_serialised_is_one_line_and_nothing_for_null() {
        let written = |value: &serde_json::Value| {
            let mut out = NullHeld::new(Vec::new());
            serde_json::to_writer(&mut out, value).unwrap();
            String::from_utf8(out.finish().unwrap()).unwrap()
        };
        assert_eq!(written(&json!(null)), "");
        assert_eq!(written(&json!(1)), "1\n");
        assert_eq!(written(&json!("nul")), "\"nul\"\n");
        assert_eq!(written(&json!({"a": [1, 2]})), "{\"a\":[1,2]}\n");
        let mut out = NullHeld::new(Vec::new());
        out.write_all(b"nu").unwrap();
        out.write_all(b"ll").unwrap();
        assert!(out.finish().unwrap().is_empty());
    }

    #[test]
    fn a_table_is_printed_for_lists_and_colour_only_when_wanted() {
        let list = json!([{"id": 1, "name": "a"}]);
        assert_eq!(
            formatted(&list, Format::Table, PIPE).unwrap(),
            "id  name\n1   a\n"
        );
        let coloured = Stdout {
            colour: true,
            ..TERMINAL
        };
        assert!(
            formatted(&list, Format::Json, coloured)
                .unwrap()
                .contains("\x1b[")
        );
        assert!(
            !formatted(&list, Format::Json, TERMINAL)
                .unwrap()
                .contains("\x1b[")
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
