//! Access equivalence between the two MaaS API eras: which tier (with which
//! groups and token quota) can call which model on which cluster, computed
//! from the generated objects alone, must be the same in the tier era, in
//! the subscription era, and as maas.yaml's `tiers:` lists say.

mod common;

use std::collections::BTreeSet;

use common::grants::*;
use common::*;
use maasc::model::MaasApi;

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
