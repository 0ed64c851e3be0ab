//! Exit codes, decided in one place (`Error::exit_code`): 0 ok, 1 findings,
//! 2 usage or I/O error, the same for every command.

mod common;

use std::path::Path;

use common::cli::*;

const MINIMAL: &str = "examples/minimal/maas.yaml";

#[test]
fn render_exits_2_when_the_templates_folder_does_not_exist() {
    let out = maasc(
        Path::new("."),
        &[
            "render",
            "-f",
            MINIMAL,
            "--templates",
            "tests/no-such-folder",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "render printed a partial stream");
    assert!(stderr(&out).contains("not a folder"), "{}", stderr(&out));
}

#[test]
fn render_and_generate_exit_2_when_a_template_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    // A template file that is not UTF-8: reading it is an I/O error.
    let (name, _) = maasc::render::TEMPLATES[0];
    std::fs::write(dir.path().join(format!("{name}.j2")), [0xff, 0xfe, 0xfd]).unwrap();
    let templates = dir.path().to_str().unwrap();
    let render = maasc(
        Path::new("."),
        &["render", "-f", MINIMAL, "--templates", templates],
    );
    assert_eq!(render.status.code(), Some(2), "{}", stderr(&render));
    assert!(render.stdout.is_empty());
    let out = dir.path().join("out");
    let generate = maasc(
        Path::new("."),
        &[
            "generate",
            "-f",
            MINIMAL,
            "-o",
            out.to_str().unwrap(),
            "--templates",
            templates,
        ],
    );
    assert_eq!(generate.status.code(), Some(2), "{}", stderr(&generate));
    assert_eq!(
        stderr(&render).lines().next(),
        stderr(&generate).lines().next(),
        "render and generate report an unreadable template alike"
    );
}

#[test]
fn render_exits_1_when_the_cluster_is_not_there_and_2_when_the_file_is_not() {
    let unknown = maasc(
        Path::new("."),
        &["render", "-f", MINIMAL, "--cluster", "nope"],
    );
    assert_eq!(unknown.status.code(), Some(1), "{}", stderr(&unknown));
    assert!(unknown.stdout.is_empty());
    let missing = maasc(Path::new("."), &["render", "-f", "tests/no-such.yaml"]);
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
    assert!(stderr(&missing).contains("E001"));
}

#[test]
fn validate_exits_0_on_valid_input() {
    let out = maasc(Path::new("."), &["validate", "-f", MINIMAL]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// A reader that goes away (`maasc render | head -1`) ends the output; it
/// is not a panic, and the exit code stays the command's.
#[test]
fn a_closed_pipe_is_not_a_panic() {
    use std::process::{Command, Stdio};
    for args in [
        &["render", "-f", "examples/ocpai3-aws/maas.yaml"][..],
        &["schema"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_maasc"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the read end before reading anything: every write fails.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
