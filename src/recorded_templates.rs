//! `--templates DIR` is remembered: `generate` records the folder in the
//! tree's `.maasc-manifest` as a comment line `# templates: <path>`, the
//! path relative to the output folder (where the manifest lives, so the
//! record stays right wherever the repository is cloned). A later
//! `generate`, `check` or `diff` without `--templates` uses the recorded
//! folder; `--templates` given again replaces it.

use std::path::{Component, Path, PathBuf};

use crate::emit::MANIFEST_FILE;
use crate::render::RenderedFile;

/// The manifest line's prefix.
const PREFIX: &str = "# templates: ";

/// The templates folder recorded in the manifest of the tree at `dir`,
/// resolved against `dir`; `None` when there is none (or no manifest).
pub(crate) fn recorded(dir: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(dir.join(MANIFEST_FILE)).ok()?;
    let line = text.lines().find_map(|l| l.strip_prefix(PREFIX))?;
    let line = line.trim();
    (!line.is_empty()).then(|| dir.join(line))
}

/// `--templates` when given, else the folder the tree at `dir` records.
pub(crate) fn choose(given: Option<&Path>, dir: &Path) -> Option<PathBuf> {
    given.map(Path::to_path_buf).or_else(|| recorded(dir))
}

/// Records `templates` in the manifest among `files` (the tree for `dir`),
/// as a path relative to `dir`.
pub(crate) fn record(files: &mut [RenderedFile], dir: &Path, templates: &Path) {
    let Some(manifest) = files.iter_mut().find(|f| f.path == MANIFEST_FILE) else {
        return;
    };
    let relative = relative_to(templates, dir);
    let line = format!("{PREFIX}{relative}\n");
    // After the header comment, before the list of files.
    let at = manifest
        .content
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.len() + 1)
        .sum::<usize>()
        .min(manifest.content.len());
    manifest.content.insert_str(at, &line);
}

/// `path` relative to `base` (both relative to the working folder, or
/// absolute), with `/` separators; absolute when no relative path exists.
fn relative_to(path: &Path, base: &Path) -> String {
    let absolute = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        normalize(&p)
    };
    let (path, base) = (absolute(path), absolute(base));
    let (p, b): (Vec<Component>, Vec<Component>) =
        (path.components().collect(), base.components().collect());
    if p.first() != b.first() {
        return path.to_string_lossy().replace('\\', "/");
    }
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// `a/./b/../c` → `a/c`, lexically (the folders need not exist).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_go_up_and_down() {
        assert_eq!(
            relative_to(Path::new("/r/tpl"), Path::new("/r/clusters")),
            "../tpl"
        );
        assert_eq!(relative_to(Path::new("/r/a/tpl"), Path::new("/r")), "a/tpl");
        assert_eq!(
            relative_to(Path::new("/r/./x/../tpl"), Path::new("/r/c/d")),
            "../../tpl"
        );
    }

    #[test]
    fn the_record_goes_after_the_header() {
        let mut files = vec![RenderedFile {
            path: MANIFEST_FILE.to_string(),
            content: "# a\n# b\nx.yaml\n".to_string(),
        }];
        record(&mut files, Path::new("/r/clusters"), Path::new("/r/tpl"));
        assert_eq!(files[0].content, "# a\n# b\n# templates: ../tpl\nx.yaml\n");
    }
}
