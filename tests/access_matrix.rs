//! `maasc access` against what the generated policies enforce: for every
//! example, in both eras, the access matrix must list exactly the grants
//! read back from the generated objects (tests/common/grants.rs), with the
//! same token quotas, and the request limits of the tier era's
//! RateLimitPolicy.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::grants::*;
use common::*;
use maasc::access::{self, Format, Subject};
use maasc::model::MaasApi;

/// The example loaded with every cluster on `api` (`None`: as written).
fn platform_in_era(example: &str, api: Option<MaasApi>) -> maasc::model::Platform {
    let mut loaded = load(&example_path(example));
    if let Some(api) = api {
        for c in &mut loaded.platform.clusters {
            c.api = api;
        }
    }
    loaded.platform
}

/// The matrix as the tests' grant tuples.
fn matrix_grants(p: &maasc::model::Platform) -> BTreeSet<Grant> {
    let mut out = BTreeSet::new();
    for c in access::matrix(p) {
        for g in &c.grants {
            let groups = c
                .tiers
                .iter()
                .find(|t| t.name == g.tier)
                .unwrap()
                .groups
                .clone();
            out.insert((
                c.cluster.clone(),
                g.tier.clone(),
                groups,
                g.model.clone(),
                g.tokens.map(|r| (r.limit, r.window.to_string())),
            ));
        }
    }
    out
}

/// Tier era request limits per (cluster, tier), from the RateLimitPolicy.
fn generated_request_limits(
    tree: &maasc::tree::GeneratedTree,
) -> BTreeMap<(String, String), (u64, String)> {
    let mut out = BTreeMap::new();
    for (cluster, objects) in objects_by_cluster(tree) {
        for o in objects.iter().filter(|o| o.kind() == "RateLimitPolicy") {
            for (key, limit) in o.value["spec"]["limits"].as_object().unwrap() {
                let tier = key.strip_suffix("-requests").unwrap().to_string();
                let rate = &limit["rates"][0];
                out.insert(
                    (cluster.clone(), tier),
                    (
                        rate["limit"].as_u64().unwrap(),
                        rate["window"].as_str().unwrap().to_string(),
                    ),
                );
            }
        }
    }
    out
}

#[test]
fn the_matrix_agrees_with_the_generated_policies_in_both_eras() {
    for example in EXAMPLES {
        for api in [None, Some(MaasApi::Tiers), Some(MaasApi::Subscriptions)] {
            let p = platform_in_era(example, api);
            let tree = tree_in_era(example, api);
            assert_eq!(
                matrix_grants(&p),
                grants_of(&tree),
                "{example} ({api:?}): matrix vs generated grants"
            );
            let requests = generated_request_limits(&tree);
            for c in access::matrix(&p) {
                for t in &c.tiers {
                    let generated = requests.get(&(c.cluster.clone(), t.name.clone()));
                    let ours = t.requests.map(|r| (r.limit, r.window.to_string()));
                    match c.era {
                        MaasApi::Tiers => assert_eq!(
                            ours.as_ref(),
                            generated,
                            "{example}/{}: requests of {}",
                            c.cluster,
                            t.name
                        ),
                        MaasApi::Subscriptions => {
                            assert_eq!(ours, None, "no request limits in the subscription era");
                            assert_eq!(generated, None);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn cluster_overrides_change_the_limits_of_one_cluster() {
    let p = load(&example_path("dev-prod")).platform;
    let m = access::matrix(&p);
    let ent = |c: &str| {
        m.iter()
            .find(|x| x.cluster == c)
            .unwrap()
            .tiers
            .iter()
            .find(|t| t.name == "enterprise")
            .unwrap()
            .clone()
    };
    assert_eq!(ent("dev").requests.unwrap().to_string(), "50/1m");
    assert_eq!(ent("prod").requests.unwrap().to_string(), "300/1m");
}

#[test]
fn a_user_gets_the_highest_tier_of_their_groups() {
    let p = load(&example_path("dev-prod")).platform;
    let groups = access::user_groups(&p, "analyst1").unwrap();
    assert!(groups.contains("premium-users") && groups.contains("system:authenticated"));
    let m = access::matrix(&p);
    let reach = m[0].reach(&groups);
    assert!(!reach.is_empty());
    assert!(reach.iter().all(|g| g.tier == "premium"), "{reach:?}");
    // Someone only authenticated gets free.
    let anyone = BTreeSet::from(["system:authenticated".to_string()]);
    assert!(m[0].reach(&anyone).iter().all(|g| g.tier == "free"));
    // Unknown users are refused, not given `free` silently.
    assert!(access::user_groups(&p, "nobody-here").is_none());
}

#[test]
fn the_subscription_era_reaches_the_union_of_a_users_subscriptions() {
    let p = platform_in_era("dev-prod", Some(MaasApi::Subscriptions));
    let m = access::matrix(&p);
    let groups = access::user_groups(&p, "analyst1").unwrap();
    let reach = m[0].reach(&groups);
    // Every premium model, through the premium subscription (higher priority
    // than free's for the models both cover).
    assert!(reach.iter().all(|g| g.via == "premium-subscription"));
    let premium = m[0].grants_of("premium").count();
    assert_eq!(reach.len(), premium);
}

#[test]
fn views_render_in_every_format() {
    let p = load(&example_path("migration")).platform;
    let m = access::matrix(&p);
    let text = access::render_matrix(&m, Format::Text);
    assert!(text.contains("cluster dev (subscriptions era"), "{text}");
    assert!(text.contains("cluster prod (tiers era"), "{text}");
    // 3.5 (tenants) grants as the subscription era does.
    assert!(text.contains("cluster canary (subscriptions era"), "{text}");
    let md = access::render_matrix(&m, Format::Md);
    assert!(md.contains("| tier (level) | limits |"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&access::render_matrix(&m, Format::Json)).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 3);
    let user = access::render_subject(&p, &m, &Subject::User("dev1".into()), Format::Text).unwrap();
    assert!(user.contains("enterprise-subscription"), "{user}");
    assert!(user.contains("external groups are not known"), "{user}");
    let model = access::render_subject(
        &p,
        &m,
        &Subject::Model("mistral-7b-instruct".into()),
        Format::Json,
    )
    .unwrap();
    let model: serde_json::Value = serde_json::from_str(&model).unwrap();
    assert_eq!(model[1]["grants"][0]["tier"], "enterprise");
    assert!(
        access::render_subject(&p, &m, &Subject::Group("no-such".into()), Format::Text).is_err()
    );
}
