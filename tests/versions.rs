//! OpenShift AI versions across runs: `diff` shows a version change with
//! the upstream upgrade steps of each hop, and `generate`/`check`/`validate`
//! refuse a downgrade or a skipped minor against the generated tree unless
//! `--allow-version-skip`.

mod common;

use std::fs;

use common::cli::*;
use maasc::model::RhoaiVersion;

/// minimal's version line, set to `v`.
fn set_version(ws: &std::path::Path, from: &str, to: &str) {
    edit(
        ws,
        "maas.yaml",
        &[(
            &format!("openshiftAI: {{version: \"{from}\"}}"),
            &format!("openshiftAI: {{version: \"{to}\"}}"),
        )],
    );
}

#[test]
fn a_version_change_is_a_summary_line_with_the_upgrade_steps() {
    let ws = workspace("minimal");
    fs::copy(ws.path().join("maas.yaml"), ws.path().join("old.yaml")).unwrap();
    set_version(ws.path(), "3.3", "3.4");
    let out = maasc(ws.path(), &["diff", "old.yaml", "maas.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("cluster lab: OpenShift AI 3.3 → 3.4 (MaaS: tiers → subscriptions)"),
        "{text}"
    );
    // The steps in upstream order: RHCL and the database before the operator moves.
    let step = |n: usize| text.find(&format!("cluster lab upgrade step {n} (3.3 → 3.4)"));
    assert!(
        step(1) < step(2) && step(2) < step(4) && step(4).is_some(),
        "{text}"
    );
    assert!(text.contains("maas-db-config"), "{text}");

    let md = stdout(&maasc(
        ws.path(),
        &["diff", "old.yaml", "maas.yaml", "--format", "md"],
    ));
    assert!(md.contains("- cluster lab: OpenShift AI 3.3 → 3.4"), "{md}");
    let json = maasc(
        ws.path(),
        &["diff", "old.yaml", "maas.yaml", "--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let summary: Vec<&str> = doc["summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(
        summary[0],
        "cluster lab: OpenShift AI 3.3 → 3.4 (MaaS: tiers → subscriptions)"
    );
    assert!(summary[1].starts_with("cluster lab upgrade step 1 (3.3 → 3.4)"));

    // 3.4 → 3.5: the DSC field moves to aigateway.
    fs::copy(ws.path().join("maas.yaml"), ws.path().join("old.yaml")).unwrap();
    set_version(ws.path(), "3.4", "3.5");
    let text = stdout(&maasc(ws.path(), &["diff", "old.yaml", "maas.yaml"]));
    assert!(
        text.contains("cluster lab: OpenShift AI 3.4 → 3.5 (MaaS: subscriptions → tenants)"),
        "{text}"
    );
    assert!(text.contains("aigateway"), "{text}");
}

#[test]
fn a_skipped_minor_or_a_downgrade_is_refused_unless_allowed() {
    let ws = workspace("minimal");
    let generate = |extra: &[&str]| {
        let mut args = vec!["generate", "-o", "clusters"];
        args.extend_from_slice(extra);
        maasc(ws.path(), &args)
    };
    assert_eq!(generate(&[]).status.code(), Some(0));
    let root = ws
        .path()
        .join("clusters/lab/bootstrap/application-lab-root.yaml");
    assert!(
        fs::read_to_string(&root)
            .unwrap()
            .contains("maas.opendatahub.io/openshift-ai-version: \"3.3\""),
        "the root Application records the version"
    );

    // 3.3 → 3.5 skips 3.4.
    set_version(ws.path(), "3.3", "3.5");
    for cmd in [
        &["validate"][..],
        &["generate", "-o", "clusters"],
        &["check", "-o", "clusters"],
    ] {
        let out = maasc(ws.path(), cmd);
        assert_ne!(out.status.code(), Some(0), "{cmd:?}");
        let err = stderr(&out);
        assert!(err.contains("error[E045]"), "{cmd:?}: {err}");
        assert!(err.contains("3.3 → 3.4 first"), "{err}");
    }
    // Forced: written, and the tree now records 3.5.
    assert_eq!(generate(&["--allow-version-skip"]).status.code(), Some(0));
    assert!(fs::read_to_string(&root).unwrap().contains("\"3.5\""));

    // 3.5 → 3.4 is a downgrade.
    set_version(ws.path(), "3.5", "3.4");
    let out = generate(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("OLM never downgrades"),
        "{}",
        stderr(&out)
    );

    // One minor up is fine.
    set_version(ws.path(), "3.4", "3.2");
    assert_eq!(generate(&["--allow-version-skip"]).status.code(), Some(0));
    set_version(ws.path(), "3.2", "3.3");
    assert_eq!(generate(&[]).status.code(), Some(0), "3.2 → 3.3");
}

#[test]
fn an_unquoted_version_is_read_as_yaml_writes_it() {
    for (written, expected) in [
        ("3.0", RhoaiVersion::V3_0),
        ("3.5", RhoaiVersion::V3_5),
        ("\"3.2\"", RhoaiVersion::V3_2),
    ] {
        let loaded = common::load_minimal_with(|text| {
            text.replace(
                "openshiftAI: {version: \"3.3\"}",
                &format!("openshiftAI: {{version: {written}}}"),
            )
        })
        .unwrap_or_else(|e| panic!("{written}: {}", e.render()));
        assert_eq!(loaded.platform.clusters[0].version, expected, "{written}");
        assert!(loaded.diagnostics.iter().all(|d| d.code.as_str() != "W110"));
    }
}
