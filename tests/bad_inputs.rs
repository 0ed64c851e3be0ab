//! The bad-input corpus: every case under tests/bad/ must be refused with
//! exactly the diagnostics its first line expects (`# expect: CODE@LINE:COL …`),
//! never panic, and render the same diagnostics as its snapshot.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn expected(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let first = text.lines().next().unwrap_or_default();
    let list = first
        .strip_prefix("# expect: ")
        .unwrap_or_else(|| panic!("{}: first line must be `# expect: …`", path.display()));
    let list = list.split(" -- ").next().unwrap();
    let mut v: Vec<String> = list.split_whitespace().map(str::to_string).collect();
    v.sort();
    v
}

fn load_without_panic(path: &Path) -> Result<maasc::Loaded, maasc::LoadError> {
    let p = path.to_path_buf();
    std::panic::catch_unwind(move || maasc::load(&p))
        .unwrap_or_else(|_| panic!("{} made maasc panic", path.display()))
}

#[test]
fn every_bad_case_reports_its_codes_at_their_positions() {
    insta::glob!("bad/*.yaml", |path| {
        let rel = PathBuf::from("tests/bad").join(path.file_name().unwrap());
        let err = match load_without_panic(&rel) {
            Ok(_) => panic!("{} was accepted", rel.display()),
            Err(e) => e,
        };
        let mut found: Vec<String> = err
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{}@{}:{}", d.code, d.span.line, d.span.column))
            .collect();
        found.sort();
        assert_eq!(found, expected(&rel), "{}", rel.display());
        insta::assert_snapshot!(err.render());
    });
}

#[test]
fn every_warning_case_is_accepted_with_exactly_its_warnings() {
    insta::glob!("bad/warnings/*.yaml", |path| {
        let rel = PathBuf::from("tests/bad/warnings").join(path.file_name().unwrap());
        let loaded = load_without_panic(&rel)
            .unwrap_or_else(|e| panic!("{} was refused:\n{}", rel.display(), e.render()));
        let mut found: Vec<String> = loaded
            .diagnostics
            .iter()
            .map(|d| format!("{}@{}:{}", d.code, d.span.line, d.span.column))
            .collect();
        found.sort();
        assert_eq!(found, expected(&rel), "{}", rel.display());
        insta::assert_snapshot!(loaded.diagnostics.render(&loaded.sources));
    });
}

#[test]
fn the_corpus_covers_every_code() {
    let mut seen = std::collections::BTreeSet::new();
    for dir in ["tests/bad", "tests/bad/warnings"] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                for e in expected(&path) {
                    seen.insert(e.split('@').next().unwrap().to_string());
                }
            }
        }
    }
    let missing: Vec<&str> = maasc::diagnostic::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !seen.contains(*c) && !["E001", "E003"].contains(c))
        .collect();
    // E001 (unreadable file) and E003 (budgets) are covered by the tests below.
    assert!(missing.is_empty(), "no bad case for {missing:?}");
}

#[test]
fn plaintext_passwords_are_never_echoed() {
    let err = load_without_panic(Path::new("tests/bad/plaintext-password.yaml"))
        .err()
        .unwrap();
    let text = err.render();
    assert!(text.contains("E018"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}

fn minimal_with(extra: &str) -> String {
    let base = std::fs::read_to_string("examples/minimal/maas.yaml").unwrap();
    format!("{base}{extra}")
}

fn load_text(text: String) -> Result<maasc::Loaded, maasc::LoadError> {
    std::panic::catch_unwind(|| {
        maasc::load_text(Path::new("examples/minimal/hostile.yaml"), text, None)
    })
    .expect("no panic")
}

fn codes(err: &maasc::LoadError) -> Vec<&'static str> {
    err.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn alias_bombs_are_refused() {
    let mut bomb = String::from(
        "apiVersion: maas.opendatahub.io/v1alpha1\nkind: MaaSPlatform\nmetadata: {name: x}\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..12 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!(
            "x{i}: &a{i} [{}]\n",
            [prev.as_str(); 9].join(", ")
        ));
    }
    let err = load_text(bomb).err().expect("refused");
    assert_eq!(codes(&err), ["E003"], "{}", err.render());
}

#[test]
fn deep_nesting_is_refused() {
    let deep = format!(
        "apiVersion: x\nkind: y\nmetadata: {}1{}\n",
        "[".repeat(500),
        "]".repeat(500)
    );
    let err = load_text(deep).err().expect("refused");
    assert_eq!(codes(&err), ["E003"], "{}", err.render());
    let block: String = (0..200)
        .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
        .collect();
    let err = load_text(block).err().expect("refused");
    assert_eq!(codes(&err), ["E003"], "{}", err.render());
}

#[test]
fn huge_files_are_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("maas.yaml");
    let filler = format!("# {}\n", "x".repeat(1022));
    let text = minimal_with(&filler.repeat(17 * 1024));
    std::fs::write(&path, text).unwrap();
    let err = maasc::load(&path).err().expect("refused");
    assert_eq!(codes(&err), ["E003"], "{}", err.render());
}

#[test]
fn a_missing_file_is_an_io_error_with_exit_code_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_maasc"))
        .args(["validate", "-f", "tests/bad/does-not-exist.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E001"));
}

#[test]
fn validate_exits_1_with_the_location_on_bad_input() {
    let out = Command::new(env!("CARGO_BIN_EXE_maasc"))
        .args(["validate", "-f", "tests/bad/unknown-tier.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("tests/bad/unknown-tier.yaml:38:15"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `free`?"), "{stderr}");
}

#[test]
fn a_tier_without_token_limit_warns_on_subscription_clusters_only() {
    let warnings = |api: &str| {
        let loaded = common::load_minimal_with(|text| {
            text.replace("        tokens: {limit: 10000, window: 1h}\n", "")
                .replace("spec:\n", &format!("spec:\n  maas: {{api: {api}}}\n"))
                .replace("version: \"3.3\"", version_of(api))
        })
        .unwrap_or_else(|e| panic!("{}", e.render()));
        loaded
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect::<Vec<_>>()
    };
    assert!(
        warnings("tiers").is_empty(),
        "tier era: no token limit is fine"
    );
    let sub = warnings("subscriptions");
    assert!(
        sub.iter()
            .any(|w| w.starts_with("W101 tier `free` has no token limit")),
        "{sub:?}"
    );
}

#[test]
fn a_custom_gateway_warns_on_subscription_clusters_only() {
    let codes = |api: &str| {
        let loaded = common::load_minimal_with(|text| {
            text.replace(
                "spec:\n",
                &format!("spec:\n  maas:\n    api: {api}\n    gateway: {{name: ai-gateway}}\n"),
            )
            .replace("version: \"3.3\"", version_of(api))
        })
        .unwrap_or_else(|e| panic!("{}", e.render()));
        loaded
            .diagnostics
            .iter()
            .map(|d| format!("{}@{}:{}", d.code, d.span.line, d.span.column))
            .collect::<Vec<_>>()
    };
    assert!(codes("tiers").is_empty());
    let codes = codes("subscriptions");
    assert!(codes.contains(&"W103@12:21".to_string()), "{codes:?}");
}

/// The minimal example's version line for the era `api` names.
fn version_of(api: &str) -> &'static str {
    if api == "subscriptions" {
        "version: \"3.4\""
    } else {
        "version: \"3.3\""
    }
}
