//! Every pass credkit still makes over progenitor's and typify's output, listed in one place.
//! Each states how many items it expects, from the model or from typify's type space, so a
//! progenitor or typify upgrade that changes the output's shape stops generation, naming the
//! pass, instead of leaving items half-rewritten.
//!
//! The client (`generate.rs`, in this order):
//! - `builder::generate_builders`: each operation's builder struct and its `impl` (one of each
//!   per operation of the model) give way to credkit's, unread; it names the operation
//!   otherwise. The inputs' and answers' types (`rust_types.rs`) and the types that carry the
//!   success member (`builder::structs_with_field`) are asked of typify.
//! - `generate::drop_unvalidated_constructors`: progenitor's `impl Client` holding `new` and
//!   `new_with_client` (one) goes.
//! - `builder::move_argument_docs`: each `Client` method's "Arguments:" list (one method per
//!   operation) moves onto the builder's setters.
//! - `type_builders::keep_request_builders`: typify's builders (one per type typify gave one)
//!   are kept only where a request body reaches them.
//! - `tag_features::gate_methods`: each method of an operation behind a tag feature (as many as
//!   the model puts behind one) gets its `cfg`.
//! - `member_names::restore_wire_names` (on progenitor's tokens), `tag_features::gate_types`
//!   and `short_names::shorten` rewrite names and attributes credkit itself chose, wherever
//!   they are; they look for no shape of progenitor's.
//!
//! The mocks (`mock.rs`): the `regex::Regex::new(..).unwrap()` calls (one per operation and per
//! path parameter), the path-value patterns (one per path parameter), the helpers of secret
//! parameters (one each), the JSON bodies of binary answers (one per binary success) and the
//! JSON body matchers of multipart requests (one per multipart operation).

use crate::problem::Problem;
use crate::spec::Spec;

/// What one pass found, against what it expects.
pub struct Count {
    /// What the pass looks for, plural: "`Client` methods".
    pub what: &'static str,
    pub found: usize,
    pub expected: usize,
}

/// A problem for each pass over `output` ("the client", "the mocks") that did not find what
/// it expects.
pub fn check(spec: &Spec, output: &str, counts: &[Count]) -> Result<(), Vec<Problem>> {
    let problems: Vec<Problem> = counts
        .iter()
        .filter(|count| count.found != count.expected)
        .map(|Count { what, found, expected }| {
            spec.problem(
                None,
                format!("{output}: found {found} {what}, expected {expected}: progenitor's or typify's output changed shape"),
            )
        })
        .collect();
    match problems.is_empty() {
        true => Ok(()),
        false => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::{Count, check};
    use crate::spec::{Spec, test_spec_head};

    #[test]
    fn a_pass_that_finds_other_than_it_expects_stops_generation_naming_it() {
        let spec = Spec::parse(concat!(test_spec_head!(), "paths: {}\n"), "specs/x.yaml").unwrap();
        let count = |found| Count {
            what: "`Client` methods",
            found,
            expected: 2,
        };
        assert!(check(&spec, "the client", &[count(2)]).is_ok());
        let problems = check(&spec, "the client", &[count(2), count(3)]).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].to_string(),
            "specs/x.yaml: the client: found 3 `Client` methods, expected 2: progenitor's or typify's output changed shape"
        );
    }
}
