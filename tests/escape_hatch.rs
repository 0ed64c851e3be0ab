//! Issue 19 item 4, the escape hatch: a cluster's own kustomize components
//! become Applications beside maasc's, and its patches to generated
//! components live in their overlays, where kustomize applies them and
//! `maasc check` verifies they still apply. Also the opt-outs of the
//! platform extras.

mod common;

use std::fs;
use std::path::Path;

use common::cli::{git, maasc, stderr};
use serde_json::Value;

/// Whether `kubectl` runs: the tests that build with it say so and skip
/// when it is absent (it is a prerequisite, see README).
fn kubectl_present() -> bool {
    let kubectl = std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".into());
    let ok = std::process::Command::new(&kubectl)
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: `{kubectl}` is not installed; the kustomize build is not checked");
    }
    ok
}

fn kustomize(dir: &Path) -> Vec<Value> {
    let built = common::kubectl_kustomize(dir);
    assert!(
        built.status.success(),
        "kubectl kustomize {}: {}",
        dir.display(),
        String::from_utf8_lossy(&built.stderr)
    );
    serde_saphyr::from_multiple(&String::from_utf8(built.stdout).unwrap()).unwrap()
}

fn find<'a>(objects: &'a [Value], kind: &str, name: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

#[test]
fn the_patched_models_overlay_builds_with_kubectl_and_carries_the_patches() {
    if !kubectl_present() {
        return;
    }
    let (_tmp, out, _) = common::generate_into_temp("escape-hatch");
    let objects = kustomize(&out.join("edge/models/llm"));
    let model = find(&objects, "LLMInferenceService", "opt-125m-simulated");
    // JSON 6902: replaced, the rest of the container kept.
    assert_eq!(model["spec"]["replicas"], 2);
    let containers = model["spec"]["template"]["containers"].as_array().unwrap();
    assert_eq!(containers.len(), 1);
    let main = &containers[0];
    assert_eq!(main["name"], "main");
    assert_eq!(main["resources"]["limits"]["memory"], "512Mi");
    assert_eq!(main["resources"]["requests"]["memory"], "512Mi");
    assert_eq!(main["resources"]["limits"]["cpu"], "100m");
    assert!(main["image"].as_str().unwrap().contains("inference-sim"));
    // Strategic merge: the maps merged, maasc's annotation kept.
    assert_eq!(
        model["metadata"]["annotations"]["example.com/owner"],
        "ml-platform"
    );
    assert_eq!(
        model["metadata"]["labels"]["example.com/cost-center"],
        "ml-platform"
    );
    assert_eq!(
        model["metadata"]["annotations"]["alpha.maas.opendatahub.io/tiers"],
        "[\"free\"]"
    );
    // The patch from a file.
    let ns = find(&objects, "Namespace", "llm");
    assert_eq!(
        ns["metadata"]["labels"]["example.com/cost-center"],
        "ml-platform"
    );
    // The base is shared and unpatched: the patches are the overlay's.
    let base = kustomize(&out.join("base/models/llm"));
    let unpatched = find(&base, "LLMInferenceService", "opt-125m-simulated");
    assert_eq!(unpatched["spec"]["replicas"], 1);
    // `maasc render` gives what kubectl builds, patches included.
    let loaded = common::load(&common::example_path("escape-hatch"));
    let stream = loaded
        .cluster_stream(None, "edge", Some("models/llm"), false)
        .unwrap();
    let rendered: Vec<Value> = serde_saphyr::from_multiple(&stream).unwrap();
    assert_eq!(rendered, objects);
}

#[test]
fn extra_components_are_applications_in_their_waves_with_the_same_policy() {
    let files = common::build(&common::example_path("escape-hatch"));
    let doc = |path: &str| -> Value {
        let f = files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path}"));
        serde_saphyr::from_str(&f.content).unwrap()
    };
    let generated = doc("edge/apps/models-llm.yaml");
    for (file, wave, repo, path) in [
        (
            "edge/apps/extra-model-quotas.yaml",
            "100",
            "https://github.com/acme/maas-edge.git",
            "examples/escape-hatch/extras/model-quotas",
        ),
        (
            "edge/apps/extra-console-links.yaml",
            "50",
            "https://github.com/acme/maas-edge.git",
            "examples/escape-hatch/extras/console-links",
        ),
        (
            "edge/apps/extra-web-terminal.yaml",
            "10",
            "https://github.com/redhat-cop/gitops-catalog",
            "web-terminal/operator/overlays/fast",
        ),
    ] {
        let app = doc(file);
        assert_eq!(
            app["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"],
            wave
        );
        assert_eq!(app["spec"]["source"]["repoURL"], repo, "{file}");
        assert_eq!(app["spec"]["source"]["path"], path, "{file}");
        assert_eq!(app["spec"]["syncPolicy"], generated["spec"]["syncPolicy"]);
        assert_eq!(app["spec"]["project"], generated["spec"]["project"]);
        assert_eq!(
            app["metadata"]["finalizers"],
            generated["metadata"]["finalizers"]
        );
    }
    let remote = doc("edge/apps/extra-web-terminal.yaml");
    assert_eq!(
        remote["spec"]["source"]["targetRevision"],
        "224c4c0870d2f21745fc02f13d79a4a15b280136"
    );
    // The AppProject lets the Applications sync from the remote repository.
    let project = doc("edge/bootstrap/appproject-maas.yaml");
    let repos: Vec<&str> = project["spec"]["sourceRepos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(
        repos,
        [
            "https://github.com/acme/maas-edge.git",
            "https://github.com/redhat-cop/gitops-catalog"
        ]
    );
    // The apps folder lists them.
    let apps = doc("edge/apps/kustomization.yaml");
    let listed = apps["resources"].as_array().unwrap();
    assert!(listed.iter().any(|r| r == "extra-model-quotas.yaml"));
}

/// The example copied into a scratch Git repository at `platform/`.
fn scratch_repository() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    common::copy_dir(
        Path::new("examples/escape-hatch"),
        &tmp.path().join("platform"),
    );
    git(tmp.path(), &["init", "-q"]);
    tmp
}

#[test]
fn check_fails_when_a_patch_no_longer_applies() {
    let repo = scratch_repository();
    let dir = repo.path().join("platform");
    let out = maasc(&dir, &["generate", "-o", "clusters"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Local paths are repository paths beside maas.yaml.
    let app = fs::read_to_string(dir.join("clusters/edge/apps/extra-model-quotas.yaml")).unwrap();
    assert!(app.contains("path: platform/extras/model-quotas"), "{app}");
    let out = maasc(&dir, &["check", "-o", "clusters"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The model is renamed: the patches' target is gone.
    let yaml = dir.join("maas.yaml");
    let text = fs::read_to_string(&yaml).unwrap();
    fs::write(
        &yaml,
        text.replace("  - name: opt-125m-simulated\n", "  - name: opt-125m-sim\n"),
    )
    .unwrap();
    let out = maasc(&dir, &["check", "-o", "clusters"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "error[E081]: LLMInferenceService `opt-125m-simulated` is not an object of models/llm"
        ),
        "{err}"
    );
    assert!(err.contains("did you mean `opt-125m-sim`?"), "{err}");
    // A JSON 6902 path that is not there any more.
    fs::write(
        &yaml,
        text.replace(
            "path: /spec/replicas, value: 2",
            "path: /spec/scaling/maxReplicas, value: 2",
        ),
    )
    .unwrap();
    let err = stderr(&maasc(&dir, &["validate"]));
    assert!(err.contains("error[E083]"), "{err}");
    assert!(
        err.contains("`/spec/scaling/maxReplicas` does not exist"),
        "{err}"
    );
}

#[test]
fn platform_extras_can_be_left_out_per_cluster() {
    let kinds = |text: &str| -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        fs::copy(
            "examples/ocpai3-aws/users.htpasswd",
            dir.path().join("users.htpasswd"),
        )
        .unwrap();
        let path = dir.path().join("maas.yaml");
        fs::write(&path, text).unwrap();
        let loaded = common::load(&path);
        maasc::build_tree(&loaded, None)
            .unwrap()
            .into_iter()
            .filter_map(|f| {
                let v: Value = serde_saphyr::from_str(&f.content).ok()?;
                v["kind"].as_str().map(str::to_string)
            })
            .collect()
    };
    let text = fs::read_to_string("examples/ocpai3-aws/maas.yaml").unwrap();
    let all = kinds(&text);
    assert!(all.iter().any(|k| k == "HardwareProfile"));
    assert!(all.iter().any(|k| k == "OdhDashboardConfig"));
    let anchor = "    - name: ocpai3-aws\n";
    assert!(text.contains(anchor));
    for (switch, gone, kept) in [
        ("hardwareProfiles", "HardwareProfile", "OdhDashboardConfig"),
        ("dashboard", "OdhDashboardConfig", "HardwareProfile"),
    ] {
        let edited = text.replacen(
            anchor,
            &format!("{anchor}      platformExtras:\n        {switch}: {{enabled: false}}\n"),
            1,
        );
        let out = kinds(&edited);
        assert!(!out.iter().any(|k| k == gone), "{switch}");
        assert!(out.iter().any(|k| k == kept), "{switch}");
    }
}
