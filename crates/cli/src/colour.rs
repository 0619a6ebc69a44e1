//! Colour, only for a person: on a terminal, never when `NO_COLOR` is set to anything but
//! nothing (<https://no-color.org>) or the terminal is `dumb`. Indented JSON is coloured as
//! jq colours it (keys blue, strings green, null grey); an error's `error:` is red.

use std::fmt::Write as _;

use serde_json::Value;

const KEY: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const NULL: &str = "\x1b[90m";
const RED: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

/// Whether output to a stream that `terminal` says is one may be coloured.
pub fn wanted(terminal: bool) -> bool {
    terminal
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        && std::env::var_os("TERM").is_none_or(|term| term != "dumb")
}

/// `error:`, in red when `colour`.
pub fn error_label(colour: bool) -> String {
    if colour {
        format!("{RED}error:{RESET}")
    } else {
        "error:".to_owned()
    }
}

/// `value` as indented JSON (two spaces, as `serde_json::to_string_pretty`), coloured.
pub fn json(value: &Value) -> String {
    let mut text = String::new();
    write(&mut text, value, 0);
    text
}

fn write(text: &mut String, value: &Value, level: usize) {
    let indent = |text: &mut String, level: usize| text.push_str(&"  ".repeat(level));
    match value {
        Value::Null => {
            let _ = write!(text, "{NULL}null{RESET}");
        }
        Value::String(_) => {
            let _ = write!(text, "{STRING}{value}{RESET}");
        }
        Value::Bool(_) | Value::Number(_) => {
            let _ = write!(text, "{value}");
        }
        Value::Array(items) if items.is_empty() => text.push_str("[]"),
        Value::Object(members) if members.is_empty() => text.push_str("{}"),
        Value::Array(items) => {
            text.push_str("[\n");
            for (index, item) in items.iter().enumerate() {
                indent(text, level + 1);
                write(text, item, level + 1);
                text.push_str(if index + 1 < items.len() { ",\n" } else { "\n" });
            }
            indent(text, level);
            text.push(']');
        }
        Value::Object(members) => {
            text.push_str("{\n");
            for (index, (name, member)) in members.iter().enumerate() {
                indent(text, level + 1);
                let _ = write!(text, "{KEY}{}{RESET}: ", Value::String(name.clone()));
                write(text, member, level + 1);
                text.push_str(if index + 1 < members.len() {
                    ",\n"
                } else {
                    "\n"
                });
            }
            indent(text, level);
            text.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::json;
    use serde_json::json;

    #[test]
    fn coloured_json_is_the_indented_json_with_colour_codes_around_keys_strings_and_null() {
        let value = json!({"id": "a\"b", "n": [1, null, true], "o": {}, "e": []});
        let coloured = json(&value);
        let plain = coloured
            .replace("\x1b[1;34m", "")
            .replace("\x1b[32m", "")
            .replace("\x1b[90m", "")
            .replace("\x1b[0m", "");
        assert_eq!(plain, serde_json::to_string_pretty(&value).unwrap());
        assert!(coloured.contains("\x1b[1;34m\"id\"\x1b[0m: \x1b[32m\"a\\\"b\"\x1b[0m"));
        assert!(coloured.contains("\x1b[90mnull\x1b[0m"));
    }
}
