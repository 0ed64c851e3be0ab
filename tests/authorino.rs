//! The tier era's control path, read from the generated objects: the
//! gateway AuthPolicy fails closed when no tier is resolved, the access
//! review sees the user's groups, Authorino serves TLS with a service-CA
//! certificate and trusts the service CA, and every tier group may read
//! what it needs to mint a token.

mod common;

use std::collections::BTreeSet;

use common::grants::*;
use common::*;
use maasc::model::MaasApi;
use maasc::tree::{GeneratedTree, TreeObject};
use serde_json::{Value, json};

/// Evaluates the CEL subset Authorino predicates use here: `a && b`,
/// `has(path)`, `path != "lit"`, `path == "lit"`, over an authorization
/// JSON. A missing path in a comparison is an evaluation error, which
/// Authorino treats as a denial (`None`).
fn cel(expr: &str, auth: &Value) -> Option<bool> {
    let lookup = |path: &str| -> Option<Value> {
        let mut v = auth;
        for key in path.trim().split('.') {
            v = v.get(key)?;
        }
        Some(v.clone())
    };
    let mut result = true;
    for term in expr.split("&&").map(str::trim) {
        let value = if let Some(path) = term.strip_prefix("has(").and_then(|t| t.strip_suffix(')'))
        {
            lookup(path).is_some()
        } else if let Some((path, lit)) = term.split_once("!=") {
            lookup(path)? != serde_json::from_str::<Value>(lit.trim()).unwrap()
        } else if let Some((path, lit)) = term.split_once("==") {
            lookup(path)? == serde_json::from_str::<Value>(lit.trim()).unwrap()
        } else {
            panic!("predicate term outside the tested subset: {term}")
        };
        result = result && value;
        if !result {
            return Some(false); // CEL's && short-circuits
        }
    }
    Some(result)
}

/// Whether the AuthPolicy's pattern-matching rules let a request with this
/// authorization JSON through (the access review assumed to allow it).
fn patterns_allow(policy: &TreeObject, auth: &Value) -> bool {
    let rules = policy.value["spec"]["rules"]["authorization"]
        .as_object()
        .unwrap();
    let mut matched = 0;
    for rule in rules.values() {
        let Some(patterns) = rule["patternMatching"]["patterns"].as_array() else {
            continue;
        };
        matched += 1;
        for p in patterns {
            let predicate = p["predicate"].as_str().expect("a CEL predicate");
            if cel(predicate, auth) != Some(true) {
                return false;
            }
        }
    }
    assert!(matched > 0, "the AuthPolicy has a pattern-matching rule");
    true
}

fn gateway_policies() -> Vec<(String, TreeObject)> {
    let mut out = Vec::new();
    for example in EXAMPLES {
        for (cluster, objects) in objects_by_cluster(&tree_in_era(example, Some(MaasApi::Tiers))) {
            for o in objects {
                if o.kind() == "AuthPolicy" && o.name() == "gateway-auth-policy" {
                    out.push((format!("{example}/{cluster}"), o));
                }
            }
        }
    }
    assert!(!out.is_empty());
    out
}

#[test]
fn a_user_without_a_resolved_tier_is_denied() {
    let identity = json!({"user": {"username": "alice", "groups": ["acme"]}});
    for (at, policy) in gateway_policies() {
        // The tier lookup failed (maas-api unreachable): no metadata at all.
        let failed = json!({"identity": identity, "metadata": {}});
        assert!(
            !patterns_allow(&policy, &json!({"auth": failed})),
            "{at}: lookup failed"
        );
        // maas-api answered without a tier.
        let empty = json!({"identity": identity, "metadata": {"matchedTier": {"tier": ""}}});
        assert!(
            !patterns_allow(&policy, &json!({"auth": empty})),
            "{at}: empty tier"
        );
        let none = json!({"identity": identity, "metadata": {"matchedTier": {}}});
        assert!(
            !patterns_allow(&policy, &json!({"auth": none})),
            "{at}: no tier"
        );
        // A resolved tier passes (its limits then apply).
        let resolved = json!({"identity": identity, "metadata": {"matchedTier": {"tier": "free", "displayName": "Free"}}});
        assert!(
            patterns_allow(&policy, &json!({"auth": resolved})),
            "{at}: resolved"
        );
    }
}

#[test]
fn the_access_review_sees_the_users_groups() {
    for (at, policy) in gateway_policies() {
        let sar = &policy.value["spec"]["rules"]["authorization"]["tier-access"]["kubernetesSubjectAccessReview"];
        assert_eq!(
            sar["authorizationGroups"],
            json!({"expression": "auth.identity.user.groups"}),
            "{at}"
        );
        assert_eq!(
            sar["user"],
            json!({"expression": "auth.identity.user.username"}),
            "{at}"
        );
    }
}

#[test]
fn authorino_tls_is_left_alone_unless_asked() {
    for example in EXAMPLES {
        let tree = tree_in_era(example, Some(MaasApi::Tiers));
        for (cluster, objects) in objects_by_cluster(&tree) {
            assert!(
                !objects.iter().any(|o| o.kind() == "Authorino"),
                "{example}/{cluster}: the Authorino CR is co-owned: only with maas.authorinoTls"
            );
        }
    }
}

#[test]
fn authorino_serves_tls_and_trusts_the_service_ca_in_every_era() {
    let mut checked = BTreeSet::new();
    for (example, api) in EXAMPLES
        .iter()
        .flat_map(|e| [(e, MaasApi::Tiers), (e, MaasApi::Subscriptions)])
    {
        // `maas.authorinoTls: true`, every cluster in one era: the gateway
        // reaches maas-api through Authorino in both (upstream leaves its
        // TLS to a script in v0.0.2, v0.1.1 and v0.2.1 alike).
        let mut loaded = load(&example_path(example));
        loaded.platform.authorino_tls = true;
        for c in &mut loaded.platform.clusters {
            c.api = api;
        }
        let tree = GeneratedTree::from(maasc::build_tree(&loaded, None).expect("renders"));
        for (cluster, objects) in objects_by_cluster(&tree) {
            let at = format!("{example}/{cluster} ({api:?})");
            let maas = objects
                .iter()
                .any(|o| o.kind() == "AuthPolicy" || o.kind() == "MaaSAuthPolicy");
            if !maas || !objects.iter().any(|o| o.kind() == "Kuadrant") {
                continue;
            }
            checked.insert(format!("{api:?}"));
            let find = |kind: &str, name: &str| {
                objects
                    .iter()
                    .find(|o| o.kind() == kind && o.name() == name)
                    .unwrap_or_else(|| panic!("{at}: no {kind} {name}"))
            };
            let authorino = find("Authorino", "authorino");
            let ns = authorino.namespace();
            let kuadrant = objects.iter().find(|o| o.kind() == "Kuadrant").unwrap();
            assert_eq!(ns, kuadrant.namespace(), "{at}: Authorino beside Kuadrant");
            // Inbound: the listener serves the certificate the service CA
            // issues for Authorino's Service.
            let spec = &authorino.value["spec"];
            assert_eq!(spec["listener"]["tls"]["enabled"], true, "{at}");
            let secret = spec["listener"]["tls"]["certSecretRef"]["name"]
                .as_str()
                .unwrap();
            let service = find("Service", "authorino-authorino-authorization");
            assert_eq!(service.namespace(), ns);
            assert_eq!(
                service.value["metadata"]["annotations"]["service.beta.openshift.io/serving-cert-secret-name"],
                secret,
                "{at}"
            );
            // Outbound: the volume over Go's CA directory holds the service
            // CA and the cluster trust bundle, each filled by OpenShift.
            let volume = spec["volumes"]["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["mountPath"] == "/etc/pki/tls/certs")
                .expect("a volume over the CA directory");
            let maps = strings(&volume["configMaps"]);
            let injected: BTreeSet<&str> = maps
                .iter()
                .map(|m| {
                    let cm = find("ConfigMap", m);
                    assert_eq!(cm.namespace(), ns);
                    let meta = &cm.value["metadata"];
                    if meta["annotations"]["service.beta.openshift.io/inject-cabundle"] == "true" {
                        "service-ca"
                    } else if meta["labels"]["config.openshift.io/inject-trusted-cabundle"]
                        == "true"
                    {
                        "trusted-ca"
                    } else {
                        panic!("{at}: ConfigMap {m} is filled by nobody")
                    }
                })
                .collect();
            assert_eq!(
                injected,
                BTreeSet::from(["service-ca", "trusted-ca"]),
                "{at}"
            );
            // Operator-owned: never pruned or deleted by ArgoCD.
            for o in [authorino, service] {
                let options = o.value["metadata"]["annotations"]["argocd.argoproj.io/sync-options"]
                    .as_str()
                    .unwrap();
                for opt in ["ServerSideApply=true", "Prune=false", "Delete=false"] {
                    assert!(options.contains(opt), "{at}: {} {opt}", o.kind());
                }
            }
        }
    }
    assert_eq!(checked.len(), 2, "both eras were checked: {checked:?}");
}

#[test]
fn every_tier_group_may_read_the_ingress_config() {
    // The examples' tiers name defined, external and `system:` groups.
    for example in EXAMPLES {
        let loaded = load(&example_path(example));
        let tree = tree_in_era(example, None);
        let tier_groups: BTreeSet<String> = loaded
            .platform
            .tiers
            .iter()
            .flat_map(|t| t.groups.iter().cloned())
            .collect();
        for (cluster, objects) in objects_by_cluster(&tree) {
            let Some(binding) = objects.iter().find(|o| {
                o.kind() == "ClusterRoleBinding" && o.name() == "maas-ingress-config-viewer"
            }) else {
                assert!(tier_groups.is_empty(), "{example}/{cluster}: no binding");
                continue;
            };
            let bound: BTreeSet<String> = binding.value["subjects"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["kind"] == "Group")
                .map(|s| s["name"].as_str().unwrap().to_string())
                .collect();
            assert_eq!(bound, tier_groups, "{example}/{cluster}");
        }
    }
}
