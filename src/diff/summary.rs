//! The high-level summary of a diff, in maas.yaml's own terms: clusters,
//! API eras, tiers and their limits, models and where they run, pools and
//! users. Only possible when both sides are maas.yaml (not generated trees).

use std::collections::BTreeSet;
use std::fmt::Display;

use crate::catalog::versions::upgrade_steps;
use crate::model::{Cluster, Limits, MaasApi, Model, Platform, Rate, Scaling, Tier, WindowUnit};

/// One line per change a reviewer cares about, in a stable order.
pub(crate) fn summarize(old: &Platform, new: &Platform) -> Vec<String> {
    let mut lines = Vec::new();
    clusters(old, new, &mut lines);
    tiers(old, new, &mut lines);
    models(old, new, &mut lines);
    users(old, new, &mut lines);
    lines
}

fn clusters(old: &Platform, new: &Platform, lines: &mut Vec<String>) {
    for c in &new.clusters {
        let Some(before) = old.cluster(&c.name) else {
            lines.push(format!(
                "cluster {} added (OpenShift AI {}, {} API, {} pool(s))",
                c.name,
                c.version,
                api_name(c.api),
                c.pools.len()
            ));
            continue;
        };
        if before.version != c.version {
            version_change(before, c, lines);
        } else if before.api != c.api {
            lines.push(format!(
                "cluster {}: MaaS API {} → {}",
                c.name,
                api_name(before.api),
                api_name(c.api)
            ));
        }
        pools(before, c, lines);
    }
    for c in &old.clusters {
        if new.cluster(&c.name).is_none() {
            lines.push(format!("cluster {} removed", c.name));
        }
    }
}

/// `cluster prod: OpenShift AI 3.3 → 3.4 (MaaS: tiers → subscriptions)`,
/// then the ordered steps of each hop, as the upstream upgrade guides give
/// them (`catalog::versions::upgrade_steps`). A downgrade or a skipped minor
/// says that OLM cannot do it.
fn version_change(before: &Cluster, c: &Cluster, lines: &mut Vec<String>) {
    let era = if before.era == c.era {
        format!("MaaS: {}", c.era.as_str())
    } else {
        format!("MaaS: {} → {}", before.era.as_str(), c.era.as_str())
    };
    let (from, to) = (before.version, c.version);
    let olm = if to < from {
        " — a downgrade, which OLM cannot do"
    } else if from.next() != Some(to) {
        " — skips a minor, which OLM cannot do"
    } else {
        ""
    };
    lines.push(format!(
        "cluster {}: OpenShift AI {from} → {to} ({era}){olm}",
        c.name
    ));
    if to < from {
        return;
    }
    let mut step = 0;
    let mut v = from;
    while v < to {
        let Some(next) = v.next() else { break };
        for text in upgrade_steps(v) {
            step += 1;
            lines.push(format!(
                "cluster {} upgrade step {step} ({v} → {next}): {text}",
                c.name
            ));
        }
        v = next;
    }
}

fn api_name(api: MaasApi) -> &'static str {
    match api {
        MaasApi::Tiers => "tiers",
        MaasApi::Subscriptions => "subscriptions",
    }
}

fn pools(old: &Cluster, new: &Cluster, lines: &mut Vec<String>) {
    for p in &new.pools {
        match old.pool(&p.name) {
            None => lines.push(format!(
                "pool {} added to {} ({} × {})",
                p.name,
                new.name,
                scaling(p.scaling),
                p.instance_type
            )),
            Some(b) => {
                if b.instance_type != p.instance_type {
                    changed(
                        lines,
                        &format!("pool {} on {}: instance type", p.name, new.name),
                        &b.instance_type,
                        &p.instance_type,
                    );
                }
                if b.scaling != p.scaling {
                    changed(
                        lines,
                        &format!("pool {} on {}: nodes", p.name, new.name),
                        scaling(b.scaling),
                        scaling(p.scaling),
                    );
                }
            }
        }
    }
    for p in &old.pools {
        if new.pool(&p.name).is_none() {
            lines.push(format!("pool {} removed from {}", p.name, new.name));
        }
    }
}

fn scaling(s: Scaling) -> String {
    match s {
        Scaling::Fixed(n) => n.to_string(),
        Scaling::Autoscale { min, max } => format!("{min}–{max}"),
    }
}

fn tiers(old: &Platform, new: &Platform, lines: &mut Vec<String>) {
    for t in &new.tiers {
        let Some(before) = old.tier(&t.name) else {
            lines.push(format!(
                "tier {} added (level {}, {})",
                t.name,
                t.level,
                limits(&t.limits)
            ));
            continue;
        };
        tier_changes(before, t, lines);
    }
    for t in &old.tiers {
        if new.tier(&t.name).is_none() {
            lines.push(format!("tier {} removed", t.name));
        }
    }
}

fn tier_changes(old: &Tier, new: &Tier, lines: &mut Vec<String>) {
    let what = format!("tier {}", new.name);
    let rates = [
        ("requests", old.limits.requests, new.limits.requests),
        ("tokens", old.limits.tokens, new.limits.tokens),
    ];
    for (name, a, b) in rates {
        if a != b {
            changed(lines, &format!("{what}: {name}"), opt_rate(a), opt_rate(b));
        }
    }
    if old.level != new.level {
        changed(lines, &format!("{what}: level"), old.level, new.level);
    }
    set_changes(lines, &format!("{what}: groups"), &old.groups, &new.groups);
}

fn limits(l: &Limits) -> String {
    format!(
        "requests {}, tokens {}",
        opt_rate(l.requests),
        opt_rate(l.tokens)
    )
}

fn opt_rate(r: Option<Rate>) -> String {
    r.map(rate).unwrap_or_else(|| "unlimited".into())
}

/// `100k/h`, `1.5M/1d`, `20/2m`.
fn rate(r: Rate) -> String {
    // Windows are kept in hours for the APIs; whole days read better.
    let window = match r.window.unit {
        WindowUnit::Hours if r.window.amount.is_multiple_of(24) => {
            format!("{}d", r.window.amount / 24)
        }
        _ => r.window.to_string(),
    };
    let window = window
        .strip_prefix('1')
        .filter(|w| w.len() == 1)
        .unwrap_or(&window);
    format!("{}/{window}", compact(r.limit))
}

fn compact(n: u64) -> String {
    for (unit, suffix) in [(1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")] {
        if n >= unit && (n * 10).is_multiple_of(unit) {
            let tenths = n * 10 / unit;
            return if tenths.is_multiple_of(10) {
                format!("{}{suffix}", tenths / 10)
            } else {
                format!("{}.{}{suffix}", tenths / 10, tenths % 10)
            };
        }
    }
    n.to_string()
}

fn models(old: &Platform, new: &Platform, lines: &mut Vec<String>) {
    let find = |p: &'_ Platform, m: &Model| {
        p.models
            .iter()
            .find(|o| o.name == m.name && o.namespace == m.namespace)
            .cloned()
    };
    for m in &new.models {
        let before = find(old, m);
        let was_on: BTreeSet<&str> = before
            .iter()
            .flat_map(|b| b.clusters.iter().map(|c| c.as_str()))
            .collect();
        let added_to: Vec<String> = m
            .clusters
            .iter()
            .filter(|c| !was_on.contains(c.as_str()))
            .map(|c| format!("{c} ({})", footprint(new, m, c)))
            .collect();
        if !added_to.is_empty() {
            lines.push(format!("model {} added to {}", m.name, added_to.join(", ")));
        }
        let Some(before) = before else { continue };
        let removed_from: Vec<&str> = before
            .clusters
            .iter()
            .filter(|c| !m.clusters.contains(c))
            .map(|c| c.as_str())
            .collect();
        if !removed_from.is_empty() {
            lines.push(format!(
                "model {} removed from {}",
                m.name,
                removed_from.join(", ")
            ));
        }
        model_changes(&before, m, lines);
    }
    for m in &old.models {
        if find(new, m).is_none() {
            lines.push(format!("model {} removed", m.name));
        }
    }
}

fn model_changes(old: &Model, new: &Model, lines: &mut Vec<String>) {
    let what = format!("model {}", new.name);
    if old.replicas != new.replicas {
        changed(
            lines,
            &format!("{what}: replicas"),
            old.replicas,
            new.replicas,
        );
    }
    if old.serving.gpus() != new.serving.gpus() {
        changed(
            lines,
            &format!("{what}: GPUs"),
            old.serving.gpus(),
            new.serving.gpus(),
        );
    }
    if old.uri != new.uri {
        changed(lines, &format!("{what}: uri"), &old.uri, &new.uri);
    }
    let source = |m: &Model| {
        m.serving
            .external()
            .map(|e| {
                format!(
                    "{} at {} ({})",
                    e.provider.as_str(),
                    e.endpoint,
                    e.target_model
                )
            })
            .unwrap_or_else(|| "served on the cluster".to_string())
    };
    if source(old) != source(new) {
        changed(
            lines,
            &format!("{what}: external"),
            source(old),
            source(new),
        );
    }
    let tiers = |m: &Model| m.tiers.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    set_changes(lines, &format!("{what}: tiers"), &tiers(old), &tiers(new));
}

/// `2 × A10G`, or `CPU` for a model without GPUs.
fn footprint(p: &Platform, m: &Model, cluster: &crate::model::ClusterName) -> String {
    let replicas = p
        .cluster(cluster)
        .and_then(|c| c.model_replicas.get(&(m.namespace.clone(), m.name.clone())))
        .copied()
        .unwrap_or(m.replicas);
    if let Some(e) = m.serving.external() {
        return format!("external, {} at {}", e.provider.as_str(), e.endpoint);
    }
    let per_replica = if m.serving.gpus() == 0 {
        "CPU".to_string()
    } else {
        let gpu = p
            .cluster(cluster)
            .and_then(|c| m.serving.pool().and_then(|n| c.pool(n)))
            .and_then(|pool| pool.instance.accelerator)
            .map_or("GPU", |a| a.short);
        format!("{} × {gpu}", m.serving.gpus())
    };
    if replicas == 1 {
        per_replica
    } else {
        format!("{replicas} replicas of {per_replica}")
    }
}

fn users(old: &Platform, new: &Platform, lines: &mut Vec<String>) {
    for g in &new.identity.groups {
        let before = old
            .identity
            .groups
            .iter()
            .find(|o| o.name == g.name)
            .map(|o| o.users.iter().map(|u| u.to_string()).collect::<Vec<_>>());
        let now: Vec<String> = g.users.iter().map(|u| u.to_string()).collect();
        match before {
            None => lines.push(format!("group {} added ({} user(s))", g.name, now.len())),
            Some(b) => set_changes(lines, &format!("group {}: users", g.name), &b, &now),
        }
    }
    for g in &old.identity.groups {
        if !new.identity.groups.iter().any(|n| n.name == g.name) {
            lines.push(format!("group {} removed", g.name));
        }
    }
}

fn changed(lines: &mut Vec<String>, what: &str, old: impl Display, new: impl Display) {
    lines.push(format!("{what} {old} → {new}"));
}

/// `+a +b −c` for a list whose members changed.
fn set_changes(lines: &mut Vec<String>, what: &str, old: &[String], new: &[String]) {
    let added = new
        .iter()
        .filter(|x| !old.contains(x))
        .map(|x| format!("+{x}"));
    let removed = old
        .iter()
        .filter(|x| !new.contains(x))
        .map(|x| format!("−{x}"));
    let all: Vec<String> = added.chain(removed).collect();
    if !all.is_empty() {
        lines.push(format!("{what} {}", all.join(" ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Window;

    #[test]
    fn rates_read_like_people_write_them() {
        let r = |limit, w: &str| {
            rate(Rate {
                limit,
                window: Window::parse(w).unwrap(),
            })
        };
        assert_eq!(r(100_000, "1h"), "100k/h");
        assert_eq!(r(1_500_000, "1d"), "1.5M/d");
        assert_eq!(r(1_000, "48h"), "1k/2d");
        assert_eq!(r(20, "2m"), "20/2m");
        assert_eq!(r(12_345, "10h"), "12345/10h");
    }
}
