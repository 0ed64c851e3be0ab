//! `maasc synth` (hidden, feature `bench-fixtures`): a synthetic fleet for
//! benchmarks.

use std::path::Path;

use crate::error::{Error, Outcome};
use crate::synthetic::{FleetSize, htpasswd, maas_yaml};

pub(super) fn run(size: &str, counts: [Option<usize>; 4], output: &Path) -> Result<Outcome, Error> {
    let mut fleet = match size {
        "medium" => FleetSize::MEDIUM,
        "large" => FleetSize::LARGE,
        other => {
            return Err(Error::Usage(format!(
                "unknown size `{other}`: use medium or large"
            )));
        }
    };
    let [clusters, models, tiers, users] = counts;
    fleet.clusters = clusters.unwrap_or(fleet.clusters).max(1);
    fleet.models = models.unwrap_or(fleet.models).max(1);
    fleet.tiers = tiers.unwrap_or(fleet.tiers).max(1);
    fleet.users = users.unwrap_or(fleet.users).max(1);
    std::fs::create_dir_all(output)
        .and_then(|()| std::fs::write(output.join("users.htpasswd"), htpasswd(fleet)))
        .and_then(|()| std::fs::write(output.join("maas.yaml"), maas_yaml(fleet, "users.htpasswd")))
        .map_err(|e| Error::Io(format!("cannot write {}: {e}", output.display())))?;
    eprintln!("{}: {fleet:?}", output.join("maas.yaml").display());
    Ok(Outcome::Clean)
}
