//! The value of a secret flag (a parameter or body member whose schema is `x-credkit-secret`:
//! a PIN, an API key), kept off the argument list that `ps` shows to every user of the machine
//! and that shell history keeps: `-` reads it from stdin, `@FILE` from a file. A value written
//! on the command line still works, with a warning.

use std::io::BufRead;

use crate::call::Failure;

/// What `--help` adds to a secret flag's description.
pub const HELP: &str =
    "[secret: `-` reads it from stdin, one line per flag in the order given; `@FILE` from a file]";

/// Where a secret flag's value comes from.
#[derive(Debug, PartialEq, Eq)]
pub enum Source<'a> {
    Stdin,
    File(&'a str),
    /// Written on the command line.
    Argument(&'a str),
}

impl<'a> Source<'a> {
    pub fn of(raw: &'a str) -> Self {
        match raw {
            "-" => Source::Stdin,
            _ => match raw.strip_prefix('@') {
                Some(path) => Source::File(path),
                None => Source::Argument(raw),
            },
        }
    }
}

/// The value of `--<flag>` given as `raw`, reading stdin through `stdin` (one line) or the
/// file; a value on the command line is returned as it is, with `warn` told.
pub fn read(
    flag: &str,
    raw: &str,
    stdin: &mut dyn BufRead,
    warn: &mut dyn FnMut(String),
) -> Result<String, Failure> {
    let value = match Source::of(raw) {
        Source::Stdin => {
            let mut line = String::new();
            let read = stdin
                .read_line(&mut line)
                .map_err(|e| Failure::usage(format!("--{flag} -: cannot read stdin: {e}")))?;
            if read == 0 {
                return Err(Failure::usage(format!(
                    "--{flag} -: stdin ended before its line"
                )));
            }
            line
        }
        Source::File(path) => std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("--{flag} @{path}: {e}")))?,
        Source::Argument(value) => {
            warn(format!(
                "warning: the value of --{flag} is a secret, and on the command line other users of this machine can see it (ps) and shell history keeps it: give `-` to read it from stdin, or `@FILE`"
            ));
            return Ok(value.to_owned());
        }
    };
    Ok(value.trim_end_matches(['\n', '\r']).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_gives_one_line_per_flag_and_a_file_its_content() {
        let mut stdin = "123456\r\n654321\n".as_bytes();
        let mut warnings = Vec::new();
        let mut warn = |w: String| warnings.push(w);
        assert_eq!(
            read("current-pin", "-", &mut stdin, &mut warn).unwrap(),
            "123456"
        );
        assert_eq!(
            read("new-pin", "-", &mut stdin, &mut warn).unwrap(),
            "654321"
        );
        let ended = read("other", "-", &mut stdin, &mut warn).unwrap_err();
        assert!(ended.message.contains("stdin ended"), "{}", ended.message);

        let file = std::env::temp_dir().join(format!("credkit-secret-{}", std::process::id()));
        std::fs::write(&file, "s3cr3t\n").unwrap();
        let from_file = read(
            "key",
            &format!("@{}", file.display()),
            &mut stdin,
            &mut warn,
        );
        std::fs::remove_file(&file).unwrap();
        assert_eq!(from_file.unwrap(), "s3cr3t");
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_value_on_the_command_line_works_with_a_warning_that_does_not_repeat_it() {
        let mut warnings = Vec::new();
        let value = read("key", "hunter2", &mut "".as_bytes(), &mut |w| {
            warnings.push(w)
        });
        assert_eq!(value.unwrap(), "hunter2");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("--key") && !warnings[0].contains("hunter2"));
    }

    #[test]
    fn a_missing_file_names_the_flag() {
        let error = read(
            "key",
            "@/nonexistent/credkit",
            &mut "".as_bytes(),
            &mut |_| {},
        )
        .unwrap_err();
        assert!(
            error.message.starts_with("--key @/nonexistent/credkit: "),
            "{}",
            error.message
        );
    }
}
