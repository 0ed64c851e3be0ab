//! `maasc krm`: a KRM function, ResourceList on stdin and on stdout.

use std::io::Read;

use crate::error::{Error, Outcome};
use crate::krm;

pub(super) fn run(cluster: Option<&str>) -> Result<Outcome, Error> {
    let mut input = String::new();
    // One byte over the limit is enough for krm::run to refuse the input.
    let limit = krm::MAX_RESOURCE_LIST_BYTES as u64 + 1;
    std::io::stdin()
        .take(limit)
        .read_to_string(&mut input)
        .map_err(|e| Error::Io(format!("cannot read stdin: {e}")))?;
    let workdir = std::env::current_dir().unwrap_or_default();
    let outcome = krm::run(&input, cluster, &workdir);
    print!("{}", outcome.stdout);
    eprint!("{}", outcome.stderr);
    Ok(if outcome.failed {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
