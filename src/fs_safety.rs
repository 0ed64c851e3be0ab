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
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(joined),
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
