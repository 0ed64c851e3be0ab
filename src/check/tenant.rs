//! Tenant era (RHOAI 3.5) settings (`maas.tenant`) and the external OIDC
//! provider of every era (`maas.oidc`), checked against the rhoai-3.4/3.5
//! CRDs (`Tenant.spec.externalOIDC`, `AITenant.spec.oidc`: `issuerUrl`
//! `^https://\S+$`, 9–2048 characters; `clientId` `^\S+$`, 1–256; `ttl` ≥ 30).

use super::models::EraNeed;
use super::{Checker, Claims, Clash};
use crate::catalog::versions::{Era, RhoaiVersion};
use crate::diagnostic::Code;
use crate::input::{GatewayInput, ModelInput, SpecInput};
use crate::model::{
    AI_TENANTS_NAMESPACE, Cluster, ClusterName, Gateway, Oidc, TENANT_NAMESPACE_PREFIX, Tenant,
    TenantName,
};
use crate::source::Sp;

/// Where maas-controller looks for an AITenant's Gateway (RHOAI 3.5:
/// ai-gateway-operator sets `GATEWAY_NAMESPACE=openshift-ingress`).
const GATEWAY_NAMESPACE: &str = "openshift-ingress";

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

/// `maas.tenants`: the additional AITenants, each with a Gateway of its own
/// in `openshift-ingress` (models-as-a-service v0.2.x: maas-controller
/// looks the AITenant's Gateway up in its gateway namespace, and its
/// admission webhook allows one AITenant per Gateway).
pub(crate) fn additional(
    c: &mut Checker<'_>,
    spec: &SpecInput,
    clusters: &[Cluster],
    default_gateway: Option<&Gateway>,
) -> Vec<Tenant> {
    let list = &spec.maas.tenants;
    let Some(first) = list.first() else {
        return Vec::new();
    };
    if !clusters.iter().any(|cl| cl.version.era() == Era::Tenants) {
        c.warning(
            Code::TenantUnused,
            first.span,
            "`maas.tenants` defines RHOAI 3.5 tenants, and no cluster runs 3.5",
            "remove `maas.tenants`, or move a cluster to `openshiftAI: {version: \"3.5\"}`",
        );
    }
    c.unique(
        "tenant",
        list.iter().map(|t| (t.name.value.clone(), t.name.span)),
    );
    // Hostnames are compared as each 3.5 cluster resolves them.
    let on: Vec<&Cluster> = clusters
        .iter()
        .filter(|cl| cl.version.era() == Era::Tenants)
        .collect();
    let resolved = |template: &str| -> Vec<String> {
        on.iter()
            .map(|cl| template.replace("{baseDomain}", &cl.base_domain))
            .collect()
    };
    let mut names = Claims::new();
    let mut hosts = Claims::new();
    if let Some(g) = default_gateway {
        let given = spec.maas.gateway.as_ref();
        let span = |f: fn(&GatewayInput) -> Option<&Sp<String>>| given.and_then(f).map(|v| v.span);
        names.insert(g.name.clone(), span(|g| g.name.as_ref()));
        for host in resolved(&g.hostname_template) {
            hosts.insert(host, span(|g| g.hostname.as_ref()));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for t in list {
        // A duplicate is reported once, by `unique` above.
        if !seen.insert(t.name.value.as_str()) {
            continue;
        }
        let name = match TenantName::parse(&t.name.value) {
            Ok(n) => n,
            Err(e) => {
                // The Gateway's defaults derive from the name: nothing more
                // to check until it is valid.
                c.error(
                    Code::TenantDefinition,
                    t.name.span,
                    format!("tenant name `{}` {e}", t.name.value),
                    "name the tenant with a DNS label of at most 41 characters; `models-as-a-service` is the default tenant, which needs no entry",
                );
                continue;
            }
        };
        let default_host = format!("{name}-maas.{{baseDomain}}");
        let Some(gw) = super::gateway(c, t.gateway.as_ref(), name.as_str(), &default_host) else {
            continue;
        };
        let input = t.gateway.as_ref();
        let span_of = |f: fn(&GatewayInput) -> Option<&Sp<String>>| {
            input.and_then(f).map_or(t.name.span, |v| v.span)
        };
        if gw.namespace.as_str() != GATEWAY_NAMESPACE {
            c.error(
                Code::TenantDefinition,
                span_of(|g| g.namespace.as_ref()),
                format!(
                    "tenant `{name}`'s Gateway is in `{}`: maas-controller looks an AITenant's Gateway up in `{GATEWAY_NAMESPACE}` only",
                    gw.namespace
                ),
                format!("leave out `namespace`, or set `namespace: {GATEWAY_NAMESPACE}`"),
            );
            continue;
        }
        let by = |taken: &Claims, key: &str| match taken.get(key) {
            Some(None) => " by the default tenant",
            _ => "",
        };
        let gateway_free = {
            let key = gw.name.clone();
            let message = format!(
                "tenant `{name}` takes Gateway `{key}`, which is already taken{}",
                by(&names, &key)
            );
            c.claim(
                &mut names,
                key,
                span_of(|g| g.name.as_ref()),
                taken(
                    message,
                    "one AITenant per Gateway: give this tenant a Gateway of its own with `gateway: {name: …}`",
                ),
            )
        };
        let mut hosts_free = true;
        for (host, cluster) in resolved(&gw.hostname_template).into_iter().zip(&on) {
            let message = format!(
                "tenant `{name}` takes hostname `{host}` on cluster `{}`, which is already taken{}",
                cluster.name,
                by(&hosts, &host)
            );
            hosts_free &= c.claim(
                &mut hosts,
                host,
                span_of(|g| g.hostname.as_ref()),
                taken(
                    message,
                    "two Gateways cannot serve one hostname: give the tenant its own, e.g. `<tenant>-maas.{baseDomain}`",
                ),
            );
            if !hosts_free {
                break;
            }
        }
        if gateway_free && hosts_free {
            out.push(Tenant { name, gateway: gw });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// A tenant's claim of a Gateway name or hostname that is already taken.
fn taken(message: String, hint: &'static str) -> Clash<'static> {
    Clash {
        code: Code::TenantDefinition,
        message,
        labels: ("taken again here", "taken first here"),
        hint,
    }
}

/// The additional tenant a model names, if it is defined (else an error
/// with did-you-mean).
pub(crate) fn of_model(
    c: &mut Checker<'_>,
    m: &Sp<ModelInput>,
    tenant: &Sp<String>,
    declared: &[String],
) -> Option<TenantName> {
    if !declared.contains(&tenant.value) {
        c.error(
            Code::UnknownReference,
            tenant.span,
            format!(
                "model `{}` names tenant `{}`, which `maas.tenants` does not define",
                m.name.value, tenant.value
            ),
            super::suggest::hint_for(&tenant.value, "tenant", declared.iter().map(String::as_str)),
        );
        return None;
    }
    TenantName::parse(&tenant.value).ok()
}

/// A model of an additional tenant runs only on RHOAI 3.5 clusters, and
/// only served ones: upstream supports external models for the default
/// tenant only (models-as-a-service `multi-tenant-setup.md`, known
/// limitations).
pub(crate) fn tenant_clusters(
    c: &mut Checker<'_>,
    m: &Sp<ModelInput>,
    tenant: &Sp<String>,
    deployed: Vec<ClusterName>,
    clusters: &[Cluster],
) -> Vec<ClusterName> {
    if m.external.is_some() {
        c.error(
            Code::TenantEra,
            tenant.span,
            format!(
                "external model `{}` names tenant `{}`: RHOAI 3.5 serves external models through the default tenant only",
                m.name.value, tenant.value
            ),
            "leave out `tenant` for an external model",
        );
        return Vec::new();
    }
    let need = EraNeed {
        code: Code::TenantEra,
        what: format!("model `{}` of tenant `{}`", m.name.value, tenant.value),
        why: "runs an OpenShift AI version before 3.5 (AITenants exist from 3.5)",
        listed_hint: "remove the cluster from the model's `clusters`, or move it to `openshiftAI: {version: \"3.5\"}`",
        none_hint: "move a cluster to `openshiftAI: {version: \"3.5\"}`, or leave out `tenant`",
        runs: |cl| cl.version.era() == Era::Tenants,
    };
    super::models::clusters_of_era(c, m, tenant.span, &need, deployed, clusters)
}

/// A model's namespace must not be one maas-controller owns on RHOAI 3.5:
/// `ai-tenants` (the AITenants) or `ai-tenant-<name>` (a tenant's
/// configuration and subscriptions, which maasc states as a partial
/// Namespace). A models Application would own it wholly and prune it.
pub(crate) fn model_namespace(c: &mut Checker<'_>, ns: &Sp<String>) -> bool {
    let owned = ns.value == AI_TENANTS_NAMESPACE || ns.value.starts_with(TENANT_NAMESPACE_PREFIX);
    if owned {
        c.error(
            Code::TenantNamespace,
            ns.span,
            format!(
                "namespace `{}` is maas-controller's on RHOAI 3.5 (`{AI_TENANTS_NAMESPACE}`, `{TENANT_NAMESPACE_PREFIX}<name>`)",
                ns.value
            ),
            "put the model in a namespace of its own; `tenant: <name>` makes it a tenant's",
        );
    }
    !owned
}
