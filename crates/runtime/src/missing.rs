//! The state of a required input that has not been set on an operation's builder.

/// A required input of an operation's builder that has not been set yet.
///
/// Each required parameter of an operation is a type parameter of its builder, `Missing` until
/// its setter is called; the builder's `send` exists only once none is `Missing`. So a call that
/// lacks a required value is a compile error naming the builder with `Missing` in that
/// parameter's place (`no method named send found for struct GetCredentialsStatus<'_, Missing>`),
/// never a request that fails at run time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Missing;
