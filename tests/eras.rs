//! Issue 15 items 1 and 5, read from the generated trees: on RHOAI 3.0/3.2
//! the gateway AuthPolicy looks tiers up at a standalone maas-api that the
//! tree deploys; on 3.5 the default AITenant, MaasTenantConfig, Config and
//! the gateway-access label are there exactly once; those kinds nowhere else.

mod common;

use common::grants::*;
use common::*;
use maasc::catalog::versions::RhoaiVersion;
use maasc::tree::GeneratedTree;

fn text_at<'a>(v: &'a serde_json::Value, p: &str) -> &'a str {
    v.pointer(p)
        .and_then(serde_json::Value::as_str)
        .unwrap_or("")
}

const EXAMPLES: &[&str] = &["versions", "dev-prod", "minimal", "migration", "ocpai3-aws"];
const TENANT_KINDS: &[&str] = &["AITenant", "MaasTenantConfig", "Config"];

#[test]
fn every_version_gets_its_eras_maas_api_and_tenant_objects() {
    let mut seen_standalone = false;
    let mut seen_tenant = false;
    for example in EXAMPLES {
        let loaded = load(&example_path(example));
        let tree = GeneratedTree::from(maasc::build_tree(&loaded, None).expect("renders"));
        let objects = objects_by_cluster(&tree);
        for cluster in &loaded.platform.clusters {
            let at = format!("{example}/{}", cluster.name.as_str());
            let Some(objs) = objects.get(cluster.name.as_str()) else {
                continue;
            };
            let count = |kind: &str| objs.iter().filter(|o| o.kind() == kind).count();
            let policy = objs
                .iter()
                .find(|o| o.kind() == "AuthPolicy" && o.name() == "gateway-auth-policy");
            match cluster.version {
                RhoaiVersion::V3_0 | RhoaiVersion::V3_2 => {
                    let policy = policy.unwrap_or_else(|| panic!("{at}: gateway-auth-policy"));
                    let url = text_at(&policy.value, "/spec/rules/metadata/matchedTier/http/url");
                    // The URL names a Service the tree deploys, on its port.
                    let host = url
                        .strip_prefix("https://")
                        .and_then(|u| u.split_once(".svc.cluster.local:"))
                        .unwrap_or_else(|| panic!("{at}: tier URL {url}"));
                    let (name, namespace) = host.0.split_once('.').unwrap();
                    assert_eq!((name, namespace), ("maas-api", "maas-api"), "{at}");
                    let port: u64 = host.1.split('/').next().unwrap().parse().unwrap();
                    let service = objs
                        .iter()
                        .find(|o| {
                            o.kind() == "Service" && o.name() == name && o.namespace() == namespace
                        })
                        .unwrap_or_else(|| panic!("{at}: no Service {namespace}/{name}"));
                    assert!(
                        service.value["spec"]["ports"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|p| p["port"].as_u64() == Some(port)),
                        "{at}: Service {name} has no port {port}"
                    );
                    let deployment = objs
                        .iter()
                        .find(|o| o.kind() == "Deployment" && o.name() == "maas-api")
                        .unwrap_or_else(|| panic!("{at}: no maas-api Deployment"));
                    assert_eq!(deployment.namespace(), "maas-api", "{at}");
                    assert!(
                        !text_at(&deployment.value, "/spec/template/spec/containers/0/image")
                            .ends_with(":latest"),
                        "{at}: pinned image"
                    );
                    // maas-api reads the tier ConfigMap in its own namespace.
                    let mapping = objs
                        .iter()
                        .find(|o| o.kind() == "ConfigMap" && o.name() == "tier-to-group-mapping")
                        .unwrap_or_else(|| panic!("{at}: tier ConfigMap"));
                    assert_eq!(mapping.namespace(), "maas-api", "{at}");
                    for kind in [
                        "ServiceAccount",
                        "ClusterRole",
                        "ClusterRoleBinding",
                        "HTTPRoute",
                    ] {
                        assert!(
                            objs.iter()
                                .any(|o| o.kind() == kind && o.name().starts_with("maas-api")),
                            "{at}: no maas-api {kind}"
                        );
                    }
                    seen_standalone = true;
                }
                _ => {
                    assert!(
                        !objs
                            .iter()
                            .any(|o| o.kind() == "Deployment" && o.name() == "maas-api"),
                        "{at}: the operator deploys maas-api"
                    );
                    if let Some(policy) = policy {
                        let url =
                            text_at(&policy.value, "/spec/rules/metadata/matchedTier/http/url");
                        assert!(url.contains(".redhat-ods-applications."), "{at}: {url}");
                    }
                }
            }
            if cluster.version == RhoaiVersion::V3_5 {
                for kind in ["AITenant", "MaasTenantConfig"] {
                    assert_eq!(count(kind), 1, "{at}: one {kind}");
                }
                let gateway_ns = loaded.platform.gateway.namespace.as_str();
                let ns = objs
                    .iter()
                    .find(|o| o.kind() == "Namespace" && o.name() == gateway_ns)
                    .unwrap_or_else(|| panic!("{at}: gateway namespace label"));
                assert_eq!(
                    ns.value["metadata"]["labels"]["maas.opendatahub.io/gateway-access"], "true",
                    "{at}"
                );
                // A partial, never pruned or deleted: OpenShift owns it.
                assert!(
                    text_at(
                        &ns.value,
                        "/metadata/annotations/argocd.argoproj.io~1sync-options"
                    )
                    .contains("ServerSideApply=true,Prune=false,Delete=false"),
                    "{at}"
                );
                assert!(ns.value.get("spec").is_none(), "{at}");
                assert!(count("Tenant") == 0, "{at}: no legacy Tenant on 3.5");
                // The Gateway admits routes only from selected namespaces,
                // and every namespace a route comes from is selected: the
                // models' (their LLMInferenceServices create HTTPRoutes
                // there) and maas-api's infra namespace.
                let gateway = objs
                    .iter()
                    .find(|o| o.kind() == "Gateway")
                    .unwrap_or_else(|| panic!("{at}: Gateway"));
                let mut route_namespaces: Vec<&str> = objs
                    .iter()
                    .filter(|o| o.kind() == "LLMInferenceService" || o.kind() == "MaaSModelRef")
                    .map(|o| o.namespace())
                    .collect();
                route_namespaces.push("redhat-ai-gateway-infra");
                for listener in gateway.value["spec"]["listeners"].as_array().unwrap() {
                    let namespaces = &listener["allowedRoutes"]["namespaces"];
                    if namespaces["from"] == "Same" {
                        continue; // the port-80 redirect only
                    }
                    assert_eq!(namespaces["from"], "Selector", "{at}: shared cluster");
                    let wanted = namespaces["selector"]["matchLabels"].as_object().unwrap();
                    assert!(!wanted.is_empty(), "{at}");
                    for rns in &route_namespaces {
                        let labels = &objs
                            .iter()
                            .find(|o| o.kind() == "Namespace" && o.name() == *rns)
                            .unwrap_or_else(|| panic!("{at}: no Namespace {rns}"))
                            .value["metadata"]["labels"];
                        for (k, v) in wanted {
                            assert_eq!(&labels[k], v, "{at}: {rns} is not admitted ({k})");
                        }
                    }
                }
                seen_tenant = true;
            } else {
                for kind in TENANT_KINDS {
                    assert!(
                        !objs.iter().any(|o| o.kind() == *kind
                            && o.api_version().starts_with("maas.opendatahub.io/")),
                        "{at}: {kind} outside 3.5"
                    );
                }
            }
        }
    }
    assert!(
        seen_standalone && seen_tenant,
        "the examples cover 3.0/3.2 and 3.5"
    );
}
