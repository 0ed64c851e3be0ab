//! The JSON Schema of maas.yaml, generated from the input types so that it
//! can never drift from what the parser accepts.

use crate::input::PlatformInput;

/// The schema as pretty JSON with a trailing newline, as committed in
/// `schemas/maas.schema.json`.
pub fn maas_schema_json() -> String {
    let schema = schemars::schema_for!(PlatformInput);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serializes");
    text.push('\n');
    text
}
