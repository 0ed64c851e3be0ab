//! `maasc validate`: parse and check, print every diagnostic.

use crate::error::{Error, Outcome};

pub(super) fn run(input: &crate::cli::Input) -> Result<Outcome, Error> {
    let file = input.file.as_path();
    let loaded = super::load(input, None)?;
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
