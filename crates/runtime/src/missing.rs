//! The states of a required input of an operation's builder, and what a setter accepts.

/// A required input of an operation's builder that has not been set yet.
///
/// Each required parameter of an operation is a type parameter of its builder, `Missing` until
/// its setter is called; the builder's `send` exists only once none is `Missing`. So a call that
/// lacks a required value is a compile error naming the builder with `Missing` in that
/// parameter's place (`no method named send found for struct GetCredentialsStatus<'_, Missing>`),
/// never a request that fails at run time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Missing;

/// A required input of an operation's builder that has been set: the builder whose every type
/// parameter is `Set` has `send`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Set;

/// What a setter of an operation's builder accepts for an input of type `T`: anything that
/// converts into it, fallibly (`"42"` for a number, `"abc"` for a constrained string), whose
/// refusal says why. A refused value is returned by `send` as an `InvalidRequest` error
/// naming the input, and nothing is sent.
pub trait Input<T>: TryInto<T, Error: std::fmt::Display> {}

impl<T, V: TryInto<T, Error: std::fmt::Display>> Input<T> for V {}
