//! The escape hatch (issue 19 item 4): `clusters[].extraComponents` and
//! `clusters[].patches`, and the opt-outs `clusters[].platformExtras`.
//! Whether a patch's component and target exist, and whether it applies,
//! needs the generated objects: the pipeline checks that after planning
//! (`pipeline::check_patches`, E081/E083).

use std::path::{Component, Path};

use serde_json::Value;

use super::Checker;
use crate::diagnostic::Code;
use crate::input::{ClusterInput, ExtraComponentInput, PatchInput};
use crate::model::extras::EXTRA_DEFAULT_WAVE;
use crate::model::{
    Cluster, ClusterExtras, ExtraComponent, ExtraSource, Patch, PatchBody, PatchTarget,
    check_dns_label,
};
use crate::source::Sp;

/// Prefixes of the generated Applications' names (after `<cluster>-`).
const RESERVED_PREFIXES: [&str; 4] = ["operators-", "instances-", "platform-", "models-"];
/// The most a patch file may hold.
const MAX_PATCH_BYTES: u64 = 1 << 20;
/// JSON 6902 operations.
const OPS: [&str; 6] = ["add", "remove", "replace", "move", "copy", "test"];
/// Fields of a Secret that hold its values.
const SECRET_FIELDS: [&str; 2] = ["data", "stringData"];

/// Checks every cluster's extras and attaches them to its model.
pub(crate) fn attach(c: &mut Checker<'_>, clusters: &mut [Cluster], input: &[Sp<ClusterInput>]) {
    for cl in input {
        let extras = ClusterExtras {
            components: components(c, &cl.extra_components),
            patches: cl.patches.iter().filter_map(|p| patch(c, p)).collect(),
            dashboard: cl
                .platform_extras
                .as_ref()
                .and_then(|p| p.dashboard.as_ref())
                .is_none_or(|d| d.enabled),
            hardware_profiles: cl
                .platform_extras
                .as_ref()
                .and_then(|p| p.hardware_profiles.as_ref())
                .is_none_or(|d| d.enabled),
        };
        if let Some(cluster) = clusters
            .iter_mut()
            .find(|k| k.name.as_str() == cl.name.value)
        {
            cluster.extras = extras;
        }
    }
}

fn components(c: &mut Checker<'_>, input: &[Sp<ExtraComponentInput>]) -> Vec<ExtraComponent> {
    c.unique(
        "extra component",
        input.iter().map(|e| (e.name.value.clone(), e.name.span)),
    );
    let mut out: Vec<ExtraComponent> = input.iter().filter_map(|e| component(c, e)).collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn component(c: &mut Checker<'_>, e: &ExtraComponentInput) -> Option<ExtraComponent> {
    let name = c.name("extra component", &e.name, check_dns_label);
    let reserved = RESERVED_PREFIXES
        .iter()
        .any(|p| e.name.value.starts_with(p))
        || e.name.value == "root";
    if reserved {
        c.error(
            Code::ReservedComponentName,
            e.name.span,
            format!(
                "extra component `{}` would be named like a generated Application",
                e.name.value
            ),
            "names starting with `operators-`, `instances-`, `platform-` or `models-`, and `root`, are maasc's; choose another name",
        );
    }
    let namespace = e.namespace.as_ref().and_then(|n| {
        c.name("namespace", n, check_dns_label)
            .map(|()| n.value.clone())
    });
    let source = source(c, e);
    name.filter(|_| !reserved)?;
    Some(ExtraComponent {
        name: e.name.value.clone(),
        source: source?,
        wave: e.wave.as_ref().map_or(EXTRA_DEFAULT_WAVE, |w| w.value),
        namespace: if e.namespace.is_some() {
            Some(namespace?)
        } else {
            None
        },
    })
}

/// `path` as ArgoCD and kustomize want it: `/`-separated, no `.`
/// segments, no trailing `/`; `None` when it is absolute or has `..`.
fn repo_relative(path: &str) -> Option<String> {
    let p = Path::new(path);
    let mut parts = Vec::new();
    for comp in p.components() {
        match comp {
            Component::Normal(s) => parts.push(s.to_str()?.to_string()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    })
}

fn source(c: &mut Checker<'_>, e: &ExtraComponentInput) -> Option<ExtraSource> {
    let what = format!("extra component `{}`", e.name.value);
    let Some(repo_url) = &e.repo_url else {
        if let Some(rev) = &e.target_revision {
            c.error(
                Code::ExtraComponentSource,
                rev.span,
                format!("{what}: `targetRevision` without `repoURL`"),
                "a folder of this repository syncs at spec.gitops.targetRevision; drop `targetRevision`, or add the `repoURL` it belongs to",
            );
        }
        let Some(path) = &e.path else {
            c.error(
                Code::ExtraComponentSource,
                e.name.span,
                format!("{what} has neither `path` nor `repoURL`"),
                "give `path: <folder with a kustomization.yaml, relative to maas.yaml>` or `repoURL`, `path` and `targetRevision`",
            );
            return None;
        };
        let checked = crate::fs_safety::confined_kustomization_dir(c.base_dir, &path.value)
            .and_then(|_| {
                repo_relative(&path.value).ok_or_else(|| "is not a relative path".to_string())
            });
        return match checked {
            Ok(p) => Some(ExtraSource::Local { path: p }),
            Err(why) => {
                c.error(
                    Code::ExtraComponentSource,
                    path.span,
                    format!("{what}: path {why}"),
                    "the path is relative to the folder of maas.yaml and must stay inside the repository: a folder holding a kustomization.yaml",
                );
                None
            }
        };
    };
    let url_ok = repo_url.value.strip_prefix("https://").is_some_and(|rest| {
        let host = rest.split('/').next().unwrap_or("");
        !host.is_empty() && !host.contains('@') && !rest.chars().any(char::is_whitespace)
    });
    if !url_ok {
        c.error(
            Code::ExtraComponentSource,
            repo_url.span,
            format!(
                "{what}: repoURL `{}` is not an https URL",
                repo_url.value.escape_debug()
            ),
            "remote bases are fetched over https (`https://host/org/repo.git`), without credentials in the URL",
        );
    }
    let path = match &e.path {
        None => Some(".".to_string()),
        Some(p) => {
            let rel = repo_relative(&p.value);
            if rel.is_none() {
                c.error(
                    Code::ExtraComponentSource,
                    p.span,
                    format!(
                        "{what}: path `{}` is absolute or leaves the repository",
                        p.value.escape_debug()
                    ),
                    "the path is a folder inside the remote repository, without `..`",
                );
            }
            rel
        }
    };
    let Some(rev) = &e.target_revision else {
        c.error(
            Code::ExtraComponentSource,
            repo_url.span,
            format!("{what}: a remote repository without `targetRevision`"),
            "pin the revision ArgoCD syncs: `targetRevision: v1.2.0` (a tag) or a commit SHA",
        );
        return None;
    };
    if branch_like(&rev.value) {
        c.warning(
            Code::UnpinnedRevision,
            rev.span,
            format!(
                "{what}: targetRevision `{}` looks like a branch; what it deploys can change without a commit to this repository",
                rev.value.escape_debug()
            ),
            "pin a tag (`v1.2.0`) or a commit SHA",
        );
    }
    Some(ExtraSource::Remote {
        repo_url: url_ok.then(|| repo_url.value.clone())?,
        path: path?,
        target_revision: rev.value.clone(),
    })
}

/// A revision that follows a branch: `HEAD`, `refs/heads/…`, or a name
/// with no digit (`main`, `master`, `develop`); not a commit SHA or a
/// version tag.
fn branch_like(rev: &str) -> bool {
    let sha = rev.len() >= 7 && rev.len() <= 40 && rev.chars().all(|c| c.is_ascii_hexdigit());
    !sha && (rev == "HEAD"
        || rev.starts_with("refs/heads/")
        || !rev.chars().any(|c| c.is_ascii_digit()))
}

fn patch(c: &mut Checker<'_>, p: &Sp<PatchInput>) -> Option<Patch> {
    let t = &p.target.value;
    let target = PatchTarget {
        kind: t.kind.value.clone(),
        name: t.name.value.clone(),
        namespace: t.namespace.as_ref().map(|n| n.value.clone()),
    };
    let (value, span) = match (&p.patch, &p.file) {
        (Some(v), None) => (v.value.clone(), v.span),
        (None, Some(f)) => (read_patch_file(c, f)?, f.span),
        _ => {
            c.error(
                Code::InvalidPatch,
                p.span,
                format!(
                    "the patch to {} `{}` needs exactly one of `patch` and `file`",
                    target.kind, target.name
                ),
                "write the patch inline under `patch:`, or name a YAML file with `file:`",
            );
            return None;
        }
    };
    let body = match body(&value, &target) {
        Ok(b) => b,
        Err(why) => {
            c.error(Code::InvalidPatch, span, why, "a mapping of the fields to merge (strategic merge), or a list of `{op, path, value}` operations (JSON 6902)");
            return None;
        }
    };
    if target.kind == "Secret" && writes_secret_values(&body) {
        c.error(
            Code::SecretPatch,
            span,
            format!(
                "the patch to Secret `{}` writes its `data` or `stringData`",
                target.name
            ),
            "Secret values never go into Git: create the Secret on the cluster (or with a sealed/external secret in an extra component)",
        );
        return None;
    }
    Some(Patch {
        component: p.component.value.trim_matches('/').to_string(),
        target,
        body,
        component_span: p.component.span,
        target_span: p.target.span,
        span,
        file: c.file.to_path_buf(),
    })
}

fn read_patch_file(c: &mut Checker<'_>, f: &Sp<String>) -> Option<Value> {
    let text = crate::fs_safety::confined_path(c.base_dir, &f.value).and_then(|path| {
        crate::fs_safety::read_bounded(&path, MAX_PATCH_BYTES)
            .map_err(|e| match e {
                crate::fs_safety::ReadError::Io(e) => format!("cannot be read: {e}"),
                crate::fs_safety::ReadError::TooLarge(_) => {
                    format!("is larger than {MAX_PATCH_BYTES} bytes")
                }
            })
            .and_then(|b| String::from_utf8(b).map_err(|_| "is not UTF-8".to_string()))
    });
    let parsed = text.and_then(|t| {
        serde_saphyr::from_str_with_options::<Value>(
            &t,
            crate::parse::budget_options(MAX_PATCH_BYTES as usize, crate::parse::MAX_DEPTH),
        )
        .map_err(|e| format!("is not YAML: {e}"))
    });
    match parsed {
        Ok(v) => Some(v),
        Err(why) => {
            c.error(
                Code::ExtraComponentSource,
                f.span,
                format!("patch file `{}`: {why}", f.value.escape_debug()),
                "the file is relative to the folder of maas.yaml, inside the repository, and holds one YAML patch",
            );
            None
        }
    }
}

/// Classifies a patch, refusing what kustomize would not apply as meant:
/// directives and `null`s (maasc writes neither), a changed identity.
fn body(value: &Value, target: &PatchTarget) -> Result<PatchBody, String> {
    match value {
        Value::Object(map) => {
            if let Some(k) = ["apiVersion", "kind"]
                .iter()
                .find(|k| map.contains_key(**k))
            {
                return Err(format!(
                    "the strategic merge patch sets `{k}`: maasc takes it from the target"
                ));
            }
            for (field, want) in [
                ("name", Some(&target.name)),
                ("namespace", target.namespace.as_ref()),
            ] {
                let given = map.get("metadata").and_then(|m| m.get(field));
                if given.is_some() && given.and_then(Value::as_str) != want.map(String::as_str) {
                    return Err(format!(
                        "the strategic merge patch changes `metadata.{field}` of its target"
                    ));
                }
            }
            if let Some(why) = unsupported(value, "") {
                return Err(why);
            }
            Ok(PatchBody::StrategicMerge(value.clone()))
        }
        Value::Array(ops) => {
            for (i, op) in ops.iter().enumerate() {
                operation(op).map_err(|e| format!("JSON 6902 operation {}: {e}", i + 1))?;
            }
            Ok(PatchBody::Json6902(ops.clone()))
        }
        _ => {
            Err("a patch is a mapping (strategic merge) or a list of operations (JSON 6902)".into())
        }
    }
}

/// The first `null` or `$` directive in a strategic merge patch.
fn unsupported(value: &Value, at: &str) -> Option<String> {
    match value {
        Value::Null => Some(format!(
            "`{at}` is null: to remove a field, use a JSON 6902 `remove` operation"
        )),
        Value::Object(m) => m.iter().find_map(|(k, v)| {
            if k.starts_with('$') {
                Some(format!(
                    "`{at}.{k}`: strategic merge directives are not supported; use JSON 6902 operations"
                ))
            } else {
                unsupported(v, &format!("{at}.{k}"))
            }
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| unsupported(v, &format!("{at}[{i}]"))),
        _ => None,
    }
}

fn operation(op: &Value) -> Result<(), String> {
    let Some(map) = op.as_object() else {
        return Err("is not a mapping".into());
    };
    if let Some(k) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "op" | "path" | "value" | "from"))
    {
        return Err(format!("unknown field `{k}` (op, path, value, from)"));
    }
    let kind = map.get("op").and_then(Value::as_str).unwrap_or("");
    if !OPS.contains(&kind) {
        return Err(format!("`op` is `{kind}`, not one of {}", OPS.join(", ")));
    }
    let pointer = |f: &str| -> Result<&str, String> {
        match map.get(f).and_then(Value::as_str) {
            Some(p) if p.starts_with('/') => Ok(p),
            _ => Err(format!("`{f}` must be a JSON pointer starting with `/`")),
        }
    };
    let mut paths = vec![pointer("path")?];
    if matches!(kind, "move" | "copy") {
        paths.push(pointer("from")?);
    }
    if matches!(kind, "add" | "replace" | "test") && !map.contains_key("value") {
        return Err(format!("`op: {kind}` needs a `value`"));
    }
    let identity = [
        "/apiVersion",
        "/kind",
        "/metadata/name",
        "/metadata/namespace",
        "/metadata",
    ];
    if kind != "test" && paths.iter().any(|p| identity.contains(p)) {
        return Err(
            "changes the identity of its target (apiVersion, kind, name or namespace)".into(),
        );
    }
    Ok(())
}

fn writes_secret_values(body: &PatchBody) -> bool {
    match body {
        PatchBody::StrategicMerge(v) => SECRET_FIELDS.iter().any(|f| v.get(f).is_some()),
        PatchBody::Json6902(ops) => ops.iter().any(|op| {
            op.get("op").and_then(Value::as_str) != Some("test")
                && op.get("path").and_then(Value::as_str).is_some_and(|p| {
                    SECRET_FIELDS
                        .iter()
                        .any(|f| p == format!("/{f}") || p.starts_with(&format!("/{f}/")))
                })
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_like_revisions_are_told_from_pinned_ones() {
        for rev in ["main", "HEAD", "master", "refs/heads/v1", "develop"] {
            assert!(branch_like(rev), "{rev}");
        }
        for rev in [
            "v1.2.0",
            "1.0",
            "0123abc",
            "3f786850e387550fdab836ed7e6dc881de23001b",
        ] {
            assert!(!branch_like(rev), "{rev}");
        }
    }

    #[test]
    fn repository_paths_are_normalised_and_confined() {
        assert_eq!(
            repo_relative("./extras/quota/").as_deref(),
            Some("extras/quota")
        );
        assert_eq!(repo_relative("a/../b"), None);
        assert_eq!(repo_relative("/etc"), None);
    }
}
