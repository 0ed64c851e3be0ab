//! Every kind of object maasc emits, as the typed context its template
//! renders. Each type states its apiVersion, kind and template once
//! ([`ObjectTemplate`]); the rendered header comes from there. Every value a
//! template prints is computed here or in the planners: templates choose
//! nothing.
//!
//! An optional field is an `Option` left out when `None` (templates test it
//! with `is defined`); a list that may be empty is written only when it has
//! items.

use std::collections::BTreeMap;

use serde::Serialize;

/// ArgoCD sync options as an annotation: lets a CR sync before its CRD
/// exists (operators install CRDs late; gotcha 24).
pub const SKIP_DRY_RUN: &str = "SkipDryRunOnMissingResource=true";

/// ArgoCD sync options of a cluster singleton that must outlive its
/// Application: never pruned when it leaves Git, never deleted with the
/// Application (argo-cd docs, user-guide/sync-options: "No Prune
/// Resources", "No Resource Deletion").
pub const KEEP: &str = "Prune=false,Delete=false";

/// ArgoCD sync options of a partial object another owner made (an
/// operator, OpenShift): apply only maasc's fields server-side, and never
/// prune or delete the object ([`KEEP`]).
pub const CO_OWNED: &str = "ServerSideApply=true,Prune=false,Delete=false";

/// The annotation ArgoCD reads per-object sync options from.
pub const SYNC_OPTIONS: &str = "argocd.argoproj.io/sync-options";

/// Annotations holding only the ArgoCD sync options `options`.
pub fn sync_options(options: &str) -> StringMap {
    StringMap::from([(SYNC_OPTIONS.to_string(), options.to_string())])
}

/// The finalizer that makes deleting an Application delete its objects
/// (argo-cd docs, user-guide/app_deletion).
pub const CASCADE_FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";

/// Annotations or labels, sorted by key.
pub type StringMap = BTreeMap<String, String>;

/// One object type: what it renders as, stated once.
pub trait ObjectTemplate: Serialize {
    const API_VERSION: &'static str;
    const KIND: &'static str;
    /// File name of the template in `templates/`, without `.j2`.
    const TEMPLATE: &'static str;
}

/// One Kubernetes object to render: its identity, and its typed context.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedObject {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub template: &'static str,
    pub namespace: Option<String>,
    pub name: String,
    pub context: Context,
}

impl PlannedObject {
    /// A namespaced object.
    pub fn namespaced<T: ObjectTemplate + Into<Context>>(
        namespace: &str,
        name: &str,
        context: T,
    ) -> PlannedObject {
        Self::with(Some(namespace.to_string()), name.to_string(), context)
    }

    /// A cluster-scoped object.
    pub fn cluster<T: ObjectTemplate + Into<Context>>(name: &str, context: T) -> PlannedObject {
        Self::with(None, name.to_string(), context)
    }

    fn with<T: ObjectTemplate + Into<Context>>(
        namespace: Option<String>,
        name: String,
        context: T,
    ) -> PlannedObject {
        PlannedObject {
            api_version: T::API_VERSION,
            kind: T::KIND,
            template: T::TEMPLATE,
            namespace,
            name,
            context: context.into(),
        }
    }
}

macro_rules! object_types {
    ($($ty:ident => $api:literal, $kind:literal, $template:literal;)*) => {
        $(
            impl ObjectTemplate for $ty {
                const API_VERSION: &'static str = $api;
                const KIND: &'static str = $kind;
                const TEMPLATE: &'static str = $template;
            }
            impl From<$ty> for Context {
                fn from(c: $ty) -> Context {
                    Context::$ty(Box::new(c))
                }
            }
        )*

        /// The context of any object type, for storing planned objects of
        /// different types together (boxed: contexts differ much in size). Fixtures name the variant by type.
        #[derive(Clone, Debug, PartialEq)]
        #[cfg_attr(test, derive(serde::Deserialize))]
        #[cfg_attr(test, serde(tag = "type", content = "context"))]
        pub enum Context {
            $($ty(Box<$ty>),)*
        }

        impl Serialize for Context {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(Context::$ty(c) => c.serialize(s),)*
                }
            }
        }

        impl Context {
            /// `(apiVersion, kind)` of the object type.
            pub fn type_meta(&self) -> (&'static str, &'static str) {
                match self {
                    $(Context::$ty(_) => ($api, $kind),)*
                }
            }

            /// The template that renders the object type.
            pub fn template(&self) -> &'static str {
                match self {
                    $(Context::$ty(_) => $template,)*
                }
            }
        }
    };
}

object_types! {
    Namespace => "v1", "Namespace", "namespace.yaml";
    OperatorGroup => "operators.coreos.com/v1", "OperatorGroup", "operator-group.yaml";
    Subscription => "operators.coreos.com/v1alpha1", "Subscription", "subscription.yaml";
    NodeFeatureDiscovery => "nfd.openshift.io/v1", "NodeFeatureDiscovery", "node-feature-discovery.yaml";
    ClusterPolicy => "nvidia.com/v1", "ClusterPolicy", "cluster-policy.yaml";
    LeaderWorkerSetOperator => "operator.openshift.io/v1", "LeaderWorkerSetOperator", "leader-worker-set-operator.yaml";
    KedaController => "keda.sh/v1alpha1", "KedaController", "keda-controller.yaml";
    ClusterTriggerAuthentication => "keda.sh/v1alpha1", "ClusterTriggerAuthentication", "cluster-trigger-authentication.yaml";
    ServiceAccountToken => "v1", "Secret", "service-account-token.yaml";
    DataScienceCluster => "datasciencecluster.opendatahub.io/v2", "DataScienceCluster", "data-science-cluster.yaml";
    Kuadrant => "kuadrant.io/v1beta1", "Kuadrant", "kuadrant.yaml";
    MachineSet => "machine.openshift.io/v1beta1", "MachineSet", "machine-set.yaml";
    MachineAutoscaler => "autoscaling.openshift.io/v1beta1", "MachineAutoscaler", "machine-autoscaler.yaml";
    ClusterAutoscaler => "autoscaling.openshift.io/v1", "ClusterAutoscaler", "cluster-autoscaler.yaml";
    Secret => "v1", "Secret", "secret.yaml";
    OAuth => "config.openshift.io/v1", "OAuth", "oauth.yaml";
    Group => "user.openshift.io/v1", "Group", "group.yaml";
    ClusterRole => "rbac.authorization.k8s.io/v1", "ClusterRole", "cluster-role.yaml";
    ClusterRoleBinding => "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "cluster-role-binding.yaml";
    GatewayClass => "gateway.networking.k8s.io/v1", "GatewayClass", "gateway-class.yaml";
    Gateway => "gateway.networking.k8s.io/v1", "Gateway", "gateway.yaml";
    TierToGroupMapping => "v1", "ConfigMap", "config-map.yaml";
    AuthPolicy => "kuadrant.io/v1", "AuthPolicy", "auth-policy.yaml";
    RateLimitPolicy => "kuadrant.io/v1", "RateLimitPolicy", "rate-limit-policy.yaml";
    TokenRateLimitPolicy => "kuadrant.io/v1alpha1", "TokenRateLimitPolicy", "rate-limit-policy.yaml";
    MaasModelRef => "maas.opendatahub.io/v1alpha1", "MaaSModelRef", "maas-model-ref.yaml";
    ExternalModel => "maas.opendatahub.io/v1alpha1", "ExternalModel", "external-model.yaml";
    MaasAuthPolicy => "maas.opendatahub.io/v1alpha1", "MaaSAuthPolicy", "maas-auth-policy.yaml";
    MaasSubscription => "maas.opendatahub.io/v1alpha1", "MaaSSubscription", "maas-subscription.yaml";
    Tenant => "maas.opendatahub.io/v1alpha1", "Tenant", "tenant.yaml";
    ServingCertService => "v1", "Service", "service-serving-cert.yaml";
    TrustBundle => "v1", "ConfigMap", "trust-bundle.yaml";
    Authorino => "operator.authorino.kuadrant.io/v1beta1", "Authorino", "authorino.yaml";
    AuthorinoNetworkPolicy => "networking.k8s.io/v1", "NetworkPolicy", "network-policy-authorino.yaml";
    ModelsNetworkPolicy => "networking.k8s.io/v1", "NetworkPolicy", "network-policy-models.yaml";
    LlmInferenceService => "serving.kserve.io/v1alpha1", "LLMInferenceService", "llm-inference-service.yaml";
    LlmInferenceServiceV1alpha2 => "serving.kserve.io/v1alpha2", "LLMInferenceService", "llm-inference-service.yaml";
    ServiceAccount => "v1", "ServiceAccount", "service-account.yaml";
    Role => "rbac.authorization.k8s.io/v1", "Role", "role.yaml";
    RoleBinding => "rbac.authorization.k8s.io/v1", "RoleBinding", "role-binding.yaml";
    InstallPlanApprover => "batch/v1", "Job", "installplan-approver-job.yaml";
    PostgresCluster => "postgresql.cnpg.io/v1", "Cluster", "postgres-cluster.yaml";
    DatabaseUrlSecret => "v1", "Secret", "database-url-secret.yaml";
    DatabaseUrlJob => "batch/v1", "Job", "database-url-job.yaml";
    ArgoCd => "argoproj.io/v1beta1", "ArgoCD", "argocd.yaml";
    AppProject => "argoproj.io/v1alpha1", "AppProject", "app-project.yaml";
    Application => "argoproj.io/v1alpha1", "Application", "application.yaml";
    GatewayOptions => "v1", "ConfigMap", "gateway-options.yaml";
    HttpRedirectRoute => "gateway.networking.k8s.io/v1", "HTTPRoute", "http-redirect-route.yaml";
    Route => "route.openshift.io/v1", "Route", "route.yaml";
    HardwareProfile => "infrastructure.opendatahub.io/v1", "HardwareProfile", "hardware-profile.yaml";
    OdhDashboardConfig => "opendatahub.io/v1alpha", "OdhDashboardConfig", "odh-dashboard-config.yaml";
    MaasApiDeployment => "apps/v1", "Deployment", "deployment.yaml";
    MaasApiService => "v1", "Service", "service.yaml";
    MaasApiRoute => "gateway.networking.k8s.io/v1", "HTTPRoute", "maas-api-route.yaml";
    MaasApiAuthPolicy => "kuadrant.io/v1", "AuthPolicy", "maas-api-auth-policy.yaml";
    DestinationRule => "networking.istio.io/v1", "DestinationRule", "destination-rule.yaml";
    AiTenant => "maas.opendatahub.io/v1alpha1", "AITenant", "ai-tenant.yaml";
    MaasTenantConfig => "maas.opendatahub.io/v1alpha1", "MaasTenantConfig", "maas-tenant-config.yaml";
    MaasConfig => "maas.opendatahub.io/v1alpha1", "Config", "maas-config.yaml";
    NamespaceLabel => "v1", "Namespace", "namespace-label.yaml";
    ClusterMonitoringConfig => "v1", "ConfigMap", "cluster-monitoring-config.yaml";
    TelemetryPolicy => "extensions.kuadrant.io/v1alpha1", "TelemetryPolicy", "telemetry-policy.yaml";
    ServiceMonitor => "monitoring.coreos.com/v1", "ServiceMonitor", "service-monitor.yaml";
    PrometheusRule => "monitoring.coreos.com/v1", "PrometheusRule", "prometheus-rule.yaml";
    ConsoleDashboard => "v1", "ConfigMap", "console-dashboard.yaml";
    GrafanaDashboard => "grafana.integreatly.org/v1beta1", "GrafanaDashboard", "grafana-dashboard.yaml";
    PersesDashboard => "perses.dev/v1alpha1", "PersesDashboard", "perses-dashboard.yaml";
}

/// A kustomization file: not a cluster object, but rendered the same way.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
pub struct Kustomization {
    /// Relative paths.
    pub resources: Vec<String>,
    /// The cluster's patches to this component (the escape hatch).
    #[cfg_attr(test, serde(default))]
    pub patches: Vec<KustomizePatch>,
}

/// One entry of a kustomization's `patches:`: an inline patch and the one
/// object it targets.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
pub struct KustomizePatch {
    pub target: PatchSelector,
    /// A strategic merge patch (a complete object header plus the fields)
    /// or a list of JSON 6902 operations.
    pub patch: serde_json::Value,
}

/// kustomize's patch `target:` selector.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
pub struct PatchSelector {
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

impl ObjectTemplate for Kustomization {
    const API_VERSION: &'static str = "kustomize.config.k8s.io/v1beta1";
    const KIND: &'static str = "Kustomization";
    const TEMPLATE: &'static str = "kustomization.yaml";
}

/// Derives for every context type.
macro_rules! context {
    ($(#[$doc:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Serialize)]
        #[cfg_attr(test, derive(serde::Deserialize))]
        #[serde(rename_all = "camelCase")]
        pub struct $name { $($body)* }
    };
}

context! {
    pub struct Namespace {
        pub labels: StringMap,
    }
}

context! {
    pub struct OperatorGroup {
        /// Empty: the operator watches every namespace.
        pub target_namespaces: Vec<String>,
    }
}

context! {
    pub struct Subscription {
        pub channel: String,
        pub install_plan_approval: String,
        pub package: String,
        pub source: String,
        pub source_namespace: String,
        #[serde(rename = "startingCSV", skip_serializing_if = "Option::is_none")]
        pub starting_csv: Option<String>,
        pub env: Vec<EnvVar>,
    }
}

context! {
    /// A plain environment variable.
    pub struct EnvVar {
        pub name: String,
        pub value: String,
    }
}

context! {
    pub struct NodeFeatureDiscovery {
        pub annotations: StringMap,
        pub config_data: String,
    }
}

context! {
    pub struct ClusterPolicy {
        pub annotations: StringMap,
        pub service_monitor: bool,
    }
}

context! {
    pub struct LeaderWorkerSetOperator {
        pub annotations: StringMap,
    }
}

context! {
    /// The Custom Metrics Autoscaler's KEDA instance (`keda` in
    /// `openshift-keda`), watching every namespace.
    pub struct KedaController {
        pub annotations: StringMap,
    }
}

context! {
    /// A cluster-wide KEDA trigger authentication: each parameter from a
    /// key of a Secret in KEDA's namespace.
    pub struct ClusterTriggerAuthentication {
        pub annotations: StringMap,
        pub secret_target_refs: Vec<SecretTargetRef>,
    }
}

context! {
    pub struct SecretTargetRef {
        pub parameter: String,
        pub name: String,
        pub key: String,
    }
}

context! {
    /// A long-lived token of a ServiceAccount: Kubernetes fills `token` and
    /// `ca.crt` in the cluster (no value in Git).
    pub struct ServiceAccountToken {
        pub service_account: String,
    }
}

context! {
    pub struct DataScienceCluster {
        pub annotations: StringMap,
        /// `Unmanaged` or `Removed`.
        pub kueue: String,
        /// `kserve.modelsAsService: Managed` (RHOAI 3.3, 3.4).
        pub models_as_service: bool,
        /// `aigateway.modelsAsAService: Managed` (RHOAI 3.5).
        #[serde(default)]
        pub ai_gateway: bool,
        /// `kserve.wva: Managed` (RHOAI 3.4+): the workload-variant-autoscaler
        /// an autoscaled model's `spec.scaling` needs.
        #[serde(default)]
        pub wva: bool,
    }
}

context! {
    pub struct Kuadrant {
        pub annotations: StringMap,
        /// `spec.observability.enable`: the operator creates the Limitador
        /// and gateway monitors.
        #[serde(default)]
        pub observability: bool,
    }
}

context! {
    /// An AWS MachineSet; every AWS resource name is spelled out here.
    pub struct MachineSet {
        #[serde(rename = "infrastructureID")]
        pub infrastructure_id: String,
        pub instance_type: String,
        pub region: String,
        pub zone: String,
        pub ami: String,
        /// `None` when an autoscaler owns the size.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub replicas: Option<u32>,
        pub node_labels: StringMap,
        pub taints: Vec<Taint>,
        /// Root volume size in GiB.
        pub volume_size: u32,
        pub iam_instance_profile: String,
        /// Security group `Name` tags, each its own filter.
        pub security_groups: Vec<String>,
        /// The private subnet's `Name` tag.
        pub subnet: String,
        /// The `kubernetes.io/cluster/<infra>` tag name.
        pub cluster_tag: String,
    }
}

context! {
    pub struct Taint {
        pub key: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub value: Option<String>,
        pub effect: String,
    }
}

context! {
    pub struct MachineAutoscaler {
        pub min: u32,
        pub max: u32,
        pub target: String,
    }
}

context! {
    /// OpenShift's `ClusterAutoscaler/default` (machine-api, OCP 4.x).
    pub struct ClusterAutoscaler {
        pub annotations: StringMap,
        /// `resourceLimits.gpus`: one entry per GPU type of the pools.
        pub gpus: Vec<GpuLimit>,
    }
}

context! {
    pub struct GpuLimit {
        /// The pools' `cluster-api/accelerator` label value.
        #[serde(rename = "type")]
        pub kind: String,
        pub min: u32,
        pub max: u32,
    }
}

context! {
    pub struct Secret {
        /// Base64-encoded values by key.
        pub data: StringMap,
    }
}

context! {
    /// config.openshift.io/v1 `OAuth/cluster`: the whole
    /// `identityProviders` list (ArgoCD replaces it as one value).
    pub struct OAuth {
        pub annotations: StringMap,
        pub identity_providers: Vec<IdentityProvider>,
    }
}

context! {
    /// One `identityProviders` entry as OpenShift spells it.
    pub struct IdentityProvider {
        pub name: String,
        pub mapping_method: String,
        #[serde(rename = "type")]
        pub kind: String,
        /// The settings under the type's key (`htpasswd`, `openID`…): one entry.
        #[serde(flatten)]
        pub settings: BTreeMap<String, serde_json::Value>,
    }
}

context! {
    pub struct Group {
        pub users: Vec<String>,
    }
}

context! {
    pub struct ClusterRole {
        pub rules: Vec<PolicyRule>,
    }
}

context! {
    pub struct PolicyRule {
        pub api_groups: Vec<String>,
        pub resources: Vec<String>,
        /// Only these objects (get, patch; never create, which Kubernetes
        /// cannot restrict by name); empty: every object.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        #[cfg_attr(test, serde(default))]
        pub resource_names: Vec<String>,
        pub verbs: Vec<String>,
    }
}

impl Subject {
    /// The ServiceAccount `name` of `namespace`.
    pub fn service_account(name: &str, namespace: &str) -> Subject {
        Subject {
            kind: "ServiceAccount".to_string(),
            api_group: None,
            name: name.to_string(),
            namespace: Some(namespace.to_string()),
        }
    }
}

context! {
    pub struct ClusterRoleBinding {
        pub role: String,
        pub subjects: Vec<Subject>,
    }
}

context! {
    pub struct Subject {
        pub kind: String,
        /// Set for users and groups, not for service accounts.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub api_group: Option<String>,
        pub name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub namespace: Option<String>,
    }
}

context! {
    pub struct GatewayClass {}
}

context! {
    /// Gateway API v1 Gateway on OpenShift's `openshift-default` class
    /// (OSSM 3 / Istio 1.24+ gateway deployment controller).
    pub struct Gateway {
        pub hostname: String,
        pub tls_secret: String,
        /// Port 80 listener: `None` (HTTPS only), `"redirect"` (only the
        /// redirect route may attach) or `"plain"`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub http: Option<String>,
        /// `spec.infrastructure.parametersRef`: the ConfigMap of Istio
        /// deployment options.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub parameters_ref: Option<String>,
        /// `allowedRoutes.namespaces` of the listeners routes attach to:
        /// `None` admits every namespace (`from: All`); labels admit only
        /// namespaces carrying them (`from: Selector`, RHOAI 3.5).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub route_namespace_labels: Option<StringMap>,
    }
}

context! {
    /// Istio's per-Gateway deployment options (Istio docs, "Gateway API
    /// deployment customization": ConfigMap keys `service`, `deployment`,
    /// each a YAML overlay of the generated object).
    pub struct GatewayOptions {
        /// YAML overlays by key.
        pub data: StringMap,
    }
}

context! {
    /// The port-80 HTTPRoute that only redirects to https (Gateway API v1
    /// `RequestRedirect` filter).
    pub struct HttpRedirectRoute {
        pub gateway: ModelRef,
        pub hostname: String,
    }
}

context! {
    /// route.openshift.io/v1 Route exposing a ClusterIP gateway through the
    /// cluster router, TLS re-encrypted to the gateway.
    pub struct Route {
        pub hostname: String,
        pub service: String,
    }
}

context! {
    /// maas-api's tier-to-group ConfigMap.
    pub struct TierToGroupMapping {
        pub tiers: Vec<TierEntry>,
    }
}

context! {
    pub struct TierEntry {
        pub name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub display_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
        pub level: i64,
        pub groups: Vec<String>,
    }
}

context! {
    pub struct TargetRef {
        pub group: String,
        pub kind: String,
        pub name: String,
    }
}

context! {
    pub struct AuthPolicy {
        pub annotations: StringMap,
        pub target: TargetRef,
        /// maas-api's tier lookup endpoint.
        pub tier_lookup_url: String,
        /// CEL predicate every request must satisfy: a tier was resolved.
        /// Authorino treats a failed metadata call as non-fatal, so without
        /// it a user with no tier passes with no limit (fail open).
        pub tier_required: String,
    }
}

context! {
    /// A Kuadrant policy with one named limit per tier.
    pub struct RateLimits {
        pub annotations: StringMap,
        pub target: TargetRef,
        pub limits: Vec<RateLimit>,
    }
}

context! {
    pub struct RateLimit {
        pub name: String,
        pub limit: u64,
        pub window: String,
        /// CEL predicate selecting the requests the limit counts.
        pub predicate: String,
    }
}

/// Request limits per tier.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(transparent)]
pub struct RateLimitPolicy(pub RateLimits);

/// Token limits per tier.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(transparent)]
pub struct TokenRateLimitPolicy(pub RateLimits);

context! {
    pub struct MaasModelRef {
        pub annotations: StringMap,
        /// `LLMInferenceService` or `ExternalModel`, of the same name.
        pub model_kind: String,
        /// `spec.tenantRef` (RHOAI 3.5): the additional AITenant whose
        /// Gateway the model is reached through; `None`: the default one.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub tenant: Option<String>,
    }
}

context! {
    /// A model served outside the cluster (RHOAI 3.4 shape).
    pub struct ExternalModel {
        pub annotations: StringMap,
        pub provider: String,
        /// Host name, no scheme or path.
        pub endpoint: String,
        /// Secret in the same namespace with key `api-key`.
        pub credentials_secret: String,
        pub target_model: String,
    }
}

context! {
    pub struct ModelRef {
        pub name: String,
        pub namespace: String,
    }
}

context! {
    pub struct MaasAuthPolicy {
        pub tier: String,
        pub annotations: StringMap,
        pub models: Vec<ModelRef>,
        pub groups: Vec<String>,
    }
}

context! {
    pub struct MaasSubscription {
        pub tier: String,
        pub annotations: StringMap,
        pub groups: Vec<String>,
        pub models: Vec<ModelRef>,
        pub limit: u64,
        pub window: String,
        pub priority: i64,
    }
}

context! {
    /// Only the serving-certificate annotation on a Service an operator owns
    /// (OpenShift service CA; applied server-side, never pruned).
    pub struct ServingCertService {
        pub annotations: StringMap,
    }
}

context! {
    /// An empty ConfigMap an OpenShift operator fills with a CA bundle
    /// (service CA annotation or trusted-CA label).
    pub struct TrustBundle {
        pub labels: StringMap,
        pub annotations: StringMap,
    }
}

context! {
    /// The fields of the Authorino CR maasc co-owns: listener TLS and the
    /// trust volume (authorino-operator v1beta1).
    pub struct Authorino {
        pub annotations: StringMap,
        /// Secret with the listener's serving certificate.
        pub cert_secret: String,
        pub volumes: Vec<AuthorinoVolume>,
    }
}

context! {
    /// A projected volume of ConfigMaps (every key a file).
    pub struct AuthorinoVolume {
        pub name: String,
        pub mount_path: String,
        pub config_maps: Vec<String>,
    }
}

context! {
    /// `Tenant/default-tenant`'s API-key policy and external OIDC
    /// provider (RHOAI 3.4).
    pub struct Tenant {
        pub annotations: StringMap,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_expiration_days: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub external_oidc: Option<TenantOidc>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub telemetry: Option<TenantTelemetry>,
    }
}

context! {
    /// maas-controller's usage telemetry of a tenant (3.4 `Tenant`, 3.5
    /// `MaasTenantConfig`): whether it runs, and whether its metrics carry
    /// the user (off by default upstream; on when the cluster's
    /// observability shows usage per user).
    pub struct TenantTelemetry {
        pub enabled: bool,
        pub capture_user: bool,
    }
}

context! {
    /// Lets Authorino reach maas-api.
    pub struct AuthorinoNetworkPolicy {}
}

context! {
    /// Models accept their namespace, the gateway and monitoring.
    pub struct ModelsNetworkPolicy {
        /// The namespaces of the Gateways the namespace's models are
        /// reached through (the default tenant's, additional tenants'),
        /// sorted and distinct.
        pub gateway_namespaces: Vec<String>,
    }
}

context! {
    pub struct LlmInferenceService {
        pub annotations: StringMap,
        pub uri: String,
        pub served_name: String,
        /// `spec.replicas`, unless `scaling` is set (the CRD refuses both).
        pub replicas: u32,
        /// `spec.scaling` (RHOAI 3.4+): autoscaled between the bounds by the
        /// workload-variant-autoscaler with a KEDA ScaledObject.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub scaling: Option<LlmScaling>,
        pub gateway: ModelRef,
        /// Route through the llm-d scheduler.
        pub scheduler: bool,
        /// Download the weights before start (not for the simulator).
        pub storage_initializer: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub image: Option<String>,
        pub command: Vec<String>,
        pub args: Vec<String>,
        pub env: Vec<ContainerEnv>,
        /// Container resource limits and requests.
        pub resources: StringMap,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub node_selector: Option<StringMap>,
        pub tolerations: Vec<Taint>,
        /// The container serves HTTPS on 8000 with /health and /ready
        /// (the simulator; vLLM's ports come from KServe).
        pub https_probes: bool,
        /// `uri` is a tiny stand-in the storage initializer downloads, for a
        /// simulator on a version without `storageInitializer` (≤ 3.3).
        #[serde(default)]
        pub placeholder_uri: bool,
        /// `spec.parallelism`, when the model is split over GPUs.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub parallelism: Option<LlmParallelism>,
        /// Each replica spans several nodes: `spec.worker` repeats the pod
        /// (resources, node selector, tolerations) for the LeaderWorkerSet.
        pub worker: bool,
        pub image_pull_secrets: Vec<String>,
        /// The startup probe's patience (merged into KServe's probe).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub startup_probe: Option<StartupProbe>,
        /// Comment lines explaining settings of the main container.
        pub notes: Vec<String>,
    }
}

context! {
    /// `spec.parallelism` of an LLMInferenceService; unset sizes are 1.
    pub struct LlmParallelism {
        pub tensor: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub pipeline: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub data: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub data_local: Option<u32>,
    }
}

context! {
    /// `spec.scaling` of an LLMInferenceService (v1alpha2, RHOAI 3.4+).
    pub struct LlmScaling {
        pub min_replicas: u32,
        pub max_replicas: u32,
    }
}

context! {
    pub struct StartupProbe {
        pub failure_threshold: u64,
        pub period_seconds: u64,
    }
}

/// An LLMInferenceService at `serving.kserve.io/v1alpha2`, the storage
/// version of RHOAI 3.4 and 3.5 (kserve `config/crd/full/llmisvc` at the
/// commits RHOAI-Build-Config `rhoai-3.4`/`rhoai-3.5` pin); the fields maasc
/// sets have the same shape in both versions.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(transparent)]
pub struct LlmInferenceServiceV1alpha2(pub LlmInferenceService);

context! {
    /// An environment variable with a value or from a pod field.
    pub struct ContainerEnv {
        pub name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub value: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub field_path: Option<String>,
        /// From a key of a Secret: (name, key).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub secret_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub secret_key: Option<String>,
    }
}

context! {
    /// A partial ArgoCD CR (argoproj.io/v1beta1, OpenShift GitOps 1.x):
    /// only `spec.resourceHealthChecks`, server-side applied onto the
    /// operator's existing instance.
    pub struct ArgoCd {
        pub annotations: StringMap,
        pub health_lua: String,
        /// Health of OLM Subscriptions: Healthy once their CSV is installed.
        pub subscription_health_lua: String,
    }
}

context! {
    pub struct ServiceAccount {}
}

context! {
    pub struct Role {
        pub rules: Vec<PolicyRule>,
    }
}

context! {
    /// Binds a Role of the same namespace to service accounts.
    pub struct RoleBinding {
        pub role: String,
        pub subjects: Vec<Subject>,
    }
}

context! {
    /// A Job that approves the one InstallPlan naming `csv`.
    pub struct InstallPlanApprover {
        pub service_account: String,
        pub image: String,
        pub csv: String,
        /// POSIX sh.
        pub script: String,
        pub active_deadline_seconds: u32,
        pub backoff_limit: u32,
    }
}

context! {
    /// A CloudNativePG PostgreSQL cluster bootstrapped with one database
    /// and its owner (postgresql.cnpg.io/v1, CloudNativePG v1.30.0).
    pub struct PostgresCluster {
        pub annotations: StringMap,
        pub instances: u32,
        pub database: String,
        pub owner: String,
        pub storage_size: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub storage_class: Option<String>,
    }
}

context! {
    /// The Secret maas-api reads, with no data: the database URL Job
    /// patches the key in, so nothing of it is in Git.
    pub struct DatabaseUrlSecret {
        pub annotations: StringMap,
    }
}

context! {
    /// An ArgoCD sync-hook Job that copies the operator-generated
    /// connection URI from `source` into `key` of `target`.
    pub struct DatabaseUrlJob {
        pub annotations: StringMap,
        pub service_account: String,
        pub image: String,
        pub source: String,
        pub target: String,
        pub key: String,
        /// POSIX sh.
        pub script: String,
        pub active_deadline_seconds: u32,
        pub backoff_limit: u32,
    }
}

context! {
    pub struct AppProject {
        pub description: String,
        #[serde(rename = "repoURL")]
        pub repo_url: String,
        /// The remote repositories of the clusters' extra components.
        #[cfg_attr(test, serde(default))]
        pub extra_source_repos: Vec<String>,
        pub destinations: Vec<Destination>,
    }
}

context! {
    pub struct Destination {
        pub server: String,
        pub namespace: String,
    }
}

context! {
    pub struct Application {
        pub labels: StringMap,
        /// The sync wave, as the annotation's string.
        pub wave: String,
        pub project: String,
        #[serde(rename = "repoURL")]
        pub repo_url: String,
        pub target_revision: String,
        pub path: String,
        pub server: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub destination_namespace: Option<String>,
        pub sync_options: Vec<String>,
        /// `resources-finalizer.argocd.argoproj.io` on child Applications:
        /// deleting one deletes its objects.
        pub finalizers: Vec<String>,
        /// Extra annotations besides the sync wave.
        pub annotations: StringMap,
    }
}

context! {
    /// A hardware profile of one machine pool (issue 19): what a workbench
    /// or a model deployed from the dashboard requests, and where it runs.
    pub struct HardwareProfile {
        pub annotations: StringMap,
        pub identifiers: Vec<HardwareIdentifier>,
        pub node_selector: StringMap,
        pub tolerations: Vec<Taint>,
    }
}

context! {
    /// One resource of a [`HardwareProfile`]; counts are integers or
    /// quantities, rendered as given.
    pub struct HardwareIdentifier {
        pub display_name: String,
        pub identifier: String,
        pub resource_type: String,
        pub min_count: serde_json::Value,
        pub default_count: serde_json::Value,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_count: Option<serde_json::Value>,
    }
}

context! {
    /// The dashboard switches MaaS users need, as a server-side partial
    /// object: only these fields are owned, the user's others survive.
    pub struct OdhDashboardConfig {
        pub annotations: StringMap,
        /// `spec.dashboardConfig` field → value, only fields of the
        /// cluster's version.
        pub dashboard_config: BTreeMap<String, bool>,
    }
}

context! {
    /// The standalone maas-api (tier era on RHOAI 3.0/3.2): models-as-a-service
    /// v0.0.2 `deployment/base/maas-api` with its `overlays/tls` (HTTPS on
    /// `port` with the service-CA certificate in `tls_secret`).
    pub struct MaasApiDeployment {
        pub labels: StringMap,
        pub service_account: String,
        pub image: String,
        pub port: u16,
        pub env: Vec<ContainerEnv>,
        pub tls_secret: String,
        pub tls_mount_path: String,
    }
}

context! {
    /// maas-api's Service, with a service-CA serving certificate.
    pub struct MaasApiService {
        pub labels: StringMap,
        pub port: u16,
        pub tls_secret: String,
    }
}

context! {
    /// maas-api's HTTPRoute on the MaaS Gateway (v0.0.2 `maas-api-route`).
    pub struct MaasApiRoute {
        pub labels: StringMap,
        pub gateway: ModelRef,
        pub service: String,
        pub port: u16,
    }
}

context! {
    /// maas-api's AuthPolicy (v0.0.2 `maas-api-auth-policy`).
    pub struct MaasApiAuthPolicy {
        pub annotations: StringMap,
        pub route: String,
        pub audiences: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub oidc: Option<JwtIdentity>,
    }
}

context! {
    /// Tokens of an external OIDC issuer, next to the Kubernetes token
    /// review: `user_expression` (CEL) gives the identity the same
    /// `user.username`/`user.groups` the token review has.
    pub struct JwtIdentity {
        pub issuer_url: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ttl: Option<u32>,
        pub user_expression: String,
    }
}

context! {
    /// The gateway's TLS to a backend (v0.0.2 `maas-api-backend-tls`).
    pub struct DestinationRule {
        pub annotations: StringMap,
        pub host: String,
        pub port: u16,
    }
}

context! {
    /// RHOAI 3.5 AITenant: the tenant's Gateway and optional OIDC.
    pub struct AiTenant {
        pub annotations: StringMap,
        pub gateway: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub oidc: Option<TenantOidc>,
    }
}

context! {
    /// The external OIDC provider of a Tenant (3.4) or AITenant (3.5).
    pub struct TenantOidc {
        pub issuer_url: String,
        pub client_id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ttl: Option<u32>,
    }
}

context! {
    /// RHOAI 3.5 MaasTenantConfig: API-key policy and telemetry.
    pub struct MaasTenantConfig {
        pub annotations: StringMap,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_expiration_days: Option<u32>,
        pub telemetry: TenantTelemetry,
    }
}

context! {
    /// RHOAI 3.5 cluster `Config/default`.
    pub struct MaasConfig {
        pub annotations: StringMap,
    }
}

context! {
    /// A Namespace maasc does not own: only labels, server-side applied.
    pub struct NamespaceLabel {
        pub labels: StringMap,
        pub annotations: StringMap,
    }
}

context! {
    /// `cluster-monitoring-config` in `openshift-monitoring`, owned whole
    /// (one string key), only when maas.yaml says so.
    pub struct ClusterMonitoringConfig {
        pub annotations: StringMap,
        /// `config.yaml`, YAML text.
        pub config: String,
    }
}

context! {
    /// Kuadrant's TelemetryPolicy: extra labels on Limitador's counters.
    pub struct TelemetryPolicy {
        pub annotations: StringMap,
        pub labels: StringMap,
        pub target: TargetRef,
        /// CEL expression by label name.
        pub metric_labels: StringMap,
    }
}

context! {
    /// A prometheus-operator ServiceMonitor (monitoring.coreos.com/v1).
    pub struct ServiceMonitor {
        pub labels: StringMap,
        pub selector: StringMap,
        pub endpoints: Vec<MonitorEndpoint>,
    }
}

context! {
    /// One scrape endpoint of a [`ServiceMonitor`].
    pub struct MonitorEndpoint {
        /// The Service port's name, or
        #[serde(skip_serializing_if = "Option::is_none")]
        pub port: Option<String>,
        /// the container port's number.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub target_port: Option<u16>,
        pub path: String,
        pub interval: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub scheme: Option<String>,
        /// The target serves a self-signed certificate (KServe, maas-api).
        pub insecure_skip_verify: bool,
    }
}

context! {
    /// A prometheus-operator PrometheusRule of alerting rules.
    pub struct PrometheusRule {
        pub labels: StringMap,
        pub groups: Vec<RuleGroup>,
    }
}

context! {
    pub struct RuleGroup {
        pub name: String,
        pub rules: Vec<AlertRule>,
    }
}

context! {
    pub struct AlertRule {
        pub alert: String,
        /// PromQL.
        pub expr: String,
        #[serde(rename = "for")]
        pub for_: String,
        pub severity: String,
        pub summary: String,
        pub description: String,
    }
}

context! {
    /// An OpenShift console dashboard: a ConfigMap in
    /// `openshift-config-managed` labelled `console.openshift.io/dashboard`.
    pub struct ConsoleDashboard {
        pub labels: StringMap,
        /// The data key, `<name>.json`.
        pub file: String,
        /// Grafana dashboard JSON.
        pub json: String,
    }
}

context! {
    /// A grafana-operator v5 GrafanaDashboard.
    pub struct GrafanaDashboard {
        pub labels: StringMap,
        /// `spec.instanceSelector.matchLabels`.
        pub instance_labels: StringMap,
        /// Grafana dashboard JSON.
        pub json: String,
    }
}

context! {
    /// A Perses operator PersesDashboard (`perses.dev/v1alpha1`: the spec
    /// is the Perses dashboard spec).
    pub struct PersesDashboard {
        pub labels: StringMap,
        /// `display`, `duration`, `refreshInterval`, `panels`, `layouts`.
        pub spec: serde_json::Value,
    }
}
