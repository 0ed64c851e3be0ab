//! Serving rules (issue 17): parallelism and where it lands, GPU memory per
//! GPU with KV-cache headroom, the context length, resources against one
//! node, credentials by reference only, runtime knobs.

use super::Checker;
use crate::catalog::instance_types::node_size;
use crate::catalog::operators::OperatorKind;
use crate::diagnostic::{Code, Diagnostic};
use crate::input::{CredentialsInput, ModelInput, SpecInput};
use crate::model::serving::{self as sv, Layout, LayoutError, SecretKeyRef};
use crate::model::*;
use crate::source::Sp;

/// Env names vLLM, huggingface_hub and the storage initializer read a
/// Hugging Face token from.
const TOKEN_ENV: &[&str] = &["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HUGGINGFACE_TOKEN"];

/// vLLM flags that maasc sets from typed fields: writing them in `args`
/// would contradict the field.
const OWNED_ARGS: &[(&str, &str)] = &[
    ("--tensor-parallel-size", "parallelism.tensor"),
    ("--pipeline-parallel-size", "parallelism.pipeline"),
    ("--data-parallel-size", "parallelism.data"),
    ("--max-model-len", "maxModelLen"),
    ("--gpu-memory-utilization", "gpuMemoryUtilization"),
];

/// Model-level serving knobs, checked.
pub(crate) struct Knobs {
    pub parallelism: Parallelism,
    /// False when the parallelism was refused: nothing is checked against it.
    pub parallelism_ok: bool,
    pub credentials: Credentials,
    pub max_model_len: Option<u32>,
    pub gpu_memory_utilization: Option<f64>,
    pub startup_seconds: u64,
    /// Valid replica bounds (min, max) from `scaling`; min == max is a
    /// fixed count.
    pub scaling: Option<(u32, u32)>,
}

pub(crate) fn knobs(
    c: &mut Checker<'_>,
    m: &Sp<ModelInput>,
    gpus: u32,
    parameters: Option<Parameters>,
) -> Knobs {
    inline_secrets(c, m);
    let errors = c.diags.error_count();
    let parallelism = parallelism(c, m, gpus);
    let parallelism_ok = c.diags.error_count() == errors;
    for arg in &m.args {
        let flag = arg.split('=').next().unwrap_or_default();
        let flag = flag.replace('_', "-");
        if let Some((_, field)) = OWNED_ARGS.iter().find(|(f, _)| *f == flag) {
            let asked = match *field {
                "maxModelLen" => m.max_model_len.is_some(),
                "gpuMemoryUtilization" => m.gpu_memory_utilization.is_some(),
                _ => true,
            };
            if asked {
                c.error(
                    Code::InvalidValue,
                    m.name.span,
                    format!(
                        "model `{}` passes `{flag}` in `args`, which maasc sets from `{field}`",
                        m.name.value
                    ),
                    format!("remove `{flag}` from `args` and set `{field}`"),
                );
            }
        }
    }
    let gpu_memory_utilization = m.gpu_memory_utilization.as_ref().and_then(|u| {
        if u.value > 0.0 && u.value <= 1.0 {
            Some(u.value)
        } else {
            c.error(
                Code::InvalidValue,
                u.span,
                format!(
                    "gpuMemoryUtilization {} of model `{}` is not in (0, 1]",
                    u.value, m.name.value
                ),
                "vLLM's default is 0.9; lower it to leave GPU memory to other processes",
            );
            None
        }
    });
    let max_model_len = m.max_model_len.as_ref().and_then(|l| {
        if l.value == 0 {
            c.error(
                Code::InvalidValue,
                l.span,
                format!("maxModelLen of model `{}` is 0", m.name.value),
                "give the longest context in tokens, e.g. 8192",
            );
            None
        } else {
            Some(l.value)
        }
    });
    let startup_seconds = match &m.startup_timeout {
        Some(raw) => c
            .window(raw)
            .map(|w| w.seconds())
            .unwrap_or(sv::MIN_STARTUP_SECONDS),
        None => sv::default_startup_seconds(parameters),
    };
    let scaling = m.scaling.as_ref().and_then(|s| scaling(c, m, s));
    Knobs {
        parallelism,
        parallelism_ok,
        credentials: credentials(c, m.credentials.as_ref()),
        max_model_len,
        gpu_memory_utilization,
        startup_seconds,
        scaling,
    }
}

/// `scaling: {minReplicas, maxReplicas}` on its own: bounds in order, not
/// beside `replicas`, and never down to zero (E075: `minReplicas` ≥ 1 in
/// every CRD that has `spec.scaling`).
fn scaling(
    c: &mut Checker<'_>,
    m: &Sp<ModelInput>,
    s: &Sp<crate::input::ScalingInput>,
) -> Option<(u32, u32)> {
    let (min, max) = (s.min_replicas.value, s.max_replicas.value);
    let name = &m.name.value;
    if let Some(r) = &m.replicas {
        c.error(
            Code::InvalidValue,
            r.span,
            format!("model `{name}` sets both `replicas` and `scaling`"),
            "keep one: `replicas: N` for a fixed count, or `scaling: {minReplicas, maxReplicas}`",
        );
        return None;
    }
    if max == 0 || min > max {
        c.error(
            Code::InvalidValue,
            s.span,
            format!("scaling of model `{name}` has minReplicas {min} and maxReplicas {max}"),
            "maxReplicas must be at least 1 and at least minReplicas",
        );
        return None;
    }
    if min < sv::MIN_AUTOSCALED_REPLICAS {
        c.error(
            Code::ScaleToZero,
            s.min_replicas.span,
            format!(
                "model `{name}` asks to scale to zero, which no OpenShift AI version can: `spec.scaling.minReplicas` (3.4, 3.5) is at least 1, and 3.0–3.3 have no `spec.scaling`"
            ),
            format!(
                "set `minReplicas: 1` (autoscaling 1–{max} needs OpenShift AI 3.4+), or `replicas: 0` to stop the model"
            ),
        );
        return None;
    }
    Some((min, max))
}

/// Where a model's `scaling` meets one cluster: autoscaling (min < max)
/// needs OpenShift AI 3.4+ (E076). What it needs there besides is checked
/// once the clusters are complete (`autoscaling_prerequisites`).
pub(crate) fn check_scaling_on(
    c: &mut Checker<'_>,
    m: &Sp<ModelInput>,
    knobs: &Knobs,
    cluster: &Cluster,
) {
    let (Some((min, max)), Some(s)) = (knobs.scaling, &m.scaling) else {
        return;
    };
    if min == max {
        return;
    }
    let name = &m.name.value;
    let version = cluster.version;
    if !sv::supports_autoscaling(version) {
        c.error(
            Code::AutoscalingNeedsVersion,
            s.span,
            format!(
                "model `{name}` autoscales between {min} and {max} replicas, but cluster `{}` runs OpenShift AI {}, whose LLMInferenceService has no `spec.scaling` (it comes with 3.4)",
                cluster.name,
                version.as_str()
            ),
            format!(
                "fix the count (`minReplicas: {max}, maxReplicas: {max}`, or `replicas: {max}`), or upgrade cluster `{}` to OpenShift AI 3.4",
                cluster.name
            ),
        );
    }
}

/// What an autoscaled model needs on its cluster, known once the models,
/// the clusters' model overrides and their observability are checked.
/// KServe turns `spec.scaling` into a KEDA ScaledObject whose trigger reads
/// Thanos with the ClusterTriggerAuthentication `ai-inference-keda-thanos`
/// (red-hat-data-services/kserve @c1e1509 / @2505c73,
/// `config/overlays/odh/patches/inferenceservice-config-patch.yaml`): the
/// Custom Metrics Autoscaler operator is implied (plan emits it, its
/// KedaController and that authentication), E078 where the cluster
/// disables it. The workload-variant-autoscaler reads vLLM's metrics from
/// Thanos, which has them only with user-workload monitoring: W135 where
/// maasc does not turn it on.
pub(crate) fn autoscaling_prerequisites(
    c: &mut Checker<'_>,
    spec: &SpecInput,
    models: &[Model],
    clusters: &mut [Cluster],
) {
    let kind = OperatorKind::CustomMetricsAutoscaler;
    for (input, cluster) in super::paired(&spec.clusters, clusters) {
        let settings = input.operators.custom_metrics_autoscaler.as_ref();
        let mut needed = false;
        for mi in &spec.models {
            let Some(m) = models.iter().find(|m| {
                m.name.as_str() == mi.name.value
                    && m.namespace.as_str() == super::models::namespace_of(mi)
            }) else {
                continue;
            };
            let (Some((min, max)), Some(s)) = (cluster.autoscaled(m), &mi.scaling) else {
                continue;
            };
            needed = true;
            let name = &m.name;
            if !cluster.has_operator(kind) && settings.is_some() {
                c.error(
                    Code::AutoscalingNeedsKeda,
                    s.span,
                    format!(
                        "model `{name}` autoscales between {min} and {max} replicas on cluster `{}`, which disables the Custom Metrics Autoscaler operator: KServe's KEDA ScaledObject has no CRD there, and the LLMInferenceService stays NotReady (ScalingCRDNotFound)",
                        cluster.name
                    ),
                    format!(
                        "remove `enabled: false` from `operators.customMetricsAutoscaler` of cluster `{}`, or fix the count (`minReplicas: {max}, maxReplicas: {max}`)",
                        cluster.name
                    ),
                );
            }
            let user_workload = cluster
                .observability
                .as_ref()
                .is_some_and(|o| o.cluster_monitoring_config.is_some());
            if !user_workload {
                c.warning(
                    Code::AutoscalingPrerequisites,
                    s.span,
                    format!(
                        "model `{name}` autoscales on cluster `{}`: the workload-variant-autoscaler computes its replicas from vLLM's metrics in Thanos, which has them only with user-workload monitoring, and maasc does not turn it on there (it owns no `cluster-monitoring-config`)",
                        cluster.name
                    ),
                    "make sure `enableUserWorkload: true` is in openshift-monitoring's `cluster-monitoring-config`, or let maasc own it: `observability: {enabled: true, manageClusterMonitoringConfig: true}`",
                );
            }
        }
        // Implied, unless listed (then `operators` added it, or it is
        // disabled and the error above says so).
        if needed && settings.is_none() {
            let sub =
                super::versions::subscription(c, kind, None, Some(cluster.version), &input.name);
            cluster.operators.insert(kind, sub);
        }
    }
}

/// Resolves `parallelism` against `gpus`: tensor × pipeline must be the
/// model's GPUs per replica.
fn parallelism(c: &mut Checker<'_>, m: &Sp<ModelInput>, gpus: u32) -> Parallelism {
    let Some(p) = &m.parallelism else {
        return Parallelism {
            tensor: gpus.max(1),
            ..Parallelism::NONE
        };
    };
    let pipeline = p.pipeline.as_ref().map_or(1, |v| v.value);
    let data = p.data.as_ref().map_or(1, |v| v.value);
    let tensor = p
        .tensor
        .as_ref()
        .map_or(gpus.max(1) / pipeline.max(1), |v| v.value);
    for (what, v) in [
        ("tensor", &p.tensor),
        ("pipeline", &p.pipeline),
        ("data", &p.data),
    ] {
        if let Some(v) = v
            && v.value == 0
        {
            c.error(
                Code::InvalidValue,
                v.span,
                format!("parallelism.{what} of model `{}` is 0", m.name.value),
                "parallelism sizes start at 1",
            );
        }
    }
    let resolved = Parallelism {
        tensor: tensor.max(1),
        pipeline: pipeline.max(1),
        data: data.max(1),
    };
    if gpus == 0 {
        if resolved != Parallelism::NONE {
            c.error(
                Code::ParallelismMismatch,
                p.span,
                format!(
                    "model `{}` uses no GPUs but asks for parallelism",
                    m.name.value
                ),
                "parallelism splits a model over GPUs: remove it, or give the model `gpus`",
            );
        }
        return Parallelism::NONE;
    }
    if resolved.gpus_per_copy() != gpus {
        c.error(
            Code::ParallelismMismatch,
            p.span,
            format!(
                "model `{}` asks for tensor {} × pipeline {} = {} GPUs per replica, but for `gpus: {gpus}`",
                m.name.value,
                resolved.tensor,
                resolved.pipeline,
                resolved.gpus_per_copy()
            ),
            "make tensor × pipeline equal `gpus` (data-parallel ranks each get `gpus` GPUs)",
        );
    }
    resolved
}

/// Credentials: Secret references only.
pub(crate) fn credentials(c: &mut Checker<'_>, input: Option<&CredentialsInput>) -> Credentials {
    let Some(input) = input else {
        return Credentials::default();
    };
    let secret_name = |c: &mut Checker<'_>, raw: &Sp<String>| -> Option<String> {
        match check_dns_subdomain(&raw.value) {
            Ok(()) => Some(raw.value.clone()),
            Err(e) => {
                c.error(
                    Code::InvalidName,
                    raw.span,
                    format!("Secret name `{}` {e}", raw.value),
                    "name an existing Secret in the model's namespace",
                );
                None
            }
        }
    };
    let hugging_face_token = input.hugging_face_token_secret.as_ref().and_then(|r| {
        let name = secret_name(c, &r.name)?;
        let key = match &r.key {
            Some(k) => {
                let ok = !k.value.is_empty()
                    && k.value.len() <= 253
                    && k.value
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || "-._".contains(ch));
                if !ok {
                    c.error(
                        Code::InvalidValue,
                        k.span,
                        format!("`{}` is not a Secret key", k.value),
                        "Secret keys are letters, digits, `-`, `_` and `.`",
                    );
                    return None;
                }
                k.value.clone()
            }
            None => sv::DEFAULT_HF_TOKEN_KEY.to_string(),
        };
        Some(SecretKeyRef { name, key })
    });
    let image_pull_secrets = input.image_pull_secrets.as_ref().map(|list| {
        let mut names: Vec<String> = list.iter().filter_map(|n| secret_name(c, n)).collect();
        names.sort();
        names.dedup();
        names
    });
    Credentials {
        hugging_face_token,
        image_pull_secrets,
    }
}

/// A token written into `env` or `args` (E052); the value is never printed.
fn inline_secrets(c: &mut Checker<'_>, m: &Sp<ModelInput>) {
    let mut found: Vec<String> = Vec::new();
    for (k, v) in &m.env {
        if TOKEN_ENV.contains(&k.as_str()) || looks_like_hf_token(v) {
            found.push(format!("env `{k}`"));
        }
    }
    for (i, a) in m.args.iter().enumerate() {
        let flag = a.split('=').next().unwrap_or_default().replace('_', "-");
        if flag == "--hf-token" || looks_like_hf_token(a) {
            found.push(format!("args[{i}]"));
        }
    }
    for what in found {
        let d = Diagnostic::error(
            Code::InlineSecret,
            c.file,
            m.name.span,
            format!(
                "model `{}` has a Hugging Face token in {what}: tokens never go into maas.yaml",
                m.name.value
            ),
        )
        .with_hint(
            "store it in a Secret and reference it: `credentials: {huggingFaceTokenSecret: {name: hf-token, key: HF_TOKEN}}`",
        )
        .redacted();
        c.diags.push(d);
    }
}

/// `hf_` followed by at least 30 letters and digits: the Hugging Face
/// user access token format.
fn looks_like_hf_token(s: &str) -> bool {
    s.match_indices("hf_").any(|(i, _)| {
        let rest = &s[i + 3..];
        rest.chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count()
            >= 30
    })
}

/// What one cluster's pool means for a GPU model: where the parallelism
/// lands (E016, E050, E051), whether the weights fit each GPU (E017), the
/// context (W120) and the pod's resources (E053).
pub(crate) struct OnPool<'a> {
    pub m: &'a Sp<ModelInput>,
    pub gpus: u32,
    pub parameters: Option<Parameters>,
    pub knobs: &'a Knobs,
    pub cpu: Option<&'a Quantity>,
    pub memory: Option<&'a Quantity>,
}

pub(crate) fn check_on_pool(
    c: &mut Checker<'_>,
    on: &OnPool<'_>,
    pool: &MachinePool,
    cluster: &Cluster,
) {
    let m = on.m;
    let span = m.gpus.as_ref().map(|g| g.span).unwrap_or(m.name.span);
    let p = on.knobs.parallelism;
    if !on.knobs.parallelism_ok {
        return;
    }
    let layout = if on.gpus == 0 {
        Layout::single(0)
    } else {
        match sv::layout(p, pool.instance.gpus) {
            Ok(l) => l,
            Err(LayoutError::ExceedsNode { per_pod, node_gpus }) => {
                c.error(
                    Code::GpusExceedNode,
                    span,
                    format!(
                        "model `{}` asks for {per_pod} GPUs per pod but one {} node of pool `{}` on cluster `{}` has {node_gpus}",
                        m.name.value, pool.instance_type, pool.name, cluster.name
                    ),
                    "ask for at most as many GPUs as one node has (scale out with `parallelism.data`), or use a larger instance type",
                );
                return;
            }
            Err(LayoutError::PipelineWithData) => {
                c.error(
                    Code::ParallelismMismatch,
                    m.parallelism.as_ref().map_or(span, |p| p.span),
                    format!(
                        "model `{}` combines pipeline and data parallelism across nodes",
                        m.name.value
                    ),
                    "KServe's multi-node presets run either data-parallel ranks or pipeline stages: pick one",
                );
                return;
            }
        }
    };
    if layout.shards > 1 && !sv::supports_multi_node_pipeline(cluster.version) {
        c.error(
            Code::GpusExceedNode,
            span,
            format!(
                "model `{}` needs {} GPUs per replica, more than one {} node of pool `{}` on cluster `{}` has ({}), and the target's KServe cannot spread pipeline stages over nodes",
                m.name.value,
                p.gpus_per_copy(),
                pool.instance_type,
                pool.name,
                cluster.name,
                pool.instance.gpus
            ),
            "KServe's pipeline-parallel worker preset is not shipped (not a well-known LLMInferenceServiceConfig): fit one copy of the weights on one node (a larger instance type, or a quantized model), and scale out with `parallelism.data`",
        );
        return;
    }
    if layout.multi_node() && !cluster.has_operator(OperatorKind::LeaderWorkerSet) {
        c.error(
            Code::MultiNodeNeedsLws,
            m.parallelism.as_ref().map_or(span, |p| p.span),
            format!(
                "model `{}` spreads each replica over {} nodes of pool `{}`, which needs LeaderWorkerSet, but cluster `{}` disables it",
                m.name.value, layout.pods, pool.name, cluster.name
            ),
            "remove `leaderWorkerSet: {enabled: false}` from the cluster's operators, or fit the model on one node",
        );
    }
    check_replicas_fit(c, on, layout, pool, cluster);
    if let (Some(params), Some(acc)) = (on.parameters, pool.instance.accelerator)
        && on.gpus > 0
    {
        let util = on
            .knobs
            .gpu_memory_utilization
            .unwrap_or(sv::DEFAULT_GPU_MEMORY_UTILIZATION);
        let fit = sv::GpuFit::new(params, p, acc, util);
        let size = m
            .parameters
            .as_ref()
            .map(|p| p.value.to_string())
            .unwrap_or_default();
        if !fit.fits() {
            c.error(
                Code::ModelTooLarge,
                m.parameters.as_ref().map(|p| p.span).unwrap_or(span),
                format!(
                    "model `{}` ({size}) puts {:.1} GiB of fp16 weights on each of its {} GPU(s) (tensor {} × pipeline {}); with 20% headroom that needs {:.1} GiB, but {util} × {} GiB of one {} is {:.1} GiB (cluster `{}`)",
                    m.name.value,
                    fit.weights_per_gpu,
                    p.gpus_per_copy(),
                    p.tensor,
                    p.pipeline,
                    fit.weights_per_gpu * 1.2,
                    acc.memory_gib,
                    acc.short,
                    fit.usable_per_gpu,
                    cluster.name
                ),
                "ask for more GPUs (tensor parallelism follows `gpus`), pick a pool with larger GPUs, or serve a smaller or quantized model",
            );
        } else if let Some(len) = on.knobs.max_model_len
            && let Some(fits) = sv::context_shortfall(&fit, params, len)
        {
            c.warning(
                Code::ContextTooLong,
                m.max_model_len.as_ref().map_or(span, |l| l.span),
                format!(
                    "model `{}` ({size}) asks for a {len}-token context, but about {:.1} GiB of KV cache is left after the weights on {} × {} (cluster `{}`): roughly {fits} tokens fit",
                    m.name.value,
                    fit.kv_cache_gib,
                    p.gpus_per_copy(),
                    acc.short,
                    cluster.name
                ),
                "lower `maxModelLen`, raise `gpuMemoryUtilization`, or add GPUs",
            );
        }
    }
    check_resources(c, on, pool, cluster);
}

/// `scaling`'s bounds against the GPUs the pool can ever have (its max
/// nodes × GPUs per node, whole pods per node): a floor that cannot fit is
/// E077, a ceiling that cannot W136.
fn check_replicas_fit(
    c: &mut Checker<'_>,
    on: &OnPool<'_>,
    layout: Layout,
    pool: &MachinePool,
    cluster: &Cluster,
) {
    let (Some((min, max)), Some(s)) = (on.knobs.scaling, &on.m.scaling) else {
        return;
    };
    if layout.gpus_per_pod == 0 {
        return;
    }
    let nodes = pool.max_nodes();
    let fit = sv::replicas_that_fit(layout, nodes, pool.instance.gpus);
    let per_replica = layout.pods * layout.gpus_per_pod;
    let said = |n: u32| {
        format!(
            "{n} replica(s) of model `{}` need {} GPUs ({} per replica), but pool `{}` on cluster `{}` has at most {nodes} {} node(s) × {} GPUs: {fit} replica(s) fit",
            on.m.name.value,
            n.saturating_mul(per_replica),
            per_replica,
            pool.name,
            cluster.name,
            pool.instance_type,
            pool.instance.gpus,
        )
    };
    if min > fit {
        c.error(
            Code::ScalingExceedsPool,
            s.min_replicas.span,
            said(min),
            format!("lower `minReplicas` to at most {fit}, or let pool `{}` grow (more nodes or zones, or a larger `autoscale.max`)", pool.name),
        );
    } else if max > fit {
        c.warning(
            Code::ScalingMaxExceedsPool,
            s.max_replicas.span,
            said(max),
            format!("lower `maxReplicas` to {fit}, or let pool `{}` grow: the replicas beyond {fit} would stay Pending", pool.name),
        );
    }
}

/// Explicit requests fit one node of the pool (E053); default requests are
/// bounded by the node when plan derives them.
fn check_resources(c: &mut Checker<'_>, on: &OnPool<'_>, pool: &MachinePool, cluster: &Cluster) {
    let Some(node) = node_size(&pool.instance_type) else {
        return;
    };
    let a = sv::allocatable(node);
    let m = on.m;
    let resources = m.resources.as_ref();
    // (resource, asked, where, asked in base units, what the node gives, in
    // base units and as said, what the node has)
    let rows = [
        (
            "CPU",
            on.cpu,
            resources.and_then(|r| r.cpu.as_ref()),
            1.0,
            a.millicores as f64 / 1000.0,
            format!("{:.1} CPU", a.millicores as f64 / 1000.0),
            format!("{} vCPUs", node.vcpus),
        ),
        (
            "memory",
            on.memory,
            resources.and_then(|r| r.memory.as_ref()),
            1024f64.powi(3),
            a.memory_mib as f64 / 1024.0,
            format!("{:.0} GiB", a.memory_mib as f64 / 1024.0),
            format!("{} GiB", node.memory_gib),
        ),
    ];
    for (what, asked, raw, unit, gives, gives_said, has) in rows {
        let Some(value) = asked.and_then(sv::quantity_value) else {
            continue;
        };
        if value / unit > gives {
            c.error(
                Code::ResourcesExceedNode,
                raw.map_or(m.name.span, |q| q.span),
                format!(
                    "model `{}` requests {} of {what}, but one {} node of pool `{}` on cluster `{}` can give a pod about {gives_said} ({has} less system reservations)",
                    m.name.value,
                    asked.map(Quantity::as_str).unwrap_or_default(),
                    pool.instance_type,
                    pool.name,
                    cluster.name,
                ),
                format!("request less {what}, or use a larger instance type"),
            );
        }
    }
}
