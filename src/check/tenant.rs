//! Tenant era (RHOAI 3.5) settings (`maas.tenant`) and the external OIDC
//! provider of every era (`maas.oidc`), checked against the rhoai-3.4/3.5
//! CRDs (`Tenant.spec.externalOIDC`, `AITenant.spec.oidc`: `issuerUrl`
//! `^https://\S+$`, 9–2048 characters; `clientId` `^\S+$`, 1–256; `ttl` ≥ 30).

use super::Checker;
use crate::catalog::versions::{Era, RhoaiVersion};
use crate::diagnostic::Code;
use crate::input::SpecInput;
use crate::model::{Cluster, Oidc};
use crate::source::Sp;

/// A `maas.oidc` string field against the CRDs' pattern and lengths;
/// `https` for the issuer's `^https://` prefix.
fn field(
    c: &mut Checker<'_>,
    v: &Sp<String>,
    what: &str,
    (min, max): (usize, usize),
    https: bool,
) -> bool {
    let s = v.value.as_str();
    let len = s.chars().count();
    let problem = if s.chars().any(char::is_whitespace) {
        Some("contains whitespace".to_string())
    } else if len < min || len > max {
        Some(format!("is {len} characters long, not {min}–{max}"))
    } else if https && !s.starts_with("https://") {
        Some("does not start with `https://`".to_string())
    } else {
        None
    };
    match problem {
        Some(p) => {
            c.error(
                Code::Oidc,
                v.span,
                format!("`maas.oidc.{what}` {p}: the Tenant and AITenant CRDs refuse it"),
                "give the issuer as `https://…` and the client id without spaces",
            );
            false
        }
        None => true,
    }
}

/// A claim name goes into a CEL expression of the AuthPolicy: only a plain
/// identifier, so that no input can change the expression around it.
fn claim(c: &mut Checker<'_>, v: Option<&Sp<String>>, what: &str, default: &str) -> Option<String> {
    let Some(v) = v else {
        return Some(default.to_string());
    };
    let s = v.value.as_str();
    let plain = s
        .chars()
        .next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && s.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        && s.len() <= 128;
    if plain {
        Some(s.to_string())
    } else {
        c.error(
            Code::Oidc,
            v.span,
            format!("`maas.oidc.{what}` `{s}` is not a plain claim name"),
            format!(
                "name a top-level claim of the token, letters, digits and `_` (default `{default}`)"
            ),
        );
        None
    }
}

/// The external OIDC provider, and W131 for the 3.3 clusters it cannot reach.
pub(crate) fn oidc(c: &mut Checker<'_>, spec: &SpecInput, clusters: &[Cluster]) -> Option<Oidc> {
    let o = spec.maas.oidc.as_ref()?;
    let on_33: Vec<&str> = clusters
        .iter()
        .filter(|cl| cl.version == RhoaiVersion::V3_3)
        .map(|cl| cl.name.as_str())
        .collect();
    if !on_33.is_empty() {
        c.warning(
            Code::OidcNotApplied,
            o.span,
            format!(
                "`maas.oidc` does not reach {}: RHOAI 3.3's operator owns maas-api's AuthPolicy and its ModelsAsService has no OIDC setting",
                on_33.join(", ")
            ),
            "users there keep OpenShift tokens; OIDC tokens work on 3.0/3.2 (maasc's own maas-api) and from 3.4 on",
        );
    }
    let issuer = field(c, &o.value.issuer_url, "issuerUrl", (9, 2048), true);
    let client = field(c, &o.value.client_id, "clientId", (1, 256), false);
    let ttl = match &o.value.ttl {
        Some(t) if t.value < 30 => {
            c.error(
                Code::Oidc,
                t.span,
                format!(
                    "`maas.oidc.ttl` is {}: the CRDs want at least 30 seconds",
                    t.value
                ),
                "leave it out for the default 300, or give 30 or more",
            );
            None
        }
        t => Some(t.as_ref().map(|t| t.value)),
    };
    let username = claim(
        c,
        o.value.username_claim.as_ref(),
        "usernameClaim",
        "preferred_username",
    );
    let groups = claim(c, o.value.groups_claim.as_ref(), "groupsClaim", "groups");
    (issuer && client).then_some(())?;
    Some(Oidc {
        issuer_url: o.value.issuer_url.value.clone(),
        client_id: o.value.client_id.value.clone(),
        ttl: ttl?,
        username_claim: username?,
        groups_claim: groups?,
    })
}

/// The default tenant's telemetry switch.
pub(crate) fn check(c: &mut Checker<'_>, spec: &SpecInput, clusters: &[Cluster]) -> bool {
    let Some(tenant) = &spec.maas.tenant else {
        return false;
    };
    if !clusters.iter().any(|cl| cl.version.era() == Era::Tenants) {
        c.warning(
            Code::TenantUnused,
            tenant.span,
            "`maas.tenant` configures the RHOAI 3.5 default tenant, and no cluster runs 3.5",
            "remove `maas.tenant`, or move a cluster to `openshiftAI: {version: \"3.5\"}`",
        );
    }
    tenant.value.telemetry
}
