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

#[test]
fn credkit_help_lists_the_services_and_the_global_flags() {
    insta::assert_snapshot!("credkit", credkit(&["--help"]).success().stdout);
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
