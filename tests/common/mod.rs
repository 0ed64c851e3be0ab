//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

pub mod grants;
pub mod serving;

pub mod crd;
pub mod rng;

use std::path::{Path, PathBuf};

use maasc::render::RenderedFile;

pub const EXAMPLES: &[&str] = &[
    "ocpai3-aws",
    "dev-prod",
    "minimal",
    "migration",
    "versions",
    "escape-hatch",
    "in-cluster-db",
    "tenants",
];

pub fn example_path(name: &str) -> PathBuf {
    PathBuf::from("examples").join(name).join("maas.yaml")
}

pub fn load(path: &Path) -> maasc::Loaded {
    maasc::load(path)
        .unwrap_or_else(|e| panic!("{} does not load:\n{}", path.display(), e.render()))
}

pub fn build(path: &Path) -> Vec<RenderedFile> {
    maasc::build_tree(&load(path), None).expect("renders")
}

/// Generates `example` into a fresh temporary folder.
pub fn generate_into_temp(example: &str) -> (tempfile::TempDir, PathBuf, Vec<RenderedFile>) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("clusters");
    let files = build(&example_path(example));
    maasc::emit::write_tree(&out, &files).unwrap();
    (tmp, out, files)
}

/// Copies the folder `from` (an example: maas.yaml, htpasswd, the folders
/// of its extra components and patch files) into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// `kubectl kustomize DIR` (`$KUBECTL` names another binary).
pub fn kubectl_kustomize(dir: &Path) -> std::process::Output {
    let kubectl = std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".into());
    std::process::Command::new(&kubectl)
        .arg("kustomize")
        .arg(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `{kubectl} kustomize` (kubectl is a prerequisite, see README): {e}")
        })
}

/// Writes `objects` as the resources of a fresh kustomization and asserts
/// that `kubectl kustomize` builds it.
pub fn assert_kustomize_builds(objects: &[&serde_json::Value]) {
    let tmp = tempfile::tempdir().unwrap();
    let mut list = String::from("resources:\n");
    for (i, object) in objects.iter().enumerate() {
        let name = format!("object-{i}.yaml");
        std::fs::write(
            tmp.path().join(&name),
            serde_saphyr::to_string(object).unwrap(),
        )
        .unwrap();
        list.push_str(&format!("  - {name}\n"));
    }
    std::fs::write(tmp.path().join("kustomization.yaml"), list).unwrap();
    let built = kubectl_kustomize(tmp.path());
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
}

/// Runs `command` with `input` on its stdin.
pub fn run_with_stdin(command: &mut std::process::Command, input: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// Loads the minimal example after `edit` changed its maas.yaml text (the
/// htpasswd file beside it, in a scratch folder).
pub fn load_minimal_with(
    edit: impl FnOnce(String) -> String,
) -> Result<maasc::Loaded, maasc::LoadError> {
    load_example_with("minimal", edit)
}

/// Loads `example` after `edit` changed its maas.yaml text (the files
/// beside it copied into a scratch folder).
pub fn load_example_with(
    example: &str,
    edit: impl FnOnce(String) -> String,
) -> Result<maasc::Loaded, maasc::LoadError> {
    let dir = tempfile::tempdir().unwrap();
    let src = example_path(example);
    copy_dir(src.parent().unwrap(), dir.path());
    let text = edit(std::fs::read_to_string(&src).unwrap());
    let path = dir.path().join("maas.yaml");
    std::fs::write(&path, text).unwrap();
    maasc::load(&path)
}
pub mod cli;

/// Runs `command` (stdout discarded); its exit code and stderr. Panics when
/// it does not finish in 20 s: a hostile input must never block maasc.
pub fn run_in_time(command: &mut std::process::Command) -> (Option<i32>, String) {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("{command:?} blocked");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `example` with every cluster's (and the platform's) version set to `v`.
pub fn load_at(
    example: &str,
    v: maasc::model::RhoaiVersion,
) -> Result<maasc::Loaded, maasc::LoadError> {
    let tmp = tempfile::tempdir().unwrap();
    let src = example_path(example);
    let dir = src.parent().unwrap();
    copy_dir(dir, tmp.path());
    let text = std::fs::read_to_string(&src).unwrap();
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("version: \"3.") {
        out.push_str(&rest[..i]);
        out.push_str(&format!("version: \"{v}\""));
        rest = &rest[i + "version: \"3.x\"".len()..];
    }
    out.push_str(rest);
    assert!(
        out.contains(&format!("version: \"{v}\"")),
        "{example} names no version"
    );
    let path = tmp.path().join("maas.yaml");
    std::fs::write(&path, out).unwrap();
    maasc::load(&path)
}
