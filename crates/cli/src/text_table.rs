//! `--format table`: an answer as columns of text, for a person reading a list on a terminal.
//! A list's items are rows and their members columns (in the order they first appear); any
//! other object is a column of members beside a column of values. Strings are shown without
//! quotes, nested values as one line of JSON, an absent or null member as nothing; a member
//! `id` is the first column.

use serde_json::Value;

/// The smallest width a column is shrunk to when the table is wider than the terminal.
const NARROWEST: usize = 8;

/// `value` as a table, each line ending with a newline; its columns shrunk (their cells cut,
/// ending with `…`) until a line fits in `width` characters, when a width is given; headers
/// in bold when `bold`.
pub fn render(value: &Value, width: Option<usize>, bold: bool) -> String {
    let (header, rows) = match crate::output::list(value) {
        Some(items) => of_items(items),
        None => match value {
            Value::Object(members) => (
                vec!["member".to_owned(), "value".to_owned()],
                members
                    .iter()
                    .map(|(name, value)| vec![name.clone(), cell(value)])
                    .collect(),
            ),
            scalar => return format!("{}\n", cell(scalar)),
        },
    };
    if header.is_empty() {
        return String::new();
    }
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (width, text) in widths.iter_mut().zip(row) {
            *width = (*width).max(text.chars().count());
        }
    }
    if let Some(width) = width {
        fit(&mut widths, width);
    }
    let mut text = line(&header, &widths, bold);
    for row in &rows {
        text.push_str(&line(row, &widths, false));
    }
    text
}

/// Rows of a list: a column per member of its objects; a single column `value` for a list of
/// other values.
fn of_items(items: &[Value]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header: Vec<String> = Vec::new();
    for item in items {
        if let Value::Object(members) = item {
            for name in members.keys() {
                if !header.contains(name) {
                    header.push(name.clone());
                }
            }
        }
    }
    // Members come in the answer's order (by name, as serde_json keeps them); an identifier
    // reads best first.
    header.sort_by_key(|name| name != "id");
    if header.is_empty() {
        let rows = items.iter().map(|item| vec![cell(item)]).collect();
        return (
            if items.is_empty() {
                Vec::new()
            } else {
                vec!["value".to_owned()]
            },
            rows,
        );
    }
    let rows = items
        .iter()
        .map(|item| {
            header
                .iter()
                .map(|name| item.get(name).map(cell).unwrap_or_default())
                .collect()
        })
        .collect();
    (header, rows)
}

/// A value as a cell: a string as it is, null as nothing, anything else as JSON; on one line.
fn cell(value: &Value) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Narrows the widest column, one character at a time, until the columns and the two spaces
/// between each fit in `width`, or every column is as narrow as allowed.
fn fit(widths: &mut [usize], width: usize) {
    let gaps = 2 * widths.len().saturating_sub(1);
    while widths.iter().sum::<usize>() + gaps > width {
        let Some(widest) = widths
            .iter_mut()
            .filter(|w| **w > NARROWEST)
            .max_by_key(|w| **w)
        else {
            return;
        };
        *widest -= 1;
    }
}

fn line(cells: &[String], widths: &[usize], bold: bool) -> String {
    let shown: Vec<String> = cells
        .iter()
        .zip(widths)
        .map(|(text, &width)| {
            let count = text.chars().count();
            let text = if count > width {
                let cut: String = text.chars().take(width.saturating_sub(1)).collect();
                format!("{cut}…")
            } else {
                format!("{text}{}", " ".repeat(width - count))
            };
            if bold {
                format!("\x1b[1m{text}\x1b[0m")
            } else {
                text
            }
        })
        .collect();
    format!("{}\n", shown.join("  ").trim_end())
}

#[cfg(test)]
mod tests {
    use super::render;
    use serde_json::json;

    #[test]
    fn a_list_is_a_row_per_item_and_a_column_per_member() {
        let envelope = json!({
            "data": [
                {"id": "6040e4", "casella": "mario@legalmail.it", "spazio": 1024},
                {"id": "6040e5", "stato": null, "tag": ["a", "b"]}
            ],
            "success": true
        });
        assert_eq!(
            render(&envelope, None, false),
            "id      casella             spazio  stato  tag\n\
             6040e4  mario@legalmail.it  1024\n\
             6040e5                                     [\"a\",\"b\"]\n"
        );
        assert_eq!(render(&json!([]), None, false), "");
        assert_eq!(render(&json!(["x", 2]), None, false), "value\nx\n2\n");
    }

    #[test]
    fn an_object_is_a_column_of_members_and_a_scalar_is_its_text() {
        assert_eq!(
            render(&json!({"token": "abc", "ok": true}), None, false),
            "member  value\nok      true\ntoken   abc\n"
        );
        assert_eq!(render(&json!("plain"), None, false), "plain\n");
    }

    #[test]
    fn columns_wider_than_the_terminal_are_cut_and_headers_may_be_bold() {
        let list = json!([{"a": "x".repeat(30), "b": "short"}]);
        let text = render(&list, Some(20), false);
        assert!(text.lines().all(|l| l.chars().count() <= 20), "{text}");
        assert!(text.contains('…'), "{text}");
        assert_eq!(
            render(&json!([{"id": 1}]), None, true),
            "\x1b[1mid\x1b[0m\n1\n"
        );
    }
}
