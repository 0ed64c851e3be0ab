//! The maas.yaml language as read from disk: serde types for every field of
//! the contract (`shared/spec/maas-yaml.md`), before any semantic check.
//!
//! Unknown fields are errors everywhere. Values a check must blame keep their
//! [`Sp`]an. Nothing here is validated beyond its YAML type: the `check`
//! stage turns these into the typed model in [`crate::model`].

mod extras;
mod observability;
mod scalar;
mod serving;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::source::Sp;
pub use extras::*;
pub use observability::*;
pub use scalar::ScalarString;
pub use serving::*;

pub const API_VERSION: &str = "maas.opendatahub.io/v1alpha1";
pub const KIND: &str = "MaaSPlatform";

/// A whole maas.yaml: a Kubernetes-style object, so that it can also be the
/// `functionConfig` of a kustomize KRM function.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(
    title = "MaaSPlatform",
    description = "maasc input: one Models-as-a-Service platform on OpenShift, compiled into an ArgoCD App-of-Apps GitOps tree."
)]
pub struct PlatformInput {
    /// Always `maas.opendatahub.io/v1alpha1`.
    pub api_version: Sp<String>,
    /// Always `MaaSPlatform`.
    pub kind: Sp<String>,
    pub metadata: MetadataInput,
    pub spec: SpecInput,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MetadataInput {
    /// DNS-1123 label naming the platform.
    pub name: Sp<String>,
    /// Kept so that kustomize can annotate the object as a functionConfig.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    #[serde(default)]
    pub namespace: Option<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SpecInput {
    pub gitops: GitopsInput,
    #[serde(default)]
    pub maas: MaasInput,
    /// Platform-wide operator settings; today only the OpenShift AI version
    /// every cluster runs unless it names its own.
    #[serde(default)]
    pub operators: PlatformOperatorsInput,
    pub clusters: Vec<Sp<ClusterInput>>,
    #[serde(default)]
    pub tiers: Vec<Sp<TierInput>>,
    #[serde(default)]
    pub identity: Option<Sp<IdentityInput>>,
    #[serde(default)]
    pub models: Vec<Sp<ModelInput>>,
    /// Metrics, alerts and dashboards of every cluster (a cluster's own
    /// `observability` overrides field by field).
    pub observability: Option<Sp<ObservabilityInput>>,
}

/// Where the generated tree is committed and how ArgoCD is set up.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GitopsInput {
    /// Git URL of the repository that holds the generated tree.
    #[serde(rename = "repoURL")]
    pub repo_url: Sp<String>,
    /// Branch, tag or commit ArgoCD follows (default `HEAD`).
    pub target_revision: Option<Sp<String>>,
    /// Repo-relative folder of the generated tree (default `clusters`).
    pub path: Option<Sp<String>>,
    /// Namespace where ArgoCD runs and Applications live (default `openshift-gitops`).
    pub argocd_namespace: Option<Sp<String>>,
    /// The AppProject maasc generates and every Application uses (default `maas`).
    pub project: Option<Sp<String>>,
}

/// Platform-wide operator settings (`spec.operators`).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PlatformOperatorsInput {
    #[serde(rename = "openshiftAI")]
    pub openshift_ai: Option<Sp<PlatformOpenshiftAiInput>>,
}

/// The OpenShift AI version of every cluster that does not name its own.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PlatformOpenshiftAiInput {
    /// `"3.0"`, `"3.2"`, `"3.3"`, `"3.4"` or `"3.5"` (there is no 3.1).
    pub version: Option<Sp<ScalarString>>,
}

/// Which MaaS API generation to target and the gateway models attach to.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MaasInput {
    /// Optional: derived from the OpenShift AI version (3.0–3.3 `tiers`,
    /// 3.4 `subscriptions`, 3.5 `tenants`); when given it must agree.
    pub api: Option<Sp<MaasApi>>,
    pub gateway: Option<GatewayInput>,
    /// Subscription era: the PostgreSQL database maas-api keeps API keys in.
    pub database: Option<Sp<DatabaseInput>>,
    /// Subscription era: API-key policy of every cluster (RHOAI 3.4 Tenant
    /// `spec.apiKeys`); a cluster's own `maas.apiKeys` wins.
    pub api_keys: Option<Sp<ApiKeysInput>>,
    /// Tier era: configure Authorino's listener TLS and its trust of the
    /// service CA (the Authorino CR of the Kuadrant operator, its Service's
    /// serving certificate, CA bundles), so the gateway AuthPolicy reaches
    /// maas-api over HTTPS. Default `false`: the Authorino CR is co-owned
    /// with the Kuadrant operator, so maasc touches it only when asked.
    #[serde(default)]
    pub authorino_tls: bool,
    /// An external OpenID Connect provider (Keycloak, Entra ID, …) whose
    /// access tokens users may present to maas-api instead of an OpenShift
    /// token, the way each era does it: RHOAI 3.0/3.2 a `jwt` rule in
    /// maas-api's AuthPolicy, 3.4 `Tenant.spec.externalOIDC`, 3.5
    /// `AITenant.spec.oidc` (3.3's operator-owned policy has no such switch:
    /// W131). No secret: the provider signs, maas-api verifies.
    pub oidc: Option<Sp<OidcInput>>,
    /// Tenant era (RHOAI 3.5): the default AITenant and its MaasTenantConfig.
    pub tenant: Option<Sp<TenantInput>>,
    /// Tenant era (RHOAI 3.5): additional tenants, each with a Gateway of
    /// its own, its own maas-api and its own subscriptions. A model joins
    /// one with `tenant:`; the others belong to the default tenant.
    #[serde(default)]
    pub tenants: Vec<Sp<AdditionalTenantInput>>,
}

/// RHOAI 3.5: an AITenant besides the default one (models-as-a-service
/// v0.2.x `multi-tenant-setup.md`).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AdditionalTenantInput {
    /// The AITenant's name: a DNS-1123 label of at most 41 characters, not
    /// `models-as-a-service` (the default tenant). Its namespace for
    /// subscriptions is `ai-tenant-<name>`.
    pub name: Sp<String>,
    /// The tenant's own Gateway, in `openshift-ingress` (one AITenant per
    /// Gateway): the same fields as `maas.gateway`, with their defaults but
    /// for name (the tenant's name) and hostname (`<name>-maas.{baseDomain}`).
    pub gateway: Option<GatewayInput>,
}

/// RHOAI 3.5: settings of the default tenant.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TenantInput {
    /// Usage telemetry of maas-api (`MaasTenantConfig.spec.telemetry`).
    /// Default `false`: off unless asked.
    #[serde(default)]
    pub telemetry: bool,
}

/// An OIDC issuer and client, by name only (no secret).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OidcInput {
    /// `https://…`, no whitespace (the issuer of the tokens, whose
    /// `/.well-known/openid-configuration` lists its signing keys).
    pub issuer_url: Sp<String>,
    /// The OIDC client id the tokens are issued to, no whitespace.
    pub client_id: Sp<String>,
    /// Seconds the issuer's keys are cached (CRD default 300, at least 30).
    pub ttl: Option<Sp<u32>>,
    /// RHOAI 3.0/3.2: the claim holding the user name (default
    /// `preferred_username`); a claim name, letters, digits and `_`.
    pub username_claim: Option<Sp<String>>,
    /// RHOAI 3.0/3.2: the claim listing the user's groups, which tiers
    /// name (default `groups`).
    pub groups_claim: Option<Sp<String>>,
}

/// maas-api's database: exactly one of `existingSecret` (a database of
/// yours, by reference) and `inCluster` (a CloudNativePG PostgreSQL whose
/// credentials are generated in the cluster). Never a credential in maas.yaml.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DatabaseInput {
    /// The Secret maas-api reads, created outside Git in maas-api's
    /// namespace (`redhat-ods-applications` on RHOAI 3.4), key
    /// `DB_CONNECTION_URL` = `postgresql://USER:PASSWORD@HOST:PORT/DB?sslmode=require`.
    /// RHOAI 3.4's maas-api reads only `maas-db-config`.
    pub existing_secret: Option<Sp<String>>,
    /// An in-cluster PostgreSQL (CloudNativePG `Cluster` `maas-db` in
    /// maas-api's namespace) on every subscription-era cluster; a sync-hook
    /// Job copies the generated connection URL into `maas-db-config`.
    pub in_cluster: Option<Sp<InClusterDatabaseInput>>,
}

/// The in-cluster PostgreSQL's size.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InClusterDatabaseInput {
    /// Size of each instance's volume, a Kubernetes quantity (e.g. `10Gi`).
    pub storage: Sp<String>,
    /// StorageClass of the volumes; default: the cluster's default class.
    pub storage_class: Option<Sp<String>>,
    /// PostgreSQL instances (1 primary + standbys), ≥ 1; default 1.
    pub instances: Option<Sp<u32>>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ApiKeysInput {
    /// The longest lifetime, in days, of an API key maas-api issues (≥ 1).
    pub max_expiration_days: Sp<u32>,
}

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    JsonSchema,
    serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub enum MaasApi {
    /// Tier ConfigMap, model annotation and gateway-wide rate limit policies.
    #[default]
    Tiers,
    /// MaaSModelRef, MaaSAuthPolicy and MaaSSubscription.
    Subscriptions,
    /// RHOAI 3.5: the subscription CRs plus tenants (`subscriptions` is
    /// accepted there too).
    Tenants,
}

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GatewayInput {
    /// Gateway name (default `maas-default-gateway`).
    pub name: Option<Sp<String>>,
    /// Gateway namespace (default `openshift-ingress`).
    pub namespace: Option<Sp<String>>,
    /// Listener hostname; `{baseDomain}` is replaced per cluster (default `maas.{baseDomain}`).
    pub hostname: Option<Sp<String>>,
    /// TLS Secret of the HTTPS listener, in the gateway namespace. Default:
    /// `router-certs-default` (the OpenShift ingress certificate, which covers
    /// `*.{baseDomain}`) in `openshift-ingress`, else `<name>-tls`; on
    /// baremetal and none (a ClusterIP gateway behind a re-encrypt Route)
    /// `<name>-service-tls`, issued by the service CA the router trusts.
    pub certificate_secret: Option<Sp<String>>,
    /// Port 80: `off` (default: HTTPS only; bearer tokens never cross plain
    /// HTTP), `redirect` (an HTTP listener whose only route answers 301 to
    /// https) or `plain` (an HTTP listener models may attach to, as before).
    pub http: Option<Sp<GatewayHttp>>,
    /// Envoy pods of the gateway (default 1; Istio's default).
    pub replicas: Option<Sp<u32>>,
    /// Requests and limits of the gateway's Envoy container (`istio-proxy`).
    pub resources: Option<ResourcesInput>,
}

/// What the gateway does on port 80.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, JsonSchema, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum GatewayHttp {
    /// No HTTP listener.
    #[default]
    Off,
    /// An HTTP listener that only redirects to https (HTTPRoute RequestRedirect).
    Redirect,
    /// An HTTP listener routes attach to: tokens cross the network in clear.
    Plain,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClusterInput {
    /// DNS-1123 label, unique among clusters.
    pub name: Sp<String>,
    /// Free label (dev, stage, prod…).
    pub environment: Option<Sp<String>>,
    /// ArgoCD destination server (default `https://kubernetes.default.svc`).
    pub server: Option<Sp<String>>,
    /// Wildcard apps domain, e.g. `apps.ocp.example.com`.
    pub base_domain: Sp<String>,
    pub platform: Sp<PlatformSettingsInput>,
    #[serde(default)]
    pub operators: OperatorsInput,
    #[serde(default)]
    pub machine_pools: Vec<Sp<MachinePoolInput>>,
    /// Per-cluster override of `spec.maas` (`api`, `apiKeys`).
    pub maas: Option<ClusterMaasInput>,
    #[serde(default)]
    pub overrides: OverridesInput,
    /// Default credentials of the models on this cluster (a model's own win).
    pub credentials: Option<CredentialsInput>,
    /// This cluster's OAuth identity providers besides maasc's htpasswd one.
    pub identity: Option<ClusterIdentityInput>,
    /// Who owns `ClusterAutoscaler/default`: `existing` (default: maasc emits
    /// none and never replaces the cluster's own; the MachineAutoscalers of
    /// autoscaled pools need one to exist) or `maasc` (maasc emits it, with
    /// `resourceLimits.gpus` per GPU type from the pools, never pruned).
    /// Ignored on rosa, aro and hosted control planes, which scale through
    /// their machine pools.
    pub cluster_autoscaler: Option<Sp<AutoscalerOwner>>,
    /// Opt-outs of the platform extras (dashboard config, hardware profiles).
    pub platform_extras: Option<PlatformExtrasInput>,
    /// Kustomize components of your own (a folder of this repository or a
    /// remote Git repository), each one more Application of the cluster.
    #[serde(default)]
    pub extra_components: Vec<Sp<ExtraComponentInput>>,
    /// Patches to objects of generated components, kept in their overlays.
    #[serde(default)]
    pub patches: Vec<Sp<PatchInput>>,
    /// This cluster's override of `spec.observability`, field by field.
    pub observability: Option<Sp<ObservabilityInput>>,
}

/// Who owns the cluster's `ClusterAutoscaler/default`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, JsonSchema, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum AutoscalerOwner {
    /// The cluster's own (or none): maasc emits no ClusterAutoscaler.
    #[default]
    Existing,
    /// maasc emits and owns `ClusterAutoscaler/default`.
    Maasc,
}

/// Per-cluster identity settings.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClusterIdentityInput {
    /// Identity providers of this cluster only, after `spec.identity.providers`.
    #[serde(default)]
    pub additional_providers: Vec<Sp<IdentityProviderInput>>,
}

/// One OpenShift OAuth `identityProviders` entry, passed through as written
/// (config.openshift.io/v1 OAuth). Secrets and ConfigMaps are named by
/// reference (`{name: …}` in `openshift-config`), never inline: ArgoCD
/// replaces the whole `identityProviders` list, so every provider the
/// cluster uses must be listed here or it disappears.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdentityProviderInput {
    /// Provider name, unique in the cluster; also the prefix of its identities.
    pub name: Sp<String>,
    /// `claim` (default), `lookup`, `generate` or `add`.
    pub mapping_method: Option<Sp<String>>,
    /// `LDAP`, `OpenID`, `GitHub`, `GitLab`, `Google`, `Keystone`,
    /// `RequestHeader`, `BasicAuth` or `HTPasswd`.
    #[serde(rename = "type")]
    pub kind: Sp<String>,
    // The settings of the provider type, under the key OpenShift names it:
    // exactly one, matching `type`, passed through as written.
    /// `type: LDAP` settings (`bindPassword`, `ca` by reference).
    pub ldap: Option<Sp<serde_json::Value>>,
    /// `type: OpenID` settings (`clientSecret`, `ca` by reference).
    #[serde(rename = "openID")]
    pub open_id: Option<Sp<serde_json::Value>>,
    /// `type: GitHub` settings (`clientSecret`, `ca` by reference).
    pub github: Option<Sp<serde_json::Value>>,
    /// `type: GitLab` settings (`clientSecret`, `ca` by reference).
    pub gitlab: Option<Sp<serde_json::Value>>,
    /// `type: Google` settings (`clientSecret` by reference).
    pub google: Option<Sp<serde_json::Value>>,
    /// `type: Keystone` settings (`ca`, `tlsClientCert`, `tlsClientKey` by reference).
    pub keystone: Option<Sp<serde_json::Value>>,
    /// `type: RequestHeader` settings (`ca` by reference).
    pub request_header: Option<Sp<serde_json::Value>>,
    /// `type: BasicAuth` settings (`ca`, `tlsClientCert`, `tlsClientKey` by reference).
    pub basic_auth: Option<Sp<serde_json::Value>>,
    /// `type: HTPasswd` settings (`fileData` by reference).
    pub htpasswd: Option<Sp<serde_json::Value>>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClusterMaasInput {
    pub api: Option<Sp<MaasApi>>,
    /// This cluster's API-key policy (subscription era only).
    pub api_keys: Option<Sp<ApiKeysInput>>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PlatformSettingsInput {
    #[serde(rename = "type")]
    pub kind: Sp<PlatformType>,
    /// `self` (default), `rosa` or `aro`.
    pub managed: Option<Sp<Managed>>,
    pub region: Option<Sp<String>>,
    /// Infrastructure ID used to name MachineSets; required with machine pools on aws.
    #[serde(rename = "infrastructureID")]
    pub infrastructure_id: Option<Sp<String>>,
    /// AMI of the worker nodes; aws only, required with machine pools.
    #[serde(rename = "amiID")]
    pub ami_id: Option<Sp<String>>,
    /// The control plane is hosted (HyperShift / ROSA HCP): identity
    /// providers and node pools are configured on the hosting side, so maasc
    /// emits no OAuth, MachineSets or ClusterAutoscaler (see the notes).
    #[serde(default)]
    pub hosted_control_plane: bool,
    /// aws: the `Name` tag of each zone's worker subnet, by zone (default
    /// `<infrastructureID>-subnet-private-<zone>`, what a fresh IPI install
    /// names them; upgraded and bring-your-own-VPC clusters differ).
    #[serde(default)]
    pub subnets: BTreeMap<String, Sp<String>>,
    /// aws: the `Name` tags of the workers' security groups (default
    /// `<infrastructureID>-node` and `<infrastructureID>-lb`).
    pub security_groups: Option<Vec<Sp<String>>>,
}

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    JsonSchema,
    serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum PlatformType {
    Aws,
    Azure,
    Gcp,
    Baremetal,
    None,
}

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    JsonSchema,
    serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Managed {
    #[default]
    #[serde(rename = "self")]
    SelfManaged,
    Rosa,
    Aro,
}

/// Operators the cluster installs. What its workload needs is implied; list
/// one here to add it (kueue) or to override its subscription.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OperatorsInput {
    pub cert_manager: Option<Sp<OperatorInput>>,
    pub nfd: Option<Sp<OperatorInput>>,
    pub nvidia_gpu: Option<Sp<OperatorInput>>,
    pub leader_worker_set: Option<Sp<OperatorInput>>,
    pub kueue: Option<Sp<OperatorInput>>,
    #[serde(rename = "openshiftAI")]
    pub openshift_ai: Option<Sp<OpenshiftAiInput>>,
    pub connectivity_link: Option<Sp<OperatorInput>>,
    pub service_mesh: Option<Sp<OperatorInput>>,
    pub serverless: Option<Sp<OperatorInput>>,
    pub keycloak: Option<Sp<OperatorInput>>,
    /// KEDA (OpenShift's Custom Metrics Autoscaler): implied on a cluster
    /// where a model autoscales (RHOAI 3.4+).
    pub custom_metrics_autoscaler: Option<Sp<OperatorInput>>,
}

/// Subscription overrides for one operator.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OperatorInput {
    /// Set false to leave out an operator the workload would imply.
    pub enabled: Option<bool>,
    pub channel: Option<Sp<String>>,
    pub source: Option<Sp<String>>,
    pub source_namespace: Option<Sp<String>>,
    #[serde(rename = "startingCSV")]
    pub starting_csv: Option<Sp<String>>,
    /// `Automatic` (default) or `Manual`: then `startingCSV` is required
    /// and maasc emits a Job that approves exactly that CSV's InstallPlan.
    pub install_plan_approval: Option<Sp<InstallPlanApproval>>,
}

/// The OpenShift AI operator: its version, and subscription overrides
/// checked against it.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OpenshiftAiInput {
    /// `"3.0"`, `"3.2"`, `"3.3"`, `"3.4"` or `"3.5"` (there is no 3.1): the
    /// OLM channel and CSV, the MaaS era and the shape of every
    /// version-dependent object follow from it. Default:
    /// `spec.operators.openshiftAI.version`.
    pub version: Option<Sp<ScalarString>>,
    /// Set false to leave out an operator the workload would imply.
    pub enabled: Option<bool>,
    /// Default: the channel of the version (`stable-3.3`, `stable-3.4`,
    /// `stable-3.5`; `fast-3.x` pinned for 3.0 and 3.2).
    pub channel: Option<Sp<String>>,
    pub source: Option<Sp<String>>,
    pub source_namespace: Option<Sp<String>>,
    #[serde(rename = "startingCSV")]
    pub starting_csv: Option<Sp<String>>,
    pub install_plan_approval: Option<Sp<InstallPlanApproval>>,
}

impl OpenshiftAiInput {
    /// The subscription overrides, as every other operator has them.
    pub fn subscription(&self) -> OperatorInput {
        OperatorInput {
            enabled: self.enabled,
            channel: self.channel.clone(),
            source: self.source.clone(),
            source_namespace: self.source_namespace.clone(),
            starting_csv: self.starting_csv.clone(),
            install_plan_approval: self.install_plan_approval.clone(),
        }
    }
}

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, JsonSchema, serde::Serialize,
)]
pub enum InstallPlanApproval {
    #[default]
    Automatic,
    Manual,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MachinePoolInput {
    /// DNS-1123 label, unique within the cluster.
    pub name: Sp<String>,
    /// Cloud instance type, e.g. `g6.8xlarge`.
    pub instance_type: Sp<String>,
    #[serde(default)]
    pub zones: Vec<Sp<String>>,
    /// Fixed size per zone; leave out with `autoscale`.
    pub replicas: Option<Sp<u32>>,
    /// Node bounds of the whole pool, split over its zones (one
    /// MachineAutoscaler each): every zone gets `min / zones` and
    /// `max / zones`, the remainders go one each to the first zones in the
    /// order listed. `max` must be at least the number of zones (no zone
    /// may have a max of 0).
    pub autoscale: Option<Sp<AutoscaleInput>>,
    /// Default for GPU pools: `nvidia.com/gpu:NoSchedule`.
    pub taints: Option<Vec<TaintInput>>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AutoscaleInput {
    pub min: u32,
    pub max: u32,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TaintInput {
    pub key: Sp<String>,
    pub value: Option<String>,
    pub effect: TaintEffect,
}

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    JsonSchema,
    serde::Serialize,
)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

/// Per-cluster overrides.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OverridesInput {
    /// By model name (or `namespace/name` when the name is not unique).
    #[serde(default)]
    pub models: BTreeMap<String, Sp<ModelOverrideInput>>,
    /// By tier name.
    #[serde(default)]
    pub tiers: BTreeMap<String, Sp<TierOverrideInput>>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ModelOverrideInput {
    pub replicas: Option<u32>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TierOverrideInput {
    pub limits: Option<LimitsInput>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TierInput {
    /// DNS-1123 label, unique, immutable once published.
    pub name: Sp<String>,
    /// Highest level wins when a user's groups reach several tiers.
    pub level: Sp<i64>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// Groups whose members get this tier: defined groups, `system:` groups or external groups.
    #[serde(default)]
    pub groups: Vec<Sp<String>>,
    #[serde(default)]
    pub limits: Option<LimitsInput>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LimitsInput {
    /// Requests per user per window (RateLimitPolicy).
    pub requests: Option<RateInput>,
    /// Total tokens per user per window (TokenRateLimitPolicy / MaaSSubscription).
    pub tokens: Option<RateInput>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RateInput {
    pub limit: Sp<u64>,
    /// `<int><s|m|h|d>`.
    pub window: Sp<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdentityInput {
    pub htpasswd: Option<Sp<HtpasswdInput>>,
    #[serde(default)]
    pub groups: Vec<Sp<GroupInput>>,
    /// Users bound to `cluster-admin`.
    #[serde(default)]
    pub cluster_admins: Vec<Sp<String>>,
    /// Groups owned by another identity provider that tiers may name.
    #[serde(default)]
    pub external_groups: Vec<Sp<String>>,
    /// The clusters' other OAuth identity providers (LDAP, OpenID, GitHub…),
    /// listed in `OAuth/cluster` after the htpasswd one. ArgoCD owns the
    /// whole list: a provider not listed here is removed from the cluster.
    #[serde(default)]
    pub providers: Vec<Sp<IdentityProviderInput>>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HtpasswdInput {
    /// Identity provider name (default `maas-users`); also the prefix of user identities.
    pub name: Option<Sp<String>>,
    /// htpasswd file, relative to maas.yaml; bcrypt entries only.
    pub file: Option<Sp<String>>,
    /// A Secret in openshift-config managed elsewhere.
    pub existing_secret: Option<Sp<String>>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GroupInput {
    pub name: Sp<String>,
    #[serde(default)]
    pub users: Vec<Sp<String>>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ModelInput {
    /// DNS-1123 label, unique per namespace.
    pub name: Sp<String>,
    /// Namespace of the LLMInferenceService (default `llm`).
    pub namespace: Option<Sp<String>>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// `hf://`, `oci://`, `pvc://` or `s3://`; required unless `external`.
    pub uri: Option<Sp<String>>,
    /// A model served by a provider outside the cluster (subscription era,
    /// RHOAI 3.4+): instead of `uri` and every serving field.
    pub external: Option<Sp<ExternalInput>>,
    /// Name clients send in `model` (default: the model's `name`).
    pub model_name: Option<String>,
    /// `vllm` (default), `vllm-cpu` or `simulator`.
    pub runtime: Option<Sp<Runtime>>,
    /// Container image; overrides the runtime's default image.
    pub image: Option<Sp<String>>,
    /// Parameter count, e.g. `0.6B`, `8B`, `125M`: checked against GPU memory.
    pub parameters: Option<Sp<ScalarString>>,
    /// GPUs per replica (default 1 for `vllm`, 0 otherwise).
    pub gpus: Option<Sp<u32>>,
    /// Machine pool the model runs on; optional for CPU models.
    pub pool: Option<Sp<String>>,
    pub replicas: Option<Sp<u32>>,
    pub resources: Option<ResourcesInput>,
    #[serde(default)]
    pub args: Vec<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Tiers that may call the model; never empty.
    #[serde(default)]
    pub tiers: Option<Sp<Vec<Sp<String>>>>,
    /// Clusters it is deployed on (default: every cluster that has its pool).
    pub clusters: Option<Vec<Sp<String>>>,
    /// RHOAI 3.5: the additional tenant (`maas.tenants`) the model belongs
    /// to, reached through that tenant's Gateway and subscriptions (default:
    /// the default tenant).
    pub tenant: Option<Sp<String>>,
    /// Tensor, pipeline and data parallelism (default: tensor over all `gpus`).
    pub parallelism: Option<Sp<ParallelismInput>>,
    /// Secrets for gated `hf://` models and private images (never a token value).
    pub credentials: Option<CredentialsInput>,
    /// Longest context vLLM accepts (`--max-model-len`).
    pub max_model_len: Option<Sp<u32>>,
    /// Share of GPU memory vLLM may use, in (0, 1] (`--gpu-memory-utilization`, default 0.9).
    pub gpu_memory_utilization: Option<Sp<f64>>,
    /// How long the model may take to load before the pod restarts, `<int><s|m|h|d>`
    /// (default: from the parameter count, at least 10m).
    pub startup_timeout: Option<Sp<String>>,
    /// min/max replicas; `minReplicas: 0` scales to zero (RHOAI 3.4+).
    pub scaling: Option<Sp<ScalingInput>>,
}

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    JsonSchema,
    serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Runtime {
    Vllm,
    VllmCpu,
    Simulator,
}

/// An external model: where it is served and the Secret holding its key.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExternalInput {
    pub provider: Sp<ExternalProvider>,
    /// Host name of the provider's API, without scheme or path, e.g.
    /// `api.openai.com`.
    pub endpoint: Sp<String>,
    /// Name of a Secret in the model's namespace whose key `api-key` holds
    /// the provider's API key, labelled
    /// `inference.networking.k8s.io/bbr-managed=true`. Created outside
    /// maas.yaml: never a credential here.
    pub credentials_secret: Sp<String>,
    /// The model name at the provider (default: `modelName`, else `name`).
    pub target_model: Option<Sp<String>>,
}

/// The providers MaaS documents for ExternalModel (models-as-a-service
/// v0.1.1 `docs/content/install/external-model-setup.md`, "Supported
/// Providers").
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    JsonSchema,
    serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum ExternalProvider {
    Openai,
    Anthropic,
    AzureOpenai,
    VertexOpenai,
    BedrockOpenai,
}

impl ExternalProvider {
    /// The value as ExternalModel's `spec.provider` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ExternalProvider::Openai => "openai",
            ExternalProvider::Anthropic => "anthropic",
            ExternalProvider::AzureOpenai => "azure-openai",
            ExternalProvider::VertexOpenai => "vertex-openai",
            ExternalProvider::BedrockOpenai => "bedrock-openai",
        }
    }
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResourcesInput {
    pub cpu: Option<Sp<ScalarString>>,
    pub memory: Option<Sp<ScalarString>>,
}
