//! What `--help` says, at every level: snapshots, so that a spec or flag change shows as a
//! diff of what users read. And the shells' completion scripts.

use crate::credkit;

/// Each service as the command line names it, with its operations' command names.
fn services() -> Vec<(&'static str, Vec<String>)> {
    [
        ("rentri-ca", &credkit::rentri_ca::SERVICE),
        ("sparkfly", &credkit::sparkfly::SERVICE),
        ("pec", &credkit::pec::SERVICE),
    ]
    .into_iter()
    .map(|(name, info)| {
        let operations = info
            .operations
            .iter()
            .map(|op| op.id.replace('_', "-"))
            .collect();
        (name, operations)
    })
    .collect()
}

/// The snapshot pins the layout and the global flags; the services' lines, which
/// `cargo xtask new-service` adds to, are checked against the services the tests know and
/// left out of it, so that a new service does not need the snapshot edited by hand.
#[test]
fn credkit_help_lists_the_services_and_the_global_flags() {
    let help = credkit(&["--help"]).success().stdout;
    let (head, rest) = help.split_once("Commands:\n").expect("a Commands section");
    let (listed, tail) = rest
        .split_once("  completions ")
        .expect("the completions command after the services");
    for (service, _) in services() {
        assert!(
            listed
                .lines()
                .any(|line| line.trim_start().starts_with(&format!("{service} "))),
            "{service} is not listed:\n{help}"
        );
    }
    // The commands' column is as wide as the longest name, a service's too.
    let (commands, options) = tail.split_once("\n\n").expect("options after the commands");
    let commands: Vec<String> = commands
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    insta::assert_snapshot!(
        "credkit",
        format!(
            "{head}Commands:\n  <one line per service>\n  completions {}\n\n{options}",
            commands.join("\n  ")
        )
    );
}

#[test]
fn without_arguments_credkit_shows_its_usage_and_fails() {
    let run = credkit(&[]).code(2);
    run.stderr_has("Usage: credkit");
}

#[test]
fn each_service_lists_its_operations_and_each_operation_its_flags() {
    for (service, operations) in services() {
        let mut text = format!(
            "$ credkit {service} --help\n{}",
            credkit(&[service, "--help"]).success().stdout
        );
        for operation in operations {
            let help = credkit(&[service, &operation, "--help"]).success().stdout;
            text.push_str(&format!("\n$ credkit {service} {operation} --help\n{help}"));
        }
        insta::assert_snapshot!(service, text);
    }
}

#[test]
fn completion_scripts_know_every_service_and_operation() {
    for shell in ["bash", "zsh", "fish"] {
        let script = credkit(&["completions", shell]).success().stdout;
        for (service, operations) in services() {
            assert!(script.contains(service), "{shell}: {service}");
            for operation in operations {
                assert!(script.contains(&operation), "{shell}: {operation}");
            }
        }
        assert!(script.contains("dry-run"), "{shell}");
    }
    credkit(&["completions", "tcsh"]).code(2);
}

#[test]
fn each_operations_help_ends_with_an_example_from_the_spec() {
    for (service, operations) in services() {
        for operation in operations {
            let help = credkit(&[service, &operation, "--help"]).success().stdout;
            assert!(
                help.contains(&format!("Example:\n  credkit {service} {operation}")),
                "{service} {operation}:\n{help}"
            );
        }
    }
    // The spec's example, a description's "e.g.", an enum's first value, `-` for a secret.
    let example = |args: &[&str]| {
        let help = credkit(args).success().stdout;
        help.split_once("Example:\n  ")
            .unwrap()
            .1
            .lines()
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        example(&["rentri-ca", "change-pin", "--help"]),
        "credkit rentri-ca change-pin --credentials-id B4HUPE820 --current-pin - --new-pin -"
    );
    assert_eq!(
        example(&["pec", "change-mailbox-type", "--help"]),
        "credkit pec change-mailbox-type --id 6040e4613a716838dc4eee0e --tipo-casella STANDARD"
    );
}
