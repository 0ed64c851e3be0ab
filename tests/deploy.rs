//! deploy/argocd: the Config Management Plugin and the KRM-function setup,
//! run the way ArgoCD and kustomize run them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn yaml(path: &str) -> Value {
    serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// PATH with the freshly built maasc first, as the sidecar image has it.
fn path_with_maasc() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_maasc")).parent().unwrap();
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap())
}

fn plugin_schema() -> jsonschema::Validator {
    jsonschema::validator_for(&yaml("schemas/argocd-cmp-plugin.schema.json")).unwrap()
}

#[test]
fn plugin_yaml_validates_against_its_schema() {
    let schema = plugin_schema();
    let plugin = yaml("deploy/argocd/plugin.yaml");
    let errors: Vec<String> = schema.iter_errors(&plugin).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    // The schema can fail: no generate command, a misspelt field, no discovery.
    let mut broken = plugin.clone();
    broken["spec"]["generate"]["command"] = serde_json::json!([]);
    assert!(!schema.is_valid(&broken));
    let mut broken = plugin.clone();
    broken["spec"]["generat"] = plugin["spec"]["generate"].clone();
    assert!(!schema.is_valid(&broken));
    let mut broken = plugin;
    broken["spec"]["discover"] = serde_json::json!({});
    assert!(!schema.is_valid(&broken));
}

/// Runs the plugin's generate command in `source` as the CMP server does:
/// no shell, parameters as PARAM_* variables.
fn cmp_generate(source: &Path, params: &[(&str, &str)]) -> std::process::Output {
    let plugin = yaml("deploy/argocd/plugin.yaml");
    let discover = plugin["spec"]["discover"]["fileName"].as_str().unwrap();
    assert!(
        source.join(discover).is_file(),
        "discovery finds {discover}"
    );
    let command: Vec<&str> = plugin["spec"]["generate"]["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut cmd = Command::new(command[0]);
    cmd.args(&command[1..])
        .current_dir(source)
        .env("PATH", path_with_maasc())
        .env_remove("PARAM_CLUSTER")
        .env_remove("PARAM_COMPONENT");
    for (k, v) in params {
        cmd.env(format!("PARAM_{}", k.to_uppercase()), v);
    }
    cmd.output().unwrap()
}

#[test]
fn the_plugin_renders_the_cluster_its_parameter_names() {
    let source = PathBuf::from("examples/dev-prod");
    let out = cmp_generate(&source, &[("cluster", "prod")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let loaded = common::load(&source.join("maas.yaml"));
    let expected = loaded.cluster_stream(None, "prod", None, true).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);

    let one = cmp_generate(
        &source,
        &[("cluster", "prod"), ("component", "models/code")],
    );
    assert!(one.status.success());
    let only = loaded
        .cluster_stream(None, "prod", Some("models/code"), true)
        .unwrap();
    assert_eq!(String::from_utf8(one.stdout).unwrap(), only);

    // Two clusters and no parameter: a failure with nothing on stdout, so
    // ArgoCD does not prune the cluster.
    let none = cmp_generate(&source, &[]);
    assert!(!none.status.success());
    assert!(none.stdout.is_empty());
    assert!(String::from_utf8_lossy(&none.stderr).contains("--cluster"));
}

#[test]
fn the_krm_example_runs_as_kustomize_runs_it() {
    let dir = Path::new("deploy/argocd/krm-example");
    let kustomization = yaml("deploy/argocd/krm-example/kustomization.yaml");
    let generators = kustomization["generators"].as_array().unwrap();
    assert!(!generators.is_empty());
    for generator in generators {
        let file = dir.join(generator.as_str().unwrap());
        let mut config: Value =
            serde_saphyr::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let spec: Value = serde_saphyr::from_str(
            config["metadata"]["annotations"]["config.kubernetes.io/function"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        let path = spec["exec"]["path"].as_str().unwrap();
        let args: Vec<&str> = spec["exec"]["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        // What kustomize's fnplugin does: stamp local-config, pass the
        // config as the only item, run the exec in the kustomization root.
        config["metadata"]["annotations"]["config.kubernetes.io/local-config"] = "true".into();
        let list = serde_json::json!({
            "apiVersion": "config.kubernetes.io/v1",
            "kind": "ResourceList",
            "items": [config.clone()],
            "functionConfig": config,
        });
        let out = common::run_with_stdin(
            Command::new(path)
                .args(&args)
                .current_dir(dir)
                .env("PATH", path_with_maasc()),
            serde_saphyr::to_string(&list).unwrap().as_bytes(),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let output: Value = serde_saphyr::from_slice(&out.stdout).unwrap();
        // kustomize drops local-config items and keeps the rest.
        let resources: Vec<&Value> = output["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["metadata"]["annotations"]["config.kubernetes.io/local-config"] != "true")
            .collect();
        assert!(resources.len() > 10, "the cluster's objects are generated");
        common::assert_kustomize_builds(&resources);
    }
}

#[test]
fn the_repo_server_patch_applies_to_argocds_deployment() {
    let tmp = tempfile::tempdir().unwrap();
    // The parts of upstream install.yaml's argocd-repo-server the patch meets.
    std::fs::write(
        tmp.path().join("repo-server.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: argocd-repo-server\nspec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: argocd-repo-server\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: argocd-repo-server\n    spec:\n      containers:\n        - name: argocd-repo-server\n          image: quay.io/argoproj/argocd:v3.1.0\n      volumes:\n        - name: var-files\n          emptyDir: {}\n        - name: plugins\n          emptyDir: {}\n",
    )
    .unwrap();
    std::fs::copy(
        "deploy/argocd/repo-server-patch.yaml",
        tmp.path().join("patch.yaml"),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("kustomization.yaml"),
        "resources:\n  - repo-server.yaml\npatches:\n  - path: patch.yaml\n",
    )
    .unwrap();
    let out = common::kubectl_kustomize(tmp.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let built: Value = serde_saphyr::from_slice(&out.stdout).unwrap();
    let spec = &built["spec"]["template"]["spec"];
    let names = |key: &str| -> Vec<String> {
        spec[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("containers"), ["argocd-repo-server", "maasc"]);
    assert_eq!(names("initContainers"), ["install-maasc"]);
    assert_eq!(
        names("volumes"),
        ["custom-tools", "maasc-tmp", "var-files", "plugins"]
    );
    let sidecar = &spec["containers"][1];
    assert_eq!(sidecar["securityContext"]["runAsUser"], 999);
    assert_eq!(sidecar["command"][0], "/var/run/argocd/argocd-cmp-server");
}

#[test]
fn the_containerfile_builds_a_static_non_root_image_with_the_plugin() {
    let text = std::fs::read_to_string("deploy/argocd/Containerfile").unwrap();
    assert!(text.contains("+crt-static") && text.contains("x86_64-unknown-linux-musl"));
    assert!(text.contains("USER 999:999"));
    assert!(
        text.contains("COPY deploy/argocd/plugin.yaml /home/argocd/cmp-server/config/plugin.yaml")
    );
    assert!(text.contains("--locked"));
}
