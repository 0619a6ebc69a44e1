//! Shell completion through the real binary and the real shells: the script `credkit
//! completions SHELL` prints, loaded by bash, fish and zsh (on a terminal, under tmux), offers
//! operations and an enum's values.

use std::path::Path;
use std::process::Command;

use crate::terminal::{Terminal, has_tmux};
use crate::{Credkit, scratch};

fn has(shell: &str) -> bool {
    Command::new(shell)
        .args(["-c", "exit 0"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Says why a test did not run; in CI (which installs every shell: .ci/run) that fails it.
pub fn skipped(missing: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{missing} is not installed, and CI must run this test"
    );
    eprintln!("skipped: {missing} is not installed");
}

/// The completion script of `shell`, written to `dir/file`.
fn script(shell: &str, dir: &Path, file: &str) -> String {
    let run = Credkit::new(&["completions", shell]).run().success();
    let path = dir.join(file);
    std::fs::write(&path, run.bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The folder of the binary, for a `PATH` on which `credkit` is found.
fn path_with_credkit() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_credkit")).parent().unwrap();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn bash_completes_operations_and_an_enums_values() {
    if !has("bash") {
        return skipped("bash");
    }
    let dir = scratch("completions-bash");
    let script = script("bash", &dir, "credkit.bash");
    let complete = |line: &str| {
        let words: Vec<&str> = line.split(' ').collect();
        let program = format!(
            "source '{script}'; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; \
             COMP_WORDS=({words}); COMP_CWORD={cword}; \
             _credkit credkit '{cur}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            words = words
                .iter()
                .map(|w| format!("'{w}'"))
                .collect::<Vec<_>>()
                .join(" "),
            cword = words.len() - 1,
            cur = words[words.len() - 1],
            prev = words[words.len() - 2],
        );
        let output = Command::new("bash")
            .args(["--norc", "-c", &program])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let operations = complete("credkit pec list-");
    assert!(operations.contains("list-mailboxes"), "{operations}");
    assert!(
        operations.contains("list-registry-communications"),
        "{operations}"
    );
    let values = complete("credkit pec change-mailbox-type --tipo-casella ");
    for value in ["STANDARD", "BRONZE", "SILVER", "GOLD"] {
        assert!(values.lines().any(|l| l == value), "{value} in {values}");
    }
    // -o is the output format: its values are offered.
    let formats = complete("credkit pec list-mailboxes -o ");
    for value in ["json", "yaml", "ndjson", "table"] {
        assert!(formats.lines().any(|l| l == value), "{value} in {formats}");
    }
}

#[test]
fn fish_completes_operations_and_an_enums_values() {
    if !has("fish") {
        return skipped("fish");
    }
    let dir = scratch("completions-fish");
    let script = script("fish", &dir, "credkit.fish");
    let complete = |line: &str| {
        let output = Command::new("fish")
            .args(["--no-config", "-c"])
            .arg(format!("source '{script}'; complete -C '{line}'"))
            .env("HOME", &dir)
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let operations = complete("credkit pec list-");
    assert!(
        operations
            .lines()
            .any(|l| l.starts_with("list-mailboxes\tList the account")),
        "{operations}"
    );
    let values = complete("credkit pec change-mailbox-type --tipo-casella ");
    for value in ["STANDARD", "BRONZE", "SILVER", "GOLD"] {
        assert!(
            values.lines().any(|l| l.starts_with(value)),
            "{value} in {values}"
        );
    }
    let formats = complete("credkit pec list-mailboxes -o ");
    for value in ["json", "yaml", "ndjson", "table"] {
        assert!(
            formats.lines().any(|l| l.starts_with(value)),
            "{value} in {formats}"
        );
    }
}

#[test]
fn zsh_completes_operations_and_an_enums_values_on_a_terminal() {
    if !has("zsh") || !has_tmux() {
        return skipped("zsh or tmux");
    }
    let dir = scratch("completions-zsh");
    script("zsh", &dir, "_credkit");
    let home = dir.to_str().unwrap();
    let path = path_with_credkit();
    let terminal = Terminal::start("zsh -f", &[("HOME", home), ("PATH", &path)]);
    // Typed ahead: the terminal keeps the keys until zsh reads them.
    terminal.keys(&[
        // Printed `loaded`, which the line as typed does not show.
        &format!("fpath=({home} $fpath); autoload -U compinit; compinit -u -D; echo load''ed"),
        "Enter",
    ]);
    terminal.wait_for("loaded");
    terminal.keys(&["credkit pec list-", "Tab"]);
    let screen = terminal.wait_for("list-registry-communications");
    assert!(screen.contains("list-mailboxes"), "{screen}");
    // zsh drops what is typed ahead of an interrupt: the next line waits for the prompt.
    terminal.keys(&["C-c"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    terminal.keys(&["echo rea''dy", "Enter"]);
    terminal.wait_for("\nready");
    terminal.keys(&["credkit pec change-mailbox-type --tipo-casella ", "Tab"]);
    let screen = terminal.wait_for("BRONZE");
    for value in ["STANDARD", "SILVER", "GOLD"] {
        assert!(screen.contains(value), "{value} in {screen}");
    }
}
