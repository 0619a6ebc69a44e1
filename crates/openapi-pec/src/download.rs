//! Writing a downloaded PDF form to a writer or a file as it arrives, never whole in memory.

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};

use futures::StreamExt as _;
use tokio::io::{AsyncWrite, AsyncWriteExt as _};

use crate::Answer;
use crate::generated::ByteStream;
use credkit_runtime::Error;

/// Streams the body of a download (`download_activation_form`, `download_conservation_form`,
/// `download_registry_power_of_attorney`) chunk by chunk.
///
/// A body cut off by the network is an `io::Error` whose inner error is the credkit
/// [`Error`] (`error.get_ref()` and `downcast_ref::<Error>()`).
pub trait Download {
    /// Writes the body to `writer`, flushes it and returns the number of bytes written.
    fn write_to<W>(self, writer: &mut W) -> impl Future<Output = io::Result<u64>> + Send
    where
        W: AsyncWrite + Unpin + Send + ?Sized;

    /// Writes the body to the file `path` and returns its size. The body goes first to
    /// `<path>.part`, renamed to `path` once complete: a failed download leaves neither a
    /// truncated file nor a changed `path`.
    fn save_to_file(
        self,
        path: impl AsRef<Path> + Send,
    ) -> impl Future<Output = io::Result<u64>> + Send;
}

impl Download for Answer<ByteStream> {
    async fn write_to<W>(self, writer: &mut W) -> io::Result<u64>
    where
        W: AsyncWrite + Unpin + Send + ?Sized,
    {
        let mut body = self.into_inner_stream();
        let mut written = 0u64;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| io::Error::other(Error::from(e)))?;
            writer.write_all(&chunk).await?;
            written += chunk.len() as u64;
        }
        writer.flush().await?;
        Ok(written)
    }

    async fn save_to_file(self, path: impl AsRef<Path> + Send) -> io::Result<u64> {
        let path = path.as_ref();
        let partial = partial_path(path)?;
        let result = async {
            let mut file = tokio::fs::File::create(&partial).await?;
            let written = self.write_to(&mut file).await?;
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(&partial, path).await?;
            Ok(written)
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&partial).await;
        }
        result
    }
}

/// `<path>.part`, beside `path`.
fn partial_path(path: &Path) -> io::Result<PathBuf> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} does not name a file", path.display()),
        )
    })?;
    let mut partial = name.to_os_string();
    partial.push(".part");
    Ok(path.with_file_name(partial))
}
