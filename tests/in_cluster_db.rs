//! `maas.database.inCluster`, read from the generated objects: on a 3.4 and
//! a 3.5 cluster, the CloudNativePG operator, `Cluster/maas-db` in maas-api's
//! namespace, a Secret `maas-db-config` without data, and the PostSync Job
//! whose Role names exactly the two Secrets it touches; every object valid
//! against the cluster's version; tier-era clusters get none of it.

mod common;

use std::collections::BTreeMap;

use common::crd::validators_at;
use common::grants::objects_by_cluster;
use common::*;
use maasc::model::RhoaiVersion;
use maasc::tree::{GeneratedTree, TreeObject};
use serde_json::Value;

fn find<'a>(objects: &'a [TreeObject], kind: &str, name: &str) -> &'a TreeObject {
    objects
        .iter()
        .find(|o| o.kind() == kind && o.name() == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn subscription_and_tenant_clusters_run_maas_db_with_a_least_privilege_url_job() {
    let loaded = load(&example_path("in-cluster-db"));
    let tree = GeneratedTree::from(maasc::build_tree(&loaded, None).expect("renders"));
    let clusters = objects_by_cluster(&tree);
    for (cluster, version, ns) in [
        ("lab", RhoaiVersion::V3_4, "redhat-ods-applications"),
        ("next", RhoaiVersion::V3_5, "redhat-ai-gateway-infra"),
    ] {
        let objects = &clusters[cluster];
        // The operator, from OpenShift's certified catalog.
        let sub = find(objects, "Subscription", "cloudnative-pg");
        assert_eq!(sub.namespace(), "openshift-operators");
        assert_eq!(sub.value["spec"]["name"], "cloudnative-pg");
        assert_eq!(sub.value["spec"]["channel"], "stable-v1");
        assert_eq!(sub.value["spec"]["source"], "certified-operators");

        // The database, in maas-api's namespace of the cluster's version.
        let db = find(objects, "Cluster", "maas-db");
        assert_eq!(db.api_version(), "postgresql.cnpg.io/v1");
        assert_eq!(db.namespace(), ns, "{cluster}");
        assert_eq!(db.value["spec"]["bootstrap"]["initdb"]["database"], "maas");
        assert_eq!(db.value["spec"]["bootstrap"]["initdb"]["owner"], "maas");
        assert_eq!(db.value["spec"]["storage"]["size"], "10Gi");
        assert_eq!(db.value["spec"]["instances"], 2);

        // No credential in the tree: maas-db-config has no data, and the
        // htpasswd Secret is the only other one.
        for s in objects.iter().filter(|o| o.kind() == "Secret") {
            if s.name() == "maas-db-config" {
                assert_eq!(s.namespace(), ns);
                assert!(s.value.get("data").is_none(), "{cluster}: data in Git");
                assert!(s.value.get("stringData").is_none(), "{cluster}");
            } else {
                assert_eq!(s.namespace(), "openshift-config", "{cluster}");
            }
        }
        find(objects, "Secret", "maas-db-config");

        // The Role: only the two Secrets, by name; never create or list.
        let role = find(objects, "Role", "maas-db-config-sync");
        assert_eq!(role.namespace(), ns);
        let mut grants: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for rule in role.value["rules"].as_array().unwrap() {
            assert_eq!(strings(&rule["resources"]), ["secrets"]);
            let names = strings(&rule["resourceNames"]);
            assert!(!names.is_empty(), "{cluster}: a rule without resourceNames");
            for n in names {
                grants.entry(n).or_default().extend(strings(&rule["verbs"]));
            }
        }
        assert_eq!(
            grants,
            BTreeMap::from([
                ("maas-db-app", vec!["get"]),
                ("maas-db-config", vec!["get", "patch"]),
            ])
        );
        let binding = find(objects, "RoleBinding", "maas-db-config-sync");
        assert_eq!(binding.value["roleRef"]["name"], "maas-db-config-sync");
        assert_eq!(binding.value["subjects"][0]["namespace"], ns);
        find(objects, "ServiceAccount", "maas-db-config-sync");

        // The Job: an ArgoCD PostSync hook with a pinned image.
        let job = find(objects, "Job", "maas-db-config-sync");
        assert_eq!(job.namespace(), ns);
        let annotations = &job.value["metadata"]["annotations"];
        assert_eq!(annotations["argocd.argoproj.io/hook"], "PostSync");
        assert_eq!(
            annotations["argocd.argoproj.io/hook-delete-policy"],
            "BeforeHookCreation"
        );
        let pod = &job.value["spec"]["template"]["spec"];
        assert_eq!(pod["serviceAccountName"], "maas-db-config-sync");
        let container = &pod["containers"][0];
        let image = container["image"].as_str().unwrap();
        assert!(
            image.contains(':') && !image.ends_with(":latest"),
            "{image}"
        );
        let env: BTreeMap<&str, &str> = container["env"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| Some((e["name"].as_str()?, e["value"].as_str()?)))
            .collect();
        assert_eq!(env["SOURCE"], "maas-db-app");
        assert_eq!(env["TARGET"], "maas-db-config");
        assert_eq!(env["KEY"], "DB_CONNECTION_URL");

        // Every object of the cluster validates at its version.
        let validators = validators_at(version);
        for o in objects {
            let key = (o.api_version().to_string(), o.kind().to_string());
            let (_, validator) = validators
                .get(&key)
                .unwrap_or_else(|| panic!("{cluster}: no schema for {key:?} at {version}"));
            let errors: Vec<String> = validator
                .iter_errors(&o.value)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{cluster}/{}: {errors:?}", o.name());
        }
    }
}

#[test]
fn the_operator_comes_before_the_database_and_the_database_before_maas_api() {
    let loaded = load(&example_path("in-cluster-db"));
    let files = maasc::build_tree(&loaded, None).expect("renders");
    let wave = |cluster: &str, app: &str| -> i64 {
        let path = format!("{cluster}/apps/{app}.yaml");
        let file = files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path}"));
        let v: Value = serde_saphyr::from_str(&file.content).unwrap();
        let w = &v["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"];
        w.as_i64()
            .or_else(|| w.as_str()?.parse().ok())
            .unwrap_or_else(|| panic!("{path}: no sync wave"))
    };
    for cluster in ["lab", "next"] {
        let operator = wave(cluster, "operators-cloudnative-pg");
        let db = wave(cluster, "platform-maas-db");
        let dsc = wave(cluster, "instances-openshift-ai");
        assert!(
            operator < db && db < dsc,
            "{cluster}: {operator} {db} {dsc}"
        );
    }
}

#[test]
fn tier_era_clusters_get_no_database() {
    for v in [RhoaiVersion::V3_0, RhoaiVersion::V3_3] {
        let loaded = load_at("in-cluster-db", v).expect("loads");
        let files = maasc::build_tree(&loaded, None).expect("renders");
        for f in &files {
            assert!(
                !f.path.contains("maas-db") && !f.path.contains("cloudnative-pg"),
                "{v}: {}",
                f.path
            );
        }
        // Said, not silently dropped.
        assert!(
            loaded
                .diagnostics
                .iter()
                .any(|d| d.code == maasc::diagnostic::Code::InClusterDatabaseUnused),
            "{v}"
        );
    }
}

#[test]
fn the_tree_builds_with_kustomize() {
    let (_tmp, out, _) = generate_into_temp("in-cluster-db");
    for dir in ["lab/platform/maas-db", "next/platform/maas-db"] {
        let built = kubectl_kustomize(&out.join(dir));
        assert!(
            built.status.success(),
            "{dir}: {}",
            String::from_utf8_lossy(&built.stderr)
        );
        let text = String::from_utf8_lossy(&built.stdout);
        assert!(text.contains("kind: Cluster") && text.contains("kind: Job"));
    }
}
