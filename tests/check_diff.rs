//! `maasc check` and `maasc diff`, run as the binary CI and reviewers run.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::*;

fn maasc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maasc"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("maasc runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A copy of `example`'s input (maas.yaml and htpasswd) in a temp folder,
/// generated into `clusters/` there.
fn workspace(example: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let from = Path::new("examples").join(example);
    for entry in fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
        }
    }
    let out = maasc(tmp.path(), &["generate", "-o", "clusters"]);
    assert!(out.status.success(), "{}", stderr(&out));
    tmp
}

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

/// Applies `edits` (from → to) to the workspace's maas.yaml.
fn edit(ws: &Path, file: &str, edits: &[(&str, &str)]) {
    let path = ws.join(file);
    let mut text = fs::read_to_string(&path).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "{from} not in {file}");
        text = text.replacen(from, to, 1);
    }
    fs::write(path, text).unwrap();
}

const DEV_PROD_CHANGE: &[(&str, &str)] = &[
    (
        "tokens: {limit: 100000, window: 1d}",
        "tokens: {limit: 200000, window: 1d}",
    ),
    (
        "clusters: [prod], tiers: [enterprise]",
        "clusters: [prod, dev], tiers: [enterprise]",
    ),
];

#[test]
fn diff_between_two_inputs_summarizes_and_lists_fields() {
    let ws = workspace("dev-prod");
    fs::copy(ws.path().join("maas.yaml"), ws.path().join("old.yaml")).unwrap();
    edit(ws.path(), "maas.yaml", DEV_PROD_CHANGE);
    let out = maasc(ws.path(), &["diff", "old.yaml", "maas.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("tier free: tokens 100k/d → 200k/d"), "{text}");
    assert!(
        text.contains("model qwen2-5-coder-32b added to dev (4 × A10G)"),
        "{text}"
    );
    assert!(
        text.contains("+ LLMInferenceService code/qwen2-5-coder-32b"),
        "{text}"
    );
    assert!(
        text.contains("spec.limits.free-tokens.rates[0].limit: 100000 → 200000"),
        "{text}"
    );

    let md = maasc(
        ws.path(),
        &["diff", "old.yaml", "maas.yaml", "--format", "md"],
    );
    insta::assert_snapshot!("diff_dev_prod_md", stdout(&md));

    let json = maasc(
        ws.path(),
        &["diff", "old.yaml", "maas.yaml", "--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    let components = doc["components"].as_array().unwrap();
    assert!(components.iter().any(|c| c["cluster"] == "dev"
        && c["component"] == "models/code"
        && c["objects"][0]["change"] == "added"));

    let exit = maasc(ws.path(), &["diff", "old.yaml", "maas.yaml", "--exit-code"]);
    assert_eq!(exit.status.code(), Some(1));
    let same = maasc(ws.path(), &["diff", "old.yaml", "old.yaml", "--exit-code"]);
    assert_eq!(same.status.code(), Some(0));
    assert!(stdout(&same).contains("no changes"));
}

#[test]
fn diff_between_examples_and_between_trees() {
    let root = std::env::current_dir().unwrap();
    let a = root.join(example_path("minimal"));
    let b = root.join(example_path("dev-prod"));
    let out = maasc(&root, &["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("cluster lab removed"), "{text}");
    assert!(text.contains("cluster prod added"), "{text}");
    assert!(text.contains("cluster dev\n"), "{text}");

    // Generated trees compare the same way, without the maas.yaml summary.
    let (_t1, tree_a, _) = generate_into_temp("minimal");
    let (_t2, tree_b, _) = generate_into_temp("dev-prod");
    let trees = maasc(
        &root,
        &["diff", tree_a.to_str().unwrap(), tree_b.to_str().unwrap()],
    );
    assert_eq!(trees.status.code(), Some(0), "{}", stderr(&trees));
    let tree_text = stdout(&trees);
    assert!(
        !tree_text.contains("•"),
        "no summary for trees: {tree_text}"
    );
    let objects = |s: &str| {
        s.lines()
            .filter(|l| l.trim_start().starts_with(['+', '-', '~']))
            .count()
    };
    assert_eq!(objects(&tree_text), objects(&text), "same object changes");
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn diff_against_a_git_revision_reads_input_and_htpasswd_at_that_revision() {
    let ws = workspace("dev-prod");
    git(ws.path(), &["init", "-q", "-b", "main"]);
    git(ws.path(), &["add", "maas.yaml", "users.htpasswd"]);
    git(ws.path(), &["commit", "-q", "-m", "base"]);
    edit(ws.path(), "maas.yaml", DEV_PROD_CHANGE);
    // Unstaged edits to the htpasswd must not leak into the old side.
    let htpasswd = fs::read_to_string(ws.path().join("users.htpasswd")).unwrap();
    let first = htpasswd.lines().next().unwrap().to_string();
    fs::write(
        ws.path().join("users.htpasswd"),
        format!("{htpasswd}{}\n", first.replacen(':', "x:", 1)),
    )
    .unwrap();

    let out = maasc(ws.path(), &["diff", "git:HEAD", "maas.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("tier free: tokens 100k/d → 200k/d"), "{text}");
    assert!(
        text.contains("~ Secret openshift-config/"),
        "htpasswd Secret changed: {text}"
    );

    // Explicit path form, and a revision that does not exist.
    let same = maasc(
        ws.path(),
        &["diff", "git:HEAD:maas.yaml", "git:main", "--exit-code"],
    );
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    let bad = maasc(ws.path(), &["diff", "git:nope", "maas.yaml"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("git show nope:"), "{}", stderr(&bad));
}

#[test]
fn diff_masks_secret_values() {
    let ws = workspace("minimal");
    fs::copy(ws.path().join("maas.yaml"), ws.path().join("old.yaml")).unwrap();
    fs::copy(
        ws.path().join("users.htpasswd"),
        ws.path().join("old.htpasswd"),
    )
    .unwrap();
    edit(
        ws.path(),
        "old.yaml",
        &[("file: users.htpasswd", "file: old.htpasswd")],
    );
    // Swap the two users' hashes: the Secret's content changes.
    let text = fs::read_to_string(ws.path().join("users.htpasswd")).unwrap();
    let lines: Vec<(&str, &str)> = text.lines().map(|l| l.split_once(':').unwrap()).collect();
    let swapped = format!(
        "{}:{}\n{}:{}\n",
        lines[0].0, lines[1].1, lines[1].0, lines[0].1
    );
    fs::write(ws.path().join("users.htpasswd"), &swapped).unwrap();

    for format in ["text", "md", "json"] {
        let out = maasc(
            ws.path(),
            &["diff", "old.yaml", "maas.yaml", "--format", format],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let shown = stdout(&out);
        assert!(shown.contains(maasc::diff::MASK), "{format}: {shown}");
        for secret in [&text, &swapped] {
            use base64::Engine;
            let encoded = base64::engine::general_purpose::STANDARD.encode(secret);
            assert!(
                !shown.contains(&encoded[..20]),
                "{format} leaks the htpasswd"
            );
        }
        assert!(!shown.contains("$2y$"), "{format} leaks a hash");
    }
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
fn diff_exits_2_on_an_invalid_or_missing_side() {
    let ws = workspace("minimal");
    fs::copy(ws.path().join("maas.yaml"), ws.path().join("old.yaml")).unwrap();
    edit(ws.path(), "maas.yaml", &[("tiers: [free]", "tiers: [fre]")]);
    let out = maasc(ws.path(), &["diff", "old.yaml", "maas.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("E012"), "{}", stderr(&out));
    let missing = maasc(ws.path(), &["diff", "old.yaml", "nope.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no such file or folder"));
}

#[test]
fn a_markdown_diff_always_fits_a_pull_request_comment() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, clusters) in [("small", "2"), ("big", "30")] {
        let out = maasc(
            tmp.path(),
            &[
                "synth",
                "--size",
                "medium",
                "--clusters",
                clusters,
                "-o",
                name,
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let md = maasc(
        tmp.path(),
        &["diff", "small/maas.yaml", "big/maas.yaml", "--format", "md"],
    );
    assert!(md.status.success(), "{}", stderr(&md));
    let text = stdout(&md);
    assert!(
        text.chars().count() <= 65_536,
        "{} characters",
        text.chars().count()
    );
    assert!(
        text.contains("left out to fit a pull request comment"),
        "{}",
        &text[text.len() - 300..]
    );
    assert!(
        text.contains("cluster c29 added"),
        "the summary is always there"
    );
    // Text and JSON are not cut.
    let full = maasc(tmp.path(), &["diff", "small/maas.yaml", "big/maas.yaml"]);
    assert!(stdout(&full).contains("cluster c29\n"));
}

#[test]
fn diff_against_a_revision_without_maas_yaml_shows_everything_added() {
    let ws = workspace("minimal");
    fs::write(ws.path().join("README.md"), "platform repo\n").unwrap();
    git(ws.path(), &["init", "-q", "-b", "main"]);
    git(ws.path(), &["add", "README.md"]);
    git(ws.path(), &["commit", "-q", "-m", "before maas.yaml"]);
    let out = maasc(ws.path(), &["diff", "git:HEAD", "maas.yaml", "--exit-code"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("0 removed, 0 changed"), "{text}");
    assert!(
        text.contains("+ LLMInferenceService llm/opt-125m-simulated"),
        "{text}"
    );

    // maas.yaml committed without its htpasswd file: an error, not "absent".
    git(ws.path(), &["add", "maas.yaml"]);
    git(ws.path(), &["commit", "-q", "-m", "maas.yaml only"]);
    let out = maasc(ws.path(), &["diff", "git:HEAD", "maas.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("users.htpasswd (named by identity.htpasswd.file) does not exist at HEAD"),
        "{}",
        stderr(&out)
    );
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
