//! Opening one side of a diff: a maas.yaml, a generated tree, or a maas.yaml
//! at a git revision.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::model::Platform;
use crate::pipeline::{LoadError, LoadOptions, Loaded, build_tree_at, load_text, load_with};
use crate::tree::{GeneratedTree, TreeError};
use crate::{parse, source::SourceFile};

/// One side, built: its tree, and its platform when it was a maas.yaml.
pub(crate) struct Side {
    /// How the side was named on the command line.
    pub label: String,
    pub platform: Option<Platform>,
    pub tree: GeneratedTree,
}

#[derive(Debug)]
pub enum SideError {
    /// The maas.yaml is invalid; the diagnostics say why.
    Load(LoadError),
    /// The file does not exist at that git revision.
    Absent,
    /// Anything else: a missing path, a git failure, an unreadable tree.
    Other(String),
}

impl fmt::Display for SideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SideError::Load(e) => f.write_str(&e.render()),
            SideError::Absent => writeln!(f, "error: the file does not exist at that revision"),
            SideError::Other(m) => writeln!(f, "error: {m}"),
        }
    }
}

impl From<TreeError> for SideError {
    fn from(e: TreeError) -> Self {
        SideError::Other(e.message)
    }
}

/// Opens `arg`. A bare `git:REF` reads the maas.yaml that `other` names (or
/// `maas.yaml` when `other` is not a file) at REF.
pub(crate) fn open_side(
    arg: &str,
    other: &str,
    templates: Option<&Path>,
) -> Result<Side, SideError> {
    let (platform, tree) = if let Some(spec) = arg.strip_prefix("git:") {
        let (rev, path) = match spec.split_once(':') {
            Some((rev, path)) => (rev, PathBuf::from(path)),
            None if Path::new(other).is_file() => (spec, PathBuf::from(other)),
            None => (spec, PathBuf::from("maas.yaml")),
        };
        match load_at_revision(rev, &path) {
            Ok(loaded) => build(loaded, templates, other)?,
            Err(SideError::Absent) => {
                let elsewhere = maas_yamls_at(rev)?;
                if !elsewhere.is_empty() {
                    // A typo in the path, not a first pull request.
                    return Err(SideError::Other(format!(
                        "{} does not exist at {rev}, which has maas.yaml at: {}; write git:{rev}:<path>",
                        path.display(),
                        elsewhere.join(", ")
                    )));
                }
                // A pull request that adds maas.yaml: everything is new.
                eprintln!(
                    "note: {rev} has no maas.yaml at all (a first pull request?): every object of {other} is new"
                );
                (None, GeneratedTree::default())
            }
            Err(e) => return Err(e),
        }
    } else {
        let path = Path::new(arg);
        if path.is_dir() {
            let tree = GeneratedTree::read(path)
                .map_err(|e| SideError::Other(format!("cannot read {arg}: {e}")))?;
            (None, tree)
        } else if path.is_file() {
            // A diff shows any version change, skips too (its summary says
            // what OLM cannot do); generate and check refuse them.
            let options = LoadOptions {
                tree: None,
                allow_version_skip: true,
            };
            build(
                load_with(path, &options).map_err(SideError::Load)?,
                templates,
                other,
            )?
        } else {
            return Err(SideError::Other(format!(
                "{arg}: no such file or folder (give a maas.yaml, a generated tree or git:REF)"
            )));
        }
    };
    Ok(Side {
        label: arg.to_string(),
        platform,
        tree,
    })
}

/// Builds a maas.yaml side's tree where it is compared: in the other
/// side's folder when that is a generated tree, else where `generate` would
/// write it, so that Application paths compare equal.
fn build(
    loaded: Loaded,
    templates: Option<&Path>,
    other: &str,
) -> Result<(Option<Platform>, GeneratedTree), SideError> {
    let output = if Path::new(other).is_dir() {
        PathBuf::from(other)
    } else {
        loaded.default_output_dir()
    };
    // --templates, else the folder recorded by the tree next to the maas.yaml.
    let templates = crate::recorded_templates::choose(templates, &loaded.default_output_dir());
    let location = loaded.locate(&output).location;
    let files = build_tree_at(&loaded, templates.as_deref(), &location)
        .map_err(|e| SideError::Other(e.to_string()))?;
    Ok((Some(loaded.platform), GeneratedTree::from(files)))
}

/// Loads the maas.yaml at `path` (relative to the current folder) as it is
/// at `rev`, with its htpasswd file from the same revision.
fn load_at_revision(rev: &str, path: &Path) -> Result<Loaded, SideError> {
    let text = git_show(rev, path)?;
    if text.len() as u64 > parse::MAX_INPUT_BYTES {
        return Err(SideError::Other(format!(
            "{} at {rev} is larger than {} bytes",
            path.display(),
            parse::MAX_INPUT_BYTES
        )));
    }
    // The htpasswd file is part of the input: read it at the same revision.
    let htpasswd_file = parse::parse_platform(&SourceFile::new(path, text.clone()))
        .ok()
        .and_then(|input| input.spec.identity)
        .and_then(|identity| identity.value.htpasswd)
        .and_then(|h| h.value.file)
        .map(|f| f.value);
    let htpasswd = match htpasswd_file {
        Some(file) => {
            let relative = path.parent().unwrap_or(Path::new("")).join(file);
            Some(git_show(rev, &relative).map_err(|e| match e {
                SideError::Absent => SideError::Other(format!(
                    "{} (named by identity.htpasswd.file) does not exist at {rev}",
                    relative.display()
                )),
                other => other,
            })?)
        }
        None => None,
    };
    load_text(path, text, htpasswd).map_err(SideError::Load)
}

/// Every file named maas.yaml at `rev`, from the repository's root.
fn maas_yamls_at(rev: &str) -> Result<Vec<String>, SideError> {
    let output = Command::new("git")
        .args(["ls-tree", "-r", "--full-tree", "--name-only", rev, "--"])
        .output()
        .map_err(|e| SideError::Other(format!("cannot run git: {e}")))?;
    if !output.status.success() {
        return Err(SideError::Other(format!(
            "git ls-tree {rev}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|p| *p == "maas.yaml" || p.ends_with("/maas.yaml"))
        .map(str::to_string)
        .collect())
}

/// The content of `path` (relative to the current folder) at `rev`.
fn git_show(rev: &str, path: &Path) -> Result<String, SideError> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(SideError::Other(format!(
            "`git:{rev}` names no revision: write git:REF, e.g. git:origin/main"
        )));
    }
    let relative = path.to_string_lossy().replace('\\', "/");
    let relative = relative.trim_start_matches("./");
    let object = format!("{rev}:./{relative}");
    let output = Command::new("git")
        .args(["show", "--no-textconv", &object])
        .output()
        .map_err(|e| SideError::Other(format!("cannot run git: {e}")))?;
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stderr);
        // git's words for a revision that exists but lacks the path.
        if why.contains("does not exist in") || why.contains("exists on disk, but not in") {
            return Err(SideError::Absent);
        }
        return Err(SideError::Other(format!(
            "git show {object}: {}",
            why.trim()
        )));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| SideError::Other(format!("{object} is not UTF-8 text")))
}
