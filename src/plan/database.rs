//! Subscription and tenant eras (RHOAI 3.4, 3.5): maas-api's PostgreSQL in
//! the cluster, when `maas.database.inCluster` asks for it.
//!
//! - CloudNativePG `Cluster` `maas-db` (postgresql.cnpg.io/v1, CloudNativePG
//!   v1.30.0 `config/crd/bases/postgresql.cnpg.io_clusters.yaml`) in
//!   maas-api's namespace, bootstrapped with `initdb` (database and owner
//!   `maas`). The operator generates the owner's password and writes Secret
//!   `maas-db-app` with key `uri` (`postgresql://maas:…@maas-db-rw.<ns>:5432/maas`;
//!   v1.30.0 `docs/src/applications.md`). It serves TLS by default, so the
//!   URL asks for `sslmode=require`.
//! - Secret `maas-db-config` without data, the one maas-api reads
//!   (models-as-a-service v0.1.1 `LoadDatabaseURL`), and a PostSync hook Job
//!   that patches `DB_CONNECTION_URL` into it from `maas-db-app`. The Job's
//!   Role names both Secrets by `resourceNames` (get the one, get and patch
//!   the other): Kubernetes cannot restrict `create` by name, and a Role that
//!   may create Secrets could mint a token for any ServiceAccount of the
//!   namespace, so the Secret comes from Git and the Job only patches it.
//!   Git holds no credential; the Job never prints the URL.
//!
//! Wave 16: after the operators (10, 11) installed the CRD, before the
//! DataScienceCluster (20) whose operator deploys maas-api, so maas-api
//! finds its URL on first start. ArgoCD's built-in health of the Cluster
//! (argo-cd `resource_customizations/postgresql.cnpg.io/Cluster`) holds
//! the PostSync Job until the database is up.

use super::components::Component;
use super::objects::{self as o, PlannedObject, SKIP_DRY_RUN, StringMap};
use crate::model::{Cluster, InClusterDatabase, MaasApi};

/// The CloudNativePG Cluster, and so the prefix of the Secrets it generates.
pub(super) const CLUSTER_NAME: &str = "maas-db";
/// The Secret CloudNativePG writes the owner's credentials into.
pub(super) const APP_SECRET: &str = "maas-db-app";
/// The only Secret and key maas-api reads its database URL from.
pub(super) const URL_SECRET: &str = "maas-db-config";
const URL_KEY: &str = "DB_CONNECTION_URL";
const DATABASE: &str = "maas";
/// ServiceAccount, Role, RoleBinding and Job.
pub(super) const SYNC_NAME: &str = "maas-db-config-sync";
const WAVE: i32 = 16;
/// The Job gives up after 30 minutes (the sync fails, visible) rather than
/// holding the wave forever.
const DEADLINE_SECONDS: u32 = 1800;
const BACKOFF_LIMIT: u32 = 3;

/// POSIX sh: wait for the generated Secret, add `sslmode=require` unless the
/// URI names an sslmode, patch it into the target Secret. The URL stays in
/// variables: nothing prints it.
const SCRIPT: &str = r#"set -eu
echo "waiting for Secret $SOURCE in $NAMESPACE"
until uri=$(oc get secret "$SOURCE" -n "$NAMESPACE" -o jsonpath='{.data.uri}') && [ -n "$uri" ]; do
  sleep 10
done
uri=$(printf '%s' "$uri" | base64 -d)
case "$uri" in
  *sslmode=*) ;;
  *\?*) uri="$uri&sslmode=require" ;;
  *) uri="$uri?sslmode=require" ;;
esac
value=$(printf '%s' "$uri" | base64 | tr -d '\n')
oc patch secret "$TARGET" -n "$NAMESPACE" --type merge -p "{\"data\":{\"$KEY\":\"$value\"}}" >/dev/null
echo "Secret $TARGET holds $KEY from $SOURCE (value not shown)"
"#;

fn annotations(pairs: &[(&str, &str)]) -> StringMap {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn secret_rule(name: &str, verbs: &[&str]) -> o::PolicyRule {
    o::PolicyRule {
        api_groups: vec![String::new()],
        resources: vec!["secrets".to_string()],
        resource_names: vec![name.to_string()],
        verbs: verbs.iter().map(|v| v.to_string()).collect(),
    }
}

/// The objects of the in-cluster database in `ns`.
fn objects(ns: &str, db: &InClusterDatabase) -> Vec<PlannedObject> {
    vec![
        PlannedObject::namespaced(
            ns,
            CLUSTER_NAME,
            o::PostgresCluster {
                annotations: o::sync_options(SKIP_DRY_RUN),
                instances: db.instances,
                database: DATABASE.to_string(),
                owner: DATABASE.to_string(),
                storage_size: db.storage.to_string(),
                storage_class: db.storage_class.clone(),
            },
        ),
        PlannedObject::namespaced(
            ns,
            URL_SECRET,
            o::DatabaseUrlSecret {
                annotations: annotations(&[(
                    "maas.opendatahub.io/data-from",
                    "Job maas-db-config-sync (Secret maas-db-app, key uri)",
                )]),
            },
        ),
        PlannedObject::namespaced(ns, SYNC_NAME, o::ServiceAccount {}),
        PlannedObject::namespaced(
            ns,
            SYNC_NAME,
            o::Role {
                rules: vec![
                    secret_rule(APP_SECRET, &["get"]),
                    secret_rule(URL_SECRET, &["get", "patch"]),
                ],
            },
        ),
        PlannedObject::namespaced(
            ns,
            SYNC_NAME,
            o::RoleBinding {
                role: SYNC_NAME.to_string(),
                subjects: vec![o::Subject::service_account(SYNC_NAME, ns)],
            },
        ),
        PlannedObject::namespaced(
            ns,
            SYNC_NAME,
            o::DatabaseUrlJob {
                annotations: annotations(&[
                    ("argocd.argoproj.io/hook", "PostSync"),
                    (
                        "argocd.argoproj.io/hook-delete-policy",
                        "BeforeHookCreation",
                    ),
                ]),
                service_account: SYNC_NAME.to_string(),
                image: super::approver::APPROVER_IMAGE.to_string(),
                source: APP_SECRET.to_string(),
                target: URL_SECRET.to_string(),
                key: URL_KEY.to_string(),
                script: SCRIPT.to_string(),
                active_deadline_seconds: DEADLINE_SECONDS,
                backoff_limit: BACKOFF_LIMIT,
            },
        ),
    ]
}

/// The in-cluster database of `cluster`, when it has one (check sets it on
/// subscription- and tenant-era clusters only).
pub(super) fn component(cluster: &Cluster) -> Option<Component> {
    let db = cluster
        .database
        .as_ref()
        .filter(|_| cluster.api == MaasApi::Subscriptions)?;
    let ns = cluster.version.era().maas_api_namespace();
    // The OpenShift AI operator creates the namespace too (DSCInitialization):
    // ArgoCD creates it only when it is still missing, and never owns it.
    let mut c = Component::new("platform/maas-db", WAVE, Some(ns), objects(ns, db));
    c.create_namespace = true;
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_job_adds_sslmode_and_never_prints_the_url() {
        assert!(SCRIPT.contains("*sslmode=*) ;;"));
        assert!(SCRIPT.contains(r#"uri="$uri?sslmode=require""#));
        for line in SCRIPT.lines().filter(|l| l.contains("echo")) {
            assert!(!line.contains("$uri") && !line.contains("$value"), "{line}");
        }
        assert!(SCRIPT.contains(">/dev/null"));
        assert!(!SCRIPT.contains("bash"));
    }
}
