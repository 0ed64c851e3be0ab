//! The `maasc` command line: a thin clap layer over the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

/// maasc — compile one maas.yaml into the ArgoCD App-of-Apps GitOps tree of a
/// Models-as-a-Service platform on OpenShift (KServe, Kuadrant, ArgoCD).
///
/// Typical use, in the folder holding maas.yaml:
///
///   maasc validate                           check maas.yaml
///   maasc generate                           write the tree into spec.gitops.path
///   maasc diff git:origin/main maas.yaml     what the change does, per cluster
///   maasc check                              in CI: fail when the tree is stale
///
/// Exit codes: 0 ok, 1 findings (invalid input, stale tree, non-empty diff),
/// 2 usage or I/O error.
#[derive(Parser)]
#[command(
    name = "maasc",
    version,
    about,
    long_about,
    propagate_version = true,
    verbatim_doc_comment
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// `-f maas.yaml`, shared by every command that reads one.
#[derive(clap::Args)]
struct Input {
    /// The maas.yaml to read.
    #[arg(short = 'f', long = "file", default_value = "maas.yaml")]
    file: PathBuf,
}

/// `--templates DIR`, shared by every command that renders.
#[derive(clap::Args)]
struct Templates {
    /// Folder of templates (<name>.j2) that replace the built-in ones.
    #[arg(long = "templates")]
    templates: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and check maas.yaml; report every problem with file:line:col, a code and a hint.
    ///
    /// Example: maasc validate -f examples/ocpai3-aws/maas.yaml
    Validate {
        #[command(flatten)]
        input: Input,
    },
    /// Write the whole GitOps tree: shared bases, per-cluster overlays, Applications, bootstrap.
    ///
    /// Deterministic and atomic: a run with nothing to change writes nothing, a failed
    /// run leaves the folder as it was, and only files maasc generated before (listed in
    /// .maasc-manifest) are ever removed.
    ///
    /// Example: maasc generate -f examples/ocpai3-aws/maas.yaml
    Generate {
        #[command(flatten)]
        input: Input,
        /// Output folder (default: spec.gitops.path next to maas.yaml).
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// Overwrite files at generated paths that maasc did not generate
        /// (not in .maasc-manifest); without it generate refuses, naming them.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        templates: Templates,
    },
    /// Exit 1 if a generated tree is stale: not exactly what generate would write.
    ///
    /// Compares in memory and writes nothing. Prints a unified diff of every
    /// changed file and lists the added, changed and removed files. Files maasc
    /// never generated (not in .maasc-manifest) are ignored. For CI and pre-commit.
    ///
    /// Exit codes: 0 up to date, 1 stale, 2 invalid input or I/O error.
    ///
    /// Example: maasc check -f examples/ocpai3-aws/maas.yaml -o clusters
    Check {
        #[command(flatten)]
        input: Input,
        /// The tree to check (default: spec.gitops.path next to maas.yaml).
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        #[command(flatten)]
        templates: Templates,
    },
    /// Show what a change does to every cluster, object by object.
    ///
    /// OLD and NEW are each a maas.yaml, a generated tree (folder), or
    /// git:REF[:PATH]: a maas.yaml read from a revision of the current git
    /// repository without checking it out (PATH defaults to the other side's
    /// file, else maas.yaml). Prints a summary in maas.yaml's terms (when both
    /// sides are maas.yaml), then objects added, removed and changed, grouped by
    /// cluster and component, with the changed fields. Secret values are masked.
    ///
    /// Examples:
    ///   maasc diff git:origin/main maas.yaml --format md > diff.md
    ///   maasc diff examples/dev-prod/maas.yaml examples/migration/maas.yaml
    ///   maasc diff clusters /tmp/new-clusters --exit-code
    #[command(verbatim_doc_comment)]
    Diff {
        /// The old side.
        old: String,
        /// The new side.
        new: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: maasc::diff::Format,
        /// Exit 1 when there is any difference (like `git diff --exit-code`).
        #[arg(long)]
        exit_code: bool,
        #[command(flatten)]
        templates: Templates,
    },
    /// Print one cluster's complete manifest stream, writing no files.
    ///
    /// The objects `kubectl kustomize` of each of the cluster's component
    /// overlays gives (the App-of-Apps plumbing, apps/ and bootstrap/, left out),
    /// in sync-wave order, as one YAML stream. The entry point of the ArgoCD
    /// Config Management Plugin (deploy/argocd/plugin.yaml). On any error it
    /// prints nothing to stdout and exits non-zero, so ArgoCD never prunes
    /// a cluster because of an empty stream.
    ///
    /// The cluster: --cluster, else $PARAM_CLUSTER (the plugin parameter), else
    /// $ARGOCD_ENV_MAASC_CLUSTER, else the only cluster of maas.yaml.
    ///
    /// Example: maasc render -f examples/dev-prod/maas.yaml --cluster prod
    Render {
        #[command(flatten)]
        input: Input,
        /// The cluster to render.
        #[arg(long)]
        cluster: Option<String>,
        /// Only this component, e.g. models/llm ($PARAM_COMPONENT).
        #[arg(long)]
        component: Option<String>,
        /// Give every object its component's argocd.argoproj.io/sync-wave, so one
        /// Application applying the whole cluster keeps the App-of-Apps order
        /// (also $PARAM_SYNC_WAVES=true).
        #[arg(long)]
        sync_waves: bool,
        #[command(flatten)]
        templates: Templates,
    },
    /// Run as a KRM function: a ResourceList on stdin, one on stdout.
    ///
    /// functionConfig is the MaaSPlatform object (maas.yaml's content). The
    /// input items are kept and the selected cluster's objects appended (the
    /// same objects `maasc render` prints), annotated with
    /// config.kubernetes.io/path and index. Problems become `results` with the
    /// field path; any error exits 1 and keeps every input item. YAML or JSON.
    ///
    /// The cluster: --cluster, else the functionConfig annotation
    /// maasc.io/cluster, else every cluster, each object under its
    /// cluster's path (what kpt writes out; a kustomize build needs one
    /// cluster). The htpasswd content: the annotation maasc.io/htpasswd
    /// (inline), else the Secret in items named by maasc.io/htpasswd-secret
    /// (key htpasswd), else identity.htpasswd.file relative to the working
    /// folder. maasc.io/sync-waves: "true" gives every object its
    /// component's argocd.argoproj.io/sync-wave.
    ///
    /// Example (kustomize generator, exec):
    ///   kustomize build --enable-alpha-plugins --enable-exec deploy/argocd/krm-example
    #[command(verbatim_doc_comment)]
    Krm {
        /// The cluster to generate.
        #[arg(long)]
        cluster: Option<String>,
    },
    /// Write a synthetic fleet (maas.yaml + users.htpasswd) for benchmarks.
    ///
    /// Example: maasc synth --size large -o /tmp/fleet
    #[command(hide = true)]
    Synth {
        /// medium (10 clusters, 50 models, 5 tiers, 200 users) or large
        /// (50 × 200 × 10 × 1,000); the counts below override it.
        #[arg(long, default_value = "medium")]
        size: String,
        #[arg(long)]
        clusters: Option<usize>,
        #[arg(long)]
        models: Option<usize>,
        #[arg(long)]
        tiers: Option<usize>,
        #[arg(long)]
        users: Option<usize>,
        /// Folder to write into (created if missing).
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
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
        Command::Validate { input } => validate(&input.file),
        Command::Generate {
            input,
            output,
            force,
            templates,
        } => generate(&input.file, output, force, templates.templates.as_deref()),
        Command::Check {
            input,
            output,
            templates,
        } => check(&input.file, output, templates.templates.as_deref()),
        Command::Diff {
            old,
            new,
            format,
            exit_code,
            templates,
        } => diff(
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
        } => render(
            &input.file,
            cluster,
            component,
            sync_waves,
            templates.templates.as_deref(),
        ),
        Command::Krm { cluster } => krm(cluster.as_deref()),
        Command::Synth {
            size,
            clusters,
            models,
            tiers,
            users,
            output,
        } => synth(&size, [clusters, models, tiers, users], &output),
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

/// Loads and renders the whole tree; on failure prints why and returns the
/// exit code. Returns the output folder too (`output` or the default).
fn load_tree(
    file: &Path,
    output: Option<PathBuf>,
    templates: Option<&Path>,
) -> Result<(PathBuf, Vec<maasc::render::RenderedFile>), ExitCode> {
    let loaded = load(file)?;
    let files = maasc::build_tree(&loaded, templates).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    let dir = output.unwrap_or_else(|| maasc::default_output_dir(&loaded));
    Ok((dir, files))
}

fn check(file: &Path, output: Option<PathBuf>, templates: Option<&Path>) -> ExitCode {
    let (dir, files) = match load_tree(file, output, templates) {
        Ok(t) => t,
        // Invalid input is not a stale tree: 2, so CI can tell them apart.
        Err(_) => return ExitCode::from(2),
    };
    match maasc::stale::check_tree(&dir, &files) {
        Ok(report) if report.is_clean() => {
            eprintln!(
                "{}: up to date ({} files)",
                dir.display(),
                report.changes.unchanged
            );
            ExitCode::SUCCESS
        }
        Ok(report) => {
            print!("{}", report.render(maasc::style::Style::for_stdout()));
            let c = &report.changes;
            eprintln!(
                "{}: stale: {} added, {} changed, {} removed; run `maasc generate -f {} -o {}` and commit the result",
                dir.display(),
                c.added.len(),
                c.changed.len(),
                c.removed.len(),
                file.display(),
                dir.display()
            );
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", dir.display());
            ExitCode::from(2)
        }
    }
}

fn diff(
    old: &str,
    new: &str,
    format: maasc::diff::Format,
    exit_code: bool,
    templates: Option<&Path>,
) -> ExitCode {
    let open = |arg: &str, other: &str| {
        maasc::diff::open_side(arg, other, templates).map_err(|e| {
            eprint!("{e}");
            ExitCode::from(2)
        })
    };
    let sides = open(old, new).and_then(|a| Ok((a, open(new, old)?)));
    let (a, b) = match sides {
        Ok(s) => s,
        Err(code) => return code,
    };
    match maasc::diff::diff(&a, &b) {
        Ok(d) => {
            print!("{}", d.render(format, maasc::style::Style::for_stdout()));
            if exit_code && !d.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// A setting from the flag, else the first of `vars` set and not empty.
fn flag_or_env(flag: Option<String>, vars: &[&str]) -> Option<String> {
    flag.or_else(|| {
        vars.iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
    })
}

fn render(
    file: &Path,
    cluster: Option<String>,
    component: Option<String>,
    sync_waves: bool,
    templates: Option<&Path>,
) -> ExitCode {
    let sync_waves = sync_waves
        || flag_or_env(None, &["PARAM_SYNC_WAVES", "ARGOCD_ENV_MAASC_SYNC_WAVES"])
            .is_some_and(|v| v == "true");
    let cluster = flag_or_env(cluster, &["PARAM_CLUSTER", "ARGOCD_ENV_MAASC_CLUSTER"]);
    let component = flag_or_env(
        component,
        &["PARAM_COMPONENT", "ARGOCD_ENV_MAASC_COMPONENT"],
    );
    let loaded = match load(file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let stream = maasc::emit::stream::select_cluster(&loaded.platform, cluster.as_deref())
        .and_then(|cluster| {
            let name = cluster.name.as_str();
            maasc::emit::stream::cluster_stream(
                &loaded,
                templates,
                name,
                component.as_deref(),
                sync_waves,
            )
        });
    match stream {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

fn synth(size: &str, counts: [Option<usize>; 4], output: &Path) -> ExitCode {
    use maasc::synthetic::{FleetSize, htpasswd, maas_yaml};
    let mut fleet = match size {
        "medium" => FleetSize::MEDIUM,
        "large" => FleetSize::LARGE,
        other => {
            eprintln!("error: unknown size `{other}`: use medium or large");
            return ExitCode::from(2);
        }
    };
    let [clusters, models, tiers, users] = counts;
    fleet.clusters = clusters.unwrap_or(fleet.clusters).max(1);
    fleet.models = models.unwrap_or(fleet.models).max(1);
    fleet.tiers = tiers.unwrap_or(fleet.tiers).max(1);
    fleet.users = users.unwrap_or(fleet.users).max(1);
    let written = std::fs::create_dir_all(output)
        .and_then(|()| std::fs::write(output.join("users.htpasswd"), htpasswd(fleet)))
        .and_then(|()| {
            std::fs::write(output.join("maas.yaml"), maas_yaml(fleet, "users.htpasswd"))
        });
    match written {
        Ok(()) => {
            eprintln!("{}: {fleet:?}", output.join("maas.yaml").display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", output.display());
            ExitCode::from(2)
        }
    }
}

fn krm(cluster: Option<&str>) -> ExitCode {
    use std::io::Read;
    let mut bytes = Vec::new();
    // One byte over the limit is enough for run() to refuse the input.
    let limit = maasc::emit::krm::MAX_RESOURCE_LIST_BYTES as u64 + 1;
    if let Err(e) = std::io::stdin().take(limit).read_to_end(&mut bytes) {
        eprintln!("error: cannot read stdin: {e}");
        return ExitCode::from(2);
    }
    let workdir = std::env::current_dir().unwrap_or_default();
    let outcome = match String::from_utf8(bytes) {
        Ok(input) => maasc::emit::krm::run(&input, cluster, &workdir),
        // Still a ResourceList back, saying why (issue 13).
        Err(e) => maasc::emit::krm::unreadable_list(
            &format!("it is not UTF-8 ({})", e.utf8_error()),
            e.as_bytes().first() == Some(&b'{'),
        ),
    };
    print!("{}", outcome.stdout);
    eprint!("{}", outcome.stderr);
    if outcome.failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn generate(
    file: &Path,
    output: Option<PathBuf>,
    force: bool,
    templates: Option<&Path>,
) -> ExitCode {
    let started = Instant::now();
    let (dir, files) = match load_tree(file, output, templates) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let written = if force {
        maasc::emit::write_tree_forced(&dir, &files)
    } else {
        maasc::emit::write_tree(&dir, &files, Default::default())
    };
    match written {
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
