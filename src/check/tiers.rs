//! Tiers: names, groups, limits, and the rules that span tiers and users.

use std::collections::{BTreeMap, BTreeSet};

use super::identity::CheckedIdentity;
use super::versions::Versions;
use super::{Checker, suggest};
use crate::diagnostic::Code;
use crate::input::{ClusterInput, GatewayInput, LimitsInput, RateInput, TierInput};
use crate::model::*;
use crate::source::Sp;

pub(crate) fn check(
    c: &mut Checker<'_>,
    input: &[Sp<TierInput>],
    identity: &CheckedIdentity,
    era: &SubscriptionEra<'_>,
) -> Vec<Tier> {
    c.unique(
        "tier",
        input.iter().map(|t| (t.name.value.clone(), t.name.span)),
    );
    let mut tiers = Vec::new();
    for t in input {
        let name = c.name("tier name", &t.name, TierName::parse);
        for g in &t.groups {
            let known = g.value.starts_with("system:")
                || identity.defined_groups.contains(&g.value)
                || identity.external_groups.contains(&g.value);
            if !known {
                let candidates = identity
                    .defined_groups
                    .iter()
                    .chain(&identity.external_groups)
                    .map(String::as_str);
                c.error(
                    Code::UndefinedGroup,
                    g.span,
                    format!("tier `{}` names group `{}`, which is not defined", t.name.value, g.value),
                    format!(
                        "{}; define it under identity.groups, or list it in identity.externalGroups if another identity provider owns it",
                        suggest::hint_for(&g.value, "group", candidates)
                    ),
                );
            }
        }
        c.unique(
            &format!("group of tier `{}`", t.name.value),
            t.groups.iter().map(|g| (g.value.clone(), g.span)),
        );
        let limits = limits(c, t.limits.as_ref(), &t.name.value, era.on());
        if let Some(on) = era.on() {
            subscription_tier(c, t, on);
        }
        if let (Some(name), Some(limits)) = (name, limits) {
            let mut groups: Vec<String> = t.groups.iter().map(|g| g.value.clone()).collect();
            // Sorted: the order of groups carries no meaning (issue 13).
            groups.sort();
            groups.dedup();
            tiers.push(Tier {
                name,
                level: t.level.value,
                display_name: t.display_name.clone(),
                description: t.description.clone(),
                groups,
                limits,
            });
        }
    }
    tiers.sort_by(|a, b| a.name.cmp(&b.name));
    tiers
}

/// The subscription-era clusters, for the rules MaaSSubscription adds.
pub(crate) struct SubscriptionEra<'a> {
    /// Their names, comma-separated, for messages; `None` when there are none.
    on: Option<String>,
    tiers: &'a [Sp<TierInput>],
}

impl<'a> SubscriptionEra<'a> {
    pub(super) fn new(
        clusters: &[Sp<ClusterInput>],
        versions: &Versions,
        tiers: &'a [Sp<TierInput>],
    ) -> SubscriptionEra<'a> {
        let names: Vec<&str> = clusters
            .iter()
            .filter(|cl| versions.api_of(cl) == MaasApi::Subscriptions)
            .map(|cl| cl.name.value.as_str())
            .collect();
        SubscriptionEra {
            on: (!names.is_empty()).then(|| names.join(", ")),
            tiers,
        }
    }

    /// Where limits defined for every cluster reach the subscription era.
    pub(super) fn on(&self) -> Option<Reach<'_>> {
        self.on.as_deref().map(|on| Reach { on, era: self })
    }

    /// Where an override of `cluster` reaches the subscription era.
    pub(super) fn on_cluster(
        &self,
        cluster: &ClusterInput,
        versions: &Versions,
    ) -> Option<Reach<'_>> {
        (versions.api_of(cluster) == MaasApi::Subscriptions)
            .then_some(())
            .and(self.on())
    }
}

/// Limits that apply on subscription-era clusters (`on`, for messages).
#[derive(Clone, Copy)]
pub(crate) struct Reach<'a> {
    on: &'a str,
    era: &'a SubscriptionEra<'a>,
}

/// Checks a tier's (or a tier override's) limits once: Kuadrant windows
/// for every era, and what MaaSSubscription can express when `reach` says
/// they apply on subscription-era clusters.
pub(crate) fn limits(
    c: &mut Checker<'_>,
    input: Option<&LimitsInput>,
    tier: &str,
    reach: Option<Reach<'_>>,
) -> Option<Limits> {
    let (_, requests) = rate(c, input.and_then(|l| l.requests.as_ref()));
    let token_input = input.and_then(|l| l.tokens.as_ref());
    let (token_window, tokens) = rate(c, token_input);
    let subscription = match (token_input, token_window) {
        (None, _) => Some(SubscriptionQuota::MOST),
        (Some(r), Some(window)) => SubscriptionQuota::new(r.limit.value, window),
        (Some(_), None) => None,
    };
    if let Some(reach) = reach {
        subscription_tokens(c, tier, token_input, token_window, reach);
    }
    Some(Limits {
        requests: requests.ok()?,
        tokens: tokens.ok()?,
        subscription,
    })
}

/// One rate: the window as written (if it is one), and the rate with the
/// window as Kuadrant spells it.
fn rate(c: &mut Checker<'_>, r: Option<&RateInput>) -> (Option<Window>, Result<Option<Rate>, ()>) {
    let Some(r) = r else { return (None, Ok(None)) };
    let Some(window) = c.window(&r.window) else {
        return (None, Err(()));
    };
    // Every era enforces limits through Kuadrant policies.
    let Some(kuadrant) = window.for_kuadrant() else {
        c.error(
            Code::UnsupportedWindow,
            r.window.span,
            format!(
                "window `{}` is longer than Kuadrant rate limits can express",
                r.window.value
            ),
            "Kuadrant windows are at most 99999 units of s, m or h (days become hours)",
        );
        return (Some(window), Err(()));
    };
    let rate = Rate {
        limit: r.limit.value,
        window: kuadrant,
    };
    (Some(window), Ok(Some(rate)))
}

/// What MaaSSubscription can express of a token rate: token windows
/// `^[1-9]\d{0,3}(s|m|h)$` (days become hours), token limits of at most
/// 10^9. A tier without a token limit is a warning: the era requires one.
fn subscription_tokens(
    c: &mut Checker<'_>,
    tier: &str,
    rate: Option<&RateInput>,
    window: Option<Window>,
    reach: Reach<'_>,
) {
    let on = reach.on;
    let Some(rate) = rate else {
        c.warning(
            Code::ApiCannotExpress,
            tier_span(reach.era.tiers, tier),
            format!(
                "tier `{tier}` has no token limit, which MaaSSubscription requires: on {on} it gets {MAX_SUBSCRIPTION_TOKENS} tokens per second, the most the API allows"
            ),
            "give the tier a token limit (limits.tokens) to make its quota explicit",
        );
        return;
    };
    if rate.limit.value == 0 {
        c.error(
            Code::InvalidValue,
            rate.limit.span,
            format!(
                "token limit 0 of tier `{tier}` is refused by MaaSSubscription (cluster {on} uses `maas.api: subscriptions`)",
            ),
            "to deny a tier a model, leave the tier out of the model's `tiers` list",
        );
    }
    if rate.limit.value > MAX_SUBSCRIPTION_TOKENS {
        c.error(
            Code::InvalidValue,
            rate.limit.span,
            format!(
                "token limit {} of tier `{tier}` is more than MaaSSubscription accepts (cluster {on} uses `maas.api: subscriptions`)",
                rate.limit.value
            ),
            format!("MaaSSubscription token limits are at most {MAX_SUBSCRIPTION_TOKENS}; use a shorter window instead"),
        );
    }
    if let Some(window) = window
        && window.for_subscriptions().is_none()
    {
        c.error(
            Code::UnsupportedWindow,
            rate.window.span,
            format!(
                "token window `{}` cannot be expressed by MaaSSubscription (cluster {on} uses `maas.api: subscriptions`)",
                rate.window.value
            ),
            "MaaSSubscription windows are at most 4 digits of s, m or h (1d becomes 24h); use at most 9999h (416d)",
        );
    }
}

/// What MaaSSubscription cannot say of a tier itself: a level beyond its
/// int32 `priority` (an error), a request limit (a warning).
fn subscription_tier(c: &mut Checker<'_>, t: &TierInput, reach: Reach<'_>) {
    let on = reach.on;
    if i32::try_from(t.level.value).is_err() {
        c.error(
            Code::InvalidValue,
            t.level.span,
            format!(
                "level {} of tier `{}` does not fit MaaSSubscription's priority (a 32-bit integer)",
                t.level.value, t.name.value
            ),
            "use a level between -2147483648 and 2147483647",
        );
    }
    if let Some(r) = t.limits.as_ref().and_then(|l| l.requests.as_ref()) {
        c.warning(
            Code::ApiCannotExpress,
            r.window.span,
            format!(
                "tier `{}` has a request limit, which MaaSSubscription cannot express: it is not enforced on {on}",
                t.name.value
            ),
            "the subscription era limits tokens only; keep the request limit for tier-era clusters or remove it",
        );
    }
}

/// Warns when the Gateway is not the one maas-controller serves on the
/// subscription-era clusters.
pub(crate) fn check_gateway_for_subscriptions(
    c: &mut Checker<'_>,
    era: &SubscriptionEra<'_>,
    gateway: Option<&GatewayInput>,
) {
    if let Some(reach) = era.on() {
        gateway_served_by_controller(c, gateway, reach.on);
    }
}

/// The operator-deployed maas-controller (RHOAI 3.4) attaches models to the
/// Gateway `maas-default-gateway` in `openshift-ingress` (its GATEWAY_NAME
/// and GATEWAY_NAMESPACE); a Gateway named otherwise is not served there.
fn gateway_served_by_controller(c: &mut Checker<'_>, gateway: Option<&GatewayInput>, on: &str) {
    let Some(g) = gateway else { return };
    let fields = [
        (&g.name, "maas-default-gateway", "name"),
        (&g.namespace, "openshift-ingress", "namespace"),
    ];
    for (value, expected, what) in fields {
        if let Some(v) = value
            && v.value != expected
        {
            c.warning(
                Code::GatewayNotServed,
                v.span,
                format!(
                    "gateway {what} `{}` differs from `{expected}`, the Gateway maas-controller serves on {on} (`maas.api: subscriptions`)",
                    v.value
                ),
                format!("use {what} `{expected}` on subscription-era clusters, or keep them on `maas.api: tiers`"),
            );
        }
    }
}

/// Where tier `name` is defined (its name), for diagnostics about it.
fn tier_span(tiers: &[Sp<TierInput>], name: &str) -> crate::source::Span {
    tiers
        .iter()
        .find(|t| t.name.value == name)
        .map(|t| t.name.span)
        .unwrap_or_default()
}

/// A user whose groups reach two tiers of one level makes the effective tier
/// ambiguous (the highest level wins, and there are two).
pub(crate) fn check_ambiguous_levels(
    c: &mut Checker<'_>,
    input: &[Sp<TierInput>],
    tiers: &[Tier],
    identity: &CheckedIdentity,
) {
    let everyone: BTreeSet<&str> = identity
        .model
        .groups
        .iter()
        .flat_map(|g| g.users.iter().map(UserName::as_str))
        .collect();
    let members = |group: &str| -> Vec<&str> {
        if group == "system:authenticated" || group == "system:authenticated:oauth" {
            return everyone.iter().copied().collect();
        }
        identity
            .model
            .groups
            .iter()
            .filter(|g| g.name.as_str() == group)
            .flat_map(|g| g.users.iter().map(UserName::as_str))
            .collect()
    };
    // (user, level) → tiers reaching that user at that level
    let mut reach: BTreeMap<(&str, i64), BTreeSet<&str>> = BTreeMap::new();
    for t in tiers {
        for g in &t.groups {
            for u in members(g) {
                reach
                    .entry((u, t.level))
                    .or_default()
                    .insert(t.name.as_str());
            }
        }
    }
    for ((user, level), names) in reach {
        if names.len() > 1 {
            let names: Vec<&str> = names.into_iter().collect();
            // Blame the level of the conflicting tier defined last in the file.
            let span = input
                .iter()
                .filter(|t| names.contains(&t.name.value.as_str()))
                .map(|t| t.level.span)
                .max()
                .unwrap_or_default();
            c.error(
                Code::AmbiguousTier,
                span,
                format!("user `{user}` reaches tiers {} which share level {level}; which one applies is ambiguous", names.join(" and ")),
                "give the tiers different levels, or remove the user from one of their groups",
            );
        }
    }
}
