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

/// How [`load_with`] treats the tree generated before.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The generated tree to compare each cluster's OpenShift AI version
    /// with (default: `spec.gitops.path` next to maas.yaml).
    pub tree: Option<PathBuf>,
    /// Accept a version that moves down or skips a minor (E045).
    pub allow_version_skip: bool,
}

/// Reads, parses and checks the maas.yaml at `path`, comparing each
/// cluster's version with the tree in its default output folder.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    load_with(path, &LoadOptions::default())
}

/// [`load`] with options.
pub fn load_with(path: &Path, options: &LoadOptions) -> Result<Loaded, LoadError> {
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
    load_checked(path, text, None, Some(options))
}

/// Each cluster's OpenShift AI version as the generated tree in `dir`
/// records it: the version label of `<cluster>/bootstrap/application-
/// <cluster>-root.yaml`. Empty when there is no tree.
pub fn tree_versions(dir: &Path) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    let label = format!("{}:", plan::VERSION_LABEL);
    for entry in entries.flatten() {
        let cluster = entry.file_name().to_string_lossy().into_owned();
        let root = entry
            .path()
            .join("bootstrap")
            .join(format!("application-{cluster}-root.yaml"));
        let Ok(text) = std::fs::read_to_string(&root) else {
            continue;
        };
        if let Some(v) = text.lines().find_map(|l| l.trim().strip_prefix(&label)) {
            out.insert(cluster, v.trim().trim_matches('"').to_string());
        }
    }
    out
}

/// Parses and checks maas.yaml text that claims to come from `path`
/// (relative paths inside it resolve against `path`'s folder).
/// `htpasswd` replaces the content of `identity.htpasswd.file` when given.
pub fn load_text(path: &Path, text: String, htpasswd: Option<String>) -> Result<Loaded, LoadError> {
    load_checked(path, text, htpasswd, None)
}

/// Parses and checks; with `options`, against the versions of a tree.
fn load_checked(
    path: &Path,
    text: String,
    htpasswd: Option<String>,
    options: Option<&LoadOptions>,
) -> Result<Loaded, LoadError> {
    let source = SourceFile::new(path, text);
    // Every unknown field is reported, and the checks still run on the rest.
    let (input, parse_diagnostics) = parse::parse_platform_reporting_all(&source);
    let Some(input) = input else {
        let mut diagnostics = Diagnostics::default();
        for d in parse_diagnostics {
            diagnostics.push(d);
        }
        // Never echo a password the input wrote inline (issue 13).
        let diagnostics = crate::secrets::scrub(diagnostics, &source);
        let mut sources = SourceMap::default();
        sources.insert(source);
        return Err(LoadError {
            diagnostics,
            sources,
            io: false,
        });
    };
    let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let previous_versions = options
        .map(|o| {
            let dir = o.tree.clone().unwrap_or_else(|| {
                let gitops = input.spec.gitops.path.as_ref();
                base_dir.join(gitops.map_or("clusters", |p| p.value.trim_matches('/')))
            });
            tree_versions(&dir)
        })
        .unwrap_or_default();
    let outcome = check::check(
        &input,
        check::CheckContext {
            file: path,
            base_dir: &base_dir,
            htpasswd_override: htpasswd,
            previous_versions,
            allow_version_skip: options.is_some_and(|o| o.allow_version_skip),
        },
    );
    let mut diagnostics = Diagnostics::default();
    let unknown_fields = !parse_diagnostics.is_empty();
    for d in parse_diagnostics {
        diagnostics.push(d);
    }
    diagnostics.extend(outcome.diagnostics);
    let mut diagnostics = crate::secrets::scrub(diagnostics, &source);
    // The check stage adds the htpasswd file; the maas.yaml joins it here.
    let mut all_sources = outcome.sources;
    all_sources.insert(source);
    // Patches need the generated objects: checked once the rest holds.
    let platform = outcome.platform.filter(|_| !unknown_fields);
    if let Some(p) = &platform {
        diagnostics.extend(check_patches(p));
    }
    let platform = platform.filter(|_| !diagnostics.has_errors());
    match platform {
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

/// Whether each cluster's patches (the escape hatch) still fit what maasc
/// generates: the component exists (E081), its target is one of the
/// component's objects (E081) and the patch applies to it as maasc's own
/// templates render it (E083); patches of a component apply in order, as
/// kustomize applies them. Diagnostics point into maas.yaml.
fn check_patches(platform: &model::Platform) -> Diagnostics {
    use crate::diagnostic::{Code, Diagnostic};
    let mut out = Diagnostics::default();
    let Ok(renderer) = Renderer::new(None) else {
        return out;
    };
    for cluster in &platform.clusters {
        let patches = &cluster.extras.patches;
        if patches.is_empty() {
            continue;
        }
        let components = plan::plan_cluster(platform, cluster);
        let dirs = || components.iter().map(|c| c.dir.as_str());
        let mut rendered: std::collections::BTreeMap<&str, Vec<serde_json::Value>> =
            std::collections::BTreeMap::new();
        for p in patches {
            let Some(component) = components.iter().find(|c| c.dir == p.component) else {
                out.push(
                    Diagnostic::error(
                        Code::PatchTargetNotFound,
                        &p.file,
                        p.component_span,
                        format!(
                            "cluster `{}` generates no component `{}`",
                            cluster.name, p.component
                        ),
                    )
                    .with_hint(crate::suggest::hint_for(
                        &p.component,
                        "component",
                        dirs(),
                    )),
                );
                continue;
            };
            let values = rendered.entry(component.dir.as_str()).or_insert_with(|| {
                component
                    .files
                    .iter()
                    .filter_map(|(name, object)| {
                        let file = renderer
                            .render_file(&plan::PlannedFile {
                                path: name.clone(),
                                content: plan::PlannedContent::Object(object.clone()),
                            })
                            .ok()?;
                        serde_saphyr::from_str(&file.content).ok()
                    })
                    .collect()
            });
            let t = &p.target;
            let builtin = component
                .files
                .iter()
                .find(|(_, o)| o.kind == t.kind)
                .is_some_and(|(_, o)| crate::patch::is_builtin(o.api_version));
            if builtin
                && let model::PatchBody::StrategicMerge(fields) = &p.body
                && crate::patch::has_list(fields)
            {
                out.push(
                    Diagnostic::error(
                        Code::InvalidPatch,
                        &p.file,
                        p.span,
                        format!(
                            "the strategic merge patch to {} `{}` holds a list: kustomize merges lists of Kubernetes' own kinds by their patch keys, which maasc does not reproduce",
                            t.kind, t.name
                        ),
                    )
                    .with_hint("change lists with JSON 6902 operations (`{op: add, path: /spec/…/-, value: …}`)"),
                );
                continue;
            }
            match crate::patch::apply_to_targets(
                values.iter_mut(),
                (&t.kind, &t.name, t.namespace.as_deref()),
                &p.body.to_value(),
            ) {
                Ok(true) => {}
                Ok(false) => {
                    let same_kind: Vec<String> = component
                        .files
                        .iter()
                        .filter(|(_, o)| o.kind == t.kind)
                        .map(|(_, o)| o.name.clone())
                        .collect();
                    let hint = if same_kind.is_empty() {
                        let kinds: std::collections::BTreeSet<&str> =
                            component.files.iter().map(|(_, o)| o.kind).collect();
                        format!(
                            "{} has no {}; its kinds: {}",
                            component.dir,
                            t.kind,
                            kinds.into_iter().collect::<Vec<_>>().join(", ")
                        )
                    } else {
                        let names = same_kind.iter().map(String::as_str);
                        match crate::suggest::did_you_mean(&t.name, names.clone()) {
                            Some(n) => format!("did you mean `{n}`?"),
                            None => format!(
                                "the {} objects of {}: {}",
                                t.kind,
                                component.dir,
                                names.collect::<Vec<_>>().join(", ")
                            ),
                        }
                    };
                    out.push(
                        Diagnostic::error(
                            Code::PatchTargetNotFound,
                            &p.file,
                            p.target_span,
                            format!(
                                "{} `{}`{} is not an object of {} on cluster `{}`",
                                t.kind,
                                t.name,
                                t.namespace
                                    .as_ref()
                                    .map(|n| format!(" in namespace `{n}`"))
                                    .unwrap_or_default(),
                                component.dir,
                                cluster.name
                            ),
                        )
                        .with_hint(hint),
                    );
                }
                Err(why) => out.push(
                    Diagnostic::error(
                        Code::InvalidPatch,
                        &p.file,
                        p.span,
                        format!(
                            "the patch to {} `{}` in {} no longer applies: {why}",
                            t.kind, t.name, component.dir
                        ),
                    )
                    .with_hint("compare it with the object in the generated tree (`maasc render --component …`)"),
                ),
            }
        }
    }
    out
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
        let mut renderer = Renderer::new(templates)?;
        stream::cluster_stream(
            &mut renderer,
            &self.platform,
            cluster,
            component,
            sync_waves,
        )
    }

    /// Every object of one cluster, in stream order, with its path and wave.
    pub fn cluster_objects(
        &self,
        templates: Option<&Path>,
        cluster: &str,
    ) -> Result<Vec<stream::StreamObject>, StreamError> {
        let mut renderer = Renderer::new(templates)?;
        stream::cluster_objects(&mut renderer, &self.platform, cluster, None)
    }
}
