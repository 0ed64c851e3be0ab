//! Records the git commit maasc is built from, for `maasc --version`.
//! Without git, or outside a repository (a crates.io tarball), the version
//! says so instead of failing the build. No network.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=MAASC_GIT_COMMIT");
    let commit = std::env::var("MAASC_GIT_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| git(&["rev-parse", "--short", "HEAD"]));
    // Rebuild when HEAD moves (a commit, a checkout): the reflog of HEAD
    // changes with both, also in a worktree.
    for path in ["HEAD", "logs/HEAD"] {
        if let Some(p) = git(&["rev-parse", "--git-path", path])
            && std::path::Path::new(&p).exists()
        {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    println!(
        "cargo:rustc-env=MAASC_GIT_COMMIT={}",
        commit.as_deref().unwrap_or("unknown commit")
    );
}
