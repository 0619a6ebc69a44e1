//! Reading a spec file and walking its operations.

use std::path::Path;

use serde_json::Value;

use crate::problem::Problem;

/// HTTP methods an OpenAPI path item may hold, in the order operations are listed.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One spec, parsed into a JSON value (YAML is read through serde_yaml).
#[derive(Debug, Clone)]
pub struct Spec {
    /// The service name: the file stem (`rentri-ca`).
    pub service: String,
    /// The file, relative to the workspace root (`specs/rentri-ca.yaml`).
    pub file: String,
    pub doc: Value,
    /// Keys written twice in the text (serde_yaml kept the last): the parser refuses them.
    pub duplicate_keys: Vec<crate::spec_text::DuplicateKey>,
}

/// One operation of a spec.
pub struct Operation<'a> {
    pub method: &'static str,
    pub path: &'a str,
    pub path_item: &'a Value,
    pub op: &'a Value,
}

impl<'a> Operation<'a> {
    pub fn id(&self) -> Option<&'a str> {
        self.op.get("operationId").and_then(Value::as_str)
    }

    /// `GET /credentials/{id} (get_credentials)`: how problems name an operation.
    pub fn location(&self) -> String {
        match self.id() {
            Some(id) => format!("{} {} ({id})", self.method.to_uppercase(), self.path),
            None => format!("{} {}", self.method.to_uppercase(), self.path),
        }
    }
}

impl Spec {
    /// Reads and parses `path`; `file` is how problems name it.
    pub fn load(path: &Path, file: &str) -> Result<Self, Problem> {
        Self::parse(&Self::read(path, file)?, file)
    }

    /// The text of the file at `path`; a byte that is not UTF-8 is named by line and column.
    pub fn read(path: &Path, file: &str) -> Result<String, Problem> {
        let bytes = std::fs::read(path)
            .map_err(|e| Problem::new(file, None, format!("cannot read: {e}")))?;
        crate::spec_text::utf8(bytes).map_err(|message| Problem::new(file, None, message))
    }

    /// Parses spec text; `file` names it in problems and gives the service name.
    pub fn parse(text: &str, file: &str) -> Result<Self, Problem> {
        let doc = crate::spec_text::document(text).map_err(|e| Problem::new(file, None, e))?;
        if !doc.is_object() {
            return Err(Problem::new(
                file,
                None,
                "not an OpenAPI document (expected a mapping at the top)",
            ));
        }
        let service = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        Ok(Self {
            service,
            file: file.to_owned(),
            doc,
            duplicate_keys: crate::spec_text::duplicate_keys(text),
        })
    }

    pub fn problem(&self, location: Option<String>, message: impl Into<String>) -> Problem {
        Problem::new(&self.file, location, message)
    }

    /// Every operation, in path order then method order.
    pub fn operations(&self) -> Vec<Operation<'_>> {
        let mut operations = Vec::new();
        if let Some(paths) = self.doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                for method in METHODS {
                    if let Some(op) = item.get(method) {
                        operations.push(Operation {
                            method,
                            path,
                            path_item: item,
                            op,
                        });
                    }
                }
            }
        }
        operations
    }

    /// Follows a chain of local `$ref`s (`#/components/...`) to its end; other values are
    /// returned as they are. `None` when a reference does not resolve or comes back on itself
    /// ([`crate::schema_refs::follow`]).
    pub fn resolve<'a>(&'a self, value: &'a Value) -> Option<&'a Value> {
        crate::schema_refs::follow(&self.doc, value)
    }

    /// `info.<key>` as a string.
    pub fn info_str(&self, key: &str) -> Option<&str> {
        self.doc
            .get("info")
            .and_then(|i| i.get(key))
            .and_then(Value::as_str)
    }

    /// The component schemas, if any.
    pub fn schemas(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
    }
}

/// The start every small test spec shares: one production server, bearer authentication, the
/// error schema `Problem`; the test's own schemas follow, indented under `schemas:`, then its
/// `paths`.
#[cfg(test)]
macro_rules! test_spec_head {
    () => {
        r#"openapi: 3.0.3
info: { title: Fixture, version: '1', x-credkit-error-schema: Problem }
servers: [{ url: 'https://api.example.com', x-credkit-environment: production }]
security: [{ bearer: [] }]
components:
  securitySchemes: { bearer: { type: http, scheme: bearer } }
  schemas:
    Problem: { type: object, properties: { title: { type: string } } }
"#
    };
}
#[cfg(test)]
pub(crate) use test_spec_head;
