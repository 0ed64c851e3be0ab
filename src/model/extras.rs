//! The escape hatch (issue 19 item 4): a cluster's own kustomize
//! components and its patches to generated ones, checked; and which
//! platform extras the cluster keeps.

use std::path::PathBuf;

use crate::source::Span;

/// Sync wave of an extra component that names none: after every wave maasc
/// generates (they run from -1 to 45).
pub const EXTRA_DEFAULT_WAVE: i32 = 100;

/// What a cluster adds to and changes in what maasc generates.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterExtras {
    /// Sorted by name.
    pub components: Vec<ExtraComponent>,
    /// In maas.yaml order (kustomize applies patches in order).
    pub patches: Vec<Patch>,
    /// Emit the partial OdhDashboardConfig (`platform/dashboard`).
    pub dashboard: bool,
    /// Emit a HardwareProfile per pool (`platform/hardware-profiles`).
    pub hardware_profiles: bool,
}

impl Default for ClusterExtras {
    fn default() -> Self {
        ClusterExtras {
            components: Vec::new(),
            patches: Vec::new(),
            dashboard: true,
            hardware_profiles: true,
        }
    }
}

/// One kustomize component of the user's: one more Application.
#[derive(Clone, Debug, PartialEq)]
pub struct ExtraComponent {
    /// DNS label; the Application is `<cluster>-<name>`.
    pub name: String,
    pub source: ExtraSource,
    pub wave: i32,
    pub namespace: Option<String>,
}

/// Where an extra component's kustomization is.
#[derive(Clone, Debug, PartialEq)]
pub enum ExtraSource {
    /// A folder of the repository holding maas.yaml: `/`-separated,
    /// relative to maas.yaml's folder, normalised, no `..`.
    Local { path: String },
    /// A remote Git repository at a revision.
    Remote {
        repo_url: String,
        path: String,
        target_revision: String,
    },
}

/// A patch to one object of a generated component.
#[derive(Clone, Debug, PartialEq)]
pub struct Patch {
    /// The component's folder under the cluster, e.g. `models/llm`.
    pub component: String,
    pub target: PatchTarget,
    pub body: PatchBody,
    /// Where the component, the target and the patch are written in
    /// maas.yaml (or the patch file's name), for the checks that need the
    /// generated objects (target exists, patch applies).
    pub component_span: Span,
    pub target_span: Span,
    pub span: Span,
    /// The file diagnostics about the patch point at (maas.yaml).
    pub file: PathBuf,
}

/// The object a patch applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatchTarget {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
}

/// A strategic merge patch (the fields to merge) or a JSON 6902 patch
/// (the operations).
#[derive(Clone, Debug, PartialEq)]
pub enum PatchBody {
    StrategicMerge(serde_json::Value),
    Json6902(Vec<serde_json::Value>),
}

impl PatchBody {
    /// The patch as kustomize reads it: a mapping (strategic merge) or a
    /// list of operations.
    pub fn to_value(&self) -> serde_json::Value {
        match self {
            PatchBody::StrategicMerge(v) => v.clone(),
            PatchBody::Json6902(ops) => serde_json::Value::Array(ops.clone()),
        }
    }
}
