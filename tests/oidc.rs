//! Issue 19 item 3: `maas.oidc` reaches each era the way that era accepts
//! external OIDC tokens, read from the generated objects of the `versions`
//! example loaded at every OpenShift AI version: 3.0/3.2 a `jwt` identity in
//! maas-api's own AuthPolicy with the user read from the token's claims,
//! 3.4 `Tenant.spec.externalOIDC`, 3.5 `AITenant.spec.oidc`, and on 3.3
//! (operator-owned policy) nothing, with W131. That every object validates
//! against its version's CRDs is `crd_schemas`' job (the example sets
//! `maas.oidc`).

mod common;

use common::grants::objects_by_cluster;
use common::load_at;
use maasc::diagnostic::Code;
use maasc::model::RhoaiVersion;
use maasc::tree::GeneratedTree;
use serde_json::Value;

const ISSUER: &str = "https://sso.example.com/realms/maas";

fn oidc_objects(v: RhoaiVersion) -> Vec<(String, Value)> {
    let loaded = load_at("versions", v).expect("loads");
    assert!(loaded.platform.oidc.is_some(), "the example sets maas.oidc");
    let w131 = loaded
        .diagnostics
        .iter()
        .any(|d| d.code == Code::OidcNotApplied);
    assert_eq!(w131, v == RhoaiVersion::V3_3, "W131 at {v}");
    let tree = GeneratedTree::from(maasc::build_tree(&loaded, None).unwrap());
    objects_by_cluster(&tree)
        .into_values()
        .flatten()
        .filter(|o| serde_json::to_string(&o.value).unwrap().contains(ISSUER))
        .map(|o| (format!("{}/{}", o.kind(), o.name()), o.value.clone()))
        .collect()
}

#[test]
fn each_version_takes_the_oidc_provider_its_own_way() {
    for v in RhoaiVersion::ALL {
        let objects = oidc_objects(v);
        // The example has two clusters, both at `v`: the same objects.
        let mut names: Vec<&str> = objects.iter().map(|(n, _)| n.as_str()).collect();
        names.dedup();
        match v {
            RhoaiVersion::V3_0 | RhoaiVersion::V3_2 => {
                assert_eq!(names, ["AuthPolicy/maas-api-auth-policy"], "{v}");
                let auth = &objects[0].1["spec"]["rules"]["authentication"];
                // Next to the token review, not instead of it.
                assert!(auth["openshift-identities"]["kubernetesTokenReview"].is_object());
                let jwt = &auth["oidc-tokens"];
                assert_eq!(jwt["jwt"]["issuerUrl"], ISSUER, "{v}");
                // The claims become the `user` the response headers read.
                assert_eq!(
                    jwt["overrides"]["user"]["expression"],
                    r#"{"username": auth.identity.preferred_username, "groups": auth.identity.groups}"#
                );
                let headers = &objects[0].1["spec"]["rules"]["response"]["success"]["headers"];
                assert_eq!(
                    headers["X-MaaS-Group"]["plain"]["selector"],
                    "auth.identity.user.groups.@tostr"
                );
            }
            RhoaiVersion::V3_3 => assert!(names.is_empty(), "{v}: {names:?}"),
            RhoaiVersion::V3_4 => {
                assert_eq!(names, ["Tenant/default-tenant"], "{v}");
                let oidc = &objects[0].1["spec"]["externalOIDC"];
                assert_eq!(oidc["issuerUrl"], ISSUER);
                assert_eq!(oidc["clientId"], "maas");
            }
            RhoaiVersion::V3_5 => {
                assert_eq!(names, ["AITenant/models-as-a-service"], "{v}");
                let oidc = &objects[0].1["spec"]["oidc"];
                assert_eq!(oidc["issuerUrl"], ISSUER);
                assert_eq!(oidc["clientId"], "maas");
            }
        }
    }
}
