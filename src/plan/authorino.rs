//! Authorino TLS and trust, declaratively, in every era (the gateway
//! AuthPolicy's metadata calls reach maas-api over HTTPS, and the Gateway
//! calls Authorino over TLS; upstream leaves it to the user as a script in
//! v0.0.2, v0.1.1 and v0.2.1 alike). Follows models-as-a-service v0.0.2
//! `deployment/overlays/tls-backend/configure-authorino-tls.sh` (same logic
//! as v0.1.1/v0.2.1 `scripts/setup-authorino-tls.sh`), minus its imperative
//! Deployment patch:
//!
//! - inbound (Gateway → Authorino gRPC): the service CA issues
//!   `authorino-server-cert` for Authorino's Service, and the Authorino CR's
//!   `spec.listener.tls` serves it (authorino-operator@9650cce
//!   `api/v1beta1/authorino_types.go`);
//! - outbound (Authorino → maas-api HTTPS, a service-CA certificate): the
//!   script sets `SSL_CERT_FILE` on the operator-owned Deployment. Instead,
//!   the Authorino CR's `spec.volumes` mounts the cluster trust bundle
//!   (system and proxy CAs, injected by the Cluster Network Operator) and the
//!   service CA over `/etc/pki/tls/certs`, a directory Go's crypto/x509
//!   reads every file of (`root_linux.go` `certDirectories`): the service
//!   CA is trusted with no environment variable and no Deployment patch.
//!
//! The Service and the Authorino CR are created by the Kuadrant and
//! Authorino operators: maasc only co-owns the fields it sets (server-side
//! apply), and never prunes or deletes them.
//!
//! The Kuadrant operator keeps listener TLS once it is on: on an existing
//! Authorino it server-side applies only `tls.minVersion`/`cipherSuites`,
//! and only while `tls.enabled` is true (Kuadrant/kuadrant-operator@ae69881
//! `internal/controller/authorino_reconciler.go` `buildTLSPatch`); it
//! creates the CR with TLS off, which ArgoCD's forced server-side apply of
//! `enabled: true` replaces.

use super::components::Component;
use super::objects::{self as o, CO_OWNED, PlannedObject, SKIP_DRY_RUN, SYNC_OPTIONS, StringMap};
use crate::catalog::operators::OperatorKind;
use crate::model::Cluster;

/// Authorino's Service, as the Authorino operator names it for the CR
/// `authorino` that the Kuadrant operator creates.
pub(super) const AUTHORINO_SERVICE: &str = "authorino-authorino-authorization";
/// The Secret the service CA writes Authorino's serving certificate into.
pub(super) const AUTHORINO_CERT_SECRET: &str = "authorino-server-cert";
/// ConfigMap the service-ca operator injects `service-ca.crt` into.
pub(super) const SERVICE_CA_CONFIGMAP: &str = "authorino-service-ca";
/// ConfigMap the Cluster Network Operator injects `ca-bundle.crt` into.
pub(super) const TRUSTED_CA_CONFIGMAP: &str = "authorino-trusted-ca";
/// Where Go looks for CA files (every file of the directory).
pub(super) const TRUST_DIR: &str = "/etc/pki/tls/certs";

/// The Authorino TLS component of a cluster that runs Connectivity Link.
pub(super) fn authorino_tls(cluster: &Cluster) -> Option<Component> {
    if !cluster.has_operator(OperatorKind::ConnectivityLink) {
        return None;
    }
    let ns = OperatorKind::ConnectivityLink.defaults().namespace;
    let service = PlannedObject::namespaced(
        ns,
        AUTHORINO_SERVICE,
        o::ServingCertService {
            annotations: StringMap::from([
                (SYNC_OPTIONS.into(), CO_OWNED.into()),
                (
                    "service.beta.openshift.io/serving-cert-secret-name".into(),
                    AUTHORINO_CERT_SECRET.into(),
                ),
            ]),
        },
    );
    let service_ca = PlannedObject::namespaced(
        ns,
        SERVICE_CA_CONFIGMAP,
        o::TrustBundle {
            labels: StringMap::new(),
            annotations: StringMap::from([(
                "service.beta.openshift.io/inject-cabundle".into(),
                "true".into(),
            )]),
        },
    );
    let trusted_ca = PlannedObject::namespaced(
        ns,
        TRUSTED_CA_CONFIGMAP,
        o::TrustBundle {
            labels: StringMap::from([(
                "config.openshift.io/inject-trusted-cabundle".into(),
                "true".into(),
            )]),
            annotations: StringMap::new(),
        },
    );
    let authorino = PlannedObject::namespaced(
        ns,
        "authorino",
        o::Authorino {
            annotations: StringMap::from([(
                SYNC_OPTIONS.into(),
                format!("{SKIP_DRY_RUN},{CO_OWNED}"),
            )]),
            cert_secret: AUTHORINO_CERT_SECRET.into(),
            volumes: vec![o::AuthorinoVolume {
                name: "trusted-ca".into(),
                mount_path: TRUST_DIR.into(),
                config_maps: vec![TRUSTED_CA_CONFIGMAP.into(), SERVICE_CA_CONFIGMAP.into()],
            }],
        },
    );
    // Wave 25: after the Kuadrant CR (20) whose operator creates Authorino.
    let mut c = Component::new(
        "platform/authorino-tls",
        25,
        Some(ns),
        vec![service, service_ca, trusted_ca, authorino],
    );
    c.server_side_apply = true;
    Some(c)
}
