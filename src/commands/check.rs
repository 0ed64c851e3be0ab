//! `maasc check`: is the generated tree exactly what generate would write?

use crate::cli::TreeArgs;

use crate::error::{Error, Outcome};
use crate::stale;
use crate::style::Style;

pub(super) fn run(args: TreeArgs) -> Result<Outcome, Error> {
    let file = args.input.file.clone();
    // Invalid input is not a stale tree: 2, so CI can tell them apart.
    let (dir, files) = super::load_tree(args).map_err(|e| match e {
        Error::Load(e) => Error::InputOfCheck(e),
        e => e,
    })?;
    let report = stale::check_tree(&dir, &files)
        .map_err(|e| Error::Io(format!("cannot read {}: {e}", dir.display())))?;
    if report.is_clean() {
        eprintln!(
            "{}: up to date ({} files)",
            dir.display(),
            report.changes.unchanged
        );
        return Ok(Outcome::Clean);
    }
    print!("{}", report.render(Style::for_stdout()));
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
