//! Where a service's settings come from, first found wins: the command line's flags, the
//! variables the library's `from_env` reads (`<PREFIX>_BASE_URL`, `<PREFIX>_ENVIRONMENT`,
//! `<PREFIX>_TOKEN`, and the service's own, e.g. `RENTRI_CA_CERTIFICATE`), and the profile file.
//!
//! The profile file (`$CREDKIT_CONFIG`, or `$XDG_CONFIG_HOME/credkit/config.toml`, or
//! `~/.config/credkit/config.toml`) has a section per service, `[pec]`, and named profiles,
//! `[profiles.demo.pec]`, chosen with `--profile demo` (or `CREDKIT_PROFILE`). A secret may be
//! given as a command whose output it is (`token_command = "pass show openapi"`, run with
//! `sh -c`), so that the file holds no secret.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use clap::ArgMatches;
use credkit::{Environment, Secret};

use crate::call::Failure;
use crate::command::flag;

/// The keys whose value is a secret written in the file.
const SECRET_KEYS: [&str; 3] = ["token", "key", "certificate_password"];

/// The keys every service section may have.
const KEYS: [&str; 4] = ["base_url", "environment", "token", "token_command"];

/// The profile file, read once.
#[derive(Debug, Default)]
pub struct ProfileFile {
    path: Option<PathBuf>,
    table: toml::Table,
}

impl ProfileFile {
    /// The file named by `CREDKIT_CONFIG` (which must exist), or the user's, if any.
    pub fn load() -> Result<Self, Failure> {
        let (path, required) = match std::env::var_os("CREDKIT_CONFIG") {
            Some(path) if !path.is_empty() => (PathBuf::from(path), true),
            _ => match default_path() {
                Some(path) => (path, false),
                None => return Ok(Self::default()),
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(Self::default());
            }
            Err(e) => {
                return Err(Failure::usage(format!(
                    "cannot read the profile file {}: {e}",
                    path.display()
                )));
            }
        };
        let table = text.parse::<toml::Table>().map_err(|e| {
            Failure::usage(format!(
                "the profile file {} is not valid TOML: {}",
                path.display(),
                e.message()
            ))
        })?;
        let file = Self {
            path: Some(path),
            table,
        };
        file.warn_if_others_can_read_secrets();
        Ok(file)
    }

    /// A secret written in the file (rather than a `*_command`) is for the user's eyes only.
    fn warn_if_others_can_read_secrets(&self) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let Some(path) = &self.path else { return };
            let readable_by_others = std::fs::metadata(path)
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o077 != 0);
            // `[<service>]` sections, and `[profiles.<name>.<service>]` ones.
            let profiles = self.table.get("profiles").and_then(toml::Value::as_table);
            let named = profiles
                .into_iter()
                .flat_map(|p| p.values())
                .filter_map(toml::Value::as_table)
                .flat_map(|scope| scope.values());
            let has_secret = self
                .table
                .values()
                .chain(named)
                .filter_map(toml::Value::as_table)
                .any(|section| SECRET_KEYS.iter().any(|k| section.contains_key(*k)));
            if readable_by_others && has_secret {
                eprintln!(
                    "warning: {} holds a secret and others may read it: `chmod 600` it, or use the `*_command` keys",
                    path.display()
                );
            }
        }
    }

    fn describe(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| "no profile file".to_owned(), |p| p.display().to_string())
    }

    /// The section of `service` in `profile` (`[profiles.<profile>.<service>]`) or in the
    /// default profile (`[<service>]`), checked against the keys the service takes.
    fn section(
        &self,
        service: &str,
        profile: Option<&str>,
        service_keys: &[&str],
    ) -> Result<toml::Table, Failure> {
        let invalid =
            |what: String| Failure::usage(format!("profile file {}: {what}", self.describe()));
        let scope = match profile {
            None => &self.table,
            Some(name) => {
                let profiles = self.table.get("profiles").and_then(toml::Value::as_table);
                let known: Vec<&String> = profiles.into_iter().flat_map(|p| p.keys()).collect();
                match profiles.and_then(|p| p.get(name)) {
                    Some(toml::Value::Table(scope)) => scope,
                    Some(_) => return Err(invalid(format!("`profiles.{name}` is not a table"))),
                    None => {
                        return Err(invalid(format!(
                            "no profile `{name}` (profiles: {})",
                            if known.is_empty() {
                                "none".to_owned()
                            } else {
                                known
                                    .iter()
                                    .map(|k| k.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            }
                        )));
                    }
                }
            }
        };
        let place = match profile {
            None => format!("[{service}]"),
            Some(name) => format!("[profiles.{name}.{service}]"),
        };
        let section = match scope.get(service) {
            None => return Ok(toml::Table::new()),
            Some(toml::Value::Table(section)) => section.clone(),
            Some(_) => return Err(invalid(format!("{place} is not a table"))),
        };
        for (key, value) in &section {
            if !KEYS.contains(&key.as_str()) && !service_keys.contains(&key.as_str()) {
                let mut known: Vec<&str> = KEYS.to_vec();
                known.extend(service_keys);
                return Err(invalid(format!(
                    "{place} has an unknown key `{key}` (known: {})",
                    known.join(", ")
                )));
            }
            if !value.is_str() {
                return Err(invalid(format!("{place} `{key}` is not a string")));
            }
        }
        Ok(section)
    }
}

/// `$XDG_CONFIG_HOME/credkit/config.toml`, or `~/.config/credkit/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".config")))?;
    Some(base.join("credkit").join("config.toml"))
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Where a service's client connects.
#[derive(Debug, Clone)]
pub enum Target {
    /// The service's default (production).
    Default,
    Environment(Environment),
    BaseUrl(String),
}

/// Where a setting comes from, first found wins.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// `--base-url`
    Flag,
    /// `<PREFIX>_BASE_URL`
    Variable,
    /// `base_url` in the profile's section of the service
    Profile,
}

impl Source {
    const ALL: [Source; 3] = [Source::Flag, Source::Variable, Source::Profile];
}

/// The settings of one service for one command.
#[derive(Debug)]
pub struct Settings<'a> {
    matches: &'a ArgMatches,
    /// `RENTRI_CA`: the prefix of the service's variables.
    prefix: &'static str,
    section: toml::Table,
    /// Where it was read from, for messages: `[pec] of ~/.config/credkit/config.toml`.
    origin: String,
}

impl<'a> Settings<'a> {
    /// The settings of `service` (whose variables start with `prefix`) for the command whose
    /// flags are `matches`.
    pub fn new(
        file: &ProfileFile,
        service: &str,
        prefix: &'static str,
        matches: &'a ArgMatches,
    ) -> Result<Self, Failure> {
        let profile = matches
            .get_one::<String>(flag::PROFILE)
            .cloned()
            .or_else(|| std::env::var("CREDKIT_PROFILE").ok())
            .filter(|p| !p.is_empty());
        let keys = crate::services::keys(service);
        let section = file.section(service, profile.as_deref(), keys)?;
        let origin = match &profile {
            None => format!("[{service}] of {}", file.describe()),
            Some(name) => format!("[profiles.{name}.{service}] of {}", file.describe()),
        };
        Ok(Self {
            matches,
            prefix,
            section,
            origin,
        })
    }

    /// The setting `name` (`base_url`): the flag `--base-url`, the variable
    /// `<PREFIX>_BASE_URL`, the profile's `base_url`; blank values count as unset.
    pub fn get(&self, name: &str) -> Option<String> {
        Source::ALL
            .iter()
            .find_map(|source| self.get_from(*source, name))
    }

    /// The setting `name` in one source, non-blank and trimmed.
    fn get_from(&self, source: Source, name: &str) -> Option<String> {
        let value = match source {
            Source::Flag => {
                let flag = name.replace('_', "-");
                self.matches
                    .try_get_one::<String>(&flag)
                    .ok()
                    .flatten()
                    .cloned()
            }
            Source::Variable => std::env::var(self.variable(name)).ok(),
            Source::Profile => self
                .section
                .get(name)
                .and_then(toml::Value::as_str)
                .map(str::to_owned),
        };
        value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    /// A secret setting: as [`Settings::get`], then the output of the command `<name>_command`
    /// (flag `--<name>-command`, variable `<PREFIX>_<NAME>_COMMAND` or profile key), run with
    /// `sh -c`.
    pub fn secret(&self, name: &str) -> Result<Option<Secret>, Failure> {
        if let Some(value) = self.get(name) {
            return Ok(Some(Secret::new(value)));
        }
        let key = format!("{name}_command");
        match self.get(&key) {
            Some(command) => run_secret_command(&key, &command).map(Some),
            None => Ok(None),
        }
    }

    /// A file setting, `~/` expanded.
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        let value = self.get(name)?;
        Some(match (value.strip_prefix("~/"), home()) {
            (Some(rest), Some(home)) => home.join(rest),
            _ => PathBuf::from(value),
        })
    }

    /// Where the client connects: the first source that names a base URL or an environment
    /// decides (a base URL before an environment of the same source).
    pub fn target(&self) -> Result<Target, Failure> {
        for source in Source::ALL {
            if let Some(url) = self.get_from(source, "base_url") {
                return Ok(Target::BaseUrl(url));
            }
            if self.get_from(source, "environment").is_some() {
                return Ok(Target::Environment(self.environment()?));
            }
        }
        Ok(Target::Default)
    }

    /// The environment named by the first source that names one, else production: where a
    /// custom base URL leads matters to RENTRI's signatures (their audience).
    pub fn environment(&self) -> Result<Environment, Failure> {
        match self.get("environment") {
            None => Ok(Environment::Production),
            Some(name) => name
                .parse()
                .map_err(|e| Failure::usage(format!("environment: {e}"))),
        }
    }

    /// `<PREFIX>_<NAME>`: `RENTRI_CA_CERTIFICATE`.
    pub fn variable(&self, name: &str) -> String {
        format!("{}_{}", self.prefix, name.to_ascii_uppercase())
    }

    /// How a message names where the settings were looked for.
    pub fn sources(&self, name: &str) -> String {
        format!(
            "--{}, {} or `{name}` in {}",
            name.replace('_', "-"),
            self.variable(name),
            self.origin
        )
    }
}

/// Runs a `*_command` setting with `sh -c` and returns what it printed, without the final
/// line break. Its stderr and stdin are the user's (a password prompt works).
fn run_secret_command(key: &str, command: &str) -> Result<Secret, Failure> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Failure::usage(format!("{key}: cannot run `sh -c {command}`: {e}")))?;
    if !output.status.success() {
        return Err(Failure::usage(format!(
            "{key} `{command}` failed ({})",
            output.status
        )));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| Failure::usage(format!("{key} `{command}` printed something not UTF-8")))?;
    let value = text.trim_end_matches(['\n', '\r']);
    if value.trim().is_empty() {
        return Err(Failure::usage(format!("{key} `{command}` printed nothing")));
    }
    Ok(Secret::new(value))
}
