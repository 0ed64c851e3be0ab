//! Access equivalence between the two MaaS API eras: which tier (with which
//! groups and token quota) can call which model on which cluster, computed
//! from the generated objects alone, must be the same in the tier era, in
//! the subscription era, and as maas.yaml's `tiers:` lists say.

mod common;

use std::collections::BTreeSet;

use common::grants::*;
use common::*;
use maasc::model::{MaasApi, RhoaiVersion};

/// What maas.yaml says, with the eras' shared conversions (days → hours),
/// with every cluster on `api` (`None`: as written). External models exist
/// on subscription-era clusters only.
fn declared_grants(loaded: &maasc::Loaded, api: Option<MaasApi>) -> BTreeSet<Grant> {
    let mut p = loaded.platform.clone();
    if let Some(api) = api {
        for c in &mut p.clusters {
            c.api = api;
        }
    }
    let p = &p;
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

/// `ns/name` of every external model.
fn external_models(loaded: &maasc::Loaded) -> BTreeSet<String> {
    model_ids(loaded, |m| m.serving.external().is_some())
}

/// `ns/name` of every model bound to an era: external models (RHOAI 3.4+)
/// and models of additional tenants (3.5).
fn era_bound_models(loaded: &maasc::Loaded) -> BTreeSet<String> {
    model_ids(loaded, |m| {
        m.serving.external().is_some() || m.tenant.is_some()
    })
}

fn model_ids(loaded: &maasc::Loaded, keep: fn(&maasc::model::Model) -> bool) -> BTreeSet<String> {
    loaded
        .platform
        .models
        .iter()
        .filter(|m| keep(m))
        .map(|m| format!("{}/{}", m.namespace, m.name))
        .collect()
}

#[test]
fn both_eras_grant_exactly_what_maas_yaml_declares() {
    for example in EXAMPLES {
        let loaded = load(&example_path(example));
        let declared = declared_grants(&loaded, None);
        assert!(!declared.is_empty(), "{example} declares access");
        // Served models are granted alike in every era; external ones only
        // where the era has ExternalModel, an additional tenant's only where
        // it has AITenant.
        let external = era_bound_models(&loaded);
        let served = |grants: &BTreeSet<Grant>| -> BTreeSet<Grant> {
            grants
                .iter()
                .filter(|g| !external.contains(&g.3))
                .cloned()
                .collect()
        };
        let declared_tiers = declared_grants(&loaded, Some(MaasApi::Tiers));
        let declared_subscriptions = declared_grants(&loaded, Some(MaasApi::Subscriptions));
        assert_eq!(served(&declared_tiers), served(&declared), "{example}");
        assert_eq!(
            served(&declared_subscriptions),
            served(&declared),
            "{example}"
        );
        assert!(declared_tiers.iter().all(|g| !external.contains(&g.3)));
        let as_written = grants_of(&tree_in_era(example, None));
        let tiers = grants_of(&tree_in_era(example, Some(MaasApi::Tiers)));
        let subscriptions = grants_of(&tree_in_era(example, Some(MaasApi::Subscriptions)));
        assert_eq!(tiers, declared_tiers, "{example}: tier era");
        assert_eq!(
            subscriptions, declared_subscriptions,
            "{example}: subscription era"
        );
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

#[test]
fn external_models_are_granted_like_served_ones_in_the_subscription_era_only() {
    let loaded = load(&example_path("migration"));
    let external = external_models(&loaded);
    assert!(!external.is_empty(), "migration has an external model");
    let declared = declared_grants(&loaded, None);
    let as_written = grants_of(&tree_in_era("migration", None));
    assert_eq!(as_written, declared);
    let reached = |grants: &BTreeSet<Grant>, cluster: &str| -> BTreeSet<String> {
        grants
            .iter()
            .filter(|g| g.0 == cluster && external.contains(&g.3))
            .map(|g| g.3.clone())
            .collect()
    };
    // dev speaks subscriptions: its external model is reached, with the
    // same tiers and quotas as declared; prod (tiers) has none.
    assert_eq!(reached(&as_written, "dev"), external);
    assert!(reached(&as_written, "prod").is_empty());
    // Forced into the tier era, no cluster serves it; forced into the
    // subscription era, dev still does.
    assert!(
        reached(
            &grants_of(&tree_in_era("migration", Some(MaasApi::Tiers))),
            "dev"
        )
        .is_empty()
    );
    assert_eq!(
        reached(
            &grants_of(&tree_in_era("migration", Some(MaasApi::Subscriptions))),
            "dev"
        ),
        external
    );
}

/// Issue 15 item 7: one access matrix in every era. Each example is loaded
/// (and checked) at every OpenShift AI version, so every cluster runs that
/// version's era and objects: 3.0/3.2 with the standalone maas-api, 3.3
/// tiers, 3.4 subscriptions, 3.5 tenants. The grants computed from each
/// tree alone equal maas.yaml's, and the served models' grants are the same
/// at every version. (That each version's objects validate against that
/// version's CRDs is `crd_schemas::every_version_accepts_every_example_at_that_version`.)
#[test]
fn every_version_grants_the_same_access_to_served_models() {
    for example in EXAMPLES {
        let loaded = load(&example_path(example));
        let external = external_models(&loaded);
        let era_bound = era_bound_models(&loaded);
        let tenants = !loaded.platform.tenants.is_empty();
        let mut by_version: Vec<(RhoaiVersion, BTreeSet<Grant>)> = Vec::new();
        for v in RhoaiVersion::ALL {
            let loaded = match load_at(example, v) {
                Ok(loaded) => loaded,
                // External models cannot run the tier era (E061), an
                // additional tenant's models no era before 3.5 (E066):
                // those refusals are tested in bad_inputs; drop them here.
                Err(_) if !external.is_empty() && v.era().api() == MaasApi::Tiers => continue,
                Err(e)
                    if tenants
                        && v != RhoaiVersion::V3_5
                        && e.diagnostics
                            .iter()
                            .filter(|d| d.severity == maasc::diagnostic::Severity::Error)
                            .all(|d| d.code == maasc::diagnostic::Code::TenantEra) =>
                {
                    continue;
                }
                Err(e) => panic!("{example} at {v}:\n{}", e.render()),
            };
            let tree = maasc::tree::GeneratedTree::from(maasc::build_tree(&loaded, None).unwrap());
            let grants = grants_of(&tree);
            assert_eq!(grants, declared_grants(&loaded, None), "{example} at {v}");
            let served: BTreeSet<Grant> = grants
                .into_iter()
                .filter(|g| !era_bound.contains(&g.3))
                .collect();
            assert!(!served.is_empty(), "{example} at {v}");
            by_version.push((v, served));
        }
        let (first, reference) = &by_version[0];
        for (v, served) in &by_version[1..] {
            assert_eq!(served, reference, "{example}: {v} differs from {first}");
        }
        // Every version, but the tier era's three for an example with
        // external models (its tier-era clusters as written are covered by
        // `both_eras_grant_exactly_what_maas_yaml_declares`), and only 3.5
        // for one with additional tenants.
        let expected = match (tenants, external.is_empty()) {
            (true, _) => 1,
            (false, true) => 5,
            (false, false) => 2,
        };
        assert_eq!(by_version.len(), expected, "{example}: versions covered");
    }
}
