//! A seam for tools built on the clients: see each request as it would be sent, keep it from
//! being sent, and see each final answer before the generated code decodes it.
//!
//! The credkit command line prints a request instead of sending it (`--dry-run`) and prints
//! the server's own bytes (`--raw`) through this seam, so that what it shows is exactly what
//! the library sends and receives: the same credentials, signatures, headers and retries.

use std::fmt;
use std::ops::ControlFlow;

/// Sees the requests of a client and its answers; set with
/// [`ClientBuilder::interceptor`](crate::ClientBuilder::interceptor).
pub trait Interceptor: Send + Sync {
    /// Called with each attempt's request as it is about to be sent: credentials applied,
    /// `User-Agent` set, credential headers marked sensitive. `Break(reason)` keeps it from
    /// being sent: the call then fails with [`ErrorKind::NotSent`](crate::ErrorKind::NotSent)
    /// and nothing reaches the network.
    fn before_send(&self, request: &reqwest::Request) -> ControlFlow<String> {
        let _ = request;
        ControlFlow::Continue(())
    }

    /// Called with the final answer of a call (after retries), before the generated code reads
    /// it; returns the answer the generated code reads. The body has not been read yet: wrap
    /// it, do not buffer it, so that downloads stay streamed.
    fn on_response(&self, response: reqwest::Response) -> reqwest::Response {
        response
    }
}

/// The interceptor of a builder or runtime, if any, shared by the runtime's clones; its
/// `Debug` says whether there is one.
#[derive(Clone, Default)]
pub(crate) struct Slot(pub(crate) Option<std::sync::Arc<dyn Interceptor>>);

impl fmt::Debug for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Some(..)" } else { "None" })
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::ops::ControlFlow;
    use std::sync::{Arc, Mutex};

    use progenitor_client::OperationInfo;

    use super::Interceptor;
    use crate::{Auth, AuthScheme, ErrorKind, OperationMeta, RetryPolicy, Runtime, ServiceInfo};

    const SERVICE: ServiceInfo = ServiceInfo {
        name: "seen",
        title: "Seen",
        env_prefix: "SEEN",
        auth: AuthScheme::Bearer,
        servers: &[],
        operations: &[OperationMeta {
            id: "get_thing",
            method: "GET",
            path: "/thing",
            anonymous: false,
            idempotent: true,
            secret_headers: &[],
            rate_limit: None,
            limits: &[],
        }],
        credential_headers: &[],
        follow_redirects: true,
        rate_limit: None,
    };

    /// Records what it saw; stops every request when `stop` is set.
    #[derive(Default)]
    struct Recorder {
        stop: bool,
        requests: Mutex<Vec<(String, bool)>>,
        answers: Mutex<Vec<u16>>,
    }

    impl Interceptor for Arc<Recorder> {
        fn before_send(&self, request: &reqwest::Request) -> ControlFlow<String> {
            let authorization = request.headers().get("authorization");
            let sensitive = authorization.is_some_and(|v| v.is_sensitive());
            self.requests
                .lock()
                .unwrap()
                .push((request.url().path().to_owned(), sensitive));
            if self.stop {
                ControlFlow::Break("dry run".into())
            } else {
                ControlFlow::Continue(())
            }
        }

        fn on_response(&self, response: reqwest::Response) -> reqwest::Response {
            self.answers
                .lock()
                .unwrap()
                .push(response.status().as_u16());
            response
        }
    }

    fn runtime(recorder: &Arc<Recorder>) -> Runtime {
        Runtime::new(&SERVICE, Auth::bearer("t0ken"), RetryPolicy::disabled())
            .with_interceptor(recorder.clone())
    }

    fn request(url: &str) -> reqwest::Request {
        reqwest::Client::new().get(url).build().unwrap()
    }

    fn info() -> OperationInfo {
        OperationInfo {
            operation_id: "get_thing",
        }
    }

    #[tokio::test]
    async fn a_stopped_request_is_seen_with_its_credentials_and_never_sent() {
        // Nothing listens here: a request that reached the network would fail to connect.
        let closed = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/thing", closed.local_addr().unwrap());
        drop(closed);
        let recorder = Arc::new(Recorder {
            stop: true,
            ..Recorder::default()
        });
        let error = runtime(&recorder)
            .execute(&reqwest::Client::new(), request(&url), &info())
            .await
            .unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::NotSent(reason) if reason == "dry run"),
            "{error:?}"
        );
        assert_eq!(error.operation(), Some("get_thing"));
        assert_eq!(error.to_string(), "seen get_thing: not sent: dry run");
        // Seen once, with the credential applied and marked sensitive.
        assert_eq!(
            *recorder.requests.lock().unwrap(),
            [("/thing".to_owned(), true)]
        );
        assert!(recorder.answers.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_sent_request_and_its_answer_are_seen() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/thing", listener.local_addr().unwrap());
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request).unwrap();
            stream
                .write_all(b"HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\nok")
                .unwrap();
        });
        let recorder = Arc::new(Recorder::default());
        let response = runtime(&recorder)
            .execute(&reqwest::Client::new(), request(&url), &info())
            .await
            .unwrap();
        server.join().unwrap();
        assert_eq!(response.text().await.unwrap(), "ok");
        assert_eq!(
            *recorder.requests.lock().unwrap(),
            [("/thing".to_owned(), true)]
        );
        assert_eq!(*recorder.answers.lock().unwrap(), [202]);
    }
}
