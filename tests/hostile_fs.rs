//! A hostile file system (issue 13): symlinks, unwritable folders, runs
//! killed with -9, files maasc did not generate. generate never writes
//! outside the tree, never replaces a link, and never leaves half a swap.

mod common;

use std::path::Path;
use std::process::Command;

fn generate(out: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_maasc"))
        .args(["generate", "-f", "examples/minimal/maas.yaml", "-o"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Names in `dir` that look like maasc's staging folders.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".maasc-"))
        .collect()
}

fn assert_no_leftovers(dir: &Path) {
    let found = leftovers(dir);
    assert!(found.is_empty(), "{found:?}");
}

/// A scratch folder and the tree path `clusters` in it.
fn scratch() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("clusters");
    (tmp, out)
}

fn a_generated_path() -> String {
    common::build(&common::example_path("minimal"))
        .into_iter()
        .map(|f| f.path)
        .find(|p| p.contains('/'))
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_folder_is_written_through_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("real");
    std::fs::create_dir(&target).unwrap();
    let link = tmp.path().join("clusters");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let (code, stderr) = generate(&link, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(target.join(".maasc-manifest").is_file());
    let (code, stderr) = generate(&link, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("up to date"), "{stderr}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_no_leftovers(tmp.path());
}

#[cfg(unix)]
#[test]
fn a_generated_folder_replaced_by_a_symlink_is_refused() {
    let (tmp, out) = scratch();
    let (code, stderr) = generate(&out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let path = a_generated_path();
    let folder = path.split('/').next().unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::remove_dir_all(out.join(folder)).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join(folder)).unwrap();
    let (code, stderr) = generate(&out, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("refusing to write through {folder}/")),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert!(
        std::fs::symlink_metadata(out.join(folder))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_no_leftovers(tmp.path());
}

#[test]
fn an_output_that_is_a_file_is_refused_and_left_alone() {
    let (tmp, out) = scratch();
    std::fs::write(&out, "my notes\n").unwrap();
    let (code, stderr) = generate(&out, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: cannot write {0}: {0} exists and is not a folder; the folder was left as it was",
            out.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "my notes\n");
    assert_no_leftovers(tmp.path());
}

#[cfg(target_os = "linux")]
#[test]
fn an_output_folder_that_cannot_be_created_gives_an_exact_message() {
    // /proc refuses new entries, even to root.
    let out = Path::new("/proc/maasc-hostile-test/clusters");
    let (code, stderr) = generate(out, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write /proc/maasc-hostile-test/clusters: "),
        "{stderr}"
    );
    assert!(stderr.contains("the folder was left as it was"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_read_only_tree_is_not_swapped_and_leaves_nothing_behind() {
    use std::os::unix::fs::PermissionsExt;
    let (tmp, out) = scratch();
    let (code, stderr) = generate(&out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let path = a_generated_path();
    let folder = out.join(path.rsplit_once('/').unwrap().0);
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root writes anyway: then there is nothing to prove here.
    let probe = folder.join("probe");
    if std::fs::write(&probe, "").is_ok() {
        std::fs::remove_file(&probe).unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    std::fs::write(out.join(&path), "changed by hand\n").ok();
    let before = std::fs::read(out.join(&path)).unwrap();
    std::fs::remove_file(out.join(".maasc-manifest")).ok();
    let (code, stderr) = generate(&out, &["--force"]);
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("cannot be written"), "{stderr}");
    assert_eq!(std::fs::read(out.join(&path)).unwrap(), before);
    assert_no_leftovers(tmp.path());
}

#[test]
fn staging_folders_of_killed_runs_are_removed_and_live_ones_kept() {
    let (tmp, out) = scratch();
    // A run killed with -9: its PID is dead (above any pid_max).
    let dead = tmp.path().join(".clusters.maasc-new-4294967");
    std::fs::create_dir_all(dead.join("base")).unwrap();
    std::fs::write(dead.join("base/x.yaml"), "half").unwrap();
    let dead_old = tmp.path().join(".clusters.maasc-old-4294966");
    std::fs::create_dir_all(&dead_old).unwrap();
    // A run still going (PID 1 is alive) and someone else's folder.
    let live = tmp.path().join(".clusters.maasc-new-1");
    std::fs::create_dir_all(&live).unwrap();
    let other = tmp.path().join(".other.maasc-new-4294967");
    std::fs::create_dir_all(&other).unwrap();
    // The first run writes the tree from nothing; only then are there
    // staging folders to clean (a run with changes cleans them).
    let (code, stderr) = generate(&out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!dead.exists() && !dead_old.exists());
    assert!(live.exists() && other.exists());
}

#[test]
fn a_tree_killed_between_its_two_renames_is_put_back() {
    let (tmp, out) = scratch();
    let (code, stderr) = generate(&out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let old = tmp.path().join(".clusters.maasc-old-4294967");
    std::fs::rename(&out, &old).unwrap();
    let (code, stderr) = generate(&out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("up to date"), "{stderr}");
    assert!(!old.exists());
}

#[test]
fn a_file_maasc_did_not_generate_is_not_overwritten_without_force() {
    let (_tmp, out) = scratch();
    let path = a_generated_path();
    let file = out.join(&path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "# mine\n").unwrap();
    let (code, stderr) = generate(&out, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("refusing to overwrite {path}")),
        "{stderr}"
    );
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# mine\n");
    assert!(!out.join(".maasc-manifest").exists());
    let (code, stderr) = generate(&out, &["--force"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_ne!(std::fs::read_to_string(&file).unwrap(), "# mine\n");
    // From now on the file is maasc's: edits are overwritten (as before).
    std::fs::write(&file, "# edited\n").unwrap();
    let (code, stderr) = generate(&out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
}

/// Runs maasc with `args`; panics when it does not finish in 20 s.
#[cfg(unix)]
fn maasc_in_time(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    common::run_in_time(Command::new(env!("CARGO_BIN_EXE_maasc")).args(args))
}

#[cfg(unix)]
#[test]
fn a_fifo_at_a_generated_path_blocks_no_command() {
    let (_tmp, out) = scratch();
    let (code, stderr) = generate(&out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let path = a_generated_path();
    std::fs::remove_file(out.join(&path)).unwrap();
    let made = Command::new("mkfifo")
        .arg(out.join(&path))
        .status()
        .unwrap();
    assert!(made.success());
    let f = std::ffi::OsStr::new;
    let (code, stderr) = maasc_in_time(&[
        f("check"),
        f("-f"),
        f("examples/minimal/maas.yaml"),
        f("-o"),
        out.as_os_str(),
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    let (code, stderr) = maasc_in_time(&[f("diff"), out.as_os_str(), out.as_os_str()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
    let (code, stderr) = generate(&out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(std::fs::metadata(out.join(&path)).unwrap().is_file());
}
