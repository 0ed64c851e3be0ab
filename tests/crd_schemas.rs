//! Every object of every example's tree validates against its upstream
//! schema (`schemas/crds/`), strictly: a field the schema does not know is an
//! error, as with `kubeconform -strict`.

mod common;

use std::collections::BTreeMap;

use maasc::model::RhoaiVersion;
use serde_json::{Value, json};

use common::crd::{Validators, base_validators, validators_at};

/// Validates every object of `files` against the schemas of the version
/// of each cluster it is deployed to: `<cluster>/…` against that cluster's,
/// `base/<dir>/…` against every version whose cluster has `<cluster>/<dir>/`.
fn check_tree(
    label: &str,
    files: &[maasc::render::RenderedFile],
    versions: &BTreeMap<String, RhoaiVersion>,
    by_version: &BTreeMap<RhoaiVersion, Validators>,
    problems: &mut Vec<String>,
) -> usize {
    let mut checked = 0;
    for file in files {
        if !file.path.ends_with(".yaml") || file.path.ends_with("kustomization.yaml") {
            continue;
        }
        let (top, rest) = file.path.split_once('/').unwrap();
        let targets: std::collections::BTreeSet<RhoaiVersion> = if top == "base" {
            let dir = rest.rsplit_once('/').unwrap().0;
            versions
                .iter()
                .filter(|(c, _)| {
                    files
                        .iter()
                        .any(|f| f.path == format!("{c}/{dir}/kustomization.yaml"))
                })
                .map(|(_, v)| *v)
                .collect()
        } else {
            std::iter::once(versions[top]).collect()
        };
        assert!(
            !targets.is_empty(),
            "{label}/{}: used by no cluster",
            file.path
        );
        let object: Value = serde_saphyr::from_str(&file.content).unwrap();
        let key = (
            object["apiVersion"].as_str().unwrap().to_string(),
            object["kind"].as_str().unwrap().to_string(),
        );
        for v in targets {
            let Some((_, validator)) = by_version[&v].get(&key) else {
                problems.push(format!(
                    "{label}/{}: no schema for {key:?} at RHOAI {v}",
                    file.path
                ));
                continue;
            };
            checked += 1;
            for error in validator.iter_errors(&object) {
                problems.push(format!(
                    "{label}/{} (RHOAI {v}): {} at {}",
                    file.path,
                    error,
                    error.instance_path()
                ));
            }
        }
    }
    checked
}

/// The schemas of every version.
fn every_version() -> BTreeMap<RhoaiVersion, Validators> {
    RhoaiVersion::ALL
        .into_iter()
        .map(|v| (v, validators_at(v)))
        .collect()
}

fn cluster_versions(loaded: &maasc::Loaded) -> BTreeMap<String, RhoaiVersion> {
    loaded
        .platform
        .clusters
        .iter()
        .map(|c| (c.name.to_string(), c.version))
        .collect()
}

#[test]
fn every_generated_object_matches_its_upstream_schema() {
    let by_version = every_version();
    let mut problems = Vec::new();
    let mut checked = 0;
    // Every example as written: each object against the version of the
    // clusters it is deployed to.
    for example in common::EXAMPLES {
        let loaded = common::load(&common::example_path(example));
        let files = maasc::build_tree(&loaded, None).unwrap();
        checked += check_tree(
            example,
            &files,
            &cluster_versions(&loaded),
            &by_version,
            &mut problems,
        );
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(checked > 250, "only {checked} objects checked");
}

/// The version matrix: every example shape at every version generates a
/// tree whose every object that version's CRDs accept (a field of a later
/// version never reaches an earlier one; a kind a version lacks is an error).
#[test]
fn every_version_accepts_every_example_at_that_version() {
    let by_version = every_version();
    let mut problems = Vec::new();
    for example in common::EXAMPLES {
        for v in RhoaiVersion::ALL {
            let loaded = match common::load_at(example, v) {
                Ok(loaded) => loaded,
                // An example with external models cannot run the tier era
                // on every cluster (E061), one with additional tenants no
                // version before 3.5 (E066): refused with exactly that.
                Err(e)
                    if e.diagnostics
                        .iter()
                        .filter(|d| d.severity == maasc::diagnostic::Severity::Error)
                        .all(|d| {
                            (d.code == maasc::diagnostic::Code::ExternalModelEra
                                && !v.era().has_maas_crs())
                                || (d.code == maasc::diagnostic::Code::TenantEra
                                    && v != RhoaiVersion::V3_5)
                        }) =>
                {
                    continue;
                }
                Err(e) => panic!("{example} at {v}:\n{}", e.render()),
            };
            let versions = cluster_versions(&loaded);
            assert!(versions.values().all(|c| *c == v), "{example} at {v}");
            let files = maasc::build_tree(&loaded, None).unwrap();
            let checked = check_tree(
                &format!("{example} at {v}"),
                &files,
                &versions,
                &by_version,
                &mut problems,
            );
            assert!(checked > 20, "{example} at {v}: only {checked} objects");
            // MaaS CRs exactly from 3.4 on.
            let crs = files
                .iter()
                .any(|f| f.content.contains("kind: MaaSModelRef"));
            assert_eq!(crs, v >= RhoaiVersion::V3_4, "{example} at {v}");
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The newest schemas (schemas/crds) know every version's kinds: an object
/// of a kind no version has would be refused everywhere.
#[test]
fn the_base_set_knows_the_kinds_every_version_gets() {
    let base = base_validators();
    for key in [
        ("serving.kserve.io/v1alpha2", "LLMInferenceService"),
        ("batch/v1", "Job"),
        ("rbac.authorization.k8s.io/v1", "Role"),
    ] {
        assert!(
            base.contains_key(&(key.0.to_string(), key.1.to_string())),
            "{key:?}"
        );
    }
}

#[test]
fn strict_schemas_reject_unknown_fields() {
    let validators = base_validators();
    let (_, validator) = &validators[&(
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
    let validators = base_validators();
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
        let (_, validator) = validators
            .get(&key)
            .unwrap_or_else(|| panic!("{file}: no schema for {key:?}"));
        let errors: Vec<String> = validator
            .iter_errors(&object)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
    }
}

/// Every LLMInferenceService of the serving matrix (parallelism, workers,
/// probes, credentials) matches the schema of every OpenShift AI version it
/// may be installed on: a 3.4 field never reaches 3.0–3.3.
#[test]
fn serving_matrix_objects_match_every_versions_schema() {
    let by_version = every_version();
    let mut problems = Vec::new();
    let mut checked = 0;
    for v in RhoaiVersion::ALL {
        let validators = &by_version[&v];
        for case in common::serving::MATRIX {
            let yaml = case.yaml().replacen(
                "spec:\n",
                &format!("spec:\n  operators:\n    openshiftAI: {{version: \"{v}\"}}\n"),
                1,
            );
            let Ok(loaded) = maasc::load_text(std::path::Path::new("matrix.yaml"), yaml, None)
            else {
                continue;
            };
            assert!(loaded.platform.clusters.iter().all(|c| c.version == v));
            for object in common::serving::inference_services(&loaded) {
                let key = (
                    object["apiVersion"].as_str().unwrap().to_string(),
                    object["kind"].as_str().unwrap().to_string(),
                );
                checked += 1;
                let Some((_, validator)) = validators.get(&key) else {
                    problems.push(format!("{} at {v}: no schema for {key:?}", case.label()));
                    continue;
                };
                for error in validator.iter_errors(&object) {
                    problems.push(format!(
                        "{} at {v}: {error} at {}",
                        case.label(),
                        error.instance_path()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked >= 50, "only {checked} objects checked");
}
