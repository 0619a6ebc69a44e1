//! A loopback HTTP/1.1 server that answers with exactly the bytes a test gives it.
//!
//! httpmock always sends well-formed answers. The hostile-server tests need what real servers
//! and proxies also send: a `Content-Length` longer than the body, a connection closed
//! mid-body, a body that never comes, bytes that are not HTTP at all. Each connection serves
//! one request and is then closed, so that no answer depends on an earlier one.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as it arrived: the request target is raw, as the client encoded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRequest {
    /// `GET`, `PUT`, ...
    pub method: String,
    /// The request target exactly as sent, e.g. `/credentials/a%2Fb/status?x=1`.
    pub target: String,
    /// Header names in lower case, with their values.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The path of the request target, still percent-encoded.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request.
#[derive(Clone, Debug)]
pub struct Reply {
    /// Waited before anything is written.
    pub delay: Duration,
    /// Written as they are: status line, headers and body, or anything else.
    pub bytes: Vec<u8>,
    /// Waited after writing, before the connection is closed.
    pub linger: Duration,
}

impl Reply {
    /// These exact bytes, then the connection is closed.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            delay: Duration::ZERO,
            bytes: bytes.into(),
            linger: Duration::ZERO,
        }
    }

    /// A well-formed answer with `Content-Length`, `Connection: close` and these headers.
    pub fn http(status: u16, headers: &[(&str, &str)], body: impl AsRef<[u8]>) -> Self {
        let body = body.as_ref();
        let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        ));
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        Self::raw(bytes)
    }

    /// The same reply, written only after `delay`.
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// The same reply, with the connection kept open `linger` after writing.
    pub fn lingering(mut self, linger: Duration) -> Self {
        self.linger = linger;
        self
    }
}

fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown")
}

type Responder = dyn Fn(&RawRequest) -> Reply + Send + Sync;

/// The server; it stops when dropped.
pub struct RawServer {
    address: SocketAddr,
    requests: Arc<Mutex<Vec<RawRequest>>>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    /// Starts a server on 127.0.0.1 that answers every request with `respond(request)`.
    pub async fn start(respond: impl Fn(&RawRequest) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let address = listener.local_addr().expect("a bound address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let respond: Arc<Responder> = Arc::new(respond);
        let recorded = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let respond = Arc::clone(&respond);
                let recorded = Arc::clone(&recorded);
                tokio::spawn(async move { serve(stream, &*respond, &recorded).await });
            }
        });
        Self {
            address,
            requests,
            task,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The requests received so far, in order of arrival.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.requests.lock().expect("not poisoned").clone()
    }

    /// Forgets the requests received so far.
    pub fn clear(&self) {
        self.requests.lock().expect("not poisoned").clear();
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, respond: &Responder, recorded: &Mutex<Vec<RawRequest>>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let reply = respond(&request);
    recorded.lock().expect("not poisoned").push(request);
    tokio::time::sleep(reply.delay).await;
    if stream.write_all(&reply.bytes).await.is_err() {
        return;
    }
    let _ = stream.flush().await;
    tokio::time::sleep(reply.linger).await;
    let _ = stream.shutdown().await;
}

/// Reads one request: head, then a body of `Content-Length` bytes. `None` if the client went
/// away first.
async fn read_request(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    Some(RawRequest {
        method,
        target,
        headers,
        body,
    })
}
