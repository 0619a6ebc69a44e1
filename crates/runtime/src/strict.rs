//! Strict mode: for callers who want an error rather than an answer some of whose members did
//! not fit their types (see `tolerant.rs`). Request bodies are always checked strictly, by
//! their types, before they are sent.

use crate::execute::Runtime;

impl Runtime {
    /// The same runtime refusing answers with members that do not fit their types
    /// (`strict: true`) or reading them tolerantly (`false`, the default).
    pub fn with_strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Whether answers with members that do not fit their types are errors; read by each
    /// generated `send`.
    pub fn strict(&self) -> bool {
        self.strict
    }
}
