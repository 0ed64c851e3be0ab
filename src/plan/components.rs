//! What each cluster gets, component by component. A component is one
//! kustomization and one ArgoCD Application.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::PlannedObject;
use super::objects::*;
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
    fn new(
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
            MaasApi::Tiers => out.push(tier_policies(platform, cluster)),
            MaasApi::Subscriptions => out.extend(subscriptions(platform, cluster)),
        }
    }
    out.extend(models(platform, cluster));
    out.sort_by(|a, b| a.dir.cmp(&b.dir));
    out
}

const SYNC_OPTIONS: &str = "argocd.argoproj.io/sync-options";

fn annotations_skip_dry_run() -> Value {
    json!({ SYNC_OPTIONS: SKIP_DRY_RUN })
}

/// The console's display name and description annotations, where given.
fn display_annotations(
    display_name: &Option<String>,
    description: &Option<String>,
) -> BTreeMap<String, String> {
    let mut annotations = BTreeMap::new();
    if let Some(d) = display_name {
        annotations.insert("openshift.io/display-name".to_string(), d.clone());
    }
    if let Some(d) = description {
        annotations.insert("openshift.io/description".to_string(), d.clone());
    }
    annotations
}

fn operator(kind: OperatorKind, sub: &OperatorSubscription) -> Component {
    let d = kind.defaults();
    let mut objects = Vec::new();
    if let Some(group) = d.operator_group {
        let labels: BTreeMap<&str, &str> = d.namespace_labels.iter().copied().collect();
        objects.push(namespace_object(d.namespace, json!({ "labels": labels })));
        let targets = if d.own_namespace {
            json!([d.namespace])
        } else {
            Value::Null
        };
        objects.push(operator_group(
            d.namespace,
            group,
            json!({ "targetNamespaces": targets }),
        ));
    }
    let env: Vec<Value> = d
        .env
        .iter()
        .map(|(k, v)| json!({ "name": k, "value": v }))
        .collect();
    objects.push(subscription(
        d.namespace,
        d.package,
        json!({
            "channel": sub.channel,
            "installPlanApproval": match sub.approval { InstallPlanApproval::Automatic => "Automatic", InstallPlanApproval::Manual => "Manual" },
            "package": d.package,
            "source": sub.source,
            "sourceNamespace": sub.source_namespace,
            "startingCSV": sub.starting_csv,
            "env": env,
        }),
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
    let skip = annotations_skip_dry_run();
    if cluster.has_operator(OperatorKind::Nfd) {
        // Gotcha 4: PCI class 03 (display) with the vendor label, so the
        // GPU operator finds NVIDIA nodes.
        let config = "core:\n  sleepInterval: 60s\nsources:\n  pci:\n    deviceClassWhitelist:\n      - \"0200\"\n      - \"03\"\n      - \"12\"\n    deviceLabelFields:\n      - vendor\n";
        let nfd = node_feature_discovery(
            "openshift-nfd",
            "nfd-instance",
            json!({ "annotations": skip, "configData": config }),
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
        let policy = cluster_policy(
            "gpu-cluster-policy",
            json!({ "annotations": skip, "serviceMonitor": !managed }),
        );
        out.push(Component::new(
            "instances/nvidia-gpu",
            21,
            Some("nvidia-gpu-operator"),
            vec![policy],
        ));
    }
    if cluster.has_operator(OperatorKind::LeaderWorkerSet) {
        let lws = lws_operator("cluster", json!({ "annotations": skip }));
        out.push(Component::new(
            "instances/leader-worker-set",
            20,
            Some("openshift-lws-operator"),
            vec![lws],
        ));
    }
    if cluster.has_operator(OperatorKind::OpenshiftAi) {
        let dsc = data_science_cluster(
            "default-dsc",
            json!({
                "annotations": skip,
                "kueue": if cluster.has_operator(OperatorKind::Kueue) { "Unmanaged" } else { "Removed" },
                "modelsAsService": !platform.tiers.is_empty(),
            }),
        );
        out.push(Component::new(
            "instances/openshift-ai",
            20,
            None,
            vec![dsc],
        ));
    }
    if cluster.has_operator(OperatorKind::ConnectivityLink) {
        let k = kuadrant(
            "kuadrant-system",
            "kuadrant",
            json!({ "annotations": skip }),
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
    if cluster.pools.is_empty() || cluster.platform.kind != PlatformType::Aws {
        return None;
    }
    let p = &cluster.platform;
    let infra = p.infrastructure_id.as_deref().unwrap_or_default();
    let region = p.region.as_deref().unwrap_or_default();
    let ami = p.ami_id.as_deref().unwrap_or_default();
    let mut objects = Vec::new();
    let mut autoscaled = false;
    for pool in &cluster.pools {
        for zone in &pool.zones {
            let name = format!("{infra}-{}-{zone}", pool.name);
            let mut labels: BTreeMap<String, String> = pool.labels.clone();
            labels.insert(POOL_LABEL.to_string(), pool.name.to_string());
            if let Some(acc) = pool.instance.accelerator {
                labels.insert("cluster-api/accelerator".into(), acc.product.into());
            }
            let taints: Vec<Value> = pool
                .taints
                .iter()
                .map(|t| json!({ "key": t.key, "value": t.value, "effect": t.effect }))
                .collect();
            let replicas = match pool.scaling {
                Scaling::Fixed(n) => Some(n),
                // The autoscaler owns the size (gotcha 30).
                Scaling::Autoscale { .. } => None,
            };
            objects.push(machine_set(
                "openshift-machine-api",
                &name,
                json!({
                    "infrastructureID": infra,
                    "instanceType": pool.instance_type,
                    "region": region,
                    "zone": zone,
                    "ami": ami,
                    "replicas": replicas,
                    "nodeLabels": labels,
                    "taints": taints,
                    "gpu": pool.instance.is_gpu(),
                }),
            ));
            if let Scaling::Autoscale { min, max } = pool.scaling {
                autoscaled = true;
                objects.push(machine_autoscaler(
                    "openshift-machine-api",
                    &name,
                    json!({ "min": min, "max": max, "target": name }),
                ));
            }
        }
    }
    if autoscaled {
        objects.push(cluster_autoscaler("default", json!({})));
    }
    Some(Component::new(
        "platform/machine-pools",
        30,
        Some("openshift-machine-api"),
        objects,
    ))
}

fn identity(platform: &Platform) -> Option<Component> {
    let id = &platform.identity;
    if id.htpasswd.is_none() && id.groups.is_empty() && id.cluster_admins.is_empty() {
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
            objects.push(secret(
                "openshift-config",
                secret_name,
                json!({ "data": { "htpasswd": data } }),
            ));
        }
        // The OAuth CR is a singleton (gotcha 33): this component owns it.
        objects.push(oauth(
            "cluster",
            json!({ "provider": h.provider, "secretName": h.secret_name() }),
        ));
    }
    for g in &id.groups {
        objects.push(group(g.name.as_str(), json!({ "users": g.users })));
    }
    for admin in &id.cluster_admins {
        objects.push(cluster_role_binding(
            &format!("cluster-admin-{}", sanitize(admin.as_str())),
            json!({ "role": "cluster-admin", "subjects": [{ "kind": "User", "name": admin }] }),
        ));
    }
    // Gotcha 34: MaaS users read the cluster ingress domain to find the endpoint.
    let tier_groups: Vec<&str> = id
        .groups
        .iter()
        .map(|g| g.name.as_str())
        .filter(|g| {
            platform
                .tiers
                .iter()
                .any(|t| t.groups.iter().any(|tg| tg == g))
        })
        .collect();
    if !tier_groups.is_empty() {
        objects.push(cluster_role(
            "maas-ingress-config-viewer",
            json!({ "rules": [{ "apiGroups": ["config.openshift.io"], "resources": ["ingresses"], "verbs": ["get", "list"] }] }),
        ));
        let subjects: Vec<Value> = tier_groups
            .iter()
            .map(|g| json!({ "kind": "Group", "name": g }))
            .collect();
        objects.push(cluster_role_binding(
            "maas-ingress-config-viewer",
            json!({ "role": "maas-ingress-config-viewer", "subjects": subjects }),
        ));
    }
    Some(Component::new(
        "platform/identity",
        30,
        Some("openshift-config"),
        objects,
    ))
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
        gateway_class("openshift-default", json!({})),
        gateway(
            gw.namespace.as_str(),
            &gw.name,
            json!({ "hostname": hostname, "tlsSecret": gw.certificate_secret }),
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

fn tier_policies(platform: &Platform, cluster: &Cluster) -> Component {
    let gw = &platform.gateway;
    let ns = gw.namespace.as_str();
    let target =
        json!({ "group": "gateway.networking.k8s.io", "kind": "Gateway", "name": gw.name });
    let tiers_doc: Vec<Value> = platform
        .tiers
        .iter()
        .map(|t| json!({ "name": t.name, "displayName": t.display_name, "description": t.description, "level": t.level, "groups": t.groups }))
        .collect();
    let mut requests = Vec::new();
    let mut tokens = Vec::new();
    for t in &platform.tiers {
        let limits = platform.limits_on(t, cluster);
        if let Some(r) = limits.requests {
            requests.push(json!({ "tier": t.name, "limit": r.limit, "window": r.window }));
        }
        if let Some(r) = limits.tokens {
            tokens.push(json!({ "tier": t.name, "limit": r.limit, "window": r.window }));
        }
    }
    let skip = annotations_skip_dry_run();
    let mut objects = vec![
        config_map(
            MAAS_API_NAMESPACE,
            "tier-to-group-mapping",
            json!({ "tiers": crate::render::yaml::block(&json!(tiers_doc), 0) + "\n" }),
        ),
        auth_policy(
            ns,
            "gateway-auth-policy",
            json!({ "annotations": skip, "target": target, "maasApiNamespace": MAAS_API_NAMESPACE }),
        ),
        network_policy(
            MAAS_API_NAMESPACE,
            "maas-authorino-allow",
            json!({ "kind": "authorino" }),
        ),
    ];
    if !requests.is_empty() {
        objects.push(rate_limit_policy(
            ns,
            "gateway-rate-limits",
            json!({ "annotations": skip, "target": target, "limits": requests }),
        ));
    }
    if !tokens.is_empty() {
        objects.push(token_rate_limit_policy(
            ns,
            "gateway-token-rate-limits",
            json!({ "annotations": skip, "target": target, "limits": tokens }),
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
    let mut objects = Vec::new();
    for t in &platform.tiers {
        let models: Vec<Value> = platform
            .models_on(&cluster.name)
            .filter(|m| m.tiers.contains(&t.name))
            .map(|m| json!({ "name": m.name, "namespace": m.namespace }))
            .collect();
        if t.groups.is_empty() || models.is_empty() {
            continue;
        }
        let (limit, window) = match platform.limits_on(t, cluster).tokens {
            Some(r) => (
                r.limit,
                r.window
                    .for_subscriptions()
                    .expect("check refuses token windows MaaSSubscription cannot express"),
            ),
            // No token limit: the most the API allows, per second (warning W101).
            None => (
                MAX_SUBSCRIPTION_TOKENS,
                Window::parse("1s").expect("a valid window"),
            ),
        };
        let mut annotations = display_annotations(&t.display_name, &t.description);
        annotations.insert(SYNC_OPTIONS.into(), SKIP_DRY_RUN.into());
        let values = json!({
            "tier": t.name,
            "annotations": annotations,
            "groups": t.groups,
            "models": models,
            "limit": limit,
            "window": window,
            "priority": t.level,
        });
        objects.push(maas_auth_policy(
            MAAS_SUBSCRIPTION_NAMESPACE,
            &format!("{}-access", t.name),
            values.clone(),
        ));
        objects.push(maas_subscription(
            MAAS_SUBSCRIPTION_NAMESPACE,
            &format!("{}-subscription", t.name),
            values,
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
            let mut objects = vec![
                namespace_object(
                    ns.as_str(),
                    json!({ "labels": { "opendatahub.io/dashboard": "true" } }),
                ),
                network_policy(
                    ns.as_str(),
                    "allow-gateway-and-monitoring",
                    json!({ "kind": "models", "gatewayNamespace": platform.gateway.namespace }),
                ),
            ];
            for m in models {
                objects.push(inference_service(platform, cluster, m));
                if cluster.api == MaasApi::Subscriptions {
                    objects.push(model_ref(m));
                }
            }
            Component::new(format!("models/{ns}"), 40, Some(ns.as_str()), objects)
        })
        .collect()
}

/// Subscription era: exposes the LLMInferenceService of the same name and
/// namespace through MaaS.
fn model_ref(m: &Model) -> PlannedObject {
    let mut annotations = display_annotations(&m.display_name, &m.description);
    annotations.insert(SYNC_OPTIONS.into(), SKIP_DRY_RUN.into());
    maas_model_ref(
        m.namespace.as_str(),
        m.name.as_str(),
        json!({ "annotations": annotations }),
    )
}

fn inference_service(platform: &Platform, cluster: &Cluster, m: &Model) -> PlannedObject {
    let pool = m.pool.as_ref().and_then(|p| cluster.pool(p));
    let on_t4 = pool.and_then(|p| p.instance.accelerator) == Some(T4);
    let mut env: BTreeMap<String, Value> =
        m.env.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    let mut args = m.args.clone();
    let mut command: Option<Vec<&str>> = None;
    let mut image = m.image.clone();
    match m.runtime {
        Runtime::Vllm | Runtime::VllmCpu => {
            if m.runtime == Runtime::VllmCpu && image.is_none() {
                image = Some(VLLM_CPU_IMAGE.to_string());
            }
            if on_t4 && m.gpus > 0 {
                // T4 (Turing) has no bf16 and Triton kernels fail there.
                for (k, v) in [
                    ("VLLM_USE_TRITON_ATTENTION", "0"),
                    ("VLLM_ATTENTION_BACKEND", "XFORMERS"),
                    ("VLLM_USE_TRITON_FLASH_ATTN", "0"),
                ] {
                    env.entry(k.to_string()).or_insert(json!(v));
                }
                if !args.iter().any(|a| a.starts_with("--dtype")) {
                    args.push("--dtype=float16".to_string());
                }
            }
            if !args.is_empty() {
                env.insert("VLLM_ADDITIONAL_ARGS".into(), json!(args.join(" ")));
            }
            args.clear();
        }
        Runtime::Simulator => {
            image = Some(image.unwrap_or_else(|| SIMULATOR_IMAGE.to_string()));
            command = Some(vec!["/app/llm-d-inference-sim"]);
            let mut sim_args: Vec<String> = [
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
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            sim_args.extend(args);
            args = sim_args;
            env.insert("POD_NAME".into(), json!({ "fieldRef": "metadata.name" }));
            env.insert(
                "POD_NAMESPACE".into(),
                json!({ "fieldRef": "metadata.namespace" }),
            );
        }
    }
    let (cpu, memory) = match m.runtime {
        Runtime::Simulator => ("100m", "256Mi"),
        Runtime::VllmCpu => ("4", "16Gi"),
        Runtime::Vllm => ("4", "16Gi"),
    };
    let mut resources = json!({ "cpu": m.cpu.as_ref().map(Quantity::as_str).unwrap_or(cpu), "memory": m.memory.as_ref().map(Quantity::as_str).unwrap_or(memory) });
    if m.gpus > 0 {
        resources["nvidia.com/gpu"] = json!(m.gpus.to_string());
    }
    let env_list: Vec<Value> = env
        .into_iter()
        .map(|(name, v)| match v.get("fieldRef") {
            Some(path) => json!({ "name": name, "fieldPath": path }),
            None => json!({ "name": name, "value": v }),
        })
        .collect();
    let tolerations: Vec<Value> = pool
        .map(|p| {
            p.taints
                .iter()
                .map(|t| json!({ "key": t.key, "value": t.value, "effect": t.effect }))
                .collect()
        })
        .unwrap_or_default();
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
    llm_inference_service(
        m.namespace.as_str(),
        m.name.as_str(),
        json!({
            "annotations": annotations,
            "uri": m.uri,
            "servedName": m.served_name,
            "replicas": replicas,
            "gateway": { "name": platform.gateway.name, "namespace": platform.gateway.namespace },
            "scheduler": m.runtime == Runtime::Vllm && m.gpus > 0,
            "storageInitializer": m.runtime != Runtime::Simulator,
            "image": image,
            "command": command,
            "args": args,
            "env": env_list,
            "resources": resources,
            "nodeSelector": pool.map(|p| json!({ POOL_LABEL: p.name })),
            "tolerations": tolerations,
        }),
    )
}
