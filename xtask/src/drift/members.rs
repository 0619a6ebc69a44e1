//! Two schemas, ours and the published one, compared member by member: types, required,
//! nullable, enum values, and what each difference means for credkit's users depending on the
//! direction the schema travels (a new required member breaks a request, not an answer).

use serde_json::Value;

use super::schema::{Document, Kind, Schema, view};
use super::{Class, Difference};

/// Which way a schema travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Sent by credkit's users: parameters and request bodies.
    Request,
    /// Sent by the service: success answers.
    Answer,
}

impl Direction {
    fn word(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Answer => "answer",
        }
    }
}

/// One comparison of a schema and everything under it.
pub struct Members<'a, 'o> {
    pub ours: Document<'a>,
    pub theirs: Document<'a>,
    pub direction: Direction,
    /// How the compared schema itself is named: `query parameter \`pin\``, `request body`.
    pub root: String,
    pub found: &'o mut Vec<Difference>,
}

impl<'a> Members<'a, '_> {
    /// Compares the schema `ours` with `theirs`; `deviation` is the one declared around it, and
    /// `required` whether credkit's users must give it (a parameter) or its answer always has it.
    pub fn compare(
        &mut self,
        ours: &'a Value,
        theirs: &'a Value,
        required: bool,
        deviation: Option<&'a str>,
    ) {
        let root = Node {
            path: String::new(),
            required,
            deviation,
        };
        self.node(ours, theirs, &root, &mut Vec::new());
    }

    /// `request member \`ChangePinRequest.new_pin\``, or the root's name.
    fn place(&self, path: &str) -> String {
        if path.is_empty() {
            self.root.clone()
        } else {
            format!("{} member `{path}`", self.direction.word())
        }
    }

    fn push(&mut self, class: Class, at: &Node<'_>, change: String, fix: String) {
        self.found.push(Difference::new(
            class,
            self.place(&at.path),
            change,
            fix,
            at.deviation,
        ));
    }

    /// Compares `ours` with `theirs`, and their members and items; `entered` holds the pairs
    /// being compared, so that a recursive schema is compared once, not again inside itself.
    fn node(
        &mut self,
        ours: &'a Value,
        theirs: &'a Value,
        at: &Node<'a>,
        entered: &mut Vec<(*const Value, *const Value)>,
    ) {
        let o = view(self.ours, ours);
        let t = view(self.theirs, theirs);
        let at = Node {
            deviation: o.deviation.or(at.deviation),
            ..at.clone()
        };
        let place = self.place(&at.path);
        let (here, there) = (o.type_name(), t.type_name());
        if here != there {
            if matches!(t.kind, Kind::Any) {
                self.push(
                    Class::Informational,
                    &at,
                    format!("type: `{here}` here, not described upstream"),
                    "nothing to change: the published definition gives no type".to_owned(),
                );
            } else {
                self.push(
                    Class::Breaking,
                    &at,
                    format!("type: `{here}` here, `{there}` upstream"),
                    format!("make {place} `{there}`"),
                );
            }
            return;
        }
        self.nullable(&o, &t, &at);
        self.values(&o, &t, &at);
        let pair = (std::ptr::from_ref(ours), std::ptr::from_ref(theirs));
        if entered.contains(&pair) {
            return;
        }
        entered.push(pair);
        match (&o.kind, &t.kind) {
            (Kind::Array(Some(ours)), Kind::Array(Some(theirs))) => {
                let items = Node {
                    path: format!("{}[]", at.path),
                    required: true,
                    deviation: at.deviation,
                };
                self.node(ours, theirs, &items, entered);
            }
            (
                Kind::Object {
                    members: ours,
                    required: ours_required,
                },
                Kind::Object {
                    members: theirs,
                    required: theirs_required,
                },
            ) => {
                let child = |name: &str| match (&o.component, at.path.is_empty()) {
                    (Some(component), _) => format!("{component}.{name}"),
                    (None, true) => name.to_owned(),
                    (None, false) => format!("{}.{name}", at.path),
                };
                for (name, member) in ours {
                    let member_at = Node {
                        path: child(name),
                        required: ours_required.contains(name),
                        deviation: self.ours.follow(member).deviation.or(at.deviation),
                    };
                    match theirs.iter().find(|(n, _)| n == name) {
                        None => self.push(
                            Class::Breaking,
                            &member_at,
                            "not in the published definition".to_owned(),
                            format!(
                                "remove {}, or declare `x-credkit-deviation` on it",
                                self.place(&member_at.path)
                            ),
                        ),
                        Some((_, their_member)) => {
                            self.required(theirs_required.contains(name), &member_at);
                            self.node(member, their_member, &member_at, entered);
                        }
                    }
                }
                for (name, member) in theirs {
                    if ours.iter().any(|(n, _)| n == name) {
                        continue;
                    }
                    let required = theirs_required.contains(name);
                    let class = match (self.direction, required) {
                        (Direction::Request, true) => Class::Breaking,
                        _ => Class::Compatible,
                    };
                    let kind = view(self.theirs, member).type_name();
                    let which = if required { "required" } else { "optional" };
                    let member_at = Node {
                        path: child(name),
                        ..at.clone()
                    };
                    let fix = format!("add {} (`{kind}`, {which})", self.place(&member_at.path));
                    self.push(
                        class,
                        &member_at,
                        format!("new {which} member upstream (`{kind}`)"),
                        fix,
                    );
                }
            }
            _ => {}
        }
        entered.pop();
    }

    /// Required here (`at.required`) and upstream (`theirs`). An answer member credkit keeps
    /// optional although upstream always sends it is the leniency rule of specs/README.md, not
    /// a difference.
    fn required(&mut self, theirs: bool, at: &Node<'_>) {
        if at.required == theirs {
            return;
        }
        let place = self.place(&at.path);
        let (class, change, fix) = match (self.direction, theirs) {
            (Direction::Request, true) => (
                Class::Breaking,
                "required upstream, optional here",
                format!("make {place} required"),
            ),
            (Direction::Request, false) => (
                Class::Compatible,
                "optional upstream, required here",
                format!("make {place} optional"),
            ),
            (Direction::Answer, true) => return,
            (Direction::Answer, false) => (
                Class::Breaking,
                "optional upstream, required here: an answer without it would not parse",
                format!("make {place} optional"),
            ),
        };
        self.push(class, at, change.to_owned(), fix);
    }

    /// `nullable` only changes a Rust type on a required member; on an optional one it changes
    /// whether `null` may be written, and an absent member and a `null` both read as `None`.
    /// A nullable answer member is the leniency rule of specs/README.md, not a difference.
    fn nullable(&mut self, o: &Schema<'_>, t: &Schema<'_>, at: &Node<'_>) {
        if o.nullable == t.nullable {
            return;
        }
        let place = self.place(&at.path);
        let class = match (self.direction, t.nullable, at.required) {
            (Direction::Answer, false, _) => return,
            (Direction::Answer, true, true) | (Direction::Request, false, true) => Class::Breaking,
            (Direction::Request, true, true) => Class::Compatible,
            (_, _, false) => Class::Informational,
        };
        let (change, fix) = if t.nullable {
            (
                "nullable upstream, not here",
                format!("add `nullable: true` to {place}"),
            )
        } else {
            (
                "not nullable upstream, nullable here",
                format!("remove `nullable: true` from {place}"),
            )
        };
        let why = match (self.direction, at.required) {
            (Direction::Answer, true) => ": a null would not parse",
            (Direction::Answer, false) => " (a null reads as absent)",
            (Direction::Request, _) => "",
        };
        self.push(class, at, format!("{change}{why}"), fix);
    }

    /// Enum values; no `enum` is any value. Values only upstream can be added to a request
    /// (compatible) and break an answer unless its enum is open; values only here may be
    /// refused in a request (breaking) and are harmless in an answer.
    fn values(&mut self, o: &Schema<'_>, t: &Schema<'_>, at: &Node<'_>) {
        let place = self.place(&at.path);
        let request = self.direction == Direction::Request;
        let (upstream_more, here_more) = match (&o.values, &t.values) {
            (None, None) => return,
            (Some(_), None) => (Some("any value upstream, an enum here".to_owned()), None),
            (None, Some(values)) => (
                None,
                Some(format!(
                    "an enum upstream ({}), any value here",
                    list(values)
                )),
            ),
            (Some(ours), Some(theirs)) => {
                let added: Vec<&String> = theirs.difference(ours).collect();
                let removed: Vec<&String> = ours.difference(theirs).collect();
                (
                    (!added.is_empty())
                        .then(|| format!("enum values added upstream: {}", list(added))),
                    (!removed.is_empty())
                        .then(|| format!("enum values not upstream: {}", list(removed))),
                )
            }
        };
        if let Some(change) = upstream_more {
            let class = match (request, o.open_enum) {
                (true, _) => Class::Compatible,
                (false, true) => Class::Informational,
                (false, false) => Class::Breaking,
            };
            let fix = match &t.values {
                Some(_) => format!("add them to the `enum` of {place}"),
                None if request => format!("drop the `enum` of {place}"),
                None => format!("make {place} `x-credkit-open-enum`, or drop its `enum`"),
            };
            self.push(class, at, change, fix);
        }
        if let Some(change) = here_more {
            let class = if request {
                Class::Breaking
            } else {
                Class::Informational
            };
            let fix = match &o.values {
                Some(_) => format!("remove them from the `enum` of {place}"),
                None => format!("give {place} the published `enum`"),
            };
            self.push(class, at, change, fix);
        }
    }
}

/// Where a compared schema is.
#[derive(Clone)]
struct Node<'a> {
    /// `ChangePinRequest.new_pin`, `siti[].nome`; empty for the root.
    path: String,
    /// Required here (always, for array items).
    required: bool,
    deviation: Option<&'a str>,
}

/// `"A", "B"`.
fn list<'s>(values: impl IntoIterator<Item = &'s String>) -> String {
    values
        .into_iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}
