//! Facts maasc knows about the world: instance types and operators.

pub mod instance_types;
pub mod operators;
