//! What each cluster gets, component by component. A component is one
//! kustomization and one ArgoCD Application.

use std::collections::BTreeMap;

use super::objects::{self as o, PlannedObject, SKIP_DRY_RUN, StringMap};
use crate::catalog::instance_types::T4;
use crate::catalog::operators::OperatorKind;
use crate::model::*;

/// Namespace where RHOAI runs maas-api and its tier ConfigMap.
pub const MAAS_API_NAMESPACE: &str = "redhat-ods-applications";
/// Namespace maas-controller watches for MaaSAuthPolicy and MaaSSubscription
/// (its `--maas-subscription-namespace`; it creates the namespace itself).
pub const MAAS_SUBSCRIPTION_NAMESPACE: &str = "models-as-a-service";
/// Node label every pool's nodes carry, and models select.
pub const POOL_LABEL: &str = "maas.opendatahub.io/pool";
const SIMULATOR_IMAGE: &str = "ghcr.io/llm-d/llm-d-inference-sim:v0.6.1";
const VLLM_CPU_IMAGE: &str = "registry.redhat.io/rhaii/vllm-cpu-rhel9:3.4.1";

/// One kustomization plus the Application that syncs it.
#[derive(Clone, Debug)]
pub struct Component {
    /// Folder below `base/` and `<cluster>/`, e.g. `operators/nfd`.
    pub dir: String,
    pub wave: i32,
    /// Application destination namespace.
    pub namespace: Option<String>,
    /// Kuadrant policies are applied server-side (as the MaaS docs do).
    pub server_side_apply: bool,
    /// ArgoCD creates the destination namespace when it is missing (one
    /// that an operator also creates, so maasc must not own it).
    pub create_namespace: bool,
    pub objects: Vec<PlannedObject>,
}

impl Component {
    pub(super) fn new(
        dir: impl Into<String>,
        wave: i32,
        namespace: Option<&str>,
        objects: Vec<PlannedObject>,
    ) -> Component {
        Component {
            dir: dir.into(),
            wave,
            namespace: namespace.map(str::to_string),
            server_side_apply: false,
            create_namespace: false,
            objects,
        }
    }
}

/// Every component of one cluster, in dir order.
pub fn for_cluster(platform: &Platform, cluster: &Cluster) -> Vec<Component> {
    let mut out: Vec<Component> = cluster
        .operators
        .iter()
        .map(|(kind, sub)| operator(*kind, sub))
        .collect();
    out.extend(instances(platform, cluster));
    out.extend(machine_pools(cluster));
    out.extend(identity(platform));
    let maas = !platform.tiers.is_empty() || platform.models_on(&cluster.name).next().is_some();
    if maas {
        out.push(maas_gateway(platform, cluster));
        match cluster.api {
            MaasApi::Tiers => {
                out.push(tier_policies(platform, cluster));
                out.extend(super::authorino::authorino_tls(cluster));
            }
            MaasApi::Subscriptions => out.extend(subscriptions(platform, cluster)),
        }
    }
    out.extend(models(platform, cluster));
    out.sort_by(|a, b| a.dir.cmp(&b.dir));
    out
}

const SYNC_OPTIONS: &str = "argocd.argoproj.io/sync-options";

fn annotations_skip_dry_run() -> StringMap {
    StringMap::from([(SYNC_OPTIONS.to_string(), SKIP_DRY_RUN.to_string())])
}

fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Vec<String> {
    items.into_iter().map(|s| s.as_ref().to_string()).collect()
}

/// The console's display name and description annotations, where given.
fn display_annotations(display_name: &Option<String>, description: &Option<String>) -> StringMap {
    let mut annotations = StringMap::new();
    if let Some(d) = display_name {
        annotations.insert("openshift.io/display-name".to_string(), d.clone());
    }
    if let Some(d) = description {
        annotations.insert("openshift.io/description".to_string(), d.clone());
    }
    annotations
}

fn taint(t: &Taint) -> o::Taint {
    o::Taint {
        key: t.key.clone(),
        value: t.value.clone(),
        effect: t.effect.as_str().to_string(),
    }
}

fn operator(kind: OperatorKind, sub: &OperatorSubscription) -> Component {
    let d = kind.defaults();
    let mut objects = Vec::new();
    if let Some(group) = d.operator_group {
        let labels = d
            .namespace_labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        objects.push(PlannedObject::cluster(d.namespace, o::Namespace { labels }));
        let target_namespaces = if d.own_namespace {
            vec![d.namespace.to_string()]
        } else {
            Vec::new()
        };
        objects.push(PlannedObject::namespaced(
            d.namespace,
            group,
            o::OperatorGroup { target_namespaces },
        ));
    }
    objects.push(PlannedObject::namespaced(
        d.namespace,
        d.package,
        o::Subscription {
            channel: sub.channel.clone(),
            install_plan_approval: sub.approval.as_str().to_string(),
            package: d.package.to_string(),
            source: sub.source.clone(),
            source_namespace: sub.source_namespace.clone(),
            starting_csv: sub.starting_csv.clone().filter(|s| !s.is_empty()),
            env: d
                .env
                .iter()
                .map(|(k, v)| o::EnvVar {
                    name: k.to_string(),
                    value: v.to_string(),
                })
                .collect(),
        },
    ));
    Component::new(
        format!("operators/{}", d.component),
        kind.sync_wave(),
        Some(d.namespace),
        objects,
    )
}

fn instances(platform: &Platform, cluster: &Cluster) -> Vec<Component> {
    let mut out = Vec::new();
    if cluster.has_operator(OperatorKind::Nfd) {
        // Gotcha 4: PCI class 03 (display) with the vendor label, so the
        // GPU operator finds NVIDIA nodes.
        let config = "core:\n  sleepInterval: 60s\nsources:\n  pci:\n    deviceClassWhitelist:\n      - \"0200\"\n      - \"03\"\n      - \"12\"\n    deviceLabelFields:\n      - vendor\n";
        let nfd = PlannedObject::namespaced(
            "openshift-nfd",
            "nfd-instance",
            o::NodeFeatureDiscovery {
                annotations: annotations_skip_dry_run(),
                config_data: config.to_string(),
            },
        );
        out.push(Component::new(
            "instances/nfd",
            20,
            Some("openshift-nfd"),
            vec![nfd],
        ));
    }
    if cluster.has_operator(OperatorKind::NvidiaGpu) {
        // ROSA and ARO forbid the dcgm ServiceMonitor the operator would create.
        let managed = matches!(cluster.platform.managed, Managed::Rosa | Managed::Aro);
        let policy = PlannedObject::cluster(
            "gpu-cluster-policy",
            o::ClusterPolicy {
                annotations: annotations_skip_dry_run(),
                service_monitor: !managed,
            },
        );
        out.push(Component::new(
            "instances/nvidia-gpu",
            21,
            Some("nvidia-gpu-operator"),
            vec![policy],
        ));
    }
    if cluster.has_operator(OperatorKind::LeaderWorkerSet) {
        let lws = PlannedObject::cluster(
            "cluster",
            o::LeaderWorkerSetOperator {
                annotations: annotations_skip_dry_run(),
            },
        );
        out.push(Component::new(
            "instances/leader-worker-set",
            20,
            Some("openshift-lws-operator"),
            vec![lws],
        ));
    }
    if cluster.has_operator(OperatorKind::OpenshiftAi) {
        let kueue = if cluster.has_operator(OperatorKind::Kueue) {
            "Unmanaged"
        } else {
            "Removed"
        };
        let dsc = PlannedObject::cluster(
            "default-dsc",
            o::DataScienceCluster {
                annotations: annotations_skip_dry_run(),
                kueue: kueue.to_string(),
                models_as_service: !platform.tiers.is_empty(),
            },
        );
        out.push(Component::new(
            "instances/openshift-ai",
            20,
            None,
            vec![dsc],
        ));
    }
    if cluster.has_operator(OperatorKind::ConnectivityLink) {
        let k = PlannedObject::namespaced(
            "kuadrant-system",
            "kuadrant",
            o::Kuadrant {
                annotations: annotations_skip_dry_run(),
            },
        );
        out.push(Component::new(
            "instances/kuadrant",
            20,
            Some("kuadrant-system"),
            vec![k],
        ));
    }
    out
}

fn machine_pools(cluster: &Cluster) -> Option<Component> {
    let aws = cluster.platform.aws.as_ref()?;
    if cluster.pools.is_empty() {
        return None;
    }
    let infra = aws.infrastructure_id.as_str();
    let mut objects = Vec::new();
    let mut autoscaled = false;
    for pool in &cluster.pools {
        for zone in &pool.zones {
            let name = format!("{infra}-{}-{zone}", pool.name);
            let mut labels: StringMap = pool.labels.clone();
            labels.insert(POOL_LABEL.to_string(), pool.name.to_string());
            if let Some(acc) = pool.instance.accelerator {
                labels.insert("cluster-api/accelerator".into(), acc.product.into());
            }
            let replicas = match pool.scaling {
                Scaling::Fixed(n) => Some(n),
                // The autoscaler owns the size (gotcha 30).
                Scaling::Autoscale { .. } => None,
            };
            objects.push(PlannedObject::namespaced(
                "openshift-machine-api",
                &name,
                o::MachineSet {
                    infrastructure_id: infra.to_string(),
                    instance_type: pool.instance_type.clone(),
                    region: aws.region.clone(),
                    zone: zone.clone(),
                    ami: aws.ami_id.clone(),
                    replicas,
                    node_labels: labels,
                    taints: pool.taints.iter().map(taint).collect(),
                    // GPU nodes pull large serving images.
                    volume_size: if pool.instance.is_gpu() { 200 } else { 120 },
                    iam_instance_profile: format!("{infra}-worker-profile"),
                    security_groups: vec![format!("{infra}-node"), format!("{infra}-lb")],
                    subnet: format!("{infra}-subnet-private-{zone}"),
                    cluster_tag: format!("kubernetes.io/cluster/{infra}"),
                },
            ));
            if let Scaling::Autoscale { min, max } = pool.scaling {
                autoscaled = true;
                objects.push(PlannedObject::namespaced(
                    "openshift-machine-api",
                    &name,
                    o::MachineAutoscaler {
                        min,
                        max,
                        target: name.clone(),
                    },
                ));
            }
        }
    }
    if autoscaled {
        objects.push(PlannedObject::cluster("default", o::ClusterAutoscaler {}));
    }
    Some(Component::new(
        "platform/machine-pools",
        30,
        Some("openshift-machine-api"),
        objects,
    ))
}

/// A ClusterRoleBinding subject for a user or group.
fn rbac_subject(kind: &str, name: &str) -> o::Subject {
    o::Subject {
        kind: kind.to_string(),
        api_group: Some("rbac.authorization.k8s.io".to_string()),
        name: name.to_string(),
        namespace: None,
    }
}

fn identity(platform: &Platform) -> Option<Component> {
    let id = &platform.identity;
    let tier_groups = platform.tiers.iter().any(|t| !t.groups.is_empty());
    if id.htpasswd.is_none() && id.groups.is_empty() && id.cluster_admins.is_empty() && !tier_groups
    {
        return None;
    }
    let mut objects = Vec::new();
    if let Some(h) = &id.htpasswd {
        if let HtpasswdSource::File {
            secret_name,
            content,
            ..
        } = &h.source
        {
            use base64::Engine as _;
            let data = base64::engine::general_purpose::STANDARD.encode(content);
            objects.push(PlannedObject::namespaced(
                "openshift-config",
                secret_name,
                o::Secret {
                    data: StringMap::from([("htpasswd".to_string(), data)]),
                },
            ));
        }
        // The OAuth CR is a singleton (gotcha 33): this component owns it.
        objects.push(PlannedObject::cluster(
            "cluster",
            o::OAuth {
                provider: h.provider.clone(),
                secret_name: h.secret_name().to_string(),
            },
        ));
    }
    for g in &id.groups {
        objects.push(PlannedObject::cluster(
            g.name.as_str(),
            o::Group {
                users: strings(g.users.iter().map(UserName::as_str)),
            },
        ));
    }
    for admin in &id.cluster_admins {
        objects.push(PlannedObject::cluster(
            &format!("cluster-admin-{}", sanitize(admin.as_str())),
            o::ClusterRoleBinding {
                role: "cluster-admin".to_string(),
                subjects: vec![rbac_subject("User", admin.as_str())],
            },
        ));
    }
    // Gotcha 34: MaaS users read the cluster ingress domain to mint tokens;
    // every tier group gets it, defined here or not (external, `system:`).
    objects.extend(ingress_config_viewer(platform));
    Some(Component::new(
        "platform/identity",
        30,
        Some("openshift-config"),
        objects,
    ))
}

/// Read access to the cluster ingress config for every group of a tier, in
/// name order: without it a tier member cannot find the endpoint to mint a
/// token (gotcha 34).
fn ingress_config_viewer(platform: &Platform) -> Vec<PlannedObject> {
    let groups: std::collections::BTreeSet<&str> = platform
        .tiers
        .iter()
        .flat_map(|t| t.groups.iter().map(String::as_str))
        .collect();
    if groups.is_empty() {
        return Vec::new();
    }
    vec![
        PlannedObject::cluster(
            "maas-ingress-config-viewer",
            o::ClusterRole {
                rules: vec![o::PolicyRule {
                    api_groups: strings(["config.openshift.io"]),
                    resources: strings(["ingresses"]),
                    verbs: strings(["get", "list"]),
                }],
            },
        ),
        PlannedObject::cluster(
            "maas-ingress-config-viewer",
            o::ClusterRoleBinding {
                role: "maas-ingress-config-viewer".to_string(),
                subjects: groups.iter().map(|g| rbac_subject("Group", g)).collect(),
            },
        ),
    ]
}

/// A DNS-label-safe form of a user name for object names.
fn sanitize(s: &str) -> String {
    let mut out: String = s
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    out = out.trim_matches('-').to_string();
    out.truncate(50);
    out
}

fn maas_gateway(platform: &Platform, cluster: &Cluster) -> Component {
    let gw = &platform.gateway;
    let hostname = gw
        .hostname_template
        .replace("{baseDomain}", &cluster.base_domain);
    let objects = vec![
        PlannedObject::cluster("openshift-default", o::GatewayClass {}),
        PlannedObject::namespaced(
            gw.namespace.as_str(),
            &gw.name,
            o::Gateway {
                hostname,
                tls_secret: gw.certificate_secret.clone(),
            },
        ),
    ];
    // Wave 15: the Gateway must exist before MaaS is enabled in the DSC (gotcha 19).
    Component::new(
        "platform/maas-gateway",
        15,
        Some(gw.namespace.as_str()),
        objects,
    )
}

/// The gateway AuthPolicy's fail-closed rule: the tier lookup answered with
/// a tier (not upstream: models-as-a-service v0.0.2 has no such rule).
pub const TIER_REQUIRED: &str = "has(auth.metadata.matchedTier) && has(auth.metadata.matchedTier.tier) && auth.metadata.matchedTier.tier != \"\"";

/// Which requests a tier's limit counts, by the tier Authorino matched.
fn rate_limit(tier: &Tier, rate: &Rate, tokens: bool) -> o::RateLimit {
    let (suffix, predicate) = if tokens {
        // Listing models costs no tokens.
        (
            "tokens",
            format!(
                "auth.identity.tier == \"{}\" && !request.path.endsWith(\"/v1/models\")",
                tier.name
            ),
        )
    } else {
        (
            "requests",
            format!("auth.identity.tier == \"{}\"", tier.name),
        )
    };
    o::RateLimit {
        name: format!("{}-{suffix}", tier.name),
        limit: rate.limit,
        window: rate.window.to_string(),
        predicate,
    }
}

/// Tier era: the tier ConfigMap, the gateway AuthPolicy and the limit
/// policies, following models-as-a-service v0.0.2
/// (`deployment/base/policies/auth-policies/gateway-auth-policy.yaml` with
/// the `tls-backend` overlay's HTTPS tier URL, which the RHOAI 3.3
/// operator's `prefetched-manifests/maas` equal), plus the fail-closed
/// [`TIER_REQUIRED`] rule that upstream lacks.
fn tier_policies(platform: &Platform, cluster: &Cluster) -> Component {
    let gw = &platform.gateway;
    let ns = gw.namespace.as_str();
    let target = o::TargetRef {
        group: "gateway.networking.k8s.io".to_string(),
        kind: "Gateway".to_string(),
        name: gw.name.clone(),
    };
    let tiers = platform
        .tiers
        .iter()
        .map(|t| o::TierEntry {
            name: t.name.to_string(),
            display_name: t.display_name.clone(),
            description: t.description.clone(),
            level: t.level,
            groups: t.groups.clone(),
        })
        .collect();
    let mut requests = Vec::new();
    let mut tokens = Vec::new();
    for t in &platform.tiers {
        let limits = platform.limits_on(t, cluster);
        if let Some(r) = limits.requests {
            requests.push(rate_limit(t, &r, false));
        }
        if let Some(r) = limits.tokens {
            tokens.push(rate_limit(t, &r, true));
        }
    }
    let limits = |limits| o::RateLimits {
        annotations: annotations_skip_dry_run(),
        target: target.clone(),
        limits,
    };
    let mut objects = vec![
        PlannedObject::namespaced(
            MAAS_API_NAMESPACE,
            "tier-to-group-mapping",
            o::TierToGroupMapping { tiers },
        ),
        PlannedObject::namespaced(
            ns,
            "gateway-auth-policy",
            o::AuthPolicy {
                annotations: annotations_skip_dry_run(),
                target: target.clone(),
                tier_lookup_url: format!(
                    "https://maas-api.{MAAS_API_NAMESPACE}.svc.cluster.local:8443/v1/tiers/lookup"
                ),
                tier_required: TIER_REQUIRED.to_string(),
            },
        ),
        PlannedObject::namespaced(
            MAAS_API_NAMESPACE,
            "maas-authorino-allow",
            o::AuthorinoNetworkPolicy {},
        ),
    ];
    if !requests.is_empty() {
        objects.push(PlannedObject::namespaced(
            ns,
            "gateway-rate-limits",
            o::RateLimitPolicy(limits(requests)),
        ));
    }
    if !tokens.is_empty() {
        objects.push(PlannedObject::namespaced(
            ns,
            "gateway-token-rate-limits",
            o::TokenRateLimitPolicy(limits(tokens)),
        ));
    }
    let mut c = Component::new("platform/maas-tiers", 30, Some(ns), objects);
    c.server_side_apply = true;
    c
}

/// Subscription era: per tier, who may call its models (MaaSAuthPolicy) and
/// with what token quota (MaaSSubscription). A tier with no groups or no
/// model on this cluster grants nothing, so it gets neither (both kinds
/// require at least one subject and one model).
fn subscriptions(platform: &Platform, cluster: &Cluster) -> Option<Component> {
    // The API-key policy, where maas.yaml sets one.
    let mut objects: Vec<PlannedObject> = super::tenant::tenant(cluster).into_iter().collect();
    for t in &platform.tiers {
        let models: Vec<o::ModelRef> = platform
            .models_on(&cluster.name)
            .filter(|m| m.tiers.contains(&t.name))
            .map(|m| o::ModelRef {
                name: m.name.to_string(),
                namespace: m.namespace.to_string(),
            })
            .collect();
        if t.groups.is_empty() || models.is_empty() {
            continue;
        }
        // Check refused quotas the API cannot express on this era's clusters.
        let Some(quota) = platform.limits_on(t, cluster).subscription else {
            continue;
        };
        let mut annotations = display_annotations(&t.display_name, &t.description);
        annotations.insert(SYNC_OPTIONS.into(), SKIP_DRY_RUN.into());
        objects.push(PlannedObject::namespaced(
            MAAS_SUBSCRIPTION_NAMESPACE,
            &format!("{}-access", t.name),
            o::MaasAuthPolicy {
                tier: t.name.to_string(),
                annotations: annotations.clone(),
                models: models.clone(),
                groups: t.groups.clone(),
            },
        ));
        objects.push(PlannedObject::namespaced(
            MAAS_SUBSCRIPTION_NAMESPACE,
            &format!("{}-subscription", t.name),
            o::MaasSubscription {
                tier: t.name.to_string(),
                annotations,
                groups: t.groups.clone(),
                models,
                limit: quota.limit(),
                window: quota.window().to_string(),
                priority: t.level,
            },
        ));
    }
    if objects.is_empty() {
        return None;
    }
    // Wave 45: after the models (40) whose MaaSModelRefs these name.
    let mut c = Component::new(
        "platform/maas-subscriptions",
        45,
        Some(MAAS_SUBSCRIPTION_NAMESPACE),
        objects,
    );
    c.create_namespace = true;
    Some(c)
}

fn models(platform: &Platform, cluster: &Cluster) -> Vec<Component> {
    let mut by_namespace: BTreeMap<&NamespaceName, Vec<&Model>> = BTreeMap::new();
    for m in platform.models_on(&cluster.name) {
        by_namespace.entry(&m.namespace).or_default().push(m);
    }
    by_namespace
        .into_iter()
        .map(|(ns, models)| {
            let mut labels =
                StringMap::from([("opendatahub.io/dashboard".to_string(), "true".to_string())]);
            // A namespace of external models only is in the mesh, as
            // models-as-a-service v0.1.1 `external-model-setup.md` (step 2)
            // sets it up; it has no pod a sidecar could be injected into.
            if models.iter().all(|m| m.serving.external().is_some()) {
                labels.insert("istio-injection".to_string(), "enabled".to_string());
            }
            let mut objects = vec![
                PlannedObject::cluster(ns.as_str(), o::Namespace { labels }),
                PlannedObject::namespaced(
                    ns.as_str(),
                    "allow-gateway-and-monitoring",
                    o::ModelsNetworkPolicy {
                        gateway_namespace: platform.gateway.namespace.to_string(),
                    },
                ),
            ];
            for m in models {
                match (m.serving.external(), cluster.api) {
                    (None, api) => {
                        objects.extend(inference_service(platform, cluster, m));
                        if api == MaasApi::Subscriptions {
                            objects.push(model_ref(m, "LLMInferenceService"));
                        }
                    }
                    (Some(source), MaasApi::Subscriptions) => {
                        objects.push(super::external::external_model(m, source));
                        objects.push(model_ref(m, "ExternalModel"));
                    }
                    // Check refuses external models on tier-era clusters.
                    (Some(_), MaasApi::Tiers) => {}
                }
            }
            Component::new(format!("models/{ns}"), 40, Some(ns.as_str()), objects)
        })
        .collect()
}

/// Subscription era: exposes the LLMInferenceService or ExternalModel
/// (`kind`) of the same name and namespace through MaaS.
fn model_ref(m: &Model, kind: &str) -> PlannedObject {
    let mut annotations = display_annotations(&m.display_name, &m.description);
    annotations.insert(SYNC_OPTIONS.into(), SKIP_DRY_RUN.into());
    PlannedObject::namespaced(
        m.namespace.as_str(),
        m.name.as_str(),
        o::MaasModelRef {
            annotations,
            model_kind: kind.to_string(),
        },
    )
}

/// The LLMInferenceService of a model served on the cluster (`None` for an
/// external one).
fn inference_service(platform: &Platform, cluster: &Cluster, m: &Model) -> Option<PlannedObject> {
    let pool = m.serving.pool().and_then(|p| cluster.pool(p));
    let simulator = matches!(m.serving, Serving::Simulator { .. });
    let gpus = m.serving.gpus();
    let on_t4 = pool.and_then(|p| p.instance.accelerator) == Some(T4);
    let mut env: BTreeMap<String, o::ContainerEnv> = m
        .env
        .iter()
        .map(|(k, v)| (k.clone(), plain_env(k, v)))
        .collect();
    let mut args = m.args.clone();
    let mut command = Vec::new();
    let mut image = m.image.clone();
    match m.serving {
        Serving::Gpu { .. } | Serving::Cpu { .. } => {
            if matches!(
                m.serving,
                Serving::Cpu {
                    cpu_image: true,
                    ..
                }
            ) && image.is_none()
            {
                image = Some(VLLM_CPU_IMAGE.to_string());
            }
            if on_t4 && gpus > 0 {
                // T4 (Turing) has no bf16 and Triton kernels fail there.
                for (k, v) in [
                    ("VLLM_USE_TRITON_ATTENTION", "0"),
                    ("VLLM_ATTENTION_BACKEND", "XFORMERS"),
                    ("VLLM_USE_TRITON_FLASH_ATTN", "0"),
                ] {
                    env.entry(k.to_string()).or_insert_with(|| plain_env(k, v));
                }
                if !args.iter().any(|a| a.starts_with("--dtype")) {
                    args.push("--dtype=float16".to_string());
                }
            }
            if !args.is_empty() {
                let name = "VLLM_ADDITIONAL_ARGS";
                env.insert(name.into(), plain_env(name, &args.join(" ")));
            }
            args.clear();
        }
        Serving::External(_) => return None,
        Serving::Simulator { .. } => {
            image = Some(image.unwrap_or_else(|| SIMULATOR_IMAGE.to_string()));
            command = strings(["/app/llm-d-inference-sim"]);
            let mut sim_args = strings([
                "--port",
                "8000",
                "--model",
                &m.served_name,
                "--mode",
                "random",
                "--ssl-certfile",
                "/var/run/kserve/tls/tls.crt",
                "--ssl-keyfile",
                "/var/run/kserve/tls/tls.key",
            ]);
            sim_args.extend(args);
            args = sim_args;
            for (name, path) in [
                ("POD_NAME", "metadata.name"),
                ("POD_NAMESPACE", "metadata.namespace"),
            ] {
                env.insert(
                    name.into(),
                    o::ContainerEnv {
                        name: name.to_string(),
                        value: None,
                        field_path: Some(path.to_string()),
                    },
                );
            }
        }
    }
    let (cpu, memory) = match m.serving {
        Serving::Simulator { .. } => ("100m", "256Mi"),
        Serving::Gpu { .. } | Serving::Cpu { .. } | Serving::External(_) => ("4", "16Gi"),
    };
    let mut resources = StringMap::from([
        (
            "cpu".to_string(),
            m.cpu.as_ref().map_or(cpu, Quantity::as_str).to_string(),
        ),
        (
            "memory".to_string(),
            m.memory
                .as_ref()
                .map_or(memory, Quantity::as_str)
                .to_string(),
        ),
    ]);
    if gpus > 0 {
        resources.insert("nvidia.com/gpu".to_string(), gpus.to_string());
    }
    let mut annotations = display_annotations(&m.display_name, &m.description);
    if cluster.api == MaasApi::Tiers {
        let tiers: Vec<&str> = m.tiers.iter().map(TierName::as_str).collect();
        annotations.insert(
            "alpha.maas.opendatahub.io/tiers".to_string(),
            serde_json::to_string(&tiers).expect("strings serialize"),
        );
    }
    let replicas = cluster
        .model_replicas
        .get(&(m.namespace.clone(), m.name.clone()))
        .copied()
        .unwrap_or(m.replicas);
    Some(PlannedObject::namespaced(
        m.namespace.as_str(),
        m.name.as_str(),
        o::LlmInferenceService {
            annotations,
            uri: m.uri.clone(),
            served_name: m.served_name.clone(),
            replicas,
            gateway: o::ModelRef {
                name: platform.gateway.name.clone(),
                namespace: platform.gateway.namespace.to_string(),
            },
            scheduler: matches!(m.serving, Serving::Gpu { .. }),
            storage_initializer: !simulator,
            https_probes: simulator,
            image,
            command,
            args,
            env: env.into_values().collect(),
            resources,
            node_selector: pool
                .map(|p| StringMap::from([(POOL_LABEL.to_string(), p.name.to_string())])),
            tolerations: pool
                .map(|p| p.taints.iter().map(taint).collect())
                .unwrap_or_default(),
        },
    ))
}

fn plain_env(name: &str, value: &str) -> o::ContainerEnv {
    o::ContainerEnv {
        name: name.to_string(),
        value: Some(value.to_string()),
        field_path: None,
    }
}
