//! A generated tree held in memory: read back from a folder or straight from
//! the render stage, and built the way `kubectl kustomize` builds it.
//!
//! maasc's kustomizations list `resources` (files and folders) and, in an
//! overlay a cluster patches, `patches` with a `target` (kind, name,
//! namespace) and an inline `patch`; building one is resolving the
//! resources recursively, applying the patches (`crate::patch`) and
//! ordering the objects as kustomize's default ("legacy") order does. `render`, `diff` and the
//! KRM function all see the cluster through this one view.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::Path;

use serde_json::Value;

use crate::emit::{self, MANIFEST_FILE};
use crate::order::legacy_order;
use crate::render::RenderedFile;

const KUSTOMIZATION: &str = "kustomization.yaml";

/// Every file of a generated tree, by `/`-separated path.
#[derive(Clone, Debug, Default)]
pub struct GeneratedTree {
    files: BTreeMap<String, String>,
}

/// One object of a built kustomization, with the file it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeObject {
    /// Path of the file inside the tree.
    pub file: String,
    pub value: Value,
}

impl TreeObject {
    fn str_at(&self, pointer: &str) -> &str {
        self.value
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    pub fn api_version(&self) -> &str {
        self.str_at("/apiVersion")
    }

    pub fn kind(&self) -> &str {
        self.str_at("/kind")
    }

    pub fn name(&self) -> &str {
        self.str_at("/metadata/name")
    }

    pub fn namespace(&self) -> &str {
        self.str_at("/metadata/namespace")
    }
}

message_error!(
    /// A tree that cannot be read or built.
    TreeError,
    tree_error
);

impl From<Vec<RenderedFile>> for GeneratedTree {
    fn from(files: Vec<RenderedFile>) -> Self {
        GeneratedTree {
            files: files.into_iter().map(|f| (f.path, f.content)).collect(),
        }
    }
}

impl GeneratedTree {
    /// Reads the generated files of `dir`: those its manifest lists, or every
    /// `.yaml` file when it has no manifest (a tree maasc did not write).
    pub fn read(dir: &Path) -> io::Result<GeneratedTree> {
        if !dir.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} is not a folder", dir.display()),
            ));
        }
        let listed = emit::read_manifest(dir)?;
        let paths: Vec<String> = if listed.is_empty() {
            walkdir::WalkDir::new(dir)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .filter_map(|e| {
                    let rel = e.path().strip_prefix(dir).ok()?;
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    rel.ends_with(".yaml").then_some(rel)
                })
                .collect()
        } else {
            listed.into_iter().filter(|p| p != MANIFEST_FILE).collect()
        };
        let mut files = BTreeMap::new();
        for path in paths {
            let full = dir.join(&path);
            if fs::metadata(&full).is_ok_and(|m| m.len() > crate::parse::MAX_INPUT_BYTES) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{}: larger than {} bytes; not a generated file",
                        full.display(),
                        crate::parse::MAX_INPUT_BYTES
                    ),
                ));
            }
            // Only regular files, read with a bound (a FIFO or a device at a
            // listed path would block or never end).
            if fs::metadata(&full).is_ok_and(|m| !m.is_file()) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{}: not a regular file; not a generated file",
                        full.display()
                    ),
                ));
            }
            let read = crate::fs_safety::read_bounded(&full, crate::parse::MAX_INPUT_BYTES)
                .map_err(|e| match e {
                    crate::fs_safety::ReadError::Io(e) => e,
                    crate::fs_safety::ReadError::TooLarge(_) => io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{}: too large; not a generated file", full.display()),
                    ),
                })
                .and_then(|bytes| {
                    String::from_utf8(bytes)
                        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
                });
            match read {
                Ok(text) => {
                    files.insert(path, text);
                }
                // A listed file someone deleted is simply not part of the tree.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(GeneratedTree { files })
    }

    pub fn file(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Folders holding a kustomization that no other kustomization uses:
    /// what ArgoCD Applications (or a person) build.
    pub fn roots(&self) -> Vec<String> {
        let dirs: Vec<&str> = self
            .files
            .keys()
            .filter_map(|p| kustomization_dir(p))
            .collect();
        let mut used = BTreeSet::new();
        for dir in &dirs {
            for r in self.resources(dir).unwrap_or_default() {
                used.insert(join(dir, &r));
            }
        }
        dirs.into_iter()
            .filter(|d| !used.contains(*d))
            .map(str::to_string)
            .collect()
    }

    /// Clusters of the tree: the top folders holding kustomization roots.
    pub fn clusters(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .roots()
            .iter()
            .filter_map(|r| r.split_once('/').map(|(c, _)| c.to_string()))
            .filter(|c| c != "base")
            .collect();
        names.dedup();
        names
    }

    /// The component folders of `cluster`: every root under it but the
    /// App-of-Apps plumbing (`apps`, `bootstrap`), in the sync-wave order its
    /// Applications give them, then by folder.
    pub fn cluster_components(&self, cluster: &str) -> Result<Vec<String>, TreeError> {
        let apps_dir = format!("{cluster}/apps");
        let mut waves: BTreeMap<String, i64> = BTreeMap::new();
        if self.files.contains_key(&join(&apps_dir, KUSTOMIZATION)) {
            for app in self.build(&apps_dir)? {
                let wave = app
                    .str_at("/metadata/annotations/argocd.argoproj.io~1sync-wave")
                    .parse()
                    .unwrap_or(0);
                waves.insert(app.str_at("/spec/source/path").to_string(), wave);
            }
        }
        let wave_of = |dir: &str| {
            waves
                .iter()
                .find(|(path, _)| *path == dir || path.ends_with(&format!("/{dir}")))
                .map_or(0, |(_, w)| *w)
        };
        let prefix = format!("{cluster}/");
        let mut dirs: Vec<(i64, String)> = self
            .roots()
            .into_iter()
            .filter(|r| r.starts_with(&prefix))
            .filter(|r| *r != apps_dir && *r != format!("{cluster}/bootstrap"))
            .map(|r| (wave_of(&r), r))
            .collect();
        if dirs.is_empty() {
            let known = self.clusters().join(", ");
            return Err(tree_error(format!(
                "no cluster `{cluster}` in the tree (clusters: {known})"
            )));
        }
        dirs.sort();
        Ok(dirs.into_iter().map(|(_, d)| d).collect())
    }

    /// The `resources` listed by the kustomization in `dir`.
    fn resources(&self, dir: &str) -> Result<Vec<String>, TreeError> {
        Ok(self.kustomization(dir)?.0)
    }

    /// The `resources` and `patches` of the kustomization in `dir`.
    fn kustomization(&self, dir: &str) -> Result<(Vec<String>, Vec<TreePatch>), TreeError> {
        let path = join(dir, KUSTOMIZATION);
        let text = self
            .file(&path)
            .ok_or_else(|| tree_error(format!("{path}: no such kustomization")))?;
        let doc: Value = serde_saphyr::from_str_with_options(text, tree_budget())
            .map_err(|e| tree_error(format!("{path}: not YAML: {e}")))?;
        if let Some(field) = doc.as_object().and_then(|m| {
            m.keys()
                .find(|k| !matches!(k.as_str(), "apiVersion" | "kind" | "resources" | "patches"))
        }) {
            return Err(tree_error(format!(
                "{path}: `{field}` is not supported; maasc builds kustomizations that list only resources and patches"
            )));
        }
        let resources = doc
            .get("resources")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let patches = doc
            .get("patches")
            .and_then(Value::as_array)
            .map(|items| items.iter().map(|p| TreePatch::read(&path, p)).collect())
            .transpose()?
            .unwrap_or_default();
        Ok((resources, patches))
    }

    /// Builds the kustomization in `dir` as `kubectl kustomize` does: every
    /// resource file and folder, recursively, in kustomize's default order.
    pub fn build(&self, dir: &str) -> Result<Vec<TreeObject>, TreeError> {
        let mut objects = Vec::new();
        self.collect(dir, &mut objects, &mut Vec::new())?;
        objects.sort_by_cached_key(legacy_order_key);
        let mut seen = BTreeSet::new();
        for o in &objects {
            let id = (o.api_version(), o.kind(), o.namespace(), o.name());
            if !seen.insert(id) {
                return Err(tree_error(format!(
                    "{dir}: {} {} is listed twice ({})",
                    o.kind(),
                    o.name(),
                    o.file
                )));
            }
        }
        Ok(objects)
    }

    fn collect(
        &self,
        dir: &str,
        out: &mut Vec<TreeObject>,
        stack: &mut Vec<String>,
    ) -> Result<(), TreeError> {
        if stack.iter().any(|d| d == dir) {
            return Err(tree_error(format!("{dir}: kustomizations form a cycle")));
        }
        stack.push(dir.to_string());
        let (resources, patches) = self.kustomization(dir)?;
        let start = out.len();
        for resource in resources {
            let path = join(dir, &resource);
            if self.files.contains_key(&join(&path, KUSTOMIZATION)) {
                self.collect(&path, out, stack)?;
            } else if let Some(text) = self.file(&path) {
                for value in parse_documents(&path, text)? {
                    out.push(TreeObject {
                        file: path.clone(),
                        value,
                    });
                }
            } else {
                return Err(tree_error(format!(
                    "{}: resource `{resource}` does not exist",
                    join(dir, KUSTOMIZATION)
                )));
            }
        }
        for p in &patches {
            let target = (p.kind.as_str(), p.name.as_str(), p.namespace.as_deref());
            let where_ = || {
                format!(
                    "{}: the patch to {} {}",
                    join(dir, KUSTOMIZATION),
                    p.kind,
                    p.name
                )
            };
            let matched = crate::patch::apply_to_targets(
                out[start..].iter_mut().map(|o| &mut o.value),
                target,
                &p.patch,
            )
            .map_err(|e| tree_error(format!("{} does not apply: {e}", where_())))?;
            if !matched {
                return Err(tree_error(format!("{} matches no object", where_())));
            }
        }
        stack.pop();
        Ok(())
    }
}

/// One entry of a kustomization's `patches`, as maasc writes them.
struct TreePatch {
    kind: String,
    name: String,
    namespace: Option<String>,
    patch: Value,
}

impl TreePatch {
    fn read(path: &str, entry: &Value) -> Result<TreePatch, TreeError> {
        let unsupported = || {
            tree_error(format!(
                "{path}: a patch that is not `{{target: {{kind, name, namespace}}, patch: <inline>}}` is not supported"
            ))
        };
        let entry = entry.as_object().ok_or_else(unsupported)?;
        let target = entry
            .get("target")
            .and_then(Value::as_object)
            .ok_or_else(unsupported)?;
        if entry.keys().any(|k| k != "target" && k != "patch")
            || target
                .keys()
                .any(|k| !matches!(k.as_str(), "kind" | "name" | "namespace"))
        {
            return Err(unsupported());
        }
        let text = |k: &str| target.get(k).and_then(Value::as_str).map(str::to_string);
        let inline = entry
            .get("patch")
            .and_then(Value::as_str)
            .ok_or_else(unsupported)?;
        let patch: Value = serde_saphyr::from_str_with_options(inline, tree_budget())
            .map_err(|e| tree_error(format!("{path}: a patch is not YAML: {e}")))?;
        Ok(TreePatch {
            kind: text("kind").ok_or_else(unsupported)?,
            name: text("name").ok_or_else(unsupported)?,
            namespace: text("namespace"),
            patch,
        })
    }
}

/// The objects of a YAML stream (empty documents skipped).
pub(crate) fn parse_documents(path: &str, text: &str) -> Result<Vec<Value>, TreeError> {
    let docs: Vec<Value> = serde_saphyr::from_multiple_with_options(text, tree_budget())
        .map_err(|e| tree_error(format!("{path}: not YAML: {e}")))?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// A tree read from disk is input too: maas.yaml's budgets (size, depth,
/// aliases), with room for multi-document files.
fn tree_budget() -> serde_saphyr::Options {
    let mut options = crate::parse::budget_options(
        crate::parse::MAX_INPUT_BYTES as usize,
        crate::parse::MAX_DEPTH,
    );
    if let Some(budget) = options.budget.as_mut() {
        budget.max_documents = 10_000;
    }
    options
}

fn kustomization_dir(path: &str) -> Option<&str> {
    path.strip_suffix(KUSTOMIZATION)
        .map(|d| d.strip_suffix('/').unwrap_or(d))
}

/// Joins a relative path onto a tree folder, resolving `.` and `..`.
fn join(dir: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// kustomize's legacy sort key: kind rank, then `group_version_kind`, then
/// namespace and name.
fn legacy_order_key(o: &TreeObject) -> (i64, String, String, String) {
    legacy_order(o.api_version(), o.kind(), o.namespace(), o.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_resolves_parent_segments() {
        assert_eq!(
            join("c1/models/ns", "../../../base/models/ns"),
            "base/models/ns"
        );
        assert_eq!(join("c1/apps", "./a.yaml"), "c1/apps/a.yaml");
    }

    fn tree(files: &[(&str, &str)]) -> GeneratedTree {
        GeneratedTree {
            files: files
                .iter()
                .map(|(p, c)| (p.to_string(), c.to_string()))
                .collect(),
        }
    }

    #[test]
    fn builds_recursively_in_legacy_order() {
        let t = tree(&[
            ("base/x/kustomization.yaml", "resources:\n  - b.yaml\n"),
            (
                "base/x/b.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
            ),
            (
                "c/x/kustomization.yaml",
                "resources:\n  - ../../base/x\n  - a.yaml\n",
            ),
            (
                "c/x/a.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
            ),
        ]);
        assert_eq!(t.roots(), vec!["c/x".to_string()]);
        let built = t.build("c/x").unwrap();
        let kinds: Vec<_> = built.iter().map(|o| o.kind()).collect();
        assert_eq!(kinds, ["Namespace", "ConfigMap"]);
    }

    #[test]
    fn applies_an_overlays_patches_to_its_resources_only() {
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\n";
        let patched = |patch: &str| {
            tree(&[
                ("base/x/kustomization.yaml", "resources:\n  - c.yaml\n"),
                ("base/x/c.yaml", cm),
                (
                    "c/x/kustomization.yaml",
                    &format!(
                        "resources:\n  - ../../base/x\npatches:\n  - target:\n      kind: ConfigMap\n      name: c\n    patch: |\n{patch}"
                    ),
                ),
            ])
        };
        let t = patched("      - {op: add, path: /data/b, value: \"2\"}\n");
        assert_eq!(t.build("c/x").unwrap()[0].value["data"]["b"], "2");
        assert!(
            t.build("base/x").unwrap()[0].value["data"]
                .get("b")
                .is_none()
        );
        let t = patched("      - {op: remove, path: /data/z}\n");
        assert!(
            t.build("c/x")
                .unwrap_err()
                .message
                .contains("does not apply")
        );
    }

    #[test]
    fn refuses_cycles_missing_resources_and_other_fields() {
        let cyclic = tree(&[
            ("a/kustomization.yaml", "resources:\n  - ../b\n"),
            ("b/kustomization.yaml", "resources:\n  - ../a\n"),
        ]);
        assert!(cyclic.build("a").unwrap_err().message.contains("cycle"));
        let missing = tree(&[("a/kustomization.yaml", "resources:\n  - gone.yaml\n")]);
        assert!(
            missing
                .build("a")
                .unwrap_err()
                .message
                .contains("does not exist")
        );
        let patched = tree(&[("a/kustomization.yaml", "configMapGenerator: []\n")]);
        assert!(
            patched
                .build("a")
                .unwrap_err()
                .message
                .contains("not supported")
        );
    }
}
