//! Reading a published definition over HTTPS: one blocking GET with ureq on rustls and aws-lc-rs
//! (the TLS stack reqwest already builds for the clients), honouring the usual proxy variables.
//! A crate of its own, so that `cargo xtask generate` never compiles a TLS stack: `cargo xtask
//! upstream` runs this crate's binary, and the tests call [`text`] directly.

use std::sync::Arc;
use std::time::Duration;

/// How long one download may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(60);
/// The largest definition read (the largest published today is under 1 MiB).
const LIMIT: u64 = 32 * 1024 * 1024;

/// Which certificates a server's may chain to.
pub enum Trust {
    /// The platform's trust store (what `cargo xtask upstream` uses).
    Platform,
    /// Only these roots, DER-encoded: a test's own certificate authority.
    Only(Vec<Vec<u8>>),
}

/// The body of `url`, or why it could not be read (a status other than 2XX is an error).
pub fn text(url: &str, trust: &Trust) -> Result<String, String> {
    use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};
    let roots = match trust {
        Trust::Platform => RootCerts::PlatformVerifier,
        Trust::Only(certificates) => RootCerts::new_with_certs(
            &certificates
                .iter()
                .map(|der| Certificate::from_der(der).to_owned())
                .collect::<Vec<_>>(),
        ),
    };
    let tls = TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .root_certs(roots)
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .build();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_global(Some(TIMEOUT))
        .user_agent("credkit-xtask-upstream")
        .build()
        .into();
    let mut response = agent
        .get(url)
        .header(
            "Accept",
            "application/yaml, application/json, text/plain, */*",
        )
        .call()
        .map_err(|e| e.to_string())?;
    response
        .body_mut()
        .with_config()
        .limit(LIMIT)
        .read_to_string()
        .map_err(|e| e.to_string())
}
