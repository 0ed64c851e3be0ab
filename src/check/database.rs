//! Subscription era (RHOAI 3.4, 3.5): maas-api's PostgreSQL database and
//! the API-key policy.
//!
//! maas-api refuses to start without the Secret `maas-db-config` (key
//! `DB_CONNECTION_URL`) in its own namespace (models-as-a-service v0.1.1
//! `maas-api/internal/config/config.go` `LoadDatabaseURL`). maasc never puts
//! a credential in Git, so the Secret comes either from outside maas.yaml,
//! stated by `maas.database.existingSecret`, or from an in-cluster
//! CloudNativePG database (`maas.database.inCluster`): the operator
//! generates the credentials in Secret `maas-db-app` (key `uri`), and a
//! sync-hook Job copies that URL into `maas-db-config` (`plan/database.rs`;
//! README, "MaaS control path per era").

use super::Checker;
use crate::catalog::operators::OperatorKind;
use crate::diagnostic::Code;
use crate::input::{
    ApiKeysInput, DatabaseInput, InClusterDatabaseInput, MaasApi as InputApi, SpecInput,
};
use crate::model::{Cluster, InClusterDatabase, MaasApi, Quantity, check_dns_subdomain};
use crate::source::Sp;

/// The only Secret RHOAI 3.4's maas-api reads its database URL from.
pub(super) const MAAS_DB_SECRET: &str = "maas-db-config";

fn days(c: &mut Checker<'_>, keys: &Sp<ApiKeysInput>) -> Option<u32> {
    let d = &keys.max_expiration_days;
    if d.value == 0 {
        c.error(
            Code::ApiKeysEra,
            d.span,
            "`maxExpirationDays` is 0: no API key could be issued",
            "give the longest key lifetime in days, e.g. 90",
        );
        return None;
    }
    // The Tenant CRD's field is an int32.
    if d.value > i32::MAX as u32 {
        c.error(
            Code::ApiKeysEra,
            d.span,
            format!("`maxExpirationDays` {} does not fit an int32", d.value),
            "give the longest key lifetime in days, e.g. 90",
        );
        return None;
    }
    Some(d.value)
}

/// `existingSecret` must name the Secret maas-api reads.
fn existing_secret(c: &mut Checker<'_>, secret: &Sp<String>) {
    if secret.value != MAAS_DB_SECRET {
        c.error(
            Code::DatabaseSecret,
            secret.span,
            format!(
                "maas-api reads its database URL from Secret `{MAAS_DB_SECRET}` only, not `{}`",
                secret.value
            ),
            format!("create Secret `{MAAS_DB_SECRET}` (key DB_CONNECTION_URL) in maas-api's namespace (redhat-ods-applications; 3.5: redhat-ai-gateway-infra) and write `existingSecret: {MAAS_DB_SECRET}`"),
        );
    }
}

/// `inCluster`, checked against what a CloudNativePG `Cluster` takes
/// (postgresql.cnpg.io/v1 at v1.30.0: `instances` minimum 1, `storage.size`
/// a quantity, `storage.storageClass` a StorageClass name).
fn in_cluster(c: &mut Checker<'_>, ic: &Sp<InClusterDatabaseInput>) -> Option<InClusterDatabase> {
    let storage = match Quantity::parse(&ic.storage.value) {
        // The number before the suffix (or exponent) must be above zero.
        Ok(q)
            if q.as_str()
                .trim_start_matches('+')
                .split(|ch: char| !(ch.is_ascii_digit() || ch == '.'))
                .next()
                .and_then(|n| n.parse::<f64>().ok())
                .is_some_and(|n| n > 0.0) =>
        {
            Some(q)
        }
        Ok(_) => {
            c.error(
                Code::InClusterDatabase,
                ic.storage.span,
                "`storage` 0 leaves PostgreSQL no volume",
                "give the volume size, e.g. `storage: 10Gi`",
            );
            None
        }
        Err(e) => {
            c.error(
                Code::InClusterDatabase,
                ic.storage.span,
                e,
                "give the volume size, e.g. `storage: 10Gi`",
            );
            None
        }
    };
    let storage_class = match &ic.storage_class {
        Some(sc) => match check_dns_subdomain(&sc.value) {
            Ok(()) => Some(Some(sc.value.clone())),
            Err(e) => {
                c.error(
                    Code::InClusterDatabase,
                    sc.span,
                    format!("storageClass `{}` {e}", sc.value),
                    "name a StorageClass of the cluster (`oc get storageclass`), or leave `storageClass` out for the default",
                );
                None
            }
        },
        None => Some(None),
    };
    let instances = match &ic.instances {
        Some(n) if n.value == 0 => {
            c.error(
                Code::InClusterDatabase,
                n.span,
                "`instances` 0: a CloudNativePG Cluster has at least one (the primary)",
                "give 1 (a primary), or more for standbys, e.g. `instances: 3`",
            );
            None
        }
        Some(n) => Some(n.value),
        None => Some(1),
    };
    Some(InClusterDatabase {
        storage: storage?,
        storage_class: storage_class?,
        instances: instances?,
    })
}

/// `maas.database`: exactly one source; the in-cluster database when that
/// is the one given and valid.
fn source(c: &mut Checker<'_>, db: &Sp<DatabaseInput>) -> Option<InClusterDatabase> {
    match (&db.existing_secret, &db.in_cluster) {
        (Some(_), Some(ic)) => {
            c.error(
                Code::DatabaseSource,
                ic.span,
                "`maas.database` gives both `existingSecret` and `inCluster`",
                "keep `existingSecret` for a database of yours, or `inCluster` for a PostgreSQL maasc deploys, not both",
            );
            None
        }
        (None, None) => {
            c.error(
                Code::DatabaseSource,
                db.span,
                "`maas.database` gives neither `existingSecret` nor `inCluster`",
                format!("write `existingSecret: {MAAS_DB_SECRET}` for a database of yours, or `inCluster: {{storage: 10Gi}}` for a PostgreSQL maasc deploys"),
            );
            None
        }
        (Some(secret), None) => {
            existing_secret(c, secret);
            None
        }
        (None, Some(ic)) => in_cluster(c, ic),
    }
}

pub(crate) fn check(c: &mut Checker<'_>, spec: &SpecInput, clusters: &mut [Cluster]) {
    let database = spec.maas.database.as_ref().and_then(|db| source(c, db));
    let default_days = spec.maas.api_keys.as_ref().and_then(|k| days(c, k));
    let mut unstated = Vec::new();
    for (input, cluster) in super::paired(&spec.clusters, clusters) {
        let own = input.maas.as_ref().and_then(|m| m.api_keys.as_ref());
        match (cluster.api, own) {
            (MaasApi::Tiers, Some(keys)) => c.error(
                Code::ApiKeysEra,
                keys.span,
                format!(
                    "cluster `{}` speaks the tier era, which has no API keys (RHOAI 3.4+)",
                    input.name.value
                ),
                "remove `apiKeys`, or move the cluster to `maas.api: subscriptions`",
            ),
            (MaasApi::Tiers, None) => {}
            (MaasApi::Subscriptions, own) => {
                cluster.api_key_max_days = match own {
                    Some(keys) => days(c, keys),
                    None => default_days,
                };
                // The in-cluster database, and the operator that runs it.
                if let Some(db) = &database {
                    cluster.database = Some(db.clone());
                    let sub = super::versions::subscription(
                        c,
                        OperatorKind::CloudNativePg,
                        None,
                        Some(cluster.version),
                        &input.name,
                    );
                    cluster.operators.insert(OperatorKind::CloudNativePg, sub);
                }
                // Where the cluster's era is chosen: its own `maas.api`,
                // else the platform's.
                let span = input
                    .maas
                    .as_ref()
                    .and_then(|m| m.api.as_ref())
                    .filter(|a| a.value == InputApi::Subscriptions)
                    .or(spec.maas.api.as_ref())
                    .map(|a| a.span)
                    .unwrap_or(input.name.span);
                unstated.push((
                    format!(
                        "{} (in {})",
                        input.name.value,
                        cluster.version.era().maas_api_namespace()
                    ),
                    span,
                ));
            }
        }
    }
    if unstated.is_empty()
        && database.is_some()
        && let Some(ic) = spec
            .maas
            .database
            .as_ref()
            .and_then(|d| d.in_cluster.as_ref())
    {
        c.warning(
            Code::InClusterDatabaseUnused,
            ic.span,
            "`maas.database.inCluster` is set but no cluster is in the subscription era (RHOAI 3.4+): no database is deployed",
            "remove `inCluster`, or move a cluster to OpenShift AI 3.4 or later",
        );
    }
    if spec.maas.database.is_none()
        && let Some((_, span)) = unstated.first()
    {
        let names: Vec<&str> = unstated.iter().map(|(n, _)| n.as_str()).collect();
        c.warning(
            Code::DatabaseUnstated,
            *span,
            format!(
                "maas-api on {} will not start until Secret `{MAAS_DB_SECRET}` (key DB_CONNECTION_URL) exists in its namespace; maasc does not create it",
                names.join(", ")
            ),
            format!("create it outside Git (README, \"MaaS control path per era\") and state it with `maas: {{database: {{existingSecret: {MAAS_DB_SECRET}}}}}`, or have maasc deploy PostgreSQL in the cluster: `maas: {{database: {{inCluster: {{storage: 10Gi}}}}}}`"),
        );
    }
}
