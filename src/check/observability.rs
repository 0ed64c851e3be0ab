//! Observability (issue 19 item 1): each cluster's settings, the
//! platform's `spec.observability` with the cluster's own fields over it.
//!
//! `cluster-monitoring-config` is one string key (`config.yaml`): a
//! declarative apply replaces whatever else the cluster had there (gotcha
//! 38; models-as-a-service `docs/samples/observability/cluster-monitoring-config.yaml`
//! warns the same). maasc therefore owns it only when asked
//! (`manageClusterMonitoringConfig: true`) and then carries the user's other
//! settings from maas.yaml (`clusterMonitoringConfig`).

use std::collections::BTreeMap;

use super::Checker;
use crate::catalog::operators::OperatorKind;
use crate::diagnostic::Code;
use crate::input::{AlertsInput, DashboardTarget, ObservabilityInput, SpecInput};
use crate::model::{Cluster, Managed, NamespaceName, Observability, Window};
use crate::source::{Sp, Span};

/// `config.yaml`'s switch of user-workload monitoring, which maasc sets.
pub(crate) const ENABLE_USER_WORKLOAD: &str = "enableUserWorkload";
const DEFAULT_GRAFANA_NAMESPACE: &str = "grafana";
/// The Cluster Observability Operator's namespace.
const DEFAULT_PERSES_NAMESPACE: &str = "openshift-cluster-observability-operator";

/// A field of the cluster's `observability` if set, else the platform's.
fn pick<'a, T>(
    own: Option<&'a ObservabilityInput>,
    platform: Option<&'a ObservabilityInput>,
    field: impl Fn(&'a ObservabilityInput) -> Option<T>,
) -> Option<T> {
    own.and_then(&field).or_else(|| platform.and_then(&field))
}

fn alert<'a, T>(
    own: Option<&'a ObservabilityInput>,
    platform: Option<&'a ObservabilityInput>,
    field: impl Fn(&'a AlertsInput) -> Option<T>,
) -> Option<T> {
    pick(own, platform, |o| o.alerts.as_ref().and_then(&field))
}

fn window(c: &mut Checker<'_>, raw: Option<&Sp<String>>, default: &str) -> Option<Window> {
    match raw {
        Some(raw) => c.window(raw),
        None => Window::parse(default).ok(),
    }
}

/// A label value of a selector (Kubernetes: at most 63 characters of
/// `[A-Za-z0-9._-]`, alphanumeric at both ends, or empty).
fn label_value_ok(v: &str) -> bool {
    v.is_empty()
        || (v.len() <= 63
            && v.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
            && v.starts_with(|ch: char| ch.is_ascii_alphanumeric())
            && v.ends_with(|ch: char| ch.is_ascii_alphanumeric()))
}

fn monitoring_config(
    c: &mut Checker<'_>,
    manage: Option<&Sp<bool>>,
    config: Option<&Sp<serde_json::Value>>,
) -> Option<Option<serde_json::Map<String, serde_json::Value>>> {
    let managed = manage.is_some_and(|m| m.value);
    let mut map = serde_json::Map::new();
    if let Some(config) = config {
        if !managed {
            c.error(
                Code::ClusterMonitoringConfig,
                config.span,
                "`clusterMonitoringConfig` is written only when maasc owns `cluster-monitoring-config`",
                "add `manageClusterMonitoringConfig: true` (ArgoCD then replaces the whole config.yaml with these settings), or remove `clusterMonitoringConfig`",
            );
            return None;
        }
        let serde_json::Value::Object(given) = &config.value else {
            c.error(
                Code::ClusterMonitoringConfig,
                config.span,
                "`clusterMonitoringConfig` is not a mapping of cluster monitoring settings",
                "write the settings of config.yaml as a mapping, e.g. `{prometheusK8s: {retention: 15d}}`",
            );
            return None;
        };
        if let Some(v) = given.get(ENABLE_USER_WORKLOAD) {
            c.error(
                Code::ClusterMonitoringConfig,
                config.span,
                format!("`clusterMonitoringConfig` sets `{ENABLE_USER_WORKLOAD}: {v}`, which maasc sets to true"),
                format!("remove `{ENABLE_USER_WORKLOAD}`: the monitors and alerts need user-workload monitoring"),
            );
            return None;
        }
        map = given.clone();
    }
    if !managed {
        return Some(None);
    }
    map.insert(ENABLE_USER_WORKLOAD.to_string(), true.into());
    Some(Some(map))
}

fn grafana_labels(
    c: &mut Checker<'_>,
    labels: Option<&BTreeMap<String, Sp<String>>>,
) -> BTreeMap<String, String> {
    let Some(labels) = labels else {
        return BTreeMap::from([("dashboards".to_string(), "grafana".to_string())]);
    };
    for v in labels.values() {
        if !label_value_ok(&v.value) {
            c.error(
                Code::InvalidName,
                v.span,
                format!("`{}` is not a Kubernetes label value", v.value),
                "label values are at most 63 letters, digits, `-`, `_` or `.`, alphanumeric at both ends",
            );
        }
    }
    labels
        .iter()
        .map(|(k, v)| (k.clone(), v.value.clone()))
        .collect()
}

/// A namespace maas.yaml names, or the default.
fn namespace(
    c: &mut Checker<'_>,
    what: &str,
    raw: Option<&Sp<String>>,
    default: &str,
) -> Option<String> {
    match raw {
        Some(ns) => Some(c.name(what, ns, NamespaceName::parse)?.to_string()),
        None => Some(default.to_string()),
    }
}

fn resolve(
    c: &mut Checker<'_>,
    own: Option<&ObservabilityInput>,
    platform: Option<&ObservabilityInput>,
) -> Option<Observability> {
    let dashboards =
        pick(own, platform, |o| o.dashboards.as_ref().map(|d| d.value)).unwrap_or_default();
    let grafana_namespace = namespace(
        c,
        "grafana namespace",
        pick(own, platform, |o| {
            o.grafana.as_ref().and_then(|g| g.namespace.as_ref())
        }),
        DEFAULT_GRAFANA_NAMESPACE,
    )?;
    let perses_namespace = namespace(
        c,
        "perses namespace",
        pick(own, platform, |o| {
            o.perses.as_ref().and_then(|p| p.namespace.as_ref())
        }),
        DEFAULT_PERSES_NAMESPACE,
    )?;
    let labels = pick(own, platform, |o| {
        o.grafana.as_ref().and_then(|g| g.instance_labels.as_ref())
    });
    let grafana_instance_labels = grafana_labels(c, labels);
    let config = monitoring_config(
        c,
        pick(own, platform, |o| {
            o.manage_cluster_monitoring_config.as_ref()
        }),
        pick(own, platform, |o| o.cluster_monitoring_config.as_ref()),
    );
    let rejection_percent = match alert(own, platform, |a| a.rejection_percent.as_ref()) {
        Some(p) if !(1..=100).contains(&p.value) => {
            c.error(
                Code::AlertThreshold,
                p.span,
                format!("`rejectionPercent` {} is not a share of requests", p.value),
                "give a percentage from 1 to 100, e.g. 25",
            );
            None
        }
        Some(p) => Some(p.value),
        None => Some(25),
    };
    let model_unavailable_for = window(
        c,
        alert(own, platform, |a| a.model_unavailable_for.as_ref()),
        "5m",
    );
    let rejections_for = window(
        c,
        alert(own, platform, |a| a.rejections_for.as_ref()),
        "10m",
    );
    let pending_for = window(c, alert(own, platform, |a| a.pending_for.as_ref()), "15m");
    Some(Observability {
        dashboards,
        grafana_namespace,
        perses_namespace,
        grafana_instance_labels,
        cluster_monitoring_config: config?,
        model_unavailable_for: model_unavailable_for?,
        rejection_percent: rejection_percent?,
        rejections_for: rejections_for?,
        pending_for: pending_for?,
    })
}

/// Where a setting of `dashboards` was written, for the warning.
fn dashboards_span(
    own: Option<&ObservabilityInput>,
    platform: Option<&ObservabilityInput>,
) -> Option<Span> {
    pick(own, platform, |o| o.dashboards.as_ref().map(|d| d.span))
}

pub(crate) fn check(c: &mut Checker<'_>, spec: &SpecInput, clusters: &mut [Cluster]) {
    let platform = spec.observability.as_ref().map(|o| &o.value);
    let mut warned = std::collections::BTreeSet::new();
    for (input, cluster) in super::paired(&spec.clusters, clusters) {
        let own = input.observability.as_ref().map(|o| &o.value);
        if !pick(own, platform, |o| o.enabled).unwrap_or(false) {
            continue;
        }
        cluster.observability = resolve(c, own, platform);
        let Some(obs) = &cluster.observability else {
            continue;
        };
        let operator = match obs.dashboards {
            DashboardTarget::Console => None,
            DashboardTarget::Grafana => Some((
                Code::GrafanaOperatorNeeded,
                "GrafanaDashboard objects need the Grafana operator (grafana-operator v5) and a Grafana instance with the selected labels; maasc installs neither",
                "install the community Grafana operator and a Grafana instance reading the cluster's Thanos querier, or use `dashboards: console`",
            )),
            DashboardTarget::Perses => Some((
                Code::PersesOperatorNeeded,
                "PersesDashboard objects need the Cluster Observability Operator (its Perses) and a default Prometheus data source; maasc installs neither",
                "install the Cluster Observability Operator with a monitoring UIPlugin and a PersesDatasource for the Thanos querier, or use `dashboards: console`",
            )),
        };
        if let Some((code, message, hint)) = operator
            && warned.insert(code)
            && let Some(span) = dashboards_span(own, platform)
        {
            c.warning(code, span, message, hint);
        }
        if matches!(cluster.platform.managed, Managed::Rosa | Managed::Aro)
            && cluster.has_operator(OperatorKind::NvidiaGpu)
        {
            let span = input
                .platform
                .managed
                .as_ref()
                .map_or(input.name.span, |m| m.span);
            c.warning(
                Code::DcgmNotScraped,
                span,
                format!(
                    "cluster `{}` is {}: maasc keeps the DCGM exporter's ServiceMonitor off there, so the GPU dashboard shows data only if the platform scrapes DCGM",
                    input.name.value,
                    if cluster.platform.managed == Managed::Rosa { "ROSA" } else { "ARO" }
                ),
                "check Observe → Metrics for DCGM_FI_DEV_GPU_UTIL; the model alerts and dashboards do not depend on it",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::label_value_ok;

    #[test]
    fn label_values() {
        for ok in ["", "grafana", "a.b-c_d", "x1"] {
            assert!(label_value_ok(ok), "{ok}");
        }
        for bad in ["-a", "a-", "a b", "a/b", &"x".repeat(64)] {
            assert!(!label_value_ok(bad), "{bad}");
        }
    }
}
