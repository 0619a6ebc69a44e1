//! `documenti`: one base64-encoded file, or several, built from bytes or files.

use std::io;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::generated::types::Documenti;

impl Documenti {
    /// One document, sent as a single base64 string (`"documenti": "JVBERi0x..."`).
    pub fn from_bytes(document: impl AsRef<[u8]>) -> Self {
        Self::String(STANDARD.encode(document))
    }

    /// Several documents, sent as a list of base64 strings (`"documenti": ["...", "..."]`),
    /// in the order given.
    pub fn from_many<D: AsRef<[u8]>>(documents: impl IntoIterator<Item = D>) -> Self {
        Self::Array(documents.into_iter().map(|d| STANDARD.encode(d)).collect())
    }

    /// One document read from a file, sent as a single base64 string.
    ///
    /// Reads with `std::fs` (blocking); in async code you may prefer `tokio::fs::read` and
    /// [`Documenti::from_bytes`]. An empty file is refused: the service would reject it.
    pub fn from_file(path: impl AsRef<Path>) -> io::Result<Self> {
        read(path.as_ref()).map(Self::from_bytes)
    }

    /// Documents read from files, sent as a list of base64 strings in the order given.
    ///
    /// Blocking, like [`Documenti::from_file`]. An empty file, or no file at all, is refused.
    pub fn from_files<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> io::Result<Self> {
        let documents = paths
            .into_iter()
            .map(|path| read(path.as_ref()))
            .collect::<io::Result<Vec<_>>>()?;
        if documents.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "no document given: the service needs at least one",
            ));
        }
        Ok(Self::from_many(documents))
    }

    /// The base64 strings as sent, one per document.
    pub fn encoded(&self) -> Vec<&str> {
        match self {
            Self::String(one) => vec![one.as_str()],
            Self::Array(many) => many.iter().map(String::as_str).collect(),
        }
    }

    /// How many documents there are.
    pub fn len(&self) -> usize {
        match self {
            Self::String(_) => 1,
            Self::Array(many) => many.len(),
        }
    }

    /// Whether there is no document (an empty list).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The documents' bytes, decoded from base64.
    pub fn decode(&self) -> Result<Vec<Vec<u8>>, base64::DecodeError> {
        self.encoded()
            .into_iter()
            .map(|d| STANDARD.decode(d))
            .collect()
    }
}

fn read(path: &Path) -> io::Result<Vec<u8>> {
    let bytes = std::fs::read(path)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display())))?;
    if bytes.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} is empty", path.display()),
        ));
    }
    Ok(bytes)
}
