//! Serving knobs of a model (issue 17): parallelism, credentials, runtime
//! limits, probes and scaling, as read from maas.yaml.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::source::Sp;

/// How vLLM splits the model over GPUs and nodes. Default: tensor
/// parallelism over all of the model's `gpus`, one node per replica.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ParallelismInput {
    /// GPUs each layer is split over (default: `gpus` ÷ `pipeline`).
    pub tensor: Option<Sp<u32>>,
    /// Pipeline stages (default 1); tensor × pipeline must equal `gpus`.
    /// Stages spread over nodes (LeaderWorkerSet) when `gpus` exceeds one node.
    pub pipeline: Option<Sp<u32>>,
    /// Data-parallel ranks (default 1), each of `gpus` GPUs on its own node
    /// (LeaderWorkerSet).
    pub data: Option<Sp<u32>>,
}

/// References to Secrets that already exist in the model's namespace; a
/// token value never appears in maas.yaml.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CredentialsInput {
    /// Secret holding a Hugging Face token for gated or private `hf://`
    /// models: becomes `HF_TOKEN` of vLLM and of the storage initializer.
    pub hugging_face_token_secret: Option<Sp<SecretKeyRefInput>>,
    /// Pull secrets for private `oci://` ModelCar or runtime images.
    pub image_pull_secrets: Option<Vec<Sp<String>>>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretKeyRefInput {
    /// Name of the Secret, in the model's namespace.
    pub name: Sp<String>,
    /// Key of the token in the Secret (default `HF_TOKEN`).
    pub key: Option<Sp<String>>,
}

/// Replica bounds (instead of `replicas`). `minReplicas == maxReplicas` is a
/// fixed count (`spec.replicas`, every version); `minReplicas < maxReplicas`
/// autoscales (`spec.scaling` with the workload-variant-autoscaler and KEDA,
/// OpenShift AI 3.4+ only). No version scales to zero.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScalingInput {
    /// At least 1: no OpenShift AI version scales an LLMInferenceService to zero.
    pub min_replicas: Sp<u32>,
    /// At least `minReplicas`; replicas × GPUs must fit the pool's largest size.
    pub max_replicas: Sp<u32>,
}
