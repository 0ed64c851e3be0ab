//! `maasc schema`: the JSON Schema of maas.yaml.

use crate::error::{Error, Outcome};

pub(super) fn run() -> Result<Outcome, Error> {
    print!("{}", crate::schema::maas_schema_json());
    Ok(Outcome::Clean)
}
