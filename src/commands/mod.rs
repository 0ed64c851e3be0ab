//! The front ends: one module per subcommand, each a thin layer over
//! [`crate::pipeline`] that decides what to print. Every command returns a
//! `Result<Outcome, Error>`; [`run`] turns it into the exit code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{Cli, Command, TreeArgs};
use crate::error::Error;
use crate::pipeline::{self, Loaded};
use crate::render::RenderedFile;

pub use help::help;

mod check;
mod completions;
mod diff;
mod generate;
mod help;
mod init;
mod krm;
mod render;
mod schema;
#[cfg(feature = "bench-fixtures")]
mod synth;
mod validate;

/// Runs one parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    crate::report::init(cli.global);
    crate::error::exit(match cli.command {
        // The day-2 editors print their own reports and decide 0/1/2 themselves.
        Command::Tier(args) => return ExitCode::from(crate::edit::cli::run(&args)),
        Command::Access(args) => return ExitCode::from(crate::access::run(&args)),
        Command::Validate { input, format } => validate::run(&input, format),
        Command::Generate { tree } => generate::run(tree),
        Command::Check { tree, format } => check::run(tree, format),
        Command::Init { file } => init::run(&file),
        Command::Completions { shell } => completions::completions(shell),
        Command::Man => completions::man(),
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
            &input,
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

/// Reads, parses and checks the input (`-` is stdin): its warnings are
/// printed (unless `-q`), and fail the run under `--strict`. Each cluster's
/// version is compared with the one of the tree in `tree` (default: the
/// default output folder) unless `--allow-version-skip`.
fn load(input: &crate::cli::Input, tree: Option<&Path>) -> Result<Loaded, Error> {
    let loaded = load_quietly(&input.path(), &load_options(input, tree))?;
    if !crate::report::quiet() || crate::report::strict() {
        eprint!(
            "{}",
            crate::style::Style::for_stderr()
                .diagnostics(&loaded.diagnostics.render(&loaded.sources))
        );
    }
    strict(loaded)
}

/// Under `--strict`, a load with warnings is a failed load (exit 1).
fn strict(loaded: Loaded) -> Result<Loaded, Error> {
    if crate::report::strict() && !loaded.diagnostics.is_empty() {
        return Err(Error::Usage(format!(
            "{}: {} warning(s), and --strict makes warnings fail",
            loaded.path.display(),
            loaded.diagnostics.len()
        ))
        .findings());
    }
    Ok(loaded)
}

/// What `load` compares each cluster's version with.
fn load_options(input: &crate::cli::Input, tree: Option<&Path>) -> pipeline::LoadOptions {
    pipeline::LoadOptions {
        tree: tree.map(Path::to_path_buf),
        allow_version_skip: input.allow_version_skip,
    }
}

/// Loads without printing anything (`-` reads stdin; paths inside it are
/// relative to the working folder).
fn load_quietly(file: &Path, options: &pipeline::LoadOptions) -> Result<Loaded, Error> {
    if file != Path::new("-") {
        return Ok(pipeline::load_with(file, options)?);
    }
    let mut text = String::new();
    let read = std::io::Read::read_to_string(
        &mut std::io::Read::take(std::io::stdin().lock(), crate::parse::MAX_INPUT_BYTES + 1),
        &mut text,
    );
    read.map_err(|e| Error::Io(format!("cannot read maas.yaml from stdin: {e}")))?;
    Ok(pipeline::load_text(Path::new("<stdin>"), text, None)?)
}

/// Loads and renders the whole tree. Returns the output folder too
/// (`-o` or the default).
/// What a run that renders the whole tree has: the output folder, the
/// files, and notes for the user (e.g. the repository root assumed).
type Tree = (PathBuf, Vec<RenderedFile>, Vec<String>);

fn load_tree(args: TreeArgs) -> Result<Tree, Error> {
    let loaded = load(&args.input, args.output.as_deref())?;
    tree_of(&loaded, args)
}

/// Renders the whole tree of a loaded input; the output folder too.
fn tree_of(loaded: &Loaded, args: TreeArgs) -> Result<Tree, Error> {
    let dir = args.output.unwrap_or_else(|| loaded.default_output_dir());
    // Applications name the tree by its path in the repository.
    let located = loaded.locate(&dir);
    // --templates, else the folder the tree recorded when it was generated.
    let templates = crate::recorded_templates::choose(args.templates.templates.as_deref(), &dir);
    let mut files = pipeline::build_tree_at(loaded, templates.as_deref(), &located.location)?;
    if let Some(templates) = &templates {
        crate::recorded_templates::record(&mut files, &dir, templates);
    }
    Ok((dir, files, located.notes))
}
