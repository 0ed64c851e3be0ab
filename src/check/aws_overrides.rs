//! aws MachineSet overrides (issue 16): subnet `Name` tags by zone and the
//! workers' security groups, for clusters whose names differ from a fresh
//! IPI install's.

use super::Checker;
use crate::diagnostic::Code;
use crate::input::{ClusterInput, PlatformType};
use crate::source::Sp;

pub(crate) fn check(c: &mut Checker<'_>, cl: &Sp<ClusterInput>) {
    let p = &cl.platform.value;
    let zones: Vec<&str> = cl
        .machine_pools
        .iter()
        .flat_map(|mp| mp.zones.iter().map(|z| z.value.as_str()))
        .collect();
    let has_overrides = !p.subnets.is_empty() || p.security_groups.is_some();
    if has_overrides && p.kind.value != PlatformType::Aws {
        c.error(
            Code::InvalidValue,
            cl.platform.span,
            format!(
                "cluster `{}` names subnets or security groups but is not on aws",
                cl.name.value
            ),
            "remove platform.subnets and platform.securityGroups, or set platform.type: aws",
        );
        return;
    }
    for (zone, subnet) in &p.subnets {
        if !zones.contains(&zone.as_str()) {
            c.error(
                Code::UnknownReference,
                subnet.span,
                format!(
                    "platform.subnets names zone `{zone}`, which no machine pool of cluster `{}` uses",
                    cl.name.value
                ),
                super::suggest::hint_for(zone, "zone", zones.iter().copied()),
            );
        }
    }
    for value in p.subnets.values().chain(p.security_groups.iter().flatten()) {
        if value.value.trim().is_empty() {
            c.error(
                Code::InvalidValue,
                value.span,
                "an empty subnet or security group Name tag",
                "write the `Name` tag of the AWS resource, e.g. my-vpc-private-us-east-2a",
            );
        }
    }
    if p.security_groups.as_ref().is_some_and(Vec::is_empty) {
        c.error(
            Code::InvalidValue,
            cl.platform.span,
            "platform.securityGroups is empty: workers would join no security group",
            "name at least one, or leave it out for `<infrastructureID>-node` and `-lb`",
        );
    }
}
