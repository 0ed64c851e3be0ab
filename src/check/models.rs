//! Models: names, references to tiers, pools and clusters, and whether the
//! model fits the GPUs it asks for.

use super::{Checker, serving, suggest};
use crate::diagnostic::Code;
use crate::input::{ModelInput, Runtime};
use crate::model::*;
use crate::source::Sp;

const URI_SCHEMES: &[&str] = &["hf://", "oci://", "pvc://", "s3://"];

/// Names as declared in the input, valid or not, so that one bad
/// definition does not also turn every reference to it into an error.
pub(crate) struct Declared {
    /// Cluster name → its pool names.
    pub clusters: Vec<(String, Vec<String>)>,
    pub tiers: Vec<String>,
    /// The additional tenants of `maas.tenants`.
    pub tenants: Vec<String>,
}

impl Declared {
    pub(super) fn from_spec(spec: &crate::input::SpecInput) -> Declared {
        Declared {
            clusters: spec
                .clusters
                .iter()
                .map(|c| {
                    (
                        c.name.value.clone(),
                        c.machine_pools
                            .iter()
                            .map(|p| p.name.value.clone())
                            .collect(),
                    )
                })
                .collect(),
            tiers: spec.tiers.iter().map(|t| t.name.value.clone()).collect(),
            tenants: spec
                .maas
                .tenants
                .iter()
                .map(|t| t.name.value.clone())
                .collect(),
        }
    }
}

pub(crate) fn check(
    c: &mut Checker<'_>,
    input: &[Sp<ModelInput>],
    declared: &Declared,
    clusters: &[Cluster],
) -> Vec<Model> {
    c.unique(
        "model",
        input
            .iter()
            .map(|m| (format!("{}/{}", namespace_of(m), m.name.value), m.name.span)),
    );
    c.unique(
        "served model name",
        input.iter().map(|m| {
            let served = m.model_name.clone().unwrap_or_else(|| m.name.value.clone());
            (format!("{}/{}", namespace_of(m), served), m.name.span)
        }),
    );
    let mut models: Vec<Model> = input
        .iter()
        .filter_map(|m| check_model(c, m, declared, clusters))
        .collect();
    models.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    models
}

/// The namespace a model input names, or the default `llm`.
pub(crate) fn namespace_of(m: &ModelInput) -> String {
    m.namespace
        .as_ref()
        .map(|n| n.value.clone())
        .unwrap_or_else(|| DEFAULT_NAMESPACE.into())
}

const DEFAULT_NAMESPACE: &str = "llm";

fn check_model(
    c: &mut Checker<'_>,
    m: &Sp<ModelInput>,
    declared: &Declared,
    clusters: &[Cluster],
) -> Option<Model> {
    let name = c.name("model name", &m.name, ModelName::parse);
    let namespace = match &m.namespace {
        Some(ns) => c
            .name("namespace", ns, NamespaceName::parse)
            .filter(|_| super::tenant::model_namespace(c, ns)),
        None => NamespaceName::parse(DEFAULT_NAMESPACE).ok(),
    };
    let external = match (&m.uri, &m.external) {
        (Some(uri), None) => {
            check_uri(c, uri);
            None
        }
        (None, Some(e)) => Some(super::external::check(c, m, e)),
        (Some(_), Some(e)) => {
            // external::check reports the `uri` beside it.
            let _ = super::external::check(c, m, e);
            return None;
        }
        (None, None) => {
            super::external::missing_source(c, m);
            None
        }
    };
    let runtime = m.runtime.as_ref().map(|r| r.value).unwrap_or(Runtime::Vllm);
    let gpus = m
        .gpus
        .as_ref()
        .map(|g| g.value)
        .unwrap_or(u32::from(runtime == Runtime::Vllm && m.external.is_none()));
    if gpus > 0 && runtime != Runtime::Vllm {
        let span = m.gpus.as_ref().map(|g| g.span).unwrap_or(m.span);
        c.error(
            Code::PoolMismatch,
            span,
            format!(
                "model `{}` runs on {runtime:?}, which uses no GPUs, but asks for {gpus}",
                m.name.value
            ),
            "set `gpus: 0`, or `runtime: vllm`",
        );
    }
    let tiers_ok = check_tiers(c, m, &declared.tiers);
    let pool = m
        .pool
        .as_ref()
        .and_then(|p| c.name("pool", p, PoolName::parse));
    if gpus > 0 && m.pool.is_none() {
        c.error(
            Code::PoolMismatch,
            m.name.span,
            format!(
                "model `{}` asks for {gpus} GPU(s) but names no pool",
                m.name.value
            ),
            "add `pool:` naming a GPU machine pool of its clusters",
        );
    }
    let mut deployed = deployed_clusters(c, m, declared);
    if let Some(e) = &m.external {
        deployed = super::external::subscription_clusters(c, m, e, deployed, clusters);
    }
    // `Some(None)`: the model names a tenant that is not defined.
    let tenant = m.tenant.as_ref().map(|t| {
        let name = super::tenant::of_model(c, m, t, &declared.tenants);
        deployed = super::tenant::tenant_clusters(c, m, t, std::mem::take(&mut deployed), clusters);
        name
    });
    let parameters =
        m.parameters
            .as_ref()
            .and_then(|p| match Parameters::parse(p.value.as_str()) {
                Ok(v) => Some(v),
                Err(e) => {
                    c.error(
                        Code::InvalidParameters,
                        p.span,
                        e,
                        "write the parameter count with a unit, e.g. 8B",
                    );
                    None
                }
            });
    let cpu = m
        .resources
        .as_ref()
        .and_then(|r| r.cpu.as_ref())
        .map(|q| c.quantity(q));
    let memory = m
        .resources
        .as_ref()
        .and_then(|r| r.memory.as_ref())
        .map(|q| c.quantity(q));
    let knobs = serving::knobs(c, m, gpus, parameters);
    if let Some(pool) = &pool {
        let on = serving::OnPool {
            m,
            gpus,
            parameters,
            knobs: &knobs,
            cpu: cpu.as_ref().and_then(Option::as_ref),
            memory: memory.as_ref().and_then(Option::as_ref),
        };
        for cluster in clusters.iter().filter(|cl| deployed.contains(&cl.name)) {
            if let Some(p) = cluster.pool(pool) {
                check_fit(c, &on, p, cluster);
            }
        }
    }
    if m.external.is_none() {
        for cluster in clusters.iter().filter(|cl| deployed.contains(&cl.name)) {
            serving::check_scaling_on(c, m, &knobs, cluster);
        }
    }
    // A fixed `scaling` (min == max) is a replica count, on every version.
    let (replicas, autoscale) = match knobs.scaling {
        Some((min, max)) if min == max => (min, None),
        Some((min, max)) => (min, Some((min, max))),
        None => (m.replicas.as_ref().map(|r| r.value).unwrap_or(1), None),
    };
    for key in m.env.keys() {
        if key.is_empty()
            || !key
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '.' || ch == '-')
            || key.starts_with(|ch: char| ch.is_ascii_digit())
        {
            c.error(
                Code::InvalidValue,
                m.span,
                format!(
                    "env name `{key}` of model `{}` is not a valid variable name",
                    m.name.value
                ),
                "use letters, digits and `_`, not starting with a digit",
            );
        }
    }
    if let Some(image) = &m.image
        && (image.value.trim().is_empty() || image.value.contains(char::is_whitespace))
    {
        c.error(
            Code::InvalidValue,
            image.span,
            format!("image `{}` is not an image reference", image.value),
            "use e.g. registry.redhat.io/rhaii/vllm-cuda-rhel9:3.4.1",
        );
    }
    let tenant_unresolved = tenant.as_ref().is_some_and(Option::is_none);
    if !tiers_ok || deployed.is_empty() || tenant_unresolved {
        return None;
    }
    let serving = match (external, runtime, pool) {
        (Some(None), ..) => return None, // reported by external::check
        (Some(Some(source)), ..) => Serving::External(source),
        (None, runtime, pool) => match (runtime, pool) {
            (Runtime::Vllm, Some(pool)) if gpus > 0 => Serving::Gpu { gpus, pool },
            // Reported above: GPUs without a pool.
            (Runtime::Vllm, None) if gpus > 0 => return None,
            (Runtime::Vllm, pool) => Serving::Cpu {
                cpu_image: false,
                pool,
            },
            (Runtime::VllmCpu, pool) => Serving::Cpu {
                cpu_image: true,
                pool,
            },
            (Runtime::Simulator, pool) => Serving::Simulator { pool },
        },
    };
    let mut model_tiers: Vec<TierName> = m
        .tiers
        .iter()
        .flat_map(|t| t.value.iter())
        .filter_map(|t| TierName::parse(&t.value).ok())
        .collect();
    model_tiers.sort();
    model_tiers.dedup();
    Some(Model {
        name: name?,
        namespace: namespace?,
        display_name: m.display_name.clone(),
        description: m.description.clone(),
        uri: m.uri.as_ref().map(|u| u.value.clone()).unwrap_or_default(),
        served_name: m.model_name.clone().unwrap_or_else(|| m.name.value.clone()),
        serving,
        image: m.image.as_ref().map(|i| i.value.clone()),
        parameters,
        replicas,
        cpu: cpu.flatten(),
        memory: memory.flatten(),
        args: m.args.clone(),
        env: m.env.clone(),
        tiers: model_tiers,
        clusters: deployed,
        parallelism: if gpus > 0 {
            knobs.parallelism
        } else {
            Parallelism::NONE
        },
        credentials: knobs.credentials,
        max_model_len: knobs.max_model_len,
        gpu_memory_utilization: knobs.gpu_memory_utilization,
        startup_seconds: knobs.startup_seconds,
        scaling: autoscale,
        tenant: tenant.flatten(),
    })
}

fn check_uri(c: &mut Checker<'_>, uri: &Sp<String>) {
    if !URI_SCHEMES
        .iter()
        .any(|s| uri.value.starts_with(s) && uri.value.len() > s.len())
    {
        c.error(
            Code::InvalidValue,
            uri.span,
            format!("model uri `{}` does not start with hf://, oci://, pvc:// or s3://", uri.value),
            "use e.g. hf://Qwen/Qwen3-0.6B or oci://registry.redhat.io/rhelai1/modelcar-granite-8b-code-instruct:1.4.0",
        );
    }
}

/// Every listed tier exists, and there is at least one: an empty tier list
/// would be the `'[]'` annotation, which opens the model to every tier.
fn check_tiers(c: &mut Checker<'_>, m: &Sp<ModelInput>, tiers: &[String]) -> bool {
    let listed = m
        .tiers
        .as_ref()
        .map(|t| t.value.as_slice())
        .unwrap_or_default();
    if listed.is_empty() {
        let span = m.tiers.as_ref().map(|t| t.span).unwrap_or(m.name.span);
        c.error(
            Code::EmptyTiers,
            span,
            format!("model `{}` lists no tiers", m.name.value),
            "name the tiers that may call it, e.g. `tiers: [free]`; an empty list would open it to every tier",
        );
        return false;
    }
    let mut ok = true;
    for t in listed {
        if !tiers.contains(&t.value) {
            ok = false;
            c.error(
                Code::UnknownReference,
                t.span,
                format!(
                    "model `{}` names tier `{}`, which is not defined",
                    m.name.value, t.value
                ),
                suggest::hint_for(&t.value, "tier", tiers.iter().map(String::as_str)),
            );
        }
    }
    ok
}

/// The clusters the model runs on: the listed ones (each must have the pool),
/// or by default every cluster that has the pool (every cluster for a model
/// without pool). Names that are not valid cluster names are left out: their
/// definition is already reported.
fn deployed_clusters(
    c: &mut Checker<'_>,
    m: &Sp<ModelInput>,
    declared: &Declared,
) -> Vec<ClusterName> {
    let pool = m.pool.as_ref().map(|p| p.value.as_str());
    let has_pool = |pools: &Vec<String>| pool.is_none_or(|p| pools.iter().any(|q| q == p));
    let mut out: Vec<ClusterName> = Vec::new();
    match &m.clusters {
        Some(list) => {
            for name in list {
                let Some((_, pools)) = declared.clusters.iter().find(|(n, _)| *n == name.value)
                else {
                    c.error(
                        Code::UnknownReference,
                        name.span,
                        format!(
                            "model `{}` names cluster `{}`, which is not defined",
                            m.name.value, name.value
                        ),
                        suggest::hint_for(
                            &name.value,
                            "cluster",
                            declared.clusters.iter().map(|(n, _)| n.as_str()),
                        ),
                    );
                    continue;
                };
                if !has_pool(pools) {
                    let pool = pool.unwrap_or_default();
                    c.error(
                        Code::UnknownReference,
                        m.pool.as_ref().map(|p| p.span).unwrap_or(name.span),
                        format!(
                            "model `{}` needs pool `{pool}`, which cluster `{}` does not have",
                            m.name.value, name.value
                        ),
                        suggest::hint_for(pool, "pool", pools.iter().map(String::as_str)),
                    );
                    continue;
                }
                out.extend(ClusterName::parse(&name.value).ok());
            }
            if list.is_empty() {
                c.error(
                    Code::ModelNotDeployed,
                    m.name.span,
                    format!("model `{}` lists no clusters", m.name.value),
                    "leave out `clusters` to deploy it wherever its pool exists",
                );
            }
        }
        None => {
            let hosts: Vec<&String> = declared
                .clusters
                .iter()
                .filter(|(_, pools)| has_pool(pools))
                .map(|(n, _)| n)
                .collect();
            out.extend(hosts.iter().filter_map(|n| ClusterName::parse(n).ok()));
            if hosts.is_empty() && !declared.clusters.is_empty() {
                let pool_name = pool.unwrap_or_default();
                c.error(
                    Code::UnknownReference,
                    m.pool.as_ref().map(|p| p.span).unwrap_or(m.name.span),
                    format!(
                        "model `{}` names pool `{pool_name}`, which no cluster has",
                        m.name.value
                    ),
                    suggest::hint_for(
                        pool_name,
                        "pool",
                        declared
                            .clusters
                            .iter()
                            .flat_map(|(_, p)| p.iter().map(String::as_str)),
                    ),
                );
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A GPU model names a GPU pool; the rest of the fit (GPUs per node,
/// memory per GPU, context, resources) is `serving::check_on_pool`.
fn check_fit(c: &mut Checker<'_>, on: &serving::OnPool<'_>, pool: &MachinePool, cluster: &Cluster) {
    let (m, gpus) = (on.m, on.gpus);
    let span = m.gpus.as_ref().map(|g| g.span).unwrap_or(m.name.span);
    if gpus > 0 && !pool.instance.is_gpu() {
        c.error(
            Code::PoolMismatch,
            m.pool.as_ref().map(|p| p.span).unwrap_or(span),
            format!(
                "model `{}` asks for {gpus} GPU(s) but pool `{}` ({}) on cluster `{}` has none",
                m.name.value, pool.name, pool.instance_type, cluster.name
            ),
            "name a GPU pool, or set `gpus: 0` with `runtime: vllm-cpu`",
        );
        return;
    }
    serving::check_on_pool(c, on, pool, cluster);
}

/// What a model needs of the clusters it runs on (an era), and how to say
/// that a cluster lacks it.
pub(crate) struct EraNeed {
    pub(crate) code: Code,
    /// The model, as messages name it.
    pub(crate) what: String,
    /// What a cluster that cannot run it does instead.
    pub(crate) why: &'static str,
    pub(crate) listed_hint: &'static str,
    pub(crate) none_hint: &'static str,
    pub(crate) runs: fn(&Cluster) -> bool,
}

/// The deployed clusters that can run the model: by default every one it
/// would otherwise run on that meets `need`; a listed cluster that does
/// not, or no cluster that does, is an error at `span` (or at the listed
/// name).
pub(crate) fn clusters_of_era(
    c: &mut Checker<'_>,
    m: &Sp<ModelInput>,
    span: crate::source::Span,
    need: &EraNeed,
    deployed: Vec<ClusterName>,
    clusters: &[Cluster],
) -> Vec<ClusterName> {
    let runs = |name: &ClusterName| clusters.iter().find(|cl| &cl.name == name).map(need.runs);
    let mut out = Vec::new();
    for name in deployed {
        match runs(&name) {
            Some(true) => out.push(name),
            Some(false) if m.clusters.is_some() => {
                let at = m
                    .clusters
                    .iter()
                    .flatten()
                    .find(|n| n.value == name.as_str())
                    .map_or(span, |n| n.span);
                c.error(
                    need.code,
                    at,
                    format!(
                        "{} cannot run on cluster `{name}`, which {}",
                        need.what, need.why
                    ),
                    need.listed_hint,
                );
            }
            // Not there, by default. Unknown: reported.
            Some(false) | None => {}
        }
    }
    if out.is_empty() && m.clusters.is_none() && !clusters.is_empty() {
        c.error(
            need.code,
            span,
            format!(
                "{} has no cluster to run on: every cluster it could run on {}",
                need.what, need.why
            ),
            need.none_hint,
        );
    }
    out
}
