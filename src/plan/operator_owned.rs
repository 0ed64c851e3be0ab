//! One writer per object (issue 16): what the OpenShift AI operator itself
//! renders and force-applies, per RHOAI version. maasc emits none of these
//! (a test proves it over every example); objects the operator creates but
//! leaves alone afterwards (`opendatahub.io/managed: "false"`) are not here.
//!
//! Sources:
//! - 3.3: red-hat-data-services/rhods-operator@68bc2c1 (the 3.3 pin),
//!   `internal/controller/components/modelsasservice/`: it deploys
//!   models-as-a-service v0.0.2 `deployment/overlays/odh` (maas-api with the
//!   TLS overlay, `base/policies/auth-policies`, `maas-authorino-
//!   networkpolicy.yaml`) into `redhat-ods-applications`, and moves
//!   `gateway-auth-policy` into the gateway's namespace. The tier ConfigMap
//!   `tier-to-group-mapping` of v0.0.2 carries `opendatahub.io/managed:
//!   "false"` (created once, then left to GitOps), so maasc owns its data.
//! - 3.4: models-as-a-service v0.1.1 via the operator's maas-controller
//!   (`deployment/base/maas-api`, `deployment/base/maas-controller`):
//!   maas-api and its policies in `redhat-ods-applications`.

use crate::model::Cluster;

/// Where an operator-owned object lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ns {
    /// Cluster-scoped.
    Cluster,
    /// A fixed namespace.
    Fixed(&'static str),
    /// The namespace of the MaaS Gateway (`maas.gateway.namespace`).
    Gateway,
}

/// One object the operator force-applies: (kind, namespace, name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owned {
    pub kind: &'static str,
    pub namespace: Ns,
    pub name: &'static str,
}

const fn owned(kind: &'static str, namespace: Ns, name: &'static str) -> Owned {
    Owned {
        kind,
        namespace,
        name,
    }
}

const APPS: Ns = Ns::Fixed(crate::catalog::versions::APPLICATIONS_NAMESPACE);

/// maas-api as the operator deploys it, 3.3 and 3.4 alike (v0.0.2
/// `deployment/base/maas-api` with the TLS overlay; v0.1.1 the same names).
const MAAS_API: &[Owned] = &[
    owned("Deployment", APPS, "maas-api"),
    owned("Service", APPS, "maas-api"),
    owned("ServiceAccount", APPS, "maas-api"),
    owned("ClusterRole", Ns::Cluster, "maas-api"),
    owned("ClusterRoleBinding", Ns::Cluster, "maas-api"),
    owned("HTTPRoute", APPS, "maas-api-route"),
    owned("AuthPolicy", APPS, "maas-api-auth-policy"),
    owned("NetworkPolicy", APPS, "maas-authorino-allow"),
];

/// RHOAI 3.3 besides maas-api (tier era; v0.0.2 `overlays/odh`).
const RHOAI_3_3: &[Owned] = &[
    owned("DestinationRule", Ns::Gateway, "maas-api-backend-tls"),
    owned("AuthPolicy", Ns::Gateway, "gateway-auth-policy"),
];

/// RHOAI 3.4 besides maas-api (subscription era; v0.1.1 maas-controller).
const RHOAI_3_4: &[Owned] = &[owned("Deployment", APPS, "maas-controller")];

/// Operator-owned objects by RHOAI version (`major.minor`).
pub const TABLE: &[(&str, &[&[Owned]])] = &[
    ("3.3", &[MAAS_API, RHOAI_3_3]),
    ("3.4", &[MAAS_API, RHOAI_3_4]),
];

/// The RHOAI version whose operator runs on `cluster`
/// (`operators.openshiftAI.version`).
pub fn rhoai_version(cluster: &Cluster) -> &'static str {
    cluster.version.as_str()
}

/// What the operator of `version` force-applies (empty when unknown).
pub fn for_version(version: &str) -> Vec<Owned> {
    TABLE
        .iter()
        .filter(|(v, _)| *v == version)
        .flat_map(|(_, parts)| parts.iter().flat_map(|p| p.iter().copied()))
        .collect()
}

/// Whether the operator of `version` force-applies this object.
pub fn owns(
    version: &str,
    kind: &str,
    namespace: Option<&str>,
    name: &str,
    gateway_namespace: &str,
) -> bool {
    for_version(version).into_iter().any(|o| {
        o.kind == kind
            && o.name == name
            && match o.namespace {
                Ns::Cluster => namespace.is_none(),
                Ns::Fixed(ns) => namespace == Some(ns),
                Ns::Gateway => namespace == Some(gateway_namespace),
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_3_3_operator_owns_the_gateway_auth_policy_wherever_the_gateway_is() {
        assert!(owns(
            "3.3",
            "AuthPolicy",
            Some("gw-ns"),
            "gateway-auth-policy",
            "gw-ns"
        ));
        assert!(!owns(
            "3.3",
            "AuthPolicy",
            Some("openshift-ingress"),
            "gateway-auth-policy",
            "gw-ns"
        ));
        assert!(owns(
            "3.3",
            "NetworkPolicy",
            Some("redhat-ods-applications"),
            "maas-authorino-allow",
            "x"
        ));
        // Created once, then left to GitOps: maasc owns its data.
        assert!(!owns(
            "3.3",
            "ConfigMap",
            Some("redhat-ods-applications"),
            "tier-to-group-mapping",
            "x"
        ));
        assert!(for_version("2.25").is_empty());
    }
}
