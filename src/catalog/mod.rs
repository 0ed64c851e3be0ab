//! Facts maasc knows about the world: instance types, operators and
//! OpenShift AI versions.

pub mod instance_types;
pub mod operators;
pub mod versions;
