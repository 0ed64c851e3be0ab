//! Observability (issue 19 item 1): what an operator of the platform
//! watches and is paged on, per cluster with `observability.enabled`.
//!
//! Followed upstream releases, per object:
//! - TelemetryPolicy `user-group` (tier era): models-as-a-service **v0.0.2**
//!   `deployment/base/observability/telemetry-policy.yaml` (labels `model`,
//!   `tier`, `user`). In the subscription era (RHOAI 3.4+) maas-controller
//!   writes `maas-telemetry` itself from `Tenant.spec.telemetry` (v0.1.1
//!   `maas-controller/pkg/platform/tenantreconcile/postrender.go`, enabled by
//!   default, labels `subscription`, `model`, …), so maasc emits none there
//!   (one writer per object).
//! - Limitador and the gateway: `Kuadrant.spec.observability.enable`
//!   (Kuadrant/kuadrant-operator **v1.3.1** `observability_reconciler.go`:
//!   PodMonitors `kuadrant-limitador-monitor` and `istio-pod-monitor`); no
//!   Limitador ServiceMonitor besides (gotcha 23).
//! - Authorino: ServiceMonitor `authorino-server-metrics`
//!   (models-as-a-service **v0.2.1** `deployment/base/observability/`): the
//!   operator's monitor scrapes only `/metrics`, not `/server-metrics`.
//! - maas-api: on RHOAI 3.4 it serves `/metrics` on its https port
//!   (models-as-a-service **v0.1.1** `maas-api/cmd/main.go`) and nothing
//!   scrapes it: a ServiceMonitor. v0.0.2 (≤ 3.3) has no metrics; v0.2.1
//!   (3.5) ships its own PodMonitor, rendered by the operator.
//! - vLLM: ServiceMonitor `kserve-llm-models` per model namespace
//!   (models-as-a-service **v0.1.1** `docs/samples/observability/kserve-llm-models-servicemonitor.yaml`:
//!   port 8000, `/metrics`, https).
//! - Metric names: [`metrics`]; dashboards for the OpenShift console
//!   (ConfigMaps in `openshift-config-managed`, as NVIDIA's OpenShift docs
//!   install the DCGM exporter dashboard) or grafana-operator v5.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::json;

use super::components::{Component, MAAS_API_NAMESPACE};
use super::objects::{self as o, KEEP, PlannedObject, SKIP_DRY_RUN, StringMap};
use crate::catalog::operators::OperatorKind;
use crate::catalog::versions::RhoaiVersion;
use crate::input::DashboardTarget;
use crate::model::{Cluster, MaasApi, Model, Observability, Platform};

/// After the operators (10), their instances (20) and the MaaS gateway
/// (15) and policies (30) whose metrics it watches.
pub(super) const WAVE: i32 = 35;
pub(super) const DIR: &str = "platform/observability";

/// Every metric a rule or dashboard reads, one table.
mod metrics {
    /// Limitador (Kuadrant/limitador `prometheus_metrics.rs`), labelled by
    /// the TelemetryPolicy (`tier`/`subscription`, `user`; `model` only on
    /// `authorized_hits`, models-as-a-service v0.2.1 `metrics-and-dashboards.md`).
    pub(crate) const AUTHORIZED_HITS: &str = "authorized_hits";
    pub(crate) const AUTHORIZED_CALLS: &str = "authorized_calls";
    pub(crate) const LIMITED_CALLS: &str = "limited_calls";
    /// vLLM (v0.10+ V1 engine names; models-as-a-service v0.2.1
    /// `metrics-and-dashboards.md`), labelled `model_name` (the served name).
    pub(crate) const VLLM_RUNNING: &str = "vllm:num_requests_running";
    pub(crate) const VLLM_WAITING: &str = "vllm:num_requests_waiting";
    pub(crate) const VLLM_PROMPT_TOKENS: &str = "vllm:prompt_tokens_total";
    pub(crate) const VLLM_GENERATION_TOKENS: &str = "vllm:generation_tokens_total";
    pub(crate) const VLLM_E2E_LATENCY: &str = "vllm:e2e_request_latency_seconds_bucket";
    pub(crate) const VLLM_TTFT: &str = "vllm:time_to_first_token_seconds_bucket";
    pub(crate) const VLLM_KV_CACHE: &str = "vllm:kv_cache_usage_perc";
    /// kube-state-metrics (OpenShift platform monitoring).
    pub(crate) const POD_PHASE: &str = "kube_pod_status_phase";
    /// NVIDIA dcgm-exporter (default counters, `etc/default-counters.csv`).
    pub(crate) const DCGM_GPU_UTIL: &str = "DCGM_FI_DEV_GPU_UTIL";
    pub(crate) const DCGM_FB_USED: &str = "DCGM_FI_DEV_FB_USED";
    pub(crate) const DCGM_GPU_TEMP: &str = "DCGM_FI_DEV_GPU_TEMP";
    pub(crate) const DCGM_POWER: &str = "DCGM_FI_DEV_POWER_USAGE";
    pub(crate) const DCGM_SM_CLOCK: &str = "DCGM_FI_DEV_SM_CLOCK";

    #[cfg(test)]
    pub(crate) const ALL: &[&str] = &[
        AUTHORIZED_HITS,
        AUTHORIZED_CALLS,
        LIMITED_CALLS,
        VLLM_RUNNING,
        VLLM_WAITING,
        VLLM_PROMPT_TOKENS,
        VLLM_GENERATION_TOKENS,
        VLLM_E2E_LATENCY,
        VLLM_TTFT,
        VLLM_KV_CACHE,
        POD_PHASE,
        DCGM_GPU_UTIL,
        DCGM_FB_USED,
        DCGM_GPU_TEMP,
        DCGM_POWER,
        DCGM_SM_CLOCK,
    ];
}

use metrics as m;

const PART_OF: &str = "app.kubernetes.io/part-of";
const PART_OF_VALUE: &str = "maas-observability";
const KUADRANT_NAMESPACE: &str = "kuadrant-system";
const CONSOLE_NAMESPACE: &str = "openshift-config-managed";
const RATE: &str = "5m";

fn part_of() -> StringMap {
    StringMap::from([(PART_OF.to_string(), PART_OF_VALUE.to_string())])
}

/// Whether the Kuadrant CR turns on its operator's monitors.
pub(super) fn kuadrant_observability(cluster: &Cluster) -> bool {
    cluster.observability.is_some()
}

/// How to turn on user-workload monitoring by hand, for the cluster's
/// README, where observability is on and maasc does not own
/// `cluster-monitoring-config` (its `config.yaml` is one string that an
/// apply would replace whole).
pub(super) fn user_workload_note(cluster: &Cluster) -> Option<String> {
    let obs = cluster.observability.as_ref()?;
    if obs.cluster_monitoring_config.is_some() {
        return None;
    }
    Some(format!(
        "### User-workload monitoring on `{name}`\n\n\
         The ServiceMonitors and PrometheusRules of `platform/observability` and the model \
         namespaces need user-workload monitoring. maasc does not own \
         `cluster-monitoring-config` here (its `config.yaml` is one string: applying it would \
         replace the cluster's other monitoring settings), so check it and, if needed, add \
         `enableUserWorkload: true` keeping the rest:\n\n```sh\n\
         oc -n openshift-monitoring get configmap cluster-monitoring-config \\\n  \
         -o jsonpath='{{.data.config\\.yaml}}' | grep -q '^enableUserWorkload: true' \\\n  \
         && echo enabled || oc -n openshift-monitoring edit configmap cluster-monitoring-config\n```\n\n\
         Or let maasc own it: `observability.manageClusterMonitoringConfig: true`, with every \
         other setting the cluster keeps in `clusterMonitoringConfig`.\n\n",
        name = cluster.name
    ))
}

/// A PromQL string literal.
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' | '"' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A PromQL string literal of a regex matching exactly one of `values`.
fn q_any<S: AsRef<str>>(values: &[S]) -> String {
    let alternatives: Vec<String> = values
        .iter()
        .map(|v| {
            v.as_ref()
                .chars()
                .map(|c| {
                    if "\\.+*?()|[]{}^$".contains(c) {
                        format!("\\{c}")
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        })
        .collect();
    q(&alternatives.join("|"))
}

/// `metric{a="x",…}`.
fn sel(metric: &str, matchers: &[(&str, String)]) -> String {
    let inner: Vec<String> = matchers.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{metric}{{{}}}", inner.join(","))
}

fn sel_re(metric: &str, label: &str, re: String) -> String {
    format!("{metric}{{{label}=~{re}}}")
}

fn rate(selector: &str) -> String {
    format!("rate({selector}[{RATE}])")
}

fn p95(selector: &str, by: &str) -> String {
    format!(
        "histogram_quantile(0.95, sum by (le{by}) ({}))",
        rate(selector)
    )
}

/// The label Limitador's counters carry per tier: `tier` (TelemetryPolicy
/// `user-group`) or `subscription` (maas-controller's `maas-telemetry`).
fn usage_label(api: MaasApi) -> &'static str {
    match api {
        MaasApi::Tiers => "tier",
        MaasApi::Subscriptions => "subscription",
    }
}

/// How maas-api's metrics are scraped on a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MaasApiMetrics {
    /// models-as-a-service v0.0.2 (RHOAI ≤ 3.3): no metrics endpoint.
    None,
    /// v0.1.1 (3.4): `/metrics` on the https port, nothing scrapes it.
    ServiceMonitor,
    /// v0.2.1 (3.5): the operator renders maas-api's own PodMonitor.
    OperatorOwned,
}

fn maas_api_metrics(version: RhoaiVersion) -> MaasApiMetrics {
    match version {
        RhoaiVersion::V3_4 => MaasApiMetrics::ServiceMonitor,
        v if v >= RhoaiVersion::V3_5 => MaasApiMetrics::OperatorOwned,
        _ => MaasApiMetrics::None,
    }
}

fn https_endpoint(port: Option<&str>, target_port: Option<u16>) -> o::MonitorEndpoint {
    o::MonitorEndpoint {
        port: port.map(str::to_string),
        target_port,
        path: "/metrics".to_string(),
        interval: "30s".to_string(),
        scheme: Some("https".to_string()),
        insecure_skip_verify: true,
    }
}

/// The `platform/observability` component of a cluster with observability.
pub(super) fn component(platform: &Platform, cluster: &Cluster, maas: bool) -> Option<Component> {
    let obs = cluster.observability.as_ref()?;
    let kuadrant = maas && cluster.has_operator(OperatorKind::ConnectivityLink);
    let mut objects = Vec::new();
    if let Some(config) = &obs.cluster_monitoring_config {
        let text = serde_saphyr::to_string(&serde_json::Value::Object(config.clone()))
            .expect("JSON values serialise as YAML");
        objects.push(PlannedObject::namespaced(
            "openshift-monitoring",
            "cluster-monitoring-config",
            o::ClusterMonitoringConfig {
                annotations: o::sync_options(KEEP),
                config: text,
            },
        ));
    }
    if kuadrant && cluster.api == MaasApi::Tiers {
        let gw = &platform.gateway;
        objects.push(PlannedObject::namespaced(
            gw.namespace.as_str(),
            "user-group",
            o::TelemetryPolicy {
                annotations: o::sync_options(SKIP_DRY_RUN),
                labels: part_of(),
                target: o::TargetRef {
                    group: "gateway.networking.k8s.io".to_string(),
                    kind: "Gateway".to_string(),
                    name: gw.name.clone(),
                },
                metric_labels: StringMap::from([
                    (
                        "model".to_string(),
                        "responseBodyJSON(\"/model\")".to_string(),
                    ),
                    ("tier".to_string(), "auth.identity.tier".to_string()),
                    ("user".to_string(), "auth.identity.userid".to_string()),
                ]),
            },
        ));
    }
    if kuadrant {
        objects.push(PlannedObject::namespaced(
            KUADRANT_NAMESPACE,
            "authorino-server-metrics",
            o::ServiceMonitor {
                labels: part_of(),
                selector: StringMap::from([
                    ("authorino-resource".to_string(), "authorino".to_string()),
                    (
                        "control-plane".to_string(),
                        "controller-manager".to_string(),
                    ),
                ]),
                endpoints: vec![o::MonitorEndpoint {
                    port: Some("http".to_string()),
                    target_port: None,
                    path: "/server-metrics".to_string(),
                    interval: "30s".to_string(),
                    scheme: None,
                    insecure_skip_verify: false,
                }],
            },
        ));
        if !platform.tiers.is_empty() {
            objects.push(rate_limit_rules(cluster, obs));
        }
    }
    if maas && maas_api_metrics(cluster.version) == MaasApiMetrics::ServiceMonitor {
        objects.push(PlannedObject::namespaced(
            MAAS_API_NAMESPACE,
            "maas-api-metrics",
            o::ServiceMonitor {
                labels: part_of(),
                selector: StringMap::from([(
                    "app.kubernetes.io/name".to_string(),
                    "maas-api".to_string(),
                )]),
                endpoints: vec![https_endpoint(Some("https"), None)],
            },
        ));
    }
    let mut dashboards = Vec::new();
    if maas {
        dashboards.extend(tier_dashboards(platform, cluster));
    }
    dashboards.extend(
        platform
            .models_on(&cluster.name)
            .map(|m| model_dashboard(cluster, m)),
    );
    if cluster.has_operator(OperatorKind::NvidiaGpu) {
        dashboards.push(dcgm_dashboard());
    }
    objects.extend(dashboards.iter().map(|d| dashboard_object(obs, d)));
    if objects.is_empty() {
        return None;
    }
    Some(Component::new(DIR, WAVE, None, objects))
}

/// Alerts of a cluster's Limitador: a tier's (subscription's) share of
/// rejected requests above the threshold. In Limitador's namespace, since
/// user-workload rules see only their own namespace's series.
fn rate_limit_rules(cluster: &Cluster, obs: &Observability) -> PlannedObject {
    let by = usage_label(cluster.api);
    let limited = format!("sum by ({by}) ({})", rate(m::LIMITED_CALLS));
    let allowed = format!("sum by ({by}) ({})", rate(m::AUTHORIZED_CALLS));
    let expr = format!(
        "100 * {limited} / ({allowed} + {limited}) > {}",
        obs.rejection_percent
    );
    PlannedObject::namespaced(
        KUADRANT_NAMESPACE,
        "maas-rate-limit-alerts",
        o::PrometheusRule {
            labels: part_of(),
            groups: vec![o::RuleGroup {
                name: "maas-rate-limits".to_string(),
                rules: vec![o::AlertRule {
                    alert: "MaaSRateLimitRejectionsHigh".to_string(),
                    expr,
                    for_: obs.rejections_for.to_string(),
                    severity: "warning".to_string(),
                    summary: format!(
                        "Rate limits reject many requests of {by} {{{{ $labels.{by} }}}}"
                    ),
                    description: format!(
                        "More than {}% of the requests of {by} {{{{ $labels.{by} }}}} were rejected by rate limits for {}: its quota may be too small, or a client is misbehaving.",
                        obs.rejection_percent, obs.rejections_for
                    ),
                }],
            }],
        },
    )
}

/// Monitors and alerts of one model namespace, placed with its models.
pub(super) fn model_namespace_objects(
    cluster: &Cluster,
    namespace: &str,
    models: &[&Model],
) -> Vec<PlannedObject> {
    let Some(obs) = &cluster.observability else {
        return Vec::new();
    };
    let served: Vec<&&Model> = models
        .iter()
        .filter(|m| m.serving.external().is_none())
        .collect();
    if served.is_empty() {
        return Vec::new();
    }
    let monitor = PlannedObject::namespaced(
        namespace,
        "kserve-llm-models",
        o::ServiceMonitor {
            labels: part_of(),
            selector: StringMap::from([(
                "app.kubernetes.io/part-of".to_string(),
                "llminferenceservice".to_string(),
            )]),
            endpoints: vec![https_endpoint(None, Some(8000))],
        },
    );
    let ns = q(namespace);
    // A model scaled to zero on this cluster is not unavailable.
    let mut rules: Vec<o::AlertRule> = served
        .iter()
        .filter(|model| cluster.replicas_of(model) > 0)
        .map(|model| o::AlertRule {
            alert: "MaaSModelUnavailable".to_string(),
            expr: format!(
                "absent({})",
                sel(
                    m::VLLM_RUNNING,
                    &[("namespace", ns.clone()), ("model_name", q(&model.served_name))]
                )
            ),
            for_: obs.model_unavailable_for.to_string(),
            severity: "critical".to_string(),
            summary: format!("Model {} is unavailable", model.name),
            description: format!(
                "No replica of model {} in {namespace} has reported vLLM metrics for {}: it is down, still loading, or not scraped.",
                model.name, obs.model_unavailable_for
            ),
        })
        .collect();
    rules.push(o::AlertRule {
        alert: "MaaSModelPodPending".to_string(),
        expr: format!(
            "sum by (namespace, pod) ({}) > 0",
            sel(
                m::POD_PHASE,
                &[("namespace", ns), ("phase", q("Pending"))]
            )
        ),
        for_: obs.pending_for.to_string(),
        severity: "warning".to_string(),
        summary: "A model pod waits for a node".to_string(),
        description: format!(
            "Pod {{{{ $labels.pod }}}} in {namespace} has been Pending for {}: its (GPU) pool has no free node and is not scaling up, or cannot.",
            obs.pending_for
        ),
    });
    let alerts = PlannedObject::namespaced(
        namespace,
        "maas-model-alerts",
        o::PrometheusRule {
            labels: part_of(),
            groups: vec![o::RuleGroup {
                name: "maas-models".to_string(),
                rules,
            }],
        },
    );
    vec![monitor, alerts]
}

/// A dashboard, whatever shows it.
#[derive(Clone, Debug)]
struct Dashboard {
    /// Object name (DNS-1123 subdomain).
    name: String,
    title: String,
    panels: Vec<Panel>,
}

#[derive(Clone, Debug)]
struct Panel {
    title: String,
    /// Grafana unit.
    unit: &'static str,
    description: Option<String>,
    /// (PromQL, legend).
    queries: Vec<(String, String)>,
}

fn panel(title: &str, unit: &'static str, queries: Vec<(String, &str)>) -> Panel {
    Panel {
        title: title.to_string(),
        unit,
        description: None,
        queries: queries
            .into_iter()
            .map(|(e, l)| (e, l.to_string()))
            .collect(),
    }
}

fn tier_dashboards(platform: &Platform, cluster: &Cluster) -> Vec<Dashboard> {
    let by = usage_label(cluster.api);
    platform
        .tiers
        .iter()
        .map(|t| {
            let value = match cluster.api {
                MaasApi::Tiers => t.name.to_string(),
                // maas-controller labels by the MaaSSubscription's name.
                MaasApi::Subscriptions => format!("{}-subscription", t.name),
            };
            let v = q(&value);
            let served: Vec<&str> = platform
                .models_on(&cluster.name)
                .filter(|m| m.tiers.contains(&t.name) && m.serving.external().is_none())
                .map(|m| m.served_name.as_str())
                .collect();
            let mut panels = vec![
                panel(
                    "Token throughput by model",
                    "short",
                    vec![(
                        format!(
                            "sum by (model) ({})",
                            rate(&sel(m::AUTHORIZED_HITS, &[(by, v.clone())]))
                        ),
                        "{{model}}",
                    )],
                ),
                panel(
                    "Requests allowed and rejected by rate limits",
                    "reqps",
                    vec![
                        (
                            format!("sum({})", rate(&sel(m::AUTHORIZED_CALLS, &[(by, v.clone())]))),
                            "allowed",
                        ),
                        (
                            format!("sum({})", rate(&sel(m::LIMITED_CALLS, &[(by, v.clone())]))),
                            "rejected",
                        ),
                    ],
                ),
            ];
            if cluster.api == MaasApi::Tiers {
                panels.push(panel(
                    "Top users by tokens",
                    "short",
                    vec![(
                        format!(
                            "topk(10, sum by (user) ({}))",
                            rate(&sel(m::AUTHORIZED_HITS, &[(by, v.clone())]))
                        ),
                        "{{user}}",
                    )],
                ));
            }
            if !served.is_empty() {
                let mut latency = panel(
                    "p95 latency of the models it reaches",
                    "s",
                    vec![(
                        p95(&sel_re(m::VLLM_E2E_LATENCY, "model_name", q_any(&served)), ", model_name"),
                        "{{model_name}}",
                    )],
                );
                latency.description = Some(
                    "End-to-end vLLM latency of the models this tier can call (no latency metric carries the tier)."
                        .to_string(),
                );
                panels.push(latency);
            }
            let title = t.display_name.clone().unwrap_or_else(|| t.name.to_string());
            Dashboard {
                name: format!("maas-{by}-{value}"),
                title: format!("MaaS {by} {title}"),
                panels,
            }
        })
        .collect()
}

fn model_dashboard(cluster: &Cluster, model: &Model) -> Dashboard {
    let by = usage_label(cluster.api);
    let served = q(&model.served_name);
    let legend = format!("{{{{{by}}}}}");
    let mut panels = vec![panel(
        &format!("Tokens by {by}"),
        "short",
        vec![(
            format!(
                "sum by ({by}) ({})",
                rate(&sel(m::AUTHORIZED_HITS, &[("model", served.clone())]))
            ),
            &legend,
        )],
    )];
    let mut rejections = panel(
        &format!("Rate-limit rejections by {by} (all models)"),
        "reqps",
        vec![(
            format!("sum by ({by}) ({})", rate(m::LIMITED_CALLS)),
            &legend,
        )],
    );
    rejections.description = Some(
        "Limitador's limited_calls carries no model label (models-as-a-service v0.2.1, metrics-and-dashboards.md)."
            .to_string(),
    );
    panels.push(rejections);
    if model.serving.external().is_none() {
        let only = [
            ("namespace", q(model.namespace.as_str())),
            ("model_name", served),
        ];
        panels.extend([
            panel(
                "Token throughput",
                "short",
                vec![
                    (
                        format!("sum({})", rate(&sel(m::VLLM_PROMPT_TOKENS, &only))),
                        "prompt",
                    ),
                    (
                        format!("sum({})", rate(&sel(m::VLLM_GENERATION_TOKENS, &only))),
                        "generation",
                    ),
                ],
            ),
            panel(
                "Latency (p95)",
                "s",
                vec![
                    (p95(&sel(m::VLLM_E2E_LATENCY, &only), ""), "end to end"),
                    (p95(&sel(m::VLLM_TTFT, &only), ""), "time to first token"),
                ],
            ),
            panel(
                "Requests running and waiting",
                "short",
                vec![
                    (format!("sum({})", sel(m::VLLM_RUNNING, &only)), "running"),
                    (format!("sum({})", sel(m::VLLM_WAITING, &only)), "waiting"),
                ],
            ),
            panel(
                "KV cache usage",
                "percentunit",
                vec![(
                    format!("max by (pod) ({})", sel(m::VLLM_KV_CACHE, &only)),
                    "{{pod}}",
                )],
            ),
        ]);
    }
    let title = model
        .display_name
        .clone()
        .unwrap_or_else(|| model.name.to_string());
    Dashboard {
        name: format!("maas-model-{}-{}", model.namespace, model.name),
        title: format!("MaaS model {title} ({})", model.namespace),
        panels,
    }
}

/// The panels of NVIDIA's dcgm-exporter dashboard (NVIDIA/dcgm-exporter
/// `grafana/dcgm-exporter-dashboard.json`), named as NVIDIA's OpenShift
/// docs install it.
fn dcgm_dashboard() -> Dashboard {
    let legend = "GPU {{gpu}} on {{Hostname}}";
    let one = |title: &str, unit: &'static str, metric: &str| {
        panel(title, unit, vec![(metric.to_string(), legend)])
    };
    Dashboard {
        name: "nvidia-dcgm-exporter-dashboard".to_string(),
        title: "NVIDIA DCGM Exporter Dashboard".to_string(),
        panels: vec![
            one("GPU Temperature", "celsius", m::DCGM_GPU_TEMP),
            one("GPU Power Usage", "watt", m::DCGM_POWER),
            one(
                "GPU SM Clocks",
                "hertz",
                &format!("{} * 1000000", m::DCGM_SM_CLOCK),
            ),
            one("GPU Utilization", "percent", m::DCGM_GPU_UTIL),
            one("GPU Framebuffer Mem Used", "decmbytes", m::DCGM_FB_USED),
        ],
    }
}

/// A Grafana dashboard uid: at most 40 characters (Grafana's limit), the
/// name, or its start and a hash of all of it.
fn uid(name: &str) -> String {
    if name.len() <= 40 {
        return name.to_string();
    }
    // FNV-1a, stable across runs and platforms.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut out: String = name.chars().take(31).collect();
    let _ = write!(out, "-{:08x}", hash as u32);
    out
}

/// Grafana dashboard JSON (schema 39, `timeseries` panels, which the
/// OpenShift console reads as graphs).
///
/// Written from typed structs, not a `serde_json::Value` tree: a cluster's
/// dashboards are most of `maasc krm`'s plan time otherwise. The fields are
/// declared in alphabetical order, the order `serde_json` writes a map's
/// keys in, so the text is the one a map of the same data gives.
fn grafana_json(d: &Dashboard) -> String {
    let panels = d
        .panels
        .iter()
        .enumerate()
        .map(|(i, p)| GrafanaPanel {
            description: p.description.as_deref(),
            field_config: FieldConfig {
                defaults: Unit { unit: p.unit },
                overrides: [],
            },
            grid_pos: GridPos {
                h: 8,
                w: 12,
                x: (i % 2) * 12,
                y: (i / 2) * 8,
            },
            id: i + 1,
            targets: p
                .queries
                .iter()
                .enumerate()
                .map(|(j, (expr, legend))| GrafanaTarget {
                    expr,
                    legend_format: legend,
                    ref_id: char::from(b'A' + j as u8),
                })
                .collect(),
            title: &p.title,
            kind: "graph",
            yaxes: [Axis { format: p.unit }, Axis { format: "short" }],
        })
        .collect();
    let doc = GrafanaDashboard {
        editable: false,
        panels,
        refresh: "1m",
        schema_version: 39,
        tags: ["maas"],
        time: TimeRange {
            from: "now-6h",
            to: "now",
        },
        title: &d.title,
        uid: uid(&d.name),
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("dashboards serialise");
    text.push('\n');
    text
}

/// A Grafana dashboard; fields in alphabetical order (see [`grafana_json`]).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GrafanaDashboard<'a> {
    editable: bool,
    panels: Vec<GrafanaPanel<'a>>,
    refresh: &'static str,
    schema_version: u32,
    tags: [&'static str; 1],
    time: TimeRange,
    title: &'a str,
    uid: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GrafanaPanel<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    field_config: FieldConfig,
    grid_pos: GridPos,
    id: usize,
    targets: Vec<GrafanaTarget<'a>>,
    title: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    yaxes: [Axis; 2],
}

#[derive(Serialize)]
struct FieldConfig {
    defaults: Unit,
    overrides: [(); 0],
}

#[derive(Serialize)]
struct Unit {
    unit: &'static str,
}

#[derive(Serialize)]
struct GridPos {
    h: usize,
    w: usize,
    x: usize,
    y: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GrafanaTarget<'a> {
    expr: &'a str,
    legend_format: &'a str,
    ref_id: char,
}

#[derive(Serialize)]
struct Axis {
    format: &'static str,
}

#[derive(Serialize)]
struct TimeRange {
    from: &'static str,
    to: &'static str,
}

/// A Perses dashboard spec (Perses v0.5x dashboard model: `TimeSeriesChart`
/// panels of `PrometheusTimeSeriesQuery`, on one grid), reading the
/// project's default Prometheus data source.
fn perses_spec(d: &Dashboard) -> serde_json::Value {
    let mut panels = serde_json::Map::new();
    let mut items = Vec::new();
    for (i, p) in d.panels.iter().enumerate() {
        let key = format!("{i}");
        let queries: Vec<serde_json::Value> = p
            .queries
            .iter()
            .map(|(expr, legend)| {
                json!({"kind": "TimeSeriesQuery", "spec": {"plugin": {
                    "kind": "PrometheusTimeSeriesQuery",
                    "spec": {"query": expr, "seriesNameFormat": legend},
                }}})
            })
            .collect();
        let mut display = json!({"name": p.title});
        if let Some(desc) = &p.description {
            display["description"] = desc.clone().into();
        }
        panels.insert(
            key.clone(),
            json!({"kind": "Panel", "spec": {
                "display": display,
                "plugin": {"kind": "TimeSeriesChart", "spec": {}},
                "queries": queries,
            }}),
        );
        items.push(json!({
            "x": (i % 2) * 12, "y": (i / 2) * 8, "width": 12, "height": 8,
            "content": {"$ref": format!("#/spec/panels/{key}")},
        }));
    }
    json!({
        "display": {"name": d.title},
        "duration": "6h",
        "refreshInterval": "1m",
        "panels": panels,
        "layouts": [{"kind": "Grid", "spec": {"items": items}}],
    })
}

fn dashboard_object(obs: &Observability, d: &Dashboard) -> PlannedObject {
    match obs.dashboards {
        DashboardTarget::Console => {
            let mut labels = part_of();
            labels.insert(
                "console.openshift.io/dashboard".to_string(),
                "true".to_string(),
            );
            PlannedObject::namespaced(
                CONSOLE_NAMESPACE,
                &d.name,
                o::ConsoleDashboard {
                    labels,
                    file: format!("{}.json", d.name),
                    json: grafana_json(d),
                },
            )
        }
        DashboardTarget::Grafana => PlannedObject::namespaced(
            &obs.grafana_namespace,
            &d.name,
            o::GrafanaDashboard {
                labels: part_of(),
                instance_labels: obs.grafana_instance_labels.clone().into_iter().collect(),
                json: grafana_json(d),
            },
        ),
        DashboardTarget::Perses => PlannedObject::namespaced(
            &obs.perses_namespace,
            &d.name,
            o::PersesDashboard {
                labels: part_of(),
                spec: perses_spec(d),
            },
        ),
    }
}

/// Every PromQL expression a cluster's rules and dashboards hold (tests).
#[cfg(test)]
pub(super) fn expressions(objects: &[PlannedObject]) -> Vec<String> {
    let mut out = Vec::new();
    for object in objects {
        match &object.context {
            o::Context::PrometheusRule(r) => {
                out.extend(
                    r.groups
                        .iter()
                        .flat_map(|g| g.rules.iter().map(|r| r.expr.clone())),
                );
            }
            o::Context::ConsoleDashboard(d) => out.extend(dashboard_exprs(&d.json)),
            o::Context::GrafanaDashboard(d) => out.extend(dashboard_exprs(&d.json)),
            o::Context::PersesDashboard(d) => out.extend(
                d.spec["panels"]
                    .as_object()
                    .unwrap()
                    .values()
                    .flat_map(|p| p["spec"]["queries"].as_array().unwrap().clone())
                    .map(|q| {
                        q["spec"]["plugin"]["spec"]["query"]
                            .as_str()
                            .unwrap()
                            .to_string()
                    }),
            ),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
fn dashboard_exprs(json: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(json).unwrap();
    doc["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["targets"].as_array().unwrap().clone())
        .map(|t| t["expr"].as_str().unwrap().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example_objects(edit: impl Fn(String) -> String) -> Vec<PlannedObject> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ocpai3-aws");
        let text = edit(std::fs::read_to_string(dir.join("maas.yaml")).unwrap());
        let loaded = crate::pipeline::load_text(&dir.join("maas.yaml"), text, None)
            .unwrap_or_else(|e| panic!("{}", e.render()));
        let cluster = &loaded.platform.clusters[0];
        crate::plan::plan_cluster(&loaded.platform, cluster)
            .into_iter()
            .flat_map(|c| c.files.into_iter().map(|(_, o)| o))
            .collect()
    }

    /// Parentheses, braces and brackets balance outside string literals,
    /// and string literals close.
    fn balanced(expr: &str) -> bool {
        let mut stack = Vec::new();
        let mut chars = expr.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => loop {
                    match chars.next() {
                        None => return false,
                        Some('\\') => {
                            chars.next();
                        }
                        Some('"') => break,
                        Some(_) => {}
                    }
                },
                '(' | '{' | '[' => stack.push(c),
                ')' | '}' | ']' => {
                    let open = match c {
                        ')' => '(',
                        '}' => '{',
                        _ => '[',
                    };
                    if stack.pop() != Some(open) {
                        return false;
                    }
                }
                _ => {}
            }
        }
        stack.is_empty()
    }

    /// Names of the series an expression selects: identifiers directly
    /// before a `{` or `[`, or standing alone, outside string literals,
    /// that are not PromQL words or label names of a `by (…)` clause.
    fn series(expr: &str) -> Vec<String> {
        const WORDS: &[&str] = &[
            "sum",
            "by",
            "rate",
            "absent",
            "topk",
            "max",
            "histogram_quantile",
            "le",
        ];
        let mut out = Vec::new();
        let mut in_string = false;
        let mut in_by = false;
        let mut token = String::new();
        let mut prev = ' ';
        for c in expr.chars().chain(std::iter::once(' ')) {
            if in_string {
                if c == '"' && prev != '\\' {
                    in_string = false;
                }
                prev = c;
                continue;
            }
            if c.is_ascii_alphanumeric() || c == '_' || c == ':' {
                token.push(c);
            } else {
                let brace = c == '{' || c == '[';
                if !token.is_empty() && !token.starts_with(|d: char| d.is_ascii_digit()) {
                    if token == "by" {
                        in_by = true;
                    } else if !WORDS.contains(&token.as_str()) && !in_by && (brace || c != '=') {
                        out.push(token.clone());
                    }
                }
                token.clear();
                if c == ')' {
                    in_by = false;
                }
                if c == '{' {
                    // Label matchers follow: skip to the closing brace.
                    in_by = true;
                }
                if c == '}' {
                    in_by = false;
                }
                if c == '"' {
                    in_string = true;
                }
            }
            prev = c;
        }
        out
    }

    #[test]
    fn promql_balances_and_names_only_metrics_of_the_table() {
        let mut used = std::collections::BTreeSet::new();
        for edit in [
            |t: String| t,
            |t: String| t.replace("version: \"3.3\"", "version: \"3.4\""),
            |t: String| t.replace("dashboards: console", "dashboards: perses"),
        ] {
            let exprs = expressions(&example_objects(edit));
            assert!(exprs.len() > 20, "{}", exprs.len());
            for e in &exprs {
                assert!(balanced(e), "unbalanced: {e}");
                for s in series(e) {
                    assert!(metrics::ALL.contains(&s.as_str()), "{s} in {e}");
                    used.insert(s);
                }
            }
        }
        let unused: Vec<_> = metrics::ALL
            .iter()
            .filter(|m| !used.contains(**m))
            .collect();
        assert!(unused.is_empty(), "metrics never used: {unused:?}");
    }

    #[test]
    fn the_checks_catch_what_they_are_for() {
        assert!(!balanced("sum(rate(x[5m])"));
        assert!(!balanced("x{a=\"b}"));
        assert!(balanced("x{a=\"(\"}"));
        assert_eq!(
            series("sum by (tier) (rate(limited_calls{tier=\"a\"}[5m]))"),
            ["limited_calls"]
        );
        assert_eq!(
            series("DCGM_FI_DEV_SM_CLOCK * 1000000"),
            ["DCGM_FI_DEV_SM_CLOCK"]
        );
    }

    #[test]
    fn promql_literals_escape() {
        assert_eq!(q("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(q_any(&["a.b", "c"]), "\"a\\\\.b|c\"");
    }

    #[test]
    fn dashboard_uids_fit_grafana() {
        let long = "maas-model-0-gpu-model-granite-code-deployment";
        assert!(uid(long).len() <= 40);
        assert_ne!(uid(long), uid(&format!("{long}x")));
        assert_eq!(uid("short"), "short");
    }
}
