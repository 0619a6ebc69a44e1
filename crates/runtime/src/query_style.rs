//! Query parameters that are arrays or objects, written as OpenAPI's `style` and `explode`
//! spell them (OpenAPI 3.0.3, "Style Examples"), for a parameter named `color`:
//!
//! | style | explode | array `[blue, black]` | object `{R: 100, G: 200}` |
//! |---|---|---|---|
//! | `form` | true (its default) | `color=blue&color=black` | `R=100&G=200` |
//! | `form` | false | `color=blue,black` | `color=R,100,G,200` |
//! | `spaceDelimited` | false | `color=blue%20black` | `color=R%20100%20G%20200` |
//! | `pipeDelimited` | false | `color=blue\|black` | `color=R\|100\|G\|200` |
//! | `deepObject` | true | (none) | `color[R]=100&color[G]=200` |
//!
//! A delimited style with `explode: true` writes what `form` does. Names and values are
//! form-encoded (`[` and `]` as `%5B` and `%5D`, as RFC 3986 wants them in a query); the
//! delimiters are written as the table shows. A `null` member (an unset optional one) is left
//! out; members are written in the order of their names; a scalar parameter is `color=blue` in
//! every style.
//!
//! OpenAPI gives no spelling to an item or member that is itself an array or an object (an
//! array of filter objects): such a value is sent whole as its JSON text,
//! `filters=[{"field":"size"}]` (form-encoded), as services that take one document it (and as
//! `content: application/json` would send it).

use serde::Serialize;
use serde_json::Value;

/// How a query parameter is spelled: its `style`, with `explode` where it matters (part of
/// the contract with generated code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form` with `explode: true`, every style's spelling when exploded but `deepObject`'s.
    Form,
    /// `form` with `explode: false`: items joined by commas.
    FormJoined,
    /// `spaceDelimited` with `explode: false`.
    SpaceDelimited,
    /// `pipeDelimited` with `explode: false`.
    PipeDelimited,
    /// `deepObject`: each member as `name[member]`.
    DeepObject,
}

impl QueryStyle {
    /// The delimiter of a joined style, as written in the query.
    fn delimiter(self) -> Option<&'static str> {
        match self {
            Self::FormJoined => Some(","),
            Self::SpaceDelimited => Some("%20"),
            Self::PipeDelimited => Some("|"),
            Self::Form | Self::DeepObject => None,
        }
    }
}

/// The `name=value` pairs of `value` sent as the query parameter `wire` in `style`, each name
/// and value as it is before form encoding (what a server decodes); `Err` says why the value
/// has no spelling in that style.
pub fn query_pairs<T: Serialize + ?Sized>(
    wire: &str,
    style: QueryStyle,
    value: &T,
) -> Result<Vec<(String, String)>, String> {
    Ok(spelled(wire, style, value)?
        .into_iter()
        .map(|(name, pieces)| {
            let joined = pieces.join(match style {
                QueryStyle::SpaceDelimited => " ",
                other => other.delimiter().unwrap_or(","),
            });
            (name, joined)
        })
        .collect())
}

/// `value` as the encoded query text of the parameter `wire` in `style` (`a=1&a=2`), empty
/// when it has no pair (a `null`, an empty object).
pub(crate) fn encoded<T: Serialize + ?Sized>(
    wire: &str,
    style: QueryStyle,
    value: &T,
) -> Result<String, String> {
    let encode = |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
    let pairs: Vec<String> = spelled(wire, style, value)?
        .into_iter()
        .map(|(name, pieces)| {
            let values: Vec<String> = pieces.iter().map(|piece| encode(piece)).collect();
            let name: String = encode(&name);
            format!("{name}={}", values.join(style.delimiter().unwrap_or(",")))
        })
        .collect();
    Ok(pairs.join("&"))
}

/// Each pair's name and the pieces its value is made of, before joining and encoding: one
/// piece per pair unless the style joins them.
fn spelled<T: Serialize + ?Sized>(
    wire: &str,
    style: QueryStyle,
    value: &T,
) -> Result<Vec<(String, Vec<String>)>, String> {
    let value = serde_json::to_value(value).map_err(|e| e.to_string())?;
    let joined = style.delimiter().is_some();
    let nested = |item: &Value| matches!(item, Value::Array(_) | Value::Object(_));
    let whole = match &value {
        Value::Array(items) => items.iter().any(nested),
        Value::Object(members) => members.values().any(nested),
        _ => false,
    };
    if whole {
        return Ok(vec![(wire.to_owned(), vec![value.to_string()])]);
    }
    Ok(match value {
        Value::Null => Vec::new(),
        Value::Array(items) => {
            if style == QueryStyle::DeepObject {
                return Err(format!("{wire}: deepObject spells objects, not arrays"));
            }
            let pieces = items
                .iter()
                .map(|item| scalar(item, &format!("an item of {wire}")))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .flatten();
            if joined {
                vec![(wire.to_owned(), pieces.collect())]
            } else {
                pieces.map(|piece| (wire.to_owned(), vec![piece])).collect()
            }
        }
        Value::Object(members) => {
            // By name, whatever the map's order (a `HashMap`'s changes from run to run).
            let mut members: Vec<(&String, &Value)> = members.iter().collect();
            members.sort_by_key(|(member, _)| *member);
            let mut written = Vec::new();
            for (member, item) in members {
                let Some(text) = scalar(item, &format!("member `{member}` of {wire}"))? else {
                    continue;
                };
                written.push((member.clone(), text));
            }
            match style {
                QueryStyle::DeepObject => written
                    .into_iter()
                    .map(|(member, text)| (format!("{wire}[{member}]"), vec![text]))
                    .collect(),
                QueryStyle::Form => written
                    .into_iter()
                    .map(|(member, text)| (member, vec![text]))
                    .collect(),
                _ if written.is_empty() => Vec::new(),
                _ => vec![(
                    wire.to_owned(),
                    written
                        .into_iter()
                        .flat_map(|(member, text)| [member, text])
                        .collect(),
                )],
            }
        }
        scalar_value => match scalar(&scalar_value, wire)? {
            Some(text) => vec![(wire.to_owned(), vec![text])],
            None => Vec::new(),
        },
    })
}

/// A scalar's text (`None` for `null`), or why `what` has none.
fn scalar(value: &Value, what: &str) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text.clone())),
        Value::Number(number) => Ok(Some(number.to_string())),
        Value::Bool(flag) => Ok(Some(flag.to_string())),
        Value::Array(_) | Value::Object(_) => Err(format!(
            "{what} is not a string, number or boolean: a query parameter has no spelling for it"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sent(style: QueryStyle, value: Value) -> String {
        encoded("color", style, &value).unwrap()
    }

    #[test]
    fn arrays_are_spelled_as_openapi_style_examples_show() {
        let list = json!(["blue", "black", "brown"]);
        assert_eq!(
            sent(QueryStyle::Form, list.clone()),
            "color=blue&color=black&color=brown"
        );
        assert_eq!(
            sent(QueryStyle::FormJoined, list.clone()),
            "color=blue,black,brown"
        );
        assert_eq!(
            sent(QueryStyle::SpaceDelimited, list.clone()),
            "color=blue%20black%20brown"
        );
        assert_eq!(
            sent(QueryStyle::PipeDelimited, list),
            "color=blue|black|brown"
        );
    }

    #[test]
    fn objects_are_spelled_as_openapi_style_examples_show() {
        let object = json!({"R": 100, "G": 200, "B": 150});
        assert_eq!(sent(QueryStyle::Form, object.clone()), "B=150&G=200&R=100");
        assert_eq!(
            sent(QueryStyle::FormJoined, object.clone()),
            "color=B,150,G,200,R,100"
        );
        assert_eq!(
            sent(QueryStyle::DeepObject, object),
            "color%5BB%5D=150&color%5BG%5D=200&color%5BR%5D=100"
        );
    }

    #[test]
    fn values_are_form_encoded_and_delimiters_are_not() {
        assert_eq!(
            sent(QueryStyle::FormJoined, json!(["a,b", "c d", "é&"])),
            "color=a%2Cb,c+d,%C3%A9%26"
        );
        assert_eq!(
            sent(QueryStyle::DeepObject, json!({"a b": "x=y"})),
            "color%5Ba+b%5D=x%3Dy"
        );
    }

    #[test]
    fn null_members_are_left_out_and_a_null_parameter_sends_nothing() {
        assert_eq!(
            sent(QueryStyle::DeepObject, json!({"a": null, "b": true})),
            "color%5Bb%5D=true"
        );
        assert_eq!(sent(QueryStyle::FormJoined, json!({"a": null})), "");
        assert_eq!(sent(QueryStyle::Form, Value::Null), "");
        assert_eq!(sent(QueryStyle::DeepObject, json!(2.5)), "color=2.5");
    }

    #[test]
    fn a_value_with_nested_arrays_or_objects_is_sent_whole_as_json() {
        assert_eq!(
            sent(QueryStyle::Form, json!([{"scope": "all", "keys": [1, 2]}])),
            "color=%5B%7B%22keys%22%3A%5B1%2C2%5D%2C%22scope%22%3A%22all%22%7D%5D"
        );
        assert_eq!(
            query_pairs("f", QueryStyle::DeepObject, &json!({"tags": ["a"]})).unwrap(),
            [("f".to_owned(), r#"{"tags":["a"]}"#.to_owned())]
        );
        let error = encoded("ids", QueryStyle::DeepObject, &json!([1])).unwrap_err();
        assert!(error.contains("not arrays"), "{error}");
    }

    #[test]
    fn pairs_are_what_a_server_decodes() {
        assert_eq!(
            query_pairs("color", QueryStyle::SpaceDelimited, &json!(["a", "b"])).unwrap(),
            [("color".to_owned(), "a b".to_owned())]
        );
        assert_eq!(
            query_pairs("m", QueryStyle::DeepObject, &json!({"k": "v"})).unwrap(),
            [("m[k]".to_owned(), "v".to_owned())]
        );
    }
}
