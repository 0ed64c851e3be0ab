//! The checked platform: what `check` produces from the input once every
//! rule holds. Defaults are resolved, references point at things that exist,
//! and lists are sorted by name so output never depends on input order.

pub mod extras;
mod names;
pub mod serving;
mod values;

use std::collections::BTreeMap;

pub use extras::{ClusterExtras, ExtraComponent, ExtraSource, Patch, PatchBody, PatchTarget};
pub use names::*;
pub use serving::{Credentials, Parallelism};
pub use values::*;

use crate::catalog::instance_types::InstanceSpec;
use crate::catalog::operators::OperatorKind;
pub use crate::catalog::versions::{Era, RhoaiVersion};

/// Which MaaS API a cluster's platform speaks (serialised as maas.yaml spells it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MaasApi {
    /// Tier ConfigMap, model annotation and gateway-wide rate limit policies.
    #[default]
    Tiers,
    /// MaaSModelRef, MaaSAuthPolicy and MaaSSubscription.
    Subscriptions,
}

impl Era {
    /// The MaaS API the era's objects speak: the tenant era emits what the
    /// subscription era emits (issue 15 adds its own objects).
    pub fn api(self) -> MaasApi {
        match self {
            Era::Tiers => MaasApi::Tiers,
            Era::Subscriptions | Era::Tenants => MaasApi::Subscriptions,
        }
    }
}

/// Who runs the control plane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Managed {
    SelfManaged,
    Rosa,
    Aro,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InstallPlanApproval {
    Automatic,
    Manual,
}

impl InstallPlanApproval {
    /// The value as a Subscription spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            InstallPlanApproval::Automatic => "Automatic",
            InstallPlanApproval::Manual => "Manual",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl TaintEffect {
    /// The effect as Kubernetes spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }
}

/// A cluster's observability settings (`spec.observability` with the
/// cluster's own fields over it).
#[derive(Clone, Debug, PartialEq)]
pub struct Observability {
    pub dashboards: crate::input::DashboardTarget,
    /// Namespace of GrafanaDashboard objects.
    pub grafana_namespace: String,
    /// Namespace of PersesDashboard objects.
    pub perses_namespace: String,
    /// `spec.instanceSelector.matchLabels` of GrafanaDashboard objects.
    pub grafana_instance_labels: BTreeMap<String, String>,
    /// `config.yaml` of `cluster-monitoring-config` (with
    /// `enableUserWorkload: true`), when maasc owns it.
    pub cluster_monitoring_config: Option<serde_json::Map<String, serde_json::Value>>,
    pub model_unavailable_for: Window,
    pub rejection_percent: u32,
    pub rejections_for: Window,
    pub pending_for: Window,
}

/// The largest token limit a MaaSSubscription accepts (its CRD's maximum).
pub const MAX_SUBSCRIPTION_TOKENS: u64 = 1_000_000_000;

#[derive(Clone, Debug)]
pub struct Platform {
    pub name: PlatformName,
    pub gitops: Gitops,
    pub gateway: Gateway,
    pub clusters: Vec<Cluster>,
    pub tiers: Vec<Tier>,
    pub identity: Identity,
    pub models: Vec<Model>,
    /// Tier era: maasc configures Authorino's TLS (`maas.authorinoTls`).
    pub authorino_tls: bool,
    /// The external OIDC provider maas-api accepts tokens of (`maas.oidc`).
    pub oidc: Option<Oidc>,
    /// Tenant era: maas-api usage telemetry (`maas.tenant.telemetry`).
    pub tenant_telemetry: bool,
    /// Tenant era: the AITenants besides the default one (`maas.tenants`),
    /// by name.
    pub tenants: Vec<Tenant>,
}

/// RHOAI 3.5: an additional AITenant and the Gateway it alone serves.
#[derive(Clone, Debug)]
pub struct Tenant {
    pub name: TenantName,
    pub gateway: Gateway,
}

/// The external OIDC issuer and client of `maas.oidc`, checked against the
/// CRDs' rules (https issuer, no whitespace, lengths, `ttl` ≥ 30) and with
/// claim names that are CEL identifiers.
#[derive(Clone, Debug)]
pub struct Oidc {
    pub issuer_url: String,
    pub client_id: String,
    pub ttl: Option<u32>,
    pub username_claim: String,
    pub groups_claim: String,
}

#[derive(Clone, Debug)]
pub struct Gitops {
    pub repo_url: String,
    pub target_revision: String,
    /// Repo-relative folder of the generated tree, `/`-separated, no trailing slash.
    pub path: String,
    /// Whether maas.yaml sets `path` (rather than taking the default).
    pub path_set: bool,
    pub argocd_namespace: NamespaceName,
    pub project: String,
}

#[derive(Clone, Debug)]
pub struct Gateway {
    pub name: String,
    pub namespace: NamespaceName,
    /// May contain `{baseDomain}`.
    pub hostname_template: String,
    /// Secret holding the HTTPS listener's certificate, in `namespace`.
    pub certificate_secret: String,
    /// `certificate_secret` was named in maas.yaml (not a default): kept
    /// even where a ClusterIP gateway would default to a service-ca one.
    pub certificate_secret_named: bool,
    /// What port 80 does.
    pub http: GatewayHttp,
    /// Envoy pods; `None`: Istio's default (1).
    pub replicas: Option<u32>,
    /// Envoy container requests and limits.
    pub cpu: Option<Quantity>,
    pub memory: Option<Quantity>,
}

/// What the gateway does on port 80.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum GatewayHttp {
    /// HTTPS only.
    #[default]
    Off,
    /// An HTTP listener that only redirects to https.
    Redirect,
    /// An HTTP listener routes attach to.
    Plain,
}

/// Who owns the cluster's `ClusterAutoscaler/default`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AutoscalerOwner {
    #[default]
    Existing,
    Maasc,
}

/// One OAuth identity provider besides maasc's htpasswd one, as written
/// (secrets and ConfigMaps by reference only, which check proved).
#[derive(Clone, Debug, PartialEq)]
pub struct IdentityProvider {
    pub name: String,
    pub mapping_method: String,
    /// The OAuth `type`, e.g. `OpenID`.
    pub kind: String,
    /// The key of its settings, e.g. `openID`.
    pub key: &'static str,
    pub settings: serde_json::Value,
}

#[derive(Clone, Debug)]
pub struct Cluster {
    pub name: ClusterName,
    pub environment: Option<String>,
    pub server: String,
    pub base_domain: String,
    pub platform: PlatformSettings,
    /// The OpenShift AI version the cluster runs; every version-dependent
    /// object follows it.
    pub version: RhoaiVersion,
    /// The MaaS era of `version`.
    pub era: Era,
    /// The MaaS API of `era`.
    pub api: MaasApi,
    /// Every operator the cluster installs, implied ones included.
    pub operators: BTreeMap<OperatorKind, OperatorSubscription>,
    pub pools: Vec<MachinePool>,
    /// Replica overrides by model (namespace, name).
    pub model_replicas: BTreeMap<(NamespaceName, ModelName), u32>,
    /// Limit overrides by tier.
    pub tier_limits: BTreeMap<TierName, Limits>,
    /// Default credentials of the models on this cluster.
    pub credentials: Credentials,
    /// OAuth identity providers besides htpasswd: the platform's, then the
    /// cluster's own.
    pub identity_providers: Vec<IdentityProvider>,
    pub cluster_autoscaler: AutoscalerOwner,
    /// Subscription era: the longest API-key lifetime in days, when set.
    pub api_key_max_days: Option<u32>,
    /// Subscription era: maas-api's PostgreSQL runs in the cluster
    /// (`maas.database.inCluster`).
    pub database: Option<InClusterDatabase>,
    /// Its own components, its patches, the platform extras it keeps.
    pub extras: ClusterExtras,
    /// Monitors, alerts and dashboards, when observability is on.
    pub observability: Option<Observability>,
}

/// An in-cluster PostgreSQL for maas-api (a CloudNativePG `Cluster`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InClusterDatabase {
    /// Size of each instance's volume.
    pub storage: Quantity,
    /// StorageClass of the volumes; `None`: the cluster's default.
    pub storage_class: Option<String>,
    /// PostgreSQL instances, at least 1.
    pub instances: u32,
}

impl Cluster {
    /// Whether the cluster runs the tenant era (RHOAI 3.5) and speaks its
    /// subscription API (a platform whose eras were changed after check
    /// may say otherwise).
    pub fn runs_tenants(&self) -> bool {
        self.version.era() == Era::Tenants && self.api == MaasApi::Subscriptions
    }

    pub fn pool(&self, name: &PoolName) -> Option<&MachinePool> {
        self.pools.iter().find(|p| &p.name == name)
    }

    pub fn has_operator(&self, kind: OperatorKind) -> bool {
        self.operators.contains_key(&kind)
    }

    /// The replicas of `m` on this cluster: its override, else the model's.
    pub fn replicas_of(&self, m: &Model) -> u32 {
        self.model_replicas
            .get(&(m.namespace.clone(), m.name.clone()))
            .copied()
            .unwrap_or(m.replicas)
    }

    pub fn has_gpus(&self) -> bool {
        self.pools.iter().any(|p| p.instance.is_gpu())
    }

    /// The bounds `m` autoscales between on this cluster: its `scaling`
    /// (min < max) where the version has `spec.scaling` (check refuses it
    /// elsewhere), unless the cluster's `overrides.models` fixes its
    /// replicas. `None` for a model not deployed here.
    pub fn autoscaled(&self, m: &Model) -> Option<(u32, u32)> {
        let fixed = self
            .model_replicas
            .contains_key(&(m.namespace.clone(), m.name.clone()));
        m.scaling
            .filter(|_| m.clusters.contains(&self.name))
            .filter(|_| !fixed && m.serving.external().is_none())
            .filter(|_| serving::supports_autoscaling(self.version))
    }

    /// Whether any of `models` autoscales on this cluster: it then needs
    /// KEDA (the Custom Metrics Autoscaler operator) and the DSC's
    /// `kserve.wva`.
    pub fn autoscales_any(&self, models: &[Model]) -> bool {
        models.iter().any(|m| self.autoscaled(m).is_some())
    }

    /// Identity providers and machine pools belong to the platform
    /// (ROSA, ARO, hosted control planes), not to OpenShift objects.
    pub fn platform_managed(&self) -> bool {
        self.platform.managed != Managed::SelfManaged || self.platform.hosted_control_plane
    }
}

#[derive(Clone, Debug)]
pub struct PlatformSettings {
    /// A `LoadBalancer` Service gets an external address (aws, azure,
    /// gcp; not baremetal or none).
    pub load_balancers: bool,
    pub managed: Managed,
    pub hosted_control_plane: bool,
    /// What AWS MachineSets need, on an aws cluster with machine pools
    /// (check requires all of it there); `None` elsewhere: maasc emits
    /// MachineSets for aws only.
    pub aws: Option<AwsSettings>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsSettings {
    pub region: String,
    pub infrastructure_id: String,
    pub ami_id: String,
    /// Subnet `Name` tags by zone, where not the IPI default.
    pub subnets: BTreeMap<String, String>,
    /// Security group `Name` tags, where not the IPI default.
    pub security_groups: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorSubscription {
    pub channel: String,
    pub source: String,
    pub source_namespace: String,
    pub starting_csv: Option<String>,
    pub approval: InstallPlanApproval,
}

#[derive(Clone, Debug)]
pub struct MachinePool {
    pub name: PoolName,
    pub instance_type: String,
    pub instance: InstanceSpec,
    pub zones: Vec<String>,
    pub scaling: Scaling,
    pub taints: Vec<Taint>,
    pub labels: BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scaling {
    /// Nodes per zone.
    Fixed(u32),
    /// Nodes in all zones together.
    Autoscale { min: u32, max: u32 },
}

impl MachinePool {
    /// The most nodes the pool can have: a fixed count in each zone, or the
    /// autoscaler's max over all of them.
    pub fn max_nodes(&self) -> u32 {
        match self.scaling {
            Scaling::Fixed(n) => n.saturating_mul(self.zones.len() as u32),
            Scaling::Autoscale { max, .. } => max,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taint {
    pub key: String,
    pub value: Option<String>,
    pub effect: TaintEffect,
}

#[derive(Clone, Debug)]
pub struct Tier {
    pub name: TierName,
    pub level: i64,
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// Group names as OpenShift sees them (defined, `system:` or external).
    pub groups: Vec<String>,
    pub limits: Limits,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    pub requests: Option<Rate>,
    pub tokens: Option<Rate>,
    /// The token quota as a MaaSSubscription states it: `tokens` when the
    /// API can express it, the most it allows when there is no token limit.
    /// `None` only when it cannot be expressed, which check refuses for
    /// limits that reach a subscription-era cluster.
    pub subscription: Option<SubscriptionQuota>,
}

/// A token quota MaaSSubscription can express (limit 1..=10^9, window
/// `^[1-9]\d{0,3}(s|m|h)$`): only [`SubscriptionQuota::new`] makes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubscriptionQuota {
    limit: u64,
    window: Window,
}

impl SubscriptionQuota {
    /// The most the API allows: 10^9 tokens per second (warning W101).
    pub(crate) const MOST: SubscriptionQuota = SubscriptionQuota {
        limit: MAX_SUBSCRIPTION_TOKENS,
        window: Window::ONE_SECOND,
    };

    /// `rate` as a subscription quota, if the API can express it.
    pub(crate) fn new(limit: u64, window: Window) -> Option<SubscriptionQuota> {
        let window = window.for_subscriptions()?;
        (1..=MAX_SUBSCRIPTION_TOKENS)
            .contains(&limit)
            .then_some(SubscriptionQuota { limit, window })
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    pub fn window(&self) -> Window {
        self.window
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub limit: u64,
    pub window: Window,
}

#[derive(Clone, Debug, Default)]
pub struct Identity {
    pub htpasswd: Option<Htpasswd>,
    pub groups: Vec<Group>,
    pub cluster_admins: Vec<UserName>,
}

#[derive(Clone, Debug)]
pub struct Htpasswd {
    /// Identity provider name, also the prefix of user identities.
    pub provider: String,
    pub source: HtpasswdSource,
}

#[derive(Clone, Debug)]
pub enum HtpasswdSource {
    /// maasc emits the Secret from this file content (bcrypt only).
    File {
        secret_name: String,
        content: String,
        users: Vec<UserName>,
    },
    /// A Secret in openshift-config managed elsewhere.
    ExistingSecret(String),
}

impl Htpasswd {
    pub fn secret_name(&self) -> &str {
        match &self.source {
            HtpasswdSource::File { secret_name, .. } => secret_name,
            HtpasswdSource::ExistingSecret(name) => name,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Group {
    pub name: GroupName,
    pub users: Vec<UserName>,
}

#[derive(Clone, Debug)]
pub struct Model {
    pub name: ModelName,
    pub namespace: NamespaceName,
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// Empty for an external model.
    pub uri: String,
    pub served_name: String,
    pub serving: Serving,
    pub image: Option<String>,
    pub parameters: Option<Parameters>,
    pub replicas: u32,
    pub cpu: Option<Quantity>,
    pub memory: Option<Quantity>,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub tiers: Vec<TierName>,
    pub clusters: Vec<ClusterName>,
    /// Resolved parallelism ([`Parallelism::NONE`] without GPUs).
    pub parallelism: Parallelism,
    pub credentials: Credentials,
    pub max_model_len: Option<u32>,
    pub gpu_memory_utilization: Option<f64>,
    /// Seconds the model may take to start (explicit or from its size).
    pub startup_seconds: u64,
    /// Autoscaling bounds (min < max) from `scaling`: `spec.scaling` on
    /// OpenShift AI 3.4+ (check refuses it before). A fixed `scaling`
    /// (min == max) is `replicas`.
    pub scaling: Option<(u32, u32)>,
    /// The additional tenant the model belongs to (RHOAI 3.5 only);
    /// `None`: the default tenant.
    pub tenant: Option<TenantName>,
}

/// How a model is served, and on which nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Serving {
    /// vLLM on `gpus` (at least one) GPUs per replica, on `pool`'s nodes.
    Gpu { gpus: u32, pool: PoolName },
    /// vLLM without GPUs; `cpu_image`: the vLLM CPU build is the default
    /// image (`runtime: vllm-cpu`).
    Cpu {
        cpu_image: bool,
        pool: Option<PoolName>,
    },
    /// The llm-d inference simulator: random tokens, no weights.
    Simulator { pool: Option<PoolName> },
    /// Served by a provider outside the cluster (subscription era only).
    External(ExternalSource),
}

/// Where an external model is served (an ExternalModel's spec).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalSource {
    pub provider: crate::input::ExternalProvider,
    /// Host name, no scheme or path.
    pub endpoint: String,
    /// Secret in the model's namespace with key `api-key`.
    pub credentials_secret: String,
    /// The model name at the provider.
    pub target_model: String,
}

impl Serving {
    /// GPUs per replica.
    pub fn gpus(&self) -> u32 {
        match self {
            Serving::Gpu { gpus, .. } => *gpus,
            Serving::Cpu { .. } | Serving::Simulator { .. } | Serving::External(_) => 0,
        }
    }

    /// The machine pool whose nodes run the model, if one is named.
    pub fn pool(&self) -> Option<&PoolName> {
        match self {
            Serving::Gpu { pool, .. } => Some(pool),
            Serving::Cpu { pool, .. } | Serving::Simulator { pool } => pool.as_ref(),
            Serving::External(_) => None,
        }
    }

    /// The external source, for a model served outside the cluster.
    pub fn external(&self) -> Option<&ExternalSource> {
        match self {
            Serving::External(e) => Some(e),
            _ => None,
        }
    }
}

impl Platform {
    pub fn cluster(&self, name: &ClusterName) -> Option<&Cluster> {
        self.clusters.iter().find(|c| &c.name == name)
    }

    pub fn tier(&self, name: &TierName) -> Option<&Tier> {
        self.tiers.iter().find(|t| &t.name == name)
    }

    /// Models deployed on `cluster`, in (namespace, name) order. An
    /// external model exists only where the cluster speaks the
    /// subscription era, a model of an additional tenant only where it
    /// runs the tenant era (check refuses the others; a platform whose eras
    /// were changed after check just leaves them out).
    pub fn models_on<'a>(
        &'a self,
        cluster: &'a ClusterName,
    ) -> impl Iterator<Item = &'a Model> + 'a {
        let on = self.cluster(cluster);
        let external_ok = on.is_some_and(|c| c.api == MaasApi::Subscriptions);
        let tenants_ok = on.is_some_and(Cluster::runs_tenants);
        self.models.iter().filter(move |m| {
            m.clusters.contains(cluster)
                && (external_ok || m.serving.external().is_none())
                && (tenants_ok || m.tenant.is_none())
        })
    }

    /// The additional tenant `name`.
    pub fn tenant(&self, name: &TenantName) -> Option<&Tenant> {
        self.tenants.iter().find(|t| &t.name == name)
    }

    /// The additional tenants `cluster` serves: all of them where it runs
    /// the tenant era, none elsewhere (as [`Platform::models_on`] leaves
    /// their models out).
    pub fn tenants_on(&self, cluster: &Cluster) -> &[Tenant] {
        if cluster.runs_tenants() {
            &self.tenants
        } else {
            &[]
        }
    }

    /// The Gateway `model` is reached through: its tenant's, or the default.
    pub fn gateway_of(&self, model: &Model) -> &Gateway {
        match &model.tenant {
            None => &self.gateway,
            Some(t) => {
                &self
                    .tenant(t)
                    .expect("check resolves every model's tenant")
                    .gateway
            }
        }
    }

    /// The limits of `tier` on `cluster`, overrides applied.
    pub fn limits_on<'a>(&'a self, tier: &'a Tier, cluster: &'a Cluster) -> &'a Limits {
        cluster.tier_limits.get(&tier.name).unwrap_or(&tier.limits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_quotas_exist_only_where_the_api_can_say_them() {
        let w = |s: &str| Window::parse(s).unwrap();
        let quota = SubscriptionQuota::new(100, w("1d")).unwrap();
        assert_eq!(
            (quota.limit(), quota.window().to_string()),
            (100, "24h".into())
        );
        assert!(SubscriptionQuota::new(0, w("1h")).is_none());
        assert!(SubscriptionQuota::new(MAX_SUBSCRIPTION_TOKENS + 1, w("1h")).is_none());
        assert!(SubscriptionQuota::new(MAX_SUBSCRIPTION_TOKENS, w("1h")).is_some());
        assert!(SubscriptionQuota::new(1, w("417d")).is_none());
        assert_eq!(SubscriptionQuota::MOST.window().to_string(), "1s");
    }

    #[test]
    fn serving_knows_its_gpus_and_pool() {
        let pool = PoolName::parse("gpu").unwrap();
        let gpu = Serving::Gpu {
            gpus: 2,
            pool: pool.clone(),
        };
        assert_eq!((gpu.gpus(), gpu.pool()), (2, Some(&pool)));
        let cpu = Serving::Cpu {
            cpu_image: true,
            pool: None,
        };
        assert_eq!((cpu.gpus(), cpu.pool()), (0, None));
        let sim = Serving::Simulator {
            pool: Some(pool.clone()),
        };
        assert_eq!((sim.gpus(), sim.pool()), (0, Some(&pool)));
    }
}
