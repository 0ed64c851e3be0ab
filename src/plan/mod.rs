//! Stage 3, plan: the checked [`Platform`] → every file of the GitOps tree,
//! as data. Each object is its identity plus the typed context of its
//! template ([`objects`]); every value and decision is made here, no YAML
//! text is built here.
//!
//! Layout of the tree (relative to the output folder):
//!
//! ```text
//! base/<component>/…            objects every cluster that uses the component shares
//! <cluster>/<component>/…       overlay: kustomization on the base + what differs
//! <cluster>/apps/…              one Application per component, the AppProject
//! <cluster>/bootstrap/…         GitOps operator, controller RBAC, health checks,
//!                               AppProject and the root Application
//! README.md, <cluster>/README.md, <cluster>/smoke-test.sh
//!                               what the tree is and how to use it (`readme`)
//! ```

pub mod approver;
mod authorino;
mod components;
mod dashboard;
mod database;
mod external;
mod extras;
mod hardware;
mod keda;
mod layout;
mod maas_api;
pub mod notes;
pub mod objects;
mod observability;
pub mod operator_owned;
mod readme;
mod serving;
mod tenant;
mod tenant_era;

pub use readme::generated_line;

pub use components::split;

pub use extras::EXTRA_LABEL;
pub use layout::VERSION_LABEL;
pub use objects::{Context, Kustomization, ObjectTemplate, PlannedObject};

use crate::model::{Cluster, Platform};

/// What a file holds.
#[derive(Clone, Debug, PartialEq)]
pub enum PlannedContent {
    Object(PlannedObject),
    /// A kustomization listing resources.
    Kustomization(Kustomization),
    /// A document that is no Kubernetes object (README, smoke test),
    /// complete with its generated-by mark; no kustomization lists it.
    Text(String),
}

/// One file of the tree, by its `/`-separated path inside the output folder.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedFile {
    pub path: String,
    pub content: PlannedContent,
}

/// Every file of the tree, sorted by path.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
    /// maas.yaml relative to the repository root, as the mark on every
    /// generated file names it ([`generated_line`]).
    pub source: String,
}

/// Where the tree sits in its Git repository: the folder every Application
/// points at, and the maas.yaml every generated file names as its source.
/// The front end finds it (`generate`, `check`: from Git and the output
/// folder); without an output folder it is [`TreeLocation::from_spec`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeLocation {
    /// The tree's folder relative to the repository root, `/`-separated,
    /// no trailing slash; empty when the tree is the repository root.
    pub repo_path: String,
    /// The maas.yaml relative to the repository root, `/`-separated.
    pub source: String,
}

impl TreeLocation {
    /// The tree at `spec.gitops.path`, with maas.yaml at the repository root:
    /// what `spec.gitops.path` means when there is no output folder.
    pub fn from_spec(platform: &Platform, source: impl Into<String>) -> TreeLocation {
        TreeLocation {
            repo_path: platform.gitops.path.clone(),
            source: source.into(),
        }
    }

    /// `relative` (a path inside the tree) as a repository path.
    pub fn repo_path_of(&self, relative: &str) -> String {
        if self.repo_path.is_empty() {
            relative.to_string()
        } else {
            format!("{}/{relative}", self.repo_path)
        }
    }
}

/// Plans the whole tree for every cluster, placed at `location`.
pub fn plan(platform: &Platform, location: &TreeLocation) -> Plan {
    // Clusters are planned independently: on every core for large fleets.
    let components = crate::parallel::map(&platform.clusters, 4, |c| {
        components::for_cluster(platform, c)
    });
    let per_cluster: Vec<_> = platform.clusters.iter().zip(components).collect();
    let mut plan = layout::lay_out(platform, location, &per_cluster);
    let docs = readme::files(platform, location, &plan.files);
    plan.files.extend(docs);
    plan.files.sort_by(|a, b| a.path.cmp(&b.path));
    plan
}

/// One component of one cluster, as its overlay builds it: the objects
/// with their file names, no base/overlay split.
#[derive(Clone, Debug)]
pub struct ClusterComponent {
    /// Folder below `<cluster>/`, e.g. `models/llm`.
    pub dir: String,
    pub wave: i32,
    /// (file name, object), in folder order.
    pub files: Vec<(String, PlannedObject)>,
}

/// Plans only `cluster`'s components, in sync-wave order then by folder:
/// what `render` and `krm` need, at the cost of one cluster, not the fleet.
pub fn plan_cluster(platform: &Platform, cluster: &Cluster) -> Vec<ClusterComponent> {
    let mut out: Vec<ClusterComponent> = components::for_cluster(platform, cluster)
        .into_iter()
        .map(|c| ClusterComponent {
            files: layout::file_names(&c.objects)
                .into_iter()
                .zip(c.objects)
                .collect(),
            dir: c.dir,
            wave: c.wave,
        })
        .collect();
    out.sort_by(|a, b| (a.wave, &a.dir).cmp(&(b.wave, &b.dir)));
    out
}
