//! The `credkit` binary, run as a user runs it, against httpmock servers: what each command
//! sent and printed, and its exit code. One test binary, a module per area.
//!
//! These tests live beside the binary rather than in the workspace's test binary
//! (`tests/tests/it`): cargo builds a package's binary, and gives its path
//! (`CARGO_BIN_EXE_credkit`), only for that package's own integration tests.

mod completions;
mod config_init;
mod doctor;
mod failures;
mod help;
mod inputs;
mod man;
mod operations;
mod output;
mod settings;
mod terminal;
mod waiting;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Each run's home is a directory of its own.
static HOMES: AtomicUsize = AtomicUsize::new(0);

/// What a run of `credkit` printed, and its exit code.
pub struct Run {
    pub code: i32,
    /// stdout as text (lossy).
    pub stdout: String,
    pub stderr: String,
    /// stdout as it came.
    pub bytes: Vec<u8>,
}

impl Run {
    /// Asserts that the run succeeded, showing what it printed otherwise.
    #[track_caller]
    pub fn success(self) -> Self {
        assert_eq!(self.code, 0, "{}", self.shown());
        self
    }

    /// Asserts the exit code, showing what the run printed otherwise.
    #[track_caller]
    pub fn code(self, code: i32) -> Self {
        assert_eq!(self.code, code, "{}", self.shown());
        self
    }

    /// What the run printed, for a failed assertion.
    pub fn shown(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    /// Asserts that stderr contains `part`.
    #[track_caller]
    pub fn stderr_has(&self, part: &str) -> &Self {
        assert!(self.stderr.contains(part), "{part:?} in {}", self.shown());
        self
    }

    /// Asserts that stdout contains `part`.
    #[track_caller]
    pub fn stdout_has(&self, part: &str) -> &Self {
        assert!(self.stdout.contains(part), "{part:?} in {}", self.shown());
        self
    }

    /// stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.shown()))
    }
}

/// `credkit` with an environment of its own: none of the caller's variables (PATH aside), a
/// home and a profile file in a scratch directory.
pub struct Credkit {
    command: Command,
    stdin: Option<Vec<u8>>,
}

/// Whether util-linux's `script`, which runs a command on a terminal of its own, is here.
pub fn has_script() -> bool {
    Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

impl Credkit {
    pub fn new(args: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_credkit"));
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env(
                "HOME",
                scratch(&format!("home-{}", HOMES.fetch_add(1, Ordering::Relaxed))),
            )
            .env("CREDKIT_CONFIG", "/dev/null");
        Self {
            command,
            stdin: None,
        }
    }

    pub fn env(mut self, name: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.command.env(name, value);
        self
    }

    pub fn args<'a>(mut self, args: impl IntoIterator<Item = &'a str>) -> Self {
        self.command.args(args);
        self
    }

    /// A profile file with this text.
    pub fn config(self, name: &str, text: &str) -> Self {
        let path = scratch(name).join("config.toml");
        std::fs::write(&path, text).unwrap();
        self.env("CREDKIT_CONFIG", path)
    }

    /// Runs it on a terminal (`script`), stdout and stderr both to it, as a person would.
    pub fn on_terminal(self) -> Self {
        let quoted: Vec<String> = std::iter::once(self.command.get_program())
            .chain(self.command.get_args())
            .map(|arg| format!("'{}'", arg.to_str().unwrap().replace('\'', r"'\''")))
            .collect();
        let mut command = Command::new("script");
        // A terminal that can draw: without TERM, a progress bar hides.
        command
            .args(["-qec", &quoted.join(" "), "/dev/null"])
            .env_clear()
            .env("TERM", "xterm");
        for (name, value) in self.command.get_envs() {
            if let Some(value) = value {
                command.env(name, value);
            }
        }
        Self {
            command,
            stdin: self.stdin,
        }
    }

    pub fn stdin(mut self, bytes: &[u8]) -> Self {
        self.stdin = Some(bytes.to_vec());
        self
    }

    pub fn run(mut self) -> Run {
        self.command
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.command.spawn().expect("the credkit binary runs");
        if let Some(bytes) = self.stdin.take() {
            // A command that fails before it reads its input (a refused flag, say) closes the
            // pipe first: what it printed and its exit code are what the test asserts.
            match child.stdin.take().unwrap().write_all(&bytes) {
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
                written => written.unwrap(),
            }
        }
        let output = child.wait_with_output().unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            bytes: output.stdout,
        }
    }
}

/// The token [`against`] gives.
pub const TOKEN: &str = "s3cret-t0ken";

/// `credkit <service> ...` talking to `server` with [`TOKEN`], through the variables the
/// library reads (`OPENAPI_PEC_BASE_URL`, `OPENAPI_PEC_TOKEN`).
pub fn against(server: &httpmock::MockServer, args: &[&str]) -> Credkit {
    let prefix = match args.first() {
        Some(&"rentri-ca") => credkit::rentri_ca::SERVICE.env_prefix,
        Some(&"sparkfly") => credkit::sparkfly::SERVICE.env_prefix,
        _ => credkit::pec::SERVICE.env_prefix,
    };
    Credkit::new(args)
        .env(&format!("{prefix}_BASE_URL"), server.base_url())
        .env(&format!("{prefix}_TOKEN"), TOKEN)
}

/// `credkit sparkfly get-credential --credential-id 12` talking to `server` with the identity
/// `me` and the key `key` (printed by its `--key-command`), and `extra` flags.
pub fn sparkfly_exchange(server: &httpmock::MockServer, key: &str, extra: &[&str]) -> Credkit {
    let key_command = format!("printf {key}");
    Credkit::new(&[
        "sparkfly",
        "get-credential",
        "--credential-id",
        "12",
        "--identity",
        "me",
        "--key-command",
        &key_command,
    ])
    .args(extra.iter().copied())
    .env("SPARKFLY_BASE_URL", server.base_url())
}

/// Sparkfly's `GET /auth` on `server`, for the identity `me` and the key `k3y`, answering
/// `token` in `X-Auth-Token`.
pub fn sparkfly_auth<'a>(server: &'a httpmock::MockServer, token: &str) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(httpmock::Method::GET)
            .path("/auth")
            .header("x-auth-identity", "me")
            .header("x-auth-key", "k3y");
        then.status(204).header("x-auth-token", token);
    })
}

/// `credkit <args>` with no configuration.
pub fn credkit(args: &[&str]) -> Run {
    Credkit::new(args).run()
}

/// A fresh directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    // Under cargo's own scratch folder for tests (in target/), which `cargo clean` empties:
    // each run replaces the folders of the last one instead of leaving them in /tmp.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("credkit-cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `bytes` to `name` in `dir` and returns its path as text.
pub fn file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}
