//! `maasc diff OLD NEW`: what a change does to the clusters, object by
//! object. Each side is a maas.yaml, a generated tree, or `git:REF[:PATH]`
//! (a maas.yaml read from a git revision without checking it out). Both are
//! built per cluster and component (each kustomization root), objects are
//! matched by group, kind, namespace and name, and changed objects list the
//! fields that changed.

mod fields;
mod format;
mod side;
mod summary;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

pub(crate) use fields::FieldChange;
pub use fields::MASK;
pub(crate) use format::Format;
pub(crate) use side::{Side, SideError, open_side};

use crate::tree::{GeneratedTree, TreeError, TreeObject};

/// The whole difference between two sides.
#[derive(Debug, Serialize)]
pub(crate) struct TreeDiff {
    pub old: String,
    pub new: String,
    /// High-level lines, in maas.yaml's terms (empty unless both sides are
    /// maas.yaml).
    pub summary: Vec<String>,
    /// Changed components, by cluster then component.
    pub components: Vec<ComponentDiff>,
}

impl TreeDiff {
    pub(crate) fn is_empty(&self) -> bool {
        self.components.is_empty() && self.summary.is_empty()
    }

    /// (added, removed, changed) objects over all components.
    pub(crate) fn totals(&self) -> (usize, usize, usize) {
        self.components.iter().fold((0, 0, 0), |(a, r, c), d| {
            let (da, dr, dc) = d.counts();
            (a + da, r + dr, c + dc)
        })
    }
}

/// The changed objects of one component of one cluster.
#[derive(Debug, Serialize)]
pub(crate) struct ComponentDiff {
    /// Cluster name (the tree's top folder).
    pub cluster: String,
    /// Component folder inside the cluster, e.g. `models/llm`, `apps`.
    pub component: String,
    pub objects: Vec<ObjectChange>,
}

impl ComponentDiff {
    pub(crate) fn counts(&self) -> (usize, usize, usize) {
        let n = |c: Change| self.objects.iter().filter(|o| o.change == c).count();
        (n(Change::Added), n(Change::Removed), n(Change::Changed))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Change {
    Added,
    Removed,
    Changed,
}

/// One object added, removed or changed.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ObjectChange {
    pub change: Change,
    pub api_version: String,
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub name: String,
    /// The changed fields (empty for added and removed objects).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
}

impl ObjectChange {
    /// `Kind namespace/name` or `Kind name`.
    pub(crate) fn title(&self) -> String {
        if self.namespace.is_empty() {
            format!("{} {}", self.kind, self.name)
        } else {
            format!("{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// Identity of an object across both sides: the API group (not version, so
/// a version bump reads as a changed `apiVersion`), kind, namespace, name.
type ObjectKey = (String, String, String, String);

type ObjectsByComponent = BTreeMap<(String, String), BTreeMap<ObjectKey, Value>>;

fn key_of(o: &TreeObject) -> ObjectKey {
    let group = o.api_version().rsplit_once('/').map_or("", |(g, _)| g);
    (
        group.to_string(),
        o.kind().to_string(),
        o.namespace().to_string(),
        o.name().to_string(),
    )
}

/// Every kustomization root built, by (cluster, component).
fn objects_by_component(tree: &GeneratedTree) -> Result<ObjectsByComponent, TreeError> {
    let mut out = BTreeMap::new();
    for root in tree.roots() {
        let (cluster, component) = root.split_once('/').unwrap_or((root.as_str(), "."));
        let objects = tree
            .build(&root)?
            .into_iter()
            .map(|o| (key_of(&o), o.value))
            .collect();
        out.insert((cluster.to_string(), component.to_string()), objects);
    }
    Ok(out)
}

/// Compares two opened sides.
pub(crate) fn diff(old: &Side, new: &Side) -> Result<TreeDiff, TreeError> {
    let before = objects_by_component(&old.tree)?;
    let after = objects_by_component(&new.tree)?;
    let empty = BTreeMap::new();
    let mut groups: Vec<&(String, String)> = before.keys().chain(after.keys()).collect();
    groups.sort();
    groups.dedup();
    let mut components = Vec::new();
    for group in groups {
        let a = before.get(group).unwrap_or(&empty);
        let b = after.get(group).unwrap_or(&empty);
        let objects = diff_component(a, b);
        if !objects.is_empty() {
            components.push(ComponentDiff {
                cluster: group.0.clone(),
                component: group.1.clone(),
                objects,
            });
        }
    }
    let summary = match (&old.platform, &new.platform) {
        (Some(a), Some(b)) => summary::summarize(a, b),
        _ => Vec::new(),
    };
    Ok(TreeDiff {
        old: old.label.clone(),
        new: new.label.clone(),
        summary,
        components,
    })
}

fn diff_component(
    before: &BTreeMap<ObjectKey, Value>,
    after: &BTreeMap<ObjectKey, Value>,
) -> Vec<ObjectChange> {
    let mut keys: Vec<&ObjectKey> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        let (change, fields, shown) = match (before.get(key), after.get(key)) {
            (Some(a), Some(b)) => {
                let fields = fields::diff_objects(a, b);
                if fields.is_empty() {
                    continue;
                }
                (Change::Changed, fields, b)
            }
            (Some(a), None) => (Change::Removed, Vec::new(), a),
            (None, Some(b)) => (Change::Added, Vec::new(), b),
            (None, None) => continue,
        };
        let api_version = shown
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        out.push(ObjectChange {
            change,
            api_version,
            kind: key.1.clone(),
            namespace: key.2.clone(),
            name: key.3.clone(),
            fields,
        });
    }
    out
}
