//! Subscription era: the API-key policy on `Tenant/default-tenant` in
//! `models-as-a-service`, the RHOAI 3.4 shape (rhoai-3.4 CRD
//! `maas.opendatahub.io_tenants.yaml`; models-as-a-service v0.1.1, where
//! maas-controller creates the Tenant and reads `spec.apiKeys`). maasc
//! co-owns only `spec.apiKeys` (server-side apply) and never prunes or
//! deletes the Tenant the controller made.

use super::components::MAAS_SUBSCRIPTION_NAMESPACE;
use super::objects::{self as o, PlannedObject, SKIP_DRY_RUN, StringMap};
use crate::model::Cluster;

/// The Tenant's only allowed name (CRD validation rule).
pub(super) const DEFAULT_TENANT: &str = "default-tenant";

/// The Tenant carrying the cluster's API-key policy, when it has one.
pub(super) fn tenant(cluster: &Cluster) -> Option<PlannedObject> {
    // RHOAI 3.5 keeps the policy on MaasTenantConfig (`tenant_era`); its
    // legacy Tenant is only a migration source.
    if cluster.version.era() == crate::catalog::versions::Era::Tenants {
        return None;
    }
    let days = cluster.api_key_max_days?;
    Some(PlannedObject::namespaced(
        MAAS_SUBSCRIPTION_NAMESPACE,
        DEFAULT_TENANT,
        o::Tenant {
            annotations: StringMap::from([(
                "argocd.argoproj.io/sync-options".to_string(),
                format!("{SKIP_DRY_RUN},ServerSideApply=true,Prune=false,Delete=false"),
            )]),
            max_expiration_days: days,
        },
    ))
}
