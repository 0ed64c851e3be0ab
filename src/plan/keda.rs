//! KEDA for autoscaled models (issue 17): the Custom Metrics Autoscaler's
//! `KedaController` and the trigger authentication RHOAI's KServe points
//! every ScaledObject at.
//!
//! On RHOAI 3.4/3.5 KServe turns an LLMInferenceService's `spec.scaling`
//! (`wva.keda`) into a KEDA ScaledObject whose Prometheus trigger queries
//! `https://thanos-querier.openshift-monitoring.svc.cluster.local:9091` with
//! `authModes: bearer` and `authenticationRef: {kind:
//! ClusterTriggerAuthentication, name: ai-inference-keda-thanos}`
//! (red-hat-data-services/kserve @c1e1509 for 3.4, @2505c73 for 3.5:
//! `config/overlays/odh/patches/inferenceservice-config-patch.yaml`
//! `autoscaling-wva-controller-config`, and
//! `pkg/controller/v1alpha2/llmisvc/scaling.go` `prometheusTrigger`, which
//! keeps TLS verification on). RHOAI names that object but does not ship
//! it; its installation procedure creates it
//! (red-hat-data-services/rhods-operator @39eadb2
//! `docs/install/wva/RHAISTRAT-670-installation-procedure.md`, "Granting
//! KEDA permissions to read from OpenShift Monitoring"), and maasc emits
//! exactly those objects:
//!
//! - ServiceAccount `keda-metrics-reader` in `openshift-keda`;
//! - ClusterRoleBinding `keda-metrics-reader-monitoring` to
//!   `cluster-monitoring-view` (port 9091 of the Thanos querier is the
//!   cluster-wide one, which needs that role);
//! - Secret `keda-metrics-reader-token` of type
//!   `kubernetes.io/service-account-token`: Kubernetes fills its `token` and
//!   `ca.crt` in the cluster, no value is in Git;
//! - ClusterTriggerAuthentication `ai-inference-keda-thanos`: `bearerToken`
//!   and `ca` from that Secret (a cluster trigger authentication reads its
//!   Secrets from KEDA's own namespace, `openshift-keda`).
//!
//! The `KedaController` `keda` in `openshift-keda` (the one name and
//! namespace the operator reconciles) deploys KEDA itself, watching every
//! namespace (`watchNamespace: ""`), as the OpenShift docs
//! (openshift/openshift-docs @001ad1f
//! `modules/nodes-cma-autoscaling-custom-install.adoc`) and rhods-operator
//! `docs/install/wva/03-keda-controller.yaml` do. Operators
//! from 2.17.2 create it themselves at install; applying it then adopts it.

use super::components::Component;
use super::objects::{self as o, PlannedObject, SKIP_DRY_RUN};
use crate::catalog::operators::OperatorKind;
use crate::model::Cluster;
use crate::model::serving::supports_autoscaling;

/// After the operator (wave 10), with the other operator instances.
const WAVE: i32 = 20;
const DIR: &str = "instances/custom-metrics-autoscaler";
/// The name RHOAI's `inferenceservice-config` gives the authentication.
const TRIGGER_AUTHENTICATION: &str = "ai-inference-keda-thanos";
const READER: &str = "keda-metrics-reader";
const READER_TOKEN: &str = "keda-metrics-reader-token";

/// The component, where the cluster installs the Custom Metrics Autoscaler
/// (implied by an autoscaled model): the KedaController, and on versions
/// whose KServe autoscales (3.4+) the authentication and what it reads.
pub(super) fn component(cluster: &Cluster) -> Option<Component> {
    if !cluster.has_operator(OperatorKind::CustomMetricsAutoscaler) {
        return None;
    }
    let namespace = OperatorKind::CustomMetricsAutoscaler.defaults().namespace;
    let mut objects = vec![PlannedObject::namespaced(
        namespace,
        "keda",
        o::KedaController {
            annotations: o::sync_options(SKIP_DRY_RUN),
        },
    )];
    if supports_autoscaling(cluster.version) {
        objects.extend([
            PlannedObject::namespaced(namespace, READER, o::ServiceAccount {}),
            PlannedObject::cluster(
                "keda-metrics-reader-monitoring",
                o::ClusterRoleBinding {
                    role: "cluster-monitoring-view".to_string(),
                    subjects: vec![o::Subject::service_account(READER, namespace)],
                },
            ),
            PlannedObject::namespaced(
                namespace,
                READER_TOKEN,
                o::ServiceAccountToken {
                    service_account: READER.to_string(),
                },
            ),
            PlannedObject::cluster(
                TRIGGER_AUTHENTICATION,
                o::ClusterTriggerAuthentication {
                    annotations: o::sync_options(SKIP_DRY_RUN),
                    secret_target_refs: [("bearerToken", "token"), ("ca", "ca.crt")]
                        .into_iter()
                        .map(|(parameter, key)| o::SecretTargetRef {
                            parameter: parameter.to_string(),
                            name: READER_TOKEN.to_string(),
                            key: key.to_string(),
                        })
                        .collect(),
                },
            ),
        ]);
    }
    Some(Component::new(DIR, WAVE, Some(namespace), objects))
}
