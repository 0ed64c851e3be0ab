//! What maasc reads (issue 13): only regular files inside the folder of
//! maas.yaml (or its git repository), never through a symlink out of it,
//! never more than the budget, even from pipes and devices; a refusal never
//! prints the file's content.

mod common;

use std::path::Path;
use std::process::Command;

/// The minimal example in `dir`, its htpasswd file named `file`.
fn minimal_in(dir: &Path, file: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string("examples/minimal/maas.yaml")
        .unwrap()
        .replace("file: users.htpasswd", &format!("file: {file}"));
    let path = dir.join("maas.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

fn validate(path: &Path, env: &[(&str, &str)]) -> (Option<i32>, String) {
    common::run_in_time(
        Command::new(env!("CARGO_BIN_EXE_maasc"))
            .args(["validate", "-f"])
            .arg(path)
            .envs(env.iter().copied()),
    )
}

#[test]
fn proc_self_environ_is_refused_and_never_echoed() {
    let tmp = tempfile::tempdir().unwrap();
    let path = minimal_in(tmp.path(), "/proc/self/environ");
    let (code, stderr) = validate(&path, &[("MAASC_TEST_CI_TOKEN", "ghp_leakedtoken123")]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("E024") && stderr.contains("absolute path"),
        "{stderr}"
    );
    assert!(!stderr.contains("ghp_leakedtoken123"), "{stderr}");
    assert!(!stderr.contains("MAASC_TEST_CI_TOKEN"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_folder_is_refused_and_never_echoed() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "TOPSECRET-VALUE\n").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret"),
        tmp.path().join("users.htpasswd"),
    )
    .unwrap();
    let (code, stderr) = validate(&minimal_in(tmp.path(), "users.htpasswd"), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("outside the folder of maas.yaml"),
        "{stderr}"
    );
    assert!(!stderr.contains("TOPSECRET"), "{stderr}");
    // `..` out of the folder (no git repository around a temp dir) too.
    let sub = tmp.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::copy(
        outside.path().join("secret"),
        tmp.path().join("up.htpasswd"),
    )
    .unwrap();
    let (code, stderr) = validate(&minimal_in(&sub, "../up.htpasswd"), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("outside"), "{stderr}");
    assert!(!stderr.contains("TOPSECRET"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_symlink_inside_the_folder_is_followed() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("secrets")).unwrap();
    std::fs::copy(
        "examples/minimal/users.htpasswd",
        tmp.path().join("secrets/users.htpasswd"),
    )
    .unwrap();
    std::os::unix::fs::symlink("secrets/users.htpasswd", tmp.path().join("users.htpasswd"))
        .unwrap();
    let (code, stderr) = validate(&minimal_in(tmp.path(), "users.htpasswd"), &[]);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn files_inside_the_enclosing_git_repository_are_read() {
    // tests/bad is inside this repository: `../../examples/...` stays in it.
    let tmp = tempfile::tempdir_in("target").unwrap();
    let sub = tmp.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let (code, stderr) = validate(
        &minimal_in(&sub, "../../../examples/minimal/users.htpasswd"),
        &[],
    );
    assert_eq!(code, Some(0), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_folder_is_refused_without_blocking() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("users.htpasswd");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let (code, stderr) = validate(&minimal_in(tmp.path(), "users.htpasswd"), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
    std::fs::create_dir(tmp.path().join("dir")).unwrap();
    let (code, stderr) = validate(&minimal_in(tmp.path(), "dir"), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn dev_zero_as_maas_yaml_stops_at_the_budget() {
    let (code, stderr) = validate(Path::new("/dev/zero"), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("E003"), "{stderr}");
}

#[test]
fn the_bounded_reader_never_reads_past_the_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("f");
    std::fs::write(&path, "0123456789").unwrap();
    assert_eq!(maasc::fs_safety::read_bounded(&path, 10).unwrap().len(), 10);
    assert!(matches!(
        maasc::fs_safety::read_bounded(&path, 9),
        Err(maasc::fs_safety::ReadError::TooLarge(10))
    ));
    #[cfg(unix)]
    assert!(matches!(
        maasc::fs_safety::read_bounded(Path::new("/dev/zero"), 1000),
        Err(maasc::fs_safety::ReadError::TooLarge(1001))
    ));
}
