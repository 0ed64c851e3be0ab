//! Issue 19 item 1: observability per cluster and version: monitors,
//! alerts, TelemetryPolicy, cluster-monitoring-config and dashboards.

mod common;

use serde_json::Value;

/// The main example with `edit` applied, loaded from a scratch folder.
fn load_edited(edit: impl Fn(&str) -> String) -> maasc::Loaded {
    let src = common::example_path("ocpai3-aws");
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(src.parent().unwrap()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, tmp.path().join(path.file_name().unwrap())).unwrap();
    }
    let text = edit(&std::fs::read_to_string(&src).unwrap());
    let path = tmp.path().join("maas.yaml");
    std::fs::write(&path, text).unwrap();
    maasc::load(&path).unwrap_or_else(|e| panic!("{}", e.render()))
}

/// (path, object) of every object of a tree.
fn objects(loaded: &maasc::Loaded) -> Vec<(String, Value)> {
    maasc::build_tree(loaded, None)
        .unwrap()
        .into_iter()
        .filter(|f| f.path.ends_with(".yaml") && !f.path.ends_with("kustomization.yaml"))
        .map(|f| (f.path.clone(), serde_saphyr::from_str(&f.content).unwrap()))
        .collect()
}

fn of_kind<'a>(objects: &'a [(String, Value)], kind: &str) -> Vec<&'a Value> {
    objects
        .iter()
        .filter(|(_, o)| o["kind"] == kind)
        .map(|(_, o)| o)
        .collect()
}

fn named<'a>(objects: &'a [(String, Value)], kind: &str, name: &str) -> Option<&'a Value> {
    of_kind(objects, kind)
        .into_iter()
        .find(|o| o["metadata"]["name"] == name)
}

fn warns(loaded: &maasc::Loaded, code: maasc::diagnostic::Code) -> bool {
    loaded.diagnostics.iter().any(|d| d.code == code)
}

fn version(v: &str) -> impl Fn(&str) -> String {
    let v = v.to_string();
    move |t: &str| t.replace("version: \"3.3\"", &format!("version: \"{v}\""))
}

#[test]
fn the_main_example_watches_what_the_seed_cluster_watched() {
    let loaded = common::load(&common::example_path("ocpai3-aws"));
    let objects = objects(&loaded);
    // User-workload monitoring with the seed's alert routing, owned whole
    // and never pruned.
    let cm = named(&objects, "ConfigMap", "cluster-monitoring-config").unwrap();
    assert_eq!(cm["metadata"]["namespace"], "openshift-monitoring");
    let config: Value =
        serde_saphyr::from_str(cm["data"]["config.yaml"].as_str().unwrap()).unwrap();
    assert_eq!(config["enableUserWorkload"], true);
    assert_eq!(
        config["alertmanagerMain"]["enableUserAlertmanagerConfig"],
        true
    );
    assert!(
        cm["metadata"]["annotations"]["argocd.argoproj.io/sync-options"]
            .as_str()
            .unwrap()
            .contains("Prune=false")
    );
    // Kuadrant's own monitors (Limitador, gateway), and no Limitador
    // ServiceMonitor besides them (gotcha 23).
    let kuadrant = named(&objects, "Kuadrant", "kuadrant").unwrap();
    assert_eq!(kuadrant["spec"]["observability"]["enable"], true);
    let monitors = of_kind(&objects, "ServiceMonitor");
    assert!(monitors.iter().all(|m| {
        !m["metadata"]["name"]
            .as_str()
            .unwrap()
            .contains("limitador")
    }));
    assert!(named(&objects, "ServiceMonitor", "authorino-server-metrics").is_some());
    // Tier era: Limitador's counters labelled with user, tier and model.
    let telemetry = named(&objects, "TelemetryPolicy", "user-group").unwrap();
    let labels = &telemetry["spec"]["metrics"]["default"]["labels"];
    for label in ["user", "tier", "model"] {
        assert!(labels[label].is_string(), "{label}");
    }
    // vLLM monitors and model alerts in every model namespace.
    for ns in loaded.platform.models.iter().map(|m| m.namespace.as_str()) {
        let sm = of_kind(&objects, "ServiceMonitor")
            .into_iter()
            .find(|o| o["metadata"]["namespace"] == ns)
            .unwrap_or_else(|| panic!("no ServiceMonitor in {ns}"));
        assert_eq!(sm["spec"]["endpoints"][0]["targetPort"], 8000);
        let rules = of_kind(&objects, "PrometheusRule")
            .into_iter()
            .find(|o| o["metadata"]["namespace"] == ns)
            .unwrap_or_else(|| panic!("no PrometheusRule in {ns}"));
        let alerts: Vec<&str> = rules["spec"]["groups"][0]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["alert"].as_str().unwrap())
            .collect();
        assert!(alerts.contains(&"MaaSModelUnavailable"), "{ns}");
        assert!(alerts.contains(&"MaaSModelPodPending"), "{ns}");
    }
    // Rejections spiking, in Limitador's namespace.
    let rl = named(&objects, "PrometheusRule", "maas-rate-limit-alerts").unwrap();
    assert_eq!(rl["metadata"]["namespace"], "kuadrant-system");
    // Console dashboards: one per tier, one per model, NVIDIA DCGM.
    let dashboards: Vec<&str> = of_kind(&objects, "ConfigMap")
        .into_iter()
        .filter(|o| o["metadata"]["labels"]["console.openshift.io/dashboard"] == "true")
        .map(|o| {
            assert_eq!(o["metadata"]["namespace"], "openshift-config-managed");
            o["metadata"]["name"].as_str().unwrap()
        })
        .collect();
    for t in &loaded.platform.tiers {
        assert!(
            dashboards.contains(&format!("maas-tier-{}", t.name).as_str()),
            "{}",
            t.name
        );
    }
    for m in &loaded.platform.models {
        let name = format!("maas-model-{}-{}", m.namespace, m.name);
        assert!(dashboards.contains(&name.as_str()), "{name}");
    }
    assert!(dashboards.contains(&"nvidia-dcgm-exporter-dashboard"));
    assert_eq!(
        dashboards.len(),
        loaded.platform.tiers.len() + loaded.platform.models.len() + 1
    );
    // The GPU operator still runs its own DCGM ServiceMonitor here.
    let policy = named(&objects, "ClusterPolicy", "gpu-cluster-policy").unwrap();
    assert_eq!(
        policy["spec"]["dcgmExporter"]["serviceMonitor"]["enabled"],
        true
    );
}

#[test]
fn each_era_labels_usage_its_way_and_keeps_one_writer_per_object() {
    for (v, telemetry, maas_api) in [
        ("3.0", true, false),
        ("3.3", true, false),
        ("3.4", false, true),
        ("3.5", false, false),
    ] {
        let loaded = load_edited(version(v));
        let objects = objects(&loaded);
        // From 3.4 maas-controller writes `maas-telemetry` itself.
        assert_eq!(
            !of_kind(&objects, "TelemetryPolicy").is_empty(),
            telemetry,
            "{v}"
        );
        // maas-api has /metrics and nothing scrapes it only on 3.4.
        assert_eq!(
            named(&objects, "ServiceMonitor", "maas-api-metrics").is_some(),
            maas_api,
            "{v}"
        );
        let label = if telemetry { "tier" } else { "subscription" };
        let rule = named(&objects, "PrometheusRule", "maas-rate-limit-alerts").unwrap();
        let expr = rule["spec"]["groups"][0]["rules"][0]["expr"]
            .as_str()
            .unwrap();
        assert!(expr.contains(&format!("sum by ({label})")), "{v}: {expr}");
        let tier = &loaded.platform.tiers[0].name;
        let name = if telemetry {
            format!("maas-tier-{tier}")
        } else {
            format!("maas-subscription-{tier}-subscription")
        };
        let board = named(&objects, "ConfigMap", &name).unwrap_or_else(|| panic!("{v}: {name}"));
        let json = board["data"][format!("{name}.json")].as_str().unwrap();
        let value = if telemetry {
            format!("tier=\\\"{tier}\\\"")
        } else {
            format!("subscription=\\\"{tier}-subscription\\\"")
        };
        assert!(json.contains(&value), "{v}: {json}");
        // From 3.4 the controller's metrics carry the user only when its
        // tenant says so (`captureUser`, off upstream): maasc says so.
        let tenant = match v {
            "3.4" => named(&objects, "Tenant", "default-tenant"),
            "3.5" => named(&objects, "MaasTenantConfig", "default-tenant"),
            _ => None,
        };
        if !telemetry {
            let t = &tenant.unwrap_or_else(|| panic!("{v}: tenant"))["spec"]["telemetry"];
            assert_eq!(t["enabled"], true, "{v}");
            assert_eq!(t["metrics"]["captureUser"], true, "{v}");
        }
    }
}

/// The main example with `dashboards: <target>`: it warns `code`, and its
/// dashboards are `kind` objects (one per tier and model, and DCGM), each
/// valid against the vendored CRD of `api_version`.
fn dashboards_as(
    target: &str,
    code: maasc::diagnostic::Code,
    api_version: &str,
    kind: &str,
) -> Vec<Value> {
    let loaded =
        load_edited(|t| t.replace("dashboards: console", &format!("dashboards: {target}")));
    assert!(warns(&loaded, code));
    let objects = objects(&loaded);
    let validators = common::crd::validators();
    let validator = &validators[&(api_version.to_string(), kind.to_string())];
    let boards: Vec<Value> = of_kind(&objects, kind).into_iter().cloned().collect();
    assert_eq!(
        boards.len(),
        loaded.platform.tiers.len() + loaded.platform.models.len() + 1
    );
    for b in &boards {
        let errors: Vec<String> = validator.iter_errors(b).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
    // No console dashboards besides.
    assert!(
        of_kind(&objects, "ConfigMap")
            .iter()
            .all(|o| o["metadata"]["labels"]["console.openshift.io/dashboard"].is_null())
    );
    boards
}

#[test]
fn grafana_dashboards_replace_console_ones_and_match_the_vendored_crd() {
    let boards = dashboards_as(
        "grafana",
        maasc::diagnostic::Code::GrafanaOperatorNeeded,
        "grafana.integreatly.org/v1beta1",
        "GrafanaDashboard",
    );
    for b in &boards {
        assert_eq!(b["metadata"]["namespace"], "grafana");
        assert_eq!(
            b["spec"]["instanceSelector"]["matchLabels"]["dashboards"],
            "grafana"
        );
        let json: Value = serde_json::from_str(b["spec"]["json"].as_str().unwrap()).unwrap();
        assert!(json["uid"].as_str().unwrap().len() <= 40);
    }
}

#[test]
fn perses_dashboards_match_the_vendored_crd() {
    let boards = dashboards_as(
        "perses",
        maasc::diagnostic::Code::PersesOperatorNeeded,
        "perses.dev/v1alpha1",
        "PersesDashboard",
    );
    for b in &boards {
        assert_eq!(
            b["metadata"]["namespace"],
            "openshift-cluster-observability-operator"
        );
        // Every panel is on the grid.
        let panels = b["spec"]["panels"].as_object().unwrap();
        let items = b["spec"]["layouts"][0]["spec"]["items"].as_array().unwrap();
        assert_eq!(panels.len(), items.len());
        for item in items {
            let r = item["content"]["$ref"].as_str().unwrap();
            assert!(
                panels.contains_key(r.trim_start_matches("#/spec/panels/")),
                "{r}"
            );
        }
    }
}

#[test]
fn rosa_keeps_the_dcgm_service_monitor_off_and_says_so() {
    let loaded = load_edited(|t| t.replace("managed: self", "managed: rosa"));
    assert!(warns(&loaded, maasc::diagnostic::Code::DcgmNotScraped));
    let tree = objects(&loaded);
    let policy = named(&tree, "ClusterPolicy", "gpu-cluster-policy").unwrap();
    assert_eq!(
        policy["spec"]["dcgmExporter"]["serviceMonitor"]["enabled"],
        false
    );
    // Nor does observability add one of its own.
    for m in of_kind(&tree, "ServiceMonitor") {
        assert!(!m["metadata"]["name"].as_str().unwrap().contains("dcgm"));
    }
    // ArgoCD never owns a user's cluster-monitoring-config unless asked.
    let unmanaged = load_edited(|t| {
        t.replace("    manageClusterMonitoringConfig: true\n", "")
            .replace(
                "    clusterMonitoringConfig:\n      alertmanagerMain:\n        enableUserAlertmanagerConfig: true\n",
                "",
            )
    });
    assert!(
        named(
            &objects(&unmanaged),
            "ConfigMap",
            "cluster-monitoring-config"
        )
        .is_none()
    );
    // …and its README says how to turn user-workload monitoring on by hand.
    let readme = |loaded: &maasc::Loaded| {
        maasc::build_tree(loaded, None)
            .unwrap()
            .into_iter()
            .find(|f| f.path == "ocpai3-aws/README.md")
            .unwrap()
            .content
    };
    assert!(readme(&unmanaged).contains("enableUserWorkload: true"));
    assert!(!readme(&loaded).contains("### User-workload monitoring"));
}

#[test]
fn a_cluster_can_turn_observability_off() {
    let loaded = load_edited(|t| {
        t.replace(
            "      environment: prod\n",
            "      environment: prod\n      observability: {enabled: false}\n",
        )
    });
    let files = maasc::build_tree(&loaded, None).unwrap();
    assert!(files.iter().all(|f| !f.path.contains("observability")));
    let objects = objects(&loaded);
    for kind in ["ServiceMonitor", "PrometheusRule", "TelemetryPolicy"] {
        assert!(of_kind(&objects, kind).is_empty(), "{kind}");
    }
    let kuadrant = named(&objects, "Kuadrant", "kuadrant").unwrap();
    assert!(kuadrant["spec"]["observability"].is_null());
}

#[test]
fn the_observability_overlay_builds() {
    let (_tmp, out, _) = common::generate_into_temp("ocpai3-aws");
    let output = common::kubectl_kustomize(&out.join("ocpai3-aws/platform/observability"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_model_scaled_to_zero_is_not_paged_as_unavailable() {
    let loaded = load_edited(|t| {
        t.replace(
            "      environment: prod\n",
            "      environment: prod\n      overrides: {models: {granite-code-deployment: {replicas: 0}}}\n",
        )
    });
    let objects = objects(&loaded);
    let rules = of_kind(&objects, "PrometheusRule")
        .into_iter()
        .find(|o| o["metadata"]["namespace"] == "0-gpu-model")
        .unwrap();
    let alerts: Vec<&str> = rules["spec"]["groups"][0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["alert"].as_str().unwrap())
        .collect();
    assert_eq!(alerts, ["MaaSModelPodPending"]);
}
