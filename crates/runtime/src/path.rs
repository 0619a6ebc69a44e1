//! Path parameters as exactly one URL path segment.
//!
//! progenitor's `encode_path` leaves `\` and `.` as they are. A URL parser treats `\` as `/` in
//! `http(s)` URLs and resolves `.` and `..` segments (also when written `%2e`), so an id such as
//! `..` or `a\b` would change which resource is addressed. Every generated `send` uses
//! [`segment`] instead (through `contract::Call`): it encodes everything but the unreserved characters of RFC 3986,
//! `@` and `:` (PEC addresses are ids), and refuses the values no encoding can keep in place.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters sent as they are: RFC 3986 `unreserved`, and `@` and `:`, which a path segment
/// may hold as they are and which no server framework gives a meaning of its own (unlike `;`
/// or `+`).
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@')
    .remove(b':');

/// `value` percent-encoded as one path segment, or kept as it is when nothing in it needs
/// encoding (most ids). `parameter` names it in the reason an empty value, `.` or `..` is
/// refused: none can be sent as a segment of its own.
pub(crate) fn segment(parameter: &str, value: String) -> Result<String, String> {
    if value.is_empty() || value == "." || value == ".." {
        return Err(format!(
            "{parameter} `{value}` cannot be sent as a URL path segment"
        ));
    }
    Ok(match utf8_percent_encode(&value, ENCODED).into() {
        std::borrow::Cow::Borrowed(_) => value,
        std::borrow::Cow::Owned(encoded) => encoded,
    })
}

/// `value` percent-encoded as a generated call sends it as a path segment, without its checks:
/// for matching a path a client sent (the generated mock helpers).
pub fn encode_path_segment(value: &str) -> String {
    utf8_percent_encode(value, ENCODED).to_string()
}

/// [`encode_path_segment`] with the characters a regular expression gives a meaning escaped:
/// what a generated mock helper writes in the path pattern it matches, so that it matches the
/// segment a call sends for `value` and nothing else.
pub fn path_segment_pattern(value: &str) -> String {
    encode_path_segment(value)
        .chars()
        .fold(String::new(), |mut escaped, c| {
            if "\\.+*?()|[]{}^$".contains(c) {
                escaped.push('\\');
            }
            escaped.push(c);
            escaped
        })
}

#[cfg(test)]
mod tests {
    use super::{path_segment_pattern, segment};

    fn path_segment(parameter: &str, value: &str) -> Result<String, String> {
        segment(parameter, value.to_owned())
    }

    #[test]
    fn everything_but_unreserved_characters_is_encoded() {
        assert_eq!(path_segment("id", "B4HUPE820").unwrap(), "B4HUPE820");
        assert_eq!(path_segment("id", "a-b.c_d~e").unwrap(), "a-b.c_d~e");
        assert_eq!(
            path_segment("id", "../a/b?c#d%e f\\g").unwrap(),
            "..%2Fa%2Fb%3Fc%23d%25e%20f%5Cg"
        );
        assert_eq!(path_segment("id", "città").unwrap(), "citt%C3%A0");
        assert_eq!(
            path_segment("pec", "prova_pec@legalmail.it").unwrap(),
            "prova_pec@legalmail.it"
        );
        assert_eq!(path_segment("id", "a;b+c").unwrap(), "a%3Bb%2Bc");
    }

    #[test]
    fn a_mock_pattern_is_the_encoded_segment_with_regex_characters_escaped() {
        assert_eq!(path_segment_pattern("B4HUPE820"), "B4HUPE820");
        assert_eq!(path_segment_pattern("a.b~c"), "a\\.b~c");
        assert_eq!(path_segment_pattern("a/b c+d"), "a%2Fb%20c%2Bd");
        assert_eq!(path_segment_pattern("x@y.it"), "x@y\\.it");
    }

    #[test]
    fn dot_segments_and_empty_values_are_refused() {
        for value in ["", ".", ".."] {
            let error = path_segment("credentials_id", value).unwrap_err();
            assert!(
                error.contains("credentials_id"),
                "{error} names the parameter"
            );
        }
    }
}
