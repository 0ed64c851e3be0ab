//! `maasc init`: write a commented starter maas.yaml that validates. It
//! holds no secret (the htpasswd users are an `existingSecret`) and never
//! overwrites a file.

use std::io::Write as _;
use std::path::Path;

use crate::error::{Error, Outcome};

/// The starter file (tested to validate).
pub(crate) const STARTER: &str = include_str!("starter.yaml");

pub(super) fn run(file: &Path) -> Result<Outcome, Error> {
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Usage(format!(
                    "{} already exists; maasc init never overwrites a file (remove it, or give another path: maasc init other.yaml)",
                    file.display()
                ))
            } else {
                Error::Io(format!("cannot create {}: {e}", file.display()))
            }
        })?;
    out.write_all(STARTER.as_bytes())
        .map_err(|e| Error::Io(format!("cannot write {}: {e}", file.display())))?;
    if !crate::report::quiet() {
        eprintln!(
            "{}: written; next: maasc validate {0}, then maasc generate {0}",
            file.display()
        );
    }
    Ok(Outcome::Clean)
}
