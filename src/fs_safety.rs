//! What maasc reads from disk, and how: bounded, and confined.
//!
//! - Every file is read through a bounded reader (`take(limit + 1)`), so a
//!   size budget holds for pipes, devices and `/proc` files, whose length the
//!   file system does not know (`-f /dev/zero` is refused, not read forever).
//! - A file that maas.yaml names (`identity.htpasswd.file`) must be a regular
//!   file inside the folder of maas.yaml, or of the git repository holding
//!   it; it is resolved with every symlink followed, and refused when the
//!   result lies outside. An absolute path is refused. The refusal never
//!   quotes the file.

use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// Why a bounded read failed.
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    /// More than the limit; the number of bytes known (at least limit + 1).
    TooLarge(u64),
}

/// Reads at most `max_bytes` of `path`; more is [`ReadError::TooLarge`],
/// found without reading past `max_bytes + 1` bytes.
pub fn read_bounded(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    if let Ok(meta) = file.metadata()
        && meta.is_file()
        && meta.len() > max_bytes
    {
        return Err(ReadError::TooLarge(meta.len()));
    }
    let mut bytes = Vec::new();
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The folder files named by a maas.yaml in `base_dir` must stay in: the
/// enclosing git repository's root, else `base_dir` itself (canonical).
pub fn confinement_root(base_dir: &Path) -> io::Result<PathBuf> {
    let base = if base_dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base_dir
    };
    let base = base.canonicalize()?;
    let repo = base.ancestors().find(|dir| dir.join(".git").exists());
    Ok(repo.unwrap_or(&base).to_path_buf())
}

/// Resolves `relative` (as written in maas.yaml) against `base_dir` and
/// checks that it names a regular file inside [`confinement_root`]. A path
/// that does not exist comes back unchanged, for the reader to report.
pub fn confined_path(base_dir: &Path, relative: &str) -> Result<PathBuf, String> {
    let Some(resolved) = confined(base_dir, relative)? else {
        return Ok(base_dir.join(relative));
    };
    let meta = std::fs::metadata(&resolved)
        .map_err(|e| format!("cannot read `{}`: {e}", relative.escape_debug()))?;
    if !meta.is_file() {
        return Err(format!(
            "`{}` is not a regular file; maasc does not read it",
            relative.escape_debug()
        ));
    }
    Ok(resolved)
}

/// Kustomize's names of a kustomization file.
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Resolves `relative` against `base_dir` and checks that it names a
/// folder holding a kustomization, inside [`confinement_root`], reached
/// without `..` (a repository path ArgoCD can sync).
pub fn confined_kustomization_dir(base_dir: &Path, relative: &str) -> Result<PathBuf, String> {
    if Path::new(relative)
        .components()
        .any(|c| matches!(c, Component::ParentDir))
    {
        return Err(format!(
            "`{}` contains `..`: name the folder from the folder of maas.yaml downwards",
            relative.escape_debug()
        ));
    }
    let resolved = confined(base_dir, relative)?.ok_or_else(|| {
        format!(
            "`{}` does not exist (relative to the folder of maas.yaml)",
            relative.escape_debug()
        )
    })?;
    if !resolved.is_dir() {
        return Err(format!("`{}` is not a folder", relative.escape_debug()));
    }
    if !KUSTOMIZATION_FILES
        .iter()
        .any(|f| resolved.join(f).is_file())
    {
        return Err(format!(
            "`{}` holds no kustomization.yaml",
            relative.escape_debug()
        ));
    }
    Ok(resolved)
}

/// `relative` resolved against `base_dir` with every symlink followed;
/// `None` when it does not exist; an error when it is absolute or lies
/// outside [`confinement_root`].
fn confined(base_dir: &Path, relative: &str) -> Result<Option<PathBuf>, String> {
    let given = Path::new(relative);
    if given.is_absolute()
        || given
            .components()
            .any(|c| matches!(c, Component::Prefix(_)))
    {
        return Err(format!(
            "`{}` is an absolute path: maasc reads only files beside maas.yaml",
            relative.escape_debug()
        ));
    }
    let joined = base_dir.join(given);
    let resolved = match joined.canonicalize() {
        Ok(p) => p,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot resolve `{}`: {e}", relative.escape_debug())),
    };
    let root = confinement_root(base_dir)
        .map_err(|e| format!("cannot resolve the folder of maas.yaml: {e}"))?;
    if !resolved.starts_with(&root) {
        return Err(format!(
            "`{}` resolves to a file outside the folder of maas.yaml and its git repository; maasc does not read it",
            relative.escape_debug(),
        ));
    }
    Ok(Some(resolved))
}

/// The folder `generate` writes: `dir` itself, or, when `dir` is a symlink,
/// the folder it points to (written through, the link left as it is).
pub fn resolve_output(dir: &Path) -> io::Result<PathBuf> {
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.file_type().is_symlink() => {
            let target = dir.canonicalize().map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "{} is a symlink that cannot be followed: {e}",
                        dir.display()
                    ),
                )
            })?;
            if !target.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "{} is a symlink to {}, which is not a folder",
                        dir.display(),
                        target.display()
                    ),
                ));
            }
            Ok(target)
        }
        Ok(meta) if !meta.is_dir() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} exists and is not a folder", dir.display()),
        )),
        _ => Ok(dir.to_path_buf()),
    }
}

/// Refuses a tree where a folder on the way to a generated file is a
/// symlink: writing through it would write outside the tree.
pub fn refuse_symlinked_folders<'a>(
    dir: &Path,
    paths: impl IntoIterator<Item = &'a str>,
) -> io::Result<()> {
    let mut folders = std::collections::BTreeSet::new();
    for path in paths {
        let mut prefix = String::new();
        for part in path
            .split('/')
            .collect::<Vec<_>>()
            .split_last()
            .map_or(&[][..], |(_, d)| d)
        {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            folders.insert(prefix.clone());
        }
    }
    for folder in folders {
        let full = dir.join(&folder);
        if let Ok(meta) = std::fs::symlink_metadata(&full)
            && meta.file_type().is_symlink()
        {
            let target = std::fs::read_link(&full).unwrap_or_default();
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "refusing to write through {folder}/, a symlink to {}: every generated folder must be a real folder inside the tree (remove the link)",
                    target.display()
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses to overwrite files that are at generated paths but that maasc
/// did not generate (not in the manifest): named, unless `--force`.
pub fn refuse_foreign_files(
    changed: &[String],
    manifest: &std::collections::BTreeSet<String>,
) -> io::Result<()> {
    let foreign: Vec<&String> = changed.iter().filter(|p| !manifest.contains(*p)).collect();
    if let Some(first) = foreign.first() {
        let more = match foreign.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "refusing to overwrite {first}{more}: maasc did not generate it (it is not in .maasc-manifest); move it away, or run generate --force to replace it"
            ),
        ));
    }
    Ok(())
}

/// Whether process `pid` is alive (Linux: /proc; elsewhere assumed alive).
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Removes the staging folders `.<name>.maasc-new-<pid>` and
/// `.<name>.maasc-old-<pid>` that a killed run left in `parent` (its PID is
/// dead). A left `-old-` folder while the tree itself is missing is the tree
/// of a run killed between its two renames: it is put back.
pub fn remove_stale_staging(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let Some(rest) = file_name.strip_prefix(&format!(".{name}.maasc-")) else {
            continue;
        };
        let (kind, pid) = match rest.split_once('-') {
            Some((kind @ ("new" | "old"), pid)) => (kind, pid),
            _ => continue,
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if alive(pid) || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let tree = parent.join(name);
        if kind == "old" && std::fs::symlink_metadata(&tree).is_err() {
            let _ = std::fs::rename(entry.path(), &tree);
        } else {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Checks that every folder of the tree `dir` can be written (a file made
/// and removed in each), so that a swap never starts that cannot finish.
pub fn check_writable(dir: &Path) -> io::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    let probe_name = format!(".maasc-probe-{}", std::process::id());
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.map_err(io::Error::other)?;
        if !entry.file_type().is_dir() {
            continue;
        }
        let probe = entry.path().join(&probe_name);
        std::fs::File::create(&probe)
            .and_then(|_| std::fs::remove_file(&probe))
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("{} cannot be written: {e}", entry.path().display()),
                )
            })?;
    }
    Ok(())
}
