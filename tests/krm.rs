//! `maasc krm`, fed ResourceLists shaped as kustomize and kpt send them
//! (`tests/krm/`), run as the binary the orchestrator runs.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const PATH_ANNOTATIONS: [&str; 4] = [
    "config.kubernetes.io/path",
    "config.kubernetes.io/index",
    "internal.config.kubernetes.io/path",
    "internal.config.kubernetes.io/index",
];

fn krm(fixture: &str, args: &[&str], cwd: &str) -> (Output, Value, Value) {
    let input = std::fs::read_to_string(Path::new("tests/krm").join(fixture)).unwrap();
    let out = common::run_with_stdin(
        Command::new(env!("CARGO_BIN_EXE_maasc"))
            .current_dir(cwd)
            .arg("krm")
            .args(args),
        input.as_bytes(),
    );
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    let parsed: Value = serde_saphyr::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{fixture}: output is not YAML ({e}):\n{stdout}"));
    let input: Value = serde_saphyr::from_str(&input).unwrap();
    (out, input, parsed)
}

fn items(list: &Value) -> Vec<Value> {
    list["items"].as_array().cloned().unwrap_or_default()
}

/// Runs `maasc krm` on a JSON ResourceList in a scratch folder; it must
/// succeed. Returns the output ResourceList.
fn krm_json(list: &Value) -> Value {
    let tmp = tempfile::tempdir().unwrap();
    let out = common::run_with_stdin(
        Command::new(env!("CARGO_BIN_EXE_maasc"))
            .current_dir(tmp.path())
            .arg("krm"),
        list.to_string().as_bytes(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON in, JSON out")
}

/// The items maasc appended (those after the input's).
fn generated(input: &Value, output: &Value) -> Vec<Value> {
    items(output)[items(input).len()..].to_vec()
}

fn without_path_annotations(mut v: Value) -> Value {
    let annotations = v["metadata"]["annotations"].as_object_mut().unwrap();
    for key in PATH_ANNOTATIONS {
        annotations.remove(key);
    }
    if annotations.is_empty() {
        v["metadata"].as_object_mut().unwrap().remove("annotations");
    }
    v
}

fn render(example_dir: &str, cluster: &str) -> Vec<Value> {
    let loaded = common::load(&Path::new(example_dir).join("maas.yaml"));
    let stream = loaded.cluster_stream(None, cluster, None, false).unwrap();
    serde_saphyr::from_multiple(&stream).unwrap()
}

/// Returns the function's stdout.
fn assert_success_keeps_items_and_appends_the_cluster(
    fixture: &str,
    args: &[&str],
    cwd: &str,
) -> String {
    let (out, input, output) = krm(fixture, args, cwd);
    assert!(
        out.status.success(),
        "{fixture}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(output["kind"], "ResourceList");
    assert_eq!(output["apiVersion"], input["apiVersion"]);
    let kept = &items(&output)[..items(&input).len()];
    assert_eq!(
        kept,
        items(&input).as_slice(),
        "{fixture}: input items kept untouched"
    );
    assert!(
        output.get("results").is_none(),
        "{fixture}: {}",
        output["results"]
    );
    let added = generated(&input, &output);
    for item in &added {
        for key in PATH_ANNOTATIONS {
            assert!(
                item["metadata"]["annotations"][key].is_string(),
                "{fixture}: {key} on {}",
                item["metadata"]["name"]
            );
        }
    }
    // The same objects `maasc render` prints, in the same order.
    let plain: Vec<Value> = added.into_iter().map(without_path_annotations).collect();
    assert_eq!(plain, render("examples/minimal", "lab"), "{fixture}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn kustomize_generator_input_yields_the_cluster_objects() {
    // kustomize runs exec functions in the kustomization root: the htpasswd
    // file is found relative to it.
    let stdout = assert_success_keeps_items_and_appends_the_cluster(
        "kustomize-generator.yaml",
        &["--cluster", "lab"],
        "examples/minimal",
    );
    insta::assert_snapshot!("krm_kustomize_generator_output", stdout);
}

#[test]
fn existing_items_are_kept_and_the_htpasswd_secret_among_them_is_used() {
    let tmp = tempfile::tempdir().unwrap(); // no htpasswd file here
    let _ = assert_success_keeps_items_and_appends_the_cluster(
        "with-items.yaml",
        &[],
        tmp.path().to_str().unwrap(),
    );
}

#[test]
fn json_input_without_items_gives_json_output() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _, output) = krm("no-items.json", &[], tmp.path().to_str().unwrap());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let json: Value = serde_json::from_str(&text).expect("JSON in, JSON out");
    assert_eq!(json, output);
    assert_eq!(
        generated(&Value::Null, &output).len(),
        render("examples/minimal", "lab").len()
    );
}

#[test]
fn invalid_function_config_gives_error_results_with_field_paths_and_keeps_items() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, input, output) = krm(
        "invalid-function-config.yaml",
        &[],
        tmp.path().to_str().unwrap(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(items(&output), items(&input), "no item lost, none added");
    let results = output["results"].as_array().unwrap();
    let fields: Vec<(&str, &str)> = results
        .iter()
        .map(|r| {
            (
                r["severity"].as_str().unwrap(),
                r["field"]["path"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        fields.contains(&("error", "spec.models.0.tiers.0")),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("error", "spec.tiers.0.limits.tokens.window")),
        "{fields:?}"
    );
    assert!(results.iter().all(|r| r["file"]["path"] == "maas.yaml"));
    assert!(
        results
            .iter()
            .all(|r| r["resourceRef"]["kind"] == "MaaSPlatform")
    );
    assert!(
        results[1]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `free`?")
    );
    insta::assert_yaml_snapshot!("krm_invalid_results", output["results"]);
}

#[test]
fn missing_function_config_and_unknown_cluster_are_error_results() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path().to_str().unwrap();
    let (out, input, output) = krm("no-function-config.yaml", &[], cwd);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(items(&output), items(&input));
    assert!(
        output["results"][0]["message"]
            .as_str()
            .unwrap()
            .contains("functionConfig")
    );

    let (out, _, output) = krm("no-items.json", &["--cluster", "lba"], cwd);
    assert_eq!(out.status.code(), Some(1));
    assert!(items(&output).is_empty());
    let message = output["results"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("no cluster `lba`") && message.contains("`lab`"),
        "{message}"
    );
}

#[test]
fn garbage_on_stdin_fails_with_a_message_and_an_error_result() {
    let out = common::run_with_stdin(
        Command::new(env!("CARGO_BIN_EXE_maasc")).arg("krm"),
        b"kind: [unclosed",
    );
    assert_eq!(out.status.code(), Some(1));
    // Issue 13: the Functions Specification wants a ResourceList back, its
    // results saying what is wrong, never an empty stdout.
    let list: Value = serde_saphyr::from_slice(&out.stdout).unwrap();
    assert_eq!(list["kind"], "ResourceList");
    assert_eq!(list["items"], serde_json::json!([]));
    assert_eq!(list["results"][0]["severity"], "error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a KRM ResourceList"));
}

#[test]
fn generated_items_build_with_kubectl_kustomize() {
    let (out, input, output) = krm(
        "kustomize-generator.yaml",
        &["--cluster", "lab"],
        "examples/minimal",
    );
    assert!(out.status.success());
    let added = generated(&input, &output);
    common::assert_kustomize_builds(&added.iter().collect::<Vec<_>>());
}

#[test]
fn without_a_cluster_choice_every_cluster_is_emitted_under_its_own_path() {
    let mut config: Value =
        serde_saphyr::from_str(&std::fs::read_to_string("examples/dev-prod/maas.yaml").unwrap())
            .unwrap();
    config["metadata"]["annotations"] = serde_json::json!({
        "maasc.io/htpasswd": std::fs::read_to_string("examples/dev-prod/users.htpasswd").unwrap(),
    });
    let list = serde_json::json!({
        "apiVersion": "config.kubernetes.io/v1",
        "kind": "ResourceList",
        "items": [],
        "functionConfig": config,
    });
    let output = krm_json(&list);
    let paths: Vec<String> = items(&output)
        .iter()
        .map(|i| {
            i["metadata"]["annotations"]["config.kubernetes.io/path"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let dev = paths.iter().filter(|p| p.starts_with("dev/")).count();
    let prod = paths.iter().filter(|p| p.starts_with("prod/")).count();
    assert_eq!(dev, render("examples/dev-prod", "dev").len());
    assert_eq!(prod, render("examples/dev-prod", "prod").len());
    assert_eq!(dev + prod, paths.len());
    let unique: std::collections::BTreeSet<&String> = paths.iter().collect();
    assert_eq!(unique.len(), paths.len(), "every object has its own path");
    let results = output["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["severity"], "info");
    assert!(
        results[0]["message"]
            .as_str()
            .unwrap()
            .contains("dev, prod")
    );
}

#[test]
fn the_sync_waves_annotation_gives_every_generated_object_its_wave() {
    let mut list: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/krm/no-items.json").unwrap()).unwrap();
    list["functionConfig"]["metadata"]["annotations"]["maasc.io/sync-waves"] = "true".into();
    let output = krm_json(&list);
    let waves: Vec<&str> = output["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(waves.contains(&"10") && waves.contains(&"40"), "{waves:?}");
    let mut sorted = waves.clone();
    sorted.sort_by_key(|w| w.parse::<i32>().unwrap());
    assert_eq!(waves, sorted, "objects come in wave order");
}

/// The objects of `cluster` as the function used to emit them: each
/// rendered document read by the general YAML parser (serde-saphyr) into a
/// value tree, its component's wave added when asked, then the path
/// annotations. `maasc krm` now reads the documents with a reader of the
/// templates' own YAML subset (`render::read`); this is what it must equal.
fn value_tree_items(loaded: &maasc::Loaded, cluster: &str, sync_waves: bool) -> Vec<Value> {
    let objects = loaded.cluster_objects(None, cluster).unwrap();
    objects
        .iter()
        .map(|o| {
            let mut v: Value = serde_saphyr::from_str(&o.text).unwrap();
            let annotations = v["metadata"]
                .as_object_mut()
                .unwrap()
                .entry("annotations")
                .or_insert_with(|| serde_json::json!({}))
                .as_object_mut()
                .unwrap();
            if sync_waves {
                annotations
                    .entry(maasc::SYNC_WAVE)
                    .or_insert_with(|| o.wave.to_string().into());
            }
            for prefix in ["config.kubernetes.io", "internal.config.kubernetes.io"] {
                annotations.insert(format!("{prefix}/path"), o.path.clone().into());
                annotations.insert(format!("{prefix}/index"), "0".into());
            }
            v
        })
        .collect()
}

#[test]
fn every_example_and_cluster_gives_the_value_tree_objects_in_yaml_and_json() {
    for example in common::EXAMPLES {
        let path = common::example_path(example);
        let loaded = common::load(&path);
        let dir = path.parent().unwrap();
        let maas_yaml: Value =
            serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for cluster in &loaded.platform.clusters {
            let cluster = cluster.name.as_str();
            for sync_waves in [false, true] {
                let mut config = maas_yaml.clone();
                if sync_waves {
                    config["metadata"]["annotations"]["maasc.io/sync-waves"] = "true".into();
                }
                let list = serde_json::json!({
                    "apiVersion": "config.kubernetes.io/v1",
                    "kind": "ResourceList",
                    "items": [],
                    "functionConfig": config,
                });
                let want = value_tree_items(&loaded, cluster, sync_waves);
                for json in [false, true] {
                    let input = if json {
                        list.to_string()
                    } else {
                        serde_saphyr::to_string(&list).unwrap()
                    };
                    let out = common::run_with_stdin(
                        Command::new(env!("CARGO_BIN_EXE_maasc"))
                            .current_dir(dir)
                            .args(["krm", "--cluster", cluster]),
                        input.as_bytes(),
                    );
                    let what = format!("{example}/{cluster} (json: {json}, waves: {sync_waves})");
                    assert!(
                        out.status.success(),
                        "{what}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    let stdout = String::from_utf8(out.stdout).unwrap();
                    let output: Value = if json {
                        serde_json::from_str(&stdout).expect("JSON in, JSON out")
                    } else {
                        serde_saphyr::from_str(&stdout).unwrap()
                    };
                    let got = items(&output);
                    assert_eq!(got.len(), want.len(), "{what}");
                    for (g, w) in got.iter().zip(&want) {
                        assert_eq!(g, w, "{what}");
                    }
                }
            }
        }
    }
}

/// Every object the built-in templates render for every example is in the
/// subset `render::read` knows (so `maasc krm` never needs the general
/// parser for them), and reads as the general parser reads it.
#[test]
fn every_built_in_object_reads_back_without_the_general_parser() {
    let mut objects = 0;
    for example in common::EXAMPLES {
        let loaded = common::load(&common::example_path(example));
        for cluster in &loaded.platform.clusters {
            for o in loaded.cluster_objects(None, cluster.name.as_str()).unwrap() {
                let general: Value = serde_saphyr::from_str(&o.text).unwrap();
                let fast = maasc::render::read::document(&o.text)
                    .unwrap_or_else(|| panic!("{}: not in the subset:\n{}", o.path, o.text));
                assert_eq!(fast, general, "{}", o.path);
                objects += 1;
            }
        }
    }
    assert!(objects > 200, "{objects} objects");
}

/// Text outside the reader's subset (an overridden template may write any
/// YAML) is still read, by the general parser, and gets its wave.
#[test]
fn an_object_outside_the_fast_subset_is_read_by_the_general_parser() {
    let object = maasc::StreamObject {
        path: "c/x/config-map-a.yaml".into(),
        text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  ratio: 0.5\n  folded: >\n    a\n    b\n".into(),
        wave: 3,
    };
    assert_eq!(maasc::render::read::document(&object.text), None);
    let value = object.value(true).unwrap();
    assert_eq!(value["data"]["ratio"], 0.5);
    assert_eq!(value["data"]["folded"], "a b\n");
    assert_eq!(value["metadata"]["annotations"][maasc::SYNC_WAVE], "3");
}
