//! The LLMInferenceService of one model on one cluster (issue 17): vLLM
//! flags and environment, parallelism and its worker pods, resources,
//! credentials and probes. Decisions only; the template writes them.

use std::collections::BTreeMap;

use super::components::{
    POOL_LABEL, SIMULATOR_IMAGE, SIMULATOR_PLACEHOLDER_URI, VLLM_CPU_IMAGE, display_annotations,
    plain_env, strings, taint,
};
use super::objects::{self as o, PlannedObject, StringMap};
use crate::catalog::instance_types::{T4, node_size};
use crate::model::serving::{self as sv, Layout, VllmEngine};
use crate::model::*;

/// Why `--enable-force-include-usage` is set (also in the README).
const USAGE_NOTE: &[&str] = &[
    "--enable-force-include-usage: token limits count the `usage` of each",
    "response; vLLM sends none in a streamed response unless the client asks",
    "(stream_options.include_usage), so streamed tokens would go uncounted.",
];

/// Whether a token limit applies to the model on the cluster: every tier of
/// the subscription era has a token quota; in the tier era, a tier of the
/// model with a token limit (overrides applied).
fn behind_token_limits(platform: &Platform, cluster: &Cluster, m: &Model) -> bool {
    cluster.api == MaasApi::Subscriptions
        || m.tiers.iter().any(|t| {
            platform
                .tier(t)
                .is_some_and(|tier| platform.limits_on(tier, cluster).tokens.is_some())
        })
}

/// T4 (Turing, compute capability 7.5) settings for the target's vLLM engine.
fn t4_settings(
    engine: VllmEngine,
) -> (
    Vec<(&'static str, &'static str)>,
    Vec<&'static str>,
    &'static [&'static str],
) {
    match engine {
        VllmEngine::V0 => (
            vec![
                ("VLLM_USE_V1", "0"),
                ("VLLM_ATTENTION_BACKEND", "XFORMERS"),
                ("VLLM_USE_TRITON_FLASH_ATTN", "0"),
            ],
            vec!["--dtype=float16"],
            &[
                "T4 (Turing): no bf16, so fp16; the XFORMERS attention backend",
                "exists only in vLLM's V0 engine, selected with VLLM_USE_V1=0.",
            ],
        ),
        VllmEngine::V1 => (
            vec![
                ("VLLM_ATTENTION_BACKEND", "FLASH_ATTN"),
                ("VLLM_USE_TRITON_FLASH_ATTN", "false"),
                ("VLLM_WORKER_MULTIPROC_METHOD", "spawn"),
            ],
            vec!["--dtype=float16", "--enforce-eager"],
            &[
                "T4 (Turing): no bf16, so fp16. The target's vLLM runs the V1 engine,",
                "which has no XFORMERS backend; Triton kernel compilation fails on T4,",
                "so Triton flash attention is off and --enforce-eager skips CUDA graph",
                "capture (the ODH qwen3 T4 sample's settings).",
            ],
        ),
    }
}

/// The LLMInferenceService of a model served on the cluster (`None` for an
/// external one, which gets an ExternalModel instead).
pub(super) fn inference_service(
    platform: &Platform,
    cluster: &Cluster,
    m: &Model,
) -> Option<PlannedObject> {
    if m.serving.external().is_some() {
        return None;
    }
    let pool = m.serving.pool().and_then(|p| cluster.pool(p));
    let simulator = matches!(m.serving, Serving::Simulator { .. });
    let gpus = m.serving.gpus();
    let on_t4 = pool.and_then(|p| p.instance.accelerator) == Some(T4);
    let p = m.parallelism;
    let layout = match (gpus, pool) {
        (0, _) | (_, None) => Layout::single(gpus),
        // Check refused every layout that fails.
        (_, Some(pool)) => sv::layout(p, pool.instance.gpus).unwrap_or(Layout::single(gpus)),
    };
    let credentials = m.credentials.or(&cluster.credentials);
    let mut env: BTreeMap<String, o::ContainerEnv> = m
        .env
        .iter()
        .map(|(k, v)| (k.clone(), plain_env(k, v)))
        .collect();
    let mut args = m.args.clone();
    let mut command = Vec::new();
    let mut image = m.image.clone();
    let mut notes: Vec<String> = Vec::new();
    let mut startup_probe = None;
    match m.serving {
        // External models returned above.
        Serving::Gpu { .. } | Serving::Cpu { .. } | Serving::External(_) => {
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
                let (vars, flags, why) = t4_settings(sv::vllm_engine(cluster.version));
                for (k, v) in vars {
                    env.entry(k.to_string()).or_insert_with(|| plain_env(k, v));
                }
                for flag in flags {
                    let name = flag.split('=').next().unwrap_or(flag);
                    if !args.iter().any(|a| a.starts_with(name)) {
                        args.push(flag.to_string());
                    }
                }
                notes.extend(why.iter().map(|s| s.to_string()));
            }
            // RHOAI's single-node preset (red-hat-data-services/kserve
            // config-llm-template.yaml) runs `vllm serve … ${VLLM_ADDITIONAL_ARGS}`
            // without `--tensor-parallel-size`, whatever `spec.parallelism`
            // says; the multi-node data-parallel preset passes it.
            if !layout.multi_node() {
                if p.tensor > 1 {
                    args.push(format!("--tensor-parallel-size={}", p.tensor));
                }
                if p.pipeline > 1 {
                    args.push(format!("--pipeline-parallel-size={}", p.pipeline));
                }
            }
            if let Some(len) = m.max_model_len {
                args.push(format!("--max-model-len={len}"));
            }
            if let Some(u) = m.gpu_memory_utilization {
                args.push(format!("--gpu-memory-utilization={u}"));
            }
            if behind_token_limits(platform, cluster, m) {
                args.push("--enable-force-include-usage".to_string());
                notes.extend(USAGE_NOTE.iter().map(|s| s.to_string()));
            }
            if !args.is_empty() {
                let name = "VLLM_ADDITIONAL_ARGS";
                env.insert(name.into(), plain_env(name, &args.join(" ")));
            }
            args.clear();
            if let Some(token) = &credentials.hugging_face_token {
                // KServe copies `HF_TOKEN` of the main container to the
                // storage initializer (llmisvc workload_storage.go).
                env.insert(
                    "HF_TOKEN".into(),
                    o::ContainerEnv {
                        name: "HF_TOKEN".into(),
                        secret_name: Some(token.name.clone()),
                        secret_key: Some(token.key.clone()),
                        ..Default::default()
                    },
                );
            }
            startup_probe = Some(o::StartupProbe {
                failure_threshold: sv::startup_failure_threshold(m.startup_seconds),
                period_seconds: sv::STARTUP_PERIOD_SECONDS,
            });
        }
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
                        field_path: Some(path.to_string()),
                        ..Default::default()
                    },
                );
            }
        }
    }
    let resources = resources(m, layout, pool);
    let mut annotations = display_annotations(&m.display_name, &m.description);
    if cluster.api == MaasApi::Tiers {
        let tiers: Vec<&str> = m.tiers.iter().map(TierName::as_str).collect();
        annotations.insert(
            "alpha.maas.opendatahub.io/tiers".to_string(),
            serde_json::to_string(&tiers).expect("strings serialize"),
        );
    }
    let replicas = cluster.replicas_of(m);
    let scaling = cluster.autoscaled(m).map(|(min, max)| o::LlmScaling {
        min_replicas: min,
        max_replicas: max,
    });
    let parallelism = (gpus > 0 && p != Parallelism::NONE).then(|| o::LlmParallelism {
        tensor: p.tensor,
        pipeline: (p.pipeline > 1).then_some(p.pipeline),
        data: (p.data > 1).then_some(p.data),
        data_local: (p.data > 1).then_some(1),
    });
    let facts = cluster.version.facts();
    // Before 3.4 there is no `storageInitializer` to switch off: the
    // simulator gets a tiny placeholder to download.
    let placeholder_uri = simulator && !facts.storage_initializer;
    let context = o::LlmInferenceService {
        annotations,
        uri: if placeholder_uri {
            SIMULATOR_PLACEHOLDER_URI.to_string()
        } else {
            m.uri.clone()
        },
        served_name: m.served_name.clone(),
        replicas,
        scaling,
        gateway: {
            let gw = platform.gateway_of(m);
            o::ModelRef {
                name: gw.name.clone(),
                namespace: gw.namespace.to_string(),
            }
        },
        scheduler: matches!(m.serving, Serving::Gpu { .. }),
        storage_initializer: !simulator || !facts.storage_initializer,
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
        parallelism,
        worker: layout.multi_node(),
        image_pull_secrets: credentials.image_pull_secrets.unwrap_or_default(),
        startup_probe,
        notes,
        placeholder_uri,
    };
    // The storage version of the cluster's release (fact sheet §A.3).
    let (ns, name) = (m.namespace.as_str(), m.name.as_str());
    Some(if facts.llmis_api_version == "serving.kserve.io/v1alpha2" {
        PlannedObject::namespaced(ns, name, o::LlmInferenceServiceV1alpha2(context))
    } else {
        PlannedObject::namespaced(ns, name, context)
    })
}

/// Container resources of each pod: explicit ones win, field by field;
/// the simulator needs little; vLLM's follow the model and the node.
fn resources(m: &Model, layout: Layout, pool: Option<&MachinePool>) -> StringMap {
    let (cpu, memory) = match m.serving {
        Serving::Simulator { .. } => ("100m".to_string(), "256Mi".to_string()),
        Serving::Gpu { .. } | Serving::Cpu { .. } | Serving::External(_) => {
            let node = pool.and_then(|p| node_size(&p.instance_type));
            let d = sv::default_resources(m.parameters, layout, node);
            (d.cpu.to_string(), d.memory.to_string())
        }
    };
    let mut resources = StringMap::from([
        (
            "cpu".to_string(),
            m.cpu.as_ref().map_or(cpu, Quantity::to_string),
        ),
        (
            "memory".to_string(),
            m.memory.as_ref().map_or(memory, Quantity::to_string),
        ),
    ]);
    if layout.gpus_per_pod > 0 {
        resources.insert(
            "nvidia.com/gpu".to_string(),
            layout.gpus_per_pod.to_string(),
        );
    }
    resources
}
