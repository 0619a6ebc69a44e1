//! One command's call: what the generated `send` asks of the command line (a configured client,
//! each flag's value as its parameter's type, the body) and what it does with the answer.

use std::collections::BTreeMap;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::str::FromStr;

use clap::ArgMatches;
use credkit::pec::{ByteStream, Download as _};
use credkit::{ClientBuilder, Error, ErrorKind, GeneratedClient, Secret};
use futures::StreamExt as _;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::command::flag;
use crate::config::{ProfileFile, Settings, Target};
use crate::jq::Jq;
use crate::output::{self, Tap};
use crate::table::{Answer, Operation, Service};

/// Credentials a service has besides a token ([`crate::services::credentials`]).
pub enum Credentials {
    Token(Secret),
    Auth(credkit::Auth),
}

/// Why a command failed: its exit code and what it prints on stderr.
#[derive(Debug)]
pub struct Failure {
    /// 2 usage or configuration, 3 refused, 4 server or transport failure, 5 undecodable.
    pub code: u8,
    pub message: String,
    /// The answer's body, printed under `--verbose`.
    pub body: Option<Vec<u8>>,
}

impl Failure {
    /// A usage or configuration error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
            body: None,
        }
    }
}

/// What every command of an operation takes besides its parameters.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub dry_run: bool,
    pub include: bool,
    pub raw: bool,
    pub strict: bool,
    pub verbose: u8,
    pub format: output::Format,
}

impl Options {
    pub fn from(matches: &ArgMatches) -> Self {
        Self {
            dry_run: matches.get_flag(flag::DRY_RUN),
            include: matches.get_flag(flag::INCLUDE),
            raw: matches.get_flag(flag::RAW),
            strict: matches.get_flag(flag::STRICT),
            verbose: matches.get_count(flag::VERBOSE),
            format: output::Format::named(
                matches
                    .get_one::<String>(flag::FORMAT)
                    .map_or("json", String::as_str),
            ),
        }
    }
}

/// `credkit <service> <operation> ...`, ready to send.
pub struct Call<'a> {
    service: &'static Service,
    operation: &'static Operation,
    matches: &'a ArgMatches,
    settings: Settings<'a>,
    options: Options,
    tap: Tap,
    /// The values of the operation's secret flags, read once (`crate::secret_flag`).
    secrets: BTreeMap<&'static str, String>,
    /// `--jq`, compiled before anything is sent.
    jq: Option<Jq>,
}

impl<'a> Call<'a> {
    /// The call of `operation` of `service` with the operation's flags `matches`.
    pub fn new(
        service: &'static Service,
        operation: &'static Operation,
        matches: &'a ArgMatches,
        file: &ProfileFile,
    ) -> Result<Self, Failure> {
        let options = Options::from(matches);
        let settings = Settings::new(file, service.name, service.info.env_prefix, matches)?;
        if operation.answer == Answer::Binary
            && !options.dry_run
            && matches.get_one::<PathBuf>(flag::OUTPUT).is_none()
            && std::io::stdout().is_terminal()
        {
            return Err(Failure::usage(format!(
                "{} {} answers a file: write it with --output FILE, or redirect stdout",
                service.name, operation.name
            )));
        }
        // The raw bytes of a JSON answer are kept as they are read; a file never is.
        let raw = options.raw && operation.answer != Answer::Binary;
        let secret_members = operation
            .body
            .iter()
            .flat_map(|body| body.members)
            .filter(|member| member.secret)
            .map(|member| member.name)
            .collect();
        let tap = Tap::new(
            service.info,
            secret_members,
            options.dry_run,
            raw,
            options.include,
        );
        let jq = matches
            .get_one::<String>(flag::JQ)
            .map(|code| Jq::compile(code).map_err(|e| Failure::usage(format!("--jq {code}: {e}"))))
            .transpose()?;
        let secrets = read_secrets(operation, matches)?;
        Ok(Self {
            service,
            operation,
            matches,
            settings,
            options,
            tap,
            secrets,
            jq,
        })
    }

    /// A flag's value as given, or as read for a secret flag.
    fn raw(&self, flag: &str) -> Option<&str> {
        match self.secrets.get(flag) {
            Some(secret) => Some(secret),
            None => self.matches.get_one::<String>(flag).map(String::as_str),
        }
    }

    pub fn service(&self) -> &'static str {
        self.service.name
    }

    pub fn operation(&self) -> &'static str {
        self.operation.name
    }

    pub fn dry_run(&self) -> bool {
        self.options.dry_run
    }

    /// A client configured from the settings, with the service's credentials.
    pub fn client<C: GeneratedClient>(&self) -> Result<C, Failure> {
        let mut builder = self.builder::<C>()?;
        // A token given on the command line wins; otherwise the service's own credentials
        // (RENTRI's certificate, Sparkfly's identity), then a token from anywhere.
        let flag_token = self
            .matches
            .get_one::<String>(flag::TOKEN)
            .filter(|t| !t.trim().is_empty());
        let credentials = match flag_token {
            Some(token) => Some(Credentials::Token(Secret::new(token.trim()))),
            None => match crate::services::credentials(self, &self.settings)? {
                Some(credentials) => Some(credentials),
                None => self.settings.secret("token")?.map(Credentials::Token),
            },
        };
        builder = match credentials {
            Some(Credentials::Token(token)) => builder.token(token),
            Some(Credentials::Auth(auth)) => builder.auth(auth),
            None => {
                let anonymous = C::SERVICE
                    .operation(self.operation.id)
                    .is_some_and(|op| op.anonymous);
                if !anonymous && !self.options.dry_run {
                    return Err(Failure::usage(format!(
                        "{} {}: no credentials: give a token with {}",
                        self.service.name,
                        self.operation.name,
                        self.settings.sources("token")
                    )));
                }
                builder
            }
        };
        builder.build().map_err(|e| self.failure(e))
    }

    /// A client configured from the settings, without credentials (Sparkfly's exchange sends
    /// its `GET /auth` through one).
    pub fn anonymous_client<C: GeneratedClient>(&self) -> Result<C, Failure> {
        self.builder::<C>()?.build().map_err(|e| self.failure(e))
    }

    fn builder<C: GeneratedClient>(&self) -> Result<ClientBuilder<C>, Failure> {
        let mut builder = ClientBuilder::<C>::new()
            .interceptor(self.tap.clone())
            .strict(self.options.strict);
        if let Some(seconds) = self.matches.get_one::<u64>(flag::TIMEOUT) {
            builder = builder.timeout(std::time::Duration::from_secs(*seconds));
        }
        Ok(match self.settings.target()? {
            Target::Default => builder,
            Target::Environment(environment) => builder.environment(environment),
            Target::BaseUrl(url) => builder.base_url(url),
        })
    }

    /// The value of a required parameter's flag, as its type.
    pub fn value<T>(&self, flag: &str) -> Result<T, Failure>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        self.optional(flag)?
            .ok_or_else(|| Failure::usage(format!("--{flag} is required")))
    }

    /// The value of an optional parameter's flag, as its type.
    pub fn optional<T>(&self, flag: &str) -> Result<Option<T>, Failure>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        self.raw(flag)
            .map(|raw| {
                raw.parse().map_err(|e| {
                    // A secret's value is not repeated.
                    if self.secrets.contains_key(flag) {
                        Failure::usage(format!("--{flag}: {e}"))
                    } else {
                        Failure::usage(format!("--{flag} {raw}: {e}"))
                    }
                })
            })
            .transpose()
    }

    /// The request body: `--body` (a JSON file, `-` for stdin) with the member flags set on it;
    /// `None` when neither is given.
    pub fn body<T: DeserializeOwned>(&self) -> Result<Option<T>, Failure> {
        let Some(body) = &self.operation.body else {
            return Ok(None);
        };
        let mut object = match self.matches.get_one::<String>(flag::BODY) {
            Some(path) => Some(read_json(path)?),
            None => None,
        };
        for member in body.members {
            let Some(values) = self.matches.get_many::<String>(member.flag) else {
                continue;
            };
            let values: Vec<&String> = values.collect();
            let value = if crate::services::takes_files(self.service.name, member.name) {
                let paths: Vec<PathBuf> = values.iter().map(PathBuf::from).collect();
                crate::services::files_value(self.service.name, member.name, &paths)?
            } else {
                let raw = match self.secrets.get(member.flag) {
                    Some(secret) => secret.as_str(),
                    None => values.last().map(|v| v.as_str()).unwrap_or_default(),
                };
                member_value(raw, member.text)
            };
            let members = object
                .get_or_insert_with(|| Value::Object(Default::default()))
                .as_object_mut()
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "--{}: the --body file is not a JSON object",
                        member.flag
                    ))
                })?;
            members.insert(member.name.to_owned(), value);
        }
        if let Some(Value::Object(members)) = &object {
            self.check_members(body.members, members)?;
        }
        match object {
            None if body.required => Err(self.no_body()),
            None => Ok(None),
            Some(value) => serde_path_to_error::deserialize(value)
                .map(Some)
                .map_err(|e| match e.path().to_string().as_str() {
                    "." => Failure::usage(format!("the request body: {}", e.inner())),
                    path => Failure::usage(format!("the request body, {path}: {}", e.inner())),
                }),
        }
    }

    /// Checks the members of the body, from `--body` or their flags, before anything is sent:
    /// a closed enum's values, a string as the client's type checks it when built from one,
    /// and the limits the spec declares at or below the member (ranges, lengths, patterns:
    /// `credkit::Limit`, which the library checks too). Each failure names the flag, or the
    /// member when it came from the file. A secret's value is not repeated.
    fn check_members(
        &self,
        members: &[crate::table::Member],
        object: &serde_json::Map<String, Value>,
    ) -> Result<(), Failure> {
        let limits = self
            .service
            .info
            .operation(self.operation.id)
            .map_or(&[][..], |op| op.limits);
        for member in members {
            let Some(value) = object.get(member.name) else {
                continue;
            };
            let refused = match value {
                Value::String(value)
                    if !member.open
                        && !member.values.is_empty()
                        && !member.values.contains(&value.as_str()) =>
                {
                    Some(format!("not one of {}", member.values.join(", ")))
                }
                Value::String(value) => member.check.and_then(|check| check(value).err()),
                _ => None,
            }
            .or_else(|| {
                limits.iter().find_map(|limit| {
                    let below = member_limit(limit, member.name)?;
                    below.check(value).err()
                })
            });
            if let Some(reason) = refused {
                let shown = match value {
                    _ if member.secret => String::new(),
                    Value::String(text) => format!(" `{text}`"),
                    other => format!(" `{other}`"),
                };
                let place = if self.matches.value_source(member.flag)
                    == Some(clap::parser::ValueSource::CommandLine)
                {
                    format!("--{}", member.flag)
                } else {
                    format!("the request body, {}", member.name)
                };
                return Err(Failure::usage(format!("{place}{shown}: {reason}")));
            }
        }
        Ok(())
    }

    /// The request body of an operation whose builder cannot be sent without one (a body type
    /// without defaults).
    #[allow(
        dead_code,
        reason = "the generated `send` calls it for such a body: no service has one today"
    )]
    pub fn required_body<T: DeserializeOwned>(&self) -> Result<T, Failure> {
        self.body()?.ok_or_else(|| self.no_body())
    }

    /// A body sent as it is (bytes, text): the `--body` file, or stdin for `-`.
    #[allow(
        dead_code,
        reason = "the generated `send` calls it for such a body: no service has one today"
    )]
    pub fn raw_body(&self) -> Result<reqwest::Body, Failure> {
        let path = self
            .matches
            .get_one::<String>(flag::BODY)
            .ok_or_else(|| self.no_body())?;
        read(path).map(reqwest::Body::from)
    }

    fn no_body(&self) -> Failure {
        Failure::usage(format!(
            "{} {} needs a body: --body FILE (- for stdin), or its member flags",
            self.service.name, self.operation.name
        ))
    }

    /// Prints a JSON answer (nothing for the bodiless answer of an operation that may have
    /// one, `None`).
    pub fn json<T: Serialize>(
        &self,
        result: Result<credkit::Answer<T>, Error>,
    ) -> Result<(), Failure> {
        let Some(answer) = self.answered(result)? else {
            return Ok(());
        };
        if self.options.raw {
            if self.tap.streamed() {
                Ok(())
            } else {
                output::bytes(&self.tap.raw_body())
            }
        } else {
            output::value(&answer.into_inner(), self.options.format, self.jq.as_ref())
        }
        .map_err(|e| self.local(e))
    }

    /// Prints a text answer as it came.
    #[allow(
        dead_code,
        reason = "the generated `send` calls it for a text answer: no service has one today"
    )]
    pub fn text(&self, result: Result<credkit::Answer<String>, Error>) -> Result<(), Failure> {
        let Some(answer) = self.answered(result)? else {
            return Ok(());
        };
        output::bytes(answer.into_inner().as_bytes()).map_err(|e| self.local(e))
    }

    /// A bodiless answer: nothing is printed (but the head under `--include`), unless the
    /// operation issues a token ([`issued_token_header`]): that token is the command's purpose,
    /// printed as JSON, `{"token": "…"}`.
    pub fn empty(&self, result: Result<credkit::Answer<()>, Error>) -> Result<(), Failure> {
        let Some(answer) = self.answered(result)? else {
            return Ok(());
        };
        let Some(header) = issued_token_header(self.service.info, self.operation) else {
            return Ok(());
        };
        let token = answer
            .headers()
            .get(header)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Failure {
                code: 5,
                message: format!(
                    "{} {}: the server answered {} without the token (no {header} header)",
                    self.service.name,
                    self.operation.name,
                    answer.status()
                ),
                body: None,
            })?;
        output::value(
            &serde_json::json!({ "token": token }),
            self.options.format,
            self.jq.as_ref(),
        )
        .map_err(|e| self.local(e))
    }

    /// Streams a file answer to `--output` (through `<FILE>.part`, with a progress bar on a
    /// terminal) or to stdout.
    pub async fn download(
        &self,
        result: Result<credkit::Answer<ByteStream>, Error>,
    ) -> Result<(), Failure> {
        let Some(answer) = self.answered(result)? else {
            return Ok(());
        };
        let written = match self.matches.get_one::<PathBuf>(flag::OUTPUT) {
            Some(path) => {
                let progress = output::progress(answer.headers());
                let (status, headers) = (answer.status(), answer.headers().clone());
                let shown = progress.clone();
                let stream = answer.into_inner_stream().inspect(move |chunk| {
                    if let Ok(chunk) = chunk {
                        shown.inc(chunk.len() as u64);
                    }
                });
                let answer =
                    credkit::Answer::new(ByteStream::new(Box::pin(stream)), status, headers);
                let written = answer.save_to_file(path).await;
                // Left on the terminal, complete or where the download stopped.
                if written.is_ok() {
                    progress.finish();
                } else {
                    progress.abandon();
                }
                written
            }
            None => answer.write_to(&mut tokio::io::stdout()).await,
        };
        match written {
            Ok(_) => Ok(()),
            Err(e) => match e.get_ref().and_then(|inner| inner.downcast_ref::<Error>()) {
                Some(error) => Err(self.failure_of(error)),
                None => Err(self.local(e)),
            },
        }
    }

    /// The answer, `None` after a dry run. Under `--include` the answer's status and headers
    /// are printed first, a failed call's too.
    fn answered<T>(
        &self,
        result: Result<credkit::Answer<T>, Error>,
    ) -> Result<Option<credkit::Answer<T>>, Failure> {
        match result {
            Ok(answer) => {
                if self.options.include && !self.tap.streamed() {
                    output::head(answer.status(), answer.headers(), self.tap.service())
                        .map_err(|e| self.local(e))?;
                }
                // The answer printed is what the client read; what it could not read as the
                // spec's types is said on stderr, once per member.
                for unfit in answer.unfit() {
                    eprintln!("credkit: answer member did not fit its type: {unfit}");
                }
                Ok(Some(answer))
            }
            Err(error) if matches!(error.kind(), ErrorKind::NotSent(_)) && self.options.dry_run => {
                Ok(None)
            }
            Err(error) => {
                if self.options.include
                    && !self.tap.streamed()
                    && let (Some(status), Some(headers)) = (error.status(), error.headers())
                {
                    output::head(status, headers, self.tap.service()).map_err(|e| self.local(e))?;
                }
                // --raw prints what the server sent whatever it was (an error page, an answer
                // that does not decode, the part of a body that arrived); the exit code still
                // says what happened.
                if self.options.raw
                    && !self.tap.streamed()
                    && let Some(body) = error.body().filter(|body| !body.is_empty())
                {
                    output::bytes(body).map_err(|e| self.local(e))?;
                }
                Err(self.failure(error))
            }
        }
    }

    /// `--wait` was given (only the operations with a waiter have it).
    pub fn waits(&self) -> bool {
        crate::wait::waiter(self.service.name, self.operation.name).is_some()
            && self.matches.get_flag(flag::WAIT)
    }

    /// `--max-wait`, or the waiter's own bound.
    pub fn max_wait(&self) -> Result<std::time::Duration, Failure> {
        self.wait_duration(flag::MAX_WAIT, |waiter| waiter.max_wait)
    }

    /// `--first-delay`, or the waiter's own.
    pub fn first_delay(&self) -> Result<std::time::Duration, Failure> {
        self.wait_duration(flag::FIRST_DELAY, |waiter| waiter.first_delay)
    }

    fn wait_duration(
        &self,
        flag: &str,
        default: fn(&credkit::WaiterSpec) -> std::time::Duration,
    ) -> Result<std::time::Duration, Failure> {
        let waiter = crate::wait::waiter(self.service.name, self.operation.name);
        match self.matches.get_one::<String>(flag) {
            Some(text) => crate::wait::parse_duration(text).map_err(|m| {
                Failure::usage(format!(
                    "{} {}: --{flag} {m}",
                    self.service.name, self.operation.name
                ))
            }),
            None => Ok(waiter.map_or(std::time::Duration::ZERO, default)),
        }
    }

    /// What shows each poll: its state, on stderr, when it changes and stderr is a terminal.
    pub fn observer(&self) -> impl Fn(&credkit::Poll) + Send + Sync + 'static {
        crate::wait::observer(std::io::stderr().is_terminal())
    }

    /// Prints the final answer of a wait as any answer, then says how it ended: exit 0 when
    /// its state was reached, `wait::FAILED` or `wait::TIMED_OUT` otherwise.
    pub fn waited<T: Serialize>(
        &self,
        result: Result<credkit::Waited<T>, Error>,
    ) -> Result<(), Failure> {
        let waited = match result {
            Ok(waited) => waited,
            // An error answer, or the request a dry run printed.
            Err(error) => return self.answered::<T>(Err(error)).map(drop),
        };
        let Some(waiter) = crate::wait::waiter(self.service.name, self.operation.name) else {
            return Err(Failure::usage("no waiter"));
        };
        let pointer = format!("/{}", waiter.member.replace('.', "/"));
        let mut state = None;
        if let Some(answer) = waited.answer() {
            let value = serde_json::to_value(&**answer).map_err(|e| self.local(e.into()))?;
            state = value
                .pointer(&pointer)
                .and_then(Value::as_str)
                .map(str::to_owned);
            output::value(&value, self.options.format, self.jq.as_ref())
                .map_err(|e| self.local(e))?;
        }
        match crate::wait::verdict(&waited, waiter, state) {
            None => Ok(()),
            Some((code, message)) => Err(Failure {
                code,
                message: format!("{} {}: {message}", self.service.name, self.operation.name),
                body: None,
            }),
        }
    }

    /// The failure of a call, named by the command's service and operation.
    fn failure(&self, error: Error) -> Failure {
        self.failure_of(&error)
    }

    fn failure_of(&self, error: &Error) -> Failure {
        Failure {
            code: output::exit_code(error),
            message: format!(
                "{} {}: {}",
                self.service.name,
                self.operation.name,
                output::without_call(error)
            ),
            body: error.body().map(<[u8]>::to_vec),
        }
    }

    /// A failure of this machine (writing the answer), not of the call.
    fn local(&self, error: std::io::Error) -> Failure {
        Failure::usage(format!(
            "{} {}: {error}",
            self.service.name, self.operation.name
        ))
    }
}

/// A member flag's value: the text itself for a string member, otherwise JSON when it parses
/// as JSON (`2048`, `true`, `{"url": ".."}`) and the text when it does not (`+1024`).
fn member_value(raw: &str, text: bool) -> Value {
    if text {
        return Value::String(raw.to_owned());
    }
    serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned()))
}

/// A body limit at or below the top-level member `name`, placed in the member's value
/// instead of the body's (`/documenti/*` becomes `/*` of `documenti`).
fn member_limit(limit: &credkit::Limit, name: &str) -> Option<credkit::Limit> {
    if limit.input != credkit::LimitedInput::Body {
        return None;
    }
    let escaped = name.replace('~', "~0").replace('/', "~1");
    let rest = limit.at.strip_prefix('/')?.strip_prefix(escaped.as_str())?;
    (rest.is_empty() || rest.starts_with('/')).then_some(credkit::Limit { at: rest, ..*limit })
}

/// A file, or stdin for `-`.
fn read(path: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map(drop)
    } else {
        std::fs::read(path).map(|read| bytes = read)
    }
    .map_err(|e| Failure::usage(format!("--body {path}: {e}")))?;
    Ok(bytes)
}

/// The values of the operation's secret flags that were given: `-` read from stdin (one line
/// each, in the order the flags were written), `@FILE` from the file, anything else as
/// written, with a warning. `--body -` also reading stdin is refused.
fn read_secrets(
    operation: &Operation,
    matches: &ArgMatches,
) -> Result<BTreeMap<&'static str, String>, Failure> {
    let parameters = operation.parameters.iter().map(|p| (p.flag, p.secret));
    let members = operation
        .body
        .iter()
        .flat_map(|body| body.members)
        .map(|m| (m.flag, m.secret));
    let mut given: Vec<(&'static str, &String)> = parameters
        .chain(members)
        .filter(|(_, secret)| *secret)
        .filter_map(|(flag, _)| Some((flag, matches.get_one::<String>(flag)?)))
        .collect();
    // Lines of stdin go to the flags in the order they were written.
    given.sort_by_key(|(flag, _)| matches.index_of(flag));
    let body_from_stdin = operation.body.is_some()
        && matches.get_one::<String>(flag::BODY).map(String::as_str) == Some("-");
    if body_from_stdin && given.iter().any(|(_, raw)| raw.as_str() == "-") {
        return Err(Failure::usage(
            "--body - and a secret flag's - both read stdin: give the secret as @FILE",
        ));
    }
    let mut stdin = std::io::stdin().lock();
    let mut secrets = BTreeMap::new();
    for (flag, raw) in given {
        let value =
            crate::secret_flag::read(flag, raw, &mut stdin, &mut |warning| eprintln!("{warning}"))?;
        secrets.insert(flag, value);
    }
    Ok(secrets)
}

/// Checks `value` as the client's type `T` checks a string when built from one: the table's
/// [`crate::table::Member::check`].
pub fn check<T>(value: &str) -> Result<(), String>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    value.parse::<T>().map(drop).map_err(|e| e.to_string())
}

/// The response header in which `operation` hands out the service's token, when it does: an
/// operation sent without credentials (`security: []`) whose answer has no body, of a service
/// whose token travels in a header of its own (Sparkfly's `GET /auth` and `X-Auth-Token`).
pub fn issued_token_header(
    service: &credkit::ServiceInfo,
    operation: &Operation,
) -> Option<&'static str> {
    let anonymous = service
        .operation(operation.id)
        .is_some_and(|op| op.anonymous);
    match service.auth {
        credkit::AuthScheme::Header(header) if anonymous && operation.answer == Answer::Empty => {
            Some(header)
        }
        _ => None,
    }
}

/// A JSON file, or stdin for `-`.
fn read_json(path: &str) -> Result<Value, Failure> {
    serde_json::from_slice(&read(path)?)
        .map_err(|e| Failure::usage(format!("--body {path} is not JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::member_value;
    use serde_json::json;

    #[test]
    fn member_values_are_text_for_strings_and_json_otherwise() {
        assert_eq!(member_value("00042", true), json!("00042"));
        assert_eq!(member_value("true", true), json!("true"));
        assert_eq!(member_value("2048", false), json!(2048));
        assert_eq!(member_value("+1024", false), json!("+1024"));
        assert_eq!(member_value(r#"{"url":"u"}"#, false), json!({"url": "u"}));
        assert_eq!(member_value("plain words", false), json!("plain words"));
    }
}
