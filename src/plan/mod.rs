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
//! ```

pub mod approver;
mod authorino;
mod components;
mod external;
mod layout;
pub mod notes;
pub mod objects;
pub mod operator_owned;
mod serving;
mod tenant;

pub use components::split;

pub use layout::VERSION_LABEL;
pub use objects::{Context, Kustomization, ObjectTemplate, PlannedObject};

use crate::model::{Cluster, Platform};

/// What a file holds.
#[derive(Clone, Debug, PartialEq)]
pub enum PlannedContent {
    Object(PlannedObject),
    /// A kustomization listing resources.
    Kustomization(Kustomization),
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
}

/// Plans the whole tree for every cluster.
pub fn plan(platform: &Platform) -> Plan {
    // Clusters are planned independently: on every core for large fleets.
    let components = crate::parallel::map(&platform.clusters, 4, |c| {
        components::for_cluster(platform, c)
    });
    let per_cluster: Vec<_> = platform.clusters.iter().zip(components).collect();
    layout::lay_out(platform, &per_cluster)
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
