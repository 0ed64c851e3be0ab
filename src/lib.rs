//! maasc compiles one declarative `maas.yaml` into the ArgoCD App-of-Apps
//! GitOps tree of a Models-as-a-Service platform on OpenShift.
//!
//! The library is a pipeline, one module per stage:
//! [`parse`] (YAML with spans) → [`check`] (semantic rules, typed
//! [`model`]) → [`plan`] (every object to emit) → [`render`] (templates) →
//! [`emit`] (files). `pipeline` is the one compile path through them
//! ([`load`], [`build_tree`], [`Loaded::cluster_stream`]); the front ends
//! (`commands`, one module per subcommand, over the clap types of [`cli`])
//! only decide what to print, and [`Error::exit_code`] decides how to exit.
//!
//! Around the pipeline: [`tree`] reads a generated tree back and builds it as
//! kustomize does; `stale` (`maasc check`) and `diff` (`maasc diff`)
//! compare trees; `stream` is one cluster's objects (`maasc render`) and
//! `krm` the KRM function (`maasc krm`); `order` is kustomize's resource
//! order, a leaf both the stream and the tree reader use.

/// An error that is one message: its type, `Display`, `Error`, and a
/// constructor taking anything string-like.
macro_rules! message_error {
    ($(#[$doc:meta])* $name:ident, $constructor:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name {
            pub message: String,
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.message)
            }
        }

        impl std::error::Error for $name {}

        fn $constructor(message: impl Into<String>) -> $name {
            $name {
                message: message.into(),
            }
        }
    };
}

/// `maasc --version`: the package version and the git commit it was built from.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("MAASC_GIT_COMMIT"),
    ")"
);

pub mod access;
pub mod catalog;
pub mod cheatsheet;
pub mod check;
pub mod cli;
mod commands;
pub mod diagnostic;
mod diff;
pub mod edit;
pub mod emit;
mod error;
pub mod fs_safety;
pub mod input;
mod krm;
pub mod krm_input;
mod krm_yaml;
pub mod model;
mod order;
mod parallel;
pub mod parse;
mod patch;
mod pipeline;
pub mod plan;
mod recorded_templates;
pub mod render;
mod repo_root;
mod report;
pub mod schema;
pub mod secrets;
pub mod smoke;
pub mod source;
mod stale;
mod stdout;
mod stream;
mod style;
mod suggest;
#[cfg(feature = "bench-fixtures")]
pub mod synthetic;
pub mod tree;

pub use cli::Cli;
pub use commands::{help, run};
pub use diff::MASK as DIFF_MASK;
pub use error::{Error, Outcome};
pub use pipeline::{
    LoadError, LoadOptions, Loaded, build_tree, build_tree_at, load, load_text, load_with,
    tree_versions,
};
pub use stream::{SYNC_WAVE, StreamError, StreamObject};

/// In-process entry points for the fuzz test (feature `fault-injection`:
/// tests only, never shipped), so it can run thousands of inputs without a
/// process each.
#[cfg(feature = "fault-injection")]
pub mod test_hooks {
    /// `maasc krm` on `input` with no cluster flag: (stdout, stderr, failed).
    pub fn krm(input: &str, workdir: &std::path::Path) -> (String, String, bool) {
        let outcome = crate::krm::run(input, None, workdir);
        (outcome.stdout, outcome.stderr, outcome.failed)
    }
}
