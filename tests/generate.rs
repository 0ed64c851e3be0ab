//! `generate` end to end on every example: snapshots, kustomize builds,
//! Application paths, determinism, no-op runs, atomicity, pruning.

mod common;

use maasc::tree::GeneratedTree;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;
use maasc::emit::{compare, write_tree, write_tree_failing_after};

fn tree_text(files: &[maasc::render::RenderedFile]) -> String {
    files
        .iter()
        .map(|f| format!("=== {}\n{}", f.path, f.content))
        .collect()
}

#[test]
fn generated_trees_match_their_snapshots() {
    for example in EXAMPLES {
        let files = build(&example_path(example));
        insta::with_settings!({ snapshot_suffix => *example, omit_expression => true }, {
            insta::assert_snapshot!(tree_text(&files));
        });
    }
}

#[test]
fn every_kustomization_builds_with_kubectl_and_render_matches_it() {
    for example in EXAMPLES {
        let (_tmp, out, files) = generate_into_temp(example);
        let dirs: Vec<&str> = files
            .iter()
            .filter_map(|f| f.path.strip_suffix("/kustomization.yaml"))
            .collect();
        assert!(!dirs.is_empty());
        let tree = GeneratedTree::from(files.clone());
        let loaded = load(&example_path(example));
        let mut built: BTreeMap<&str, Vec<serde_json::Value>> = BTreeMap::new();
        for dir in dirs {
            let result = kubectl_kustomize(&out.join(dir));
            assert!(
                result.status.success(),
                "{example}: kubectl kustomize {dir} failed:\n{}",
                String::from_utf8_lossy(&result.stderr)
            );
            let objects: Vec<serde_json::Value> =
                serde_saphyr::from_multiple(&String::from_utf8(result.stdout).unwrap()).unwrap();
            assert!(!objects.is_empty(), "{example}: {dir} builds to nothing");
            // maasc's own build of the folder: the same objects, same order.
            let ours: Vec<serde_json::Value> = tree
                .build(dir)
                .unwrap()
                .into_iter()
                .map(|o| o.value)
                .collect();
            assert_eq!(
                ours, objects,
                "{example}: maasc builds {dir} unlike kubectl"
            );
            built.insert(dir, objects);
        }
        // `maasc render` of a cluster is the concatenation of what kubectl
        // builds for each of its component overlays, in sync-wave order.
        for cluster in tree.clusters() {
            let components = tree.cluster_components(&cluster).unwrap();
            let expected: Vec<serde_json::Value> = components
                .iter()
                .flat_map(|dir| built[dir.as_str()].clone())
                .collect();
            let stream = loaded.cluster_stream(None, &cluster, None, false).unwrap();
            let rendered: Vec<serde_json::Value> = serde_saphyr::from_multiple(&stream).unwrap();
            assert_eq!(rendered, expected, "{example}: render --cluster {cluster}");
            let roots: Vec<String> = tree
                .roots()
                .into_iter()
                .filter(|r| r.starts_with(&format!("{cluster}/")))
                .filter(|r| !r.ends_with("/apps") && !r.ends_with("/bootstrap"))
                .collect();
            assert_eq!(
                components.len(),
                roots.len(),
                "{example}: every component of {cluster} is rendered"
            );
        }
    }
}

#[test]
fn every_application_points_at_a_generated_kustomization() {
    for example in EXAMPLES {
        let loaded = load(&example_path(example));
        let prefix = format!("{}/", loaded.platform.gitops.path);
        let (_tmp, out, files) = generate_into_temp(example);
        let mut owners: BTreeMap<String, String> = BTreeMap::new();
        let mut apps = 0;
        let mut extras = 0;
        for f in &files {
            let doc: serde_json::Value = match serde_saphyr::from_str(&f.content) {
                Ok(d) => d,
                Err(_) => continue,
            };
            if doc["kind"] != "Application" {
                continue;
            }
            apps += 1;
            let path = doc["spec"]["source"]["path"].as_str().unwrap();
            if doc["spec"]["source"]["repoURL"] != loaded.platform.gitops.repo_url.as_str() {
                // A remote extra component: pinned, never maasc's folder.
                extras += 1;
                assert!(!path.starts_with('/') && !path.split('/').any(|s| s == ".."));
                continue;
            }
            let Some(rel) = path.strip_prefix(&prefix) else {
                // An extra component of this repository: the tests run at
                // its root, so the path is a folder here, and it builds.
                extras += 1;
                assert!(
                    Path::new(path).join("kustomization.yaml").is_file(),
                    "{example}: {} points at missing {path}",
                    f.path
                );
                let built = kubectl_kustomize(Path::new(path));
                assert!(built.status.success(), "{example}: {path} does not build");
                continue;
            };
            assert!(
                out.join(rel).join("kustomization.yaml").is_file(),
                "{example}: {} points at missing {path}",
                f.path
            );
            let name = doc["metadata"]["name"].as_str().unwrap().to_string();
            if let Some(other) = owners.insert(path.to_string(), name.clone()) {
                panic!("{example}: {path} is owned by both {other} and {name}");
            }
        }
        assert!(apps > 3, "{example}: only {apps} Applications");
        let declared: usize = loaded
            .platform
            .clusters
            .iter()
            .map(|c| c.extras.components.len())
            .sum();
        assert_eq!(
            extras, declared,
            "{example}: an Application per extra component"
        );
    }
}

#[test]
fn output_is_deterministic_and_independent_of_list_order() {
    for example in EXAMPLES {
        let path = example_path(example);
        let first = build(&path);
        assert_eq!(first, build(&path), "{example}: two runs differ");
        // Reverse every named list, then read the JSON form (JSON is YAML).
        let text = std::fs::read_to_string(&path).unwrap();
        let mut doc: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        for pointer in [
            "/spec/clusters",
            "/spec/tiers",
            "/spec/models",
            "/spec/identity/groups",
        ] {
            if let Some(serde_json::Value::Array(items)) = doc.pointer_mut(pointer) {
                items.reverse();
            }
        }
        if let Some(serde_json::Value::Array(clusters)) = doc.pointer_mut("/spec/clusters") {
            for c in clusters {
                if let Some(serde_json::Value::Array(pools)) = c.get_mut("machinePools") {
                    pools.reverse();
                }
            }
        }
        let shuffled = maasc::load_text(&path, serde_json::to_string_pretty(&doc).unwrap(), None)
            .unwrap_or_else(|e| panic!("{}", e.render()));
        let second = maasc::build_tree(&shuffled, None).unwrap();
        assert_eq!(
            tree_text(&first),
            tree_text(&second),
            "{example}: list order changed the output"
        );
    }
}

fn snapshot_dir(dir: &Path) -> BTreeMap<String, (Vec<u8>, std::time::SystemTime)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let meta = e.metadata().unwrap();
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                (std::fs::read(e.path()).unwrap(), meta.modified().unwrap()),
            )
        })
        .collect()
}

#[test]
fn a_second_run_writes_nothing() {
    let (_tmp, out, files) = generate_into_temp("ocpai3-aws");
    let before = snapshot_dir(&out);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let changes = write_tree(&out, &files).unwrap();
    assert!(changes.is_empty(), "{changes:?}");
    assert_eq!(changes.unchanged, files.len());
    assert_eq!(before, snapshot_dir(&out), "a no-op run touched files");
}

#[test]
fn a_failed_run_leaves_the_old_tree() {
    let (tmp, out, _) = generate_into_temp("minimal");
    std::fs::write(out.join("NOTES.md"), "mine").unwrap();
    let before = snapshot_dir(&out);
    let other = build(&example_path("dev-prod"));
    assert!(write_tree_failing_after(&out, &other, 5).is_err());
    assert_eq!(
        before,
        snapshot_dir(&out),
        "the failed run changed the tree"
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["clusters"], "staging folders were left behind");
}

#[test]
fn pruning_removes_stale_generated_files_and_keeps_user_files() {
    let (_tmp, out, _) = generate_into_temp("dev-prod");
    std::fs::write(out.join("README.md"), "mine").unwrap();
    std::fs::create_dir_all(out.join("prod/extra")).unwrap();
    std::fs::write(out.join("prod/extra/patch.yaml"), "mine too").unwrap();
    let minimal = build(&example_path("minimal"));
    let changes = write_tree(&out, &minimal).unwrap();
    assert!(!changes.removed.is_empty());
    assert!(out.join("README.md").is_file());
    assert!(out.join("prod/extra/patch.yaml").is_file());
    assert!(
        !out.join("dev").exists(),
        "the dev cluster's generated folder should be gone"
    );
    assert!(
        !out.join("prod/apps").exists(),
        "prod's generated files should be gone"
    );
    assert!(compare(&out, &minimal).unwrap().is_empty());
}

#[test]
fn the_committed_clusters_tree_is_current() {
    let files = build(&example_path("ocpai3-aws"));
    let changes = compare(Path::new("clusters"), &files).unwrap();
    assert!(
        changes.is_empty(),
        "clusters/ is stale, run `cargo run -- generate -f examples/ocpai3-aws/maas.yaml -o clusters`: {changes:?}"
    );
}

#[test]
fn every_example_validates() {
    for example in EXAMPLES {
        let out = Command::new(env!("CARGO_BIN_EXE_maasc"))
            .args(["validate", "-f"])
            .arg(example_path(example))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{example}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_committed_schema_is_current() {
    let committed = std::fs::read_to_string("schemas/maas.schema.json").unwrap();
    assert_eq!(
        committed,
        maasc::schema::maas_schema_json(),
        "schemas/maas.schema.json is stale: run `cargo run -- schema > schemas/maas.schema.json`"
    );
}

#[test]
fn t4_pools_get_the_vllm_workarounds_and_others_do_not() {
    let files = build(&example_path("dev-prod"));
    let find = |suffix: &str| {
        files
            .iter()
            .find(|f| f.path.ends_with(suffix))
            .unwrap_or_else(|| panic!("no {suffix}"))
            .content
            .clone()
    };
    let t4 = find("llminferenceservice-qwen3-0-6b.yaml");
    assert!(
        t4.contains("XFORMERS")
            && t4.contains("--dtype=float16")
            && t4.contains("VLLM_USE_TRITON_FLASH_ATTN"),
        "{t4}"
    );
    let a10g = find("llminferenceservice-mistral-7b-instruct.yaml");
    assert!(
        !a10g.contains("XFORMERS") && !a10g.contains("--dtype"),
        "{a10g}"
    );
}

#[test]
fn models_carry_exactly_their_tiers() {
    let files = build(&example_path("ocpai3-aws"));
    let sim = files
        .iter()
        .find(|f| {
            f.path
                .ends_with("llminferenceservice-acme-opt-125m-simulated.yaml")
        })
        .unwrap();
    assert!(
        sim.content
            .contains(r#"alpha.maas.opendatahub.io/tiers: '["acme-inc-dedicated"]'"#),
        "{}",
        sim.content
    );
}

#[test]
fn templates_can_be_overridden_from_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let original = maasc::render::TEMPLATES
        .iter()
        .find(|(n, _)| *n == "namespace.yaml")
        .unwrap()
        .1;
    let custom = original.replace(
        "metadata:\n",
        "metadata:\n  annotations:\n    acme.example.com/owner: platform-team\n",
    );
    std::fs::write(dir.path().join("namespace.yaml.j2"), custom).unwrap();
    let loaded = load(&example_path("minimal"));
    let files = maasc::build_tree(&loaded, Some(dir.path())).unwrap();
    let ns = files
        .iter()
        .find(|f| f.path.ends_with("namespace-llm.yaml"))
        .unwrap();
    assert!(
        ns.content.contains("acme.example.com/owner: platform-team"),
        "{}",
        ns.content
    );

    // An override that renders another object is refused, not emitted.
    std::fs::write(
        dir.path().join("namespace.yaml.j2"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    )
    .unwrap();
    let err = maasc::build_tree(&loaded, Some(dir.path())).unwrap_err();
    assert!(
        err.to_string().contains("must render v1 Namespace"),
        "{err}"
    );
    std::fs::write(dir.path().join("namespace.yaml.j2"), "a: [unclosed\n").unwrap();
    let err = maasc::build_tree(&loaded, Some(dir.path())).unwrap_err();
    assert!(err.to_string().contains("invalid YAML"), "{err}");
    std::fs::write(dir.path().join("namespace.yaml.j2"), "{{ no_such_value }}").unwrap();
    assert!(maasc::build_tree(&loaded, Some(dir.path())).is_err());
}

#[test]
fn the_gateway_certificate_defaults_to_the_ingress_certificate_and_can_be_named() {
    // On aws (a LoadBalancer gateway); baremetal defaults to a service-ca
    // certificate the router's re-encrypt Route trusts.
    let certificate_on = |platform: &str, gateway: &str| -> Result<String, String> {
        let loaded = load_minimal_with(|text| {
            text.replace(
                "spec:\n",
                &format!("spec:\n  maas:\n    gateway: {gateway}\n"),
            )
            .replace("        type: baremetal\n", platform)
        })
        .map_err(|e| e.render())?;
        let files = maasc::build_tree(&loaded, None).unwrap();
        let gateway = files
            .iter()
            .find(|f| f.path.contains("/gateway-"))
            .expect("a Gateway file");
        let doc: serde_json::Value = serde_saphyr::from_str(&gateway.content).unwrap();
        let https = doc["spec"]["listeners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["name"] == "https")
            .expect("an https listener");
        Ok(https["tls"]["certificateRefs"][0]["name"]
            .as_str()
            .unwrap()
            .to_string())
    };
    let certificate =
        |gateway: &str| certificate_on("        type: aws\n        region: us-east-2\n", gateway);
    assert_eq!(certificate("{}").unwrap(), "router-certs-default");
    let baremetal = |gateway: &str| certificate_on("        type: baremetal\n", gateway);
    assert_eq!(baremetal("{}").unwrap(), "maas-default-gateway-service-tls");
    assert_eq!(
        baremetal("{certificateSecret: maas-wildcard-cert}").unwrap(),
        "maas-wildcard-cert"
    );
    assert_eq!(
        certificate("{namespace: maas-gateway}").unwrap(),
        "maas-default-gateway-tls"
    );
    assert_eq!(
        certificate("{certificateSecret: maas-wildcard-cert}").unwrap(),
        "maas-wildcard-cert"
    );
    let err = certificate("{certificateSecret: Not_A_Name}").unwrap_err();
    assert!(err.contains("E010"), "{err}");
}

#[test]
fn sync_waves_in_the_stream_are_those_of_the_committed_applications() {
    use maasc::SYNC_WAVE;
    for example in EXAMPLES {
        let loaded = load(&example_path(example));
        let tree = GeneratedTree::from(maasc::build_tree(&loaded, None).unwrap());
        for cluster in tree.clusters() {
            // component folder → wave, as the committed Applications say
            let waves: BTreeMap<String, String> = tree
                .build(&format!("{cluster}/apps"))
                .unwrap()
                .into_iter()
                // apps/ also holds the ArgoCD health-check patch (wave -1)
                // and the Applications of the user's own components.
                .filter(|o| o.kind() == "Application")
                .filter(|o| o.value["metadata"]["labels"][maasc::plan::EXTRA_LABEL].is_null())
                .map(|app| {
                    let path = app.value["spec"]["source"]["path"].as_str().unwrap();
                    let dir = path
                        .split_once(&format!("{cluster}/"))
                        .unwrap()
                        .1
                        .to_string();
                    let wave = app.value["metadata"]["annotations"][SYNC_WAVE]
                        .as_str()
                        .unwrap();
                    (dir, wave.to_string())
                })
                .collect();
            let objects = loaded.cluster_objects(None, &cluster).unwrap();
            let plain: Vec<serde_json::Value> = serde_saphyr::from_multiple(
                &loaded.cluster_stream(None, &cluster, None, false).unwrap(),
            )
            .unwrap();
            let waved: Vec<serde_json::Value> = serde_saphyr::from_multiple(
                &loaded.cluster_stream(None, &cluster, None, true).unwrap(),
            )
            .unwrap();
            assert_eq!(waved.len(), plain.len());
            for ((object, mut with_wave), without) in objects.iter().zip(waved).zip(plain) {
                let dir = object.path.split_once('/').unwrap().1;
                let dir = dir.rsplit_once('/').unwrap().0;
                let annotations = with_wave["metadata"]["annotations"]
                    .as_object_mut()
                    .unwrap();
                let wave = annotations.remove(SYNC_WAVE).unwrap();
                assert_eq!(
                    wave.as_str(),
                    Some(waves[dir].as_str()),
                    "{example}: {}",
                    object.path
                );
                if annotations.is_empty() && without["metadata"].get("annotations").is_none() {
                    with_wave["metadata"]
                        .as_object_mut()
                        .unwrap()
                        .remove("annotations");
                }
                assert_eq!(with_wave, without, "{example}: only the wave is added");
            }
        }
    }
}
