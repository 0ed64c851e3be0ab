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
