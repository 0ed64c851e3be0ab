//! Hardware profiles (issue 19 item 2): one `HardwareProfile` per machine
//! pool, derived from the pool's instance type, so workbenches and models
//! deployed from the dashboard land on the pools maasc creates.

use super::components::{Component, MAAS_API_NAMESPACE, POOL_LABEL, taint};
use super::objects::{self as o, PlannedObject, SKIP_DRY_RUN, StringMap};
use crate::catalog::instance_types::node_size;
use crate::catalog::operators::OperatorKind;
use crate::model::{Cluster, MachinePool};

/// After the DataScienceCluster (wave 20), which installs the CRD.
pub(super) const WAVE: i32 = 30;
pub(super) const DIR: &str = "platform/hardware-profiles";

/// The component, when the cluster runs OpenShift AI, has pools and did
/// not opt out (`platformExtras.hardwareProfiles.enabled: false`).
pub(super) fn component(cluster: &Cluster) -> Option<Component> {
    if !cluster.has_operator(OperatorKind::OpenshiftAi)
        || cluster.pools.is_empty()
        || !cluster.extras.hardware_profiles
    {
        return None;
    }
    let objects = cluster.pools.iter().map(profile).collect();
    Some(Component::new(DIR, WAVE, Some(MAAS_API_NAMESPACE), objects))
}

fn count(n: u32) -> serde_json::Value {
    n.into()
}

fn gib(n: u32) -> serde_json::Value {
    format!("{n}Gi").into()
}

fn profile(pool: &MachinePool) -> PlannedObject {
    let node = node_size(&pool.instance_type);
    let vcpus = node.map(|n| n.vcpus);
    let memory = node.map(|n| n.memory_gib);
    let mut identifiers = vec![
        o::HardwareIdentifier {
            display_name: "CPU".to_string(),
            identifier: "cpu".to_string(),
            resource_type: "CPU".to_string(),
            min_count: count(1),
            default_count: count(vcpus.map_or(2, |v| v.clamp(1, 2))),
            max_count: vcpus.map(count),
        },
        o::HardwareIdentifier {
            display_name: "Memory".to_string(),
            identifier: "memory".to_string(),
            resource_type: "Memory".to_string(),
            min_count: gib(2),
            default_count: gib(memory.map_or(8, |m| (m / 2).clamp(2, 16))),
            max_count: memory.map(gib),
        },
    ];
    if pool.instance.is_gpu() {
        identifiers.push(o::HardwareIdentifier {
            display_name: "NVIDIA GPU".to_string(),
            identifier: "nvidia.com/gpu".to_string(),
            resource_type: "Accelerator".to_string(),
            min_count: count(1),
            default_count: count(1),
            max_count: Some(count(pool.instance.gpus)),
        });
    }
    let kind = if pool.instance.is_gpu() { "GPU" } else { "CPU" };
    let annotations = StringMap::from([
        (o::SYNC_OPTIONS.to_string(), SKIP_DRY_RUN.to_string()),
        (
            "opendatahub.io/display-name".to_string(),
            format!("{} ({})", pool.name, pool.instance_type),
        ),
        (
            "opendatahub.io/description".to_string(),
            format!(
                "{kind} pool {} of {} nodes, created by maasc",
                pool.name, pool.instance_type
            ),
        ),
    ]);
    PlannedObject::namespaced(
        MAAS_API_NAMESPACE,
        pool.name.as_str(),
        o::HardwareProfile {
            annotations,
            identifiers,
            node_selector: StringMap::from([(POOL_LABEL.to_string(), pool.name.to_string())]),
            tolerations: pool.taints.iter().map(taint).collect(),
        },
    )
}
