//! The credkit generator: `cargo xtask generate [--check] [SERVICE..]`.
//!
//! For each `specs/<service>.yaml`: check it against the rules of `specs/README.md`, normalize it
//! in memory, run progenitor (builder interface), route the generated operations through
//! `credkit-runtime`, append what progenitor ignores (servers, per-operation facts), format with
//! prettyplease and write `crates/<service>/src/generated.rs` atomically, beside the typed httpmock
//! helpers `crates/<service>/src/mock.rs`. Nothing is written unless every selected service
//! generates.

pub mod bench;
pub mod builder;
pub mod callback_wakes;
pub mod changelog;
pub mod cli;
pub mod command_line;
pub mod compat;
pub mod corpus;
pub mod crates;
pub mod custom_types;
pub mod defaults;
pub mod discriminator;
pub mod drift;
pub mod generate;
pub mod inner_refs;
pub mod json_tree;
pub mod limits;
pub mod man_pages;
pub mod manifest;
pub mod member_names;
pub mod metadata;
pub mod mock;
pub mod model;
pub mod names;
pub mod new_service;
pub mod normalize;
pub mod openapi_places;
pub mod operation_ids;
pub mod output_passes;
pub mod parameter_names;
pub mod parse;
pub mod problem;
pub mod read_write;
pub mod ref_siblings;
pub mod rust_types;
pub mod schema_refs;
pub mod shapes;
pub mod short_names;
pub mod spec;
pub mod spec_text;
pub mod surface;
pub mod tag_features;
pub mod type_builders;
pub mod type_names;
pub mod unfit_defaults;
pub mod upstream;
pub mod variant_names;
pub mod waiters;
pub mod websockets;
pub mod workspace;

pub use generate::generate;
pub use problem::Problem;
pub use spec::Spec;
