//! The command tree: `credkit <service> <operation> [FLAGS]`, built from the generated table,
//! with the flags every command accepts and `credkit completions <shell>`.

use clap::builder::{
    PossibleValue, PossibleValuesParser, StringValueParser, TypedValueParser, ValueParser,
};
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
    pub const TIMEOUT: &str = "timeout";
    pub const FORMAT: &str = "format";
    pub const JQ: &str = "jq";
    pub const BODY: &str = "body";
    pub const OUTPUT: &str = "output";
    pub const WAIT: &str = "wait";
    pub const MAX_WAIT: &str = "max-wait";
    pub const FIRST_DELAY: &str = "first-delay";
}

const ABOUT: &str =
    "Calls the credential services of credkit from the command line, one command each.";

const AFTER_HELP: &str = "\
Configuration, first found wins: the flags; the variables the service's library reads
(OPENAPI_PEC_TOKEN, RENTRI_CA_ENVIRONMENT, ...: `credkit <service> --help` lists them); the
profile file ($CREDKIT_CONFIG, or $XDG_CONFIG_HOME/credkit/config.toml, or
~/.config/credkit/config.toml).

Exit codes: 0 success, 2 usage or configuration, 3 the server refused (4xx, or a PEC answer
with success: false), 4 server or transport failure, 5 an answer that does not decode; with
--wait, 6 the resource ended in a failure state, 7 the maximum wait passed first.";

/// The whole command tree.
pub fn root() -> Command {
    let mut root = tree();
    // The flags every command takes are declared once, at the root; each service's copy then
    // names that service's variables and environments.
    root.build();
    for service in SERVICES {
        root = root.mut_subcommand(service.name, |command| {
            let command = of_service(command, service);
            service.operations.iter().fold(command, |command, op| {
                command.mut_subcommand(op.name, |op| of_service(op, service))
            })
        });
    }
    root
}

/// The global flags of `command` with the variables and environments of `service`. (Changed
/// in place, in their order: the command is built, and its index of flags must stay true.)
fn of_service(command: Command, service: &Service) -> Command {
    let prefix = service.info.env_prefix;
    let environments: Vec<&'static str> =
        service.info.servers.iter().map(|(e, _)| e.name()).collect();
    command.mut_args(|arg| match arg.get_id().as_str() {
        flag::ENVIRONMENT => arg
            .value_parser(PossibleValuesParser::new(environments.clone()))
            .help(format!(
                "The service's environment (default {}) [{prefix}_ENVIRONMENT]",
                environments.first().copied().unwrap_or("production")
            )),
        flag::BASE_URL => arg.help(format!(
            "A base URL instead of the environment's [{prefix}_BASE_URL]"
        )),
        flag::TOKEN => arg.help(format!(
            "The API token [{prefix}_TOKEN]; prefer the variable or token_command: other users can read flags in the process list"
        )),
        flag::PROFILE => arg.help(format!(
            "Use [profiles.NAME.{0}] of the profile file instead of [{0}] [CREDKIT_PROFILE]",
            service.name
        )),
        _ => arg,
    })
}

/// The command tree, its global flags described for any service.
fn tree() -> Command {
    Command::new("credkit")
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .after_help(AFTER_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_flags())
        .subcommands(SERVICES.iter().map(service))
        .subcommand(
            Command::new("doctor")
                .about("Checks a profile: credentials present, host reachable, TLS, the clock for ModI signatures")
                .long_about("Checks what the commands of a service (every service without SERVICE) need, from the same flags, variables and profile file: the credentials (found, a *_command runs, RENTRI's certificate opens with its password), the host (its name resolves, a connection opens), TLS (an answer comes through it) and the clock beside the server's Date (RENTRI's ModI signatures hold 5 minutes). Exit 0 when every check passed; else 2 for credentials or settings, 4 for the network or the clock.")
                .arg(
                    Arg::new("service")
                        .value_parser(SERVICES.iter().map(|s| s.name).collect::<Vec<_>>()),
                ),
        )
        .subcommand(
            Command::new("man")
                .hide(true)
                .about(
                    "Writes the man pages of every command to DIR (credkit.1, credkit-pec.1, ...)",
                )
                .arg(
                    Arg::new("dir")
                        .required(true)
                        .value_parser(value_parser!(std::path::PathBuf)),
                ),
        )
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
        .subcommand(
            Command::new("config")
                .about("Writes the profile file")
                .subcommand_required(true)
                .subcommand(
                    Command::new("init")
                        .about("Asks for a service's settings and writes its section of the profile file (mode 0600), a secret as a command that prints it where you prefer")
                        .long_about("Asks for a service's settings (its environment and credentials) and writes its section of the profile file ($CREDKIT_CONFIG, or $XDG_CONFIG_HOME/credkit/config.toml, or ~/.config/credkit/config.toml): [SERVICE], or [profiles.NAME.SERVICE] with --profile. A secret is written as a command that prints it (token_command = \"pass show openapi\"), or as its value if you prefer; the file is written with mode 0600 either way, and its other sections are kept."),
                ),
        )
}

fn global_flags() -> [Arg; 12] {
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
            .help("The service's environment (default production) [the service's variable, e.g. OPENAPI_PEC_ENVIRONMENT]"),
        global(flag::BASE_URL)
            .value_name("URL")
            .help("A base URL instead of the environment's [the service's variable, e.g. OPENAPI_PEC_BASE_URL]"),
        global(flag::TOKEN)
            .value_name("TOKEN")
            .help("The API token [the service's variable, e.g. OPENAPI_PEC_TOKEN]; prefer the variable or token_command: other users can read flags in the process list"),
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
            .help("Print the server's bytes as they came, not the decoded answer: an error page or an answer that does not decode too (the exit code still says what happened)"),
        global(flag::STRICT)
            .action(ArgAction::SetTrue)
            .help("Fail (exit 5) when an answer member does not fit its type, instead of reading it leniently"),
        // `-o FORMAT` as kubectl's `-o json|yaml`; a file answer's `--output FILE` is `-O`,
        // as gh's `release download` and wget write it.
        global(flag::FORMAT)
            .short('o')
            .value_name("FORMAT")
            .value_parser(crate::output::Format::NAMES)
            .help("Print the answer as json (the default: indented and coloured on a terminal, one line when piped), yaml, ndjson (one JSON line per item of a list), or table (a row per item of a list)"),
        global(flag::JQ)
            .value_name("EXPR")
            .help("Print what the jq filter EXPR makes of the answer (a string as its text, as jq -r); checked before anything is sent"),
        global(flag::TIMEOUT)
            .value_name("SECONDS")
            .value_parser(value_parser!(u64).range(1..))
            .help("Give up on a request (each attempt, its answer's body included) after SECONDS (default 60)"),
        global(flag::VERBOSE)
            .short('v')
            .action(ArgAction::Count)
            .help("Trace each request on stderr, and print the body of a failed answer (-vv: more)"),
    ]
}

/// `credkit <service>`: its operations, and the flags only it has.
fn service(service: &'static Service) -> Command {
    let prefix = service.info.env_prefix;
    let environments: Vec<&str> = service.info.servers.iter().map(|(e, _)| e.name()).collect();
    let command = Command::new(service.name)
        .about(service.info.title)
        .after_help(format!(
            "Settings, first found wins: the flags; the variables {prefix}_TOKEN, \
             {prefix}_ENVIRONMENT ({}) and {prefix}_BASE_URL; the section [{}] of the profile file.",
            environments.join(", "),
            service.name
        ))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands(service.operations.iter().map(|op| operation(service, op)));
    crate::services::flags(service.name, command)
}

/// `credkit <service> <operation>`: a flag per parameter, the body, the answer's file.
fn operation(service: &'static Service, operation: &'static Operation) -> Command {
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
                parameter.open && !parameter.values.is_empty(),
            )
            .value_name(value_name(parameter.flag))
            // `--offset -1` is a value to check, not an unknown flag `-1`.
            .allow_negative_numbers(true)
            .required(parameter.required)
            .value_parser(values(parameter.values, parameter.open)),
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
                member.open && !member.values.is_empty(),
            )
            .value_name(value_name(member.flag))
            .allow_negative_numbers(true)
            .value_parser(values(member.values, member.open))
            .help_heading(if member.required {
                "Body members (required unless in --body)"
            } else {
                "Body members"
            });
            command = command.arg(arg);
        }
    }
    let mut after = Vec::new();
    if let Some(header) = crate::call::issued_token_header(service.info, operation) {
        after.push(format!(
            "Prints the token of the {header} answer header as JSON on stdout, {{\"token\": \"...\"}}: \
             the one output of credkit that shows a secret (-i, -v and --dry-run keep it redacted). \
             Later commands take it from {}_TOKEN or --token.",
            service.info.env_prefix
        ));
    }
    if let Some(waiter) = crate::wait::waiter(service.name, operation.name) {
        command = command
            .arg(Arg::new(flag::WAIT).long(flag::WAIT).action(clap::ArgAction::SetTrue).help(format!(
                "Poll until {} is {} (exit 0){}, or the maximum wait passes (exit 7); prints the final answer, and each change of state on a terminal's stderr",
                waiter.member,
                waiter.success.join(" or "),
                if waiter.failure.is_empty() { String::new() } else { format!(", {} (exit 6)", waiter.failure.join(", ")) },
            )))
            .arg(
                Arg::new(flag::MAX_WAIT)
                    .long(flag::MAX_WAIT)
                    .value_name("DURATION")
                    .requires(flag::WAIT)
                    .help(format!(
                        "The longest wait with --wait: 90 (seconds), 30s, 15min, 2h [default {} s]",
                        waiter.max_wait.as_secs()
                    )),
            )
            .arg(
                Arg::new(flag::FIRST_DELAY)
                    .long(flag::FIRST_DELAY)
                    .value_name("DURATION")
                    .requires(flag::WAIT)
                    .help(format!(
                        "With --wait, the wait before the second poll, doubled after each poll up to {} s [default {} ms]",
                        waiter.max_delay.as_secs(),
                        waiter.first_delay.as_millis()
                    )),
            );
    }
    after.push(crate::example::of(service, operation));
    command = command.after_help(after.join("\n\n"));
    if operation.answer == Answer::Binary {
        command = command.arg(
            Arg::new(flag::OUTPUT)
                .long(flag::OUTPUT)
                .short('O')
                .value_name("FILE")
                .value_parser(value_parser!(std::path::PathBuf))
                .help("Write the answer to FILE (through FILE.part, renamed once complete) instead of stdout (-o is the output format, --format)"),
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
fn described(arg: Arg, description: &str, secret: bool, open: bool) -> Arg {
    let note = if secret {
        format!(" {}", crate::secret_flag::HELP)
    } else if open {
        " The values below are those known; the service may send and take others.".to_owned()
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

/// The values a flag takes: any text, or an enum's values, listed in help and offered by
/// completion; a closed enum's only (a typo is refused before anything is sent), an open
/// enum's and any other.
fn values(values: &'static [&'static str], open: bool) -> ValueParser {
    match (values, open) {
        ([], _) => ValueParser::string(),
        (values, false) => PossibleValuesParser::new(values).into(),
        (values, true) => ValueParser::new(OpenValues(values)),
    }
}

/// The values of an open enum: its known values are listed and offered by completion, any
/// text is taken.
#[derive(Clone)]
struct OpenValues(&'static [&'static str]);

impl TypedValueParser for OpenValues {
    type Value = String;

    fn parse_ref(
        &self,
        command: &Command,
        arg: Option<&Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(command, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            self.0.iter().map(|value| PossibleValue::new(*value)),
        ))
    }
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
