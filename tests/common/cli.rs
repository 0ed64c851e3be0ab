//! Running the `maasc` binary the way CI and reviewers run it.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

pub fn maasc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maasc"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("maasc runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A copy of `example`'s input (maas.yaml and htpasswd) in a temp folder,
/// generated into `clusters/` there.
pub fn workspace(example: &str) -> tempfile::TempDir {
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

/// Applies `edits` (from → to) to the workspace's maas.yaml.
pub fn edit(ws: &Path, file: &str, edits: &[(&str, &str)]) {
    let path = ws.join(file);
    let mut text = fs::read_to_string(&path).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "{from} not in {file}");
        text = text.replacen(from, to, 1);
    }
    fs::write(path, text).unwrap();
}

pub fn git(dir: &Path, args: &[&str]) {
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
