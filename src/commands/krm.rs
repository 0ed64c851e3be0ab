//! `maasc krm`: a KRM function, ResourceList on stdin and on stdout.

use std::io::Read;

use crate::error::{Error, Outcome};
use crate::krm;

pub(super) fn run(cluster: Option<&str>) -> Result<Outcome, Error> {
    let mut bytes = Vec::new();
    // One byte over the limit is enough for krm::run to refuse the input.
    let limit = krm::MAX_RESOURCE_LIST_BYTES as u64 + 1;
    std::io::stdin()
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Io(format!("cannot read stdin: {e}")))?;
    let workdir = std::env::current_dir().unwrap_or_default();
    let outcome = match String::from_utf8(bytes) {
        Ok(input) => krm::run(&input, cluster, &workdir),
        // Still a ResourceList back, saying why (issue 13).
        Err(e) => krm::unreadable_list(
            &format!("it is not UTF-8 ({})", e.utf8_error()),
            e.as_bytes().first() == Some(&b'{'),
        ),
    };
    crate::stdout::write(&outcome.stdout);
    eprint!("{}", outcome.stderr);
    Ok(if outcome.failed {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
