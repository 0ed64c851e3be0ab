//! Who can call what: the access matrix of a checked [`Platform`], per
//! cluster, as the generated policies enforce it (`maasc access`).
//!
//! A grant is (tier, model) on one cluster: the model is deployed there, the
//! model lists the tier, and the tier names at least one group (a tier with
//! no group grants nobody, in either era). Limits are the tier's after the
//! cluster's overrides, spelled as the era's API spells windows (days become
//! hours). The subscription era has no request limits: only token quotas.
//!
//! A subject resolves to tiers through groups: a user is in
//! `system:authenticated` and in every `identity.groups` entry listing them;
//! members of external groups are unknown to maas.yaml and cannot be
//! resolved. In the tier era only the highest-level tier a subject reaches
//! is effective (gotcha 13); in the subscription era a subject may mint an
//! API key bound to any subscription whose owner groups it is in, so it
//! reaches every model of those subscriptions, each listed through the
//! highest-priority subscription (priority = level) that covers it.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;

use crate::model::{Cluster, Gateway, MaasApi, Model, Platform, Rate, Tier, Window};

/// The group every authenticated OpenShift user is in.
pub const AUTHENTICATED: &str = "system:authenticated";

/// A rate as the era's API enforces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Enforced {
    pub limit: u64,
    pub window: Window,
}

impl std::fmt::Display for Enforced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.limit, self.window)
    }
}

/// One (tier, model) pair that the cluster's policies allow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub tier: String,
    pub level: i64,
    /// `namespace/name`.
    pub model: String,
    /// The tier (tier era) or the MaaSSubscription (`<tier>-subscription`).
    pub via: String,
    pub requests: Option<Enforced>,
    pub tokens: Option<Enforced>,
}

/// A tier as one cluster sees it.
#[derive(Clone, Debug, Serialize)]
pub struct TierRow {
    pub name: String,
    pub level: i64,
    pub groups: Vec<String>,
    pub requests: Option<Enforced>,
    pub tokens: Option<Enforced>,
}

/// A model deployed on one cluster.
#[derive(Clone, Debug, Serialize)]
pub struct ModelColumn {
    /// `namespace/name`.
    pub id: String,
    pub namespace: String,
    pub name: String,
    /// What clients send as `model`.
    pub served_name: String,
    /// Served with `--task=embed`: called on `/v1/embeddings`.
    pub embeddings: bool,
    /// The hostname of the Gateway the model answers on: its tenant's.
    /// Not in the JSON, where `base_url` says it.
    #[serde(skip)]
    pub host: String,
    /// `https://<host>/<namespace>/<name>/v1`.
    pub base_url: String,
    /// The additional tenant (RHOAI 3.5) the model belongs to: reached
    /// through that tenant's Gateway with an API key of that tenant's
    /// maas-api. `None`: the default tenant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
}

/// The access matrix of one cluster.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterAccess {
    pub cluster: String,
    pub era: MaasApi,
    /// The gateway hostname clients call.
    pub host: String,
    /// By level, highest first.
    pub tiers: Vec<TierRow>,
    pub models: Vec<ModelColumn>,
    /// By tier (as `tiers`), then model.
    pub grants: Vec<Grant>,
}

impl ClusterAccess {
    pub fn grant(&self, tier: &str, model: &str) -> Option<&Grant> {
        self.grants
            .iter()
            .find(|g| g.tier == tier && g.model == model)
    }

    pub fn grants_of<'a>(&'a self, tier: &'a str) -> impl Iterator<Item = &'a Grant> + 'a {
        self.grants.iter().filter(move |g| g.tier == tier)
    }

    pub fn model(&self, id: &str) -> Option<&ModelColumn> {
        self.models.iter().find(|m| m.id == id)
    }

    /// The grants a subject in `groups` gets, per the era's rule.
    pub fn reach(&self, groups: &BTreeSet<String>) -> Vec<&Grant> {
        let tiers: Vec<&TierRow> = self
            .tiers
            .iter()
            .filter(|t| t.groups.iter().any(|g| groups.contains(g)))
            .collect();
        match self.era {
            MaasApi::Tiers => {
                // Highest level only (tiers are sorted highest first).
                let Some(top) = tiers.first() else {
                    return Vec::new();
                };
                self.grants_of(&top.name).collect()
            }
            MaasApi::Subscriptions => {
                let mut out: Vec<&Grant> = Vec::new();
                for m in &self.models {
                    if let Some(g) = tiers.iter().find_map(|t| self.grant(&t.name, &m.id)) {
                        out.push(g);
                    }
                }
                out
            }
        }
    }
}

fn enforced(rate: Option<Rate>, era: MaasApi) -> Option<Enforced> {
    let rate = rate?;
    let window = match era {
        MaasApi::Tiers => rate.window.for_kuadrant(),
        MaasApi::Subscriptions => rate.window.for_subscriptions(),
    }
    .unwrap_or(rate.window);
    Some(Enforced {
        limit: rate.limit,
        window,
    })
}

fn is_embedding(m: &Model) -> bool {
    m.args.iter().any(|a| a == "--task=embed")
}

/// The default tenant's gateway hostname on `cluster`.
pub fn host(platform: &Platform, cluster: &Cluster) -> String {
    gateway_host(&platform.gateway, cluster)
}

/// The hostname of `gateway` on `cluster`.
pub fn gateway_host(gateway: &Gateway, cluster: &Cluster) -> String {
    gateway
        .hostname_template
        .replace("{baseDomain}", &cluster.base_domain)
}

/// The access matrix of `cluster`.
pub fn cluster_access(platform: &Platform, cluster: &Cluster) -> ClusterAccess {
    let era = cluster.api;
    let host = host(platform, cluster);
    let mut tiers: Vec<&Tier> = platform.tiers.iter().collect();
    tiers.sort_by(|a, b| b.level.cmp(&a.level).then(a.name.cmp(&b.name)));
    let rows: Vec<TierRow> = tiers
        .iter()
        .map(|t| {
            let limits = platform.limits_on(t, cluster);
            TierRow {
                name: t.name.to_string(),
                level: t.level,
                groups: t.groups.clone(),
                requests: match era {
                    MaasApi::Tiers => enforced(limits.requests, era),
                    MaasApi::Subscriptions => None,
                },
                tokens: enforced(limits.tokens, era),
            }
        })
        .collect();
    let models: Vec<&Model> = platform.models_on(&cluster.name).collect();
    let columns = models
        .iter()
        .map(|m| {
            let host = gateway_host(platform.gateway_of(m), cluster);
            ModelColumn {
                id: format!("{}/{}", m.namespace, m.name),
                namespace: m.namespace.to_string(),
                name: m.name.to_string(),
                served_name: m.served_name.clone(),
                embeddings: is_embedding(m),
                base_url: format!("https://{host}/{}/{}/v1", m.namespace, m.name),
                host,
                tenant: m.tenant.as_ref().map(ToString::to_string),
            }
        })
        .collect();
    let mut grants = Vec::new();
    for row in &rows {
        if row.groups.is_empty() {
            continue;
        }
        for m in &models {
            if !m.tiers.iter().any(|t| t.as_str() == row.name) {
                continue;
            }
            grants.push(Grant {
                tier: row.name.clone(),
                level: row.level,
                model: format!("{}/{}", m.namespace, m.name),
                via: match era {
                    MaasApi::Tiers => row.name.clone(),
                    MaasApi::Subscriptions => format!("{}-subscription", row.name),
                },
                requests: row.requests,
                tokens: row.tokens,
            });
        }
    }
    ClusterAccess {
        cluster: cluster.name.to_string(),
        era,
        host,
        tiers: rows,
        models: columns,
        grants,
    }
}

/// The access matrix of every cluster, in maas.yaml's cluster order.
pub fn matrix(platform: &Platform) -> Vec<ClusterAccess> {
    platform
        .clusters
        .iter()
        .map(|c| cluster_access(platform, c))
        .collect()
}

/// The groups of `user`: `system:authenticated` and every defined group
/// listing them. External groups cannot be resolved (their members live in
/// another identity provider). `None` when maas.yaml does not know the user.
pub fn user_groups(platform: &Platform, user: &str) -> Option<BTreeSet<String>> {
    let mut groups = BTreeSet::from([AUTHENTICATED.to_string()]);
    let mut known = platform
        .identity
        .cluster_admins
        .iter()
        .any(|u| u.as_str() == user);
    if let Some(h) = &platform.identity.htpasswd
        && let crate::model::HtpasswdSource::File { users, .. } = &h.source
    {
        known |= users.iter().any(|u| u.as_str() == user);
    }
    for g in &platform.identity.groups {
        if g.users.iter().any(|u| u.as_str() == user) {
            groups.insert(g.name.to_string());
            known = true;
        }
    }
    known.then_some(groups)
}

/// Who `maasc access` asks about.
#[derive(Clone, Debug)]
pub enum Subject {
    User(String),
    Group(String),
    Model(String),
}

/// Output format of `maasc access`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Md,
    Json,
}

fn opt(r: Option<Enforced>) -> String {
    r.map_or("-".to_string(), |r| r.to_string())
}

fn era_name(era: MaasApi) -> &'static str {
    match era {
        MaasApi::Tiers => "tiers",
        MaasApi::Subscriptions => "subscriptions",
    }
}

/// A table as aligned text or markdown.
fn table(header: &[String], rows: &[Vec<String>], format: Format) -> String {
    let mut out = String::new();
    if format == Format::Md {
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let _ = writeln!(
            out,
            "|{}",
            header.iter().map(|_| "---|").collect::<String>()
        );
        for r in rows {
            let _ = writeln!(out, "| {} |", r.join(" | "));
        }
        return out;
    }
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                let _ = write!(s, "{c:<w$}  ");
            }
        }
        s.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(header));
    for r in rows {
        let _ = writeln!(out, "{}", line(r));
    }
    out
}

fn heading(c: &ClusterAccess, format: Format) -> String {
    let title = format!(
        "cluster {} ({} era, https://{})",
        c.cluster,
        era_name(c.era),
        c.host
    );
    match format {
        Format::Md => format!("## {title}\n\n"),
        _ => format!("{title}\n"),
    }
}

/// The tiers × models matrix of every cluster.
pub fn render_matrix(clusters: &[ClusterAccess], format: Format) -> String {
    if format == Format::Json {
        return json(&clusters);
    }
    let mut out = String::new();
    for c in clusters {
        out.push_str(&heading(c, format));
        let mut header = vec!["tier (level)".to_string(), "limits".to_string()];
        header.extend(c.models.iter().map(|m| m.id.clone()));
        let rows: Vec<Vec<String>> = c
            .tiers
            .iter()
            .map(|t| {
                let mut r = vec![
                    format!("{} ({})", t.name, t.level),
                    format!("req {} tok {}", opt(t.requests), opt(t.tokens)),
                ];
                r.extend(c.models.iter().map(|m| {
                    if c.grant(&t.name, &m.id).is_some() {
                        "yes".to_string()
                    } else {
                        "-".to_string()
                    }
                }));
                r
            })
            .collect();
        out.push_str(&table(&header, &rows, format));
        out.push('\n');
    }
    out
}

#[derive(Serialize)]
struct SubjectReport<'a> {
    cluster: &'a str,
    era: MaasApi,
    grants: Vec<&'a Grant>,
}

/// What `subject` reaches on every cluster. `Err` when the subject is not
/// known to maas.yaml.
pub fn render_subject(
    platform: &Platform,
    clusters: &[ClusterAccess],
    subject: &Subject,
    format: Format,
) -> Result<String, String> {
    let mut notes = Vec::new();
    let reports: Vec<SubjectReport> = match subject {
        Subject::Model(m) => {
            let ids: Vec<String> = platform
                .models
                .iter()
                .filter(|x| x.name.as_str() == m || format!("{}/{}", x.namespace, x.name) == *m)
                .map(|x| format!("{}/{}", x.namespace, x.name))
                .collect();
            if ids.is_empty() {
                return Err(format!("no model `{m}` in maas.yaml"));
            }
            clusters
                .iter()
                .map(|c| SubjectReport {
                    cluster: &c.cluster,
                    era: c.era,
                    grants: c.grants.iter().filter(|g| ids.contains(&g.model)).collect(),
                })
                .collect()
        }
        Subject::User(u) | Subject::Group(u) => {
            let groups = match subject {
                Subject::User(_) => {
                    let g = user_groups(platform, u)
                        .ok_or_else(|| format!("no user `{u}` in maas.yaml (identity.groups, clusterAdmins or the htpasswd file)"))?;
                    notes.push(format!(
                        "user {u} is in {}; members of external groups are not known to maas.yaml and are not resolved",
                        g.iter().cloned().collect::<Vec<_>>().join(", ")
                    ));
                    g
                }
                _ => {
                    let known = platform.tiers.iter().any(|t| t.groups.contains(u))
                        || platform
                            .identity
                            .groups
                            .iter()
                            .any(|g| g.name.as_str() == u);
                    if !known {
                        return Err(format!("no tier and no identity group names `{u}`"));
                    }
                    BTreeSet::from([u.clone(), AUTHENTICATED.to_string()])
                }
            };
            clusters
                .iter()
                .map(|c| SubjectReport {
                    cluster: &c.cluster,
                    era: c.era,
                    grants: c.reach(&groups),
                })
                .collect()
        }
    };
    if format == Format::Json {
        return Ok(json(&reports));
    }
    let mut out = String::new();
    for n in &notes {
        let _ = writeln!(out, "{}{n}\n", if format == Format::Md { "> " } else { "" });
    }
    for (r, c) in reports.iter().zip(clusters) {
        out.push_str(&heading(c, format));
        let header = ["model", "tier", "via", "requests", "tokens"].map(String::from);
        let rows: Vec<Vec<String>> = r
            .grants
            .iter()
            .map(|g| {
                vec![
                    g.model.clone(),
                    format!("{} ({})", g.tier, g.level),
                    g.via.clone(),
                    opt(g.requests),
                    opt(g.tokens),
                ]
            })
            .collect();
        if rows.is_empty() {
            out.push_str("(nothing)\n");
        } else {
            out.push_str(&table(&header, &rows, format));
        }
        out.push('\n');
    }
    Ok(out)
}

fn json(value: &impl Serialize) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("plain data serialises");
    s.push('\n');
    s
}

/// `maasc access`: who reaches which model, per cluster.
#[derive(clap::Args, Debug)]
pub struct AccessArgs {
    /// The maas.yaml to read.
    #[arg(short = 'f', long = "file", default_value = "maas.yaml")]
    pub file: std::path::PathBuf,
    /// A user: their groups from identity.groups, plus system:authenticated.
    #[arg(long, group = "subject")]
    pub user: Option<String>,
    /// A group (defined, external or system:).
    #[arg(long, group = "subject")]
    pub group: Option<String>,
    /// A model (`name` or `namespace/name`): which tiers reach it.
    #[arg(long, group = "subject")]
    pub model: Option<String>,
    /// Tiers × models per cluster (the default without a subject).
    #[arg(long, group = "subject")]
    pub matrix: bool,
    /// Only this cluster.
    #[arg(long)]
    pub cluster: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Loads maas.yaml for a read-only command: on failure prints the
/// diagnostics and returns the exit code (2 when unreadable, else 1).
pub(crate) fn load_reporting(file: &std::path::Path) -> Result<crate::Loaded, u8> {
    crate::load(file).map_err(|e| {
        eprint!("{}", e.render());
        if e.io { 2 } else { 1 }
    })
}

/// Runs `maasc access`; returns the exit code.
pub fn run(args: &AccessArgs) -> u8 {
    let loaded = match load_reporting(&args.file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let p = &loaded.platform;
    let mut clusters = matrix(p);
    if let Some(name) = &args.cluster {
        clusters.retain(|c| &c.cluster == name);
        if clusters.is_empty() {
            eprintln!("error: no cluster `{name}` in {}", args.file.display());
            return 2;
        }
    }
    let subject = match (&args.user, &args.group, &args.model) {
        (Some(u), _, _) => Some(Subject::User(u.clone())),
        (_, Some(g), _) => Some(Subject::Group(g.clone())),
        (_, _, Some(m)) => Some(Subject::Model(m.clone())),
        _ => None,
    };
    match subject {
        None => {
            crate::stdout::out!("{}", render_matrix(&clusters, args.format));
            0
        }
        Some(s) => match render_subject(p, &clusters, &s, args.format) {
            Ok(text) => {
                crate::stdout::out!("{text}");
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                1
            }
        },
    }
}
