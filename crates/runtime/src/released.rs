//! A large JSON answer decoded as its chunks are released: the body is never held whole beside
//! the value decoded from it.
//!
//! Decoding a body into its type from one buffer holds both at the end of the decoding: the
//! body (1×) and the value (2.25× for PEC's list of mailboxes, whose 150 bytes of JSON a
//! mailbox are a struct of `Option<String>`s), 3.25× in all (BENCHMARKS.md, "Command line:
//! large answers"). Here the decoder reads the body's chunks in turn and each is dropped once
//! read; what was read is kept as an LZ4 frame (a tenth to a fifth of JSON's size), so that
//! when the body does not decode, or the service refuses the call in it, the error still
//! carries the raw body, rebuilt byte for byte.

use std::collections::VecDeque;
use std::io::{Read, Write as _};

use bytes::{Buf as _, Bytes};
use serde::de::DeserializeOwned;

/// A body at least this long is decoded as it is released; a shorter one from one buffer,
/// which is quicker (a call's cost is measured in BENCHMARKS.md).
pub(crate) const RELEASED_FROM: usize = 8 << 20;

/// The chunks of a large body not read yet, and a compressed copy of those read.
#[derive(Default)]
pub(crate) struct Released {
    chunks: VecDeque<Bytes>,
    /// What the decoder has read, compressed; `None` until it reads.
    spent: Option<lz4_flex::frame::FrameEncoder<Vec<u8>>>,
}

impl Released {
    pub(crate) fn new(chunks: impl IntoIterator<Item = Bytes>) -> Self {
        Self {
            chunks: chunks.into_iter().collect(),
            spent: None,
        }
    }

    /// `T` decoded from the chunks, each dropped once read; `None` when the body does not
    /// decode (its bytes are then [`Released::body`]).
    pub(crate) fn decode<T: DeserializeOwned>(&mut self) -> Option<T> {
        let mut reader = Spending {
            released: self,
            current: Bytes::new(),
        };
        let decoded = {
            // A buffer, so that the parser reads its bytes from memory rather than one `read`
            // call each.
            let buffered = std::io::BufReader::with_capacity(1 << 16, &mut reader);
            serde_json::from_reader(buffered)
        };
        // What the decoder had not reached goes back in front of the rest.
        let rest = std::mem::take(&mut reader.current);
        if !rest.is_empty() {
            self.chunks.push_front(rest);
        }
        decoded.ok()
    }

    /// The whole body as it came: what was read, uncompressed, then what was not.
    pub(crate) fn body(self) -> Bytes {
        let mut body = Vec::new();
        if let Some(spent) = self.spent {
            // Written to memory and read back from memory: neither can fail but by a bug.
            let compressed = spent.finish().unwrap_or_default();
            let _ =
                lz4_flex::frame::FrameDecoder::new(compressed.as_slice()).read_to_end(&mut body);
        }
        self.chunks
            .iter()
            .for_each(|chunk| body.extend_from_slice(chunk));
        body.into()
    }
}

/// Reads a [`Released`]'s chunks, keeping each byte read in its compressed copy.
struct Spending<'a> {
    released: &'a mut Released,
    /// The part of the chunk being read that is not read yet.
    current: Bytes,
}

impl Read for Spending<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.released.chunks.pop_front() {
                Some(chunk) => self.current = chunk,
                None => return Ok(0),
            }
        }
        let read = buf.len().min(self.current.len());
        buf[..read].copy_from_slice(&self.current[..read]);
        self.released
            .spent
            .get_or_insert_with(|| lz4_flex::frame::FrameEncoder::new(Vec::new()))
            .write_all(&buf[..read])?;
        self.current.advance(read);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunked(text: &str, size: usize) -> Released {
        Released::new(
            text.as_bytes()
                .chunks(size)
                .map(Bytes::copy_from_slice)
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn a_body_decodes_across_its_chunks() {
        let mut released = chunked(r#"{"a": [1, 2, 3], "b": "text"}"#, 3);
        let value: serde_json::Value = released.decode().unwrap();
        assert_eq!(value, serde_json::json!({"a": [1, 2, 3], "b": "text"}));
    }

    #[test]
    fn a_body_that_does_not_decode_is_rebuilt_byte_for_byte() {
        let text = format!(
            r#"{{"a": [{}], "b": oops, "c": 1}}"#,
            "7,".repeat(10_000) + "7"
        );
        let mut released = chunked(&text, 1000);
        assert!(released.decode::<serde_json::Value>().is_none());
        assert_eq!(released.body(), Bytes::from(text));
        // Decoded into a type it does not fit, too.
        let mut released = chunked(r#"{"a": 1}"#, 2);
        assert!(released.decode::<Vec<u8>>().is_none());
        assert_eq!(released.body(), Bytes::from_static(br#"{"a": 1}"#));
    }
}
