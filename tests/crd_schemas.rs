//! Every object of every example's tree validates against its upstream
//! schema (`schemas/crds/`), strictly: a field the schema does not know is an
//! error, as with `kubeconform -strict`.

mod common;

use common::crd::validators;
use maasc::model::MaasApi;
use serde_json::{Value, json};

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
