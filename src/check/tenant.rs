//! Tenant era (RHOAI 3.5): the default tenant's settings (`maas.tenant`),
//! checked against the rhoai-3.5 AITenant CRD (`spec.oidc`: `issuerUrl`
//! `^https://\S+$`, 9–2048 characters; `clientId` `^\S+$`, 1–256).

use super::Checker;
use crate::catalog::versions::Era;
use crate::diagnostic::Code;
use crate::input::SpecInput;
use crate::model::{Cluster, TenantOidc};
use crate::source::Sp;

fn field(c: &mut Checker<'_>, v: &Sp<String>, what: &str, min: usize, max: usize) -> bool {
    let s = v.value.as_str();
    let len = s.chars().count();
    let problem = if s.chars().any(char::is_whitespace) {
        Some("contains whitespace".to_string())
    } else if len < min || len > max {
        Some(format!("is {len} characters long, not {min}–{max}"))
    } else if what == "issuerUrl" && !s.starts_with("https://") {
        Some("does not start with `https://`".to_string())
    } else {
        None
    };
    match problem {
        Some(p) => {
            c.error(
                Code::TenantOidc,
                v.span,
                format!("`maas.tenant.oidc.{what}` {p}: the AITenant CRD refuses it"),
                "give the issuer as `https://…` and the client id without spaces",
            );
            false
        }
        None => true,
    }
}

/// The default tenant's OIDC provider and telemetry switch.
pub(crate) fn check(
    c: &mut Checker<'_>,
    spec: &SpecInput,
    clusters: &[Cluster],
) -> (Option<TenantOidc>, bool) {
    let Some(tenant) = &spec.maas.tenant else {
        return (None, false);
    };
    if !clusters.iter().any(|cl| cl.version.era() == Era::Tenants) {
        c.warning(
            Code::TenantUnused,
            tenant.span,
            "`maas.tenant` configures the RHOAI 3.5 default tenant, and no cluster runs 3.5",
            "remove `maas.tenant`, or move a cluster to `openshiftAI: {version: \"3.5\"}`",
        );
    }
    let oidc = tenant.value.oidc.as_ref().and_then(|o| {
        let issuer = field(c, &o.value.issuer_url, "issuerUrl", 9, 2048);
        let client = field(c, &o.value.client_id, "clientId", 1, 256);
        (issuer && client).then(|| TenantOidc {
            issuer_url: o.value.issuer_url.value.clone(),
            client_id: o.value.client_id.value.clone(),
        })
    });
    (oidc, tenant.value.telemetry)
}
