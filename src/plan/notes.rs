//! What maasc leaves to the platform, as markdown for the generated README
//! (issue 16): on ROSA, ARO and hosted control planes identity providers
//! and machine pools are configured through the platform, not through
//! OpenShift objects, so the tree holds none and these notes say how.
//!
//! Commands follow the `rosa` CLI 1.2 (`rosa create idp`, `rosa create
//! machinepool`); HyperShift `NodePool` hypershift.openshift.io/v1beta1.

use std::fmt::Write as _;

use super::components::{POOL_LABEL, oauth_providers, split};
use crate::model::{Cluster, HtpasswdSource, MachinePool, Managed, Platform, Scaling};

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// How to configure the identity providers maasc would have put in
/// `OAuth/cluster`, on a cluster whose platform owns them; `None` where
/// maasc emits the OAuth object itself (or there is nothing to configure).
pub fn identity_note(platform: &Platform, cluster: &Cluster) -> Option<String> {
    if !cluster.platform_managed() {
        return None;
    }
    let providers = oauth_providers(platform, cluster);
    if providers.is_empty() {
        return None;
    }
    let name = cluster.name.as_str();
    let mut out = format!("### Identity providers of `{name}`\n\n");
    match (cluster.platform.managed, cluster.platform.hosted_control_plane) {
        (Managed::Rosa, _) => {
            out.push_str(
                "ROSA owns `OAuth/cluster`: maasc emits none. Create each provider with the \
                 `rosa` CLI; secrets come from your vault, never from Git.\n\n```sh\n",
            );
            if let Some(h) = &platform.identity.htpasswd {
                let from = match &h.source {
                    HtpasswdSource::File { .. } => "users.htpasswd".to_string(),
                    HtpasswdSource::ExistingSecret(s) => format!(
                        "<(oc get secret {s} -n openshift-config -o jsonpath='{{.data.htpasswd}}' | base64 -d)"
                    ),
                };
                let _ = writeln!(
                    out,
                    "rosa create idp --cluster={name} --type=htpasswd --name={} --from-file={from}",
                    shell_quote(&h.provider)
                );
            }
            for p in &cluster.identity_providers {
                let _ = writeln!(
                    out,
                    "rosa create idp --cluster={name} --type={} --name={} --mapping-method={} \
                     # then the {} settings below as flags (e.g. --client-id, --client-secret \"$SECRET\", --issuer-url)",
                    p.kind.to_ascii_lowercase(),
                    shell_quote(&p.name),
                    p.mapping_method,
                    p.key
                );
            }
            out.push_str("```\n\n");
        }
        (Managed::Aro, _) => out.push_str(
            "On ARO maasc leaves `OAuth/cluster` to the cluster's administrators: merge these \
             entries into `spec.identityProviders` (`oc edit oauth cluster`), keeping the \
             providers already there.\n\n",
        ),
        (Managed::SelfManaged, _) => out.push_str(
            "With a hosted control plane the OAuth configuration lives on the hosting cluster: \
             set these entries in the `HostedCluster`'s `spec.configuration.oauth.identityProviders` \
             (with `rosa create idp` on ROSA HCP).\n\n",
        ),
    }
    out.push_str("The providers, as OAuth lists them:\n\n```yaml\n");
    out.push_str(
        &serde_saphyr::to_string(&serde_json::json!({ "identityProviders": providers }))
            .expect("JSON values serialise as YAML"),
    );
    out.push_str("```\n");
    Some(out)
}

/// `rosa create machinepool` flags for one pool's labels and taints: the
/// same `maas.opendatahub.io/pool` label and taints the models select and
/// tolerate.
fn labels_and_taints(pool: &MachinePool) -> String {
    let mut labels = pool.labels.clone();
    labels.insert(POOL_LABEL.to_string(), pool.name.to_string());
    let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut out = format!(" --labels={}", shell_quote(&labels.join(",")));
    if !pool.taints.is_empty() {
        let taints: Vec<String> = pool
            .taints
            .iter()
            .map(|t| {
                format!(
                    "{}={}:{}",
                    t.key,
                    t.value.as_deref().unwrap_or(""),
                    t.effect.as_str()
                )
            })
            .collect();
        let _ = write!(out, " --taints={}", shell_quote(&taints.join(",")));
    }
    out
}

/// The machine pools as the platform creates them, on a cluster whose
/// platform owns its machines; `None` where maasc emits MachineSets (or
/// there are no pools).
pub fn machine_pools_note(cluster: &Cluster) -> Option<String> {
    if !cluster.platform_managed() || cluster.pools.is_empty() {
        return None;
    }
    let name = cluster.name.as_str();
    let mut out = format!("### Machine pools of `{name}`\n\n");
    let rosa = cluster.platform.managed == Managed::Rosa;
    if rosa {
        out.push_str(
            "ROSA owns machines and autoscaling: maasc emits no MachineSet and no \
             ClusterAutoscaler. One machine pool per pool and zone (autoscale bounds count the \
             whole pool, split over its zones, remainders to the first zones):\n\n```sh\n",
        );
    } else {
        out.push_str(
            "The platform owns machines and autoscaling (ARO: MachineSets copied from a worker \
             one, `oc get machineset -n openshift-machine-api`; hosted control planes: a \
             `NodePool` per pool and zone on the hosting cluster): maasc emits no MachineSet and \
             no ClusterAutoscaler. Create, per pool and zone:\n\n\
             | pool | zone | instance type | nodes | labels and taints |\n|---|---|---|---|---|\n",
        );
    }
    for pool in &cluster.pools {
        let zones = pool.zones.len();
        let (mins, maxes) = match pool.scaling {
            Scaling::Fixed(n) => (vec![n; zones], vec![n; zones]),
            Scaling::Autoscale { min, max } => (split(min, zones), split(max, zones)),
        };
        for (i, zone) in pool.zones.iter().enumerate() {
            let pool_name = if zones == 1 {
                pool.name.to_string()
            } else {
                format!("{}-{}", pool.name, i + 1)
            };
            if !rosa {
                let nodes = match pool.scaling {
                    Scaling::Fixed(_) => mins[i].to_string(),
                    Scaling::Autoscale { .. } => format!("{}–{} (autoscaled)", mins[i], maxes[i]),
                };
                let _ = writeln!(
                    out,
                    "| {pool_name} | {zone} | {} | {nodes} | `{}` |",
                    pool.instance_type,
                    labels_and_taints(pool).trim()
                );
                continue;
            }
            let size = match pool.scaling {
                Scaling::Fixed(_) => format!("--replicas={}", mins[i]),
                Scaling::Autoscale { .. } => format!(
                    "--enable-autoscaling --min-replicas={} --max-replicas={}",
                    mins[i], maxes[i]
                ),
            };
            let _ = writeln!(
                out,
                "rosa create machinepool --cluster={name} --name={pool_name} --instance-type={} \
                 --availability-zone={} {size}{}",
                shell_quote(&pool.instance_type),
                shell_quote(zone),
                labels_and_taints(pool)
            );
        }
    }
    if rosa {
        out.push_str("```\n");
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(platform: &str, pools: &str) -> crate::Loaded {
        let text = format!(
            "apiVersion: maas.opendatahub.io/v1alpha1\nkind: MaaSPlatform\nmetadata: {{name: p}}\nspec:\n  gitops: {{repoURL: https://example.com/r.git}}\n  clusters:\n    - name: c\n      baseDomain: apps.c.example.com\n      platform: {platform}\n      machinePools: {pools}\n  identity:\n    htpasswd: {{existingSecret: users}}\n    providers:\n      - {{name: gh, type: GitHub, github: {{clientID: x, clientSecret: {{name: gh-secret}}, organizations: [acme]}}}}\n"
        );
        crate::load_text(std::path::Path::new("maas.yaml"), text, None)
            .unwrap_or_else(|e| panic!("{}", e.render()))
    }

    #[test]
    fn bounds_split_with_the_remainder_to_the_first_zones() {
        assert_eq!(split(5, 3), [2, 2, 1]);
        assert_eq!(split(1, 2), [1, 0]);
        assert_eq!(split(4, 1), [4]);
        assert_eq!(split(0, 2), [0, 0]);
    }

    #[test]
    fn aro_and_hosted_control_planes_get_the_entries_not_rosa_commands() {
        let pools = "[{name: a10, instanceType: g5.xlarge, zones: [z1, z2], replicas: 1}]";
        let aro = load("{type: azure, managed: aro}", pools);
        let c = &aro.platform.clusters[0];
        let id = identity_note(&aro.platform, c).unwrap();
        assert!(
            id.contains("oc edit oauth cluster") && !id.contains("rosa "),
            "{id}"
        );
        assert!(
            id.contains("name: gh-secret") && id.contains("name: users"),
            "{id}"
        );
        let pools_note = machine_pools_note(c).unwrap();
        assert!(
            pools_note.contains("| a10-2 | z2 | g5.xlarge | 1 |"),
            "{pools_note}"
        );
        assert!(!pools_note.contains("rosa "), "{pools_note}");

        let hcp = load("{type: aws, hostedControlPlane: true}", "[]");
        let c = &hcp.platform.clusters[0];
        let id = identity_note(&hcp.platform, c).unwrap();
        assert!(id.contains("HostedCluster"), "{id}");
        assert!(machine_pools_note(c).is_none(), "no pools, no note");

        let own = load("{type: aws}", "[]");
        assert!(identity_note(&own.platform, &own.platform.clusters[0]).is_none());
    }
}
