//! The benchmarks' HTTP server: hyper's HTTP/1.1 connection handling and nothing else, on
//! 127.0.0.1, on a thread and runtime of its own. Each route answers a canned body built once
//! (handing it out clones a reference count), so the server costs the same per request
//! whichever client calls it. httpmock matches every request against its mock rules and
//! Prism validates against the spec: both cost more than the client being measured.
//!
//! Request bodies are read frame by frame and dropped, never collected, so that an upload
//! costs the server no memory; the PDF route streams a generated body of any size the same way.

// Each benchmark is its own crate and uses part of this module.
#![allow(dead_code)]

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Either, Full};
use hyper::body::{Body, Frame, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

/// What a route answers.
#[derive(Clone)]
pub enum Answer {
    /// This status and JSON body (an empty body sends no `Content-Type`).
    Json(StatusCode, Bytes),
    /// `200` with an `application/pdf` body of this many bytes, generated as it is sent.
    Pdf(u64),
}

/// One method and path (without query) and its answer.
#[derive(Clone)]
pub struct Route {
    pub method: Method,
    pub path: String,
    pub answer: Answer,
}

impl Route {
    pub fn json(method: Method, path: impl Into<String>, status: u16, body: &str) -> Self {
        Self {
            method,
            path: path.into(),
            answer: Answer::Json(
                StatusCode::from_u16(status).expect("a valid status"),
                Bytes::copy_from_slice(body.as_bytes()),
            ),
        }
    }

    pub fn pdf(path: impl Into<String>, size: u64) -> Self {
        Self {
            method: Method::GET,
            path: path.into(),
            answer: Answer::Pdf(size),
        }
    }
}

/// A running server; it stops with the process.
pub struct StubServer {
    base_url: String,
}

impl StubServer {
    /// Binds 127.0.0.1 on a free port and serves `routes` from a new thread. A request no
    /// route matches is answered `404`, which the benchmarks treat as a failure.
    pub fn start(routes: Vec<Route>) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking socket");
        let base_url = format!("http://{}", listener.local_addr().expect("a bound address"));
        let routes: Arc<[Route]> = routes.into();
        std::thread::Builder::new()
            .name("stub-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a tokio runtime");
                runtime.block_on(serve(listener, routes));
            })
            .expect("spawn the server thread");
        Self { base_url }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

async fn serve(listener: std::net::TcpListener, routes: Arc<[Route]>) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        // Small answers must leave at once, not after Nagle's delay.
        let _ = stream.set_nodelay(true);
        let routes = routes.clone();
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |request| answer(request, routes.clone()));
            // A client closing its connection mid-answer is not the server's failure.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

type AnswerBody = Either<Full<Bytes>, PdfBody>;

async fn answer(
    request: Request<Incoming>,
    routes: Arc<[Route]>,
) -> Result<Response<AnswerBody>, Infallible> {
    let route = routes
        .iter()
        .find(|r| r.method == request.method() && r.path == request.uri().path())
        .map(|r| r.answer.clone());
    let mut body = request.into_body();
    while let Some(frame) = body.frame().await {
        if frame.is_err() {
            break;
        }
    }
    let response = match route {
        Some(Answer::Json(status, bytes)) => {
            let empty = bytes.is_empty();
            let mut response = Response::new(Either::Left(Full::new(bytes)));
            *response.status_mut() = status;
            if !empty {
                response
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            response
        }
        Some(Answer::Pdf(size)) => {
            let mut response = Response::new(Either::Right(PdfBody::new(size)));
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
            headers.insert(CONTENT_LENGTH, HeaderValue::from(size));
            response
        }
        None => {
            let mut response = Response::new(Either::Left(Full::new(Bytes::new())));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    };
    Ok(response)
}

/// How much of the PDF each frame carries.
const PDF_CHUNK: usize = 64 * 1024;

/// A PDF-looking body of a fixed size (`%PDF-1.7` header, pseudo-random bytes, `%%EOF`),
/// produced frame by frame from one shared chunk: the server never holds more than 64 KiB of it.
pub struct PdfBody {
    remaining: u64,
    started: bool,
    chunk: Bytes,
}

impl PdfBody {
    const HEADER: &'static [u8] = b"%PDF-1.7\n";
    const TRAILER: &'static [u8] = b"\n%%EOF\n";

    fn new(size: u64) -> Self {
        assert!(
            size >= (Self::HEADER.len() + Self::TRAILER.len()) as u64,
            "a PDF needs room for its header and trailer"
        );
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut chunk = Vec::with_capacity(PDF_CHUNK);
        while chunk.len() < PDF_CHUNK {
            // xorshift: incompressible bytes, like the images in a scanned form.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.extend_from_slice(&state.to_le_bytes());
        }
        Self {
            remaining: size,
            started: false,
            chunk: chunk.into(),
        }
    }
}

impl Body for PdfBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = &mut *self;
        if !this.started {
            this.started = true;
            this.remaining -= Self::HEADER.len() as u64;
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(Self::HEADER)))));
        }
        let trailer = Self::TRAILER.len() as u64;
        if this.remaining == 0 {
            return Poll::Ready(None);
        }
        if this.remaining == trailer {
            this.remaining = 0;
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(Self::TRAILER)))));
        }
        let take = (this.remaining - trailer).min(PDF_CHUNK as u64);
        this.remaining -= take;
        Poll::Ready(Some(Ok(Frame::data(this.chunk.slice(..take as usize)))))
    }

    fn is_end_stream(&self) -> bool {
        self.started && self.remaining == 0
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        hyper::body::SizeHint::with_exact(self.remaining)
    }
}
