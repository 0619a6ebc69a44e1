//! The workspace's integration tests, one binary with a module per area, so that tokio,
//! reqwest, httpmock and aws-lc are linked once and not once per file. The modules share one
//! process: a test that needs process-wide state (the tracing subscriber of `secrets`) sets it
//! up so that tests running beside it cannot disturb it.

mod generator;
mod generator_build;
mod hostile_callers;
mod hostile_servers;
mod loadable_workspace;
mod openapi_pec;
mod published;
mod quota;
mod rentri_ca;
mod request_bodies;
mod retries;
mod runtime;
mod schema_shapes;
mod secrets;
mod sparkfly;
mod spec_examples;
mod spec_patterns;
mod standalone;
mod success_shapes;
mod tolerant_answers;
mod upstream;
mod waiters;
