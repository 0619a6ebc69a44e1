//! Redis for the tests of quotas shared by processes: the server `.ci/run` starts
//! (`CREDKIT_TEST_REDIS_URL`), and servers of a test's own, which it may kill and restart.
//!
//! Without `CREDKIT_TEST_REDIS_URL` when they are built, the tests that need Redis are reported
//! as ignored, with the variable to set (`tests/build.rs`); in CI (`CI=true`) they always run,
//! and a missing Redis is a failure. A variable that is gone by the time they run gets a note.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The variable that holds the URL of the Redis that `.ci/run` started.
pub const URL_VARIABLE: &str = "CREDKIT_TEST_REDIS_URL";

/// The URL of the shared test Redis; `None` (after a printed note) when there is none outside
/// CI. In CI a missing Redis panics.
pub fn shared_url(test: &str) -> Option<String> {
    match std::env::var(URL_VARIABLE) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("{test}: {URL_VARIABLE} is not set, and CI must run the Redis tests")
        }
        _ => {
            eprintln!(
                "note: {test} skipped: {URL_VARIABLE} is not set (bash .ci/run starts a Redis and sets it)"
            );
            None
        }
    }
}

/// A `redis-server` of a test's own on a free loopback port, without persistence; killed when
/// dropped.
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
}

impl RedisServer {
    /// Starts one; `None` when the shared Redis is not configured (see [`shared_url`]), since
    /// the same setup brings `redis-server`.
    pub fn start(test: &str) -> Option<Self> {
        shared_url(test)?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let mut server = Self { child: None, port };
        server.restart();
        Some(server)
    }

    /// `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://{}/", self.address())
    }

    /// `127.0.0.1:<port>`.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, empty; returns once it accepts connections.
    pub fn restart(&mut self) {
        self.kill();
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server runs (.ci/run installs it)");
        self.child = Some(child);
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect_timeout(&address, Duration::from_millis(100)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not listen on {address} within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
