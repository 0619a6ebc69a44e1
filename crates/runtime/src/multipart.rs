//! `multipart/form-data` bodies: [`FilePart`], the value a caller gives for each file member of
//! an upload, and [`Multipart`], which a generated `send` fills with one part per member of the
//! body's type and turns into the form reqwest sends.
//!
//! A file read from a path is streamed when the request is sent, never held in memory; its
//! name is the path's file name unless the caller gives one. Scalar members are text parts,
//! objects (and arrays of objects) `application/json` parts, an array of scalars one part per
//! item, and an absent optional member no part at all, as OpenAPI's default encoding says.

use std::fmt;
use std::path::PathBuf;

use bytes::Bytes;
use reqwest::multipart::{Form, Part};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, ErrorKind};

/// The contents of one file member of a `multipart/form-data` body: bytes, or a file streamed
/// from its path when the request is sent, with a file name and a media type.
///
/// ```
/// use credkit_runtime::FilePart;
/// let scan = FilePart::path("scans/form.pdf");                  // named `form.pdf`
/// let note = FilePart::bytes(b"hello".to_vec())
///     .file_name("note.txt")
///     .media_type("text/plain");
/// # let _ = (scan, note);
/// ```
///
/// Without [`media_type`](Self::media_type) the part is sent with the media type the API
/// description gives the member, else one guessed from the path's extension, else
/// `application/octet-stream`.
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    media_type: Option<String>,
}

#[derive(Clone, PartialEq, Eq)]
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
}

impl FilePart {
    /// A part holding `contents`.
    pub fn bytes(contents: impl Into<Bytes>) -> Self {
        Self {
            source: Source::Bytes(contents.into()),
            file_name: None,
            media_type: None,
        }
    }

    /// A part streamed from the file at `path` when the request is sent (a file that cannot be
    /// opened then is an [`ErrorKind::InvalidRequest`] error, and nothing is sent).
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Self {
            source: Source::Path(path.into()),
            file_name: None,
            media_type: None,
        }
    }

    /// The file name sent in the part's `Content-Disposition`.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's `Content-Type`.
    pub fn media_type(mut self, media_type: impl Into<String>) -> Self {
        self.media_type = Some(media_type.into());
        self
    }

    /// The part reqwest sends; `described` is the member's media type in the API description
    /// (empty when it gives none).
    async fn into_part(self, member: &str, described: &str) -> Result<Part, Error> {
        let invalid = |message: String| Error::new(ErrorKind::InvalidRequest(message));
        let bytes = matches!(self.source, Source::Bytes(_));
        let (part, file_name) = match self.source {
            // Servers tell a file from a text field by its file name: bytes get the member's
            // name unless the caller gives one.
            Source::Bytes(bytes) => (
                Part::bytes(bytes.to_vec()),
                Some(self.file_name.unwrap_or_else(|| member.to_owned())),
            ),
            Source::Path(path) => {
                // `Part::file` streams the file and guesses a media type from its extension.
                let part = Part::file(&path).await.map_err(|e| {
                    invalid(format!(
                        "file part `{member}`: cannot open {}: {e}",
                        path.display()
                    ))
                })?;
                (part, self.file_name)
            }
        };
        let part = match file_name {
            Some(name) => part.file_name(name),
            None => part,
        };
        // A part without a media type would be text/plain (RFC 7578); bytes are
        // application/octet-stream unless someone says otherwise.
        let media_type = self.media_type.as_deref().or(match (described, bytes) {
            ("", true) => Some("application/octet-stream"),
            ("", false) => None,
            (described, _) => Some(described),
        });
        match media_type {
            Some(media_type) => part.mime_str(media_type).map_err(|e| {
                invalid(format!(
                    "file part `{member}`: media type `{media_type}`: {e}"
                ))
            }),
            None => Ok(part),
        }
    }
}

/// Shows what the part is, never its contents.
impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("FilePart");
        match &self.source {
            Source::Bytes(bytes) => debug.field("bytes", &bytes.len()),
            Source::Path(path) => debug.field("path", path),
        };
        debug
            .field("file_name", &self.file_name)
            .field("media_type", &self.media_type)
            .finish()
    }
}

/// A file part is described, not serialized: its file name, media type and where its contents
/// come from (a body type holding one derives `Serialize`, as every generated type does).
impl Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("FilePart", 3)?;
        match &self.source {
            Source::Bytes(bytes) => s.serialize_field("bytes", &bytes.len())?,
            Source::Path(path) => s.serialize_field("path", path)?,
        }
        s.serialize_field("file_name", &self.file_name)?;
        s.serialize_field("media_type", &self.media_type)?;
        s.end()
    }
}

/// A file part read from JSON is a path (`"scans/form.pdf"`): how the command line's
/// `--<member> <path>` and a `--body` file name the files to upload. (Generated types derive
/// `Deserialize`, so a body type holding a file part needs it too.)
impl<'de> serde::Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        PathBuf::deserialize(deserializer).map(FilePart::path)
    }
}

/// What a file member of a body type holds: one part, an optional one, or a list.
pub trait FileParts {
    fn into_file_parts(self) -> Vec<FilePart>;
}

impl FileParts for FilePart {
    fn into_file_parts(self) -> Vec<FilePart> {
        vec![self]
    }
}

impl FileParts for Option<FilePart> {
    fn into_file_parts(self) -> Vec<FilePart> {
        self.into_iter().collect()
    }
}

impl FileParts for Vec<FilePart> {
    fn into_file_parts(self) -> Vec<FilePart> {
        self
    }
}

/// One part waiting for the form: files are opened only when the form is built.
#[derive(Clone)]
enum Pending {
    Text {
        name: &'static str,
        text: String,
        json: bool,
    },
    File {
        name: &'static str,
        file: FilePart,
        described: &'static str,
    },
}

/// A `multipart/form-data` body, filled by a generated builder with one call per member of the
/// body's type, in the order of the type's members.
#[derive(Default, Clone)]
pub struct Multipart {
    parts: Vec<Pending>,
    /// A member that could not be written, reported when the form is built.
    invalid: Option<String>,
}

impl Multipart {
    /// The file member `name`: one part per file it holds, each with the media type `described`
    /// by the API description (`""` when it gives none) unless the file names its own.
    pub fn file(
        mut self,
        name: &'static str,
        files: impl FileParts,
        described: &'static str,
    ) -> Self {
        self.parts.extend(
            files
                .into_file_parts()
                .into_iter()
                .map(|file| Pending::File {
                    name,
                    file,
                    described,
                }),
        );
        self
    }

    /// The member `name` of any other type: nothing when it is absent or `null`, a text part
    /// for a scalar, a part per item for an array of scalars, an `application/json` part for an
    /// object (or an array of objects).
    pub fn value(mut self, name: &'static str, value: &impl Serialize) -> Self {
        let value = match serde_json::to_value(value) {
            Ok(value) => value,
            Err(e) => {
                self.invalid
                    .get_or_insert(format!("multipart member `{name}`: {e}"));
                return self;
            }
        };
        let items = match value {
            Value::Array(items) if items.iter().all(is_scalar) => items,
            other => vec![other],
        };
        for item in items {
            let (text, json) = match item {
                Value::Null => continue,
                Value::String(text) => (text, false),
                scalar @ (Value::Bool(_) | Value::Number(_)) => (scalar.to_string(), false),
                json => (json.to_string(), true),
            };
            self.parts.push(Pending::Text { name, text, json });
        }
        self
    }

    /// The form, files opened (and streamed as the request is sent).
    pub async fn into_form(self) -> Result<Form, Error> {
        if let Some(reason) = self.invalid {
            return Err(Error::new(ErrorKind::InvalidRequest(reason)));
        }
        let mut form = Form::new();
        for pending in self.parts {
            form = match pending {
                Pending::Text { name, text, json } => {
                    let part = Part::text(text);
                    let part = if json {
                        part.mime_str("application/json")
                            .expect("application/json is a valid media type")
                    } else {
                        part
                    };
                    form.part(name, part)
                }
                Pending::File {
                    name,
                    file,
                    described,
                } => form.part(name, file.into_part(name, described).await?),
            };
        }
        Ok(form)
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

#[cfg(test)]
mod tests {
    use super::FilePart;

    #[test]
    fn a_file_part_shows_its_size_and_names_never_its_contents() {
        let part = FilePart::bytes(b"secret scan".to_vec()).file_name("a.pdf");
        let shown = format!("{part:?}");
        assert_eq!(
            shown,
            r#"FilePart { bytes: 11, file_name: Some("a.pdf"), media_type: None }"#
        );
        assert_eq!(
            serde_json::to_value(&part).unwrap(),
            serde_json::json!({ "bytes": 11, "file_name": "a.pdf", "media_type": null })
        );
    }

    #[test]
    fn a_file_part_read_from_json_is_a_path() {
        let part: FilePart = serde_json::from_str(r#""scans/form.pdf""#).unwrap();
        assert_eq!(part, FilePart::path("scans/form.pdf"));
        assert!(serde_json::from_str::<FilePart>("[1, 2]").is_err());
    }
}
