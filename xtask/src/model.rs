//! The typed model of a service, built once from its spec by [`crate::parse`]. Every later stage
//! (the custom types, the document progenitor reads, the send rewrite, `SERVICE`, the mocks)
//! reads these values; none walks the spec's JSON again, so a fact is decided in one place
//! (whether a parameter is secret, which statuses are successes, what a type is called in Rust).

use serde_json::Value;

/// One service: what `specs/<name>.yaml` says, in the terms credkit generates from.
#[derive(Debug, Clone)]
pub struct Service {
    /// The file stem: `rentri-ca`.
    pub name: String,
    /// The spec, relative to the workspace root: `specs/rentri-ca.yaml`.
    pub file: String,
    /// `info.title`, or the name.
    pub title: String,
    /// The scheme `ClientBuilder::token` fills: the first its security requirements name.
    pub auth: AuthScheme,
    /// Every security scheme the spec declares in a kind credkit sends, `auth` included.
    pub auth_schemes: Vec<AuthScheme>,
    pub servers: Vec<Server>,
    pub operations: Vec<Operation>,
    /// `info.x-credkit-error-schema`: the model of the service's error bodies; `None` when the
    /// spec names none (`ServiceError` is then `serde_json::Value`).
    pub error_schema: Option<SchemaName>,
    /// `info.x-credkit-success-member`: the envelope flag whose `false` means "refused".
    pub success_member: Option<String>,
    /// `info.x-credkit-follow-redirects` (default `true`).
    pub follow_redirects: bool,
    /// `info.x-credkit-upstream`: where the vendor publishes its definition (`cargo xtask upstream`).
    pub upstream: Option<Upstream>,
    /// `info.x-credkit-rate-limit`: the quota the service's documentation states.
    pub rate_limit: Option<RateLimit>,
    /// The component schemas credkit emits itself instead of typify: secrets and open enums.
    pub custom_types: Vec<CustomType>,
    /// The requests the service sends to URLs of the caller's (OpenAPI `callbacks`).
    pub callbacks: Vec<Callback>,
    /// `x-credkit-waiters`: the waiters of the polled operations ([`crate::waiters`]).
    pub waiters: Vec<crate::waiters::Waiter>,
    /// The schemas request bodies use through a twin without their `readOnly` members
    /// ([`crate::read_write`]).
    pub request_twins: Vec<RequestTwin>,
    /// What the JSON answers look like, for the tolerant reader.
    pub shapes: Shapes,
    /// Where the generated module sits in its crate: `crate::generated` in a client crate.
    /// Custom types are named through it (`crate::generated::types::Pin`).
    pub module_path: String,
    /// The document progenitor reads: the spec with error responses and bodiless alternative
    /// successes removed (see [`crate::normalize`]), already checked to be valid OpenAPI 3.0.
    pub(crate) progenitor_document: openapiv3::OpenAPI,
}

impl Service {
    /// `rentri-ca` → `RENTRI_CA`: the prefix of the service's environment variables.
    pub fn env_prefix(&self) -> String {
        self.name.to_ascii_uppercase().replace('-', "_")
    }

    /// `rentri-ca` → `credkit-rentri-ca`: the client crate's package name.
    pub fn package(&self) -> String {
        format!("credkit-{}", self.name)
    }

    /// `rentri-ca` → `credkit_rentri_ca`: how Rust code names the client crate.
    pub fn crate_ident(&self) -> String {
        self.package().replace('-', "_")
    }

    /// The headers that carry this service's credentials, lower case, sorted: its security
    /// scheme's header and every secret header parameter.
    pub fn credential_headers(&self) -> Vec<String> {
        let mut headers: Vec<String> = self
            .operations
            .iter()
            .flat_map(Operation::secret_headers)
            .chain(self.auth_schemes.iter().filter_map(|scheme| match scheme {
                AuthScheme::Header(header) => Some(header.clone()),
                _ => None,
            }))
            .collect();
        headers.sort();
        headers.dedup();
        headers
    }

    /// Where a custom type lives: inside progenitor's `types` module.
    pub fn type_path(&self, t: &CustomType) -> String {
        format!("{}::types::{}", self.module_path, t.name.rust)
    }
}

/// How a security scheme of the service sends a credential (`parse/security.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: Bearer <token>`: http bearer, oauth2, openIdConnect.
    Bearer,
    /// An API-key header, lower-cased (`x-auth-token`).
    Header(String),
    /// http basic: `Authorization: Basic`.
    Basic,
    /// An API key in the query parameter of this name.
    Query(String),
    /// An API key in the cookie of this name.
    Cookie(String),
    /// No security scheme: the service is anonymous.
    None,
}

/// The environments a server may be tagged with (`x-credkit-environment`), as the runtime's
/// `credkit_runtime::Environment` names them. A copy, so that the generator does not compile
/// the runtime; the workspace test `the_generator_knows_exactly_the_runtime_environments`
/// keeps the two alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Environment {
    Production,
    Demo,
    Sandbox,
    Staging,
}

impl Environment {
    pub const ALL: [Environment; 4] = [
        Environment::Production,
        Environment::Demo,
        Environment::Sandbox,
        Environment::Staging,
    ];

    /// The spelling in specs: `production`.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Demo => "demo",
            Environment::Sandbox => "sandbox",
            Environment::Staging => "staging",
        }
    }

    /// The variant of `credkit_runtime::Environment`: `Production`.
    pub fn variant(self) -> &'static str {
        match self {
            Environment::Production => "Production",
            Environment::Demo => "Demo",
            Environment::Sandbox => "Sandbox",
            Environment::Staging => "Staging",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == value)
    }
}

/// One base URL of the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub environment: Environment,
    /// Without a trailing `/`.
    pub url: String,
}

/// Where the vendor publishes the definition a spec is written from: `cargo xtask upstream`
/// compares the spec with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// An `https` URL of the published file itself (a raw file, not a page about it).
    pub url: String,
    pub format: UpstreamFormat,
}

/// How the published file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpstreamFormat {
    Yaml,
    Json,
}

impl UpstreamFormat {
    /// The spelling in specs: `yaml`.
    pub fn as_str(self) -> &'static str {
        match self {
            UpstreamFormat::Yaml => "yaml",
            UpstreamFormat::Json => "json",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [UpstreamFormat::Yaml, UpstreamFormat::Json]
            .into_iter()
            .find(|f| f.as_str() == value)
    }
}

/// A component schema, by its spec name and the Rust type generated for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaName {
    /// As written in `components.schemas`: `problem-details`.
    pub spec: String,
    /// The type in the generated `types` module: `ProblemDetails`.
    pub rust: String,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The spec's `operationId`, as written.
    pub spec_id: String,
    /// The Rust method, and the id progenitor gives the runtime: `get_credentials`.
    pub rust_name: String,
    /// Upper case: `GET`.
    pub method: String,
    /// The path template: `/credentials/{credentials_id}`.
    pub path: String,
    pub parameters: Vec<Parameter>,
    pub body: Option<RequestBody>,
    pub success: Success,
    /// The documented error statuses (`400`, `4XX`), in spec order.
    pub error_statuses: Vec<String>,
    /// Every media type the operation's answers are documented with, successes first, each
    /// once: what its requests send as `Accept`, so that under content negotiation an error
    /// comes back in the form the spec describes (`application/problem+json`).
    pub accept: Vec<String>,
    /// `x-credkit-idempotent`: may be replayed after a failure that may have reached the server.
    pub idempotent: bool,
    /// No credential is sent (`security: []`, or no global security).
    pub anonymous: bool,
    /// `deprecated: true`, with the reason the spec gives (`x-deprecated-reason`, or its
    /// summary): the generated `send` is `#[deprecated]`, so each call site is told.
    pub deprecated: Option<String>,
    /// `summary`, trimmed; empty when the spec has none.
    pub summary: String,
    /// `description`, trimmed; empty when the spec has none.
    pub description: String,
    /// The operation's own `x-credkit-rate-limit`, counted apart from the service's.
    pub rate_limit: Option<RateLimit>,
    /// The node of [`Service::shapes`] each JSON success body looks like, by status as written
    /// (`200`, `default`), in spec order.
    pub answer_shapes: Vec<(String, u32)>,
    /// The limits of its parameters and body (ranges, lengths, patterns), checked by the
    /// runtime before sending ([`crate::limits`]).
    pub limits: Vec<crate::limits::Limit>,
    /// The cargo feature that compiles the operation (`tag-offers`, from its first tag), when
    /// the spec asks for per-tag features (`info.x-credkit-tag-features: true`) and the
    /// operation has a tag; `None`: always compiled.
    pub feature: Option<String>,
}

impl Operation {
    /// The node of the JSON answer of `status`, or of the first JSON success when `None`.
    pub fn answer_shape(&self, status: Option<u16>) -> Option<u32> {
        match status {
            None => self.answer_shapes.first(),
            Some(status) => self
                .answer_shapes
                .iter()
                .find(|(code, _)| *code == status.to_string()),
        }
        .map(|(_, node)| *node)
    }
}

impl Operation {
    /// `GET /credentials/{id} (get_credentials)`: how problems name an operation.
    pub fn location(&self) -> String {
        format!("{} {} ({})", self.method, self.path, self.spec_id)
    }

    /// Its body is `multipart/form-data`.
    pub fn sends_multipart(&self) -> bool {
        self.body
            .as_ref()
            .is_some_and(|b| b.encoding == BodyEncoding::Multipart)
    }

    /// The header parameters whose values are secrets, lower-cased: the runtime marks them
    /// sensitive.
    pub fn secret_headers(&self) -> Vec<String> {
        self.parameters
            .iter()
            .filter(|p| p.location == ParameterLocation::Header && p.secret)
            .map(|p| p.name.to_ascii_lowercase())
            .collect()
    }
}

/// A component schema whose request view differs from its own type (a `readOnly` or
/// `writeOnly` member, in it or in a schema it references), and that a request body reaches:
/// request bodies use its twin, a component of credkit's named `<Schema>Request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestTwin {
    /// The schema, whose own type is the answers' (without its `writeOnly` members).
    pub of: SchemaName,
    /// The twin: the same schema without its `readOnly` members.
    pub twin: SchemaName,
}

/// A request the service sends to a URL the caller gave it (an OpenAPI callback, or a webhook):
/// its body gets a type and a `parse` function, so that a receiver (axum or any server) can
/// read it.
#[derive(Debug, Clone)]
pub struct Callback {
    /// The operation that declares it (its operationId); `None` for a webhook.
    pub operation: Option<String>,
    /// The callback's or webhook's name in the spec.
    pub name: String,
    /// The parse function: `parse_<operation>_<callback>`, `parse_<webhook>`.
    pub rust_name: String,
    /// Upper case: `POST`.
    pub method: String,
    /// The URL expression (`{$request.body#/callbackUrl}`, or a literal URL); empty for a
    /// webhook, sent to the URL registered with the service.
    pub url: String,
    pub summary: String,
    /// The type of the body.
    pub payload: SchemaName,
    /// The body's schema when the spec writes it inline: added to the components under
    /// `payload.spec`, so that typify generates its type.
    pub inline_schema: Option<serde_json::Value>,
    /// The waiters its payload wakes (`x-credkit-wakes`, [`crate::callback_wakes`]).
    pub wakes: Vec<crate::callback_wakes::Wake>,
}

/// `x-credkit-rate-limit`: at most `requests` in any window of `period`; after a `429`, no
/// request for `penalty`; counted per `scope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub period_ms: u64,
    pub penalty_ms: u64,
    pub scope: RateLimitScope,
}

/// Whom a service counts requests of, as `credkit_runtime::QuotaScope` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitScope {
    /// `credential`: every client with the same credential shares the quota.
    Credential,
    /// `client`: each client has its own.
    Client,
}

impl RateLimitScope {
    pub const ALL: [RateLimitScope; 2] = [RateLimitScope::Credential, RateLimitScope::Client];

    /// The spelling in specs: `credential`.
    pub fn as_str(self) -> &'static str {
        match self {
            RateLimitScope::Credential => "credential",
            RateLimitScope::Client => "client",
        }
    }

    /// The variant of `credkit_runtime::QuotaScope`: `Credential`.
    pub fn variant(self) -> &'static str {
        match self {
            RateLimitScope::Credential => "Credential",
            RateLimitScope::Client => "Client",
        }
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    Path,
    Query,
    Header,
}

impl ParameterLocation {
    /// Its `in` in the spec: `query`.
    pub fn keyword(self) -> &'static str {
        match self {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "query",
            ParameterLocation::Header => "header",
        }
    }
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    /// As sent on the wire: `num-iscr-sito`.
    pub name: String,
    /// progenitor's setter: `num_iscr_sito`.
    pub rust_name: String,
    pub location: ParameterLocation,
    pub required: bool,
    /// Its schema is an `x-credkit-secret` string (directly or through `allOf`).
    pub secret: bool,
    /// The parameter's `description` (or its schema's), trimmed; empty when neither has one.
    pub description: String,
    /// The parameter's `example` (or its schema's) as it is typed: a string as it is, any
    /// other value as JSON; empty when neither has one.
    pub example: String,
    /// How a query parameter that is an array or an object is spelled; `None` for a scalar
    /// (`parse/query_styles.rs`).
    pub query_style: Option<QueryStyle>,
    /// A query parameter that is an object with `properties`: the type typify generates for
    /// it (an inline schema hoisted into the components under
    /// [`crate::names::query_object_type`]). progenitor cannot take such a parameter, so it
    /// reads it as a JSON object and the builder's setter takes this type
    /// (`normalize.rs`, `builder.rs`).
    pub query_object: Option<(SchemaName, Option<Value>)>,
}

/// The spelling of a query parameter that is an array or an object: the runtime's
/// `credkit_runtime::contract::QueryStyle` of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    Form,
    FormJoined,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

impl QueryStyle {
    /// The runtime's variant: `credkit_runtime::contract::QueryStyle::<this>`.
    pub fn variant(self) -> &'static str {
        match self {
            Self::Form => "Form",
            Self::FormJoined => "FormJoined",
            Self::SpaceDelimited => "SpaceDelimited",
            Self::PipeDelimited => "PipeDelimited",
            Self::DeepObject => "DeepObject",
        }
    }
}

/// The request body of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestBody {
    pub required: bool,
    /// What is sent as `Content-Type`.
    pub media_type: String,
    pub encoding: BodyEncoding,
    /// Other media types the spec offers for the body, not generated (JSON is preferred,
    /// then a form, then the first).
    pub alternatives: Vec<String>,
    /// The top-level members of its schema, when it is an object with `properties`.
    pub members: Vec<BodyMember>,
}

/// One top-level member of a request body object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyMember {
    /// As sent in the JSON object: `current_pin`.
    pub name: String,
    /// The field of the body's Rust type that holds it ([`crate::names::member_fields`]).
    pub field: String,
    /// Listed in the object's `required`.
    pub required: bool,
    /// The member's `description` (or its schema's), trimmed; empty when neither has one.
    pub description: String,
    /// The member's `example` (or its schema's), as [`Parameter::example`].
    pub example: String,
    /// Its schema is a string (directly, by `$ref` or through `allOf`): a value given as text
    /// is that string, never parsed as JSON.
    pub text: bool,
    /// Its schema is an `x-credkit-secret` string (directly or through `allOf`): the command
    /// line reads it from stdin or a file rather than from its argument list.
    pub secret: bool,
    /// A file of a `multipart/form-data` body (a string of `format: binary`, or an array of
    /// them): a `credkit_runtime::FilePart`, with the media type the body's `encoding` gives
    /// it (`""` when none).
    pub file: Option<String>,
}

/// How a request body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// `application/json` or `*/*+json`: the body's type, serialized.
    Json,
    /// `application/x-www-form-urlencoded`: the body's type as a form.
    Form,
    /// Any other media type, or a string of `format: binary`: bytes, streamed from whatever
    /// converts into a `reqwest::Body` (a `Vec<u8>`, a `tokio::fs::File`, ...).
    Bytes,
    /// `text/*`: a string.
    Text,
    /// `multipart/form-data`: the body's type, each member a part (files are
    /// `credkit_runtime::FilePart`s, streamed from a path or given as bytes).
    Multipart,
}

/// What a successful call answers. Each kind lists its statuses; an empty list means any
/// `2XX` (the spec documents only a `default` answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Success {
    /// A JSON body decoded into the answer type (several statuses documented with one schema
    /// share it: RENTRI's `200` and `202`).
    Json { statuses: Vec<u16> },
    /// A body streamed as bytes (a PDF download, or a string of `format: binary` whatever its
    /// media type), with its media type.
    Binary {
        statuses: Vec<u16>,
        media_type: String,
    },
    /// A text body (`text/plain`, `text/csv`, ...) read as a `String`.
    Text {
        statuses: Vec<u16>,
        media_type: String,
    },
    /// No body.
    Empty { statuses: Vec<u16> },
    /// A JSON body for the `json` statuses, none for the `empty` ones (`200` beside `204`):
    /// the answer is `Option<T>`, `None` for those.
    JsonOrEmpty { json: Vec<u16>, empty: Vec<u16> },
    /// Statuses with different JSON schemas (and perhaps bodiless or text ones): the answer is
    /// an enum with one variant per status, each keeping status and headers.
    ByStatus { variants: Vec<StatusVariant> },
}

/// One status of a [`Success::ByStatus`] answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusVariant {
    pub status: u16,
    pub body: StatusBody,
}

/// The body of one status of a [`Success::ByStatus`] answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusBody {
    /// No body.
    Empty,
    /// JSON of `schema`. `inline_schema` is the schema when the spec writes it inline: added to
    /// the components under `schema.spec` (a name of credkit's,
    /// [`crate::names::status_answer_type`]), so that typify generates its type.
    Json {
        schema: SchemaName,
        inline_schema: Option<Value>,
    },
    /// Text of this media type (`text/plain`), read as a `String`.
    Text(String),
}

impl StatusVariant {
    /// The schema of its JSON body, if it has one.
    pub fn schema(&self) -> Option<&SchemaName> {
        match &self.body {
            StatusBody::Json { schema, .. } => Some(schema),
            _ => None,
        }
    }

    /// Its JSON body's schema as the spec writes it inline, with the name it is hoisted under.
    pub fn inline_schema(&self) -> Option<(&SchemaName, &Value)> {
        match &self.body {
            StatusBody::Json {
                schema,
                inline_schema: Some(inline),
            } => Some((schema, inline)),
            _ => None,
        }
    }
}

impl Success {
    /// The bodiless statuses beside a JSON answer, if any.
    pub fn empty_alternatives(&self) -> &[u16] {
        match self {
            Success::JsonOrEmpty { empty, .. } => empty,
            _ => &[],
        }
    }

    /// The media type of a binary answer.
    pub fn binary_media_type(&self) -> Option<&str> {
        match self {
            Success::Binary { media_type, .. } => Some(media_type),
            _ => None,
        }
    }
}

/// A component schema credkit generates itself.
#[derive(Debug, Clone)]
pub struct CustomType {
    pub name: SchemaName,
    pub description: String,
    pub kind: CustomKind,
}

/// What a custom type is.
#[derive(Debug, Clone)]
pub enum CustomKind {
    /// `x-credkit-secret`: a string never printed, with the schema's length limits.
    Secret {
        min_length: Option<u64>,
        max_length: Option<u64>,
    },
    /// `x-credkit-open-enum`: the known values (wire spelling, Rust variant) and `Unknown`.
    OpenEnum { values: Vec<(String, String)> },
}

/// A JSON pointer segment (`~` and `/` escaped).
pub fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A string member of a JSON object.
pub(crate) fn str_of<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// What the JSON answers of a service look like, as a table of nodes: the generated client
/// carries it (`shapes::NODES`) for the runtime's tolerant reader, which walks an answer that
/// did not decode along it. Mirrors `credkit_runtime::contract::Node`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shapes {
    pub nodes: Vec<ShapeNode>,
}

/// One kind of JSON value (see `credkit_runtime::contract::Node`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ShapeNode {
    Any,
    String,
    /// An `x-credkit-secret` string: its value is never logged.
    Secret,
    /// `format: date-time`.
    DateTime,
    Integer,
    Number,
    Boolean,
    /// An object with `properties`; `name` is the Rust type of a component schema, empty for
    /// an inline one.
    Object {
        name: String,
        members: Vec<ShapeMember>,
    },
    /// `type: array`, with the node of its items.
    Array(u32),
    /// An object without `properties` whose `additionalProperties` has a schema.
    Map(u32),
    /// `oneOf` / `anyOf`.
    OneOf(Vec<u32>),
}

/// One member of a [`ShapeNode::Object`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShapeMember {
    pub name: String,
    pub node: u32,
    pub required: bool,
}
