//! Issue 18, "a newcomer's first hour": the command line fits kubectl, helm
//! and cargo habits, and the project installs and tests on a fresh machine.

mod common;

use std::path::Path;

use common::cli::*;

const MINIMAL: &str = "examples/minimal/maas.yaml";
const WARNINGS: &str = "tests/bad/warnings/custom-gateway.yaml";

#[test]
fn the_input_is_positional_or_f_or_stdin() {
    for args in [
        &["validate", MINIMAL][..],
        &["validate", "-f", MINIMAL],
        &["render", MINIMAL],
    ] {
        let out = maasc(Path::new("."), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    }
    let text = std::fs::read(MINIMAL).unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_maasc"));
    command
        .current_dir("examples/minimal")
        .args(["validate", "-f", "-"]);
    let out = common::run_with_stdin(&mut command, &text);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("<stdin>: ok"), "{}", stderr(&out));
    let ws = workspace("minimal");
    let generate = maasc(
        ws.path(),
        &["generate", "maas.yaml", "-o", "clusters", "-q"],
    );
    assert_eq!(generate.status.code(), Some(0), "{}", stderr(&generate));
    assert_eq!(stderr(&generate), "", "-q printed something");
    let check = maasc(ws.path(), &["check", "maas.yaml", "-o", "clusters"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let both = maasc(Path::new("."), &["validate", MINIMAL, "-f", MINIMAL]);
    assert_eq!(
        both.status.code(),
        Some(2),
        "a file given twice is a usage error"
    );
}

#[test]
fn version_names_the_commit() {
    let out = maasc(Path::new("."), &["--version"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!("maasc {} (", env!("CARGO_PKG_VERSION")))
            && text.trim_end().ends_with(')'),
        "{text}"
    );
}

#[test]
fn completions_and_a_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = maasc(Path::new("."), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        assert!(stdout(&out).contains("validate"), "{shell}");
    }
    let man = maasc(Path::new("."), &["man"]);
    assert_eq!(man.status.code(), Some(0));
    assert!(stdout(&man).contains(".TH maasc 1"), "{}", stdout(&man));
}

#[test]
fn strict_makes_warnings_fail_and_quiet_prints_nothing_when_all_is_well() {
    let lax = maasc(Path::new("."), &["validate", WARNINGS]);
    assert_eq!(lax.status.code(), Some(0), "{}", stderr(&lax));
    assert!(stderr(&lax).contains("warning[W103]"), "{}", stderr(&lax));
    let strict = maasc(Path::new("."), &["validate", "--strict", WARNINGS]);
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
    assert!(stderr(&strict).contains("--strict"), "{}", stderr(&strict));
    let quiet = maasc(Path::new("."), &["validate", "-q", MINIMAL]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(stderr(&quiet), "", "-q printed something");
    let quiet_warnings = maasc(Path::new("."), &["-q", "validate", WARNINGS]);
    assert_eq!(stderr(&quiet_warnings), "");
}

#[test]
fn color_always_colours_validate_and_never_or_no_color_do_not() {
    let bad = "tests/bad/unknown-pool.yaml";
    let always = maasc(Path::new("."), &["validate", "--color", "always", bad]);
    assert!(stderr(&always).contains("\x1b[31m"), "{}", stderr(&always));
    // NO_COLOR is set by `maasc()`: auto is plain; so is never.
    for args in [
        &["validate", bad][..],
        &["validate", "--color", "never", bad],
    ] {
        let out = maasc(Path::new("."), args);
        assert!(!stderr(&out).contains('\x1b'), "{args:?}");
    }
}

#[test]
fn validate_and_check_report_json_with_a_stable_schema() {
    let out = maasc(
        Path::new("."),
        &[
            "validate",
            "--format",
            "json",
            "tests/bad/many-unknown-fields.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["schemaVersion"], 1);
    assert_eq!(report["ok"], false);
    assert_eq!(report["errors"], 3);
    let first = &report["diagnostics"][0];
    for key in [
        "code", "severity", "file", "line", "column", "message", "hint",
    ] {
        assert!(first.get(key).is_some(), "{key} missing: {first}");
    }
    assert_eq!(first["code"], "E005");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["line"], 13);
    assert_eq!(first["column"], 7);
    assert_eq!(first["hint"], "did you mean `environment`?");

    let ws = workspace("minimal");
    let clean = maasc(ws.path(), &["check", "--format", "json", "-o", "clusters"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    let report: serde_json::Value = serde_json::from_str(&stdout(&clean)).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(report["tree"]["upToDate"], true);
    edit(ws.path(), "maas.yaml", &[("limit: 5,", "limit: 6,")]);
    let stale = maasc(ws.path(), &["check", "--format", "json", "-o", "clusters"]);
    assert_eq!(stale.status.code(), Some(1), "{}", stderr(&stale));
    let report: serde_json::Value = serde_json::from_str(&stdout(&stale)).unwrap();
    assert_eq!(report["tree"]["upToDate"], false);
    assert!(!report["tree"]["changed"].as_array().unwrap().is_empty());
}

#[test]
fn init_writes_a_starter_that_validates_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let out = maasc(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("maas.yaml")).unwrap();
    assert!(
        text.lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
            > 10
    );
    let valid = maasc(dir.path(), &["validate", "--strict"]);
    assert_eq!(valid.status.code(), Some(0), "{}", stderr(&valid));
    let generate = maasc(dir.path(), &["generate"]);
    assert_eq!(generate.status.code(), Some(0), "{}", stderr(&generate));
    let again = maasc(dir.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("maas.yaml")).unwrap(),
        text
    );
}

#[test]
fn help_never_exits_2() {
    for args in [
        &["help"][..],
        &["help", "validate"],
        &["help", "tier", "add"],
    ] {
        let out = maasc(Path::new("."), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).contains("Usage: maasc"), "{args:?}");
    }
    let unknown = maasc(Path::new("."), &["help", "valdate"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("did you mean `validate`?"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn render_lists_every_component_and_suggests_the_closest() {
    let out = maasc(
        Path::new("."),
        &[
            "render",
            "examples/dev-prod/maas.yaml",
            "--cluster",
            "prod",
            "--component",
            "modls/llm",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("did you mean `models/llm`?"), "{err}");
    for component in [
        "models/vision",
        "platform/machine-pools",
        "operators/cert-manager",
        "models/embeddings",
    ] {
        assert!(err.contains(component), "{component} not listed: {err}");
    }
}

#[test]
fn a_fresh_machine_installs_what_ci_needs_and_says_what_it_skipped() {
    let ci = std::fs::read_to_string(".ci/run").unwrap();
    assert!(ci.contains("cargo install --locked cargo-nextest"));
    assert!(
        ci.contains("cargo test --locked"),
        "no fallback to cargo test"
    );
    assert!(
        ci.contains("SKIPPED"),
        "a skipped conformance check must say so"
    );
    let license = std::fs::read_to_string("LICENSE").unwrap();
    assert!(license.contains("Apache License") && license.contains("Version 2.0, January 2004"));
    assert!(
        std::fs::read_to_string("Cargo.toml")
            .unwrap()
            .contains("license = \"Apache-2.0\"")
    );
    let readme = std::fs::read_to_string("README.md").unwrap();
    assert!(readme.contains("cargo install --locked --path ."));
    let workflow = std::fs::read_to_string("examples/ci/github-workflow.yaml").unwrap();
    let pinned = workflow
        .lines()
        .find_map(|l| l.trim().strip_prefix("MAASC_REF: "))
        .expect("the workflow pins MAASC_REF");
    assert!(
        readme.contains(&format!("`{pinned}`")),
        "README does not name {pinned}"
    );
}

#[test]
fn diff_shows_a_tier_added_to_the_tier_configmap_as_lines() {
    let ws = workspace("minimal");
    std::fs::copy(ws.path().join("maas.yaml"), ws.path().join("old.yaml")).unwrap();
    let add = maasc(
        ws.path(),
        &[
            "tier",
            "add",
            "gold",
            "--level",
            "30",
            "--group",
            "system:authenticated",
            "--requests",
            "60/1m",
            "--tokens",
            "100k/1h",
        ],
    );
    assert_eq!(add.status.code(), Some(0), "{}", stderr(&add));
    for format in ["text", "md"] {
        let out = maasc(
            ws.path(),
            &["diff", "old.yaml", "maas.yaml", "--format", format],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(
            !text.contains("chars)` → `") && !text.contains("chars) → "),
            "{format}: prefixes only:\n{text}"
        );
        assert!(text.contains("data.tiers"), "{text}");
        assert!(
            text.contains("+  name: gold"),
            "{format}: no line diff:\n{text}"
        );
        assert!(text.contains("+  level: 30"), "{format}: {text}");
    }
}

#[test]
fn diff_against_a_missing_path_at_a_revision_is_an_error_unless_the_revision_has_no_maas_yaml() {
    let ws = workspace("minimal");
    git(ws.path(), &["init", "-q", "-b", "main"]);
    git(ws.path(), &["add", "maas.yaml", "users.htpasswd"]);
    git(ws.path(), &["commit", "-q", "-m", "base"]);
    let out = maasc(ws.path(), &["diff", "git:HEAD:nope.yaml", "maas.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("nope.yaml does not exist at HEAD, which has maas.yaml at: maas.yaml"),
        "{err}"
    );

    // A revision without any maas.yaml: a first pull request, everything added, and said so.
    let fresh = workspace("minimal");
    std::fs::write(fresh.path().join("README.md"), "x\n").unwrap();
    git(fresh.path(), &["init", "-q", "-b", "main"]);
    git(fresh.path(), &["add", "README.md"]);
    git(fresh.path(), &["commit", "-q", "-m", "before"]);
    let out = maasc(fresh.path(), &["diff", "git:HEAD:nope.yaml", "maas.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("HEAD has no maas.yaml at all"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_of_a_folder_that_does_not_exist_says_so_and_exits_2() {
    let ws = workspace("minimal");
    for format in ["text", "json"] {
        let out = maasc(
            ws.path(),
            &["check", "-o", "no-such-tree", "--format", format],
        );
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("no-such-tree: the tree's folder does not exist"),
            "{err}"
        );
        assert!(!err.contains("stale"), "{err}");
    }
}

/// A templates folder beside maas.yaml overriding the tier ConfigMap with a label.
fn custom_templates(ws: &Path) {
    let dir = ws.join("my-templates");
    std::fs::create_dir(&dir).unwrap();
    let (_, builtin) = maasc::render::TEMPLATES
        .iter()
        .find(|(n, _)| *n == "config-map.yaml")
        .unwrap();
    let custom = builtin.replacen(
        "    component: tier-mapping\n",
        "    component: tier-mapping\n    team: platform\n",
        1,
    );
    assert_ne!(&custom, builtin);
    std::fs::write(dir.join("config-map.yaml.j2"), custom).unwrap();
}

#[test]
fn templates_given_once_are_recorded_and_used_by_check_diff_and_generate() {
    let ws = workspace("minimal");
    custom_templates(ws.path());
    let out = maasc(
        ws.path(),
        &["generate", "-o", "clusters", "--templates", "my-templates"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let manifest = std::fs::read_to_string(ws.path().join("clusters/.maasc-manifest")).unwrap();
    assert!(
        manifest.contains("\n# templates: ../my-templates\n"),
        "{manifest}"
    );
    let tree = std::fs::read_to_string(
        ws.path()
            .join("clusters/base/platform/maas-tiers/configmap-tier-to-group-mapping.yaml"),
    )
    .unwrap();
    assert!(tree.contains("team: platform"), "{tree}");
    let check = maasc(ws.path(), &["check", "-o", "clusters"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    let again = maasc(ws.path(), &["generate"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("nothing written"),
        "{}",
        stderr(&again)
    );
    let diff = maasc(ws.path(), &["diff", "clusters", "maas.yaml", "--exit-code"]);
    assert_eq!(
        diff.status.code(),
        Some(0),
        "{}{}",
        stdout(&diff),
        stderr(&diff)
    );
}

#[test]
fn an_override_with_an_undefined_variable_names_its_file_and_line() {
    let ws = workspace("minimal");
    custom_templates(ws.path());
    let path = ws.path().join("my-templates/config-map.yaml.j2");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("metadata:\n", "metadata:\n# {{ colour }}\n", 1),
    )
    .unwrap();
    assert!(
        std::fs::read_to_string(&path).unwrap().contains("colour"),
        "the override must reference the undefined variable"
    );
    let out = maasc(
        ws.path(),
        &["generate", "-o", "clusters", "--templates", "my-templates"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("my-templates/config-map.yaml.j2:3: undefined variable colour"),
        "{}",
        stderr(&out)
    );
}
