//! What each cluster gets, component by component. A component is one
//! kustomization and one ArgoCD Application.

use std::collections::BTreeMap;

use super::objects::{self as o, KEEP, PlannedObject, SKIP_DRY_RUN, StringMap};
use super::operator_owned;
use crate::catalog::operators::OperatorKind;
use crate::catalog::versions::DscMaas;
use crate::model::*;

/// Namespace where RHOAI runs maas-api and its tier ConfigMap.
pub(super) const MAAS_API_NAMESPACE: &str = crate::catalog::versions::APPLICATIONS_NAMESPACE;
/// Namespace maas-controller watches for MaaSAuthPolicy and MaaSSubscription
/// (its `--maas-subscription-namespace`; it creates the namespace itself).
pub(super) const MAAS_SUBSCRIPTION_NAMESPACE: &str = "models-as-a-service";
/// Node label every pool's nodes carry, and models select.
pub(super) const POOL_LABEL: &str = "maas.opendatahub.io/pool";
pub(super) const SIMULATOR_IMAGE: &str = "ghcr.io/llm-d/llm-d-inference-sim:v0.6.1";
pub(super) const VLLM_CPU_IMAGE: &str = "registry.redhat.io/rhaii/vllm-cpu-rhel9:3.4.1";
/// What a simulator's `model.uri` names where `storageInitializer` cannot
/// be switched off (RHOAI ≤ 3.3): the smallest public model (125M
/// parameters, ungated), downloaded and never read.
pub(super) const SIMULATOR_PLACEHOLDER_URI: &str = "hf://facebook/opt-125m";

/// One kustomization plus the Application that syncs it.
#[derive(Clone, Debug)]
pub(super) struct Component {
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
pub(super) fn for_cluster(platform: &Platform, cluster: &Cluster) -> Vec<Component> {
    let mut out: Vec<Component> = cluster
        .operators
        .iter()
        .map(|(kind, sub)| operator(*kind, sub))
        .collect();
    out.extend(instances(platform, cluster));
    out.extend(machine_pools(cluster));
    out.extend(identity(platform, cluster));
    let maas = !platform.tiers.is_empty() || platform.models_on(&cluster.name).next().is_some();
    if maas {
        out.push(maas_gateway(platform, cluster));
        match cluster.api {
            MaasApi::Tiers => {
                out.push(tier_policies(platform, cluster));
                out.extend(super::maas_api::component(platform, cluster));
            }
            MaasApi::Subscriptions => out.extend(subscriptions(platform, cluster)),
        }
        // Every era's gateway calls maas-api over HTTPS through Authorino;
        // upstream leaves its TLS to the user up to v0.2.1.
        if platform.authorino_tls {
            out.extend(super::authorino::authorino_tls(cluster));
        }
        out.extend(super::tenant_era::component(platform, cluster));
    }
    out.extend(models(platform, cluster));
    out.extend(
        super::database::component(cluster)
            .into_iter()
            .chain(super::hardware::component(cluster))
            .chain(super::dashboard::component(cluster))
            .chain(super::observability::component(platform, cluster, maas)),
    );
    out.sort_by(|a, b| a.dir.cmp(&b.dir));
    out
}

pub(super) fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Vec<String> {
    items.into_iter().map(|s| s.as_ref().to_string()).collect()
}

/// The console's display name and description annotations, where given.
pub(super) fn display_annotations(
    display_name: &Option<String>,
    description: &Option<String>,
) -> StringMap {
    let mut annotations = StringMap::new();
    if let Some(d) = display_name {
        annotations.insert("openshift.io/display-name".to_string(), d.clone());
    }
    if let Some(d) = description {
        annotations.insert("openshift.io/description".to_string(), d.clone());
    }
    annotations
}

pub(super) fn taint(t: &Taint) -> o::Taint {
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
    // Manual approval: check made sure a CSV is pinned; approve exactly it.
    if sub.approval == InstallPlanApproval::Manual
        && let Some(csv) = &sub.starting_csv
    {
        objects.extend(super::approver::objects(d.namespace, d.package, csv));
    }
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
                annotations: o::sync_options(SKIP_DRY_RUN),
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
                annotations: o::sync_options(SKIP_DRY_RUN),
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
                annotations: o::sync_options(SKIP_DRY_RUN),
            },
        );
        out.push(Component::new(
            "instances/leader-worker-set",
            20,
            Some("openshift-lws-operator"),
            vec![lws],
        ));
    }
    out.extend(super::keda::component(cluster));
    if cluster.has_operator(OperatorKind::OpenshiftAi) {
        let maas = !platform.tiers.is_empty();
        let kueue = if cluster.has_operator(OperatorKind::Kueue) {
            "Unmanaged"
        } else {
            "Removed"
        };
        // The DSC outlives its Application: deleting it removes every
        // model serving component of the cluster.
        let dsc_annotations = o::sync_options(&format!("{SKIP_DRY_RUN},{KEEP}"));
        let dsc = PlannedObject::cluster(
            "default-dsc",
            o::DataScienceCluster {
                annotations: dsc_annotations,
                kueue: kueue.to_string(),
                // The DSC's MaaS switch of the version (fact sheet §A.2):
                // none on 3.0/3.2, kserve on 3.3/3.4, aigateway on 3.5.
                models_as_service: maas && cluster.version.facts().dsc_maas == DscMaas::Kserve,
                ai_gateway: maas && cluster.version.facts().dsc_maas == DscMaas::AiGateway,
                // KServe's `spec.scaling` needs the workload-variant-autoscaler.
                wva: cluster.autoscales_any(&platform.models),
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
                annotations: o::sync_options(SKIP_DRY_RUN),
                observability: super::observability::kuadrant_observability(cluster),
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

/// `total` split over `parts`: every part gets `total / parts`, the
/// remainder goes one each to the first parts (the schema documents it).
pub fn split(total: u32, parts: usize) -> Vec<u32> {
    let parts = parts.max(1) as u32;
    (0..parts)
        .map(|i| total / parts + u32::from(i < total % parts))
        .collect()
}

/// aws MachineSets (machine.openshift.io/v1beta1, OCP 4.x machine-api), one
/// per pool and zone. None on managed platforms and hosted control planes:
/// their machine pools are the platform's (see `notes::machine_pools_note`).
fn machine_pools(cluster: &Cluster) -> Option<Component> {
    if cluster.platform_managed() {
        return None;
    }
    let aws = cluster.platform.aws.as_ref()?;
    if cluster.pools.is_empty() {
        return None;
    }
    let infra = aws.infrastructure_id.as_str();
    let security_groups = aws
        .security_groups
        .clone()
        .unwrap_or_else(|| vec![format!("{infra}-node"), format!("{infra}-lb")]);
    let mut objects = Vec::new();
    let mut autoscaled = false;
    // GPU type → (most GPUs the autoscaled and fixed pools can reach).
    let mut gpus: BTreeMap<&str, u32> = BTreeMap::new();
    for pool in &cluster.pools {
        let (mins, maxes) = match pool.scaling {
            Scaling::Fixed(n) => (vec![n; pool.zones.len()], vec![n; pool.zones.len()]),
            Scaling::Autoscale { min, max } => {
                (split(min, pool.zones.len()), split(max, pool.zones.len()))
            }
        };
        if let Some(acc) = pool.instance.accelerator {
            *gpus.entry(acc.product).or_default() += maxes.iter().sum::<u32>() * pool.instance.gpus;
        }
        for (i, zone) in pool.zones.iter().enumerate() {
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
                    security_groups: security_groups.clone(),
                    subnet: aws
                        .subnets
                        .get(zone)
                        .cloned()
                        .unwrap_or_else(|| format!("{infra}-subnet-private-{zone}")),
                    cluster_tag: format!("kubernetes.io/cluster/{infra}"),
                },
            ));
            if let Scaling::Autoscale { .. } = pool.scaling {
                autoscaled = true;
                objects.push(PlannedObject::namespaced(
                    "openshift-machine-api",
                    &name,
                    o::MachineAutoscaler {
                        min: mins[i],
                        max: maxes[i],
                        target: name.clone(),
                    },
                ));
            }
        }
    }
    if autoscaled && cluster.cluster_autoscaler == AutoscalerOwner::Maasc {
        objects.push(PlannedObject::cluster(
            "default",
            o::ClusterAutoscaler {
                annotations: o::sync_options(KEEP),
                gpus: gpus
                    .into_iter()
                    .map(|(kind, max)| o::GpuLimit {
                        kind: kind.to_string(),
                        min: 0,
                        max,
                    })
                    .collect(),
            },
        ));
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

fn identity(platform: &Platform, cluster: &Cluster) -> Option<Component> {
    let id = &platform.identity;
    let tier_groups = platform.tiers.iter().any(|t| !t.groups.is_empty());
    if id.htpasswd.is_none()
        && id.groups.is_empty()
        && id.cluster_admins.is_empty()
        && cluster.identity_providers.is_empty()
        && !tier_groups
    {
        return None;
    }
    let mut objects = Vec::new();
    // On rosa, aro and hosted control planes the platform owns the identity
    // providers: no OAuth (see `notes::identity_note`).
    let own_oauth = !cluster.platform_managed();
    if let Some(HtpasswdSource::File {
        secret_name,
        content,
        ..
    }) = id
        .htpasswd
        .as_ref()
        .filter(|_| own_oauth)
        .map(|h| &h.source)
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
    if own_oauth && (id.htpasswd.is_some() || !cluster.identity_providers.is_empty()) {
        // The OAuth CR is a singleton (gotcha 33): this component owns its
        // whole provider list, and it outlives the component.
        objects.push(PlannedObject::cluster(
            "cluster",
            o::OAuth {
                annotations: o::sync_options(KEEP),
                identity_providers: oauth_providers(platform, cluster),
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
    if objects.is_empty() {
        return None;
    }
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
                    resource_names: Vec::new(),
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

/// `OAuth/cluster`'s `identityProviders` (config.openshift.io/v1): maasc's
/// htpasswd provider first, then the declared ones as written.
pub(super) fn oauth_providers(platform: &Platform, cluster: &Cluster) -> Vec<o::IdentityProvider> {
    let mut out = Vec::new();
    if let Some(h) = &platform.identity.htpasswd {
        out.push(o::IdentityProvider {
            name: h.provider.clone(),
            mapping_method: "claim".to_string(),
            kind: "HTPasswd".to_string(),
            settings: BTreeMap::from([(
                "htpasswd".to_string(),
                serde_json::json!({"fileData": {"name": h.secret_name()}}),
            )]),
        });
    }
    out.extend(
        cluster
            .identity_providers
            .iter()
            .map(|p| o::IdentityProvider {
                name: p.name.clone(),
                mapping_method: p.mapping_method.clone(),
                kind: p.kind.clone(),
                settings: BTreeMap::from([(p.key.to_string(), p.settings.clone())]),
            }),
    );
    out
}

/// A DNS-label-safe form of a user name (or CSV) for object names.
pub(super) fn sanitize(s: &str) -> String {
    let mut out: String = s
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    out = out.trim_matches('-').to_string();
    out.truncate(50);
    out
}

/// The Istio Service OpenShift's gateway controller creates for a Gateway
/// (`<gateway>-<gatewayclass>`).
fn gateway_service(gateway: &str) -> String {
    format!("{gateway}-openshift-default")
}

/// Gateway API v1 (OCP 4.19+ `openshift-default` class, OSSM 3 / Istio
/// 1.24+): the default tenant's Gateway and, on RHOAI 3.5, each additional
/// tenant's (maas-controller never creates one: "the Gateway must be
/// created by a network or cluster administrator", models-as-a-service
/// v0.2.1 `aitenant_controller.go`).
fn maas_gateway(platform: &Platform, cluster: &Cluster) -> Component {
    let mut objects = vec![PlannedObject::cluster(
        "openshift-default",
        o::GatewayClass {},
    )];
    objects.extend(gateway_objects(&platform.gateway, cluster, None));
    for t in platform.tenants_on(cluster) {
        objects.extend(gateway_objects(&t.gateway, cluster, Some(&t.name)));
    }
    // Wave 15: the Gateway must exist before MaaS is enabled in the DSC (gotcha 19).
    Component::new(
        "platform/maas-gateway",
        15,
        Some(platform.gateway.namespace.as_str()),
        objects,
    )
}

/// One Gateway, of the default tenant or of `tenant`: HTTPS only unless
/// asked; on platforms without cloud load balancers a ClusterIP gateway
/// behind a re-encrypt Route.
fn gateway_objects(
    gw: &Gateway,
    cluster: &Cluster,
    tenant: Option<&TenantName>,
) -> Vec<PlannedObject> {
    let ns = gw.namespace.as_str();
    let hostname = gw
        .hostname_template
        .replace("{baseDomain}", &cluster.base_domain);
    let cluster_ip = !cluster.platform.load_balancers;
    let mut options = StringMap::new();
    let mut tls_secret = gw.certificate_secret.clone();
    if cluster_ip {
        // The router re-encrypts to the gateway and trusts the service CA:
        // the listener serves a service-ca certificate unless one is named.
        if !gw.certificate_secret_named {
            tls_secret = format!("{}-service-tls", gw.name);
        }
        options.insert(
            "service".to_string(),
            yaml(&serde_json::json!({
                "metadata": {"annotations": {
                    "service.beta.openshift.io/serving-cert-secret-name": format!("{}-service-tls", gw.name),
                }},
                "spec": {"type": "ClusterIP"},
            })),
        );
    }
    let mut deployment = serde_json::Map::new();
    if let Some(r) = gw.replicas {
        deployment.insert("replicas".into(), r.into());
    }
    let mut resources = serde_json::Map::new();
    for (key, q) in [("cpu", &gw.cpu), ("memory", &gw.memory)] {
        if let Some(q) = q {
            resources.insert(key.into(), q.as_str().into());
        }
    }
    if !resources.is_empty() {
        let r = serde_json::Value::Object(resources);
        deployment.insert(
            "template".into(),
            serde_json::json!({"spec": {"containers": [
                {"name": "istio-proxy", "resources": {"requests": r, "limits": r}},
            ]}}),
        );
    }
    if !deployment.is_empty() {
        options.insert(
            "deployment".to_string(),
            yaml(&serde_json::json!({ "spec": deployment })),
        );
    }
    let options_name = format!("{}-options", gw.name);
    let http = match gw.http {
        GatewayHttp::Off => None,
        GatewayHttp::Redirect => Some("redirect".to_string()),
        GatewayHttp::Plain => Some("plain".to_string()),
    };
    let mut objects = vec![PlannedObject::namespaced(
        ns,
        &gw.name,
        o::Gateway {
            hostname: hostname.clone(),
            tls_secret,
            http,
            parameters_ref: (!options.is_empty()).then(|| options_name.clone()),
            route_namespace_labels: super::tenant_era::route_namespace_labels(cluster, tenant),
        },
    )];
    if !options.is_empty() {
        objects.push(PlannedObject::namespaced(
            ns,
            &options_name,
            o::GatewayOptions { data: options },
        ));
    }
    if gw.http == GatewayHttp::Redirect {
        objects.push(PlannedObject::namespaced(
            ns,
            &format!("{}-http-redirect", gw.name),
            o::HttpRedirectRoute {
                gateway: o::ModelRef {
                    name: gw.name.clone(),
                    namespace: ns.to_string(),
                },
                hostname: hostname.clone(),
            },
        ));
    }
    if cluster_ip {
        objects.push(PlannedObject::namespaced(
            ns,
            &gw.name,
            o::Route {
                hostname,
                service: gateway_service(&gw.name),
            },
        ));
    }
    objects
}

/// A YAML overlay as Istio reads it from its options ConfigMap.
fn yaml(v: &serde_json::Value) -> String {
    serde_saphyr::to_string(v).expect("JSON values serialise as YAML")
}

/// The gateway AuthPolicy's fail-closed rule: the tier lookup answered with
/// a tier (not upstream: models-as-a-service v0.0.2 has no such rule).
pub(super) const TIER_REQUIRED: &str = "has(auth.metadata.matchedTier) && has(auth.metadata.matchedTier.tier) && auth.metadata.matchedTier.tier != \"\"";

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
        annotations: o::sync_options(SKIP_DRY_RUN),
        target: target.clone(),
        limits,
    };
    let candidates = vec![
        // v0.0.2 `tier-mapping-configmap.yaml`: the operator creates it
        // `opendatahub.io/managed: "false"` and leaves its data to GitOps.
        PlannedObject::namespaced(
            super::maas_api::namespace(cluster),
            "tier-to-group-mapping",
            o::TierToGroupMapping { tiers },
        ),
        // v0.0.2 `gateway-auth-policy.yaml` (TLS tier lookup): only where
        // the operator does not render it itself (standalone MaaS).
        PlannedObject::namespaced(
            ns,
            "gateway-auth-policy",
            o::AuthPolicy {
                annotations: o::sync_options(SKIP_DRY_RUN),
                target: target.clone(),
                tier_lookup_url: super::maas_api::tier_lookup_url(cluster),
                tier_required: TIER_REQUIRED.to_string(),
            },
        ),
        // v0.0.2 `overlays/odh/maas-authorino-networkpolicy.yaml`: likewise.
        PlannedObject::namespaced(
            MAAS_API_NAMESPACE,
            "maas-authorino-allow",
            o::AuthorinoNetworkPolicy {},
        ),
    ];
    // One writer per object: leave out what this RHOAI's operator renders.
    let version = operator_owned::rhoai_version(cluster);
    let mut objects: Vec<PlannedObject> = candidates
        .into_iter()
        .filter(|o| !operator_owned::owns(version, o.kind, o.namespace.as_deref(), &o.name, ns))
        .filter(|o| super::maas_api::keeps(cluster, o))
        .collect();
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
/// require at least one subject and one model). On RHOAI 3.5 each
/// additional tenant gets its own, in its namespace and naming only its
/// models: its maas-api watches that namespace alone (models-as-a-service
/// v0.2.x `multi-tenant-setup.md`).
fn subscriptions(platform: &Platform, cluster: &Cluster) -> Option<Component> {
    // The API-key policy, where maas.yaml sets one.
    let mut objects: Vec<PlannedObject> = super::tenant::tenant(platform, cluster)
        .into_iter()
        .collect();
    let tenants =
        std::iter::once(None).chain(platform.tenants_on(cluster).iter().map(|t| Some(&t.name)));
    for tenant in tenants {
        let namespace = tenant.map_or_else(
            || MAAS_SUBSCRIPTION_NAMESPACE.to_string(),
            TenantName::namespace,
        );
        for t in &platform.tiers {
            objects.extend(tier_subscription(platform, cluster, t, tenant, &namespace));
        }
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

/// A tier's MaaSAuthPolicy and MaaSSubscription for the models of `tenant`
/// (`None`: the default tenant) on `cluster`, in `namespace`.
fn tier_subscription(
    platform: &Platform,
    cluster: &Cluster,
    t: &Tier,
    tenant: Option<&TenantName>,
    namespace: &str,
) -> Vec<PlannedObject> {
    let models: Vec<o::ModelRef> = platform
        .models_on(&cluster.name)
        .filter(|m| m.tiers.contains(&t.name) && m.tenant.as_ref() == tenant)
        .map(|m| o::ModelRef {
            name: m.name.to_string(),
            namespace: m.namespace.to_string(),
        })
        .collect();
    if t.groups.is_empty() || models.is_empty() {
        return Vec::new();
    }
    // Check refused quotas the API cannot express on this era's clusters.
    let Some(quota) = platform.limits_on(t, cluster).subscription else {
        return Vec::new();
    };
    let mut annotations = display_annotations(&t.display_name, &t.description);
    annotations.insert(o::SYNC_OPTIONS.into(), SKIP_DRY_RUN.into());
    vec![
        PlannedObject::namespaced(
            namespace,
            &format!("{}-access", t.name),
            o::MaasAuthPolicy {
                tier: t.name.to_string(),
                annotations: annotations.clone(),
                models: models.clone(),
                groups: t.groups.clone(),
            },
        ),
        PlannedObject::namespaced(
            namespace,
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
        ),
    ]
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
            // On RHOAI 3.5 a Gateway admits routes only from namespaces
            // with its label, and maas-controller labels only its own: the
            // label of each tenant a model here belongs to.
            for m in &models {
                labels.extend(
                    super::tenant_era::route_namespace_labels(cluster, m.tenant.as_ref())
                        .unwrap_or_default(),
                );
            }
            let mut objects = vec![
                PlannedObject::cluster(ns.as_str(), o::Namespace { labels }),
                PlannedObject::namespaced(
                    ns.as_str(),
                    "allow-gateway-and-monitoring",
                    o::ModelsNetworkPolicy {
                        gateway_namespaces: models
                            .iter()
                            .map(|m| platform.gateway_of(m).namespace.to_string())
                            .collect::<std::collections::BTreeSet<_>>()
                            .into_iter()
                            .collect(),
                    },
                ),
            ];
            objects.extend(super::observability::model_namespace_objects(
                cluster,
                ns.as_str(),
                &models,
            ));
            for m in models {
                match (m.serving.external(), cluster.api) {
                    (None, api) => {
                        objects.extend(super::serving::inference_service(platform, cluster, m));
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
    annotations.insert(o::SYNC_OPTIONS.into(), SKIP_DRY_RUN.into());
    PlannedObject::namespaced(
        m.namespace.as_str(),
        m.name.as_str(),
        o::MaasModelRef {
            annotations,
            model_kind: kind.to_string(),
            tenant: m.tenant.as_ref().map(ToString::to_string),
        },
    )
}

pub(super) fn plain_env(name: &str, value: &str) -> o::ContainerEnv {
    o::ContainerEnv {
        name: name.to_string(),
        value: Some(value.to_string()),
        field_path: None,
        secret_name: None,
        secret_key: None,
    }
}
