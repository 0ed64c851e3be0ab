//! Observability (issue 19 item 1): monitors, alerts and dashboards, as
//! read from maas.yaml (`spec.observability`, per cluster
//! `clusters[].observability`, field by field).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::source::Sp;

/// Metrics, alerts and dashboards of the platform. Every field is
/// optional; a cluster's own `observability` overrides the platform's field
/// by field.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ObservabilityInput {
    /// Emit the observability objects (default `false`).
    pub enabled: Option<bool>,
    /// Where dashboards go: `console` (default: ConfigMaps the OpenShift
    /// console shows under Observe → Dashboards), `grafana`
    /// (`GrafanaDashboard`, grafana-operator v5; the operator and a Grafana
    /// instance must exist), `perses` (`PersesDashboard`; the Cluster
    /// Observability Operator's Perses and a Prometheus data source must
    /// exist).
    pub dashboards: Option<Sp<DashboardTarget>>,
    /// The Grafana instance(s) `grafana` dashboards attach to.
    pub grafana: Option<GrafanaInput>,
    /// Where `perses` dashboards go.
    pub perses: Option<PersesInput>,
    /// Own `cluster-monitoring-config` in `openshift-monitoring` (default
    /// `false`). Its `config.yaml` is one string: ArgoCD replaces it whole,
    /// so every setting the cluster needs must then be in
    /// `clusterMonitoringConfig`. Without it, enable user-workload monitoring
    /// by hand (the generated README says how).
    pub manage_cluster_monitoring_config: Option<Sp<bool>>,
    /// The rest of `config.yaml` (OpenShift's cluster monitoring settings:
    /// `prometheusK8s`, `alertmanagerMain`, …), written as given, with
    /// `enableUserWorkload: true` added. Only with
    /// `manageClusterMonitoringConfig: true`.
    pub cluster_monitoring_config: Option<Sp<serde_json::Value>>,
    /// Alert thresholds.
    pub alerts: Option<AlertsInput>,
}

/// Where dashboards are installed.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, JsonSchema, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum DashboardTarget {
    /// OpenShift console dashboards (ConfigMaps in `openshift-config-managed`).
    #[default]
    Console,
    /// `GrafanaDashboard` objects (grafana-operator v5, `grafana.integreatly.org/v1beta1`).
    Grafana,
    /// `PersesDashboard` objects (`perses.dev/v1alpha1`, the Perses operator
    /// of the Cluster Observability Operator).
    Perses,
}

/// The Grafana instance dashboards attach to (grafana-operator v5
/// `spec.instanceSelector`).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GrafanaInput {
    /// Namespace of the GrafanaDashboard objects (default `grafana`).
    pub namespace: Option<Sp<String>>,
    /// Labels of the Grafana instance (default `dashboards: grafana`).
    pub instance_labels: Option<BTreeMap<String, Sp<String>>>,
}

/// Where `perses` dashboards go.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PersesInput {
    /// Namespace of the PersesDashboard objects (default
    /// `openshift-cluster-observability-operator`, the operator's own).
    pub namespace: Option<Sp<String>>,
}

/// When an operator is paged.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AlertsInput {
    /// A model reports no vLLM metrics for this long (default `5m`).
    pub model_unavailable_for: Option<Sp<String>>,
    /// Share of requests rejected by rate limits, in percent, per tier or
    /// subscription (default 25).
    pub rejection_percent: Option<Sp<u32>>,
    /// …for this long (default `10m`).
    pub rejections_for: Option<Sp<String>>,
    /// A model pod waits for a (GPU) node this long (default `15m`).
    pub pending_for: Option<Sp<String>>,
}
