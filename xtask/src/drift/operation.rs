//! One operation credkit covers compared with its published counterpart: deprecation, who may
//! call it, its parameters, its JSON request body and answer, and its statuses.

use serde_json::Value;

use super::document::requirement;
use super::members::{Direction, Members};
use super::schema::{self, Document};
use super::{Class, Difference, Operation};

/// One operation credkit covers and its published counterpart.
#[derive(Clone, Copy)]
pub(super) struct Pair<'p, 'a> {
    pub o: Document<'a>,
    pub t: Document<'a>,
    pub ours: &'p Operation<'a>,
    pub theirs: &'p Operation<'a>,
    /// The operation's `x-credkit-deviation`, which covers everything in it.
    pub declared: Option<&'a str>,
}

/// Compares one operation credkit covers.
pub(super) fn compare(pair: Pair<'_, '_>, found: &mut Vec<Difference>) {
    let Pair {
        ours,
        theirs,
        declared,
        ..
    } = pair;
    let deprecated =
        |op: &Operation<'_>| op.op.get("deprecated").and_then(Value::as_bool) == Some(true);
    if deprecated(theirs) != deprecated(ours) {
        let (change, fix) = if deprecated(theirs) {
            (
                "deprecated upstream",
                "mark the operation `deprecated: true` and name its replacement in its description",
            )
        } else {
            (
                "deprecated here, not upstream",
                "remove `deprecated: true` from the operation",
            )
        };
        found.push(Difference::new(
            Class::Informational,
            "operation".to_owned(),
            change.to_owned(),
            fix.to_owned(),
            declared,
        ));
    }
    access(pair, found);
    parameters(pair, found);
    request_body(pair, found);
    responses(pair, found);
}

/// The credential an operation needs: its own requirement, else the document's.
fn access<'a>(pair: Pair<'_, 'a>, found: &mut Vec<Difference>) {
    let Pair {
        o,
        t,
        ours,
        theirs,
        declared,
    } = pair;
    let needs = |doc: Document<'a>, op: &Operation<'a>| {
        requirement(
            doc.root,
            op.op.get("security").or_else(|| doc.root.get("security")),
        )
    };
    match (needs(o, ours), needs(t, theirs)) {
        (None, Some(schemes)) => found.push(Difference::new(
            Class::Breaking,
            "security".to_owned(),
            format!(
                "anonymous here, upstream requires {}",
                schemes.into_iter().collect::<Vec<_>>().join(" or ")
            ),
            "remove `security: []` from the operation".to_owned(),
            declared,
        )),
        (Some(_), None) => found.push(Difference::new(
            Class::Compatible,
            "security".to_owned(),
            "anonymous upstream, a credential here".to_owned(),
            "add `security: []` to the operation".to_owned(),
            declared,
        )),
        _ => {}
    }
}

/// One parameter, its reference followed.
struct Parameter<'a> {
    name: &'a str,
    location: &'a str,
    required: bool,
    schema: Option<&'a Value>,
    deviation: Option<&'a str>,
}

impl Parameter<'_> {
    /// `query parameter \`pin\``, `path parameter \`{credentials_id}\``.
    fn place(&self) -> String {
        match self.location {
            "path" => format!("path parameter `{{{}}}`", self.name),
            location => format!("{location} parameter `{}`", self.name),
        }
    }

    /// The same parameter on the other side: header names ignore case.
    fn is(&self, other: &Parameter<'_>) -> bool {
        self.location == other.location
            && if self.location == "header" {
                self.name.eq_ignore_ascii_case(other.name)
            } else {
                self.name == other.name
            }
    }
}

/// The parameters of an operation and of its path item (the operation's win).
fn declared_parameters<'a>(doc: Document<'a>, op: &Operation<'a>) -> Vec<Parameter<'a>> {
    let mut parameters: Vec<Parameter<'a>> = Vec::new();
    for site in [op.path_item, op.op]
        .into_iter()
        .filter_map(|v| v.get("parameters").and_then(Value::as_array))
        .flatten()
    {
        let followed = doc.follow(site);
        let Some(parameter) = followed.value else {
            continue;
        };
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or("");
        let location = parameter.get("in").and_then(Value::as_str).unwrap_or("");
        let parameter = Parameter {
            name,
            location,
            required: location == "path"
                || parameter.get("required").and_then(Value::as_bool) == Some(true),
            schema: parameter.get("schema"),
            deviation: followed.deviation,
        };
        parameters.retain(|p| !p.is(&parameter));
        parameters.push(parameter);
    }
    parameters
}

fn parameters<'a>(pair: Pair<'_, 'a>, found: &mut Vec<Difference>) {
    let Pair {
        o,
        t,
        ours,
        theirs,
        declared,
    } = pair;
    let our_parameters = declared_parameters(o, ours);
    let their_parameters = declared_parameters(t, theirs);
    let path = |list: &[Parameter<'a>], name: &str| -> Option<usize> {
        list.iter()
            .position(|p| p.location == "path" && p.name == name)
    };
    // Path parameters pair by position: the names are credkit's to choose, never sent.
    let mut paired: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    for (our_name, their_name) in ours
        .path_parameters()
        .into_iter()
        .zip(theirs.path_parameters())
    {
        let here = path(&our_parameters, our_name);
        if our_name != their_name {
            found.push(Difference::new(
                Class::Informational,
                format!("path parameter `{{{our_name}}}`"),
                format!("named `{{{their_name}}}` upstream"),
                format!(
                    "nothing to change (the name is not sent), or rename it `{{{their_name}}}`"
                ),
                here.and_then(|i| our_parameters[i].deviation).or(declared),
            ));
        }
        // A path parameter exists by the path; one side may leave it undeclared (Rails' `:id`).
        if let (Some(here), Some(there)) = (here, path(&their_parameters, their_name)) {
            paired.push((Some(here), Some(there)));
        }
    }
    for (index, parameter) in our_parameters.iter().enumerate() {
        if parameter.location != "path" {
            let their = their_parameters.iter().position(|p| p.is(parameter));
            paired.push((Some(index), their));
        }
    }
    for (index, parameter) in their_parameters.iter().enumerate() {
        if parameter.location != "path" && !our_parameters.iter().any(|p| p.is(parameter)) {
            paired.push((None, Some(index)));
        }
    }
    for pair in paired {
        match pair {
            (Some(here), Some(there)) => {
                let (ours, theirs) = (&our_parameters[here], &their_parameters[there]);
                let deviation = ours.deviation.or(declared);
                if ours.required != theirs.required {
                    let (class, change, fix) = if theirs.required {
                        (
                            Class::Breaking,
                            "required upstream, optional here",
                            "make it required",
                        )
                    } else {
                        (
                            Class::Compatible,
                            "optional upstream, required here",
                            "make it optional",
                        )
                    };
                    found.push(Difference::new(
                        class,
                        ours.place(),
                        change.to_owned(),
                        format!("{fix}: {}", ours.place()),
                        deviation,
                    ));
                }
                if let (Some(our_schema), Some(their_schema)) = (ours.schema, theirs.schema) {
                    Members {
                        ours: o,
                        theirs: t,
                        direction: Direction::Request,
                        root: ours.place(),
                        found,
                    }
                    .compare(
                        our_schema,
                        their_schema,
                        ours.required,
                        deviation,
                    );
                }
            }
            (Some(here), None) => {
                let ours = &our_parameters[here];
                found.push(Difference::new(
                    Class::Breaking,
                    ours.place(),
                    "not in the published definition".to_owned(),
                    format!(
                        "remove the {}, or declare `x-credkit-deviation` on it",
                        ours.place()
                    ),
                    ours.deviation.or(declared),
                ));
            }
            (None, Some(there)) => {
                let theirs = &their_parameters[there];
                let kind = theirs
                    .schema
                    .map_or("any".to_owned(), |s| schema::view(t, s).type_name());
                let (class, which) = if theirs.required {
                    (Class::Breaking, "required")
                } else {
                    (Class::Compatible, "optional")
                };
                found.push(Difference::new(
                    class,
                    theirs.place(),
                    format!("new {which} parameter upstream (`{kind}`)"),
                    format!("add the {} (`{kind}`, {which})", theirs.place()),
                    declared,
                ));
            }
            (None, None) => {}
        }
    }
}

/// The media type of a JSON body among `content`, and its schema.
fn json(content: Option<&Value>) -> Option<(&String, Option<&Value>)> {
    content?.as_object()?.iter().find_map(|(media, body)| {
        let essence = media.split(';').next().unwrap_or_default().trim();
        (essence == "application/json" || essence.ends_with("+json"))
            .then(|| (media, body.get("schema")))
    })
}

/// The media types of `content`, comma-separated, or `none`.
fn media_types(content: Option<&Value>) -> String {
    let media: Vec<&str> = content
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(m, _)| m.as_str())
        .collect();
    if media.is_empty() {
        "none".to_owned()
    } else {
        media.join(", ")
    }
}

fn request_body<'a>(pair: Pair<'_, 'a>, found: &mut Vec<Difference>) {
    let Pair {
        o,
        t,
        ours,
        theirs,
        declared,
    } = pair;
    let our_body = ours.op.get("requestBody").map(|b| o.follow(b));
    let their_body = theirs.op.get("requestBody").and_then(|b| t.follow(b).value);
    let place = "request body".to_owned();
    let required = |body: &Value| body.get("required").and_then(Value::as_bool) == Some(true);
    match (our_body.as_ref().and_then(|b| b.value), their_body) {
        (None, None) => {}
        (Some(_), None) => found.push(Difference::new(
            Class::Breaking,
            place,
            "no request body upstream".to_owned(),
            "remove the request body, or declare `x-credkit-deviation` on it".to_owned(),
            our_body.and_then(|b| b.deviation).or(declared),
        )),
        (None, Some(theirs)) => {
            let (class, which) = if required(theirs) {
                (Class::Breaking, "required")
            } else {
                (Class::Compatible, "optional")
            };
            found.push(Difference::new(
                class,
                place,
                format!(
                    "new {which} request body upstream ({})",
                    media_types(theirs.get("content"))
                ),
                format!("add the {which} request body"),
                declared,
            ));
        }
        (Some(here), Some(theirs)) => {
            let deviation = our_body.and_then(|b| b.deviation).or(declared);
            if required(here) != required(theirs) {
                let (class, change, fix) = if required(theirs) {
                    (
                        Class::Breaking,
                        "required upstream, optional here",
                        "make the request body `required: true`",
                    )
                } else {
                    (
                        Class::Compatible,
                        "optional upstream, required here",
                        "make the request body optional",
                    )
                };
                found.push(Difference::new(
                    class,
                    place.clone(),
                    change.to_owned(),
                    fix.to_owned(),
                    deviation,
                ));
            }
            match (json(here.get("content")), json(theirs.get("content"))) {
                (Some((_, Some(our_schema))), Some((_, Some(their_schema)))) => Members {
                    ours: o,
                    theirs: t,
                    direction: Direction::Request,
                    root: place,
                    found,
                }
                .compare(our_schema, their_schema, required(here), deviation),
                (Some(_), None) => found.push(Difference::new(
                    Class::Breaking,
                    place,
                    format!(
                        "media type: {} here, {} upstream",
                        media_types(here.get("content")),
                        media_types(theirs.get("content"))
                    ),
                    "credkit sends JSON bodies only: describe the operation's new body, or declare `x-credkit-deviation`".to_owned(),
                    deviation,
                )),
                _ => {}
            }
        }
    }
}

/// What a success answer carries.
#[derive(Debug, PartialEq)]
enum Body<'a> {
    None,
    Json(Option<&'a Value>),
    Other(String),
}

impl Body<'_> {
    fn of(response: &Value) -> Body<'_> {
        let content = response.get("content");
        if let Some((_, schema)) = json(content) {
            return Body::Json(schema);
        }
        match media_types(content).as_str() {
            "none" => Body::None,
            media => Body::Other(media.to_owned()),
        }
    }

    fn describe(&self) -> String {
        match self {
            Body::None => "no body".to_owned(),
            Body::Json(_) => "JSON".to_owned(),
            Body::Other(media) => media.clone(),
        }
    }
}

/// The responses of an operation, by status, references followed.
fn statuses<'a>(doc: Document<'a>, op: &'a Value) -> Vec<(&'a String, schema::Followed<'a>)> {
    op.get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(code, response)| (code, doc.follow(response)))
        .collect()
}

fn responses<'a>(pair: Pair<'_, 'a>, found: &mut Vec<Difference>) {
    let Pair {
        o,
        t,
        ours,
        theirs,
        declared,
    } = pair;
    let our_responses = statuses(o, ours.op);
    let their_responses = statuses(t, theirs.op);
    let success = |list: &[(&'a String, schema::Followed<'a>)]| -> Vec<String> {
        let mut codes: Vec<String> = list
            .iter()
            .filter(|(code, _)| code.starts_with('2'))
            .map(|(code, _)| (*code).clone())
            .collect();
        codes.sort();
        codes
    };
    let (our_success, their_success) = (success(&our_responses), success(&their_responses));
    if our_success != their_success {
        found.push(Difference::new(
            Class::Breaking,
            "success status".to_owned(),
            format!(
                "{} here, {} upstream",
                our_success.join(", "),
                if their_success.is_empty() {
                    "none".to_owned()
                } else {
                    their_success.join(", ")
                }
            ),
            format!("document the success as {}", their_success.join(", ")),
            declared,
        ));
    }
    // The answer: ours, and the published one of the same status (or its first success).
    let answer = our_responses
        .iter()
        .filter(|(code, _)| code.starts_with('2'))
        .find_map(|(code, r)| r.value.map(|v| (*code, v, r.deviation)));
    if let Some((code, here, response_deviation)) = answer {
        let there = their_responses
            .iter()
            .find(|(c, _)| *c == code)
            .or_else(|| their_responses.iter().find(|(c, _)| c.starts_with('2')))
            .and_then(|(_, r)| r.value);
        if let Some(there) = there {
            let deviation = response_deviation.or(declared);
            match (Body::of(here), Body::of(there)) {
                (Body::Json(Some(our_schema)), Body::Json(Some(their_schema))) => Members {
                    ours: o,
                    theirs: t,
                    direction: Direction::Answer,
                    root: "answer body".to_owned(),
                    found,
                }
                .compare(our_schema, their_schema, true, deviation),
                (Body::Json(_), Body::Json(_)) => {}
                (mine, other) if mine != other => found.push(Difference::new(
                    Class::Breaking,
                    "answer body".to_owned(),
                    format!("{} here, {} upstream", mine.describe(), other.describe()),
                    format!("make the {code} answer {}", other.describe()),
                    deviation,
                )),
                _ => {}
            }
        }
    }
    // Error statuses: every error reaches the caller as it came, so documenting one more or
    // one fewer changes no generated code.
    let is_error = |code: &&String| !code.starts_with('2');
    for (code, response) in our_responses.iter().filter(|(c, _)| is_error(c)) {
        if !their_responses.iter().any(|(c, _)| c == code) {
            found.push(Difference::new(
                Class::Informational,
                format!("status {code}"),
                "not in the published definition".to_owned(),
                format!("remove the {code} response, or declare `x-credkit-deviation` on it"),
                response.deviation.or(declared),
            ));
        }
    }
    for (code, response) in their_responses.iter().filter(|(c, _)| is_error(c)) {
        if !our_responses.iter().any(|(c, _)| c == code) {
            let description = response
                .value
                .and_then(|r| r.get("description"))
                .and_then(Value::as_str)
                .map(|d| format!(" ({})", d.trim()))
                .unwrap_or_default();
            found.push(Difference::new(
                Class::Informational,
                format!("status {code}"),
                format!("documented upstream{description}"),
                format!("document the {code} response"),
                declared,
            ));
        }
    }
}
