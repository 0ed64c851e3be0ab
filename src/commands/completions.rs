//! `maasc completions <shell>` and `maasc man`: generated from the clap
//! types, so they never drift from `--help`.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::{Error, Outcome};

pub(super) fn completions(shell: clap_complete::Shell) -> Result<Outcome, Error> {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "maasc", &mut std::io::stdout());
    Ok(Outcome::Clean)
}

pub(super) fn man() -> Result<Outcome, Error> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| Error::Io(format!("cannot render the man page: {e}")))?;
    std::io::Write::write_all(&mut std::io::stdout(), &out)
        .map_err(|e| Error::Io(format!("cannot write the man page: {e}")))?;
    Ok(Outcome::Clean)
}
