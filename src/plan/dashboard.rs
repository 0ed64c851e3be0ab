//! The dashboard's MaaS switches (issue 19 item 2): a server-side partial
//! `OdhDashboardConfig` named like the operator's instance, so only these
//! fields are maasc's and every other setting survives.

use std::collections::BTreeMap;

use super::components::{Component, MAAS_API_NAMESPACE};
use super::objects::{self as o, CO_OWNED, PlannedObject, SKIP_DRY_RUN};
use crate::catalog::operators::OperatorKind;
use crate::catalog::versions::RhoaiVersion;
use crate::model::Cluster;

/// After the DataScienceCluster (wave 20), whose dashboard creates it.
pub(super) const WAVE: i32 = 30;
pub(super) const DIR: &str = "platform/dashboard";
/// The operator's instance.
pub(super) const NAME: &str = "odh-dashboard-config";

/// `spec.dashboardConfig` fields of a version, each only where that
/// version's CRD has it (opendatahub.io_odhdashboardconfigs.yaml of
/// rhoai-3.0 … rhoai-3.5).
pub(super) fn fields(version: RhoaiVersion) -> BTreeMap<String, bool> {
    let mut f: Vec<(&str, bool)> = vec![
        ("modelAsService", true),
        ("genAiStudio", true),
        ("disableModelCatalog", false),
        ("disableHardwareProfiles", false),
    ];
    if version >= RhoaiVersion::V3_4 {
        f.extend([("maasAuthPolicies", true), ("vLLMDeploymentOnMaaS", true)]);
    }
    if version >= RhoaiVersion::V3_5 {
        f.push(("externalModels", true));
    }
    f.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// The component, when the cluster runs OpenShift AI.
pub(super) fn component(cluster: &Cluster) -> Option<Component> {
    // Opted out: `platformExtras.dashboard.enabled: false`.
    if !cluster.has_operator(OperatorKind::OpenshiftAi) || !cluster.extras.dashboard {
        return None;
    }
    let annotations = o::sync_options(&format!("{SKIP_DRY_RUN},{CO_OWNED}"));
    let config = PlannedObject::namespaced(
        MAAS_API_NAMESPACE,
        NAME,
        o::OdhDashboardConfig {
            annotations,
            dashboard_config: fields(cluster.version),
        },
    );
    Some(Component::new(
        DIR,
        WAVE,
        Some(MAAS_API_NAMESPACE),
        vec![config],
    ))
}
