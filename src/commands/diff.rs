//! `maasc diff`: what a change does to every cluster, object by object.

use std::path::Path;

use crate::diff::{self, Format};
use crate::error::{Error, Outcome};
use crate::style::Style;

pub(super) fn run(
    old: &str,
    new: &str,
    format: Format,
    exit_code: bool,
    templates: Option<&Path>,
) -> Result<Outcome, Error> {
    let a = diff::open_side(old, new, templates)?;
    let b = diff::open_side(new, old, templates)?;
    let d = diff::diff(&a, &b)?;
    crate::stdout::out!("{}", d.render(format, Style::for_stdout()));
    Ok(if exit_code && !d.is_empty() {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
