//! Clusters: platform settings, operators, machine pools, overrides.

use std::collections::BTreeMap;

use super::versions::{self, Versions};
use super::{Checker, suggest, tiers};
use crate::catalog::instance_types;
use crate::catalog::operators::OperatorKind;
use crate::diagnostic::Code;
use crate::input::{
    ClusterInput, MachinePoolInput, OperatorInput, OperatorsInput, PlatformType, SpecInput,
};
use crate::model::*;
use crate::source::Sp;

pub(crate) fn check(
    c: &mut Checker<'_>,
    input: &[Sp<ClusterInput>],
    versions: &Versions,
    spec: &SpecInput,
    era: &tiers::SubscriptionEra<'_>,
) -> Vec<Cluster> {
    if input.is_empty() {
        c.error(
            Code::MissingField,
            crate::source::Span::UNKNOWN,
            "spec.clusters is empty",
            "add at least one cluster",
        );
    }
    c.unique(
        "cluster",
        input.iter().map(|cl| (cl.name.value.clone(), cl.name.span)),
    );
    let maas_workload = !spec.tiers.is_empty() || !spec.models.is_empty();
    let mut clusters: Vec<Cluster> = input
        .iter()
        .filter_map(|cl| check_cluster(c, cl, versions, maas_workload, era))
        .collect();
    clusters.sort_by(|a, b| a.name.cmp(&b.name));
    clusters
}

fn check_cluster(
    c: &mut Checker<'_>,
    cl: &Sp<ClusterInput>,
    versions: &Versions,
    maas_workload: bool,
    era: &tiers::SubscriptionEra<'_>,
) -> Option<Cluster> {
    let name = c.name("cluster name", &cl.name, ClusterName::parse);
    if cl.name.value == "base" {
        // `base/` holds the shared kustomize bases next to the cluster folders.
        c.error(
            Code::InvalidName,
            cl.name.span,
            "cluster name `base` is reserved",
            "`base/` holds the shared bases of the tree; pick another name",
        );
    }
    if check_dns_subdomain(&cl.base_domain.value).is_err() {
        c.error(
            Code::InvalidValue,
            cl.base_domain.span,
            format!("baseDomain `{}` is not a DNS name", cl.base_domain.value),
            "use the cluster's wildcard apps domain, e.g. apps.ocp.example.com",
        );
    }
    let server = cl
        .server
        .as_ref()
        .map(|s| s.value.clone())
        .unwrap_or_else(|| "https://kubernetes.default.svc".to_string());
    if let Some(s) = &cl.server
        && !s.value.starts_with("https://")
    {
        c.error(
            Code::InvalidValue,
            s.span,
            format!("server `{}` is not an https URL", s.value),
            "use the cluster API URL ArgoCD knows, e.g. https://kubernetes.default.svc",
        );
    }
    let p = &cl.platform;
    let platform = CloudFields {
        kind: p.kind.value,
        region: p.region.as_ref().map(|r| r.value.clone()),
        infrastructure_id: p.infrastructure_id.as_ref().map(|r| r.value.clone()),
        ami_id: p.ami_id.as_ref().map(|r| r.value.clone()),
        subnets: p
            .subnets
            .iter()
            .map(|(z, s)| (z.clone(), s.value.clone()))
            .collect(),
        security_groups: p
            .security_groups
            .as_ref()
            .map(|g| g.iter().map(|g| g.value.clone()).collect()),
    };
    if p.ami_id.is_some() && platform.kind != PlatformType::Aws {
        c.error(
            Code::InvalidValue,
            p.ami_id.as_ref().map(|a| a.span).unwrap_or_default(),
            "amiID is for aws clusters only",
            "remove amiID, or set platform.type: aws",
        );
    }
    c.unique(
        &format!("machine pool of cluster `{}`", cl.name.value),
        cl.machine_pools
            .iter()
            .map(|mp| (mp.name.value.clone(), mp.name.span)),
    );
    let pools: Vec<MachinePool> = cl
        .machine_pools
        .iter()
        .filter_map(|mp| check_pool(c, mp))
        .collect();
    // Managed platforms and hosted control planes make their own machines.
    let platform_managed = p
        .managed
        .as_ref()
        .is_some_and(|m| m.value != crate::input::Managed::SelfManaged)
        || p.hosted_control_plane;
    if !cl.machine_pools.is_empty() && !platform_managed {
        check_cloud_fields(c, cl, &platform);
    }
    super::cloud_names::check(c, cl);
    super::aws_overrides::check(c, cl);
    let version = versions.of(cl);
    let has_gpu = pools.iter().any(|p| p.instance.is_gpu());
    let operators = operators(
        c,
        &cl.operators,
        maas_workload,
        has_gpu,
        version.map(|v| v.version),
        &cl.name,
    );
    let mut tier_limits = BTreeMap::new();
    let reach = era.on_cluster(cl, versions);
    for (tier, o) in &cl.overrides.tiers {
        if let (Ok(tier), Some(limits)) = (
            TierName::parse(tier),
            tiers::limits(c, o.limits.as_ref(), tier, reach),
        ) {
            tier_limits.insert(tier, limits);
        }
    }
    let mut pools = pools;
    pools.sort_by(|a, b| a.name.cmp(&b.name));
    let version = version?;
    Some(Cluster {
        name: name?,
        environment: cl.environment.as_ref().map(|e| e.value.clone()),
        server,
        base_domain: cl.base_domain.value.clone(),
        platform: PlatformSettings {
            load_balancers: matches!(
                p.kind.value,
                PlatformType::Aws | PlatformType::Azure | PlatformType::Gcp
            ),
            hosted_control_plane: p.hosted_control_plane,
            managed: p
                .managed
                .as_ref()
                .map(|m| m.value)
                .unwrap_or_default()
                .into(),
            aws: platform.aws(),
        },
        version: version.version,
        era: version.era,
        api: version.era.api(),
        operators,
        pools,
        model_replicas: BTreeMap::new(),
        tier_limits,
        credentials: super::serving::credentials(c, cl.credentials.as_ref()),
        // The platform's and the cluster's own, attached by identity_providers.
        identity_providers: Vec::new(),
        cluster_autoscaler: cl
            .cluster_autoscaler
            .as_ref()
            .map(|a| a.value)
            .unwrap_or_default()
            .into(),
        // Set by check::database, which sees the platform default.
        api_key_max_days: None,
        database: None,
        // Set by check::extras.
        extras: ClusterExtras::default(),
        observability: None,
    })
}

/// The platform fields MachineSets need, as written.
struct CloudFields {
    kind: PlatformType,
    region: Option<String>,
    infrastructure_id: Option<String>,
    ami_id: Option<String>,
    subnets: BTreeMap<String, String>,
    security_groups: Option<Vec<String>>,
}

impl CloudFields {
    /// The AWS settings, when the cluster is on aws and has all of them.
    fn aws(self) -> Option<AwsSettings> {
        (self.kind == PlatformType::Aws).then_some(())?;
        Some(AwsSettings {
            region: self.region?,
            infrastructure_id: self.infrastructure_id?,
            ami_id: self.ami_id?,
            subnets: self.subnets,
            security_groups: self.security_groups,
        })
    }
}

fn check_cloud_fields(c: &mut Checker<'_>, cl: &Sp<ClusterInput>, platform: &CloudFields) {
    let span = cl.platform.span;
    match platform.kind {
        PlatformType::Aws => {
            for (field, present) in [
                ("infrastructureID", platform.infrastructure_id.is_some()),
                ("amiID", platform.ami_id.is_some()),
                ("region", platform.region.is_some()),
            ] {
                if !present {
                    c.error(
                        Code::MissingCloudField,
                        span,
                        format!("cluster `{}` has machine pools on aws but no platform.{field}", cl.name.value),
                        match field {
                            "infrastructureID" => "read it with `oc get infrastructure cluster -o jsonpath='{.status.infrastructureName}'`",
                            "amiID" => "copy it from an existing worker MachineSet: `oc get machineset -n openshift-machine-api -o yaml | grep -A1 ami:`",
                            _ => "set the AWS region, e.g. us-east-2",
                        },
                    );
                }
            }
        }
        other => c.warning(
            Code::PoolNotProvisioned,
            span,
            format!("maasc emits MachineSets for aws only; the pools of cluster `{}` ({other:?}) must exist already", cl.name.value),
            "label the nodes of each pool `maas.opendatahub.io/pool=<pool>` so models are scheduled on them",
        ),
    }
}

fn check_pool(c: &mut Checker<'_>, mp: &Sp<MachinePoolInput>) -> Option<MachinePool> {
    let name = c.name("machine pool name", &mp.name, PoolName::parse);
    let instance = instance_types::lookup(&mp.instance_type.value);
    if instance.is_none() {
        let known = instance_types::known_names();
        c.error(
            Code::UnknownInstanceType,
            mp.instance_type.span,
            format!(
                "instance type `{}` is not known to maasc",
                mp.instance_type.value
            ),
            suggest::hint_for(
                &mp.instance_type.value,
                "instance type",
                known.iter().map(String::as_str),
            ),
        );
    }
    if mp.zones.is_empty() {
        c.error(
            Code::MissingField,
            mp.span,
            format!("machine pool `{}` lists no zones", mp.name.value),
            "add `zones: [us-east-2a]`: one MachineSet is made per zone",
        );
    }
    c.unique(
        &format!("zone of pool `{}`", mp.name.value),
        mp.zones.iter().map(|z| (z.value.clone(), z.span)),
    );
    let scaling = match (&mp.replicas, &mp.autoscale) {
        (Some(_), Some(a)) => {
            c.error(
                Code::InvalidValue,
                a.span,
                "a machine pool has both `replicas` and `autoscale`",
                "keep one: fixed replicas, or autoscale {min, max}",
            );
            None
        }
        (Some(r), None) => Some(Scaling::Fixed(r.value)),
        (None, Some(a)) if a.min > a.max => {
            c.error(
                Code::InvalidValue,
                a.span,
                format!("autoscale min {} is larger than max {}", a.min, a.max),
                "set min <= max",
            );
            None
        }
        (None, Some(a)) if (a.max as usize) < mp.zones.len() => {
            c.error(
                Code::InvalidValue,
                a.span,
                format!(
                    "autoscale max {} is less than the pool's {} zones: a zone would get a max of 0",
                    a.max,
                    mp.zones.len()
                ),
                "min and max count the whole pool, split over its zones: raise max or list fewer zones",
            );
            None
        }
        (None, Some(a)) => Some(Scaling::Autoscale {
            min: a.min,
            max: a.max,
        }),
        (None, None) => Some(Scaling::Fixed(1)),
    };
    let instance = instance?;
    let taints = match &mp.taints {
        Some(list) => list
            .iter()
            .map(|t| Taint {
                key: t.key.value.clone(),
                value: t.value.clone(),
                effect: t.effect.into(),
            })
            .collect(),
        None if instance.is_gpu() => vec![Taint {
            key: "nvidia.com/gpu".into(),
            value: None,
            effect: TaintEffect::NoSchedule,
        }],
        None => Vec::new(),
    };
    Some(MachinePool {
        name: name?,
        instance_type: mp.instance_type.value.clone(),
        instance,
        // Sorted: the order of zones carries no meaning (issue 13).
        zones: {
            let mut zones: Vec<String> = mp.zones.iter().map(|z| z.value.clone()).collect();
            zones.sort();
            zones
        },
        scaling: scaling?,
        taints,
        labels: mp.labels.clone(),
    })
}

/// Implied operators plus the ones listed, with overrides applied.
fn operators(
    c: &mut Checker<'_>,
    input: &OperatorsInput,
    maas: bool,
    gpu: bool,
    version: Option<RhoaiVersion>,
    cluster: &Sp<String>,
) -> BTreeMap<OperatorKind, OperatorSubscription> {
    let openshift_ai = input
        .openshift_ai
        .as_ref()
        .map(|o| Sp::new(o.value.subscription(), o.span));
    let listed: [(OperatorKind, &Option<Sp<OperatorInput>>); 11] = [
        (OperatorKind::CertManager, &input.cert_manager),
        (OperatorKind::Nfd, &input.nfd),
        (OperatorKind::NvidiaGpu, &input.nvidia_gpu),
        (OperatorKind::LeaderWorkerSet, &input.leader_worker_set),
        (OperatorKind::Kueue, &input.kueue),
        (OperatorKind::OpenshiftAi, &openshift_ai),
        (OperatorKind::ConnectivityLink, &input.connectivity_link),
        (OperatorKind::ServiceMesh, &input.service_mesh),
        (OperatorKind::Serverless, &input.serverless),
        (OperatorKind::Keycloak, &input.keycloak),
        // Implied by an autoscaled model, which check knows only after the
        // models (`serving::autoscaling_prerequisites`).
        (
            OperatorKind::CustomMetricsAutoscaler,
            &input.custom_metrics_autoscaler,
        ),
    ];
    let mut out = BTreeMap::new();
    for (kind, settings) in listed {
        let implied = match kind {
            OperatorKind::CertManager
            | OperatorKind::LeaderWorkerSet
            | OperatorKind::ConnectivityLink
            | OperatorKind::OpenshiftAi => maas,
            OperatorKind::Nfd | OperatorKind::NvidiaGpu => gpu,
            _ => false,
        };
        let enabled = match settings {
            Some(s) => s.enabled.unwrap_or(true),
            None => implied,
        };
        if !enabled {
            continue;
        }
        let d = kind.defaults();
        let sub = versions::subscription(c, kind, settings.as_ref(), version, cluster);
        for (field, value) in [("channel", &sub.channel), ("source", &sub.source)] {
            if value.trim().is_empty() {
                let span = settings.as_ref().map(|s| s.span).unwrap_or_default();
                c.error(
                    Code::InvalidValue,
                    span,
                    format!("operator {} has an empty {field}", d.component),
                    format!(
                        "remove `{field}` to use the default `{}`",
                        if field == "channel" {
                            d.channel
                        } else {
                            d.source
                        }
                    ),
                );
            }
        }
        out.insert(kind, sub);
    }
    out
}

/// Checks each cluster's model and tier overrides against the checked
/// models and tiers, and applies the model replica overrides, in one pass.
pub(crate) fn overrides(
    c: &mut Checker<'_>,
    clusters: &mut [Cluster],
    input: &[Sp<ClusterInput>],
    models: &[Model],
    tiers: &[Tier],
) {
    for cl in input {
        let mut checked = clusters
            .iter_mut()
            .find(|k| k.name.as_str() == cl.name.value);
        for (key, o) in &cl.overrides.models {
            let matches: Vec<&Model> = models
                .iter()
                .filter(|m| key == m.name.as_str() || *key == format!("{}/{}", m.namespace, m.name))
                .collect();
            match matches.len() {
                0 => c.error(
                    Code::UnknownReference,
                    o.span,
                    format!(
                        "override for model `{key}` in cluster `{}`: no such model",
                        cl.name.value
                    ),
                    suggest::hint_for(key, "model", models.iter().map(|m| m.name.as_str())),
                ),
                1 if !matches[0]
                    .clusters
                    .iter()
                    .any(|n| n.as_str() == cl.name.value) =>
                {
                    c.error(
                        Code::UnknownReference,
                        o.span,
                        format!(
                            "override for model `{key}`: the model is not deployed on cluster `{}`",
                            cl.name.value
                        ),
                        "add the cluster to the model's `clusters`, or remove the override",
                    )
                }
                1 => {
                    if let (Some(checked), Some(replicas)) = (checked.as_deref_mut(), o.replicas) {
                        let m = matches[0];
                        checked
                            .model_replicas
                            .insert((m.namespace.clone(), m.name.clone()), replicas);
                    }
                }
                _ => c.error(
                    Code::UnknownReference,
                    o.span,
                    format!("override key `{key}` matches models in several namespaces"),
                    "write it as `namespace/name`",
                ),
            }
        }
        for (key, o) in &cl.overrides.tiers {
            if !tiers.iter().any(|t| t.name.as_str() == key) {
                c.error(
                    Code::UnknownReference,
                    o.span,
                    format!(
                        "override for tier `{key}` in cluster `{}`: no such tier",
                        cl.name.value
                    ),
                    suggest::hint_for(key, "tier", tiers.iter().map(|t| t.name.as_str())),
                );
            }
        }
    }
}
