//! The escape hatch (issue 19 item 4): a cluster's own kustomize
//! components become Applications beside the generated ones (same
//! project, sync policy, retries and cascade finalizer; their own wave),
//! and its patches go into the overlays of the generated components, where
//! kustomize applies them (kustomize v5 `patches:` with `target:` and an
//! inline `patch:`, as kubectl 1.32's kustomize v5.5 reads them).

use serde_json::{Map, Value};

use super::TreeLocation;
use super::layout::application_values;
use super::objects::{self as o, CASCADE_FINALIZER, PlannedObject, SKIP_DRY_RUN};
use crate::model::{Cluster, ExtraSource, PatchBody, Platform};

/// Label of an extra component's Application: its name.
pub const EXTRA_LABEL: &str = "maas.opendatahub.io/extra-component";

/// `(file name in apps/, Application)` of each extra component, by name.
pub(super) fn applications(
    platform: &Platform,
    location: &TreeLocation,
    cluster: &Cluster,
) -> Vec<(String, PlannedObject)> {
    cluster
        .extras
        .components
        .iter()
        .map(|e| {
            let path = match &e.source {
                ExtraSource::Local { path } => beside_source(location, path),
                ExtraSource::Remote { path, .. } => path.clone(),
            };
            let mut app = application_values(
                platform,
                path,
                &cluster.server,
                e.namespace.as_deref(),
                e.wave,
                vec![SKIP_DRY_RUN],
                cluster,
            );
            if let ExtraSource::Remote {
                repo_url,
                target_revision,
                ..
            } = &e.source
            {
                app.repo_url = repo_url.clone();
                app.target_revision = target_revision.clone();
            }
            app.finalizers = vec![CASCADE_FINALIZER.to_string()];
            // Tells the user's Applications from maasc's components.
            app.labels.insert(EXTRA_LABEL.to_string(), e.name.clone());
            let name = format!("{}-{}", cluster.name, e.name);
            (
                format!("extra-{}.yaml", e.name),
                PlannedObject::namespaced(platform.gitops.argocd_namespace.as_str(), &name, app),
            )
        })
        .collect()
}

/// A folder given relative to maas.yaml, as a repository path: maas.yaml's
/// folder in the repository joined with it. A maas.yaml outside the
/// repository of the tree has no repository folder: the path is kept.
fn beside_source(location: &TreeLocation, relative: &str) -> String {
    let folder = match location.source.rsplit_once('/') {
        Some((dir, _)) if !location.source.starts_with('/') => dir,
        _ => "",
    };
    match (folder, relative) {
        ("", r) => r.to_string(),
        (f, ".") => f.to_string(),
        (f, r) => format!("{f}/{r}"),
    }
}

/// The remote repositories of every cluster's extra components, sorted:
/// the AppProject lets Applications sync from them.
pub(super) fn source_repos(platform: &Platform) -> Vec<String> {
    let mut repos: Vec<String> = platform
        .clusters
        .iter()
        .flat_map(|c| &c.extras.components)
        .filter_map(|e| match &e.source {
            ExtraSource::Remote { repo_url, .. } if *repo_url != platform.gitops.repo_url => {
                Some(repo_url.clone())
            }
            _ => None,
        })
        .collect();
    repos.sort();
    repos.dedup();
    repos
}

/// The cluster's patches to the component in `dir`, as its overlay's
/// kustomization lists them, in maas.yaml order. A strategic merge patch
/// gets the header of the object it targets (apiVersion, kind, name; the
/// namespace when the target names one): kustomize reads a patch as an
/// object. A patch whose target is not among `objects` is left out (the
/// pipeline reports it, E081, before anything is written).
pub(super) fn kustomize_patches<'a>(
    cluster: &Cluster,
    dir: &str,
    objects: impl Iterator<Item = &'a PlannedObject> + Clone,
) -> Vec<o::KustomizePatch> {
    cluster
        .extras
        .patches
        .iter()
        .filter(|p| p.component == dir)
        .filter_map(|p| {
            let t = &p.target;
            let object = objects.clone().find(|o| {
                o.kind == t.kind
                    && o.name == t.name
                    && t.namespace
                        .as_ref()
                        .is_none_or(|ns| o.namespace.as_ref() == Some(ns))
            })?;
            let patch = match &p.body {
                PatchBody::StrategicMerge(fields) => {
                    let mut doc = fields.as_object().cloned().unwrap_or_default();
                    doc.insert("apiVersion".into(), object.api_version.into());
                    doc.insert("kind".into(), object.kind.into());
                    let mut metadata = doc
                        .remove("metadata")
                        .and_then(|m| m.as_object().cloned())
                        .unwrap_or_else(Map::new);
                    metadata.insert("name".into(), t.name.clone().into());
                    if let Some(ns) = &t.namespace {
                        metadata.insert("namespace".into(), ns.clone().into());
                    }
                    doc.insert("metadata".into(), Value::Object(metadata));
                    Value::Object(doc)
                }
                PatchBody::Json6902(_) => p.body.to_value(),
            };
            Some(o::KustomizePatch {
                target: o::PatchSelector {
                    kind: t.kind.clone(),
                    name: t.name.clone(),
                    namespace: t.namespace.clone(),
                },
                patch,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_repository_paths_beside_maas_yaml() {
        let at = |source: &str| TreeLocation {
            repo_path: "clusters".into(),
            source: source.into(),
        };
        assert_eq!(
            beside_source(&at("platform/maas.yaml"), "extras/q"),
            "platform/extras/q"
        );
        assert_eq!(beside_source(&at("maas.yaml"), "extras/q"), "extras/q");
        assert_eq!(beside_source(&at("platform/maas.yaml"), "."), "platform");
        assert_eq!(beside_source(&at("/abs/maas.yaml"), "extras/q"), "extras/q");
    }
}
