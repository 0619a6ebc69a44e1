//! `credkit config init` on a real terminal (tmux): a person answers its questions, a wrong
//! answer is asked again, and the profile file it writes (mode 0600, the secret as a command)
//! is the one the next command uses.

use httpmock::prelude::*;
use serde_json::json;

use crate::completions::skipped;
use crate::terminal::{Terminal, has_tmux};
use crate::{Credkit, scratch};

#[test]
fn config_init_asks_on_a_terminal_and_writes_a_profile_the_next_command_uses() {
    if !has_tmux() {
        return skipped("tmux");
    }
    let dir = scratch("config-init");
    let config = dir.join("credkit").join("config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "[sparkfly]\nidentity = \"acme\"\n").unwrap();
    let program = format!(
        "{} config init; echo \"exit $?\"; sleep 60",
        env!("CARGO_BIN_EXE_credkit")
    );
    let terminal = Terminal::start(
        &program,
        &[
            ("HOME", dir.to_str().unwrap()),
            ("CREDKIT_CONFIG", config.to_str().unwrap()),
        ],
    );
    // Every registered service is offered (a service added later joins the list).
    let screen = terminal.wait_for("]:");
    let offered = screen
        .lines()
        .find_map(|line| line.trim().strip_prefix("Service ("))
        .and_then(|rest| rest.split_once(')'))
        .map(|(list, _)| list.split(", ").collect::<Vec<_>>())
        .unwrap_or_default();
    for service in ["pec", "rentri-ca", "sparkfly"] {
        assert!(offered.contains(&service), "{screen}");
    }
    terminal.keys(&["pec", "Enter"]);
    terminal.wait_for("Environment (production, sandbox) [production]:");
    terminal.keys(&["staging", "Enter"]);
    terminal.wait_for("not one of production, sandbox");
    terminal.keys(&["sandbox", "Enter"]);
    terminal.wait_for("(command, value) [command]:");
    terminal.keys(&["Enter"]);
    terminal.wait_for("Command that prints the API token");
    terminal.keys(&["printf s3cret", "Enter"]);
    let screen = terminal.wait_for("exit ");
    assert!(
        screen.contains(&format!("wrote [pec] of {}", config.display())),
        "{screen}"
    );
    assert!(screen.contains("exit 0"), "{screen}");

    let text = std::fs::read_to_string(&config).unwrap();
    assert_eq!(
        text,
        "[pec]\nenvironment = \"sandbox\"\ntoken_command = \"printf s3cret\"\n\n\
         [sparkfly]\nidentity = \"acme\"\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&config).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The next command reads it: the token from the command.
    let server = MockServer::start();
    let mailbox = server.mock(|when, then| {
        when.method(GET)
            .path("/pec/6040e4613a716838dc4eee0e")
            .header("authorization", "Bearer s3cret");
        then.status(200)
            .json_body(json!({ "success": true, "data": { "id": "6040e4613a716838dc4eee0e" } }));
    });
    Credkit::new(&["pec", "get-mailbox", "--id", "6040e4613a716838dc4eee0e"])
        .env("CREDKIT_CONFIG", &config)
        .env("OPENAPI_PEC_BASE_URL", server.base_url())
        .run()
        .success();
    mailbox.assert();
}

#[test]
fn config_init_writes_a_named_profile_and_the_secret_itself_when_preferred() {
    let dir = scratch("config-init-piped");
    let config = dir.join("config.toml");
    let run = Credkit::new(&["config", "init", "--profile", "live"])
        .env("CREDKIT_CONFIG", &config)
        .stdin(b"sparkfly\n\nacme\nvalue\nk3y\n")
        .run()
        .success();
    run.stderr_has("wrote [profiles.live.sparkfly] of");
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "[profiles.live.sparkfly]\nenvironment = \"production\"\nidentity = \"acme\"\nkey = \"k3y\"\n"
    );
    // An answer cut short writes nothing.
    let cut = dir.join("cut.toml");
    let run = Credkit::new(&["config", "init"])
        .env("CREDKIT_CONFIG", &cut)
        .stdin(b"pec\n")
        .run()
        .code(2);
    run.stderr_has("no answer");
    assert!(!cut.exists());
}
