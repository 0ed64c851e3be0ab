//! The `maasc` binary: parse the command line, dispatch, exit.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    maasc::run(maasc::Cli::parse())
}
