//! `maasc krm` on bad input (issue 13): always a ResourceList back whose
//! `results` say what is wrong (severity error, exit 1), never an empty
//! stdout; the same budgets for YAML and JSON; no reader internals in
//! messages.

mod common;

use std::path::Path;

use serde_json::Value;

/// What `maasc krm` printed and how it exited.
struct KrmOutcome {
    stdout: String,
    stderr: String,
    failed: bool,
}

/// Runs the binary as kustomize does: the ResourceList on stdin.
fn krm(input: &str) -> (Value, KrmOutcome) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_maasc"));
    command
        .arg("krm")
        .current_dir(Path::new("examples/minimal"));
    let out = common::run_with_stdin(&mut command, input.as_bytes());
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 1)), "exit {code:?} for {input:?}");
    let outcome = KrmOutcome {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        failed: code != Some(0),
    };
    assert!(
        !outcome.stdout.trim().is_empty(),
        "empty stdout for {input:?}: {}",
        outcome.stderr
    );
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 1_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    let list: Value = serde_saphyr::from_str_with_options(&outcome.stdout, options)
        .unwrap_or_else(|e| panic!("{e}: {}", outcome.stdout));
    (list, outcome)
}

/// The one error result of a refused input, after the usual checks.
fn refused(input: &str) -> String {
    let (list, outcome) = krm(input);
    assert!(outcome.failed, "{input:?} was accepted");
    assert_eq!(list["kind"], "ResourceList", "{}", outcome.stdout);
    assert_eq!(list["apiVersion"], "config.kubernetes.io/v1");
    let results = list["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0]["severity"], "error");
    let message = results[0]["message"].as_str().unwrap().to_string();
    for internal in [
        "DuplicateKeyPolicy",
        "Options",
        "configured policy",
        "serde",
    ] {
        assert!(!message.contains(internal), "{message}");
    }
    message
}

const HEAD: &str = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n";

#[test]
fn duplicate_keys_are_an_error_result_in_yaml_and_json() {
    let m = refused(&format!("{HEAD}items: []\nitems: []\n"));
    assert!(m.contains("duplicate") && m.contains("items"), "{m}");
    let m = refused(
        r#"{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [], "items": []}"#,
    );
    assert!(m.contains("duplicate") && m.contains("items"), "{m}");
}

#[test]
fn non_finite_numbers_are_an_error_result() {
    for n in [".nan", ".inf", "-.inf", "1e400"] {
        let m = refused(&format!(
            "{HEAD}items: [{{apiVersion: v1, kind: ConfigMap, data: {{x: {n}}}}}]\n"
        ));
        assert!(m.contains("finite"), "{n}: {m}");
    }
    let m = refused(
        r#"{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "x": 1e400}]}"#,
    );
    assert!(m.contains("number"), "{m}");
}

#[test]
fn a_flow_style_yaml_resource_list_is_read_as_yaml() {
    let (list, outcome) = krm(
        "{apiVersion: config.kubernetes.io/v1, kind: ResourceList, items: [{apiVersion: v1, kind: ConfigMap, metadata: {name: x}}]}",
    );
    // Read: the only error is the missing functionConfig, not the syntax.
    let message = list["results"][0]["message"].as_str().unwrap();
    assert!(message.contains("functionConfig"), "{message}");
    assert!(outcome.failed);
    assert_eq!(list["items"][0]["metadata"]["name"], "x");
}

#[test]
fn a_wrong_api_version_or_kind_is_an_error_result() {
    let m = refused("apiVersion: v1\nkind: ResourceList\nitems: []\n");
    assert!(m.contains("apiVersion"), "{m}");
    let m = refused("kind: ResourceList\nitems: []\n");
    assert!(m.contains("apiVersion"), "{m}");
    let m = refused("apiVersion: config.kubernetes.io/v1\nkind: List\nitems: []\n");
    assert!(m.contains("kind"), "{m}");
}

#[test]
fn items_without_kind_are_an_error_result() {
    let m = refused(&format!(
        "{HEAD}items: [{{apiVersion: v1, metadata: {{name: x}}}}]\n"
    ));
    assert!(m.contains("items[0]") && m.contains("kind"), "{m}");
    let m = refused(&format!("{HEAD}items: [42]\n"));
    assert!(m.contains("items[0]"), "{m}");
}

#[test]
fn garbage_and_non_mappings_are_an_error_result() {
    for input in [
        "kind: [unclosed",
        "- a\n- b\n",
        "just text",
        "{",
        "{\"a\": ",
        "",
        "\u{0}",
    ] {
        refused(input);
    }
}

#[test]
fn json_answers_in_json_yaml_in_yaml() {
    let (_, outcome) = krm("{\"kind\": \"ResourceList\"}");
    assert!(outcome.stdout.trim_start().starts_with('{'));
    let (_, outcome) = krm("kind: ResourceList\n");
    assert!(outcome.stdout.starts_with("apiVersion:"));
}

#[test]
fn yaml_and_json_have_the_same_depth_budget() {
    // The stack of the binary's main thread, not of a test thread.
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(same_depth_budget)
        .unwrap()
        .join()
        .unwrap();
}

fn same_depth_budget() {
    let depth = maasc::krm_input::MAX_DEPTH + 10;
    let deep_json = format!(
        r#"{{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [{{"apiVersion": "v1", "kind": "ConfigMap", "x": {}1{}}}]}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let deep_yaml = format!(
        "{HEAD}items: [{{apiVersion: v1, kind: ConfigMap, x: {}1{}}}]\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    for input in [deep_json, deep_yaml] {
        let m = refused(&input);
        assert!(m.contains("budget") || m.contains("depth"), "{m}");
    }
    // Just under the budget (and above serde_json's own 128): both read.
    let depth = 200;
    let ok_json = format!(
        r#"{{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [{{"apiVersion": "v1", "kind": "ConfigMap", "x": {}1{}}}]}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let (list, _) = krm(&ok_json);
    let m = list["results"][0]["message"].as_str().unwrap();
    assert!(m.contains("functionConfig"), "{m}");
}

#[test]
fn yaml_and_json_have_the_same_node_budget() {
    let n = maasc::krm_input::MAX_NODES + 10;
    let many_json = format!(
        r#"{{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [{{"apiVersion": "v1", "kind": "ConfigMap", "x": [{}]}}]}}"#,
        vec!["0"; n].join(",")
    );
    let many_yaml = format!(
        "{HEAD}items: [{{apiVersion: v1, kind: ConfigMap, x: [{}]}}]\n",
        vec!["0"; n].join(",")
    );
    for input in [many_json, many_yaml] {
        let m = refused(&input);
        assert!(m.contains("budget") || m.contains("nodes"), "{m}");
    }
}

#[test]
fn stdin_that_is_not_utf8_gets_an_error_result() {
    let out = common::run_with_stdin(
        std::process::Command::new(env!("CARGO_BIN_EXE_maasc")).arg("krm"),
        b"kind: ResourceList\nx: \xff\xfe\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let list: Value = serde_saphyr::from_slice(&out.stdout).unwrap();
    assert_eq!(list["results"][0]["severity"], "error");
    let message = list["results"][0]["message"].as_str().unwrap();
    assert!(message.contains("UTF-8"), "{message}");
}

#[test]
fn input_items_keep_yaml_1_1_words_as_strings() {
    // kyaml reads YAML 1.2: `y`, `yes`, `on`, `off` are strings, and an
    // item comes back as it came (the Functions Specification).
    let (list, _) = krm(&format!(
        "{HEAD}items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {{name: a}}\n  data: {{a: y, b: yes, c: on, d: off, e: true}}\n"
    ));
    let data = &list["items"][0]["data"];
    for (key, word) in [("a", "y"), ("b", "yes"), ("c", "on"), ("d", "off")] {
        assert_eq!(data[key], word, "{key}");
    }
    assert_eq!(data["e"], true);
}
