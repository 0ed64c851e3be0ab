//! `maasc schema`: the JSON Schema of maas.yaml.

use crate::error::{Error, Outcome};

pub(super) fn run() -> Result<Outcome, Error> {
    crate::stdout::out!("{}", crate::schema::maas_schema_json());
    Ok(Outcome::Clean)
}
