//! The `maasc` command line: a thin clap layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

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
        Command::Schema => {
            print!("{}", maasc::schema::maas_schema_json());
            ExitCode::SUCCESS
        }
    }
}

fn validate(file: &std::path::Path) -> ExitCode {
    match maasc::load(file) {
        Ok(loaded) => {
            eprint!("{}", loaded.diagnostics.render(&loaded.sources));
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
        Err(e) => {
            eprint!("{}", e.render());
            ExitCode::from(if e.io { 2 } else { 1 })
        }
    }
}
