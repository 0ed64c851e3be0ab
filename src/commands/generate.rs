//! `maasc generate`: write the whole tree, atomically.

use crate::cli::TreeArgs;
use std::time::Instant;

use crate::emit;
use crate::error::{Error, Outcome};

pub(super) fn run(args: TreeArgs) -> Result<Outcome, Error> {
    let started = Instant::now();
    let force = args.force;
    let (dir, files, notes) = super::load_tree(args)?;
    let written = if force {
        emit::write_tree_forced(&dir, &files)
    } else {
        emit::write_tree(&dir, &files)
    };
    let changes = written.map_err(|e| {
        Error::Io(format!(
            "cannot write {}: {e}; the folder was left as it was",
            dir.display()
        ))
    })?;
    if crate::report::quiet() {
        return Ok(Outcome::Clean);
    }
    for note in &notes {
        eprintln!("{note}");
    }
    if changes.is_empty() {
        eprintln!(
            "{}: up to date, nothing written ({} files, {} ms)",
            dir.display(),
            changes.unchanged,
            started.elapsed().as_millis()
        );
    } else {
        eprintln!(
            "{}: {} written ({} new, {} changed), {} unchanged, {} removed in {} ms",
            dir.display(),
            changes.added.len() + changes.changed.len(),
            changes.added.len(),
            changes.changed.len(),
            changes.unchanged,
            changes.removed.len(),
            started.elapsed().as_millis()
        );
    }
    Ok(Outcome::Clean)
}
