//! The contract between generated clients and the runtime: the functions each generated `send`
//! and each generated mock call, besides [`crate::Runtime::execute`] and
//! [`crate::GeneratedClient`]. Users never call these; they are hidden from the documentation
//! and follow the generator (`xtask/src/builder.rs`, `xtask/src/mock.rs`), not semver.

pub use crate::call::{Call, built};
pub use crate::callback::woken;
pub use crate::decode::{
    absent, empty, empty_variant, error_from_response, json_response, json_response_refusable,
    json_variant, present, stream, text_response, text_variant,
};
pub use crate::input::input;
pub use crate::multipart::{FileParts, Multipart};
pub use crate::path::{encode_path_segment, path_segment_pattern};
pub use crate::query_style::{QueryStyle, query_pairs};
pub use crate::shape::{Member, Node, Shape};
pub use crate::wait::wait;
