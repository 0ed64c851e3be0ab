//! The command line's types (clap derive): every subcommand, its flags and
//! its `--help` text. Running them is `commands`' job.

use std::path::PathBuf;

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
    version = crate::VERSION,
    about,
    long_about,
    propagate_version = true,
    verbatim_doc_comment
)]
pub struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    #[command(flatten)]
    pub(crate) global: Global,
}

/// Flags every subcommand takes.
#[derive(clap::Args, Clone, Copy, Debug, Default)]
pub(crate) struct Global {
    /// When to colour the output: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, value_enum, default_value_t, global = true, value_name = "WHEN")]
    pub(crate) color: ColorChoice,
    /// Print only errors and findings: no progress, summaries or warnings.
    #[arg(short = 'q', long, global = true)]
    pub(crate) quiet: bool,
    /// Warnings fail the run (exit 1, like `helm lint --strict`).
    #[arg(long, global = true)]
    pub(crate) strict: bool,
}

/// `--color`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// `--format` of validate and check.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum ReportFormat {
    /// For people: rustc-style diagnostics.
    #[default]
    Text,
    /// For tools: one JSON object on stdout (schema in README "Machine-readable output").
    Json,
}

/// The maas.yaml to read, given as `FILE` or `-f FILE` (`-` is stdin),
/// shared by every command that reads one.
#[derive(clap::Args)]
pub(crate) struct Input {
    /// The maas.yaml to read (default: maas.yaml; `-` reads stdin).
    #[arg(value_name = "FILE", conflicts_with = "file")]
    pub(crate) positional: Option<PathBuf>,
    /// The maas.yaml to read, as a flag (`-f -` reads stdin).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,
    /// Accept a cluster whose OpenShift AI version moves down, or skips a minor,
    /// against the generated tree (OLM upgrades one minor at a time and never
    /// downgrades: 3.0 → 3.2 → 3.3 → 3.4 → 3.5).
    #[arg(long)]
    pub(crate) allow_version_skip: bool,
}

impl Input {
    /// The file given, positional or `-f`, else `maas.yaml`.
    pub(crate) fn path(&self) -> PathBuf {
        self.positional
            .clone()
            .or_else(|| self.file.clone())
            .unwrap_or_else(|| PathBuf::from("maas.yaml"))
    }
}

/// `--templates DIR`, shared by every command that renders.
#[derive(clap::Args)]
pub(crate) struct Templates {
    /// Folder of templates (<name>.j2) that replace the built-in ones.
    #[arg(long = "templates")]
    pub(crate) templates: Option<PathBuf>,
}

/// `-f maas.yaml -o DIR --templates DIR`: the tree `generate` writes and
/// `check` compares.
#[derive(clap::Args)]
pub(crate) struct TreeArgs {
    #[command(flatten)]
    pub(crate) input: Input,
    /// The tree's folder (default: spec.gitops.path next to maas.yaml).
    #[arg(short = 'o', long = "output")]
    pub(crate) output: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) templates: Templates,
    /// generate: overwrite files at generated paths that maasc did not
    /// generate (not in .maasc-manifest); without it generate refuses, naming them.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Parse and check maas.yaml; report every problem with file:line:col, a code and a hint.
    ///
    /// Example: maasc validate examples/ocpai3-aws/maas.yaml
    Validate {
        #[command(flatten)]
        input: Input,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: ReportFormat,
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
        tree: TreeArgs,
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
        tree: TreeArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: ReportFormat,
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
        format: crate::diff::Format,
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
    #[cfg(feature = "bench-fixtures")]
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
    /// Write a commented starter maas.yaml that validates (never overwrites a file).
    ///
    /// Example: maasc init && maasc validate
    Init {
        /// Where to write it.
        #[arg(default_value = "maas.yaml", value_name = "FILE")]
        file: PathBuf,
    },
    /// Print the shell completion script for SHELL to stdout.
    ///
    /// Example (bash): maasc completions bash > ~/.local/share/bash-completion/completions/maasc
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout.
    ///
    /// Example: maasc man > ~/.local/share/man/man1/maasc.1 && man maasc
    Man,
    /// Day 2: list, add, change, rename and remove tiers in maas.yaml, keeping its comments.
    Tier(crate::edit::cli::TierArgs),
    /// Day 2: who reaches which model through which tier, with which limits, per cluster.
    Access(crate::access::AccessArgs),
}
