//! Additional tenants (RHOAI 3.5, `maas.tenants`): each gets an AITenant, a
//! Gateway of its own that admits only namespaces with its label, and its
//! own MaaSAuthPolicies and MaaSSubscriptions in `ai-tenant-<name>` naming
//! only its models; a model of a tenant is routed through that tenant's
//! Gateway and says so in its MaaSModelRef (models-as-a-service v0.2.x
//! `multi-tenant-setup.md`).

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::grants::objects_by_cluster;
use common::*;
use maasc::tree::TreeObject;
use serde_json::Value;

const ACCESS: &str = "maas.opendatahub.io/gateway-access";

fn shared() -> Vec<TreeObject> {
    objects_by_cluster(&grants::tree_in_era("tenants", None))
        .remove("shared")
        .expect("the tenants example has cluster `shared`")
}

/// The tenants example's objects by cluster, with `from` replaced by `to`
/// in its maas.yaml.
fn edited_tree(from: &str, to: &str) -> BTreeMap<String, Vec<TreeObject>> {
    let loaded = load_example_with("tenants", |t| t.replace(from, to))
        .unwrap_or_else(|e| panic!("{}", e.render()));
    objects_by_cluster(&maasc::tree::GeneratedTree::from(
        maasc::build_tree(&loaded, None).unwrap(),
    ))
}

fn find<'a>(objects: &'a [TreeObject], kind: &str, ns: &str, name: &str) -> &'a TreeObject {
    objects
        .iter()
        .find(|o| o.kind() == kind && o.namespace() == ns && o.name() == name)
        .unwrap_or_else(|| panic!("no {kind} {ns}/{name}"))
}

fn labels(o: &TreeObject) -> BTreeSet<String> {
    o.value["metadata"]["labels"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn model_refs(o: &TreeObject) -> BTreeSet<String> {
    o.value["spec"]["modelRefs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}/{}",
                r["namespace"].as_str().unwrap(),
                r["name"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn each_tenant_has_its_aitenant_gateway_and_tenant_config() {
    let objects = shared();
    let loaded = load(&example_path("tenants"));
    assert_eq!(loaded.platform.tenants.len(), 2);
    for t in &loaded.platform.tenants {
        let name = t.name.as_str();
        let aitenant = find(&objects, "AITenant", "ai-tenants", name);
        let gateway = aitenant.value["spec"]["gateway"]["name"].as_str().unwrap();
        assert_eq!(gateway, t.gateway.name);
        let gw = find(&objects, "Gateway", "openshift-ingress", gateway);
        for listener in gw.value["spec"]["listeners"].as_array().unwrap() {
            let admits = &listener["allowedRoutes"]["namespaces"];
            assert_eq!(admits["from"], "Selector", "{gateway}");
            let selector: Vec<&String> = admits["selector"]["matchLabels"]
                .as_object()
                .unwrap()
                .keys()
                .collect();
            assert_eq!(selector, [&format!("{ACCESS}-{name}")], "{gateway}");
        }
        let home = format!("ai-tenant-{name}");
        find(&objects, "MaasTenantConfig", &home, "default-tenant");
        // Its namespace is stated (ArgoCD's dry run of the tenant config
        // needs it), naming the tenant as maas-controller does.
        let ns = find(&objects, "Namespace", "", &home);
        assert_eq!(
            ns.value["metadata"]["labels"]["maas.opendatahub.io/tenant-name"],
            name
        );
        // maas-api-<tenant>'s route attaches to the tenant's Gateway from
        // the infra namespace.
        let infra = find(&objects, "Namespace", "", "redhat-ai-gateway-infra");
        assert!(labels(infra).contains(&format!("{ACCESS}-{name}")));
    }
    // The default tenant keeps its Gateway; no two AITenants share one.
    let gateways: Vec<&str> = objects
        .iter()
        .filter(|o| o.kind() == "AITenant")
        .map(|o| o.value["spec"]["gateway"]["name"].as_str().unwrap())
        .collect();
    let distinct: BTreeSet<&str> = gateways.iter().copied().collect();
    assert_eq!(gateways.len(), 3);
    assert_eq!(distinct.len(), 3);
}

#[test]
fn a_tenant_model_is_routed_and_granted_through_its_tenant_only() {
    let objects = shared();
    let loaded = load(&example_path("tenants"));
    let mut seen = 0;
    for m in &loaded.platform.models {
        let ns = m.namespace.as_str();
        let id = format!("{ns}/{}", m.name);
        let isvc = find(&objects, "LLMInferenceService", ns, m.name.as_str());
        let refs: Vec<&str> = isvc.value["spec"]["router"]["gateway"]["refs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        let model_ref = find(&objects, "MaaSModelRef", ns, m.name.as_str());
        let namespace = find(&objects, "Namespace", "", ns);
        let (gateway, policy_ns, label) = match &m.tenant {
            Some(t) => {
                seen += 1;
                assert_eq!(model_ref.value["spec"]["tenantRef"], t.as_str(), "{id}");
                (
                    loaded.platform.tenant(t).unwrap().gateway.name.as_str(),
                    format!("ai-tenant-{t}"),
                    format!("{ACCESS}-{t}"),
                )
            }
            None => {
                assert_eq!(model_ref.value["spec"]["tenantRef"], Value::Null, "{id}");
                (
                    "maas-default-gateway",
                    "models-as-a-service".to_string(),
                    ACCESS.to_string(),
                )
            }
        };
        assert_eq!(refs, [gateway], "{id}");
        assert!(
            labels(namespace).contains(&label),
            "{id}: {ns} lacks {label}"
        );
        // Every policy naming the model is in its tenant's namespace, and
        // each of its tiers has one there.
        for o in objects
            .iter()
            .filter(|o| matches!(o.kind(), "MaaSAuthPolicy" | "MaaSSubscription"))
        {
            if model_refs(o).contains(&id) {
                assert_eq!(o.namespace(), policy_ns, "{id} in {}", o.name());
            }
        }
        for tier in &m.tiers {
            let policy = find(
                &objects,
                "MaaSAuthPolicy",
                &policy_ns,
                &format!("{tier}-access"),
            );
            assert!(model_refs(policy).contains(&id), "{id}: {tier}");
            let sub = find(
                &objects,
                "MaaSSubscription",
                &policy_ns,
                &format!("{tier}-subscription"),
            );
            assert!(model_refs(sub).contains(&id), "{id}: {tier}");
        }
    }
    assert_eq!(seen, 3, "the example has three tenant models");
    // A namespace with only tenant models does not open to the default
    // Gateway.
    for ns in ["research", "finance"] {
        let namespace = find(&objects, "Namespace", "", ns);
        assert!(!labels(namespace).contains(ACCESS), "{ns}");
    }
}

#[test]
fn tenants_reach_no_cluster_before_3_5() {
    // The same platform at 3.4: its tenants' models are refused (E066).
    let err = load_at("tenants", maasc::model::RhoaiVersion::V3_4)
        .err()
        .expect("a tenant's model on 3.4 is refused");
    assert!(
        err.diagnostics
            .iter()
            .any(|d| d.code == maasc::diagnostic::Code::TenantEra)
    );
    // Beside a 3.4 cluster (a migration): the tenants' models stay on the
    // 3.5 one by default, and nothing of a tenant reaches the 3.4 one.
    let clusters = edited_tree(
        "  clusters:\n",
        "  clusters:\n    - name: old\n      baseDomain: apps.old.example.com\n      platform: {type: baremetal}\n      operators: {openshiftAI: {version: \"3.4\"}}\n",
    );
    let tenant_models = |cluster: &str| -> BTreeSet<String> {
        clusters[cluster]
            .iter()
            .filter(|o| o.kind() == "MaaSModelRef" && o.value["spec"]["tenantRef"].is_string())
            .map(|o| o.name().to_string())
            .collect()
    };
    assert_eq!(tenant_models("shared").len(), 3);
    assert!(tenant_models("old").is_empty());
    let old = &clusters["old"];
    assert!(
        old.iter()
            .any(|o| o.kind() == "LLMInferenceService" && o.name() == "assistant")
    );
    for o in old {
        let tenant_label = labels(o)
            .iter()
            .any(|l| l.starts_with(&format!("{ACCESS}-")));
        assert!(
            !(o.kind() == "AITenant"
                || o.namespace().starts_with("ai-tenant-")
                || o.name().starts_with("ai-tenant-")
                || (o.kind() == "Gateway" && o.name() != "maas-default-gateway")
                || tenant_label),
            "old (3.4) has {} {}/{}",
            o.kind(),
            o.namespace(),
            o.name()
        );
    }
}

#[test]
fn a_model_namespace_admits_the_gateways_of_all_its_tenants() {
    // The default Gateway moved out of openshift-ingress (W103): `llm`
    // holds a default-tenant model and one of `research`, whose Gateway
    // stays in openshift-ingress, so its NetworkPolicy admits both.
    let objects = edited_tree(
        "  maas:\n",
        "  maas:\n    gateway: {namespace: maas-gateway}\n",
    )
    .remove("shared")
    .unwrap();
    let admitted = |ns: &str| -> BTreeSet<String> {
        let policy = find(
            &objects,
            "NetworkPolicy",
            ns,
            "allow-gateway-and-monitoring",
        );
        policy.value["spec"]["ingress"][0]["from"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| {
                f["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"].as_str()
            })
            .map(String::from)
            .collect()
    };
    assert_eq!(
        admitted("llm"),
        BTreeSet::from(["maas-gateway".to_string(), "openshift-ingress".to_string()])
    );
    assert_eq!(
        admitted("research"),
        BTreeSet::from(["openshift-ingress".to_string()])
    );
}
