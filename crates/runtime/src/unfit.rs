//! The members of an answer that did not fit their types, as the tolerant reader found them.

use std::fmt;

/// One member of an answer whose value did not fit the type the spec gives it, and what the
/// reader made of it. [`crate::Answer::unfit`] lists them; a client built with
/// [`crate::ClientBuilder::strict`] refuses such an answer instead.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct Unfit {
    /// Where the member is, as a JSON pointer into the answer: `/credential/annotations`,
    /// `/data/0/timestamp/scadenza`.
    pub path: String,
    /// The type the spec gives it: `integer`, `date-time`, `object Credential`.
    pub expected: String,
    /// The value as it arrived; `None` when the member is a secret (`x-credkit-secret`), whose
    /// value credkit never keeps outside the typed answer.
    pub raw: Option<serde_json::Value>,
    /// What the answer holds instead.
    pub read_as: ReadAs,
}

/// What the tolerant reader made of a member that did not fit its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReadAs {
    /// Read as the intended type: a number or boolean sent as a string (`"2048"`, `"true"`), a
    /// number or boolean where text is expected, a whole number written `2048.0`, a date-time
    /// without an offset (taken as UTC) or with a space for `T`.
    Converted,
    /// Left out: the member reads as absent (an item of a list or a map is left out of it). An
    /// empty string where a number or a boolean is expected reads as absent too.
    Absent,
}

impl fmt::Debug for Unfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unfit")
            .field("path", &self.path)
            .field("expected", &self.expected)
            .field("raw", &RawValue(self.raw.as_ref()))
            .field("read_as", &self.read_as)
            .finish()
    }
}

impl Unfit {
    /// `/id: expected integer, found "578"`: what did not fit, without what was made of it.
    pub(crate) fn mismatch(&self) -> String {
        format!(
            "{}: expected {}, found {:?}",
            if self.path.is_empty() {
                "/"
            } else {
                &self.path
            },
            self.expected,
            RawValue(self.raw.as_ref()),
        )
    }
}

impl fmt::Display for Unfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let read_as = match self.read_as {
            ReadAs::Converted => "read as that type",
            ReadAs::Absent => "read as absent",
        };
        write!(f, "{} ({read_as})", self.mismatch())
    }
}

/// A raw value as JSON text, or `<redacted>` for a secret.
struct RawValue<'a>(Option<&'a serde_json::Value>);

impl fmt::Debug for RawValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(value) => write!(f, "{value}"),
            None => f.write_str("<redacted>"),
        }
    }
}
