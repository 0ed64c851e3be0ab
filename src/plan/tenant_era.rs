//! Tenant era (RHOAI 3.5, models-as-a-service v0.2.1): the default
//! `AITenant`, its `MaasTenantConfig`, the cluster `Config`, and the label
//! the 3.5 routes need on the gateway namespace. Shapes from the rhoai-3.5
//! CRDs (`maas.opendatahub.io_{aitenants,maastenantconfigs,configs}.yaml`):
//! the AITenant lives in `ai-tenants` (webhook) and the default one is
//! `models-as-a-service`; `MaasTenantConfig` must be named `default-tenant`
//! (in the default tenant's namespace `models-as-a-service`); `Config` is
//! cluster-scoped and must be named `default`.
//!
//! maas-controller creates all three itself (the Config at startup, the
//! AITenant once per Config, the MaasTenantConfig from the AITenant) and
//! owner references hang off them: deleting the Config tears down every
//! operand. So maasc co-owns only the fields it sets (server-side apply)
//! and never prunes or deletes them.

use super::components::{Component, MAAS_SUBSCRIPTION_NAMESPACE};
use super::objects::{self as o, CO_OWNED, PlannedObject, SKIP_DRY_RUN, StringMap};
use super::tenant::DEFAULT_TENANT;
use crate::catalog::versions::Era;
use crate::model::{Cluster, Platform};

/// Namespace every AITenant must live in (3.5 admission webhook).
pub(super) const AI_TENANTS_NAMESPACE: &str = "ai-tenants";
/// The default AITenant maas-controller creates.
pub(super) const DEFAULT_AI_TENANT: &str = "models-as-a-service";
/// The only allowed name of the cluster `Config`.
pub(super) const CONFIG_NAME: &str = "default";
/// The label the 3.5 routes' Gateway listeners select namespaces by
/// (models-as-a-service `gateway-patterns.md`).
pub(super) const GATEWAY_ACCESS_LABEL: &str = "maas.opendatahub.io/gateway-access";

/// The labels a namespace needs for its HTTPRoutes to attach to the MaaS
/// Gateway, on clusters whose Gateway selects them (RHOAI 3.5: the listeners
/// admit `from: Selector`, models-as-a-service `gateway-patterns.md`, rather
/// than every namespace of a shared cluster).
pub(super) fn route_namespace_labels(cluster: &Cluster) -> Option<StringMap> {
    (cluster.version.era() == Era::Tenants)
        .then(|| StringMap::from([(GATEWAY_ACCESS_LABEL.to_string(), "true".to_string())]))
}

/// A label-only Namespace: server-side applied, never pruned or deleted
/// (OpenShift or an operator owns the namespace itself).
fn namespace_label(name: &str, labels: StringMap) -> PlannedObject {
    PlannedObject::cluster(
        name,
        o::NamespaceLabel {
            labels,
            annotations: o::sync_options(CO_OWNED),
        },
    )
}

fn co_owned() -> StringMap {
    o::sync_options(&format!("{SKIP_DRY_RUN},{CO_OWNED}"))
}

/// The tenant-era objects of `cluster`, when it runs RHOAI 3.5.
pub(super) fn component(platform: &Platform, cluster: &Cluster) -> Option<Component> {
    if cluster.version.era() != Era::Tenants {
        return None;
    }
    let gw = &platform.gateway;
    let objects = vec![
        PlannedObject::namespaced(
            AI_TENANTS_NAMESPACE,
            DEFAULT_AI_TENANT,
            o::AiTenant {
                annotations: co_owned(),
                gateway: gw.name.clone(),
                oidc: super::tenant::external_oidc(platform),
            },
        ),
        PlannedObject::namespaced(
            MAAS_SUBSCRIPTION_NAMESPACE,
            DEFAULT_TENANT,
            o::MaasTenantConfig {
                annotations: co_owned(),
                max_expiration_days: cluster.api_key_max_days,
                telemetry: super::tenant::telemetry(platform, cluster),
            },
        ),
        PlannedObject::cluster(
            CONFIG_NAME,
            o::MaasConfig {
                annotations: co_owned(),
            },
        ),
        // The gateway namespace is usually `openshift-ingress`, which
        // OpenShift owns: a whole Namespace object would replace its
        // labels and annotations and, pruned, delete it. Server-side
        // applied, this partial object owns only the one label. The infra
        // namespace (maas-api's route) is the operator's: maas-controller
        // labels it itself only from after v0.2.1 (#1332), so say it here.
        namespace_label(gw.namespace.as_str(), route_namespace_labels(cluster)?),
        namespace_label(
            Era::Tenants.maas_api_namespace(),
            route_namespace_labels(cluster)?,
        ),
    ];
    // Wave 20: after the Gateway (15) the AITenant names, before the
    // subscriptions (45) and models.
    let mut c = Component::new("platform/maas-tenant", 20, None, objects);
    c.server_side_apply = true;
    Some(c)
}
