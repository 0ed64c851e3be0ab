//! `maasc check`: is a committed tree exactly what generate would write?
//!
//! Compares in memory through [`emit::compare`], so it reads the tree once
//! and writes nothing; only changed files are read again, for their diff.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use similar::{ChangeTag, TextDiff};

use crate::emit::{self, TreeChanges};
use crate::render::RenderedFile;
use crate::style::Style;

/// How a tree differs from what generate would write, with a unified diff
/// (tree → generated) of every changed file.
#[derive(Debug)]
pub(crate) struct StaleReport {
    pub changes: TreeChanges,
    pub diffs: Vec<String>,
}

impl StaleReport {
    pub(crate) fn is_clean(&self) -> bool {
        self.changes.is_empty()
    }

    /// The unified diffs, then the lists of missing and extra files.
    pub(crate) fn render(&self, style: Style) -> String {
        let mut out = String::new();
        for diff in &self.diffs {
            for line in diff.lines() {
                let painted = match line.as_bytes().first() {
                    _ if line.starts_with("---") || line.starts_with("+++") => style.bold(line),
                    Some(b'+') => style.green(line),
                    Some(b'-') => style.red(line),
                    Some(b'@') => style.cyan(line),
                    _ => line.to_string(),
                };
                out.push_str(&painted);
                out.push('\n');
            }
        }
        let lists = [
            (
                "added (missing from the tree; generate writes them)",
                &self.changes.added,
            ),
            ("changed", &self.changes.changed),
            (
                "removed (generated once, no longer; generate deletes them)",
                &self.changes.removed,
            ),
        ];
        for (title, paths) in lists {
            if paths.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{} {title}:", paths.len());
            for p in paths {
                let _ = writeln!(out, "  {p}");
            }
        }
        out
    }
}

/// Compares `dir` with `files` without writing anything.
pub(crate) fn check_tree(dir: &Path, files: &[RenderedFile]) -> io::Result<StaleReport> {
    let changes = emit::compare(dir, files)?;
    let generated: HashMap<&str, &str> = files
        .iter()
        .map(|f| (f.path.as_str(), f.content.as_str()))
        .collect();
    let mut diffs = Vec::new();
    for path in &changes.changed {
        let full = dir.join(path);
        let meta = fs::metadata(&full)?;
        let size = meta.len();
        if !meta.is_file() {
            diffs.push(format!(
                "--- a/{path}\n+++ b/{path}\n(not a regular file in the tree)\n"
            ));
            continue;
        }
        if size > crate::parse::MAX_INPUT_BYTES {
            diffs.push(format!(
                "--- a/{path}\n+++ b/{path}\n(the file in the tree has {size} bytes: too large to show)\n"
            ));
            continue;
        }
        let on_disk = fs::read(full)?;
        let new = generated.get(path.as_str()).copied().unwrap_or_default();
        // Secret values are masked, as `maasc diff` masks them.
        let old = crate::secrets::mask_secret_text(&String::from_utf8_lossy(&on_disk));
        let new = crate::secrets::mask_secret_text(new);
        if old == new {
            diffs.push(format!(
                "--- a/{path}\n+++ b/{path}\n(a secret value differs: not shown)\n"
            ));
            continue;
        }
        diffs.push(unified_diff(path, &old, &new));
    }
    Ok(StaleReport { changes, diffs })
}

/// `git diff`-style text of `old` → `new`, three lines of context.
fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let diff = TextDiff::from_lines(old, new);
    let mut text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    // A change in the last line's newline alone shows no +/- body otherwise.
    if !diff.iter_all_changes().any(|c| c.tag() != ChangeTag::Equal) {
        text.push_str("(only line endings differ)\n");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unified_diff_names_the_file_and_the_lines() {
        let d = unified_diff("c/x.yaml", "a: 1\nb: 2\n", "a: 1\nb: 3\n");
        assert!(d.starts_with("--- a/c/x.yaml\n+++ b/c/x.yaml\n"), "{d}");
        assert!(d.contains("-b: 2\n+b: 3\n"), "{d}");
    }
}
