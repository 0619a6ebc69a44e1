//! The example each command's help ends with: the command with every required flag, each
//! given the spec's example (its `example`, else the first value a description quotes as
//! "e.g. `…`", else an enum's first value), `-` for a secret (read from stdin), the flag's
//! value name when the spec gives nothing.

use crate::table::{Answer, Operation, Service};

/// `Example:` and the command line, for the help of `operation`.
pub fn of(service: &Service, operation: &Operation) -> String {
    let mut words = vec![
        "credkit".to_owned(),
        service.name.to_owned(),
        operation.name.to_owned(),
    ];
    let parameters = operation
        .parameters
        .iter()
        .filter(|p| p.required)
        .map(|p| (p.flag, p.example, p.description, p.values, p.secret));
    let members = operation
        .body
        .iter()
        .filter(|body| body.required)
        .flat_map(|body| body.members)
        .filter(|m| m.required)
        .map(|m| (m.flag, m.example, m.description, m.values, m.secret));
    for (flag, example, description, values, secret) in parameters.chain(members) {
        let value = if secret {
            "-".to_owned()
        } else if !example.is_empty() {
            example.to_owned()
        } else if let Some(quoted) = quoted_example(description) {
            quoted
        } else if let Some(first) = values.first() {
            (*first).to_owned()
        } else {
            format!("<{}>", flag.replace('-', "_").to_ascii_uppercase())
        };
        words.push(format!("--{flag}"));
        words.push(shell_word(&value));
    }
    if operation
        .body
        .as_ref()
        .is_some_and(|b| b.required && !b.typed)
    {
        words.extend(["--body".to_owned(), "<FILE>".to_owned()]);
    }
    if operation.answer == Answer::Binary {
        words.extend(["-O".to_owned(), "<FILE>".to_owned()]);
    }
    format!("Example:\n  {}", words.join(" "))
}

/// The first "e.g. `…`" of a description.
fn quoted_example(description: &str) -> Option<String> {
    let after = description.split_once("e.g. `")?.1;
    let (quoted, _) = after.split_once('`')?;
    (!quoted.is_empty()).then(|| quoted.to_owned())
}

/// `value` as one shell word: quoted when it holds anything but letters, digits and `-_.@:/+,`.
fn shell_word(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.@:/+,<>".contains(c));
    if plain {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::{quoted_example, shell_word};

    #[test]
    fn a_description_quotes_its_example_and_a_value_is_one_shell_word() {
        assert_eq!(
            quoted_example(
                "Identifier (24 hexadecimal characters, e.g. `6040e4613a716838dc4eee0e`)."
            ),
            Some("6040e4613a716838dc4eee0e".to_owned())
        );
        assert_eq!(quoted_example("No example here."), None);
        assert_eq!(shell_word("B4HUPE820"), "B4HUPE820");
        assert_eq!(shell_word("mario@legalmail.it"), "mario@legalmail.it");
        assert_eq!(shell_word("two words"), "'two words'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(r#"{"a":1}"#), r#"'{"a":1}'"#);
    }
}
