//! Cloud values that end up in object names and file names: a machine
//! pool's MachineSet is `<infrastructureID>-<pool>-<zone>` (also its file
//! name and the value of the `cluster-api-machineset` label), so each part
//! is a DNS-1123 label and the whole at most 63 characters. Refused here, at
//! validate time, rather than as a write error or an invalid object later.

use super::Checker;
use crate::diagnostic::Code;
use crate::input::ClusterInput;
use crate::model::check_dns_label;
use crate::source::Sp;

/// The longest MachineSet name: it is also a label value.
const MAX_MACHINE_SET_NAME: usize = 63;

pub(crate) fn check(c: &mut Checker<'_>, cl: &Sp<ClusterInput>) {
    let p = &cl.platform;
    let label = |c: &mut Checker<'_>, what: &str, raw: &Sp<String>, hint: &str| -> bool {
        match check_dns_label(&raw.value) {
            Ok(()) => true,
            Err(e) => {
                c.error(
                    Code::InvalidValue,
                    raw.span,
                    format!("{what} `{}` {e}", raw.value.escape_debug()),
                    hint,
                );
                false
            }
        }
    };
    let infra_ok = match &p.infrastructure_id {
        Some(id) => label(
            c,
            "platform.infrastructureID",
            id,
            "it names the MachineSets and their files (a DNS-1123 label): read it with `oc get infrastructure cluster -o jsonpath='{.status.infrastructureName}'`",
        ),
        None => true,
    };
    if let Some(region) = &p.region {
        label(
            c,
            "platform.region",
            region,
            "an AWS region is a DNS-1123 label, e.g. us-east-2",
        );
    }
    if let Some(ami) = &p.ami_id {
        label(
            c,
            "platform.amiID",
            ami,
            "an AMI ID looks like ami-0123456789abcdef0",
        );
    }
    let infra = p
        .infrastructure_id
        .as_ref()
        .map_or("", |i| i.value.as_str());
    for pool in &cl.machine_pools {
        // Node labels and taints land in the MachineSet as label keys and values.
        for (key, value) in &pool.labels {
            if let Some(why) = label_key_problem(key).or_else(|| label_value_problem(value)) {
                c.error(
                    Code::InvalidValue,
                    pool.span,
                    format!(
                        "label `{}: {}` of machine pool `{}` {why}",
                        key.escape_debug(),
                        value.escape_debug(),
                        pool.name.value
                    ),
                    "label keys are [prefix/]name and values at most 63 of [A-Za-z0-9._-], starting and ending alphanumeric",
                );
            }
        }
        for taint in pool.taints.iter().flatten() {
            let why = label_key_problem(&taint.key.value)
                .or_else(|| taint.value.as_deref().and_then(label_value_problem));
            if let Some(why) = why {
                c.error(
                    Code::InvalidValue,
                    taint.key.span,
                    format!("taint `{}` {why}", taint.key.value.escape_debug()),
                    "taint keys are like label keys ([prefix/]name), values like label values",
                );
            }
        }
        for zone in &pool.zones {
            if !label(
                c,
                "zone",
                zone,
                "a zone names the MachineSet and its file (a DNS-1123 label), e.g. us-east-2a",
            ) || !infra_ok
            {
                continue;
            }
            let name = format!("{infra}-{}-{}", pool.name.value, zone.value);
            if name.len() > MAX_MACHINE_SET_NAME && check_dns_label(&pool.name.value).is_ok() {
                c.error(
                    Code::InvalidValue,
                    zone.span,
                    format!(
                        "MachineSet name `{name}` is {} characters long, at most {MAX_MACHINE_SET_NAME} are allowed",
                        name.len()
                    ),
                    "the name is <infrastructureID>-<pool>-<zone> and is also a label value: shorten the pool name",
                );
            }
        }
    }
}

/// Why `s` is not a label name (`[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`,
/// at most 63 characters), if it is not.
fn label_name_problem(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some("has an empty name".into());
    }
    if s.len() > 63 {
        return Some(format!(
            "has a name of {} characters, at most 63 are allowed",
            s.len()
        ));
    }
    let ok_edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        || !ok_edge(s.chars().next())
        || !ok_edge(s.chars().last())
    {
        return Some("is not a valid label name".into());
    }
    None
}

fn label_key_problem(key: &str) -> Option<String> {
    match key.rsplit_once('/') {
        Some((prefix, name)) => crate::model::check_dns_subdomain(prefix)
            .err()
            .map(|e| format!("has a prefix that {e}"))
            .or_else(|| label_name_problem(name)),
        None => label_name_problem(key),
    }
}

fn label_value_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        None
    } else {
        label_name_problem(value).map(|why| why.replace("name", "value"))
    }
}
