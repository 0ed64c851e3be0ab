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

/// A stand-in for curl that plays the gateway of one cluster: it issues
/// `maas-<tier>` tokens (tier era) or keys (subscription era), answers 200
/// for the (tier, model) pairs in `grants`, 403 for others, and 429 once a
/// tier has made more requests than its line in `limits` allows.
const FAKE_CURL: &str = r#"#!/bin/sh
method=GET; auth=""; data=""; url=""
while [ $# -gt 0 ]; do
  case "$1" in
    -X) method=$2; shift 2 ;;
    -H) case "$2" in "Authorization: Bearer "*) auth=${2#Authorization: Bearer } ;; esac; shift 2 ;;
    --data|-d) data=$2; shift 2 ;;
    -w|-o) shift 2 ;;
    -*) shift ;;
    *) url=$1; shift ;;
  esac
done
: "$method"
case "$url" in
  */maas-api/v1/tokens) printf '{"token": "maas-%s", "expiration": "1h"}' "${auth#ocp-}"; exit 0 ;;
  */maas-api/v1/api-keys)
    tier=$(printf '%s' "$data" | sed -n 's/.*"subscription": "\([^"]*\)-subscription".*/\1/p')
    [ "$tier" = "${auth#ocp-}" ] || exit 0
    printf '{"key": "maas-%s", "ephemeral": true}' "$tier"; exit 0 ;;
esac
tier=${auth#maas-}
path=${url#https://*/}
n=$(cat "$FAKE_DIR/count-$tier" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > "$FAKE_DIR/count-$tier"
limit=$(sed -n "s/^$tier //p" "$FAKE_DIR/limits")
if [ -n "$limit" ] && [ "$n" -gt "$limit" ]; then printf 429; exit 0; fi
case "$path" in
  v1/models) printf 200 ;;
  *) if grep -qx "$tier $(printf '%s' "$path" | cut -d/ -f1,2)" "$FAKE_DIR/grants"; then printf 200; else printf 403; fi ;;
esac
"#;

/// Runs the smoke script of every cluster of `example` against the fake
/// gateway; `drop` removes one grant from what the gateway allows.
fn run_against_fake_gateway(example: &str, drop: bool) -> Vec<(String, std::process::Output)> {
    use std::os::unix::fs::PermissionsExt;
    let p = load(&example_path(example)).platform;
    let mut out = Vec::new();
    for c in &p.clusters {
        let dir = tempfile::tempdir().unwrap();
        let curl = dir.path().join("curl");
        std::fs::write(&curl, FAKE_CURL).unwrap();
        std::fs::set_permissions(&curl, std::fs::Permissions::from_mode(0o755)).unwrap();
        let access = maasc::access::cluster_access(&p, c);
        let mut grants: Vec<String> = access
            .grants
            .iter()
            .map(|g| format!("{} {}", g.tier, g.model))
            .collect();
        if drop {
            grants.remove(0);
        }
        std::fs::write(dir.path().join("grants"), grants.join("\n") + "\n").unwrap();
        let limits: String = access
            .tiers
            .iter()
            .filter_map(|t| t.requests.map(|r| format!("{} {}\n", t.name, r.limit)))
            .collect();
        std::fs::write(dir.path().join("limits"), limits).unwrap();
        let script = dir.path().join("smoke.sh");
        std::fs::write(&script, smoke_script(&p, c)).unwrap();
        let mut cmd = std::process::Command::new("sh");
        cmd.arg(&script).env("FAKE_DIR", dir.path()).env(
            "PATH",
            format!(
                "{}:{}",
                dir.path().display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        );
        for t in &access.tiers {
            cmd.env(maasc::smoke::token_var(&t.name), format!("ocp-{}", t.name));
        }
        out.push((format!("{example}/{}", c.name), cmd.output().unwrap()));
    }
    out
}

#[test]
fn the_script_passes_against_a_gateway_that_enforces_the_matrix() {
    for example in EXAMPLES {
        for (name, out) in run_against_fake_gateway(example, false) {
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{name}:\n{stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(stdout.contains(" 0 failed"), "{name}:\n{stdout}");
            assert!(!stdout.contains("FAIL "), "{name}:\n{stdout}");
            assert!(stdout.contains("PASS  "), "{name}:\n{stdout}");
        }
    }
    // dev-prod's dev cluster probes free's 5/2m request limit.
    let dev = &run_against_fake_gateway("dev-prod", false)[0].1;
    let stdout = String::from_utf8_lossy(&dev.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("PASS  free") && l.contains("429  exceed 5")),
        "{stdout}"
    );
}

#[test]
fn the_script_fails_when_the_gateway_denies_a_granted_model() {
    for (name, out) in run_against_fake_gateway("migration", true) {
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{name}:\n{stdout}");
        assert!(stdout.contains("FAIL "), "{name}:\n{stdout}");
    }
}
