//! The OpenShift AI version of each cluster (E040, E041, W110) and the
//! operator subscriptions it implies, overrides checked against it (E042,
//! E043, E044).

use std::collections::BTreeMap;

use super::Checker;
use crate::catalog::operators::OperatorKind;
use crate::catalog::versions::{
    RHCL_BROKEN, RhoaiVersion, rhcl_csv_minor, rhoai_channel_leaves, rhoai_csv_version,
};
use crate::diagnostic::Code;
use crate::input::{self, ClusterInput, OperatorInput, ScalarString, SpecInput};
use crate::model::{Era, InstallPlanApproval, MaasApi, OperatorSubscription};
use crate::source::{Sp, Span};

/// A cluster's version and the MaaS era it runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClusterVersion {
    pub version: RhoaiVersion,
    pub era: Era,
}

/// Every cluster's version, by the cluster's name as written.
pub(crate) struct Versions {
    by_cluster: BTreeMap<String, ClusterVersion>,
}

impl Versions {
    /// The cluster's version; `None` when it named an unknown one (E040).
    pub(super) fn of(&self, cluster: &ClusterInput) -> Option<ClusterVersion> {
        self.by_cluster.get(&cluster.name.value).copied()
    }

    /// The MaaS API of the cluster's era (tiers when its version is unknown).
    pub(super) fn api_of(&self, cluster: &ClusterInput) -> MaasApi {
        self.of(cluster).map_or(MaasApi::Tiers, |v| v.era.api())
    }
}

fn parse(c: &mut Checker<'_>, raw: &Sp<ScalarString>) -> Option<RhoaiVersion> {
    let v = RhoaiVersion::parse(raw.value.as_str());
    if v.is_none() {
        let extra = if raw.value.as_str().trim() == "3.1" {
            " (there is no OpenShift AI 3.1: the product went 3.0 → 3.2)"
        } else {
            ""
        };
        c.error(
            Code::UnknownVersion,
            raw.span,
            format!(
                "OpenShift AI version `{}` is not known to maasc{extra}",
                raw.value
            ),
            format!(
                "use one of {}, quoted, e.g. `version: \"3.3\"`",
                RhoaiVersion::known()
            ),
        );
    }
    v
}

/// The era `api` names, and whether it agrees with `era`.
fn agrees(api: input::MaasApi, era: Era) -> bool {
    match api {
        input::MaasApi::Tiers => era == Era::Tiers,
        // The tenant era keeps the subscription CRs.
        input::MaasApi::Subscriptions => matches!(era, Era::Subscriptions | Era::Tenants),
        input::MaasApi::Tenants => era == Era::Tenants,
    }
}

fn api_name(api: input::MaasApi) -> &'static str {
    match api {
        input::MaasApi::Tiers => "tiers",
        input::MaasApi::Subscriptions => "subscriptions",
        input::MaasApi::Tenants => "tenants",
    }
}

fn era_of_api(api: input::MaasApi) -> Era {
    match api {
        input::MaasApi::Tiers => Era::Tiers,
        input::MaasApi::Subscriptions => Era::Subscriptions,
        input::MaasApi::Tenants => Era::Tenants,
    }
}

/// Resolves every cluster's version: its own, else the platform's, else
/// derived from `maas.api` (tiers → 3.3, subscriptions → 3.4, tenants →
/// 3.5) or 3.3, with a warning asking to name it.
pub(crate) fn resolve(c: &mut Checker<'_>, spec: &SpecInput) -> Versions {
    let platform_raw = spec
        .operators
        .openshift_ai
        .as_ref()
        .and_then(|o| o.version.as_ref());
    let platform = platform_raw.map(|raw| parse(c, raw));
    let mut by_cluster = BTreeMap::new();
    for cl in &spec.clusters {
        let own = cl
            .operators
            .openshift_ai
            .as_ref()
            .and_then(|o| o.version.as_ref());
        let api = cl
            .maas
            .as_ref()
            .and_then(|m| m.api.as_ref())
            .or(spec.maas.api.as_ref());
        let named = match own {
            Some(raw) => Some(parse(c, raw)),
            None => platform,
        };
        let version = match named {
            // Unknown: reported by parse.
            Some(None) => continue,
            Some(Some(v)) => v,
            None => {
                let v = api.map_or(RhoaiVersion::V3_3, |a| {
                    RhoaiVersion::for_era(era_of_api(a.value))
                });
                let from = api.map_or_else(
                    || "the default".to_string(),
                    |a| format!("`maas.api: {}`", api_name(a.value)),
                );
                c.warning(
                    Code::VersionNotNamed,
                    cl.name.span,
                    format!(
                        "cluster `{}` names no OpenShift AI version; maasc assumes {v} ({from})",
                        cl.name.value
                    ),
                    format!(
                        "name the version the cluster runs: `operators: {{openshiftAI: {{version: \"{v}\"}}}}` in the cluster, or `spec.operators.openshiftAI.version` for every cluster"
                    ),
                );
                v
            }
        };
        moves(c, cl, version, own.or(platform_raw).map(|r| r.span));
        let era = version.era();
        if let Some(api) = api
            && !agrees(api.value, era)
        {
            let needed = RhoaiVersion::for_era(era_of_api(api.value));
            c.error(
                Code::VersionContradiction,
                api.span,
                format!(
                    "`maas.api: {}` does not match OpenShift AI {version} of cluster `{}`, which runs the {} era",
                    api_name(api.value),
                    cl.name.value,
                    era.as_str()
                ),
                format!(
                    "the {} era needs OpenShift AI {needed}{}: set the cluster's `operators.openshiftAI.version`, or remove `maas.api` (it is derived from the version)",
                    api_name(api.value),
                    if needed == RhoaiVersion::V3_3 {
                        " (3.0–3.3)"
                    } else {
                        ""
                    }
                ),
            );
        }
        by_cluster.insert(cl.name.value.clone(), ClusterVersion { version, era });
    }
    Versions { by_cluster }
}

/// E045: the version against the tree generated before. OLM upgrades one
/// minor at a time along 3.0 → 3.2 → 3.3 → 3.4 → 3.5 and never downgrades
/// (RHOAI-Build-Config FBC skipRanges; fact sheet §D.1).
fn moves(c: &mut Checker<'_>, cl: &Sp<ClusterInput>, version: RhoaiVersion, span: Option<Span>) {
    if c.allow_version_skip {
        return;
    }
    let Some(before) = c
        .previous_versions
        .get(&cl.name.value)
        .and_then(|v| RhoaiVersion::parse(v))
    else {
        return;
    };
    let problem = if version < before {
        Some(format!(
            "moves down from {before} to {version}: OLM never downgrades an operator"
        ))
    } else if version > before && before.next() != Some(version) {
        let next = before.next().map_or_else(String::new, |n| n.to_string());
        Some(format!(
            "skips from {before} to {version}: OLM upgrades one minor at a time, {before} → {next} first"
        ))
    } else {
        None
    };
    if let Some(problem) = problem {
        let span = span.filter(Span::is_known).unwrap_or(cl.name.span);
        c.error(
            Code::VersionSkip,
            span,
            format!(
                "cluster `{}`: the generated tree runs OpenShift AI {before}; this version {problem}",
                cl.name.value
            ),
            format!(
                "upgrade one minor at a time (generate and sync each step), or pass `--allow-version-skip` if the cluster really runs {version} already"
            ),
        );
    }
}

/// Where a diagnostic about an operator's subscription points: the field
/// when written, else the operator's entry, else the cluster's name.
fn span_of(field: Option<Span>, settings: Option<&Sp<OperatorInput>>, cluster: Span) -> Span {
    field
        .or(settings.map(|s| s.span))
        .filter(Span::is_known)
        .unwrap_or(cluster)
}

/// One operator's Subscription: the catalog's defaults, the version's OLM
/// settings for OpenShift AI and Connectivity Link, and the overrides,
/// checked so that no Subscription can leave the cluster's version or
/// wait forever for an approval.
pub(crate) fn subscription(
    c: &mut Checker<'_>,
    kind: OperatorKind,
    settings: Option<&Sp<OperatorInput>>,
    version: Option<RhoaiVersion>,
    cluster: &Sp<String>,
) -> OperatorSubscription {
    let d = kind.defaults();
    let s = settings.map(|s| &s.value);
    let channel_in = s.and_then(|s| s.channel.as_ref());
    let csv_in = s.and_then(|s| s.starting_csv.as_ref());
    let approval_in = s.and_then(|s| s.install_plan_approval.as_ref());
    let text = |v: Option<&Sp<String>>, default: &str| -> String {
        v.map_or_else(|| default.to_string(), |v| v.value.clone())
    };
    let facts = version.map(RhoaiVersion::facts);
    // The version's defaults: (channel, pinned CSV).
    let (channel, pinned): (String, Option<&str>) = match (kind, facts) {
        (OperatorKind::OpenshiftAi, Some(f)) => (
            f.channel.to_string(),
            (!f.channel_holds_minor).then_some(f.csv),
        ),
        // Connectivity Link has one channel, `stable`: pin the CSV.
        (OperatorKind::ConnectivityLink, Some(f)) => (d.channel.to_string(), Some(f.rhcl_csv)),
        _ => (d.channel.to_string(), None),
    };
    let channel = text(channel_in, &channel);
    // An overridden channel drops the pinned default only when it can no
    // longer leave the version.
    let starting_csv = csv_in.map(|v| v.value.clone()).or_else(|| {
        let keep = match (kind, version) {
            (OperatorKind::OpenshiftAi, Some(v)) => rhoai_channel_leaves(&channel, v),
            _ => true,
        };
        pinned.filter(|_| keep).map(str::to_string)
    });
    let approval: InstallPlanApproval = approval_in.map_or_else(
        || {
            if pinned.is_some() && starting_csv.is_some() {
                InstallPlanApproval::Manual
            } else {
                InstallPlanApproval::Automatic
            }
        },
        |a| a.value.into(),
    );
    let sub = OperatorSubscription {
        channel,
        source: text(s.and_then(|s| s.source.as_ref()), d.source),
        source_namespace: text(
            s.and_then(|s| s.source_namespace.as_ref()),
            "openshift-marketplace",
        ),
        starting_csv: starting_csv.filter(|s| !s.is_empty()),
        approval,
    };
    let at = |field: Option<Span>| span_of(field, settings, cluster.span);
    let component = d.component;
    let example = pinned.or(match kind {
        OperatorKind::OpenshiftAi => facts.map(|f| f.csv),
        _ => None,
    });
    // Manual approval without a pinned CSV: nothing approves the InstallPlan.
    if sub.approval == InstallPlanApproval::Manual && sub.starting_csv.is_none() {
        c.error(
            Code::ManualWithoutCsv,
            at(approval_in.map(|a| a.span)),
            format!(
                "operator {component} on cluster `{}` has `installPlanApproval: Manual` but no `startingCSV`: its InstallPlan is never approved and the Application stays Progressing",
                cluster.value
            ),
            format!(
                "set `startingCSV` to the CSV to install (maasc then emits a Job that approves exactly that CSV's InstallPlan){}, or remove `installPlanApproval`",
                example.map_or_else(String::new, |p| format!(", e.g. `startingCSV: {p}`"))
            ),
        );
    }
    match (kind, version) {
        (OperatorKind::OpenshiftAi, Some(v)) => {
            let leaves = rhoai_channel_leaves(&sub.channel, v);
            if leaves && sub.approval == InstallPlanApproval::Automatic {
                let f = v.facts();
                let hint = if f.channel_holds_minor {
                    format!(
                        "remove `channel` to use `{}`, which stays on {v}; or pin with `installPlanApproval: Manual` and `startingCSV: {}`",
                        f.channel, f.csv
                    )
                } else {
                    format!(
                        "{v} has no channel that stays on it: remove `channel`/`installPlanApproval` (maasc pins `startingCSV: {}` with Manual approval and an approver), or set `installPlanApproval: Manual`",
                        f.csv
                    )
                };
                c.error(
                    Code::ChannelLeavesVersion,
                    at(channel_in
                        .map(|ch| ch.span)
                        .or(approval_in.map(|a| a.span))),
                    format!(
                        "channel `{}` with Automatic approval can move cluster `{}` off OpenShift AI {v}",
                        sub.channel, cluster.value
                    ),
                    hint,
                );
            }
            if let Some(csv) = &sub.starting_csv {
                let of = rhoai_csv_version(csv);
                if of != Some(v) {
                    c.error(
                        Code::CsvNotForVersion,
                        at(csv_in.map(|s| s.span)),
                        format!(
                            "startingCSV `{csv}` is not an OpenShift AI {v} CSV (cluster `{}`)",
                            cluster.value
                        ),
                        format!(
                            "use `{}`{}",
                            v.facts().csv,
                            of.map_or_else(String::new, |o| format!(
                                ", or set `version: \"{o}\"` if the cluster runs {o}"
                            ))
                        ),
                    );
                }
            }
        }
        (OperatorKind::ConnectivityLink, Some(v)) => {
            if sub.approval == InstallPlanApproval::Automatic {
                c.error(
                    Code::ChannelLeavesVersion,
                    at(approval_in.map(|a| a.span).or(channel_in.map(|ch| ch.span))),
                    format!(
                        "Connectivity Link on cluster `{}` with Automatic approval follows channel `{}` to any release, 1.4.0 (gateway auth bypass) included",
                        cluster.value, sub.channel
                    ),
                    format!(
                        "remove `installPlanApproval` (maasc pins `startingCSV: {}` with Manual approval and an approver), or set `installPlanApproval: Manual` with the `startingCSV` you want",
                        v.facts().rhcl_csv
                    ),
                );
            }
            if let Some(csv) = &sub.starting_csv {
                let min = v.facts().rhcl_min;
                let minor = rhcl_csv_minor(csv);
                let problem = if RHCL_BROKEN.contains(&csv.as_str()) {
                    Some(
                        "RHCL 1.4.0 silently bypasses gateway authentication (upgrade to 1.4.1+)"
                            .to_string(),
                    )
                } else {
                    match minor {
                        None => Some(format!(
                            "`{csv}` is not an RHCL CSV name (`rhcl-operator.v<X.Y.Z>`)"
                        )),
                        Some(m) if m < min => Some(format!(
                            "MaaS on OpenShift AI {v} needs RHCL {}.{} or newer",
                            min.0, min.1
                        )),
                        Some(_) => None,
                    }
                };
                if let Some(problem) = problem {
                    c.error(
                        Code::CsvNotForVersion,
                        at(csv_in.map(|s| s.span)),
                        format!(
                            "Connectivity Link startingCSV `{csv}` on cluster `{}`: {problem}",
                            cluster.value
                        ),
                        format!(
                            "use `{}` (the default), or another RHCL {}.{}+ release but 1.4.0",
                            v.facts().rhcl_csv,
                            min.0,
                            min.1
                        ),
                    );
                }
            }
        }
        _ => {}
    }
    sub
}
