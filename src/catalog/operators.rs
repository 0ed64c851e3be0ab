//! The OLM operators maasc can install, with the package, channel, catalog
//! source and namespace layout the reference clusters use.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum OperatorKind {
    CertManager,
    Nfd,
    NvidiaGpu,
    LeaderWorkerSet,
    Kueue,
    #[serde(rename = "openshiftAI")]
    OpenshiftAi,
    ConnectivityLink,
    ServiceMesh,
    Serverless,
    Keycloak,
    CustomMetricsAutoscaler,
    /// CloudNativePG, for `maas.database.inCluster` only.
    CloudNativePg,
}

/// Static facts about one operator's Subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperatorDefaults {
    /// Component name: folder and Application name.
    pub component: &'static str,
    /// `spec.name` of the Subscription (the package).
    pub package: &'static str,
    pub channel: &'static str,
    pub source: &'static str,
    pub namespace: &'static str,
    /// OperatorGroup name; `None` when the namespace already has one
    /// (openshift-operators).
    pub operator_group: Option<&'static str>,
    /// OperatorGroup `targetNamespaces` is the own namespace (OwnNamespace
    /// install mode) rather than empty (AllNamespaces).
    pub own_namespace: bool,
    /// Extra labels on the operator namespace.
    pub namespace_labels: &'static [(&'static str, &'static str)],
    /// `spec.config.env` of the Subscription.
    pub env: &'static [(&'static str, &'static str)],
}

impl OperatorKind {
    pub const ALL: [OperatorKind; 12] = [
        OperatorKind::CertManager,
        OperatorKind::Nfd,
        OperatorKind::NvidiaGpu,
        OperatorKind::LeaderWorkerSet,
        OperatorKind::Kueue,
        OperatorKind::OpenshiftAi,
        OperatorKind::ConnectivityLink,
        OperatorKind::ServiceMesh,
        OperatorKind::Serverless,
        OperatorKind::Keycloak,
        OperatorKind::CustomMetricsAutoscaler,
        OperatorKind::CloudNativePg,
    ];

    pub fn defaults(self) -> OperatorDefaults {
        const NONE: &[(&str, &str)] = &[];
        match self {
            OperatorKind::CertManager => OperatorDefaults {
                component: "cert-manager",
                package: "openshift-cert-manager-operator",
                channel: "stable-v1",
                source: "redhat-operators",
                namespace: "cert-manager-operator",
                operator_group: Some("cert-manager-operator"),
                own_namespace: true,
                namespace_labels: NONE,
                env: NONE,
            },
            OperatorKind::Nfd => OperatorDefaults {
                component: "nfd",
                package: "nfd",
                channel: "stable",
                source: "redhat-operators",
                namespace: "openshift-nfd",
                operator_group: Some("openshift-nfd"),
                own_namespace: true,
                namespace_labels: &[("openshift.io/cluster-monitoring", "true")],
                env: NONE,
            },
            OperatorKind::NvidiaGpu => OperatorDefaults {
                component: "nvidia-gpu",
                package: "gpu-operator-certified",
                channel: "stable",
                source: "certified-operators",
                namespace: "nvidia-gpu-operator",
                operator_group: Some("nvidia-gpu-operator"),
                own_namespace: true,
                namespace_labels: &[("openshift.io/cluster-monitoring", "true")],
                env: NONE,
            },
            OperatorKind::LeaderWorkerSet => OperatorDefaults {
                component: "leader-worker-set",
                package: "leader-worker-set",
                channel: "stable-v1.0",
                source: "redhat-operators",
                namespace: "openshift-lws-operator",
                operator_group: Some("openshift-lws-operator"),
                own_namespace: true,
                namespace_labels: NONE,
                env: NONE,
            },
            OperatorKind::Kueue => OperatorDefaults {
                component: "kueue",
                package: "kueue-operator",
                channel: "stable-v1.2",
                source: "redhat-operators",
                namespace: "openshift-kueue-operator",
                operator_group: Some("openshift-kueue-operator"),
                own_namespace: false,
                namespace_labels: NONE,
                env: NONE,
            },
            OperatorKind::OpenshiftAi => OperatorDefaults {
                component: "openshift-ai",
                package: "rhods-operator",
                channel: "fast-3.x",
                source: "redhat-operators",
                namespace: "redhat-ods-operator",
                operator_group: Some("redhat-ods-operator"),
                own_namespace: false,
                namespace_labels: NONE,
                env: NONE,
            },
            OperatorKind::ConnectivityLink => OperatorDefaults {
                component: "connectivity-link",
                package: "rhcl-operator",
                channel: "stable",
                source: "redhat-operators",
                namespace: "kuadrant-system",
                operator_group: Some("kuadrant-operator-group"),
                own_namespace: false,
                namespace_labels: NONE,
                // Gotcha 21: fail closed when Limitador is down, and give
                // Authorino a realistic timeout.
                env: &[
                    ("AUTH_SERVICE_TIMEOUT", "2s"),
                    ("RATELIMIT_CHECK_SERVICE_FAILURE_MODE", "deny"),
                    ("RATELIMIT_REPORT_SERVICE_FAILURE_MODE", "deny"),
                ],
            },
            OperatorKind::ServiceMesh => OperatorDefaults {
                component: "service-mesh",
                package: "servicemeshoperator3",
                channel: "stable",
                source: "redhat-operators",
                namespace: "openshift-operators",
                operator_group: None,
                own_namespace: false,
                namespace_labels: NONE,
                env: NONE,
            },
            OperatorKind::Serverless => OperatorDefaults {
                component: "serverless",
                package: "serverless-operator",
                channel: "stable",
                source: "redhat-operators",
                namespace: "openshift-serverless",
                operator_group: Some("serverless-operators"),
                own_namespace: false,
                namespace_labels: NONE,
                env: NONE,
            },
            OperatorKind::Keycloak => OperatorDefaults {
                component: "keycloak",
                package: "rhbk-operator",
                channel: "stable-v26",
                source: "redhat-operators",
                namespace: "keycloak",
                operator_group: Some("keycloak"),
                own_namespace: true,
                namespace_labels: NONE,
                env: NONE,
            },
            // KEDA, for the ScaledObjects KServe derives from an autoscaled
            // model's `spec.scaling` (RHOAI 3.4+). OpenShift docs
            // "Installing the custom metrics autoscaler"
            // (openshift/openshift-docs @001ad1f
            // `modules/nodes-cma-autoscaling-custom-install.adoc`: all
            // namespaces, installed in `openshift-keda`); the operator's CSV
            // (openshift/custom-metrics-autoscaler-operator
            // `keda/2.19.0/manifests/cma.v2.19.0.clusterserviceversion.yaml`)
            // suggests that namespace and `cluster-monitoring: "true"`.
            OperatorKind::CustomMetricsAutoscaler => OperatorDefaults {
                component: "custom-metrics-autoscaler",
                package: "openshift-custom-metrics-autoscaler-operator",
                channel: "stable",
                source: "redhat-operators",
                namespace: "openshift-keda",
                operator_group: Some("openshift-keda"),
                own_namespace: false,
                namespace_labels: &[("openshift.io/cluster-monitoring", "true")],
                env: NONE,
            },
            // EDB's certified CloudNativePG bundle (Apache-2.0, CNCF): on
            // OpenShift it is in `certified-operators`, not the community
            // catalog (redhat-openshift-ecosystem/certified-operators
            // `operators/cloudnative-pg`, defaultChannel `stable-v1`, 1.30.x
            // as of 2026-08). All install modes; the console's default, and
            // upstream's OpenShift e2e (`hack/e2e/run-e2e-ocp.sh` at v1.30.0),
            // install it cluster-wide in openshift-operators.
            OperatorKind::CloudNativePg => OperatorDefaults {
                component: "cloudnative-pg",
                package: "cloudnative-pg",
                channel: "stable-v1",
                source: "certified-operators",
                namespace: "openshift-operators",
                operator_group: None,
                own_namespace: false,
                namespace_labels: NONE,
                env: NONE,
            },
        }
    }

    /// Operators whose CRDs others need first get an earlier sync wave.
    pub fn sync_wave(self) -> i32 {
        match self {
            OperatorKind::NvidiaGpu => 11,
            _ => 10,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_and_namespaces_are_distinct() {
        let mut components: Vec<_> = OperatorKind::ALL
            .iter()
            .map(|k| k.defaults().component)
            .collect();
        components.sort_unstable();
        components.dedup();
        assert_eq!(components.len(), OperatorKind::ALL.len());
    }

    #[test]
    fn nvidia_comes_from_certified_operators() {
        let d = OperatorKind::NvidiaGpu.defaults();
        assert_eq!(
            (d.package, d.source),
            ("gpu-operator-certified", "certified-operators")
        );
    }
}
