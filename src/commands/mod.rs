//! The front ends: one module per subcommand, each a thin layer over
//! [`crate::pipeline`] that decides what to print. Every command returns a
//! `Result<Outcome, Error>`; [`run`] turns it into the exit code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{Cli, Command, TreeArgs};
use crate::error::Error;
use crate::pipeline::{self, Loaded};
use crate::render::RenderedFile;

mod check;
mod diff;
mod generate;
mod krm;
mod render;
mod schema;
#[cfg(feature = "bench-fixtures")]
mod synth;
mod validate;

/// Runs one parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    crate::error::exit(match cli.command {
        // The day-2 editors print their own reports and decide 0/1/2 themselves.
        Command::Tier(args) => return ExitCode::from(crate::edit::cli::run(&args)),
        Command::Access(args) => return ExitCode::from(crate::access::run(&args)),
        Command::Validate { input } => validate::run(&input.file),
        Command::Generate { tree } => generate::run(tree),
        Command::Check { tree } => check::run(tree),
        Command::Diff {
            old,
            new,
            format,
            exit_code,
            templates,
        } => diff::run(
            &old,
            &new,
            format,
            exit_code,
            templates.templates.as_deref(),
        ),
        Command::Render {
            input,
            cluster,
            component,
            sync_waves,
            templates,
        } => render::run(
            &input.file,
            cluster,
            component,
            sync_waves,
            templates.templates.as_deref(),
        ),
        Command::Krm { cluster } => krm::run(cluster.as_deref()),
        #[cfg(feature = "bench-fixtures")]
        Command::Synth {
            size,
            clusters,
            models,
            tiers,
            users,
            output,
        } => synth::run(&size, [clusters, models, tiers, users], &output),
        Command::Schema => schema::run(),
    })
}

/// Loads the input, printing its warnings.
fn load(file: &Path) -> Result<Loaded, Error> {
    let loaded = pipeline::load(file)?;
    eprint!("{}", loaded.diagnostics.render(&loaded.sources));
    Ok(loaded)
}

/// Loads and renders the whole tree. Returns the output folder too
/// (`-o` or the default).
fn load_tree(args: TreeArgs) -> Result<(PathBuf, Vec<RenderedFile>), Error> {
    let loaded = load(&args.input.file)?;
    let dir = args.output.unwrap_or_else(|| loaded.default_output_dir());
    // Applications name the tree by its path in the repository.
    let located = loaded.locate(&dir);
    let files = pipeline::build_tree_at(
        &loaded,
        args.templates.templates.as_deref(),
        &located.location,
    )?;
    for note in &located.notes {
        eprintln!("{note}");
    }
    Ok((dir, files))
}
