//! The one compile path every front end runs: load (read → parse → check)
//! then plan → render. `generate`, `check`, `diff`, `render` and `krm`
//! differ only in what they do with the result.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostics, SourceMap};
use crate::render::{RenderError, RenderedFile, Renderer};
use crate::source::SourceFile;
use crate::stream::{self, StreamError};
use crate::{check, emit, model, parse, plan};

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
        let io = d.code == crate::diagnostic::Code::Io;
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
    // The check stage adds the htpasswd file; the maas.yaml joins it here.
    let mut all_sources = outcome.sources;
    all_sources.insert(source);
    match outcome.platform {
        Some(platform) => Ok(Loaded {
            platform,
            diagnostics: outcome.diagnostics,
            sources: all_sources,
            path: path.to_path_buf(),
        }),
        None => Err(LoadError {
            diagnostics: outcome.diagnostics,
            sources: all_sources,
            io: false,
        }),
    }
}

/// Plans and renders the whole tree of a loaded platform, manifest included,
/// at `spec.gitops.path` of a repository whose root holds maas.yaml
/// ([`plan::TreeLocation::from_spec`]; `generate` finds the real location).
pub fn build_tree(
    loaded: &Loaded,
    templates: Option<&Path>,
) -> Result<Vec<RenderedFile>, RenderError> {
    build_tree_at(loaded, templates, &loaded.spec_location())
}

/// [`build_tree`] with the tree at `location` of its repository.
pub fn build_tree_at(
    loaded: &Loaded,
    templates: Option<&Path>,
    location: &plan::TreeLocation,
) -> Result<Vec<RenderedFile>, RenderError> {
    let renderer = Renderer::new(templates)?;
    let plan = plan::plan(&loaded.platform, location);
    Ok(emit::with_manifest(renderer.render_plan(plan)?))
}

impl Loaded {
    /// The tree at `spec.gitops.path`, maas.yaml named as given (relative)
    /// or by its file name (absolute): no file system lookups.
    pub fn spec_location(&self) -> plan::TreeLocation {
        let source = if self.path.is_absolute() {
            self.path
                .file_name()
                .map_or_else(|| "maas.yaml".into(), |n| n.to_string_lossy().into_owned())
        } else {
            self.path
                .components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        };
        plan::TreeLocation::from_spec(&self.platform, source)
    }

    /// Where the tree written to `output` sits in its repository (found
    /// from Git, see `repo_root`), with notes for stderr.
    pub(crate) fn locate(&self, output: &Path) -> crate::repo_root::Located {
        crate::repo_root::locate(&self.path, output, &self.platform.gitops)
    }

    /// The folder `generate` writes by default: `spec.gitops.path` next to the input.
    pub fn default_output_dir(&self) -> PathBuf {
        self.path
            .parent()
            .unwrap_or(Path::new(""))
            .join(&self.platform.gitops.path)
    }

    /// One cluster's objects as one YAML stream (what `maasc render` prints):
    /// plans and renders that cluster only.
    pub fn cluster_stream(
        &self,
        templates: Option<&Path>,
        cluster: &str,
        component: Option<&str>,
        sync_waves: bool,
    ) -> Result<String, StreamError> {
        let renderer = Renderer::new(templates)?;
        stream::cluster_stream(&renderer, &self.platform, cluster, component, sync_waves)
    }

    /// Every object of one cluster, in stream order, with its path and wave.
    pub fn cluster_objects(
        &self,
        templates: Option<&Path>,
        cluster: &str,
    ) -> Result<Vec<stream::StreamObject>, StreamError> {
        let renderer = Renderer::new(templates)?;
        stream::cluster_objects(&renderer, &self.platform, cluster, None)
    }
}
