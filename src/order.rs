//! kustomize's legacy resource order (`api/resid/gvk.go`): the order
//! `kubectl kustomize` prints objects in. A leaf: it knows object identities
//! only, so the tree reader and the one-cluster stream share it.

/// Kinds kustomize's legacy order puts first and last (`api/resid/gvk.go`).
const ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];
const ORDER_LAST: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// kustomize's legacy sort key of an object given by its identity.
pub(crate) fn legacy_order(
    api_version: &str,
    kind: &str,
    namespace: &str,
    name: &str,
) -> (i64, String, String, String) {
    let rank = if let Some(i) = ORDER_FIRST.iter().position(|k| *k == kind) {
        i as i64 - ORDER_FIRST.len() as i64
    } else if let Some(i) = ORDER_LAST.iter().position(|k| *k == kind) {
        1 + i as i64
    } else {
        0
    };
    let (group, version) = match api_version.rsplit_once('/') {
        Some((g, v)) => (g, v),
        None => ("~G", api_version),
    };
    (
        rank,
        format!("{group}_{version}_{kind}"),
        namespace.to_string(),
        name.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::legacy_order;

    #[test]
    fn namespaces_first_webhooks_last_then_by_group_version_kind() {
        let ns = legacy_order("v1", "Namespace", "", "a");
        let cm = legacy_order("v1", "ConfigMap", "x", "b");
        let hook = legacy_order(
            "admissionregistration.k8s.io/v1",
            "ValidatingWebhookConfiguration",
            "",
            "c",
        );
        assert!(ns < cm && cm < hook);
        assert_eq!(cm.1, "~G_v1_ConfigMap");
    }
}
