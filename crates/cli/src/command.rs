//! The command tree: `credkit <service> <operation> [FLAGS]`, built from the generated table,
//! with the flags every command accepts and `credkit completions <shell>`.

use clap::{Arg, ArgAction, Command, value_parser};

use crate::generated::SERVICES;
use crate::table::{Answer, Operation, Service};

/// Flags of every command, accepted anywhere on the line (`global`): their ids.
pub mod flag {
    pub const ENVIRONMENT: &str = "environment";
    pub const BASE_URL: &str = "base-url";
    pub const TOKEN: &str = "token";
    pub const PROFILE: &str = "profile";
    pub const DRY_RUN: &str = "dry-run";
    pub const INCLUDE: &str = "include";
    pub const RAW: &str = "raw";
    pub const STRICT: &str = "strict";
    pub const VERBOSE: &str = "verbose";
    pub const BODY: &str = "body";
    pub const OUTPUT: &str = "output";
}

const ABOUT: &str =
    "Calls the credential services of credkit from the command line, one command each.";

const AFTER_HELP: &str = "\
Configuration, first found wins: the flags; the variables the libraries read (<SERVICE>_TOKEN,
<SERVICE>_ENVIRONMENT, <SERVICE>_BASE_URL, e.g. OPENAPI_PEC_TOKEN); the profile file
($CREDKIT_CONFIG, or $XDG_CONFIG_HOME/credkit/config.toml, or ~/.config/credkit/config.toml).

Exit codes: 0 success, 2 usage or configuration, 3 the server refused (4xx, or a PEC answer
with success: false), 4 server or transport failure, 5 an answer that does not decode.";

/// The whole command tree.
pub fn root() -> Command {
    Command::new("credkit")
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .after_help(AFTER_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_flags())
        .subcommands(SERVICES.iter().map(service))
        .subcommand(
            Command::new("completions")
                .about("Prints the completion script of a shell (bash, zsh, fish, ...)")
                .long_about(
                    "Prints the completion script of a shell. For bash:\n\n    \
                     credkit completions bash > ~/.local/share/bash-completion/completions/credkit",
                )
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(value_parser!(clap_complete::Shell)),
                ),
        )
}

fn global_flags() -> [Arg; 9] {
    let global = |id: &'static str| {
        Arg::new(id)
            .long(id)
            .global(true)
            .help_heading("Global options")
    };
    [
        global(flag::ENVIRONMENT)
            .value_name("NAME")
            .value_parser(["production", "demo", "sandbox", "staging"])
            .help("The service's environment (default production) [<SERVICE>_ENVIRONMENT]"),
        global(flag::BASE_URL)
            .value_name("URL")
            .help("A base URL instead of the environment's [<SERVICE>_BASE_URL]"),
        global(flag::TOKEN)
            .value_name("TOKEN")
            .help("The API token [<SERVICE>_TOKEN]; prefer the variable or token_command: other users can read flags in the process list"),
        global(flag::PROFILE)
            .value_name("NAME")
            .help("Use [profiles.NAME.<service>] of the profile file instead of [<service>] [CREDKIT_PROFILE]"),
        global(flag::DRY_RUN)
            .action(ArgAction::SetTrue)
            .help("Print the request that would be sent (credentials redacted) and send nothing"),
        global(flag::INCLUDE)
            .short('i')
            .action(ArgAction::SetTrue)
            .help("Print the answer's status and headers (credentials redacted) before its body"),
        global(flag::RAW)
            .action(ArgAction::SetTrue)
            .help("Print the server's bytes as they came, not the decoded answer"),
        global(flag::STRICT)
            .action(ArgAction::SetTrue)
            .help("Fail (exit 5) when an answer member does not fit its type, instead of reading it leniently"),
        global(flag::VERBOSE)
            .short('v')
            .action(ArgAction::Count)
            .help("Trace each request on stderr, and print the body of a failed answer (-vv: more)"),
    ]
}

/// `credkit <service>`: its operations, and the flags only it has.
fn service(service: &'static Service) -> Command {
    let command = Command::new(service.name)
        .about(service.info.title)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands(service.operations.iter().map(operation));
    crate::services::flags(service.name, command)
}

/// `credkit <service> <operation>`: a flag per parameter, the body, the answer's file.
fn operation(operation: &'static Operation) -> Command {
    let deprecated =
        (!operation.deprecated.is_empty()).then(|| format!("Deprecated: {}", operation.deprecated));
    let mut command = Command::new(operation.name)
        .about(about(operation))
        .long_about(format!(
            "{}\n\n{} {}",
            [
                Some(operation.summary),
                deprecated.as_deref(),
                Some(operation.description)
            ]
            .into_iter()
            .flatten()
            .filter(|text| !text.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n"),
            operation.method,
            operation.path
        ));
    for parameter in operation.parameters {
        command = command.arg(
            described(
                Arg::new(parameter.flag).long(parameter.flag),
                parameter.description,
                parameter.secret,
            )
            .value_name(value_name(parameter.flag))
            .required(parameter.required),
        );
    }
    if let Some(body) = &operation.body {
        let help = match (body.typed, body.required) {
            (true, true) => "The request body, a JSON file (- for stdin); member flags add to it or replace its members [required, or the member flags]".to_owned(),
            (true, false) => "The request body, a JSON file (- for stdin); member flags add to it or replace its members".to_owned(),
            (false, required) => format!(
                "The request body, sent as it is in FILE (- for stdin) as {}{}",
                body.media_type,
                if required { " [required]" } else { "" }
            ),
        };
        command = command.arg(
            Arg::new(flag::BODY)
                .long(flag::BODY)
                .value_name("FILE")
                .required(!body.typed && body.required)
                .help(help),
        );
        for member in body.members {
            let arg = described(
                Arg::new(member.flag).long(member.flag),
                member.description,
                member.secret,
            )
            .value_name(value_name(member.flag))
            .help_heading(if member.required {
                "Body members (required unless in --body)"
            } else {
                "Body members"
            });
            command = command.arg(arg);
        }
    }
    if operation.answer == Answer::Binary {
        command = command.arg(
            Arg::new(flag::OUTPUT)
                .long(flag::OUTPUT)
                .short('o')
                .value_name("FILE")
                .value_parser(value_parser!(std::path::PathBuf))
                .help("Write the answer to FILE (through FILE.part, renamed once complete) instead of stdout"),
        );
    }
    command
}

/// The line `credkit <service> --help` shows for an operation: its summary, or the first
/// sentence of its description.
fn about(operation: &Operation) -> String {
    let about = if !operation.summary.is_empty() {
        operation.summary.to_owned()
    } else {
        let first = first_paragraph(operation.description);
        match first.find(". ") {
            Some(end) => first[..=end].to_owned(),
            None => first,
        }
    };
    if operation.deprecated.is_empty() {
        about
    } else {
        format!("[deprecated] {about}")
    }
}

/// An argument with a spec's description: its first paragraph as help, all of it as long help;
/// a secret's says how to keep its value off the command line.
fn described(arg: Arg, description: &str, secret: bool) -> Arg {
    let note = if secret {
        format!(" {}", crate::secret_flag::HELP)
    } else {
        String::new()
    };
    let arg = arg.help(format!("{}{note}", first_paragraph(description)));
    if description.trim().contains("\n\n") {
        arg.long_help(format!("{}{note}", description.trim()))
    } else {
        arg
    }
}

fn first_paragraph(text: &str) -> String {
    let paragraph = text.trim().split("\n\n").next().unwrap_or_default();
    paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `CREDENTIALS_ID`: how help shows a flag's value.
fn value_name(flag: &str) -> String {
    flag.replace('-', "_").to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_tree_is_valid_and_its_flags_are_unique() {
        // clap's own checks: among others, no two arguments of a command share a flag, the
        // global ones included; a parameter spelled like one of credkit's flags shows here
        // (xtask/src/command_line.rs renames those it knows).
        root().debug_assert();
    }

    #[test]
    fn every_operation_of_every_service_is_a_command() {
        let root = root();
        for service in SERVICES {
            let command = root
                .find_subcommand(service.name)
                .expect("a service command");
            for operation in service.operations {
                assert!(
                    command.find_subcommand(operation.name).is_some(),
                    "{} {}",
                    service.name,
                    operation.name
                );
            }
        }
    }

    #[test]
    fn an_operation_without_summary_is_listed_with_its_first_sentence() {
        let operation = Operation {
            name: "x",
            id: "x",
            summary: "",
            description: "Does a thing. Then more.\n\nDetails.",
            method: "GET",
            path: "/x",
            deprecated: "",
            parameters: &[],
            body: None,
            answer: Answer::Empty,
        };
        assert_eq!(about(&operation), "Does a thing.");
        let deprecated = Operation {
            deprecated: "use y",
            ..operation
        };
        assert_eq!(about(&deprecated), "[deprecated] Does a thing.");
    }
}
