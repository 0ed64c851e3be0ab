//! `maasc diff`, run as the binary reviewers run: inputs, trees, `git:REF`,
//! masking, formats and exit codes.

mod common;

use std::fs;

use common::cli::*;
use common::*;

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
        assert!(shown.contains(maasc::DIFF_MASK), "{format}: {shown}");
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
fn diff_names_an_external_models_provider_and_endpoint() {
    let ws = workspace("migration");
    fs::copy(ws.path().join("maas.yaml"), ws.path().join("old.yaml")).unwrap();
    edit(
        ws.path(),
        "maas.yaml",
        &[("endpoint: api.openai.com", "endpoint: eu.api.openai.com")],
    );
    let out = maasc(ws.path(), &["diff", "old.yaml", "maas.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "external openai at api.openai.com (gpt-4o) → openai at eu.api.openai.com (gpt-4o)"
        ),
        "{text}"
    );
    assert!(text.contains("~ ExternalModel external/gpt-4o"), "{text}");
}
