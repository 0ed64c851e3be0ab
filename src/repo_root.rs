//! Where a generated tree sits in its Git repository, so that every
//! Application's `spec.source.path` is a path ArgoCD finds: relative to the
//! repository root, wherever maas.yaml and the output folder are.
//!
//! The root is the nearest folder at or above the output folder that holds
//! `.git` (a folder, or a file in worktrees and submodules); Git itself is
//! not run. Without one, the root is assumed to be maas.yaml's folder when
//! the output folder is inside it (what `spec.gitops.path` means: a
//! repo-relative folder, by default next to maas.yaml), else the folder
//! above the output folder's trailing `spec.gitops.path` when it ends with
//! it, else the output folder's parent; the front end says so on stderr.

use std::path::{Component, Path, PathBuf};

use crate::model::Gitops;
use crate::plan::TreeLocation;

/// A tree's location and what the user should be told about it.
#[derive(Debug)]
pub(crate) struct Located {
    pub location: TreeLocation,
    /// Notes and warnings for stderr, one line each.
    pub notes: Vec<String>,
}

/// Where the tree written to `output` from the maas.yaml at `input` sits.
pub(crate) fn locate(input: &Path, output: &Path, gitops: &Gitops) -> Located {
    let (Some(input_abs), Some(output_abs)) = (resolve(input), resolve(output)) else {
        // Only when the current folder is gone: keep the spec's word.
        return Located {
            location: TreeLocation {
                repo_path: gitops.path.clone(),
                source: file_name(input),
            },
            notes: vec![format!(
                "note: cannot resolve {}; Applications use spec.gitops.path `{}`",
                output.display(),
                gitops.path
            )],
        };
    };
    let mut notes = Vec::new();
    let root = if let Some(root) = find_repo_root(&output_abs) {
        root
    } else {
        let input_dir = input_abs.parent().unwrap_or(Path::new("/"));
        let spec_root = output_abs
            .ends_with(&gitops.path)
            .then(|| output_abs.ancestors().nth(gitops.path.split('/').count()))
            .flatten();
        let assumed = if output_abs.starts_with(input_dir) {
            input_dir.to_path_buf()
        } else if let Some(root) = spec_root {
            root.to_path_buf()
        } else {
            output_abs.parent().unwrap_or(&output_abs).to_path_buf()
        };
        notes.push(format!(
            "note: {} is in no Git repository; assuming its root is {}, so Applications use path `{}`",
            output.display(),
            assumed.display(),
            slash_path(&relative(&assumed, &output_abs)),
        ));
        assumed
    };
    let repo_path = slash_path(&relative(&root, &output_abs));
    let repo_path = if repo_path == "." {
        String::new()
    } else {
        repo_path
    };
    if gitops.path_set && repo_path != gitops.path {
        // spec.gitops.path cannot name the root itself.
        let (shown, fix) = if repo_path.is_empty() {
            (".", String::new())
        } else {
            (
                repo_path.as_str(),
                format!("set spec.gitops.path to `{repo_path}`, or "),
            )
        };
        notes.push(format!(
            "warning: spec.gitops.path is `{}` but the tree is written to `{shown}` in the repository at {}, \
             so Applications use `{shown}`; {fix}generate into {}",
            gitops.path,
            root.display(),
            root.join(&gitops.path).display(),
        ));
    }
    Located {
        location: TreeLocation {
            repo_path,
            // maas.yaml outside the repository has no repository path.
            source: if input_abs.starts_with(&root) {
                slash_path(&relative(&root, &input_abs))
            } else {
                input_abs.display().to_string()
            },
        },
        notes,
    }
}

/// The nearest folder at or above `dir` (absolute) holding `.git`.
pub(crate) fn find_repo_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").symlink_metadata().is_ok())
        .map(Path::to_path_buf)
}

/// `path` absolute, with symlinks resolved as far as it exists (the output
/// folder usually does not exist yet) and `.`/`..` folded lexically below.
fn resolve(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for c in rest.iter().rev() {
                match c {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(name) => out.push(name),
                    _ => {}
                }
            }
            return Some(out);
        }
        let mut components = existing.components();
        let last = components.next_back()?;
        rest.push(last);
        existing = components.as_path();
    }
}

/// `to` relative to `from` (both absolute and resolved), with `..` where
/// `to` is not below `from`.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component<'_>> = from.components().collect();
    let to: Vec<Component<'_>> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || "maas.yaml".to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gitops(path: &str, set: bool) -> Gitops {
        Gitops {
            repo_url: "https://example.com/r.git".into(),
            target_revision: "main".into(),
            path: path.into(),
            path_set: set,
            argocd_namespace: crate::model::NamespaceName::parse("openshift-gitops").unwrap(),
            project: "maas".into(),
        }
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/b/c/d")),
            Path::new("c/d")
        );
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/b")),
            Path::new(".")
        );
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/x/y")),
            Path::new("../x/y")
        );
    }

    #[test]
    fn the_root_is_where_git_is_a_folder_or_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().canonicalize().unwrap().join("repo");
        std::fs::create_dir_all(repo.join("platform")).unwrap();
        std::fs::write(repo.join(".git"), "gitdir: /elsewhere\n").unwrap();
        let found = locate(
            &repo.join("platform/maas.yaml"),
            &repo.join("platform/clusters"),
            &gitops("clusters", false),
        );
        assert_eq!(found.location.repo_path, "platform/clusters");
        assert_eq!(found.location.source, "platform/maas.yaml");
        assert!(found.notes.is_empty(), "{:?}", found.notes);
        // An explicit spec.gitops.path that disagrees is a warning.
        let warned = locate(
            &repo.join("platform/maas.yaml"),
            &repo.join("platform/clusters"),
            &gitops("clusters", true),
        );
        assert!(warned.notes[0].starts_with("warning: spec.gitops.path is `clusters`"));
        // The tree at the root itself.
        let at_root = locate(&repo.join("maas.yaml"), &repo, &gitops("clusters", false));
        assert_eq!(at_root.location.repo_path, "");
    }

    #[test]
    fn without_git_the_assumed_root_is_said() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().canonicalize().unwrap();
        if find_repo_root(&dir).is_some() {
            return; // the temporary folder is inside a repository here
        }
        let inside = locate(
            &dir.join("maas.yaml"),
            &dir.join("deploy/clusters/../clusters"),
            &gitops("clusters", false),
        );
        assert_eq!(inside.location.repo_path, "deploy/clusters");
        assert!(inside.notes[0].contains(&format!("assuming its root is {}", dir.display())));
        let outside = locate(
            &dir.join("platform/maas.yaml"),
            &dir.join("out/tree"),
            &gitops("clusters", false),
        );
        assert_eq!(outside.location.repo_path, "tree");
        assert_eq!(
            outside.location.source,
            dir.join("platform/maas.yaml").display().to_string()
        );
        let spec = locate(
            &dir.join("platform/maas.yaml"),
            &dir.join("out/deploy/clusters"),
            &gitops("deploy/clusters", true),
        );
        assert_eq!(spec.location.repo_path, "deploy/clusters");
        assert_eq!(spec.notes.len(), 1, "{:?}", spec.notes);
    }
}
