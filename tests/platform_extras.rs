//! Issue 19: hardware profiles per machine pool and the dashboard's MaaS
//! switches, per cluster and version.

mod common;

use serde_json::Value;

fn objects(example: &str, kind: &str) -> Vec<(String, Value)> {
    common::build(&common::example_path(example))
        .into_iter()
        .filter_map(|f| {
            let v: Value = serde_saphyr::from_str(&f.content).ok()?;
            (v["kind"] == kind).then_some((f.path, v))
        })
        .collect()
}

#[test]
fn every_pool_gets_a_hardware_profile_matching_its_nodes() {
    let profiles = objects("ocpai3-aws", "HardwareProfile");
    assert!(!profiles.is_empty());
    for (path, p) in &profiles {
        assert_eq!(
            p["apiVersion"], "infrastructure.opendatahub.io/v1",
            "{path}"
        );
        assert_eq!(p["metadata"]["namespace"], "redhat-ods-applications");
        let name = p["metadata"]["name"].as_str().unwrap();
        assert_eq!(p["spec"]["scheduling"]["type"], "Node");
        assert_eq!(
            p["spec"]["scheduling"]["node"]["nodeSelector"]["maas.opendatahub.io/pool"],
            name
        );
        let ids: Vec<&str> = p["spec"]["identifiers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["identifier"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&"cpu") && ids.contains(&"memory"), "{path}");
        if name.starts_with("gpu") {
            assert!(ids.contains(&"nvidia.com/gpu"), "{path}");
            // A GPU pool's taint is tolerated, as models tolerate it.
            assert!(
                p["spec"]["scheduling"]["node"]["tolerations"]
                    .as_array()
                    .is_some_and(|t| !t.is_empty()),
                "{path}"
            );
        }
    }
}

#[test]
fn dashboard_config_is_a_kept_server_side_partial_with_version_fields() {
    for (example, cluster, present, absent) in [
        (
            "versions",
            "legacy",
            vec!["modelAsService"],
            vec!["maasAuthPolicies", "externalModels"],
        ),
        (
            "versions",
            "edge",
            vec!["modelAsService", "externalModels"],
            vec![],
        ),
        (
            "migration",
            "dev",
            vec!["maasAuthPolicies"],
            vec!["externalModels"],
        ),
    ] {
        let configs = objects(example, "OdhDashboardConfig");
        // The cluster's own (its version's fields differ), else the shared one.
        let (_, c) = configs
            .iter()
            .find(|(p, _)| p.starts_with(&format!("{cluster}/")))
            .or_else(|| configs.iter().find(|(p, _)| p.starts_with("base/")))
            .unwrap_or_else(|| panic!("{example}/{cluster}: no OdhDashboardConfig"));
        assert_eq!(c["metadata"]["name"], "odh-dashboard-config");
        let sync = c["metadata"]["annotations"]["argocd.argoproj.io/sync-options"]
            .as_str()
            .unwrap();
        assert!(sync.contains("ServerSideApply=true") && sync.contains("Prune=false,Delete=false"));
        let dc = &c["spec"]["dashboardConfig"];
        for f in present {
            assert_eq!(dc[f], true, "{example}/{cluster}: {f}");
        }
        for f in absent {
            assert!(
                dc.get(f).is_none(),
                "{example}/{cluster}: {f} must not reach this version"
            );
        }
    }
}
