//! Every object of every example's tree validates against its upstream
//! schema (`schemas/crds/`), strictly: a field the schema does not know is an
//! error, as with `kubeconform -strict`.

mod common;

use std::collections::BTreeMap;

use maasc::model::MaasApi;
use serde_json::{Value, json};

/// Makes a CRD's OpenAPI v3 schema strict JSON Schema: objects with
/// properties are closed unless they preserve unknown fields, `nullable`
/// and `x-kubernetes-int-or-string` become JSON Schema types.
fn strict(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    if map.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        map.remove("type");
        map.insert(
            "anyOf".into(),
            json!([{ "type": "integer" }, { "type": "string" }]),
        );
    }
    if map.remove("nullable") == Some(Value::Bool(true))
        && let Some(Value::String(t)) = map.get("type").cloned()
    {
        map.insert("type".into(), json!([t, "null"]));
    }
    let preserve = map.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
    if map.contains_key("properties") && !map.contains_key("additionalProperties") && !preserve {
        map.insert("additionalProperties".into(), Value::Bool(false));
    }
    for (key, child) in map.iter_mut() {
        match key.as_str() {
            "properties" | "patternProperties" => {
                if let Value::Object(props) = child {
                    props.values_mut().for_each(strict);
                }
            }
            "items" | "additionalProperties" | "not" => strict(child),
            "allOf" | "anyOf" | "oneOf" => {
                if let Value::Array(items) = child {
                    items.iter_mut().for_each(strict);
                }
            }
            _ => {}
        }
    }
}

/// (apiVersion, kind) → validator, from every schema under schemas/crds.
fn validators() -> BTreeMap<(String, String), jsonschema::Validator> {
    validators_in("schemas/crds")
}

/// (apiVersion, kind) → validator, from every schema under `dir`.
fn validators_in(dir: &str) -> BTreeMap<(String, String), jsonschema::Validator> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let path = entry.unwrap().into_path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if ext != "yaml" && ext != "json" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // Most files are compact JSON; a few are YAML.
        let doc: Value = serde_json::from_str(&text)
            .or_else(|_| serde_saphyr::from_str(&text))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if doc["kind"] == "CustomResourceDefinition" {
            let group = doc["spec"]["group"].as_str().unwrap();
            let kind = doc["spec"]["names"]["kind"].as_str().unwrap().to_string();
            for v in doc["spec"]["versions"].as_array().unwrap() {
                let mut schema = v["schema"]["openAPIV3Schema"].clone();
                strict(&mut schema);
                // metadata is checked by the API server's ObjectMeta rules,
                // not by the CRD: leave it open here.
                schema["properties"]["metadata"] = json!({ "type": "object" });
                schema["properties"]["apiVersion"] = json!({ "type": "string" });
                schema["properties"]["kind"] = json!({ "type": "string" });
                let api = format!("{group}/{}", v["name"].as_str().unwrap());
                out.insert(
                    (api, kind.clone()),
                    jsonschema::validator_for(&schema).unwrap(),
                );
            }
        } else if let Some(gvks) = doc["x-kubernetes-group-version-kind"].as_array() {
            for gvk in gvks {
                let group = gvk["group"].as_str().unwrap();
                let version = gvk["version"].as_str().unwrap();
                let api = if group.is_empty() {
                    version.to_string()
                } else {
                    format!("{group}/{version}")
                };
                out.insert(
                    (api, gvk["kind"].as_str().unwrap().to_string()),
                    jsonschema::validator_for(&doc).unwrap(),
                );
            }
        }
    }
    out
}

#[test]
fn every_generated_object_matches_its_upstream_schema() {
    let validators = validators();
    let mut problems = Vec::new();
    let mut checked = 0;
    // Every example as written, and with every cluster in each MaaS API era.
    let mut trees = Vec::new();
    for example in common::EXAMPLES {
        let loaded = common::load(&common::example_path(example));
        trees.push((
            example.to_string(),
            maasc::build_tree(&loaded, None).unwrap(),
        ));
        for api in [MaasApi::Tiers, MaasApi::Subscriptions] {
            let mut forced = common::load(&common::example_path(example));
            for c in &mut forced.platform.clusters {
                c.api = api;
            }
            let label = format!("{example} ({api:?} era)");
            trees.push((label, maasc::build_tree(&forced, None).unwrap()));
        }
    }
    for (example, files) in trees {
        for file in files {
            if !file.path.ends_with(".yaml") || file.path.ends_with("kustomization.yaml") {
                continue;
            }
            let object: Value = serde_saphyr::from_str(&file.content).unwrap();
            let key = (
                object["apiVersion"].as_str().unwrap().to_string(),
                object["kind"].as_str().unwrap().to_string(),
            );
            let Some(validator) = validators.get(&key) else {
                problems.push(format!(
                    "{example}/{}: no schema for {key:?} in schemas/crds",
                    file.path
                ));
                continue;
            };
            checked += 1;
            for error in validator.iter_errors(&object) {
                problems.push(format!(
                    "{example}/{}: {} at {}",
                    file.path,
                    error,
                    error.instance_path()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(checked > 250, "only {checked} objects checked");
}

/// Every LLMInferenceService of the serving matrix (parallelism, workers,
/// probes, credentials) matches the current CRD and the one RHOAI 3.0–3.3
/// ship, whose v1alpha1 lacks the 3.4 fields.
#[test]
fn serving_matrix_objects_match_the_current_and_the_3_0_to_3_3_schema() {
    let key = (
        "serving.kserve.io/v1alpha1".to_string(),
        "LLMInferenceService".to_string(),
    );
    let current = validators();
    let old = validators_in("tests/crds/rhoai-3.0-3.3");
    let mut problems = Vec::new();
    let mut checked = 0;
    for case in common::serving::MATRIX {
        let Ok(loaded) = case.load() else { continue };
        for object in common::serving::inference_services(&loaded) {
            assert_eq!(object["apiVersion"], key.0.as_str());
            for (label, validators) in [("current", &current), ("rhoai-3.0-3.3", &old)] {
                checked += 1;
                for error in validators[&key].iter_errors(&object) {
                    problems.push(format!(
                        "{} ({label}): {error} at {}",
                        case.label(),
                        error.instance_path()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked >= 20, "only {checked} objects checked");
    // The old schema is the old one: it refuses a 3.4 field.
    let scaled = json!({ "apiVersion": key.0, "kind": key.1, "metadata": { "name": "m" },
        "spec": { "model": { "uri": "hf://a/b" }, "scaling": { "minReplicas": 0 } } });
    assert!(!old[&key].is_valid(&scaled));
}

#[test]
fn strict_schemas_reject_unknown_fields() {
    let validators = validators();
    let validator = &validators[&(
        "serving.kserve.io/v1alpha1".to_string(),
        "LLMInferenceService".to_string(),
    )];
    let good = json!({ "apiVersion": "serving.kserve.io/v1alpha1", "kind": "LLMInferenceService", "metadata": { "name": "m" }, "spec": { "model": { "uri": "hf://a/b" } } });
    assert!(validator.is_valid(&good));
    let mut bad = good.clone();
    bad["spec"]["model"]["uir"] = json!("typo");
    assert!(!validator.is_valid(&bad));
}

#[test]
fn deploy_examples_match_their_upstream_schemas() {
    let validators = validators();
    for file in [
        "deploy/argocd/openshift-gitops-argocd.yaml",
        "deploy/argocd/application-cmp.yaml",
        "deploy/argocd/argocd-cm-patch.yaml",
    ] {
        let object: Value =
            serde_saphyr::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let key = (
            object["apiVersion"].as_str().unwrap().to_string(),
            object["kind"].as_str().unwrap().to_string(),
        );
        let validator = validators
            .get(&key)
            .unwrap_or_else(|| panic!("{file}: no schema for {key:?}"));
        let errors: Vec<String> = validator
            .iter_errors(&object)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
    }
}
