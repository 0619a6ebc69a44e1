//! A real terminal for the tests of what a person types: a shell or `credkit` in a tmux
//! session of its own (its own server socket, ended when the test ends), keys sent as a
//! person types them, and the screen read back.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static SESSIONS: AtomicUsize = AtomicUsize::new(0);

/// Whether tmux is installed.
pub fn has_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A tmux server of its own running one program on a terminal 160 columns wide.
pub struct Terminal {
    socket: String,
}

impl Terminal {
    /// Runs `program` (a shell command line) with `env` and nothing else but `PATH`,
    /// `HOME` and `TERM`.
    pub fn start(program: &str, env: &[(&str, &str)]) -> Self {
        let socket = format!(
            "credkit-test-{}-{}",
            std::process::id(),
            SESSIONS.fetch_add(1, Ordering::Relaxed)
        );
        let mut command = Command::new("tmux");
        command
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", "160", "-y", "50"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TERM", "xterm");
        for (name, value) in env {
            command.args(["-e", &format!("{name}={value}")]);
        }
        let status = command.arg(program).status().expect("tmux runs");
        assert!(status.success(), "tmux new-session {program}");
        Self { socket }
    }

    fn tmux(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// Types `text` (tmux key names such as `Tab` and `Enter` as separate items).
    pub fn keys(&self, keys: &[&str]) {
        for key in keys {
            let literal = !matches!(*key, "Tab" | "Enter" | "BSpace" | "C-c");
            let mut args = vec!["send-keys", "-t", "0"];
            if literal {
                args.push("-l");
            }
            args.push(key);
            self.tmux(&args);
        }
    }

    /// What the terminal shows.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "0"]).stdout).into_owned()
    }

    /// Waits (10 s at most) until the screen shows `text`, and returns the screen.
    #[track_caller]
    pub fn wait_for(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{text:?} never showed; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        // This test's own server, by its socket: nothing else is touched.
        self.tmux(&["kill-server"]);
    }
}
