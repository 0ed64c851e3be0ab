//! The serving matrix: model size × GPU type × GPU count (× parallelism) →
//! refused with which codes, or accepted with the parallelism, vLLM flags,
//! pods and resources maasc chose. The snapshot is the table.

mod common;

use common::serving::{MATRIX, inference_services};
use serde_json::Value;

fn accepted(llmis: &Value) -> String {
    let spec = &llmis["spec"];
    let main = &spec["template"]["containers"][0];
    let args = main["env"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["name"] == "VLLM_ADDITIONAL_ARGS")
        .and_then(|e| e["value"].as_str())
        .unwrap_or_default()
        .split(' ')
        .filter(|a| a.contains("parallel"))
        .collect::<Vec<_>>()
        .join(" ");
    let limits = &main["resources"]["limits"];
    let pods = if spec["worker"].is_null() {
        "1 pod".to_string()
    } else {
        "leader + workers".to_string()
    };
    format!(
        "parallelism {} | args `{args}` | {pods} × {} GPU, cpu {}, memory {}",
        serde_json::to_string(&spec["parallelism"]).unwrap(),
        limits["nvidia.com/gpu"].as_str().unwrap_or("0"),
        limits["cpu"].as_str().unwrap_or_default(),
        limits["memory"].as_str().unwrap_or_default(),
    )
}

/// The distinct error codes of a refused input, sorted.
fn error_codes(e: &maasc::LoadError) -> Vec<String> {
    let mut codes: Vec<String> = e
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.to_string())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn the_serving_matrix() {
    let mut table = String::new();
    for case in MATRIX {
        let row = match case.load() {
            Ok(loaded) => {
                let llmis = inference_services(&loaded);
                assert_eq!(llmis.len(), 1, "{}", case.label());
                let main = &llmis[0]["spec"]["template"]["containers"][0];
                let gpus = main["resources"]["limits"]["nvidia.com/gpu"]
                    .as_str()
                    .unwrap_or("0");
                // Every GPU of a pod is used: tensor × pipeline per pod.
                let p = &llmis[0]["spec"]["parallelism"];
                let tensor = p["tensor"].as_u64().unwrap_or(1);
                let worker = !llmis[0]["spec"]["worker"].is_null();
                if !worker {
                    let pipeline = p["pipeline"].as_u64().unwrap_or(1);
                    assert_eq!(
                        gpus,
                        (tensor * pipeline).to_string(),
                        "{}: GPUs per pod",
                        case.label()
                    );
                }
                format!("accepted: {}", accepted(&llmis[0]))
            }
            Err(e) => format!("refused: {}", error_codes(&e).join(" ")),
        };
        table.push_str(&format!("{} → {row}\n", case.label()));
    }
    insta::assert_snapshot!(table);
}

#[test]
fn a_32b_model_on_four_24_gb_gpus_is_split_four_ways() {
    // The example: without tensor parallelism vLLM loads all the
    // weights on one A10G and runs out of memory.
    let case = MATRIX
        .iter()
        .find(|c| c.parameters == "32B" && c.instance_type == "g5.12xlarge" && c.gpus == 4)
        .unwrap();
    let llmis = &inference_services(&case.load().unwrap())[0];
    assert_eq!(llmis["spec"]["parallelism"]["tensor"], 4);
    let args = llmis["spec"]["template"]["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "VLLM_ADDITIONAL_ARGS")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(args.contains("--tensor-parallel-size=4"), "{args}");
    assert!(args.contains("--enable-force-include-usage"), "{args}");
}

fn with_model_fields(cluster: &str, model: &str) -> Result<maasc::Loaded, maasc::LoadError> {
    let base = common::serving::Case {
        parameters: "8B",
        instance_type: "g6.8xlarge",
        gpus: 1,
        parallelism: None,
        no_lws: false,
    }
    .yaml();
    let text = base.replace(
        "      machinePools:\n",
        &format!("{cluster}      machinePools:\n"),
    ) + model;
    maasc::load_text(std::path::Path::new("matrix.yaml"), text, None)
}

fn main_env(llmis: &Value, name: &str) -> Value {
    llmis["spec"]["template"]["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .cloned()
        .unwrap_or(Value::Null)
}

#[test]
fn credentials_are_secret_references_and_a_model_s_own_win() {
    let cluster = "      credentials:\n        huggingFaceTokenSecret: {name: cluster-hf}\n        imagePullSecrets: [cluster-pull]\n";
    let loaded = with_model_fields(cluster, "").unwrap();
    let llmis = &inference_services(&loaded)[0];
    let token = main_env(llmis, "HF_TOKEN");
    assert_eq!(token["valueFrom"]["secretKeyRef"]["name"], "cluster-hf");
    assert_eq!(token["valueFrom"]["secretKeyRef"]["key"], "HF_TOKEN");
    assert_eq!(
        llmis["spec"]["template"]["imagePullSecrets"][0]["name"],
        "cluster-pull"
    );
    let own = "      credentials:\n        huggingFaceTokenSecret: {name: own-hf, key: token}\n";
    let loaded = with_model_fields(cluster, own).unwrap();
    let llmis = &inference_services(&loaded)[0];
    let token = main_env(llmis, "HF_TOKEN");
    assert_eq!(token["valueFrom"]["secretKeyRef"]["name"], "own-hf");
    assert_eq!(token["valueFrom"]["secretKeyRef"]["key"], "token");
    // Pull secrets the model does not name come from the cluster.
    assert_eq!(
        llmis["spec"]["template"]["imagePullSecrets"][0]["name"],
        "cluster-pull"
    );
}

#[test]
fn tokens_and_owned_flags_in_args_are_refused() {
    let codes = |model: &str| error_codes(&with_model_fields("", model).err().expect("refused"));
    let token = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
    assert_eq!(
        codes(&format!("      args: [--hf-token={token}]\n")),
        ["E052"]
    );
    assert_eq!(
        codes("      env: {HUGGING_FACE_HUB_TOKEN: from-a-vault}\n"),
        ["E052"]
    );
    assert_eq!(codes("      args: [--tensor-parallel-size=2]\n"), ["E026"]);
    assert_eq!(
        codes("      maxModelLen: 4096\n      args: [--max-model-len=8192]\n"),
        ["E026"]
    );
    assert_eq!(codes("      gpuMemoryUtilization: 1.5\n"), ["E026"]);
    // The token is never printed.
    let err = with_model_fields("", &format!("      env: {{EXTRA: {token}}}\n"))
        .err()
        .unwrap();
    assert!(!err.render().contains(token));
}

#[test]
fn runtime_knobs_become_vllm_flags_and_a_startup_probe() {
    let model =
        "      maxModelLen: 8192\n      gpuMemoryUtilization: 0.85\n      startupTimeout: 30m\n";
    let loaded = with_model_fields("", model).unwrap();
    let llmis = &inference_services(&loaded)[0];
    let args = main_env(llmis, "VLLM_ADDITIONAL_ARGS")["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        args,
        "--max-model-len=8192 --gpu-memory-utilization=0.85 --enable-force-include-usage"
    );
    let probe = &llmis["spec"]["template"]["containers"][0]["startupProbe"];
    assert_eq!(
        (
            probe["failureThreshold"].as_u64(),
            probe["periodSeconds"].as_u64()
        ),
        (Some(180), Some(10))
    );
}

#[test]
fn only_models_behind_token_limits_force_usage_in_streams() {
    let case = &MATRIX[0];
    let text = case.yaml().replace(
        "tokens: {limit: 10000, window: 1h}",
        "requests: {limit: 5, window: 1m}",
    );
    let loaded = maasc::load_text(std::path::Path::new("matrix.yaml"), text, None).unwrap();
    let llmis = &inference_services(&loaded)[0];
    let args = main_env(llmis, "VLLM_ADDITIONAL_ARGS")["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(!args.contains("--enable-force-include-usage"), "{args}");
    let behind = &inference_services(&case.load().unwrap())[0];
    assert!(
        main_env(behind, "VLLM_ADDITIONAL_ARGS")["value"]
            .as_str()
            .unwrap()
            .contains("--enable-force-include-usage")
    );
}

/// Every object a loaded platform generates.
fn objects(loaded: &maasc::Loaded) -> Vec<Value> {
    maasc::build_tree(loaded, None)
        .expect("renders")
        .iter()
        .filter(|f| f.path.ends_with(".yaml") && !f.path.ends_with("kustomization.yaml"))
        .map(|f| serde_saphyr::from_str::<Value>(&f.content).unwrap())
        .collect()
}

/// Every object of `kind` a loaded platform generates.
fn objects_of(loaded: &maasc::Loaded, kind: &str) -> Vec<Value> {
    objects(loaded)
        .into_iter()
        .filter(|o| o["kind"] == kind)
        .collect()
}

/// The one object of `kind` named `name` among `objects`, if any.
fn find<'a>(objects: &'a [Value], kind: &str, name: &str) -> Option<&'a Value> {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
}

/// What KEDA an autoscaled model's cluster gets (README "Replicas and
/// autoscaling"): the Custom Metrics Autoscaler Subscription, the
/// KedaController, and the ClusterTriggerAuthentication RHOAI's KServe
/// names, reading the token and CA of a ServiceAccount that may view
/// cluster monitoring. Checks that they refer to each other; `None` when
/// the cluster has none of it.
fn keda_of(objects: &[Value]) -> Option<String> {
    let keda: Vec<&Value> = objects
        .iter()
        .filter(|o| {
            o["apiVersion"].as_str().unwrap().starts_with("keda.sh/")
                || o["metadata"]["namespace"] == "openshift-keda"
                || o["metadata"]["name"] == "openshift-keda"
                || o["metadata"]["name"] == "keda-metrics-reader-monitoring"
        })
        .collect();
    if keda.is_empty() {
        return None;
    }
    let sub = find(
        objects,
        "Subscription",
        "openshift-custom-metrics-autoscaler-operator",
    )
    .expect("the operator's Subscription");
    assert_eq!(sub["metadata"]["namespace"], "openshift-keda");
    assert_eq!(
        sub["spec"]["name"],
        "openshift-custom-metrics-autoscaler-operator"
    );
    assert_eq!(sub["spec"]["source"], "redhat-operators");
    let group = find(objects, "OperatorGroup", "openshift-keda").expect("an OperatorGroup");
    assert_eq!(group["metadata"]["namespace"], "openshift-keda");
    assert!(find(objects, "Namespace", "openshift-keda").is_some());
    let controller = find(objects, "KedaController", "keda").expect("the KedaController");
    assert_eq!(controller["metadata"]["namespace"], "openshift-keda");
    assert_eq!(controller["spec"]["watchNamespace"], "");
    let auth = find(
        objects,
        "ClusterTriggerAuthentication",
        "ai-inference-keda-thanos",
    )
    .expect("the ClusterTriggerAuthentication KServe points at");
    let refs = auth["spec"]["secretTargetRef"].as_array().unwrap();
    let params: Vec<String> = refs
        .iter()
        .map(|r| {
            format!(
                "{}←{}",
                r["parameter"].as_str().unwrap(),
                r["key"].as_str().unwrap()
            )
        })
        .collect();
    let secret_name = refs[0]["name"].as_str().unwrap();
    assert!(refs.iter().all(|r| r["name"] == secret_name));
    let secret = find(objects, "Secret", secret_name).expect("the token Secret");
    assert_eq!(secret["metadata"]["namespace"], "openshift-keda");
    assert_eq!(secret["type"], "kubernetes.io/service-account-token");
    assert!(
        secret["data"].is_null() && secret["stringData"].is_null(),
        "no value in Git"
    );
    let account = secret["metadata"]["annotations"]["kubernetes.io/service-account.name"]
        .as_str()
        .unwrap();
    let sa = find(objects, "ServiceAccount", account).expect("the ServiceAccount");
    assert_eq!(sa["metadata"]["namespace"], "openshift-keda");
    let binding = find(
        objects,
        "ClusterRoleBinding",
        "keda-metrics-reader-monitoring",
    )
    .expect("the ClusterRoleBinding");
    assert_eq!(
        binding["subjects"][0],
        serde_json::json!({"kind": "ServiceAccount", "name": account, "namespace": "openshift-keda"})
    );
    Some(format!(
        "Subscription {} | KedaController keda | ClusterTriggerAuthentication [{}] of {secret_name} | {account} may {}",
        sub["spec"]["channel"].as_str().unwrap(),
        params.join(" "),
        binding["roleRef"]["name"].as_str().unwrap()
    ))
}

/// Versions × scaling choices: refused with which codes, or accepted with
/// `spec.replicas` or `spec.scaling`, the DSC's `kserve.wva` and KEDA (the
/// Custom Metrics Autoscaler operator, its KedaController and the trigger
/// authentication RHOAI's KServe names, only where a model autoscales);
/// every object of the tree validates against the CRDs of its version, and
/// `spec.scaling` keeps the CRD's CEL rules (no `replicas` beside it, `wva`
/// with exactly one actuator, 1 ≤ min ≤ max).
/// The pool: two nodes of one L4 each, so two one-GPU replicas fit.
#[test]
fn scaling_per_version() {
    use maasc::model::RhoaiVersion;
    let choices = [
        ("fixed 2", "{minReplicas: 2, maxReplicas: 2}"),
        ("1–2", "{minReplicas: 1, maxReplicas: 2}"),
        ("1–4", "{minReplicas: 1, maxReplicas: 4}"),
        ("fixed 3", "{minReplicas: 3, maxReplicas: 3}"),
        ("0–2", "{minReplicas: 0, maxReplicas: 2}"),
    ];
    let mut table = String::new();
    for version in RhoaiVersion::ALL {
        let validators = common::crd::validators_at(version);
        for (label, scaling) in choices {
            let cluster =
                format!("      operators:\n        openshiftAI: {{version: \"{version}\"}}\n");
            let loaded = with_model_fields(&cluster, &format!("      scaling: {scaling}\n"));
            let row = match loaded {
                Ok(loaded) => {
                    let all = objects(&loaded);
                    for o in &all {
                        let api = o["apiVersion"].as_str().unwrap().to_string();
                        let kind = o["kind"].as_str().unwrap().to_string();
                        let (_, v) = validators
                            .get(&(api.clone(), kind.clone()))
                            .unwrap_or_else(|| panic!("{version}: no schema for {api} {kind}"));
                        let errors: Vec<String> = v.iter_errors(o).map(|e| e.to_string()).collect();
                        assert!(errors.is_empty(), "{version} {label} {kind}: {errors:?}");
                    }
                    let llmis = all
                        .iter()
                        .find(|o| o["kind"] == "LLMInferenceService")
                        .unwrap();
                    let dsc = all
                        .iter()
                        .find(|o| o["kind"] == "DataScienceCluster")
                        .unwrap();
                    let spec = &llmis["spec"];
                    let s = &spec["scaling"];
                    let wva = &dsc["spec"]["components"]["kserve"]["wva"];
                    let keda = keda_of(&all);
                    if s.is_null() {
                        assert!(wva.is_null(), "{version} {label}: wva without scaling");
                        assert!(keda.is_none(), "{version} {label}: KEDA without scaling");
                    } else {
                        assert!(spec["replicas"].is_null(), "{version} {label}");
                        let actuators = ["hpa", "keda"]
                            .iter()
                            .filter(|a| !s["wva"][**a].is_null())
                            .count();
                        assert_eq!(actuators, 1, "{version} {label}");
                        let (min, max) = (
                            s["minReplicas"].as_u64().unwrap(),
                            s["maxReplicas"].as_u64().unwrap(),
                        );
                        assert!((1..=max).contains(&min), "{version} {label}");
                        assert_eq!(wva["managementState"], "Managed", "{version} {label}");
                        assert!(keda.is_some(), "{version} {label}: no KEDA");
                    }
                    let warnings: Vec<String> = loaded
                        .diagnostics
                        .iter()
                        .filter(|d| d.code.to_string().starts_with("W13"))
                        .map(|d| d.code.to_string())
                        .collect();
                    format!(
                        "replicas {} | scaling {} | DSC wva {} | warnings [{}]\n    KEDA: {}",
                        spec["replicas"],
                        serde_json::to_string(s).unwrap(),
                        wva["managementState"],
                        warnings.join(" "),
                        keda.as_deref().unwrap_or("none")
                    )
                }
                Err(e) => format!("refused: {}", error_codes(&e).join(" ")),
            };
            table.push_str(&format!("{version} {label} → {row}\n"));
        }
    }
    insta::assert_snapshot!(table);
}

/// The KEDA components of an autoscaled model's cluster build with
/// `kubectl kustomize`, overlay on base, on each version that autoscales.
#[test]
fn an_autoscaled_model_s_keda_components_build_with_kustomize() {
    for version in ["3.4", "3.5"] {
        let cluster =
            format!("      operators:\n        openshiftAI: {{version: \"{version}\"}}\n");
        let loaded = with_model_fields(
            &cluster,
            "      scaling: {minReplicas: 1, maxReplicas: 2}\n",
        )
        .unwrap();
        let tmp = tempfile::tempdir().unwrap();
        for f in maasc::build_tree(&loaded, None).unwrap() {
            let path = tmp.path().join(&f.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &f.content).unwrap();
        }
        let mut kinds = Vec::new();
        for dir in ["operators", "instances"] {
            let built = common::kubectl_kustomize(
                &tmp.path()
                    .join("lab")
                    .join(dir)
                    .join("custom-metrics-autoscaler"),
            );
            assert!(
                built.status.success(),
                "{version} {dir}: {}",
                String::from_utf8_lossy(&built.stderr)
            );
            let out = String::from_utf8(built.stdout).unwrap();
            kinds.extend(
                out.lines()
                    .filter_map(|l| l.strip_prefix("kind: "))
                    .map(str::to_string),
            );
        }
        kinds.sort();
        assert_eq!(
            kinds,
            [
                "ClusterRoleBinding",
                "ClusterTriggerAuthentication",
                "KedaController",
                "Namespace",
                "OperatorGroup",
                "Secret",
                "ServiceAccount",
                "Subscription"
            ],
            "{version}"
        );
    }
}

/// A cluster that disables the Custom Metrics Autoscaler cannot run an
/// autoscaled model (E078); listing it with a channel keeps it, with that
/// channel.
#[test]
fn an_autoscaled_model_needs_the_custom_metrics_autoscaler() {
    let model = "      scaling: {minReplicas: 1, maxReplicas: 2}\n";
    let disabled = "      operators:\n        openshiftAI: {version: \"3.4\"}\n        customMetricsAutoscaler: {enabled: false}\n";
    let Err(e) = with_model_fields(disabled, model) else {
        panic!("an autoscaled model without KEDA was accepted");
    };
    assert_eq!(error_codes(&e), ["E078"]);
    let listed = "      operators:\n        openshiftAI: {version: \"3.4\"}\n        customMetricsAutoscaler: {channel: stable-2.19}\n";
    let loaded = with_model_fields(listed, model).unwrap();
    let subs = objects_of(&loaded, "Subscription");
    let sub = subs
        .iter()
        .find(|s| s["spec"]["name"] == "openshift-custom-metrics-autoscaler-operator")
        .unwrap();
    assert_eq!(sub["spec"]["channel"], "stable-2.19");
    // W135 only where maasc does not turn on user-workload monitoring.
    let cluster = "      operators:\n        openshiftAI: {version: \"3.4\"}\n";
    let w135 = |loaded: &maasc::Loaded| {
        loaded
            .diagnostics
            .iter()
            .any(|d| d.code.to_string() == "W135")
    };
    assert!(w135(&with_model_fields(cluster, model).unwrap()));
    let monitored =
        format!("{model}  observability: {{enabled: true, manageClusterMonitoringConfig: true}}\n");
    assert!(!w135(&with_model_fields(cluster, &monitored).unwrap()));
    // A fixed count needs no KEDA, even where it is disabled.
    assert!(
        with_model_fields(
            disabled,
            "      scaling: {minReplicas: 2, maxReplicas: 2}\n"
        )
        .is_ok()
    );
}

#[test]
fn a_cluster_replica_override_fixes_an_autoscaled_model_there() {
    let cluster = "      operators:\n        openshiftAI: {version: \"3.5\"}\n      overrides:\n        models:\n          model: {replicas: 1}\n";
    let loaded =
        with_model_fields(cluster, "      scaling: {minReplicas: 1, maxReplicas: 2}\n").unwrap();
    let llmis = &objects_of(&loaded, "LLMInferenceService")[0];
    assert_eq!(llmis["spec"]["replicas"], 1);
    assert!(llmis["spec"]["scaling"].is_null());
    let dsc = &objects_of(&loaded, "DataScienceCluster")[0];
    assert!(dsc["spec"]["components"]["kserve"]["wva"].is_null());
    assert_eq!(keda_of(&objects(&loaded)), None);
}
