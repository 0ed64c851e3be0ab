//! The smoke test script and client cheatsheet of every cluster of every
//! example: snapshots, `sh -n`, and shellcheck when it is installed.

mod common;

use common::*;
use maasc::cheatsheet::cheatsheet;
use maasc::smoke::smoke_script;

#[test]
fn smoke_scripts_and_cheatsheets_match_their_snapshots() {
    for example in EXAMPLES {
        let p = load(&example_path(example)).platform;
        for c in &p.clusters {
            insta::assert_snapshot!(format!("smoke-{example}-{}", c.name), smoke_script(&p, c));
            insta::assert_snapshot!(
                format!("cheatsheet-{example}-{}", c.name),
                cheatsheet(&p, c)
            );
        }
    }
}

fn scripts() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for example in EXAMPLES {
        let p = load(&example_path(example)).platform;
        for c in &p.clusters {
            out.push((format!("{example}/{}", c.name), smoke_script(&p, c)));
        }
    }
    out
}

/// Runs `program args…` on every script (on stdin) and asserts it succeeds.
fn every_script_passes(program: &str, args: &[&str]) {
    for (name, script) in scripts() {
        assert!(script.starts_with("#!/bin/sh\n"), "{name}");
        assert!(script.contains("set -eu\n"), "{name}");
        let out = run_with_stdin(
            std::process::Command::new(program).args(args),
            script.as_bytes(),
        );
        assert!(
            out.status.success(),
            "{name}: {program}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn smoke_scripts_are_valid_posix_sh() {
    every_script_passes("sh", &["-n"]);
}

#[test]
fn smoke_scripts_are_shellcheck_clean_when_shellcheck_is_installed() {
    let installed = std::process::Command::new("shellcheck")
        .arg("--version")
        .output()
        .is_ok();
    if !installed {
        eprintln!("shellcheck is not installed: skipped");
        return;
    }
    every_script_passes("shellcheck", &["--shell=sh", "-"]);
}

#[test]
fn the_script_tests_what_the_matrix_says() {
    let p = load(&example_path("dev-prod")).platform;
    let dev = smoke_script(&p, &p.clusters[0]);
    // Free reaches its models and is denied an enterprise-only one.
    assert!(
        dev.contains("record 'call llm/qwen3-0-6b' 'free' 200"),
        "{dev}"
    );
    assert!(dev.contains("(not granted)' 'free' '401|403'"), "{dev}");
    // Free has the smallest request limit: 5 per 2m.
    assert!(dev.contains("'exceed 5 requests per 2m on"), "{dev}");
    // Tier-era token exchange; credentials only from the environment.
    assert!(dev.contains("/maas-api/v1/tokens"));
    assert!(dev.contains("MAAS_OCP_TOKEN_ENTERPRISE"));
    let migration = load(&example_path("migration")).platform;
    let sub = smoke_script(&migration, &migration.clusters[0]);
    assert!(sub.contains("/maas-api/v1/api-keys"));
    assert!(sub.contains("no request limits"));
    // Embedding models are called on /v1/embeddings.
    assert!(
        dev.contains("'granite-embedding-278m' embeddings \"$token\""),
        "{dev}"
    );
}

#[test]
fn no_secret_is_embedded() {
    for example in EXAMPLES {
        let p = load(&example_path(example)).platform;
        for c in &p.clusters {
            let s = smoke_script(&p, c);
            let sheet = cheatsheet(&p, c);
            assert!(!s.contains("$2y$") && !s.contains("$2b$"), "{example}");
            assert!(
                !sheet.contains("$2y$") && !sheet.contains("$2b$"),
                "{example}"
            );
        }
    }
}
