//! `maasc help [COMMAND…]`: like `--help`, and never a usage error (exit 2):
//! an unknown command gets a did-you-mean and the list of commands (exit 1).

use std::ffi::OsString;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::suggest::did_you_mean;

/// Handles `maasc help …` when the command line is that; `None` otherwise.
pub fn help(args: &[OsString]) -> Option<ExitCode> {
    let rest: Vec<String> = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .filter(|a| !a.starts_with('-'))
        .collect();
    if rest.first().map(String::as_str) != Some("help") {
        return None;
    }
    let mut command = Cli::command().bin_name("maasc");
    command.build();
    let mut current = &mut command;
    let mut path = vec!["maasc".to_string()];
    for word in &rest[1..] {
        let names: Vec<String> = current
            .get_subcommands()
            .filter(|c| !c.is_hide_set())
            .map(|c| c.get_name().to_string())
            .collect();
        if current.find_subcommand(word).is_none() {
            let suggestion = did_you_mean(word, names.iter().map(String::as_str))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            eprintln!(
                "error: `{}` has no command `{word}`{suggestion}; its commands: {}",
                path.join(" "),
                names.join(", ")
            );
            return Some(ExitCode::from(1));
        }
        current = current.find_subcommand_mut(word)?;
        path.push(word.clone());
    }
    let help = current.render_long_help();
    let text = if crate::style::Style::for_stdout().is_color() {
        help.ansi().to_string()
    } else {
        help.to_string()
    };
    // A closed pipe (`maasc help | head`) is not an error.
    let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
    Some(ExitCode::SUCCESS)
}
