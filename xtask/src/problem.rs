//! A refused input, named by file and operation, in words a spec author can act on.

use std::fmt;

/// Something wrong with a spec (or with generating from it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The spec file, relative to the workspace root (`specs/rentri-ca.yaml`).
    pub file: String,
    /// The operation (`GET /credentials/{id} (get_credentials)`) or other place in the spec.
    pub location: Option<String>,
    /// What is wrong and, where it helps, what to write instead.
    pub message: String,
}

impl Problem {
    pub fn new(file: &str, location: Option<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            location,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{}: {}: {}", self.file, location, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}
