//! The subscription era's control path, read from the generated objects:
//! the API-key policy reaches `Tenant/default-tenant` on subscription-era
//! clusters only, no database credential (nor any external provider's key)
//! is ever written, and every external model is an ExternalModel exposed
//! by a MaaSModelRef of kind ExternalModel.

mod common;

use common::grants::*;
use common::*;
use maasc::model::MaasApi;

#[test]
fn the_api_key_policy_reaches_the_tenant_of_subscription_clusters_only() {
    let clusters = objects_by_cluster(&tree_in_era("migration", None));
    let tenant = |c: &str| clusters[c].iter().find(|o| o.kind() == "Tenant").cloned();
    let dev = tenant("dev").expect("dev (subscriptions) has the Tenant");
    assert_eq!(dev.name(), "default-tenant");
    assert_eq!(dev.namespace(), "models-as-a-service");
    assert_eq!(dev.value["spec"]["apiKeys"]["maxExpirationDays"], 90);
    // Only the API-key policy: maas-controller owns the rest of the Tenant.
    assert_eq!(dev.value["spec"].as_object().unwrap().len(), 1);
    let options = dev.value["metadata"]["annotations"]["argocd.argoproj.io/sync-options"]
        .as_str()
        .unwrap();
    for opt in ["ServerSideApply=true", "Prune=false", "Delete=false"] {
        assert!(options.contains(opt), "{opt}");
    }
    assert!(tenant("prod").is_none(), "prod (tiers) has no Tenant");
    // Without `apiKeys`, `oidc` or observability (per-user telemetry), no
    // Tenant is written.
    for example in EXAMPLES {
        let p = load(&example_path(example)).platform;
        if *example == "migration"
            || p.oidc.is_some()
            || p.clusters.iter().any(|c| c.observability.is_some())
        {
            continue;
        }
        let tree = tree_in_era(example, Some(MaasApi::Subscriptions));
        for (cluster, objects) in objects_by_cluster(&tree) {
            assert!(
                !objects.iter().any(|o| o.kind() == "Tenant"),
                "{example}/{cluster}"
            );
        }
    }
}

#[test]
fn no_database_or_provider_credential_is_written() {
    for example in EXAMPLES {
        for api in [None, Some(MaasApi::Tiers), Some(MaasApi::Subscriptions)] {
            for (cluster, objects) in objects_by_cluster(&tree_in_era(example, api)) {
                for o in objects.iter().filter(|o| o.kind() == "Secret") {
                    // The htpasswd Secret is the only one maasc writes with
                    // data; `maas.database.inCluster` adds `maas-db-config`
                    // without any (a Job fills it in the cluster).
                    if o.name() == "maas-db-config" {
                        assert!(o.value.get("data").is_none(), "{example}/{cluster}");
                        assert!(o.value.get("stringData").is_none(), "{example}/{cluster}");
                    } else {
                        assert_eq!(o.namespace(), "openshift-config", "{example}/{cluster}");
                    }
                }
            }
        }
    }
}

#[test]
fn external_models_are_external_model_refs() {
    let loaded = load(&example_path("migration"));
    let clusters = objects_by_cluster(&tree_in_era("migration", None));
    let dev = &clusters["dev"];
    let mut seen = 0;
    for m in &loaded.platform.models {
        let Some(source) = m.serving.external() else {
            continue;
        };
        seen += 1;
        let find = |kind: &str| {
            dev.iter()
                .find(|o| {
                    o.kind() == kind
                        && o.namespace() == m.namespace.as_str()
                        && o.name() == m.name.as_str()
                })
                .unwrap_or_else(|| panic!("no {kind} {}/{}", m.namespace, m.name))
        };
        let external = find("ExternalModel");
        assert_eq!(external.value["spec"]["provider"], source.provider.as_str());
        assert_eq!(external.value["spec"]["endpoint"], source.endpoint.as_str());
        assert_eq!(
            external.value["spec"]["credentialRef"]["name"],
            source.credentials_secret.as_str()
        );
        let model_ref = find("MaaSModelRef");
        assert_eq!(model_ref.value["spec"]["modelRef"]["kind"], "ExternalModel");
        assert_eq!(model_ref.value["spec"]["modelRef"]["name"], m.name.as_str());
        // Nothing is served on the cluster for it.
        assert!(!dev.iter().any(|o| o.kind() == "LLMInferenceService"
            && o.name() == m.name.as_str()
            && o.namespace() == m.namespace.as_str()));
        // Its namespace (external models only) is in the mesh (v0.1.1 step 2).
        let ns = dev
            .iter()
            .find(|o| o.kind() == "Namespace" && o.name() == m.namespace.as_str())
            .unwrap();
        assert_eq!(ns.value["metadata"]["labels"]["istio-injection"], "enabled");
        // The tier-era cluster has no trace of it.
        assert!(!clusters["prod"].iter().any(|o| o.name() == m.name.as_str()));
    }
    assert!(seen > 0, "migration has an external model");
}
