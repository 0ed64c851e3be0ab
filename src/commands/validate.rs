//! `maasc validate`: parse and check, print every diagnostic (as text on
//! stderr, or as one JSON report on stdout with `--format json`).

use std::path::Path;

use crate::cli::ReportFormat;
use crate::error::{Error, Outcome};
use crate::report;

pub(super) fn run(input: &crate::cli::Input, format: ReportFormat) -> Result<Outcome, Error> {
    if format == ReportFormat::Json {
        return json(&input.path(), &super::load_options(input, None));
    }
    let loaded = super::load(input, None)?;
    let p = &loaded.platform;
    if !report::quiet() {
        eprintln!(
            "{}: ok ({} cluster(s), {} tier(s), {} model(s))",
            loaded.path.display(),
            p.clusters.len(),
            p.tiers.len(),
            p.models.len()
        );
    }
    Ok(Outcome::Clean)
}

/// The JSON report; exit codes as in text (0 valid, 1 invalid, 2 unreadable).
fn json(file: &Path, options: &crate::pipeline::LoadOptions) -> Result<Outcome, Error> {
    match super::load_quietly(file, options) {
        Ok(loaded) => {
            crate::stdout::out!(
                "{}",
                report::json_report("validate", file, loaded.diagnostics.sorted(), None)
            );
            let fails = report::strict() && !loaded.diagnostics.is_empty();
            Ok(if fails {
                Outcome::Findings
            } else {
                Outcome::Clean
            })
        }
        Err(Error::Load(e)) => {
            crate::stdout::out!(
                "{}",
                report::json_report("validate", file, e.diagnostics.sorted(), None)
            );
            Err(Error::Reported(Error::Load(e).exit_code()))
        }
        Err(e) => Err(e),
    }
}
