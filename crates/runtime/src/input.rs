//! What a generated builder's setter does with the value it is given: one generic function
//! instead of the same conversion and message written into every setter of every operation.

use std::fmt::Display;

/// `value` converted to the input's type, or the reason it was refused, named after the input:
/// `invalid pin: Pin must be at least 6 characters`. `send` returns the reason as
/// [`crate::Error`] of kind `InvalidRequest`.
pub fn input<T, V>(value: V, name: &str) -> Result<T, String>
where
    V: TryInto<T>,
    V::Error: Display,
{
    value.try_into().map_err(|e| format!("invalid {name}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::input;

    #[test]
    fn a_value_that_converts_is_kept_and_one_that_does_not_says_which_input_and_why() {
        assert_eq!(input::<u8, _>(7_i64, "count"), Ok(7));
        assert_eq!(
            input::<u8, _>(300_i64, "count"),
            Err("invalid count: out of range integral type conversion attempted".to_owned())
        );
    }
}
