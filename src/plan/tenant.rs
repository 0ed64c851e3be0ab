//! Subscription era: the API-key policy and the external OIDC provider on
//! `Tenant/default-tenant` in `models-as-a-service`, the RHOAI 3.4 shape
//! (rhoai-3.4 CRD `maas.opendatahub.io_tenants.yaml`; models-as-a-service
//! v0.1.1, where maas-controller creates the Tenant and reads
//! `spec.apiKeys` and `spec.externalOIDC`). maasc co-owns only those fields
//! (server-side apply) and never prunes or deletes the Tenant the
//! controller made.

use super::components::MAAS_SUBSCRIPTION_NAMESPACE;
use super::objects::{self as o, CO_OWNED, PlannedObject, SKIP_DRY_RUN};
use crate::model::{Cluster, Platform};

/// The Tenant's only allowed name (CRD validation rule).
pub(super) const DEFAULT_TENANT: &str = "default-tenant";

/// `maas.oidc` as the 3.4 Tenant's `externalOIDC` and the 3.5 AITenant's
/// `oidc` take it (the same three fields in both CRDs).
pub(super) fn external_oidc(platform: &Platform) -> Option<o::TenantOidc> {
    platform.oidc.as_ref().map(|oidc| o::TenantOidc {
        issuer_url: oidc.issuer_url.clone(),
        client_id: oidc.client_id.clone(),
        ttl: oidc.ttl,
    })
}

/// The usage telemetry a cluster's tenant runs: on when maas.yaml asks
/// (`maas.tenant.telemetry`) or the cluster's observability needs it, and
/// then with the user on the metrics, which the per-user usage views read.
pub(super) fn telemetry(platform: &Platform, cluster: &Cluster) -> o::TenantTelemetry {
    let observed = cluster.observability.is_some();
    o::TenantTelemetry {
        enabled: platform.tenant_telemetry || observed,
        capture_user: observed,
    }
}

/// The Tenant carrying the cluster's API-key policy, OIDC provider and
/// telemetry, when it has any.
pub(super) fn tenant(platform: &Platform, cluster: &Cluster) -> Option<PlannedObject> {
    // RHOAI 3.5 keeps the policy on MaasTenantConfig (`tenant_era`); its
    // legacy Tenant is only a migration source.
    if cluster.version.era() == crate::catalog::versions::Era::Tenants {
        return None;
    }
    let days = cluster.api_key_max_days;
    let external_oidc = external_oidc(platform);
    // 3.4's Tenant telemetry is on by default: say it only to add the user.
    let telemetry = Some(telemetry(platform, cluster)).filter(|t| t.capture_user);
    if days.is_none() && external_oidc.is_none() && telemetry.is_none() {
        return None;
    }
    Some(PlannedObject::namespaced(
        MAAS_SUBSCRIPTION_NAMESPACE,
        DEFAULT_TENANT,
        o::Tenant {
            annotations: o::sync_options(&format!("{SKIP_DRY_RUN},{CO_OWNED}")),
            max_expiration_days: days,
            external_oidc,
            telemetry,
        },
    ))
}
