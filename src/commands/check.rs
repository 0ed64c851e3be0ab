//! `maasc check`: is the generated tree exactly what generate would write?

use std::path::Path;

use crate::cli::{ReportFormat, TreeArgs};

use crate::error::{Error, Outcome};
use crate::report;
use crate::stale;
use crate::style::Style;

pub(super) fn run(args: TreeArgs, format: ReportFormat) -> Result<Outcome, Error> {
    let file = args.input.path();
    if format == ReportFormat::Json {
        return json(args, &file);
    }
    // Invalid input is not a stale tree: 2, so CI can tell them apart.
    let (dir, files, _) = super::load_tree(args).map_err(|e| match e {
        Error::Load(e) => Error::InputOfCheck(e),
        // --strict warnings: invalid input too, not a stale tree.
        Error::Findings(m) => Error::Usage(m),
        e => e,
    })?;
    tree_exists(&dir)?;
    let report = stale::check_tree(&dir, &files)
        .map_err(|e| Error::Io(format!("cannot read {}: {e}", dir.display())))?;
    if report.is_clean() {
        if !report::quiet() {
            eprintln!(
                "{}: up to date ({} files)",
                dir.display(),
                report.changes.unchanged
            );
        }
        return Ok(Outcome::Clean);
    }
    crate::stdout::out!("{}", report.render(Style::for_stdout()));
    let c = &report.changes;
    eprintln!(
        "{}: stale: {} added, {} changed, {} removed; run `maasc generate -f {} -o {}` and commit the result",
        dir.display(),
        c.added.len(),
        c.changed.len(),
        c.removed.len(),
        file.display(),
        dir.display()
    );
    Ok(Outcome::Findings)
}

/// A tree folder that does not exist is a wrong `-o` (or a tree never
/// generated): an error (exit 2), not a stale tree.
fn tree_exists(dir: &Path) -> Result<(), Error> {
    if dir.is_dir() {
        return Ok(());
    }
    let what = if dir.exists() {
        "is not a folder"
    } else {
        "does not exist"
    };
    Err(Error::Io(format!(
        "{}: the tree's folder {what}; check -o, or write the tree first with `maasc generate -o {}`",
        dir.display(),
        dir.display()
    )))
}

/// The JSON report: the diagnostics and the tree's added, changed and
/// removed files. Exit codes as in text (0 current, 1 stale, 2 invalid input
/// or I/O error).
fn json(args: TreeArgs, file: &Path) -> Result<Outcome, Error> {
    let options = super::load_options(&args.input, args.output.as_deref());
    let loaded = match super::load_quietly(file, &options) {
        Ok(loaded) => loaded,
        Err(Error::Load(e)) => {
            crate::stdout::out!(
                "{}",
                report::json_report("check", file, e.diagnostics.sorted(), None)
            );
            return Err(Error::Reported(2));
        }
        Err(e) => return Err(e),
    };
    if report::strict() && !loaded.diagnostics.is_empty() {
        crate::stdout::out!(
            "{}",
            report::json_report("check", file, loaded.diagnostics.sorted(), None)
        );
        return Err(Error::Reported(2));
    }
    let (dir, files, _) = super::tree_of(&loaded, args)?;
    tree_exists(&dir)?;
    let stale = stale::check_tree(&dir, &files)
        .map_err(|e| Error::Io(format!("cannot read {}: {e}", dir.display())))?;
    crate::stdout::out!(
        "{}",
        report::json_report(
            "check",
            file,
            loaded.diagnostics.sorted(),
            Some((&dir, &stale.changes))
        )
    );
    Ok(if stale.is_clean() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
