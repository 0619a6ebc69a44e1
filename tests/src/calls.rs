//! Every operation of every service, called with valid arguments, so that a test can run one
//! scenario against all of them: `SERVICE.operations` lists the operations, and a call table
//! that lacks one panics with its name.

pub mod openapi_pec;
pub mod rentri_ca;
pub mod sparkfly;
