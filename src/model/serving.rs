//! How a checked model is served: parallelism and its node layout, default
//! resources, credentials, and the GPU memory arithmetic that check and plan
//! share (issue 17). Pure functions: check reports what they refuse, plan
//! uses what they choose.

use crate::catalog::instance_types::{Accelerator, NodeSize};
use crate::catalog::versions::RhoaiVersion;

use super::{Parameters, Quantity};

/// vLLM's default `--gpu-memory-utilization`.
pub const DEFAULT_GPU_MEMORY_UTILIZATION: f64 = 0.9;
/// GiB each GPU loses to the CUDA context, activations and CUDA graphs.
pub const GPU_RUNTIME_OVERHEAD_GIB: f64 = 1.0;
/// The shortest startup timeout maasc derives: KServe's own preset allows
/// `failureThreshold: 60` × `periodSeconds: 10` (config-llm-template.yaml).
pub const MIN_STARTUP_SECONDS: u64 = 600;
/// `periodSeconds` of the startup probe maasc sets.
pub const STARTUP_PERIOD_SECONDS: u64 = 10;
/// The key of the Hugging Face token in its Secret unless one is named.
pub const DEFAULT_HF_TOKEN_KEY: &str = "HF_TOKEN";

/// Parallelism as the user asked for it, defaults resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parallelism {
    pub tensor: u32,
    pub pipeline: u32,
    pub data: u32,
}

impl Parallelism {
    /// One GPU, or none: nothing to split.
    pub const NONE: Parallelism = Parallelism {
        tensor: 1,
        pipeline: 1,
        data: 1,
    };

    /// GPUs that hold one copy of the weights (tensor × pipeline).
    pub fn gpus_per_copy(&self) -> u32 {
        self.tensor * self.pipeline
    }
}

/// Where the GPUs of one replica sit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Pods (and nodes) per replica: more than one is a LeaderWorkerSet.
    pub pods: u32,
    /// GPUs of each pod.
    pub gpus_per_pod: u32,
    /// Pods the weights are split over (pipeline stages on their own
    /// nodes); data-parallel ranks each hold a whole copy.
    pub shards: u32,
}

impl Layout {
    /// One pod with all `gpus`.
    pub fn single(gpus: u32) -> Layout {
        Layout {
            pods: 1,
            gpus_per_pod: gpus,
            shards: 1,
        }
    }

    pub fn multi_node(&self) -> bool {
        self.pods > 1
    }
}

/// Why a parallelism cannot be laid out on a pool's nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LayoutError {
    /// Even one pod needs more GPUs than a node has.
    ExceedsNode { per_pod: u32, node_gpus: u32 },
    /// Pipeline and data parallelism together: KServe's multi-node presets
    /// do one or the other.
    PipelineWithData,
}

/// Lays `parallelism` (with `gpus` = tensor × pipeline GPUs per copy of the
/// weights) out on nodes of `node_gpus` GPUs:
/// - data > 1: one pod per data-parallel rank, each with `gpus` GPUs
///   (KServe's `worker-data-parallel` preset, `dataLocal: 1`);
/// - gpus ≤ node: one pod;
/// - else pipeline > 1: one pod per pipeline stage, each with `tensor` GPUs.
pub fn layout(p: Parallelism, node_gpus: u32) -> Result<Layout, LayoutError> {
    let gpus = p.gpus_per_copy();
    if p.data > 1 {
        if p.pipeline > 1 {
            return Err(LayoutError::PipelineWithData);
        }
        if gpus > node_gpus {
            return Err(LayoutError::ExceedsNode {
                per_pod: gpus,
                node_gpus,
            });
        }
        return Ok(Layout {
            pods: p.data,
            gpus_per_pod: gpus,
            shards: 1,
        });
    }
    if gpus <= node_gpus {
        return Ok(Layout::single(gpus));
    }
    if p.pipeline > 1 && p.tensor <= node_gpus {
        return Ok(Layout {
            pods: p.pipeline,
            gpus_per_pod: p.tensor,
            shards: p.pipeline,
        });
    }
    Err(LayoutError::ExceedsNode {
        per_pod: if p.pipeline > 1 { p.tensor } else { gpus },
        node_gpus,
    })
}

/// GiB of fp16 weights.
pub fn weights_gib(params: Parameters) -> f64 {
    params.count * 2.0 / f64::from(1u32 << 30)
}

/// The GPU memory arithmetic of one model on one accelerator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GpuFit {
    /// fp16 weights each GPU holds (weights ÷ tensor × pipeline).
    pub weights_per_gpu: f64,
    /// What vLLM may use of each GPU (`gpuMemoryUtilization` × memory).
    pub usable_per_gpu: f64,
    /// KV cache left on all GPUs of one copy of the weights.
    pub kv_cache_gib: f64,
}

impl GpuFit {
    pub fn new(params: Parameters, p: Parallelism, acc: Accelerator, utilization: f64) -> GpuFit {
        let per_copy = f64::from(p.gpus_per_copy().max(1));
        let weights_per_gpu = weights_gib(params) / per_copy;
        let usable_per_gpu = f64::from(acc.memory_gib) * utilization;
        let kv = (usable_per_gpu - weights_per_gpu - GPU_RUNTIME_OVERHEAD_GIB).max(0.0);
        GpuFit {
            weights_per_gpu,
            usable_per_gpu,
            kv_cache_gib: kv * per_copy,
        }
    }

    /// The weights share plus 20% headroom (KV cache, activations) fits.
    pub fn fits(&self) -> bool {
        self.weights_per_gpu * 1.2 <= self.usable_per_gpu
    }
}

/// A conservative (low) estimate of the KV cache one token takes, in GiB:
/// fp16 K and V over all layers of a grouped-query-attention model,
/// 64 KiB at 8B growing with the square root of the size (Llama 3 8B takes
/// 128 KiB, 70B 320 KiB; Qwen2.5 32B 256 KiB). Low on purpose: the context
/// warning must not fire on a context that fits.
pub fn kv_gib_per_token(params: Parameters) -> f64 {
    let billions = params.count / 1e9;
    let kib = 64.0 * (billions / 8.0).sqrt().max(1.0);
    kib / f64::from(1u32 << 20)
}

/// The longest context whose KV cache fits, if the estimate says it is
/// shorter than `max_model_len`.
pub fn context_shortfall(fit: &GpuFit, params: Parameters, max_model_len: u32) -> Option<u64> {
    let per_token = kv_gib_per_token(params);
    let fits = (fit.kv_cache_gib / per_token).floor() as u64;
    (fits < u64::from(max_model_len)).then_some(fits)
}

/// Default startup timeout: 10 minutes, or 5 minutes plus 20 seconds per
/// billion parameters for large models (a 70B model loads for minutes).
pub fn default_startup_seconds(params: Option<Parameters>) -> u64 {
    let derived = params.map_or(0, |p| 300 + (p.count / 1e9 * 20.0).ceil() as u64);
    derived.max(MIN_STARTUP_SECONDS)
}

/// Startup probe failures allowed for `seconds` at [`STARTUP_PERIOD_SECONDS`].
pub fn startup_failure_threshold(seconds: u64) -> u64 {
    seconds.div_ceil(STARTUP_PERIOD_SECONDS)
}

/// What one node can give pods, after OpenShift's system reservation
/// (the kubelet auto-sizing formula: 25% of the first 4 GiB of memory, 20% of
/// the next 4, 10% of the next 8, 6% of the next 112, 2% above; CPU about
/// 0.1 core) and the per-node DaemonSets (GPU operator, NFD, monitoring,
/// networking: 1 core and 2 GiB here).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Allocatable {
    pub millicores: u64,
    pub memory_mib: u64,
}

pub fn allocatable(node: NodeSize) -> Allocatable {
    let gib = f64::from(node.memory_gib);
    let mut reserved = 0.0;
    for (upto, share) in [(4.0, 0.25), (8.0, 0.2), (16.0, 0.1), (128.0, 0.06)] {
        let prev: f64 = match upto {
            4.0 => 0.0,
            8.0 => 4.0,
            16.0 => 8.0,
            _ => 16.0,
        };
        reserved += (gib.min(upto) - prev).max(0.0) * share;
    }
    reserved += (gib - 128.0).max(0.0) * 0.02;
    let memory = (gib - reserved - 2.0).max(0.0);
    Allocatable {
        millicores: (u64::from(node.vcpus) * 1000).saturating_sub(1100),
        memory_mib: (memory * 1024.0).floor() as u64,
    }
}

/// Container CPU and memory of one pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodResources {
    pub cpu: Quantity,
    pub memory: Quantity,
}

/// Host memory the weights of one pod need to load (they pass through the
/// page cache on their way to the GPUs) plus the runtime: fp16 weights of
/// the pod's share (`shards` pods split them) + 8 GiB, whole GiB.
pub fn load_memory_gib(params: Parameters, shards: u32) -> u64 {
    (weights_gib(params) / f64::from(shards.max(1))).ceil() as u64 + 8
}

/// Default resources of a vLLM pod: 4 cores per GPU (at least 4), memory at
/// least 16 GiB and what the weights need to load, rounded up to 4 GiB;
/// both bounded by what one node of the pool can allocate.
pub fn default_resources(
    params: Option<Parameters>,
    layout: Layout,
    node: Option<NodeSize>,
) -> PodResources {
    let mut millicores = 4000 * u64::from(layout.gpus_per_pod.max(1));
    let load = params.map_or(0, |p| load_memory_gib(p, layout.shards));
    let mut memory_mib = load.max(16).next_multiple_of(4) * 1024;
    if let Some(n) = node {
        let a = allocatable(n);
        millicores = millicores.min(a.millicores / 1000 * 1000).max(1000);
        memory_mib = memory_mib.min(a.memory_mib / 1024 * 1024).max(1024);
    }
    PodResources {
        cpu: Quantity::parse(&(millicores / 1000).to_string()).expect("whole cores"),
        memory: Quantity::parse(&format!("{}Gi", memory_mib / 1024)).expect("whole GiB"),
    }
}

/// A quantity's value in base units (cores, bytes); `None` if it does not parse.
pub fn quantity_value(q: &Quantity) -> Option<f64> {
    let s = q.as_str().trim_start_matches('+');
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(end);
    let n: f64 = number.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        e => 10f64.powi(e[1..].parse().ok()?),
    };
    Some(n * factor)
}

/// A reference to one key of an existing Secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretKeyRef {
    pub name: String,
    pub key: String,
}

/// Secrets a model's pods use; a model's own win over its cluster's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Credentials {
    pub hugging_face_token: Option<SecretKeyRef>,
    pub image_pull_secrets: Option<Vec<String>>,
}

impl Credentials {
    /// `self`, each unset field taken from `default`.
    pub fn or(&self, default: &Credentials) -> Credentials {
        Credentials {
            hugging_face_token: self
                .hugging_face_token
                .clone()
                .or_else(|| default.hugging_face_token.clone()),
            image_pull_secrets: self
                .image_pull_secrets
                .clone()
                .or_else(|| default.image_pull_secrets.clone()),
        }
    }
}

/// The vLLM engine generation a target ships.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VllmEngine {
    /// The V0 engine (vLLM < 0.10 by default; removed in 0.11): XFORMERS works.
    V0,
    /// The V1 engine, the only one from vLLM 0.11: no XFORMERS backend.
    V1,
}

/// The vLLM engine of an OpenShift AI version. Every 3.x ships Red Hat AI
/// Inference Server images of vLLM 0.10 or later, whose default engine is V1.
pub fn vllm_engine(_version: RhoaiVersion) -> VllmEngine {
    VllmEngine::V1
}

/// Whether the KServe of an OpenShift AI version runs pipeline stages on
/// several nodes. Not in 3.0–3.5: opendatahub-io/kserve
/// `pkg/controller/llmisvc/config_merge.go` selects
/// `kserve-config-llm-worker-pipeline-parallel` for a `worker` with
/// `parallelism.pipeline` but ships it outside `WellKnownDefaultConfigs`
/// ("FIXME move those presets to well-known"), so reconciling fails on a
/// missing LLMInferenceServiceConfig.
pub fn supports_multi_node_pipeline(_version: RhoaiVersion) -> bool {
    false
}

/// Whether an OpenShift AI version autoscales an LLMInferenceService
/// between `spec.scaling.minReplicas` and `maxReplicas`: from 3.4, whose
/// CRD has `spec.scaling` (versions fact sheet §A.6) and whose KServe
/// (red-hat-data-services/kserve @c1e1509 for 3.4, @2505c73 for 3.5,
/// `pkg/controller/v1alpha2/llmisvc/scaling.go`) turns it into a
/// VariantAutoscaling for the workload-variant-autoscaler (DSC
/// `kserve.wva`, also new in 3.4) and a KEDA ScaledObject or an HPA.
pub fn supports_autoscaling(version: RhoaiVersion) -> bool {
    version >= RhoaiVersion::V3_4
}

/// The fewest replicas any version can autoscale down to: `spec.scaling.minReplicas`
/// and KEDA's `idleReplicaCount` both have `minimum: 1` in the 3.4 and 3.5
/// CRDs, so no version scales a model to zero.
pub const MIN_AUTOSCALED_REPLICAS: u32 = 1;

/// How many replicas of a layout fit on `nodes` nodes of `node_gpus` GPUs
/// each: a pod takes `gpus_per_pod` GPUs of one node, a replica `pods` pods.
pub fn replicas_that_fit(layout: Layout, nodes: u32, node_gpus: u32) -> u32 {
    if layout.gpus_per_pod == 0 {
        return u32::MAX;
    }
    let pods_per_node = node_gpus / layout.gpus_per_pod;
    nodes.saturating_mul(pods_per_node) / layout.pods.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::instance_types::{A10G, L4, T4, node_size};

    fn params(s: &str) -> Parameters {
        Parameters::parse(s).unwrap()
    }

    fn tp(n: u32) -> Parallelism {
        Parallelism {
            tensor: n,
            ..Parallelism::NONE
        }
    }

    #[test]
    fn tensor_parallelism_stays_on_one_node() {
        assert_eq!(layout(tp(4), 4), Ok(Layout::single(4)));
        assert_eq!(
            layout(tp(8), 4),
            Err(LayoutError::ExceedsNode {
                per_pod: 8,
                node_gpus: 4
            })
        );
    }

    #[test]
    fn pipeline_and_data_parallelism_spread_over_nodes() {
        let pp = Parallelism {
            tensor: 4,
            pipeline: 2,
            data: 1,
        };
        assert_eq!(
            layout(pp, 4),
            Ok(Layout {
                pods: 2,
                gpus_per_pod: 4,
                shards: 2
            })
        );
        assert_eq!(layout(pp, 8).unwrap().pods, 1);
        let dp = Parallelism {
            tensor: 2,
            pipeline: 1,
            data: 3,
        };
        assert_eq!(
            layout(dp, 4),
            Ok(Layout {
                pods: 3,
                gpus_per_pod: 2,
                shards: 1
            })
        );
        assert_eq!(
            layout(Parallelism { data: 2, ..pp }, 8),
            Err(LayoutError::PipelineWithData)
        );
    }

    #[test]
    fn the_weights_split_over_tensor_parallel_gpus() {
        let one = GpuFit::new(params("32B"), tp(1), A10G, 0.9);
        assert!(!one.fits());
        let four = GpuFit::new(params("32B"), tp(4), A10G, 0.9);
        assert!(four.fits());
        assert!((four.weights_per_gpu - 14.9).abs() < 0.1);
        assert!(GpuFit::new(params("8B"), tp(1), L4, 0.9).fits());
        assert!(!GpuFit::new(params("70B"), tp(1), L4, 0.9).fits());
    }

    #[test]
    fn long_contexts_that_cannot_fit_are_found() {
        let fit = GpuFit::new(params("7B"), tp(1), T4, 0.9);
        assert!(context_shortfall(&fit, params("7B"), 131_072).is_some());
        assert_eq!(context_shortfall(&fit, params("7B"), 4096), None);
    }

    #[test]
    fn resources_follow_the_model_within_the_node() {
        let (one, four) = (Layout::single(1), Layout::single(4));
        let r = default_resources(Some(params("0.6B")), one, node_size("g4dn.2xlarge"));
        assert_eq!((r.cpu.as_str(), r.memory.as_str()), ("4", "16Gi"));
        let r = default_resources(Some(params("8B")), one, node_size("g6.8xlarge"));
        assert_eq!((r.cpu.as_str(), r.memory.as_str()), ("4", "24Gi"));
        let r = default_resources(Some(params("32B")), four, node_size("g5.12xlarge"));
        assert_eq!((r.cpu.as_str(), r.memory.as_str()), ("16", "68Gi"));
        // Bounded by a g6.xlarge (4 vCPU, 16 GiB).
        let r = default_resources(Some(params("8B")), one, node_size("g6.xlarge"));
        assert_eq!((r.cpu.as_str(), r.memory.as_str()), ("2", "11Gi"));
    }

    #[test]
    fn replicas_fit_whole_pods_per_node() {
        // Two 3-GPU pods never share a 4-GPU node.
        assert_eq!(replicas_that_fit(Layout::single(3), 2, 4), 2);
        assert_eq!(replicas_that_fit(Layout::single(2), 2, 4), 4);
        // A replica of two pods (LeaderWorkerSet) takes two nodes.
        let lws = Layout {
            pods: 2,
            gpus_per_pod: 4,
            shards: 1,
        };
        assert_eq!(replicas_that_fit(lws, 5, 4), 2);
        assert_eq!(replicas_that_fit(Layout::single(0), 0, 0), u32::MAX);
    }

    #[test]
    fn quantities_have_values() {
        let v = |s: &str| quantity_value(&Quantity::parse(s).unwrap()).unwrap();
        assert_eq!(v("500m"), 0.5);
        assert_eq!(v("16Gi"), 16.0 * 1024f64.powi(3));
        assert_eq!(v("1e3"), 1000.0);
        assert_eq!(v("2"), 2.0);
    }

    #[test]
    fn autoscaling_needs_3_4_and_startup_grows_with_size() {
        use RhoaiVersion::*;
        for v in [V3_0, V3_2, V3_3] {
            assert!(!supports_autoscaling(v), "{v:?}");
        }
        assert!(supports_autoscaling(V3_4));
        assert!(supports_autoscaling(V3_5));
        assert!(!supports_multi_node_pipeline(V3_5));
        assert_eq!(default_startup_seconds(None), 600);
        assert_eq!(default_startup_seconds(Some(params("8B"))), 600);
        assert_eq!(default_startup_seconds(Some(params("70B"))), 1700);
        assert_eq!(startup_failure_threshold(1700), 170);
        assert_eq!(vllm_engine(V3_0), VllmEngine::V1);
        assert_eq!(vllm_engine(V3_5), VllmEngine::V1);
    }
}
