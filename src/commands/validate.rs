//! `maasc validate`: parse and check, print every diagnostic.

use std::path::Path;

use crate::error::{Error, Outcome};

pub(super) fn run(file: &Path) -> Result<Outcome, Error> {
    let loaded = super::load(file)?;
    let p = &loaded.platform;
    eprintln!(
        "{}: ok ({} cluster(s), {} tier(s), {} model(s))",
        file.display(),
        p.clusters.len(),
        p.tiers.len(),
        p.models.len()
    );
    Ok(Outcome::Clean)
}
