//! The `maasc` command line: a thin clap layer over the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

/// maasc — compile one maas.yaml into the ArgoCD App-of-Apps GitOps tree of a
/// Models-as-a-Service platform on OpenShift (KServe, Kuadrant, ArgoCD).
///
/// Exit codes: 0 ok, 1 findings (invalid input, stale tree, non-empty diff),
/// 2 usage or I/O error.
#[derive(Parser)]
#[command(name = "maasc", version, about, long_about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and check maas.yaml; report every problem with file:line:col, a code and a hint.
    ///
    /// Example: maasc validate -f examples/ocpai3-aws/maas.yaml
    Validate {
        /// The maas.yaml to read.
        #[arg(short = 'f', long = "file", default_value = "maas.yaml")]
        file: PathBuf,
    },
    /// Write the whole GitOps tree: shared bases, per-cluster overlays, Applications, bootstrap.
    ///
    /// Deterministic and atomic: a run with nothing to change writes nothing, a failed
    /// run leaves the folder as it was, and only files maasc generated before (listed in
    /// .maasc-manifest) are ever removed.
    ///
    /// Example: maasc generate -f examples/ocpai3-aws/maas.yaml
    Generate {
        /// The maas.yaml to read.
        #[arg(short = 'f', long = "file", default_value = "maas.yaml")]
        file: PathBuf,
        /// Output folder (default: spec.gitops.path next to maas.yaml).
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// Folder of templates (<name>.j2) that replace the built-in ones.
        #[arg(long = "templates")]
        templates: Option<PathBuf>,
    },
    /// Print the JSON Schema of maas.yaml (also committed as schemas/maas.schema.json).
    ///
    /// Editors complete and validate maas.yaml with it: put
    /// `# yaml-language-server: $schema=<path or URL>/maas.schema.json` on the first line.
    Schema,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate { file } => validate(&file),
        Command::Generate {
            file,
            output,
            templates,
        } => generate(&file, output, templates.as_deref()),
        Command::Schema => {
            print!("{}", maasc::schema::maas_schema_json());
            ExitCode::SUCCESS
        }
    }
}

fn validate(file: &Path) -> ExitCode {
    match load(file) {
        Ok(loaded) => {
            let p = &loaded.platform;
            eprintln!(
                "{}: ok ({} cluster(s), {} tier(s), {} model(s))",
                file.display(),
                p.clusters.len(),
                p.tiers.len(),
                p.models.len()
            );
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

/// Loads the input, printing warnings; on failure prints the errors and
/// returns the exit code.
fn load(file: &Path) -> Result<maasc::Loaded, ExitCode> {
    match maasc::load(file) {
        Ok(loaded) => {
            eprint!("{}", loaded.diagnostics.render(&loaded.sources));
            Ok(loaded)
        }
        Err(e) => {
            eprint!("{}", e.render());
            Err(ExitCode::from(if e.io { 2 } else { 1 }))
        }
    }
}

fn generate(file: &Path, output: Option<PathBuf>, templates: Option<&Path>) -> ExitCode {
    let started = Instant::now();
    let loaded = match load(file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let files = match maasc::build_tree(&loaded, templates) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let dir = output.unwrap_or_else(|| maasc::default_output_dir(&loaded));
    match maasc::emit::write_tree(&dir, &files, Default::default()) {
        Ok(changes) if changes.is_empty() => {
            eprintln!(
                "{}: up to date, nothing written ({} files, {} ms)",
                dir.display(),
                changes.unchanged,
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Ok(changes) => {
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
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "error: cannot write {}: {e}; the folder was left as it was",
                dir.display()
            );
            ExitCode::from(2)
        }
    }
}
