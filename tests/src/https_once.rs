//! A local https server with a certificate of its own for `127.0.0.1` that answers one request,
//! for the tests that need real TLS: the upstream fetch (`tests/it/upstream.rs`) and the
//! program outside the workspace (`tests/standalone`, which includes this file by path, as it
//! cannot depend on this crate).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::thread::JoinHandle;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The server: its base URL (`https://127.0.0.1:<port>`), its certificate (DER) for the client
/// to trust, and the request head it received, from the join handle.
pub struct HttpsOnce {
    pub base_url: String,
    pub certificate: Vec<u8>,
    pub request: JoinHandle<String>,
}

/// Starts the server; it answers `status` (`"200 OK"`) with `body` of `content_type`.
pub fn serve_once(
    status: &'static str,
    content_type: &'static str,
    body: &'static str,
) -> HttpsOnce {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()])
        .expect("a self-signed certificate");
    let certificate = certified.cert.der().to_vec();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(vec![CertificateDer::from(certificate.clone())], key)
    .expect("the server's certificate and key");
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let base_url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    );
    let request = std::thread::spawn(move || {
        let Ok((socket, _)) = listener.accept() else {
            return String::new();
        };
        let connection = rustls::ServerConnection::new(Arc::new(config)).expect("a TLS session");
        let mut tls = rustls::StreamOwned::new(connection, socket);
        let mut head = Vec::new();
        let mut buffer = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match tls.read(&mut buffer) {
                // A client that refuses the certificate ends the session here.
                Ok(0) | Err(_) => return String::from_utf8_lossy(&head).into_owned(),
                Ok(read) => head.extend_from_slice(&buffer[..read]),
            }
        }
        let _ = write!(
            tls,
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        tls.conn.send_close_notify();
        let _ = tls.flush();
        String::from_utf8_lossy(&head).into_owned()
    });
    HttpsOnce {
        base_url,
        certificate,
        request,
    }
}
