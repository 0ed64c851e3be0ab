//! Stage 2, check: [`PlatformInput`] → [`Platform`], applying every semantic
//! rule of the contract. Problems are collected, never returned early, so a
//! run reports all of them.

mod aws_overrides;
mod cloud_names;
mod clusters;
mod database;
mod external;
mod extras;
mod file_names;
pub mod htpasswd;
mod identity;
mod identity_providers;
mod models;
mod oauth_schema;
mod observability;
mod serving;
mod tenant;
mod tiers;
mod versions;

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, SourceMap};
use crate::input::{self, PlatformInput};
use crate::model::*;
use crate::source::{Sp, Span};
// The did-you-mean helper is a leaf shared with parse and the front ends;
// the rules below reach it as `super::suggest`.
use crate::suggest;

/// What the checker needs to know about where the input came from.
pub struct CheckContext<'a> {
    /// The maas.yaml path, as diagnostics print it.
    pub file: &'a Path,
    /// Folder relative paths in the input resolve against.
    pub base_dir: &'a Path,
    /// Inline htpasswd content (KRM functionConfig): used instead of reading
    /// `identity.htpasswd.file` from disk.
    pub htpasswd_override: Option<String>,
    /// Each cluster's OpenShift AI version in the tree generated before
    /// (by cluster name, as the tree spells it); empty without one.
    pub previous_versions: std::collections::BTreeMap<String, String>,
    /// Accept versions that move down or skip a minor against it.
    pub allow_version_skip: bool,
}

/// Shared state of one check run.
pub(crate) struct Checker<'a> {
    pub file: &'a Path,
    pub base_dir: &'a Path,
    pub htpasswd_override: Option<String>,
    pub previous_versions: std::collections::BTreeMap<String, String>,
    pub allow_version_skip: bool,
    pub diags: Diagnostics,
    pub sources: SourceMap,
}

impl Checker<'_> {
    pub(crate) fn error(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let d = Diagnostic::error(code, self.file, span, message).with_hint(hint);
        self.diags.push(d);
    }

    pub(crate) fn warning(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let d = Diagnostic::warning(code, self.file, span, message).with_hint(hint);
        self.diags.push(d);
    }

    /// Validates a name with `parse`, reporting E010 with `what` on failure.
    pub(crate) fn name<T>(
        &mut self,
        what: &str,
        raw: &Sp<String>,
        parse: fn(&str) -> Result<T, NameError>,
    ) -> Option<T> {
        match parse(&raw.value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(
                    Code::InvalidName,
                    raw.span,
                    format!("{what} `{}` {e}", raw.value),
                    "names are DNS-1123 labels: lowercase letters, digits and `-`, at most 63 characters",
                );
                None
            }
        }
    }

    /// Reports every name that appears twice in `items` (keyed by `key`).
    pub(crate) fn unique(&mut self, what: &str, items: impl IntoIterator<Item = (String, Span)>) {
        let mut seen = Claims::new();
        for (key, span) in items {
            let message = format!("{what} `{key}` is defined twice");
            self.claim(
                &mut seen,
                key,
                span,
                Clash {
                    code: Code::DuplicateName,
                    message,
                    labels: ("defined again here", "first defined here"),
                    hint: "names must be unique",
                },
            );
        }
    }

    /// Claims `key` (something two definitions must not share) for `span`.
    /// When it is taken, reports `clash` at `span`, pointing at the first
    /// claim where maas.yaml made it. Whether the claim was free.
    pub(crate) fn claim(
        &mut self,
        taken: &mut Claims,
        key: String,
        span: Span,
        clash: Clash<'_>,
    ) -> bool {
        match taken.get(&key) {
            Some(first) => {
                let (again, first_label) = clash.labels;
                let mut d = Diagnostic::error(clash.code, self.file, span, clash.message)
                    .with_label(again)
                    .with_hint(clash.hint);
                if let Some(first) = first {
                    d = d.with_secondary(self.file, *first, first_label);
                }
                self.diags.push(d);
                false
            }
            None => {
                taken.insert(key, Some(span));
                true
            }
        }
    }

    pub(crate) fn window(&mut self, raw: &Sp<String>) -> Option<Window> {
        match Window::parse(&raw.value) {
            Ok(w) => Some(w),
            Err(e) => {
                self.error(
                    Code::InvalidDuration,
                    raw.span,
                    e,
                    "durations are `<int><s|m|h|d>`, e.g. 2m or 1h",
                );
                None
            }
        }
    }

    pub(crate) fn quantity(&mut self, raw: &Sp<input::ScalarString>) -> Option<Quantity> {
        match Quantity::parse(raw.value.as_str()) {
            Ok(q) => Some(q),
            Err(e) => {
                self.error(
                    Code::InvalidQuantity,
                    raw.span,
                    e,
                    "write quantities like 4, 500m, 16Gi",
                );
                None
            }
        }
    }
}

/// Keys claimed so far (names, hostnames) and where maas.yaml claimed each
/// (`None`: a default claimed it, which has no place in the file).
pub(crate) type Claims = std::collections::BTreeMap<String, Option<Span>>;

/// What a second claim of a key reports.
pub(crate) struct Clash<'a> {
    pub(crate) code: Code,
    pub(crate) message: String,
    /// Labels of the second claim and of the first.
    pub(crate) labels: (&'a str, &'a str),
    pub(crate) hint: &'a str,
}

/// The result of checking: the platform when there were no errors, and
/// every diagnostic (warnings too) with the sources they quote.
pub struct CheckOutcome {
    pub platform: Option<Platform>,
    pub diagnostics: Diagnostics,
    pub sources: SourceMap,
}

/// Runs every semantic rule over a parsed input.
pub fn check(input: &PlatformInput, ctx: CheckContext<'_>) -> CheckOutcome {
    let mut c = Checker {
        file: ctx.file,
        base_dir: ctx.base_dir,
        htpasswd_override: ctx.htpasswd_override,
        previous_versions: ctx.previous_versions,
        allow_version_skip: ctx.allow_version_skip,
        diags: Diagnostics::default(),
        sources: SourceMap::default(),
    };
    let platform = check_platform(&mut c, input);
    let platform = if c.diags.has_errors() { None } else { platform };
    CheckOutcome {
        platform,
        diagnostics: c.diags,
        sources: c.sources,
    }
}

fn check_platform(c: &mut Checker<'_>, input: &PlatformInput) -> Option<Platform> {
    if input.api_version.value != input::API_VERSION {
        c.error(
            Code::WrongKind,
            input.api_version.span,
            format!(
                "apiVersion `{}` is not `{}`",
                input.api_version.value,
                input::API_VERSION
            ),
            format!("set `apiVersion: {}`", input::API_VERSION),
        );
    }
    if input.kind.value != input::KIND {
        c.error(
            Code::WrongKind,
            input.kind.span,
            format!("kind `{}` is not `{}`", input.kind.value, input::KIND),
            format!("set `kind: {}`", input::KIND),
        );
    }
    let name = c.name("platform name", &input.metadata.name, PlatformName::parse);
    let spec = &input.spec;
    let gitops = check_gitops(c, &spec.gitops);
    let gateway = check_gateway(c, spec.maas.gateway.as_ref());
    let versions = versions::resolve(c, spec);
    let identity = identity::check(c, spec.identity.as_ref());
    let era = tiers::SubscriptionEra::new(&spec.clusters, &versions, &spec.tiers);
    let tiers = tiers::check(c, &spec.tiers, &identity, &era);
    let mut clusters = clusters::check(c, &spec.clusters, &versions, spec, &era);
    let models = models::check(
        c,
        &spec.models,
        &models::Declared::from_spec(spec),
        &clusters,
    );
    clusters::overrides(c, &mut clusters, &spec.clusters, &models, &tiers);
    identity_providers::attach(c, &mut clusters, &spec.clusters, spec.identity.as_ref());
    extras::attach(c, &mut clusters, &spec.clusters);
    identity_providers::warn_if_clobbering(c, spec.identity.as_ref(), &spec.clusters);
    database::check(c, spec, &mut clusters);
    let oidc = tenant::oidc(c, spec, &clusters);
    let tenant_telemetry = tenant::check(c, spec, &clusters);
    let tenants = tenant::additional(c, spec, &clusters, gateway.as_ref());
    observability::check(c, spec, &mut clusters);
    serving::autoscaling_prerequisites(c, spec, &models, &mut clusters);
    tiers::check_gateway_for_subscriptions(c, &era, spec.maas.gateway.as_ref());
    tiers::check_ambiguous_levels(c, &spec.tiers, &tiers, &identity);
    Some(Platform {
        name: name?,
        gitops: gitops?,
        gateway: gateway?,
        clusters,
        tiers,
        identity: identity.model,
        models,
        authorino_tls: spec.maas.authorino_tls,
        oidc,
        tenant_telemetry,
        tenants,
    })
}

/// Each cluster's input with its checked cluster, in input order; inputs
/// whose cluster did not survive its checks are left out.
pub(crate) fn paired<'a>(
    inputs: &'a [Sp<input::ClusterInput>],
    clusters: &'a mut [Cluster],
) -> Vec<(&'a Sp<input::ClusterInput>, &'a mut Cluster)> {
    let mut by_name: std::collections::BTreeMap<String, &mut Cluster> = clusters
        .iter_mut()
        .map(|c| (c.name.to_string(), c))
        .collect();
    inputs
        .iter()
        .filter_map(|i| by_name.remove(i.name.value.as_str()).map(|c| (i, c)))
        .collect()
}

fn or_default(raw: &Option<Sp<String>>, default: &str) -> Sp<String> {
    raw.clone()
        .unwrap_or_else(|| Sp::synthetic(default.to_string()))
}

fn check_gitops(c: &mut Checker<'_>, g: &input::GitopsInput) -> Option<Gitops> {
    if g.repo_url.trim().is_empty() {
        c.error(
            Code::InvalidValue,
            g.repo_url.span,
            "repoURL is empty",
            "set the Git URL ArgoCD clones, e.g. https://github.com/acme/ai-platform.git",
        );
    }
    let path = or_default(&g.path, "clusters");
    let clean = path.value.trim_matches('/').to_string();
    let bad_path = clean.is_empty()
        || path.value.starts_with('/')
        || clean
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..");
    if bad_path {
        c.error(
            Code::InvalidValue,
            path.span,
            format!("gitops.path `{}` is not a repo-relative folder", path.value),
            "use a relative path inside the repository without `..`, e.g. clusters",
        );
    }
    let namespace = c.name(
        "argocdNamespace",
        &or_default(&g.argocd_namespace, "openshift-gitops"),
        NamespaceName::parse,
    );
    let project = or_default(&g.project, "maas");
    let project_ok = c.name("project", &project, PlatformName::parse).is_some();
    let revision = or_default(&g.target_revision, "HEAD");
    if revision.trim().is_empty() {
        c.error(
            Code::InvalidValue,
            revision.span,
            "targetRevision is empty",
            "name a branch, tag or commit, e.g. main",
        );
    }
    (!bad_path && project_ok).then_some(())?;
    Some(Gitops {
        repo_url: g.repo_url.value.clone(),
        target_revision: revision.value,
        path: clean,
        path_set: g.path.is_some(),
        argocd_namespace: namespace?,
        project: project.value,
    })
}

/// `maas.gateway`: the default tenant's Gateway.
fn check_gateway(c: &mut Checker<'_>, g: Option<&input::GatewayInput>) -> Option<Gateway> {
    gateway(c, g, "maas-default-gateway", "maas.{baseDomain}")
}

/// A Gateway's settings, with the name and hostname it has when maas.yaml
/// gives none (`maas.gateway`, or an additional tenant's).
pub(crate) fn gateway(
    c: &mut Checker<'_>,
    g: Option<&input::GatewayInput>,
    default_name: &str,
    default_hostname: &str,
) -> Option<Gateway> {
    let default = input::GatewayInput::default();
    let g = g.unwrap_or(&default);
    let name = or_default(&g.name, default_name);
    let name_ok = c.name("gateway name", &name, PlatformName::parse).is_some();
    let namespace = c.name(
        "gateway namespace",
        &or_default(&g.namespace, "openshift-ingress"),
        NamespaceName::parse,
    );
    let hostname = or_default(&g.hostname, default_hostname);
    let probe = hostname.value.replace("{baseDomain}", "example.com");
    if check_dns_subdomain(&probe).is_err() {
        c.error(
            Code::InvalidValue,
            hostname.span,
            format!("gateway hostname `{}` is not a DNS name", hostname.value),
            "use a DNS name; `{baseDomain}` is replaced by each cluster's baseDomain",
        );
        return None;
    }
    let namespace = namespace?;
    // The OpenShift ingress certificate lives beside the default gateway.
    let default_secret = if namespace.as_str() == "openshift-ingress" {
        "router-certs-default".to_string()
    } else {
        format!("{}-tls", name.value)
    };
    let secret = c.name(
        "gateway certificate Secret",
        &or_default(&g.certificate_secret, &default_secret),
        |s| check_dns_subdomain(s).map(|()| s.to_string()),
    );
    let cpu = g
        .resources
        .as_ref()
        .and_then(|r| r.cpu.as_ref())
        .map(|q| c.quantity(q));
    let memory = g
        .resources
        .as_ref()
        .and_then(|r| r.memory.as_ref())
        .map(|q| c.quantity(q));
    if let Some(r) = &g.replicas
        && r.value == 0
    {
        c.error(
            Code::InvalidValue,
            r.span,
            "gateway replicas is 0: nothing would serve the models",
            "set at least 1, or leave it out for Istio's default",
        );
    }
    name_ok.then_some(())?;
    Some(Gateway {
        name: name.value,
        namespace,
        hostname_template: hostname.value,
        certificate_secret: secret?,
        certificate_secret_named: g.certificate_secret.is_some(),
        http: g.http.as_ref().map(|h| h.value).unwrap_or_default().into(),
        replicas: g.replicas.as_ref().map(|r| r.value),
        cpu: cpu.map(|q| q.ok_or(())).transpose().ok()?,
        memory: memory.map(|q| q.ok_or(())).transpose().ok()?,
    })
}

/// The model's copy of an input enum: same variants, no serde or schema.
macro_rules! same_variants {
    ($($name:ident { $($variant:ident),* })*) => {$(
        impl From<input::$name> for $name {
            fn from(v: input::$name) -> $name {
                match v {
                    $(input::$name::$variant => $name::$variant,)*
                }
            }
        }
    )*};
}

same_variants! {
    Managed { SelfManaged, Rosa, Aro }
    InstallPlanApproval { Automatic, Manual }
    TaintEffect { NoSchedule, PreferNoSchedule, NoExecute }
    GatewayHttp { Off, Redirect, Plain }
    AutoscalerOwner { Existing, Maasc }
}
