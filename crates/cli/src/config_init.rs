//! `credkit config init`: writes a service's section of the profile file from a person's
//! answers, asked on stderr and read from stdin. A secret is kept out of the file as a command
//! that prints it (`token_command = "pass show openapi"`) unless the person prefers the value
//! itself; the file is written with mode 0600 either way, and other sections are kept.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use crate::call::Failure;
use crate::generated::SERVICES;

/// A question and its answer, read from `input`; the default when the answer is empty.
struct Asker<'a> {
    input: &'a mut dyn BufRead,
    output: &'a mut dyn Write,
}

impl Asker<'_> {
    fn ask(&mut self, question: &str, default: Option<&str>) -> Result<String, Failure> {
        loop {
            let shown = default.map_or(String::new(), |d| format!(" [{d}]"));
            write!(self.output, "{question}{shown}: ").map_err(io)?;
            self.output.flush().map_err(io)?;
            let mut line = String::new();
            if self.input.read_line(&mut line).map_err(io)? == 0 {
                return Err(Failure::usage("config init: no answer (end of input)"));
            }
            match (line.trim(), default) {
                ("", Some(default)) => return Ok(default.to_owned()),
                ("", None) => continue,
                (answer, _) => return Ok(answer.to_owned()),
            }
        }
    }

    /// One of `choices`, asked again until it is.
    fn choose(&mut self, question: &str, choices: &[&str]) -> Result<String, Failure> {
        loop {
            let answer = self.ask(
                &format!("{question} ({})", choices.join(", ")),
                choices.first().copied(),
            )?;
            if choices.contains(&answer.as_str()) {
                return Ok(answer);
            }
            writeln!(self.output, "  not one of {}", choices.join(", ")).map_err(io)?;
        }
    }

    /// A secret: `<name>_command` (a command that prints it), or `<name>` itself.
    fn secret(&mut self, section: &mut toml::Table, name: &str, what: &str) -> Result<(), Failure> {
        let how = self.choose(
            &format!("How does credkit get the {what}: a command that prints it, or the value written in the file"),
            &["command", "value"],
        )?;
        if how == "command" {
            let command = self.ask(
                &format!("Command that prints the {what} (e.g. pass show credkit/{name})"),
                None,
            )?;
            section.insert(format!("{name}_command"), command.into());
        } else {
            let value = self.ask(&format!("The {what}"), None)?;
            section.insert(name.to_owned(), value.into());
        }
        Ok(())
    }
}

fn io(e: std::io::Error) -> Failure {
    Failure::usage(format!("config init: {e}"))
}

/// Asks for a service's settings and writes them to the profile file: `[<service>]`, or
/// `[profiles.<profile>.<service>]`. Returns where.
pub fn run(
    profile: Option<&str>,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<String, Failure> {
    let path = std::env::var_os("CREDKIT_CONFIG")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(crate::config::default_path)
        .ok_or_else(|| Failure::usage("config init: no HOME, and no CREDKIT_CONFIG to write"))?;
    let mut asker = Asker { input, output };
    let names: Vec<&str> = SERVICES.iter().map(|s| s.name).collect();
    let name = asker.choose("Service", &names)?;
    let service = SERVICES
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| Failure::usage(format!("config init: no service {name}")))?;
    let environments: Vec<&str> = service.info.servers.iter().map(|(e, _)| e.name()).collect();
    let mut section = toml::Table::new();
    let environment = asker.choose("Environment", &environments)?;
    section.insert("environment".to_owned(), environment.into());
    match service.name {
        "rentri-ca" => {
            let certificate = asker.ask(
                "Operator certificate that signs the requests (.p12 or PEM)",
                None,
            )?;
            let pem = certificate.ends_with(".pem") || certificate.ends_with(".crt");
            section.insert("certificate".to_owned(), certificate.into());
            if !pem {
                asker.secret(
                    &mut section,
                    "certificate_password",
                    "certificate's password",
                )?;
            }
        }
        "sparkfly" => {
            let identity = asker.ask("Account identity (X-Auth-Identity)", None)?;
            section.insert("identity".to_owned(), identity.into());
            asker.secret(&mut section, "key", "account key")?;
        }
        _ => asker.secret(&mut section, "token", "API token")?,
    }
    let place = write(&path, service.name, profile, section)?;
    Ok(format!("{place} of {}", path.display()))
}

/// Sets the section in the file (created, or read and kept but for that section), written
/// through a temporary file of mode 0600 renamed over it.
fn write(
    path: &Path,
    service: &str,
    profile: Option<&str>,
    section: toml::Table,
) -> Result<String, Failure> {
    let failed =
        |e: &dyn std::fmt::Display| Failure::usage(format!("config init: {}: {e}", path.display()));
    let mut table = match std::fs::read_to_string(path) {
        Ok(text) => text.parse::<toml::Table>().map_err(|e| failed(&e))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => toml::Table::new(),
        Err(e) => return Err(failed(&e)),
    };
    let place = match profile {
        None => {
            table.insert(service.to_owned(), section.into());
            format!("[{service}]")
        }
        Some(name) => {
            let profiles = table
                .entry("profiles")
                .or_insert_with(|| toml::Table::new().into());
            let Some(profiles) = profiles.as_table_mut() else {
                return Err(failed(&"`profiles` is not a table"));
            };
            let scope = profiles
                .entry(name)
                .or_insert_with(|| toml::Table::new().into());
            let Some(scope) = scope.as_table_mut() else {
                return Err(failed(&format!("`profiles.{name}` is not a table")));
            };
            scope.insert(service.to_owned(), section.into());
            format!("[profiles.{name}.{service}]")
        }
    };
    let text = toml::to_string(&table).map_err(|e| failed(&e))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| failed(&e))?;
    }
    let temporary = path.with_extension("toml.part");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temporary).map_err(|e| failed(&e))?;
    #[cfg(unix)]
    {
        // A part file left by an earlier run keeps its mode: set it.
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| failed(&e))?;
    }
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| failed(&e))?;
    std::fs::rename(&temporary, path).map_err(|e| failed(&e))?;
    Ok(place)
}

#[cfg(test)]
mod tests {
    use super::write;

    #[test]
    fn a_section_is_set_and_the_others_are_kept() {
        let dir = std::env::temp_dir().join(format!("credkit-config-init-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("credkit").join("config.toml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "[sparkfly]\nidentity = \"acme\"\n").unwrap();
        let mut section = toml::Table::new();
        section.insert("token_command".into(), "pass show x".into());
        assert_eq!(
            write(&path, "pec", Some("live"), section).unwrap(),
            "[profiles.live.pec]"
        );
        let table: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
        assert_eq!(table["sparkfly"]["identity"].as_str(), Some("acme"));
        assert_eq!(
            table["profiles"]["live"]["pec"]["token_command"].as_str(),
            Some("pass show x")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
