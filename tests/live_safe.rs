//! Issue 16, safe on a live cluster: never clobber what maasc does not own,
//! clean up what it does, expose the gateway right on every platform.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{EXAMPLES, example_path, load, load_minimal_with};
use maasc::model::MaasApi;
use maasc::tree::{GeneratedTree, TreeObject};
use serde_json::Value;

const SYNC_OPTIONS: &str = "argocd.argoproj.io/sync-options";
const FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";

fn tree(loaded: &maasc::Loaded) -> GeneratedTree {
    GeneratedTree::from(maasc::build_tree(loaded, None).expect("renders"))
}

/// Every object of every component overlay of `cluster`.
fn objects(tree: &GeneratedTree, cluster: &str) -> Vec<TreeObject> {
    tree.build(&format!("{cluster}/apps"))
        .unwrap()
        .into_iter()
        .filter(|o| o.kind() == "Application")
        // The user's own components are not maasc's objects.
        .filter(|o| o.value["metadata"]["labels"][maasc::plan::EXTRA_LABEL].is_null())
        .flat_map(|app| {
            let path = app.value["spec"]["source"]["path"].as_str().unwrap();
            let dir = path.split_once('/').unwrap().1.to_string();
            tree.build(&dir).unwrap()
        })
        .collect()
}

/// The cluster's child Applications by name.
fn applications(tree: &GeneratedTree, cluster: &str) -> BTreeMap<String, Value> {
    tree.build(&format!("{cluster}/apps"))
        .unwrap()
        .into_iter()
        .filter(|o| o.kind() == "Application")
        .map(|o| (o.name().to_string(), o.value))
        .collect()
}

fn sync_options(o: &Value) -> BTreeSet<String> {
    o["metadata"]["annotations"][SYNC_OPTIONS]
        .as_str()
        .unwrap_or("")
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn keeps(o: &Value) -> bool {
    let opts = sync_options(o);
    opts.contains("Prune=false") && opts.contains("Delete=false")
}

#[test]
fn child_applications_cascade_and_cluster_singletons_are_never_deleted() {
    for example in EXAMPLES {
        let tree = tree(&load(&example_path(example)));
        for cluster in tree.clusters() {
            for (name, app) in applications(&tree, &cluster) {
                assert_eq!(
                    app["metadata"]["finalizers"],
                    serde_json::json!([FINALIZER]),
                    "{example}: {name}"
                );
            }
            // The root Application is not cascaded: deleting it must not
            // take the whole platform with it.
            let root = tree
                .build(&format!("{cluster}/bootstrap"))
                .unwrap()
                .into_iter()
                .find(|o| o.kind() == "Application")
                .unwrap();
            assert!(root.value["metadata"].get("finalizers").is_none());
            for o in objects(&tree, &cluster) {
                if matches!(
                    o.kind(),
                    "OAuth" | "ClusterAutoscaler" | "DataScienceCluster"
                ) {
                    assert!(
                        keeps(&o.value),
                        "{example}/{cluster}: {} {}",
                        o.kind(),
                        o.name()
                    );
                }
            }
        }
    }
}

#[test]
fn removing_a_model_namespace_or_flipping_the_era_removes_a_cascading_application() {
    let mut loaded = load(&example_path("migration"));
    let before = tree(&loaded);
    let prod_before = applications(&before, "prod");
    // prod on tiers → subscriptions, and one model namespace fewer.
    for c in &mut loaded.platform.clusters {
        c.api = MaasApi::Subscriptions;
    }
    let gone_ns = loaded.platform.models[0].namespace.clone();
    loaded.platform.models.retain(|m| m.namespace != gone_ns);
    let after = applications(&tree(&loaded), "prod");
    let removed: BTreeSet<&String> = prod_before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .collect();
    let tiers_app = "prod-platform-maas-tiers".to_string();
    let models_app = format!("prod-models-{gone_ns}");
    assert!(removed.contains(&tiers_app), "{removed:?}");
    assert!(removed.contains(&models_app), "{removed:?}");
    // The root prunes these Applications; their finalizer deletes their
    // objects (the tier policies, the model's GPU pods) with them.
    for name in [&tiers_app, &models_app] {
        assert_eq!(
            prod_before[name]["metadata"]["finalizers"][0], FINALIZER,
            "{name}"
        );
        assert_eq!(
            prod_before[name]["spec"]["syncPolicy"]["automated"]["prune"],
            true
        );
    }
}

#[test]
fn no_object_maasc_emits_is_force_applied_by_the_operator_of_its_version() {
    use maasc::model::RhoaiVersion;
    use maasc::plan::operator_owned;
    for example in EXAMPLES {
        for version in RhoaiVersion::ALL {
            // Every cluster moved to `version` (and its era), as the
            // version knob would.
            let mut loaded = load(&example_path(example));
            for c in &mut loaded.platform.clusters {
                c.version = version;
                c.era = version.era();
                c.api = if version.era().has_maas_crs() {
                    MaasApi::Subscriptions
                } else {
                    MaasApi::Tiers
                };
            }
            let gateway_ns = loaded.platform.gateway.namespace.to_string();
            for cluster in &loaded.platform.clusters {
                let version = operator_owned::rhoai_version(cluster);
                // The operator renders MaaS objects from 3.3 (tiers, the
                // operator-deployed maas-api) and 3.4 (maas-controller) on.
                if matches!(version, "3.3" | "3.4") {
                    assert!(!operator_owned::for_version(version).is_empty());
                }
                for component in maasc::plan::plan_cluster(&loaded.platform, cluster) {
                    for (_, o) in &component.files {
                        assert!(
                            !operator_owned::owns(
                                version,
                                o.kind,
                                o.namespace.as_deref(),
                                &o.name,
                                &gateway_ns
                            ),
                            "{example}/{}: RHOAI {version}'s operator renders {} {}",
                            cluster.name,
                            o.kind,
                            o.name
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn the_health_check_patches_the_existing_argocd_instance_server_side() {
    let tree = tree(&load(&example_path("ocpai3-aws")));
    assert!(
        tree.build("ocpai3-aws/bootstrap")
            .unwrap()
            .iter()
            .all(|o| o.kind() != "ArgoCD"),
        "bootstrap creates no ArgoCD instance"
    );
    let argocd: Vec<TreeObject> = tree
        .build("ocpai3-aws/apps")
        .unwrap()
        .into_iter()
        .filter(|o| o.kind() == "ArgoCD")
        .collect();
    assert_eq!(argocd.len(), 1);
    let a = &argocd[0].value;
    let opts = sync_options(a);
    assert!(
        opts.contains("ServerSideApply=true") && keeps(a),
        "{opts:?}"
    );
    // Only the field maasc owns.
    let spec: Vec<&String> = a["spec"].as_object().unwrap().keys().collect();
    assert_eq!(spec, ["resourceHealthChecks"]);
    assert_eq!(
        a["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"],
        "-1"
    );
}

fn gateway_objects(edit: impl FnOnce(String) -> String) -> Vec<TreeObject> {
    let loaded = load_minimal_with(edit).unwrap_or_else(|e| panic!("{}", e.render()));
    let tree = tree(&loaded);
    tree.build("lab/platform/maas-gateway").unwrap()
}

fn find<'a>(objects: &'a [TreeObject], kind: &str) -> Option<&'a Value> {
    objects.iter().find(|o| o.kind() == kind).map(|o| &o.value)
}

fn listeners(gateway: &Value) -> Vec<String> {
    gateway["spec"]["listeners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_gateway_is_https_only_by_default_and_cluster_ip_behind_a_route_on_baremetal() {
    // minimal is baremetal: no cloud load balancer.
    let objects = gateway_objects(|t| t);
    let gateway = find(&objects, "Gateway").unwrap();
    assert_eq!(listeners(gateway), ["https"]);
    let options = gateway["spec"]["infrastructure"]["parametersRef"]["name"]
        .as_str()
        .unwrap();
    let cm = objects
        .iter()
        .find(|o| o.kind() == "ConfigMap" && o.name() == options)
        .expect("the options ConfigMap");
    let service: Value =
        serde_saphyr::from_str(cm.value["data"]["service"].as_str().unwrap()).unwrap();
    assert_eq!(service["spec"]["type"], "ClusterIP");
    let secret =
        service["metadata"]["annotations"]["service.beta.openshift.io/serving-cert-secret-name"]
            .as_str()
            .unwrap();
    assert_eq!(
        gateway["spec"]["listeners"][0]["tls"]["certificateRefs"][0]["name"],
        secret
    );
    let route = find(&objects, "Route").expect("a Route");
    assert_eq!(route["spec"]["tls"]["termination"], "reencrypt");
    assert_eq!(route["spec"]["host"], "maas.apps.lab.example.com");
    assert_eq!(
        route["spec"]["to"]["name"],
        "maas-default-gateway-openshift-default"
    );
    assert!(find(&objects, "HTTPRoute").is_none());

    // On aws: a LoadBalancer (no options, no Route).
    let aws = gateway_objects(|t| {
        t.replace(
            "        type: baremetal\n",
            "        type: aws\n        region: us-east-2\n",
        )
    });
    assert!(find(&aws, "Route").is_none() && find(&aws, "ConfigMap").is_none());
    assert!(
        find(&aws, "Gateway").unwrap()["spec"]
            .get("infrastructure")
            .is_none()
    );
}

#[test]
fn port_80_only_redirects_unless_asked_and_envoy_is_sized_as_asked() {
    let objects = gateway_objects(|t| {
        t.replace(
            "spec:\n",
            "spec:\n  maas:\n    gateway: {http: redirect, replicas: 2, resources: {cpu: 500m, memory: 512Mi}}\n",
        )
    });
    let gateway = find(&objects, "Gateway").unwrap();
    assert_eq!(listeners(gateway), ["http", "https"]);
    assert_eq!(
        gateway["spec"]["listeners"][0]["allowedRoutes"]["namespaces"]["from"],
        "Same"
    );
    let redirect = find(&objects, "HTTPRoute").expect("the redirect route");
    assert_eq!(redirect["spec"]["parentRefs"][0]["sectionName"], "http");
    let filter = &redirect["spec"]["rules"][0]["filters"][0];
    assert_eq!(filter["type"], "RequestRedirect");
    assert_eq!(filter["requestRedirect"]["scheme"], "https");
    assert!(redirect["spec"]["rules"][0].get("backendRefs").is_none());
    let cm = find(&objects, "ConfigMap").unwrap();
    let deployment: Value =
        serde_saphyr::from_str(cm["data"]["deployment"].as_str().unwrap()).unwrap();
    assert_eq!(deployment["spec"]["replicas"], 2);
    let proxy = &deployment["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(proxy["name"], "istio-proxy");
    assert_eq!(proxy["resources"]["requests"]["cpu"], "500m");

    let plain =
        gateway_objects(|t| t.replace("spec:\n", "spec:\n  maas:\n    gateway: {http: plain}\n"));
    let gateway = find(&plain, "Gateway").unwrap();
    assert_eq!(listeners(gateway), ["http", "https"]);
    assert_eq!(
        gateway["spec"]["listeners"][0]["allowedRoutes"]["namespaces"]["from"],
        "All"
    );
    assert!(find(&plain, "HTTPRoute").is_none());
}

#[test]
fn autoscale_bounds_are_the_whole_pool_split_over_zones_and_limit_gpus() {
    let tree = tree(&load(&example_path("dev-prod")));
    let objects = objects(&tree, "prod");
    // prod's t4 pool: autoscale {min: 1, max: 6} over 2 zones.
    let bounds: Vec<(u64, u64)> = objects
        .iter()
        .filter(|o| o.kind() == "MachineAutoscaler" && o.name().contains("-t4-"))
        .map(|o| {
            (
                o.value["spec"]["minReplicas"].as_u64().unwrap(),
                o.value["spec"]["maxReplicas"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(bounds, [(1, 3), (0, 3)]);
    let ca = find(&objects, "ClusterAutoscaler").expect("clusterAutoscaler: maasc");
    let gpus: BTreeMap<String, u64> = ca["spec"]["resourceLimits"]["gpus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["type"].as_str().unwrap().to_string(),
                g["max"].as_u64().unwrap(),
            )
        })
        .collect();
    // t4: 6 nodes × 1 GPU; a10g (g5.12xlarge): 4 nodes × 4 GPUs.
    assert_eq!(
        gpus,
        BTreeMap::from([("NVIDIA-A10G".into(), 16), ("Tesla-T4".into(), 6)])
    );
    // Each type is the `cluster-api/accelerator` label its MachineSets carry.
    for o in objects.iter().filter(|o| o.kind() == "MachineSet") {
        let label =
            &o.value["spec"]["template"]["spec"]["metadata"]["labels"]["cluster-api/accelerator"];
        if let Some(l) = label.as_str() {
            assert!(gpus.contains_key(l), "{l}");
        }
    }
}

#[test]
fn the_cluster_autoscaler_is_left_to_the_cluster_unless_asked() {
    let mut loaded = load(&example_path("dev-prod"));
    for c in &mut loaded.platform.clusters {
        c.cluster_autoscaler = maasc::model::AutoscalerOwner::Existing;
    }
    let tree = tree(&loaded);
    for cluster in tree.clusters() {
        let objects = objects(&tree, &cluster);
        assert!(find(&objects, "ClusterAutoscaler").is_none());
        assert!(find(&objects, "MachineAutoscaler").is_some());
    }
}

#[test]
fn subnets_and_security_groups_can_be_named() {
    let loaded = load_minimal_with(|t| {
        t.replace(
            "        type: baremetal\n",
            "        type: aws\n        region: us-east-2\n        infrastructureID: lab-x1\n        amiID: ami-1\n        subnets: {us-east-2a: byo-private-a}\n        securityGroups: [byo-workers]\n      machinePools:\n        - {name: cpu, instanceType: m6i.4xlarge, zones: [us-east-2a, us-east-2b]}\n",
        )
    })
    .unwrap_or_else(|e| panic!("{}", e.render()));
    let tree = tree(&loaded);
    let sets: Vec<Value> = objects(&tree, "lab")
        .into_iter()
        .filter(|o| o.kind() == "MachineSet")
        .map(|o| o.value)
        .collect();
    let provider = |i: usize| &sets[i]["spec"]["template"]["spec"]["providerSpec"]["value"];
    assert_eq!(
        provider(0)["subnet"]["filters"][0]["values"][0],
        "byo-private-a"
    );
    // A zone without an override keeps the IPI name.
    assert_eq!(
        provider(1)["subnet"]["filters"][0]["values"][0],
        "lab-x1-subnet-private-us-east-2b"
    );
    for i in 0..2 {
        assert_eq!(provider(i)["securityGroups"].as_array().unwrap().len(), 1);
        assert_eq!(
            provider(i)["securityGroups"][0]["filters"][0]["values"][0],
            "byo-workers"
        );
    }
}

#[test]
fn other_identity_providers_are_listed_after_htpasswd_and_rosa_gets_none() {
    let providers = "    providers:\n      - name: corporate-ldap\n        type: LDAP\n        ldap:\n          url: ldaps://ldap.example.com/ou=users,dc=example,dc=com?uid\n          bindDN: cn=reader,dc=example,dc=com\n          bindPassword: {name: ldap-bind-password}\n          ca: {name: ldap-ca}\n          attributes: {id: [dn], preferredUsername: [uid], name: [cn], email: [mail]}\n";
    let with = |extra: &'static str| {
        move |t: String| {
            t.replace(
                "    clusterAdmins: [admin]\n",
                &format!("    clusterAdmins: [admin]\n{providers}"),
            )
            .replace("        type: baremetal\n", extra)
        }
    };
    let loaded = load_minimal_with(with("        type: baremetal\n"))
        .unwrap_or_else(|e| panic!("{}", e.render()));
    let tree = tree(&loaded);
    let oauth = objects(&tree, "lab")
        .into_iter()
        .find(|o| o.kind() == "OAuth")
        .unwrap()
        .value;
    let idps = oauth["spec"]["identityProviders"].as_array().unwrap();
    let names: Vec<&str> = idps.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["maas-users", "corporate-ldap"]);
    assert_eq!(idps[1]["type"], "LDAP");
    assert_eq!(
        idps[1]["ldap"]["bindPassword"]["name"],
        "ldap-bind-password"
    );
    assert!(keeps(&oauth));

    let rosa = load_minimal_with(with(
        "        type: aws\n        managed: rosa\n        region: us-east-2\n",
    ))
    .unwrap_or_else(|e| panic!("{}", e.render()));
    let tree = self::tree(&rosa);
    let objects = objects(&tree, "lab");
    assert!(find(&objects, "OAuth").is_none());
    assert!(
        find(&objects, "Secret").is_none(),
        "no htpasswd Secret nobody reads"
    );
    assert!(find(&objects, "Group").is_some(), "groups stay in Git");
    let cluster = &rosa.platform.clusters[0];
    let note = maasc::plan::notes::identity_note(&rosa.platform, cluster).unwrap();
    assert!(
        note.contains("rosa create idp --cluster=lab --type=htpasswd --name=maas-users"),
        "{note}"
    );
    assert!(
        note.contains("rosa create idp --cluster=lab --type=ldap --name=corporate-ldap"),
        "{note}"
    );
    assert!(note.contains("ldap-bind-password"), "{note}");
    insta::assert_snapshot!(note);
}

#[test]
fn rosa_machine_pools_are_documented_not_emitted() {
    let loaded = load_minimal_with(|t| {
        t.replace(
            "        type: baremetal\n",
            "        type: aws\n        managed: rosa\n        region: us-east-2\n      machinePools:\n        - {name: l4, instanceType: g6.xlarge, zones: [us-east-2a, us-east-2b, us-east-2c], autoscale: {min: 1, max: 5}}\n",
        )
    })
    .unwrap_or_else(|e| panic!("{}", e.render()));
    let tree = tree(&loaded);
    let objects = objects(&tree, "lab");
    for kind in ["MachineSet", "MachineAutoscaler", "ClusterAutoscaler"] {
        assert!(find(&objects, kind).is_none(), "{kind}");
    }
    let cluster = &loaded.platform.clusters[0];
    assert!(maasc::plan::notes::machine_pools_note(cluster).is_some());
    let note = maasc::plan::notes::machine_pools_note(cluster).unwrap();
    // min 1, max 5 over three zones: 1/0/0 and 2/2/1.
    for line in [
        "--name=l4-1 --instance-type=g6.xlarge --availability-zone=us-east-2a --enable-autoscaling --min-replicas=1 --max-replicas=2",
        "--name=l4-2 --instance-type=g6.xlarge --availability-zone=us-east-2b --enable-autoscaling --min-replicas=0 --max-replicas=2",
        "--name=l4-3 --instance-type=g6.xlarge --availability-zone=us-east-2c --enable-autoscaling --min-replicas=0 --max-replicas=1",
    ] {
        assert!(note.contains(line), "{line}\n{note}");
    }
    // The label the models select and the GPU taint they tolerate.
    assert!(
        note.contains("--labels=maas.opendatahub.io/pool=l4 --taints=nvidia.com/gpu=:NoSchedule"),
        "{note}"
    );
    insta::assert_snapshot!(note);
    // Self-managed: the tree holds the MachineSets, no note.
    let self_managed = load(&example_path("dev-prod"));
    for c in &self_managed.platform.clusters {
        assert!(maasc::plan::notes::machine_pools_note(c).is_none());
        assert!(maasc::plan::notes::identity_note(&self_managed.platform, c).is_none());
    }
}
