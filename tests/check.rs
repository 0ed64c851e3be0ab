//! `maasc check`, and every `maasc` command of the CI examples, run as the
//! binary CI runs.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::cli::*;

fn check(dir: &Path) -> Output {
    maasc(dir, &["check", "-o", "clusters"])
}

#[test]
fn check_passes_on_fresh_output_and_ignores_user_files() {
    let ws = workspace("minimal");
    let out = check(ws.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    fs::write(ws.path().join("clusters/lab/NOTES.md"), "ours\n").unwrap();
    fs::write(ws.path().join("clusters/extra.yaml"), "a: 1\n").unwrap();
    assert_eq!(check(ws.path()).status.code(), Some(0));
}

#[test]
fn check_fails_on_a_hand_edited_file_with_its_diff() {
    let ws = workspace("minimal");
    let edited = "clusters/base/models/llm/llminferenceservice-opt-125m-simulated.yaml";
    let path = ws.path().join(edited);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("replicas: 1", "replicas: 4")).unwrap();
    let out = check(ws.path());
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    let name = "base/models/llm/llminferenceservice-opt-125m-simulated.yaml";
    assert!(
        report.contains(&format!("--- a/{name}\n+++ b/{name}\n")),
        "{report}"
    );
    assert!(
        report.contains("-  replicas: 4\n+  replicas: 1\n"),
        "{report}"
    );
    assert!(
        report.contains(&format!("1 changed:\n  {name}\n")),
        "{report}"
    );
    assert!(stderr(&out).contains("maasc generate"), "says what to do");
    // check wrote nothing.
    assert!(fs::read_to_string(&path).unwrap().contains("replicas: 4"));
}

#[test]
fn check_fails_on_a_deleted_file_and_on_a_stale_extra_file() {
    let ws = workspace("minimal");
    let deleted = "lab/apps/models-llm.yaml";
    fs::remove_file(ws.path().join("clusters").join(deleted)).unwrap();
    let out = check(ws.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains(&format!(
            "1 added (missing from the tree; generate writes them):\n  {deleted}\n"
        )),
        "{}",
        stdout(&out)
    );

    // A file maasc generated once, still listed in the manifest, is extra.
    let ws = workspace("minimal");
    let manifest = ws.path().join("clusters/.maasc-manifest");
    let mut listed = fs::read_to_string(&manifest).unwrap();
    listed.push_str("lab/old/gone.yaml\n");
    fs::write(&manifest, listed).unwrap();
    fs::create_dir_all(ws.path().join("clusters/lab/old")).unwrap();
    fs::write(ws.path().join("clusters/lab/old/gone.yaml"), "a: 1\n").unwrap();
    let out = check(ws.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains(
            "removed (generated once, no longer; generate deletes them):\n  lab/old/gone.yaml\n"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn check_exits_2_on_invalid_input() {
    let ws = workspace("minimal");
    let input = ws.path().join("maas.yaml");
    let text = fs::read_to_string(&input).unwrap();
    fs::write(&input, text.replace("tiers: [free]", "tiers: [fre]")).unwrap();
    let out = check(ws.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("E012"), "{}", stderr(&out));
}

/// The `maasc …` commands of a CI example, `${{ github.base_ref }}` bound.
fn maasc_commands(file: &str, pointer_to_list: &str, field: &str) -> Vec<String> {
    let text = fs::read_to_string(file).unwrap();
    let doc: serde_json::Value = serde_saphyr::from_str(&text).expect("valid YAML");
    let list = doc
        .pointer(pointer_to_list)
        .and_then(|v| v.as_array())
        .unwrap();
    let commands: Vec<String> = list
        .iter()
        .filter_map(|step| step.get(field).and_then(|r| r.as_str()))
        .filter(|cmd| cmd.starts_with("maasc "))
        .map(|cmd| cmd.replace("${{ github.base_ref }}", "main"))
        .collect();
    assert!(!commands.is_empty(), "{file} runs maasc");
    commands
}

#[test]
fn ci_examples_run_as_written() {
    let mut commands = maasc_commands(
        "examples/ci/github-workflow.yaml",
        "/jobs/maasc/steps",
        "run",
    );
    assert!(commands.iter().any(|c| c.starts_with("maasc check")));
    assert!(
        commands
            .iter()
            .any(|c| c.starts_with("maasc diff \"git:origin/main\""))
    );
    commands.extend(maasc_commands(
        "examples/ci/pre-commit-config.yaml",
        "/repos/0/hooks",
        "entry",
    ));

    let ws = workspace("minimal");
    git(ws.path(), &["init", "-q", "-b", "main"]);
    git(ws.path(), &["add", "."]);
    git(ws.path(), &["commit", "-q", "-m", "base"]);
    git(
        ws.path(),
        &["update-ref", "refs/remotes/origin/main", "HEAD"],
    );
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_maasc")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    for command in &commands {
        let out = Command::new("sh")
            .current_dir(ws.path())
            .env("PATH", &path)
            .args(["-c", command])
            .output()
            .unwrap();
        assert!(out.status.success(), "{command}: {}", stderr(&out));
    }
    let comment = fs::read_to_string(ws.path().join("maasc-diff.md")).unwrap();
    assert!(
        comment.starts_with("### maasc diff: `git:origin/main` → `maas.yaml`"),
        "{comment}"
    );
    assert!(comment.contains("No changes"), "{comment}");
}

#[test]
fn check_does_not_read_a_huge_file_put_in_place_of_a_generated_one() {
    let ws = workspace("minimal");
    let name = "base/models/llm/llminferenceservice-opt-125m-simulated.yaml";
    let huge = "x".repeat(17 * 1024 * 1024);
    fs::write(ws.path().join("clusters").join(name), huge).unwrap();
    let out = check(ws.path());
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(
        report.contains("too large to show"),
        "{}",
        &report[..report.len().min(500)]
    );
    assert!(report.len() < 10_000, "the huge file is not echoed");
}
