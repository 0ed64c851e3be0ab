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
use crate::model::{AI_TENANTS_NAMESPACE, Cluster, Platform, TenantName};

/// The default AITenant maas-controller creates.
pub(super) const DEFAULT_AI_TENANT: &str = crate::model::DEFAULT_TENANT_NAME;
/// The only allowed name of the cluster `Config`.
pub(super) const CONFIG_NAME: &str = "default";
/// The label the 3.5 routes' Gateway listeners select namespaces by
/// (models-as-a-service `gateway-patterns.md`).
pub(super) const GATEWAY_ACCESS_LABEL: &str = "maas.opendatahub.io/gateway-access";

/// The labels a namespace needs for its HTTPRoutes to attach to the
/// Gateway of `tenant` (`None`: the default tenant's), on clusters whose
/// Gateways select them (RHOAI 3.5: the listeners admit `from: Selector`,
/// models-as-a-service `gateway-patterns.md`, rather than every namespace
/// of a shared cluster). An additional tenant's Gateway selects its own
/// `-<tenant>` label (`multi-tenant-setup.md`): maas-controller puts the
/// shared one on every tenant's namespace.
pub(super) fn route_namespace_labels(
    cluster: &Cluster,
    tenant: Option<&TenantName>,
) -> Option<StringMap> {
    let label = match tenant {
        None => GATEWAY_ACCESS_LABEL.to_string(),
        Some(t) => format!("{GATEWAY_ACCESS_LABEL}-{t}"),
    };
    (cluster.version.era() == Era::Tenants).then(|| StringMap::from([(label, "true".to_string())]))
}

/// The label maas-controller puts on an additional tenant's namespace,
/// naming the tenant (v0.2.1 `applyAITenantMetadata`).
const TENANT_NAME_LABEL: &str = "maas.opendatahub.io/tenant-name";

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
    let tenant_config = || o::MaasTenantConfig {
        annotations: co_owned(),
        max_expiration_days: cluster.api_key_max_days,
        telemetry: super::tenant::telemetry(platform, cluster),
    };
    let mut objects = vec![
        PlannedObject::namespaced(
            AI_TENANTS_NAMESPACE,
            DEFAULT_AI_TENANT,
            o::AiTenant {
                annotations: co_owned(),
                gateway: gw.name.clone(),
                oidc: super::tenant::external_oidc(platform),
            },
        ),
        PlannedObject::namespaced(MAAS_SUBSCRIPTION_NAMESPACE, DEFAULT_TENANT, tenant_config()),
        PlannedObject::cluster(
            CONFIG_NAME,
            o::MaasConfig {
                annotations: co_owned(),
            },
        ),
        // The gateway namespace is usually `openshift-ingress`, which
        // OpenShift owns: a whole Namespace object would replace its
        // labels and annotations and, pruned, delete it. Server-side
        // applied, this partial object owns only the one label.
        namespace_label(
            gw.namespace.as_str(),
            route_namespace_labels(cluster, None)?,
        ),
    ];
    // The infra namespace holds maas-api's routes, one per tenant, each
    // attached to its tenant's Gateway; it is the operator's: maas-controller
    // labels it itself only from after v0.2.1 (#1332, #1370), so say it here.
    let mut infra = route_namespace_labels(cluster, None)?;
    for t in platform.tenants_on(cluster) {
        infra.extend(route_namespace_labels(cluster, Some(&t.name))?);
        // An additional tenant is all ours: maasc creates it, and removing
        // it from maas.yaml deletes it (maas-controller then revokes its
        // API keys and removes its maas-api). Its namespace and
        // MaasTenantConfig are maas-controller's, co-owned like the
        // default tenant's.
        objects.push(PlannedObject::namespaced(
            AI_TENANTS_NAMESPACE,
            t.name.as_str(),
            o::AiTenant {
                annotations: o::sync_options(SKIP_DRY_RUN),
                gateway: t.gateway.name.clone(),
                oidc: super::tenant::external_oidc(platform),
            },
        ));
        // maas-controller creates `ai-tenant-<name>` once the AITenant is
        // active, and adopts one that exists: stating it here lets ArgoCD's
        // dry run of the MaasTenantConfig in it pass in the same sync.
        let namespace = t.name.namespace();
        objects.push(namespace_label(
            &namespace,
            StringMap::from([(TENANT_NAME_LABEL.to_string(), t.name.to_string())]),
        ));
        objects.push(PlannedObject::namespaced(
            &namespace,
            DEFAULT_TENANT,
            tenant_config(),
        ));
    }
    objects.push(namespace_label(Era::Tenants.maas_api_namespace(), infra));
    // Wave 20: after the Gateway (15) the AITenant names, before the
    // subscriptions (45) and models.
    let mut c = Component::new("platform/maas-tenant", 20, None, objects);
    c.server_side_apply = true;
    Some(c)
}
