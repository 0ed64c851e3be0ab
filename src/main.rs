//! The `maasc` binary: parse the command line, dispatch, exit.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(code) = maasc::help(&args) {
        return code;
    }
    maasc::run(maasc::Cli::parse_from(args))
}
