//! `maasc render`: one cluster's complete manifest stream on stdout, the
//! objects `kubectl kustomize` of each of its component overlays gives, in
//! sync-wave order. The ArgoCD Config Management Plugin runs it, and the KRM
//! function emits the same objects.
//!
//! Only the cluster is planned and rendered: the base/overlay split of the
//! committed tree changes where an object's file lives, never the object,
//! so a cluster costs the same in a fleet of one or of fifty.

use std::fmt;

use crate::model::{Cluster, Platform};
use crate::order::legacy_order;
use crate::plan::{PlannedContent, PlannedFile, plan_cluster};
use crate::render::read::Node;
use crate::render::{RenderError, Renderer};
use crate::suggest;

/// Why no stream could be made. Nothing is printed then: ArgoCD must never
/// see an empty stream for a failure (with pruning it deletes everything).
#[derive(Debug)]
pub struct StreamError {
    pub message: String,
    pub hint: String,
    /// The templates failed (unreadable, broken): exit 2, like `generate`;
    /// otherwise the cluster or component asked for is not there: exit 1.
    pub(crate) templates: bool,
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}\n  = hint: {}", self.message, self.hint)
    }
}

impl From<RenderError> for StreamError {
    fn from(e: RenderError) -> Self {
        StreamError {
            message: e.to_string(),
            hint: "check the --templates folder".into(),
            templates: true,
        }
    }
}

/// The cluster to render: the one asked for, or the only one there is.
pub(crate) fn select_cluster<'a>(
    platform: &'a Platform,
    requested: Option<&str>,
) -> Result<&'a Cluster, StreamError> {
    let names: Vec<&str> = platform.clusters.iter().map(|c| c.name.as_str()).collect();
    match (requested, platform.clusters.as_slice()) {
        (Some(name), clusters) => clusters
            .iter()
            .find(|c| c.name.as_str() == name)
            .ok_or_else(|| StreamError {
                message: format!("maas.yaml has no cluster `{name}`"),
                hint: suggest::hint_for(name, "cluster", names.iter().copied()),
                templates: false,
            }),
        (None, [only]) => Ok(only),
        (None, _) => Err(StreamError {
            message: format!(
                "maas.yaml has {} clusters; say which one to render",
                names.len()
            ),
            hint: format!("pass --cluster NAME (one of: {})", names.join(", ")),
            templates: false,
        }),
    }
}

/// One object of the stream.
#[derive(Clone, Debug)]
pub struct StreamObject {
    /// Where the object sits in the cluster's overlay: `<cluster>/<component>/<file>`.
    pub path: String,
    /// Its YAML document, as generate writes it.
    pub text: String,
    /// The sync wave of its component's Application in the committed tree.
    pub wave: i32,
}

/// ArgoCD's sync-wave annotation.
pub const SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";

/// Gives `object` its component's sync wave unless it has one already: when
/// one Application applies a whole cluster (the plugin, a KRM generator),
/// waves order operators before the resources their CRDs define, as the
/// App-of-Apps does with one Application per component.
fn add_sync_wave(object: &mut Node<'_>, wave: i32) {
    let Some(metadata @ Node::Map(_)) = object.get_mut("metadata") else {
        return;
    };
    let annotations = metadata
        .entry("annotations", || Node::Map(Vec::new()))
        .expect("metadata is a mapping");
    annotations.entry(SYNC_WAVE, || Node::String(wave.to_string().into()));
}

impl StreamObject {
    /// The object as data, with its component's sync wave when asked.
    pub fn value(&self, sync_wave: bool) -> Result<serde_json::Value, StreamError> {
        self.node(sync_wave).map(Node::into_value)
    }

    /// The object as data borrowing its text, with its component's sync
    /// wave when asked.
    ///
    /// Read by [`crate::render::read::node`], which knows the YAML the
    /// built-in templates write, at a fraction of a general parser's cost;
    /// anything else (an overridden template's text) goes to serde-saphyr.
    pub fn node(&self, sync_wave: bool) -> Result<Node<'_>, StreamError> {
        let mut node = match crate::render::read::node(&self.text) {
            Some(node) => node,
            None => serde_saphyr::from_str(&self.text)
                .map(Node::from_value)
                .map_err(|e| StreamError {
                    message: format!("{}: {e}", self.path),
                    hint: "check the --templates folder".into(),
                    templates: true,
                })?,
        };
        if sync_wave {
            add_sync_wave(&mut node, self.wave);
        }
        Ok(node)
    }
}

/// Every object of `cluster` (one component of it when `component` is
/// given, as `<component>` or `<cluster>/<component>`), in stream order:
/// components by sync wave then folder, objects in kustomize's order.
pub(crate) fn cluster_objects(
    renderer: &mut Renderer,
    platform: &Platform,
    cluster: &str,
    component: Option<&str>,
) -> Result<Vec<StreamObject>, StreamError> {
    objects_of(renderer, platform, cluster, component, true)
}

/// Every object of each of `clusters`, one cluster after the other, with
/// the templates compiled once.
pub(crate) fn clusters_objects(
    renderer: &mut Renderer,
    platform: &Platform,
    clusters: &[&str],
) -> Result<Vec<StreamObject>, StreamError> {
    let mut out = Vec::new();
    for (i, cluster) in clusters.iter().enumerate() {
        // Compiled templates are kept for the next cluster.
        let last = i + 1 == clusters.len();
        out.extend(objects_of(renderer, platform, cluster, None, last)?);
    }
    Ok(out)
}

/// The objects of `cluster` (or one component of it); with `release`, each
/// compiled template is dropped after its last use here.
fn objects_of(
    renderer: &mut Renderer,
    platform: &Platform,
    cluster: &str,
    component: Option<&str>,
    release: bool,
) -> Result<Vec<StreamObject>, StreamError> {
    let the_cluster = select_cluster(platform, Some(cluster))?;
    let mut components = plan_cluster(platform, the_cluster);
    if let Some(wanted) = component {
        let wanted = wanted.trim_matches('/');
        let wanted = wanted
            .strip_prefix(&format!("{cluster}/"))
            .unwrap_or(wanted);
        if !components.iter().any(|c| c.dir == wanted) {
            return Err(StreamError {
                message: format!("cluster `{cluster}` has no component `{wanted}`"),
                hint: component_hint(wanted, components.iter().map(|c| c.dir.as_str())),
                templates: false,
            });
        }
        components.retain(|c| c.dir == wanted);
    }
    // Each template's uses left in this cluster: its compiled form is
    // released after the last, and the next template compiled takes its
    // memory instead of fresh pages (issue 12: page faults are much of a
    // `krm` run). Compilation order, and so override errors, are unchanged.
    let mut uses_left: std::collections::HashMap<&'static str, usize> =
        std::collections::HashMap::new();
    for (_, object) in components.iter().flat_map(|c| c.files.iter()) {
        *uses_left.entry(object.template).or_default() += 1;
    }
    let mut out = Vec::new();
    for c in components {
        let mut rendered = Vec::with_capacity(c.files.len());
        for (name, object) in c.files {
            let template = object.template;
            let key = legacy_order(
                object.api_version,
                object.kind,
                object.namespace.as_deref().unwrap_or(""),
                &object.name,
            );
            let file = renderer.render_file(&PlannedFile {
                path: format!("{cluster}/{}/{name}", c.dir),
                content: PlannedContent::Object(object),
            })?;
            let left = uses_left.get_mut(template).expect("counted above");
            *left -= 1;
            if release && *left == 0 {
                renderer.release(template);
            }
            rendered.push((
                key,
                StreamObject {
                    path: file.path,
                    text: file.content,
                    wave: c.wave,
                },
            ));
        }
        patch_component(the_cluster, &c.dir, &mut rendered)?;
        rendered.sort_by(|a, b| a.0.cmp(&b.0));
        out.extend(rendered.into_iter().map(|(_, o)| o));
    }
    Ok(out)
}

/// Applies the cluster's patches to `dir` (the escape hatch) to its
/// rendered objects, as kustomize applies them in the overlay.
fn patch_component<K>(
    cluster: &Cluster,
    dir: &str,
    rendered: &mut [(K, StreamObject)],
) -> Result<(), StreamError> {
    let patches: Vec<_> = cluster
        .extras
        .patches
        .iter()
        .filter(|p| p.component == dir)
        .collect();
    if patches.is_empty() {
        return Ok(());
    }
    let mut values = rendered
        .iter()
        .map(|(_, o)| o.value(false))
        .collect::<Result<Vec<_>, _>>()?;
    let before = values.clone();
    for p in patches {
        let t = &p.target;
        crate::patch::apply_to_targets(
            values.iter_mut(),
            (&t.kind, &t.name, t.namespace.as_deref()),
            &p.body.to_value(),
        )
        .map_err(|e| StreamError {
            message: format!("the patch to {} {} in {dir} does not apply: {e}", t.kind, t.name),
            hint: "check the --templates folder: maasc's own templates give objects the patch applies to".into(),
            templates: true,
        })?;
    }
    for (((_, object), value), old) in rendered.iter_mut().zip(values).zip(before) {
        if value != old {
            object.text = serde_saphyr::to_string(&value).map_err(|e| StreamError {
                message: format!("{}: {e}", object.path),
                hint: "this is a bug in maasc; please report it".into(),
                templates: true,
            })?;
        }
    }
    Ok(())
}

/// The closest component, if one is close, then every component of the
/// cluster (a cluster has a few dozen at most: all of them are listed).
fn component_hint<'a>(wanted: &str, components: impl Iterator<Item = &'a str> + Clone) -> String {
    let all: Vec<&str> = components.clone().collect();
    let closest = suggest::did_you_mean(wanted, components)
        .map(|c| format!("did you mean `{c}`? "))
        .unwrap_or_default();
    format!("{closest}the cluster's components: {}", all.join(", "))
}

/// The cluster's objects as one YAML stream, documents separated by `---`;
/// with `sync_waves`, each object carries its component's wave.
pub(crate) fn cluster_stream(
    renderer: &mut Renderer,
    platform: &Platform,
    cluster: &str,
    component: Option<&str>,
    sync_waves: bool,
) -> Result<String, StreamError> {
    let mut out = String::new();
    for object in objects_of(renderer, platform, cluster, component, true)? {
        out.push_str("---\n");
        if sync_waves {
            let node = object.node(true)?;
            let text = serde_saphyr::to_string(&node).map_err(|e| StreamError {
                message: format!("{}: {e}", object.path),
                hint: "this is a bug in maasc; please report it".into(),
                templates: true,
            })?;
            out.push_str(&text);
        } else {
            out.push_str(&object.text);
        }
    }
    Ok(out)
}
