//! Constructors for every kind of object maasc emits: identity plus the
//! values its template needs.

use serde_json::{Value, json};

use super::PlannedObject;

/// ArgoCD sync options as an annotation: lets a CR sync before its CRD
/// exists (operators install CRDs late; gotcha 24).
pub const SKIP_DRY_RUN: &str = "SkipDryRunOnMissingResource=true";

fn object(
    api_version: &'static str,
    kind: &'static str,
    namespace: Option<&str>,
    name: &str,
    template: &'static str,
    values: Value,
) -> PlannedObject {
    PlannedObject {
        api_version,
        kind,
        namespace: namespace.map(str::to_string),
        name: name.to_string(),
        template,
        values,
    }
}

/// Adds `name`/`namespace` to the values so every template can print them.
fn with_meta(mut values: Value, namespace: Option<&str>, name: &str) -> Value {
    values["name"] = json!(name);
    if let Some(ns) = namespace {
        values["namespace"] = json!(ns);
    }
    values
}

macro_rules! constructor {
    ($(#[$doc:meta])* $fn:ident, $api:literal, $kind:literal, $template:literal, namespaced) => {
        $(#[$doc])*
        pub fn $fn(namespace: &str, name: &str, values: Value) -> PlannedObject {
            object($api, $kind, Some(namespace), name, $template, with_meta(values, Some(namespace), name))
        }
    };
    ($(#[$doc:meta])* $fn:ident, $api:literal, $kind:literal, $template:literal, cluster) => {
        $(#[$doc])*
        pub fn $fn(name: &str, values: Value) -> PlannedObject {
            object($api, $kind, None, name, $template, with_meta(values, None, name))
        }
    };
}

constructor!(
    namespace_object,
    "v1",
    "Namespace",
    "namespace.yaml",
    cluster
);
constructor!(
    operator_group,
    "operators.coreos.com/v1",
    "OperatorGroup",
    "operator-group.yaml",
    namespaced
);
constructor!(
    subscription,
    "operators.coreos.com/v1alpha1",
    "Subscription",
    "subscription.yaml",
    namespaced
);
constructor!(
    node_feature_discovery,
    "nfd.openshift.io/v1",
    "NodeFeatureDiscovery",
    "node-feature-discovery.yaml",
    namespaced
);
constructor!(
    cluster_policy,
    "nvidia.com/v1",
    "ClusterPolicy",
    "cluster-policy.yaml",
    cluster
);
constructor!(
    lws_operator,
    "operator.openshift.io/v1",
    "LeaderWorkerSetOperator",
    "leader-worker-set-operator.yaml",
    cluster
);
constructor!(
    data_science_cluster,
    "datasciencecluster.opendatahub.io/v2",
    "DataScienceCluster",
    "data-science-cluster.yaml",
    cluster
);
constructor!(
    kuadrant,
    "kuadrant.io/v1beta1",
    "Kuadrant",
    "kuadrant.yaml",
    namespaced
);
constructor!(
    machine_set,
    "machine.openshift.io/v1beta1",
    "MachineSet",
    "machine-set.yaml",
    namespaced
);
constructor!(
    machine_autoscaler,
    "autoscaling.openshift.io/v1beta1",
    "MachineAutoscaler",
    "machine-autoscaler.yaml",
    namespaced
);
constructor!(
    cluster_autoscaler,
    "autoscaling.openshift.io/v1",
    "ClusterAutoscaler",
    "cluster-autoscaler.yaml",
    cluster
);
constructor!(secret, "v1", "Secret", "secret.yaml", namespaced);
constructor!(
    oauth,
    "config.openshift.io/v1",
    "OAuth",
    "oauth.yaml",
    cluster
);
constructor!(
    group,
    "user.openshift.io/v1",
    "Group",
    "group.yaml",
    cluster
);
constructor!(
    cluster_role,
    "rbac.authorization.k8s.io/v1",
    "ClusterRole",
    "cluster-role.yaml",
    cluster
);
constructor!(
    cluster_role_binding,
    "rbac.authorization.k8s.io/v1",
    "ClusterRoleBinding",
    "cluster-role-binding.yaml",
    cluster
);
constructor!(
    gateway_class,
    "gateway.networking.k8s.io/v1",
    "GatewayClass",
    "gateway-class.yaml",
    cluster
);
constructor!(
    gateway,
    "gateway.networking.k8s.io/v1",
    "Gateway",
    "gateway.yaml",
    namespaced
);
constructor!(config_map, "v1", "ConfigMap", "config-map.yaml", namespaced);
constructor!(
    auth_policy,
    "kuadrant.io/v1",
    "AuthPolicy",
    "auth-policy.yaml",
    namespaced
);
constructor!(
    rate_limit_policy,
    "kuadrant.io/v1",
    "RateLimitPolicy",
    "rate-limit-policy.yaml",
    namespaced
);
constructor!(
    maas_model_ref,
    "maas.opendatahub.io/v1alpha1",
    "MaaSModelRef",
    "maas-model-ref.yaml",
    namespaced
);
constructor!(
    maas_auth_policy,
    "maas.opendatahub.io/v1alpha1",
    "MaaSAuthPolicy",
    "maas-auth-policy.yaml",
    namespaced
);
constructor!(
    maas_subscription,
    "maas.opendatahub.io/v1alpha1",
    "MaaSSubscription",
    "maas-subscription.yaml",
    namespaced
);
constructor!(
    token_rate_limit_policy,
    "kuadrant.io/v1alpha1",
    "TokenRateLimitPolicy",
    "token-rate-limit-policy.yaml",
    namespaced
);
constructor!(
    network_policy,
    "networking.k8s.io/v1",
    "NetworkPolicy",
    "network-policy.yaml",
    namespaced
);
constructor!(
    llm_inference_service,
    "serving.kserve.io/v1alpha1",
    "LLMInferenceService",
    "llm-inference-service.yaml",
    namespaced
);
constructor!(
    argocd,
    "argoproj.io/v1beta1",
    "ArgoCD",
    "argocd.yaml",
    namespaced
);
constructor!(
    app_project,
    "argoproj.io/v1alpha1",
    "AppProject",
    "app-project.yaml",
    namespaced
);
constructor!(
    application,
    "argoproj.io/v1alpha1",
    "Application",
    "application.yaml",
    namespaced
);
