//! maasc compiles one declarative `maas.yaml` into the ArgoCD App-of-Apps
//! GitOps tree of a Models-as-a-Service platform on OpenShift.
//!
//! The library is a pipeline, one module per stage:
//! [`parse`] (YAML with spans) → [`check`] (semantic rules, typed
//! [`model`]) → `plan` (every object to emit) → `render` (templates) →
//! `emit` (files). [`load`] runs the first two.
//!
//! Around the pipeline: [`tree`] reads a generated tree back and builds it as
//! kustomize does; [`stale`] (`maasc check`) and [`diff`] (`maasc diff`)
//! compare trees.

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

pub mod catalog;
pub mod check;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod fs_safety;
pub mod input;
pub mod krm_input;
pub mod model;
pub mod parallel;
pub mod parse;
pub mod plan;
pub mod render;
pub mod schema;
pub mod secrets;
pub mod source;
pub mod stale;
pub mod style;
pub mod synthetic;
pub mod tree;

use std::path::{Path, PathBuf};

use diagnostic::{Diagnostics, SourceMap};
use source::SourceFile;

/// A maas.yaml that was read, parsed and checked.
pub struct Loaded {
    pub platform: model::Platform,
    /// Warnings (there are no errors when loading succeeded).
    pub diagnostics: Diagnostics,
    pub sources: SourceMap,
    pub path: PathBuf,
}

/// Why a maas.yaml could not be loaded: every diagnostic, with the sources
/// they quote, ready to print.
#[derive(Debug)]
pub struct LoadError {
    pub diagnostics: Diagnostics,
    pub sources: SourceMap,
    /// The file could not be read at all (exit code 2 rather than 1).
    pub io: bool,
}

impl LoadError {
    pub fn render(&self) -> String {
        self.diagnostics.render(&self.sources)
    }
}

/// Reads, parses and checks the maas.yaml at `path`.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let text = parse::read_text(path, parse::MAX_INPUT_BYTES).map_err(|d| {
        let io = d.code == diagnostic::Code::Io;
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(d);
        LoadError {
            diagnostics,
            sources: SourceMap::default(),
            io,
        }
    })?;
    load_text(path, text, None)
}

/// Parses and checks maas.yaml text that claims to come from `path`
/// (relative paths inside it resolve against `path`'s folder).
/// `htpasswd` replaces the content of `identity.htpasswd.file` when given.
pub fn load_text(path: &Path, text: String, htpasswd: Option<String>) -> Result<Loaded, LoadError> {
    let source = SourceFile::new(path, text);
    let input = match parse::parse_platform(&source) {
        Ok(input) => input,
        Err(d) => {
            let mut diagnostics = Diagnostics::default();
            diagnostics.push(d);
            let diagnostics = secrets::scrub(diagnostics, &source);
            let mut sources = SourceMap::default();
            sources.insert(source);
            return Err(LoadError {
                diagnostics,
                sources,
                io: false,
            });
        }
    };
    let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let outcome = check::check(
        &input,
        check::CheckContext {
            file: path,
            base_dir: &base_dir,
            htpasswd_override: htpasswd,
        },
    );
    let diagnostics = secrets::scrub(outcome.diagnostics, &source);
    // The check stage adds the htpasswd file; the maas.yaml joins it here.
    let mut all_sources = outcome.sources;
    all_sources.insert(source);
    match outcome.platform {
        Some(platform) => Ok(Loaded {
            platform,
            diagnostics,
            sources: all_sources,
            path: path.to_path_buf(),
        }),
        None => Err(LoadError {
            diagnostics,
            sources: all_sources,
            io: false,
        }),
    }
}

/// Plans and renders the whole tree of a loaded platform, manifest included.
pub fn build_tree(
    loaded: &Loaded,
    templates: Option<&Path>,
) -> Result<Vec<render::RenderedFile>, render::RenderError> {
    let renderer = render::Renderer::new(templates)?;
    let plan = plan::plan(&loaded.platform);
    Ok(emit::with_manifest(renderer.render(&plan)?))
}

/// The folder `generate` writes by default: `spec.gitops.path` next to the input.
pub fn default_output_dir(loaded: &Loaded) -> PathBuf {
    loaded
        .path
        .parent()
        .unwrap_or(Path::new(""))
        .join(&loaded.platform.gitops.path)
}
