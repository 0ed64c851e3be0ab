//! Who may call which model, read back from the generated objects alone
//! (the tier ConfigMap, model annotations and TokenRateLimitPolicy in the
//! tier era; MaaSAuthPolicy and MaaSSubscription in the subscription era,
//! for served and external models alike).
//! Shared by tests/access.rs and tests/access_matrix.rs.

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use maasc::model::{MAX_SUBSCRIPTION_TOKENS, MaasApi};
use maasc::tree::{GeneratedTree, TreeObject};
use serde_json::Value;

/// (cluster, tier, the tier's groups, model `ns/name`, token quota)
pub type Grant = (String, String, Vec<String>, String, Option<(u64, String)>);

pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub fn group_names(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|g| g["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub fn quota(rate: &Value) -> Option<(u64, String)> {
    let limit = rate["limit"].as_u64()?;
    let window = rate["window"].as_str()?.to_string();
    // The subscription era cannot say "no limit"; maasc writes the API's
    // maximum per second instead (warning W101).
    (!(limit == MAX_SUBSCRIPTION_TOKENS && window == "1s")).then_some((limit, window))
}

/// Every object of every cluster, as ArgoCD would apply them.
pub fn objects_by_cluster(tree: &GeneratedTree) -> BTreeMap<String, Vec<TreeObject>> {
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
pub fn tier_era_grants(cluster: &str, objects: &[TreeObject], grants: &mut BTreeSet<Grant>) {
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
pub fn subscription_era_grants(
    cluster: &str,
    objects: &[TreeObject],
    grants: &mut BTreeSet<Grant>,
) {
    // Tenant era (RHOAI 3.5): maas-controller serves the Gateway each
    // AITenant names (AITenant → Gateway); a model is reached only through
    // its own tenant's (`spec.tenantRef`, else the default tenant's).
    let tenant_gateways: Option<BTreeMap<String, String>> =
        objects.iter().any(|o| o.kind() == "AITenant").then(|| {
            objects
                .iter()
                .filter(|o| o.kind() == "AITenant")
                .map(|t| {
                    let gateway = t.value["spec"]["gateway"]["name"].as_str().unwrap();
                    (t.name().to_string(), gateway.to_string())
                })
                .collect()
        });
    // Exposed model → the tenant it belongs to.
    let exposed: BTreeMap<String, String> = objects
        .iter()
        .filter(|o| o.kind() == "MaaSModelRef")
        .filter_map(|r| {
            let tenant = r.value["spec"]["tenantRef"]
                .as_str()
                .unwrap_or(DEFAULT_TENANT)
                .to_string();
            // A served model (LLMInferenceService) or an external one
            // (ExternalModel with a provider, endpoint and credentials).
            let target = r.value["spec"]["modelRef"]["name"].as_str().unwrap();
            let kind = r.value["spec"]["modelRef"]["kind"].as_str().unwrap();
            let reached = objects.iter().any(|o| {
                o.kind() == kind
                    && o.namespace() == r.namespace()
                    && o.name() == target
                    && match kind {
                        "LLMInferenceService" => tenant_gateways.as_ref().is_none_or(|gws| {
                            gws.get(&tenant).is_some_and(|gw| routes_through(o, gw))
                        }),
                        "ExternalModel" => {
                            ["provider", "endpoint", "targetModel"]
                                .iter()
                                .all(|f| o.value["spec"][f].as_str().is_some_and(|v| !v.is_empty()))
                                && o.value["spec"]["credentialRef"]["name"].as_str().is_some()
                        }
                        _ => false,
                    }
            });
            reached.then(|| (format!("{}/{}", r.namespace(), r.name()), tenant))
        })
        .collect();
    for policy in objects.iter().filter(|o| o.kind() == "MaaSAuthPolicy") {
        let tier = policy.name().strip_suffix("-access").unwrap();
        let groups = group_names(&policy.value["spec"]["subjects"]["groups"]);
        // A tenant's policies live in its namespace (maas-api-<tenant>
        // watches only that one), beside its subscriptions.
        let tenant = tenant_of_namespace(policy.namespace());
        let subscriptions: Vec<&TreeObject> = objects
            .iter()
            .filter(|o| o.kind() == "MaaSSubscription" && o.namespace() == policy.namespace())
            .collect();
        for m in policy.value["spec"]["modelRefs"].as_array().unwrap() {
            let model = format!(
                "{}/{}",
                m["namespace"].as_str().unwrap(),
                m["name"].as_str().unwrap()
            );
            let owner = exposed
                .get(&model)
                .unwrap_or_else(|| panic!("{cluster}: {model} has no MaaSModelRef"));
            assert_eq!(
                *owner, tenant,
                "{cluster}: {model} of tenant {owner} is granted by a policy of tenant {tenant}"
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

/// The default AITenant (and the tenant of the subscription era's objects).
const DEFAULT_TENANT: &str = "models-as-a-service";

/// The tenant whose MaaSAuthPolicies and MaaSSubscriptions `namespace` holds:
/// the default tenant's `models-as-a-service`, or `ai-tenant-<name>`.
fn tenant_of_namespace(namespace: &str) -> String {
    match namespace.strip_prefix("ai-tenant-") {
        Some(t) => t.to_string(),
        None => {
            assert_eq!(namespace, DEFAULT_TENANT, "a policy outside every tenant");
            DEFAULT_TENANT.to_string()
        }
    }
}

/// Whether an LLMInferenceService attaches to `gateway`.
fn routes_through(isvc: &TreeObject, gateway: &str) -> bool {
    isvc.value["spec"]["router"]["gateway"]["refs"]
        .as_array()
        .is_some_and(|refs| refs.iter().any(|r| r["name"].as_str() == Some(gateway)))
}

pub fn grants_of(tree: &GeneratedTree) -> BTreeSet<Grant> {
    let mut grants = BTreeSet::new();
    for (cluster, objects) in objects_by_cluster(tree) {
        tier_era_grants(&cluster, &objects, &mut grants);
        subscription_era_grants(&cluster, &objects, &mut grants);
    }
    grants
}

/// The example's tree with every cluster on `api` (`None`: as written).
pub fn tree_in_era(example: &str, api: Option<MaasApi>) -> GeneratedTree {
    let mut loaded = load(&example_path(example));
    if let Some(api) = api {
        for c in &mut loaded.platform.clusters {
            c.api = api;
        }
    }
    GeneratedTree::from(maasc::build_tree(&loaded, None).expect("renders"))
}
