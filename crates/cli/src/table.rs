//! What the generated table (`generated::SERVICES`) says of each service and operation: the
//! facts `cargo xtask generate` takes from each spec's model, as the commands need them.

/// A service, named as the facade names it (`pec`).
#[derive(Debug)]
pub struct Service {
    pub name: &'static str,
    /// What the client knows of it: title, variables' prefix, credential headers.
    pub info: &'static credkit::ServiceInfo,
    pub operations: &'static [Operation],
}

/// One operation: a command `credkit <service> <name>`.
#[derive(Debug)]
pub struct Operation {
    /// Its operationId in kebab case: `get-mailbox`.
    pub name: &'static str,
    /// The client's method and the runtime's operation id: `get_mailbox`.
    pub id: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    /// Why the operation is deprecated; empty when it is not.
    pub deprecated: &'static str,
    pub parameters: &'static [Parameter],
    pub body: Option<Body>,
    pub answer: Answer,
}

/// A path, query or header parameter: a flag `--<its name in kebab case>`.
#[derive(Debug)]
pub struct Parameter {
    pub flag: &'static str,
    pub description: &'static str,
    /// The spec's example value, as typed on the command line; empty when it has none.
    pub example: &'static str,
    pub required: bool,
    /// An `x-credkit-secret` value: read from stdin (`-`) or a file (`@FILE`) rather than
    /// written where `ps` and shell history show it (`crate::secret_flag`).
    pub secret: bool,
    /// The values of an enum, as sent: listed in help, offered by completion; empty for a
    /// parameter of another type.
    pub values: &'static [&'static str],
    /// Values besides `values` are accepted (an `x-credkit-open-enum`); otherwise the command
    /// line refuses them before sending.
    pub open: bool,
}

/// A request body: `--body FILE`, and for a JSON or form body a flag per top-level member.
#[derive(Debug)]
pub struct Body {
    pub required: bool,
    /// What is sent as `Content-Type`.
    pub media_type: &'static str,
    /// A JSON object or a form, built from `--body` (JSON) and the member flags; otherwise the
    /// `--body` file is sent as it is (bytes, text).
    pub typed: bool,
    /// The members that have a flag of their own (those spelled like another flag have none).
    pub members: &'static [Member],
}

/// Checks a value as a type of the client does when built from a string: why it is refused.
pub type Check = fn(&str) -> Result<(), String>;

/// A top-level member of a request body.
#[derive(Debug)]
pub struct Member {
    pub flag: &'static str,
    /// As sent in the JSON object.
    pub name: &'static str,
    pub description: &'static str,
    /// As [`Parameter::example`].
    pub example: &'static str,
    pub required: bool,
    /// A string in the spec: the flag's value is sent as it is, never parsed as JSON.
    pub text: bool,
    /// An `x-credkit-secret` value, as [`Parameter::secret`].
    pub secret: bool,
    /// As [`Parameter::values`].
    pub values: &'static [&'static str],
    /// As [`Parameter::open`].
    pub open: bool,
    /// Checks a string value as the client's type of the member does when it is built from a
    /// string (its length, pattern or values), so that a member is checked before sending as
    /// a parameter of the same type is: `crate::call::check::<T>`.
    pub check: Option<Check>,
}

/// What a successful call answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Json,
    /// JSON, or no body (`204`).
    JsonOrEmpty,
    Empty,
    /// Bytes streamed to `--output` or stdout (a PDF).
    Binary,
    /// Text, printed as it came.
    #[allow(dead_code, reason = "no service has a text answer today")]
    Text,
}
