//! Access equivalence between the two MaaS API eras: which tier (with which
//! groups and token quota) can call which model on which cluster, computed
//! from the generated objects alone, must be the same in the tier era, in
//! the subscription era, and as maas.yaml's `tiers:` lists say.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use maasc::model::{MAX_SUBSCRIPTION_TOKENS, MaasApi};
use maasc::tree::{GeneratedTree, TreeObject};
use serde_json::Value;

/// (cluster, tier, the tier's groups, model `ns/name`, token quota)
type Grant = (String, String, Vec<String>, String, Option<(u64, String)>);

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn group_names(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|g| g["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn quota(rate: &Value) -> Option<(u64, String)> {
    let limit = rate["limit"].as_u64()?;
    let window = rate["window"].as_str()?.to_string();
    // The subscription era cannot say "no limit"; maasc writes the API's
    // maximum per second instead (warning W101).
    (!(limit == MAX_SUBSCRIPTION_TOKENS && window == "1s")).then_some((limit, window))
}

/// Every object of every cluster, as ArgoCD would apply them.
fn objects_by_cluster(tree: &GeneratedTree) -> BTreeMap<String, Vec<TreeObject>> {
    let mut out: BTreeMap<String, Vec<TreeObject>> = BTreeMap::new();
    for root in tree.roots() {
        let cluster = root.split('/').next().unwrap().to_string();
        out.entry(cluster)
            .or_default()
            .extend(tree.build(&root).expect("builds"));
    }
    out
}

/// Tier era: the tier ConfigMap says who is in a tier, the model annotation
/// which tiers may call it, the TokenRateLimitPolicy the quota.
fn tier_era_grants(cluster: &str, objects: &[TreeObject], grants: &mut BTreeSet<Grant>) {
    let Some(mapping) = objects
        .iter()
        .find(|o| o.kind() == "ConfigMap" && o.name() == "tier-to-group-mapping")
    else {
        return;
    };
    let tiers: Vec<Value> =
        serde_saphyr::from_str(mapping.value["data"]["tiers"].as_str().unwrap()).unwrap();
    let groups: BTreeMap<String, Vec<String>> = tiers
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                strings(&t["groups"]),
            )
        })
        .collect();
    let quotas: BTreeMap<String, Option<(u64, String)>> = objects
        .iter()
        .filter(|o| o.kind() == "TokenRateLimitPolicy")
        .flat_map(|o| o.value["spec"]["limits"].as_object().unwrap().clone())
        .map(|(key, limit)| {
            let tier = key.strip_suffix("-tokens").unwrap().to_string();
            (tier, quota(&limit["rates"][0]))
        })
        .collect();
    for isvc in objects.iter().filter(|o| o.kind() == "LLMInferenceService") {
        let annotation = &isvc.value["metadata"]["annotations"]["alpha.maas.opendatahub.io/tiers"];
        let tiers: Vec<String> = serde_json::from_str(annotation.as_str().unwrap()).unwrap();
        for tier in tiers {
            let members = groups.get(&tier).unwrap_or_else(|| {
                panic!(
                    "{cluster}: model {} names tier {tier}, absent from the ConfigMap",
                    isvc.name()
                )
            });
            grants.insert((
                cluster.to_string(),
                tier.clone(),
                members.clone(),
                format!("{}/{}", isvc.namespace(), isvc.name()),
                quotas.get(&tier).cloned().flatten(),
            ));
        }
    }
}

/// Subscription era: a tier may call a model when its MaaSAuthPolicy lists
/// it and a MaaSSubscription owned by the same groups gives it a quota; the
/// model must be exposed by a MaaSModelRef naming its LLMInferenceService.
fn subscription_era_grants(cluster: &str, objects: &[TreeObject], grants: &mut BTreeSet<Grant>) {
    let exposed: BTreeSet<String> = objects
        .iter()
        .filter(|o| o.kind() == "MaaSModelRef")
        .filter(|r| {
            let target = r.value["spec"]["modelRef"]["name"].as_str().unwrap();
            objects.iter().any(|o| {
                o.kind() == "LLMInferenceService"
                    && o.namespace() == r.namespace()
                    && o.name() == target
            })
        })
        .map(|r| format!("{}/{}", r.namespace(), r.name()))
        .collect();
    let subscriptions: Vec<&TreeObject> = objects
        .iter()
        .filter(|o| o.kind() == "MaaSSubscription")
        .collect();
    for policy in objects.iter().filter(|o| o.kind() == "MaaSAuthPolicy") {
        let tier = policy.name().strip_suffix("-access").unwrap();
        let groups = group_names(&policy.value["spec"]["subjects"]["groups"]);
        for m in policy.value["spec"]["modelRefs"].as_array().unwrap() {
            let model = format!(
                "{}/{}",
                m["namespace"].as_str().unwrap(),
                m["name"].as_str().unwrap()
            );
            assert!(
                exposed.contains(&model),
                "{cluster}: {model} has no MaaSModelRef"
            );
            let subscribed = subscriptions
                .iter()
                .filter(|s| group_names(&s.value["spec"]["owner"]["groups"]) == groups)
                .flat_map(|s| s.value["spec"]["modelRefs"].as_array().unwrap())
                .find(|r| {
                    format!(
                        "{}/{}",
                        r["namespace"].as_str().unwrap(),
                        r["name"].as_str().unwrap()
                    ) == model
                })
                .unwrap_or_else(|| {
                    panic!("{cluster}: tier {tier} may call {model} but has no subscription for it")
                });
            grants.insert((
                cluster.to_string(),
                tier.to_string(),
                groups.clone(),
                model,
                quota(&subscribed["tokenRateLimits"][0]),
            ));
        }
    }
}

fn grants_of(tree: &GeneratedTree) -> BTreeSet<Grant> {
    let mut grants = BTreeSet::new();
    for (cluster, objects) in objects_by_cluster(tree) {
        tier_era_grants(&cluster, &objects, &mut grants);
        subscription_era_grants(&cluster, &objects, &mut grants);
    }
    grants
}

/// What maas.yaml says, with the eras' shared conversions (days → hours).
fn declared_grants(loaded: &maasc::Loaded) -> BTreeSet<Grant> {
    let p = &loaded.platform;
    let mut grants = BTreeSet::new();
    for c in &p.clusters {
        for m in p.models_on(&c.name) {
            for t in m.tiers.iter().filter_map(|t| p.tier(t)) {
                if t.groups.is_empty() {
                    continue; // grants nobody, in either era
                }
                let tokens = p.limits_on(t, c).tokens;
                grants.insert((
                    c.name.to_string(),
                    t.name.to_string(),
                    t.groups.clone(),
                    format!("{}/{}", m.namespace, m.name),
                    tokens.map(|r| (r.limit, r.window.for_subscriptions().unwrap().to_string())),
                ));
            }
        }
    }
    grants
}

/// The example's tree with every cluster on `api` (`None`: as written).
fn tree_in_era(example: &str, api: Option<MaasApi>) -> GeneratedTree {
    let mut loaded = load(&example_path(example));
    if let Some(api) = api {
        for c in &mut loaded.platform.clusters {
            c.api = api;
        }
    }
    GeneratedTree::from(maasc::build_tree(&loaded, None).expect("renders"))
}

#[test]
fn both_eras_grant_exactly_what_maas_yaml_declares() {
    for example in EXAMPLES {
        let declared = declared_grants(&load(&example_path(example)));
        assert!(!declared.is_empty(), "{example} declares access");
        let as_written = grants_of(&tree_in_era(example, None));
        let tiers = grants_of(&tree_in_era(example, Some(MaasApi::Tiers)));
        let subscriptions = grants_of(&tree_in_era(example, Some(MaasApi::Subscriptions)));
        assert_eq!(tiers, declared, "{example}: tier era");
        assert_eq!(subscriptions, declared, "{example}: subscription era");
        assert_eq!(as_written, declared, "{example}: as written");
    }
}

#[test]
fn a_subscription_cluster_has_no_tier_objects_and_a_tier_cluster_no_subscription_objects() {
    let tree = tree_in_era("migration", None);
    let clusters = objects_by_cluster(&tree);
    let kinds = |c: &str| -> BTreeSet<String> {
        clusters[c].iter().map(|o| o.kind().to_string()).collect()
    };
    let dev = kinds("dev");
    for k in ["MaaSModelRef", "MaaSAuthPolicy", "MaaSSubscription"] {
        assert!(dev.contains(k), "dev has {k}");
    }
    for k in [
        "TokenRateLimitPolicy",
        "RateLimitPolicy",
        "AuthPolicy",
        "ConfigMap",
    ] {
        assert!(!dev.contains(k), "dev (subscriptions) has no {k}");
    }
    assert!(clusters["dev"].iter().all(|o| {
        o.value["metadata"]["annotations"]
            .get("alpha.maas.opendatahub.io/tiers")
            .is_none()
    }));
    let prod = kinds("prod");
    for k in ["MaaSModelRef", "MaaSAuthPolicy", "MaaSSubscription"] {
        assert!(!prod.contains(k), "prod (tiers) has no {k}");
    }
    assert!(prod.contains("TokenRateLimitPolicy") && prod.contains("ConfigMap"));
    // Both enable MaaS in the DataScienceCluster.
    for c in ["dev", "prod"] {
        let dsc = clusters[c]
            .iter()
            .find(|o| o.kind() == "DataScienceCluster")
            .unwrap();
        assert_eq!(
            dsc.value["spec"]["components"]["kserve"]["modelsAsService"]["managementState"],
            "Managed"
        );
    }
}
