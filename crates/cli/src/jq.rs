//! `--jq EXPR`: a jq filter over the answer, run by jaq (a jq written in Rust), so that a
//! user needs no other program to pick what they want from an answer. The filter is compiled
//! before the request is sent: a mistake in it is a usage error (exit 2) and nothing is sent.

use jaq_core::data::JustLut;
use jaq_core::load::{Arena, File, Loader, lex, parse};
use jaq_core::{Compiler, Ctx, Vars, unwrap_valr};
use jaq_json::Val;

/// A compiled jq filter.
pub struct Jq(jaq_core::Filter<JustLut<Val>>);

impl Jq {
    /// Compiles `code` with jq's standard library: why it cannot be, naming the place.
    pub fn compile(code: &str) -> Result<Self, String> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let arena = Arena::default();
        let modules = Loader::new(defs)
            .load(&arena, File { code, path: () })
            .map_err(|errors| {
                let reasons = errors.into_iter().flat_map(|(_, error)| match error {
                    jaq_core::load::Error::Io(io) => {
                        io.into_iter().map(|(_, reason)| reason).collect()
                    }
                    jaq_core::load::Error::Lex(lexed) => lexed
                        .into_iter()
                        .map(|(expected, at): lex::Error<&str>| {
                            expected_at(code, expected.as_str(), at)
                        })
                        .collect(),
                    jaq_core::load::Error::Parse(parsed) => parsed
                        .into_iter()
                        .map(|(expected, at): parse::Error<&str>| {
                            expected_at(code, expected.as_str(), at)
                        })
                        .collect::<Vec<_>>(),
                });
                reasons.collect::<Vec<_>>().join("; ")
            })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                errors
                    .into_iter()
                    .flat_map(|(_, undefined)| undefined)
                    .map(|(name, kind)| format!("{} {name} is not defined", kind.as_str()))
                    .collect::<Vec<_>>()
                    .join("; ")
            })?;
        Ok(Self(filter))
    }

    /// The values the filter yields for `input`, or the first error it meets.
    pub fn run(&self, input: &serde_json::Value) -> Result<Vec<serde_json::Value>, String> {
        let text = serde_json::to_vec(input).map_err(|e| e.to_string())?;
        let input = jaq_json::read::parse_single(&text).map_err(|e| e.to_string())?;
        let ctx = Ctx::<JustLut<Val>>::new(&self.0.lut, Vars::new([]));
        self.0
            .id
            .run((ctx, input))
            .map(unwrap_valr)
            .map(|value| {
                let value = value.map_err(|e| e.to_string())?;
                // jaq writes what JSON cannot hold (NaN, byte strings) in its own way: that
                // is named rather than printed as something else.
                let text = value.to_string();
                serde_json::from_str(&text)
                    .map_err(|_| format!("the filter yielded {text}, which is not JSON"))
            })
            .collect()
    }
}

/// `expected X at column N`, N counted in characters from 1: `at` is the rest of `code` from
/// where the problem is.
fn expected_at(code: &str, expected: &str, at: &str) -> String {
    let offset = code.len().saturating_sub(at.len());
    let column = code
        .get(..offset)
        .map_or(0, |before| before.chars().count())
        + 1;
    format!("expected {expected} at column {column}")
}

#[cfg(test)]
mod tests {
    use super::Jq;
    use serde_json::json;

    #[test]
    fn a_filter_picks_members_and_items_with_the_standard_library() {
        let answer = json!({"data": [{"id": "a", "n": 2}, {"id": "b", "n": 5}], "success": true});
        let ids = Jq::compile(".data[] | select(.n > 3) | .id").unwrap();
        assert_eq!(ids.run(&answer).unwrap(), vec![json!("b")]);
        let count = Jq::compile(".data | map(.n) | add").unwrap();
        assert_eq!(count.run(&answer).unwrap(), vec![json!(7)]);
        let upper = Jq::compile("[.data[].id | ascii_upcase] | join(\",\")").unwrap();
        assert_eq!(upper.run(&answer).unwrap(), vec![json!("A,B")]);
    }

    #[test]
    fn a_filter_that_does_not_compile_or_fails_says_where_and_why() {
        let unclosed = Jq::compile(".data[").err().unwrap();
        assert!(unclosed.contains("column"), "{unclosed}");
        let unknown = Jq::compile(".data | nosuchfunction").err().unwrap();
        assert!(unknown.contains("nosuchfunction"), "{unknown}");
        let fails = Jq::compile(".a + 1").unwrap();
        let reason = fails.run(&json!({"a": "x"})).err().unwrap();
        assert!(reason.contains("cannot"), "{reason}");
    }
}
