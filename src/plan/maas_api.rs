//! Tier era on RHOAI 3.0 and 3.2: maas-api is ours to deploy. The
//! DataScienceCluster of those versions has no MaaS switch, so no operator
//! deploys maas-api; the reference trees ran it standalone in namespace
//! `maas-api`. This follows models-as-a-service v0.0.2
//! `deployment/base/maas-api` (ServiceAccount, ClusterRole and binding,
//! Deployment, Service, `maas-api-route`, `maas-api-auth-policy`) with its
//! `overlays/tls` (HTTPS on 8443 with a service-CA certificate, and the
//! gateway's `maas-api-backend-tls` DestinationRule), the shape the RHOAI 3.3
//! operator deploys from `overlays/odh`. The gateway AuthPolicy's tier lookup
//! ([`tier_lookup_url`]) and the tier ConfigMap ([`namespace`]) follow it.
//! On 3.3 and 3.4 the operator deploys maas-api (`operator_owned`), so
//! nothing here is emitted there.

use super::components::{Component, plain_env};
use super::objects::{self as o, PlannedObject, SKIP_DRY_RUN, StringMap};
use crate::catalog::versions::DscMaas;
use crate::model::{Cluster, MaasApi, Oidc, Platform};

/// Namespace of the standalone maas-api (v0.0.2
/// `deployment/base/maas-api/default/kustomization.yaml`).
pub(super) const STANDALONE_NAMESPACE: &str = "maas-api";
/// The maas-api image of models-as-a-service v0.0.2: its release workflow
/// (`.github/workflows/create-release.yml`, `make build-push-image
/// TAG=<version_tag>`) pushes `quay.io/opendatahub/maas-api:v0.0.2`; the
/// base kustomization names only `maas-api` (RHDS `newTag: latest`), so the
/// tag is pinned here instead of following `latest`.
pub(super) const IMAGE: &str = "quay.io/opendatahub/maas-api:v0.0.2";
/// HTTPS port of the TLS overlay.
const PORT: u16 = 8443;
const NAME: &str = "maas-api";
const TLS_SECRET: &str = "maas-api-serving-cert";

/// Whether this cluster runs maas-api standalone (tier era, no DSC switch).
pub(super) fn standalone(cluster: &Cluster) -> bool {
    cluster.api == MaasApi::Tiers && cluster.version.facts().dsc_maas == DscMaas::None
}

/// Where maas-api runs and reads its tier ConfigMap: ours, or where the
/// version's operator puts it.
pub(super) fn namespace(cluster: &Cluster) -> &'static str {
    if standalone(cluster) {
        STANDALONE_NAMESPACE
    } else {
        cluster.version.era().maas_api_namespace()
    }
}

/// The gateway AuthPolicy's tier lookup: maas-api's Service over HTTPS.
pub(super) fn tier_lookup_url(cluster: &Cluster) -> String {
    format!(
        "https://{NAME}.{}.svc.cluster.local:{PORT}/v1/tiers/lookup",
        namespace(cluster)
    )
}

/// The operator overlay's NetworkPolicy admitting only Authorino; in the
/// standalone namespace (no OpenShift AI default policies) it would shut
/// the gateway out of maas-api, and upstream's `default` leaves it out.
pub(super) fn keeps(cluster: &Cluster, object: &PlannedObject) -> bool {
    !(standalone(cluster) && object.kind == "NetworkPolicy")
}

fn labels() -> StringMap {
    StringMap::from([
        ("app.kubernetes.io/component".to_string(), "api".to_string()),
        ("app.kubernetes.io/name".to_string(), NAME.to_string()),
        (
            "app.kubernetes.io/part-of".to_string(),
            "models-as-a-service".to_string(),
        ),
    ])
}

fn rule(group: &str, resources: &[&str], verbs: &[&str]) -> o::PolicyRule {
    o::PolicyRule {
        api_groups: vec![group.to_string()],
        resources: resources.iter().map(|s| s.to_string()).collect(),
        resource_names: Vec::new(),
        verbs: verbs.iter().map(|s| s.to_string()).collect(),
    }
}

/// The ClusterRole's rules, exactly v0.0.2 `rbac/clusterrole.yaml`.
pub(super) fn rules() -> Vec<o::PolicyRule> {
    vec![
        rule(
            "",
            &["configmaps"],
            &[
                "get", "list", "watch", "create", "update", "patch", "delete",
            ],
        ),
        rule("", &["namespaces"], &["get", "list", "watch", "create"]),
        rule(
            "",
            &["serviceaccounts"],
            &["get", "list", "watch", "create", "delete"],
        ),
        rule("", &["serviceaccounts/token"], &["create"]),
        rule("authentication.k8s.io", &["tokenreviews"], &["create"]),
        rule(
            "serving.kserve.io",
            &["inferenceservices", "llminferenceservices"],
            &["get", "list", "watch"],
        ),
        rule(
            "gateway.networking.k8s.io",
            &["httproutes"],
            &["get", "list", "watch"],
        ),
        rule(
            "",
            &["pods", "services", "endpoints"],
            &["get", "list", "watch"],
        ),
    ]
}

/// `maas.oidc` as a second identity of maas-api's AuthPolicy: the way the
/// models-as-a-service "OAuth Setup Guide (Keycloak OIDC)" patches
/// `maas-api-auth-policy` in `maas-api` with a `jwt` rule next to the token
/// review (so users trade an OIDC token for a MaaS token), with the user name and
/// groups read from the token's claims into the same `user` object the
/// response headers (`X-MaaS-Username`, `X-MaaS-Group`) and the tier lookup
/// read. Claim names are plain identifiers (checked), so the expression is
/// built from them safely.
fn jwt_identity(oidc: &Oidc) -> o::JwtIdentity {
    o::JwtIdentity {
        issuer_url: oidc.issuer_url.clone(),
        ttl: oidc.ttl,
        user_expression: format!(
            r#"{{"username": auth.identity.{}, "groups": auth.identity.{}}}"#,
            oidc.username_claim, oidc.groups_claim
        ),
    }
}

/// The standalone maas-api of `cluster`, when it runs one.
pub(super) fn component(platform: &Platform, cluster: &Cluster) -> Option<Component> {
    if !standalone(cluster) {
        return None;
    }
    let ns = STANDALONE_NAMESPACE;
    let gw = &platform.gateway;
    let skip_dry_run = o::sync_options(SKIP_DRY_RUN);
    let mut namespace_env = plain_env("NAMESPACE", "");
    namespace_env.value = None;
    namespace_env.field_path = Some("metadata.namespace".to_string());
    let mount = "/etc/maas-api/tls";
    let objects = vec![
        PlannedObject::cluster(ns, o::Namespace { labels: labels() }),
        PlannedObject::namespaced(ns, NAME, o::ServiceAccount {}),
        PlannedObject::cluster(NAME, o::ClusterRole { rules: rules() }),
        PlannedObject::cluster(
            NAME,
            o::ClusterRoleBinding {
                role: NAME.to_string(),
                subjects: vec![o::Subject::service_account(NAME, ns)],
            },
        ),
        PlannedObject::namespaced(
            ns,
            NAME,
            o::MaasApiDeployment {
                labels: labels(),
                service_account: NAME.to_string(),
                image: IMAGE.to_string(),
                port: PORT,
                env: vec![
                    namespace_env,
                    plain_env("SECURE", "true"),
                    plain_env("TLS_CERT", &format!("{mount}/tls.crt")),
                    plain_env("TLS_KEY", &format!("{mount}/tls.key")),
                ],
                tls_secret: TLS_SECRET.to_string(),
                tls_mount_path: mount.to_string(),
            },
        ),
        PlannedObject::namespaced(
            ns,
            NAME,
            o::MaasApiService {
                labels: labels(),
                port: PORT,
                tls_secret: TLS_SECRET.to_string(),
            },
        ),
        PlannedObject::namespaced(
            ns,
            "maas-api-route",
            o::MaasApiRoute {
                labels: labels(),
                gateway: o::ModelRef {
                    name: gw.name.clone(),
                    namespace: gw.namespace.to_string(),
                },
                service: NAME.to_string(),
                port: PORT,
            },
        ),
        PlannedObject::namespaced(
            ns,
            "maas-api-auth-policy",
            o::MaasApiAuthPolicy {
                annotations: skip_dry_run.clone(),
                route: "maas-api-route".to_string(),
                audiences: vec![
                    "https://kubernetes.default.svc".to_string(),
                    "maas-default-gateway-sa".to_string(),
                ],
                oidc: platform.oidc.as_ref().map(jwt_identity),
            },
        ),
        PlannedObject::namespaced(
            gw.namespace.as_str(),
            "maas-api-backend-tls",
            o::DestinationRule {
                annotations: skip_dry_run,
                host: format!("{NAME}.{ns}.svc.cluster.local"),
                port: PORT,
            },
        ),
    ];
    // Wave 25: after the Gateway (15), before the tier policies (30) that
    // look tiers up here.
    Some(Component::new("platform/maas-api", 25, Some(ns), objects))
}
