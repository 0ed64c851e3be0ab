//! Subscription era (RHOAI 3.4): maas-api's PostgreSQL database and the
//! API-key policy.
//!
//! maas-api refuses to start without the Secret `maas-db-config` (key
//! `DB_CONNECTION_URL`) in its own namespace (models-as-a-service v0.1.1
//! `maas-api/internal/config/config.go` `LoadDatabaseURL`). maasc never puts
//! a credential in Git, so the Secret comes from outside maas.yaml, stated
//! by `maas.database.existingSecret`. An in-cluster PostgreSQL operator
//! (CloudNativePG, Crunchy PGO) generates its credentials in a Secret of its
//! own name and keys (`<cluster>-app`/`uri`, `<cluster>-pguser-<user>`/`uri`),
//! and Kubernetes has no declarative way to copy a key into another Secret:
//! that needs a Job or a secrets operator, so it is not offered (README,
//! "MaaS control path per era").

use super::Checker;
use crate::diagnostic::Code;
use crate::input::{ApiKeysInput, MaasApi as InputApi, SpecInput};
use crate::model::{Cluster, MaasApi};
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

pub(crate) fn check(c: &mut Checker<'_>, spec: &SpecInput, clusters: &mut [Cluster]) {
    if let Some(db) = &spec.maas.database
        && db.existing_secret.value != MAAS_DB_SECRET
    {
        c.error(
            Code::DatabaseSecret,
            db.existing_secret.span,
            format!(
                "maas-api reads its database URL from Secret `{MAAS_DB_SECRET}` only, not `{}`",
                db.existing_secret.value
            ),
            format!("create Secret `{MAAS_DB_SECRET}` (key DB_CONNECTION_URL) in maas-api's namespace (redhat-ods-applications; 3.5: redhat-ai-gateway-infra) and write `existingSecret: {MAAS_DB_SECRET}`"),
        );
    }
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
            format!("create it outside Git (README, \"MaaS control path per era\") and state it with `maas: {{database: {{existingSecret: {MAAS_DB_SECRET}}}}}`"),
        );
    }
}
