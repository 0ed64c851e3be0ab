//! Kustomize patches applied in-process: a strategic merge patch as
//! kustomize applies one to an object it has no OpenAPI schema for (the
//! custom resources maasc patches), and a JSON 6902 patch (RFC 6902).
//! A leaf, like `order`: `tree` (a built overlay), `stream` (`render`,
//! `krm`) and the pipeline's patch check use it.
//!
//! Strategic merge as kustomize v5.5 (the one in kubectl 1.32) applies one
//! to an object it has no OpenAPI schema for, the custom resources maasc
//! patches (kyaml `merge2` without inferred associative lists): mappings
//! merge key by key, `null` removes a key, and every list is replaced by
//! the patch's. Kubernetes' built-in kinds merge some lists by their patch
//! keys instead (a Service's `ports` by `port`), which maasc does not
//! apply: the pipeline refuses a strategic merge patch with a list for
//! them (`is_builtin`), JSON 6902 operations do that.

use serde_json::{Map, Value};

/// Whether objects of `api_version` are Kubernetes' own (the core group,
/// `apps`, `batch`, `*.k8s.io`), for which kustomize knows the schema and
/// merges some lists by key.
pub(crate) fn is_builtin(api_version: &str) -> bool {
    match api_version.rsplit_once('/') {
        None => true,
        Some((group, _)) => !group.contains('.') || group.ends_with(".k8s.io"),
    }
}

/// Whether a strategic merge patch holds a list anywhere.
pub(crate) fn has_list(patch: &Value) -> bool {
    match patch {
        Value::Array(_) => true,
        Value::Object(m) => m.values().any(has_list),
        _ => false,
    }
}

/// Applies `patch` to `object`: a mapping is a strategic merge patch, a
/// list a JSON 6902 patch. The error says which operation failed and why.
pub(crate) fn apply(object: &mut Value, patch: &Value) -> Result<(), String> {
    match patch {
        Value::Object(_) => merge(object, patch),
        Value::Array(ops) => ops.iter().enumerate().try_for_each(|(i, op)| {
            json6902(object, op).map_err(|e| format!("operation {}: {e}", i + 1))
        })?,
        _ => {
            return Err(
                "a patch is a mapping (strategic merge) or a list of operations (JSON 6902)".into(),
            );
        }
    }
    string_maps(object)
}

/// Kubernetes takes labels and annotations as mappings of strings only;
/// kustomize and the KRM answer add their own annotations there.
fn string_maps(object: &Value) -> Result<(), String> {
    for field in ["labels", "annotations"] {
        match object.pointer(&format!("/metadata/{field}")) {
            None => {}
            Some(Value::Object(m)) if m.values().all(Value::is_string) => {}
            Some(_) => {
                return Err(format!(
                    "it leaves `metadata.{field}` other than a mapping of strings, which Kubernetes refuses"
                ));
            }
        }
    }
    Ok(())
}

/// Whether `object` is the one a patch target names (no namespace: any).
fn targets(object: &Value, kind: &str, name: &str, namespace: Option<&str>) -> bool {
    let at = |p: &str| object.pointer(p).and_then(Value::as_str).unwrap_or("");
    at("/kind") == kind
        && at("/metadata/name") == name
        && namespace.is_none_or(|ns| at("/metadata/namespace") == ns)
}

/// Applies `patch` to every object of `objects` the target names; whether
/// one matched.
pub(crate) fn apply_to_targets<'a>(
    objects: impl IntoIterator<Item = &'a mut Value>,
    (kind, name, namespace): (&str, &str, Option<&str>),
    patch: &Value,
) -> Result<bool, String> {
    let mut matched = false;
    for o in objects {
        if targets(o, kind, name, namespace) {
            matched = true;
            apply(o, patch)?;
        }
    }
    Ok(matched)
}

fn merge(dst: &mut Value, src: &Value) {
    match (dst, src) {
        (Value::Object(d), Value::Object(s)) => {
            for (k, v) in s {
                if v.is_null() {
                    d.remove(k);
                } else if let Some(existing) = d.get_mut(k) {
                    merge(existing, v);
                } else {
                    d.insert(k.clone(), without_nulls(v));
                }
            }
        }
        (dst, src) => *dst = without_nulls(src),
    }
}

/// A value added by a merge: its `null`s mean nothing to remove.
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// The reference tokens of a JSON pointer (`/a/b~1c` → `a`, `b/c`).
fn tokens(pointer: &str) -> Result<Vec<String>, String> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(format!("path `{pointer}` does not start with `/`"));
    };
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn field<'a>(op: &'a Value, name: &str) -> Result<&'a Value, String> {
    op.get(name).ok_or_else(|| format!("`{name}` is missing"))
}

fn pointer_of<'a>(op: &'a Value, name: &str) -> Result<&'a str, String> {
    field(op, name)?
        .as_str()
        .ok_or_else(|| format!("`{name}` is not a string"))
}

fn json6902(object: &mut Value, op: &Value) -> Result<(), String> {
    let kind = pointer_of(op, "op")?;
    let path = pointer_of(op, "path")?;
    match kind {
        "add" => add(object, path, field(op, "value")?.clone()),
        "remove" => remove(object, path).map(drop),
        "replace" => {
            let value = field(op, "value")?.clone();
            *get_mut(object, path)? = value;
            Ok(())
        }
        "move" => {
            let from = pointer_of(op, "from")?;
            let value = remove(object, from)?;
            add(object, path, value)
        }
        "copy" => {
            let from = pointer_of(op, "from")?;
            let value = get_mut(object, from)?.clone();
            add(object, path, value)
        }
        "test" => {
            let want = field(op, "value")?;
            if get_mut(object, path)? == want {
                Ok(())
            } else {
                Err(format!("test failed: `{path}` is not the given value"))
            }
        }
        other => Err(format!(
            "`op: {other}` is not one of add, remove, replace, move, copy, test"
        )),
    }
}

fn get_mut<'a>(object: &'a mut Value, path: &str) -> Result<&'a mut Value, String> {
    let mut at = object;
    for t in tokens(path)? {
        at = match at {
            Value::Object(m) => m.get_mut(&t),
            Value::Array(items) => t.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| format!("`{path}` does not exist in the object"))?;
    }
    Ok(at)
}

/// The parent of `path` and the last token.
fn parent<'a>(object: &'a mut Value, path: &str) -> Result<(&'a mut Value, String), String> {
    let mut t = tokens(path)?;
    let last = t
        .pop()
        .ok_or_else(|| "the whole object cannot be replaced by a patch".to_string())?;
    let parent_path: String = t
        .iter()
        .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
        .collect();
    let parent = get_mut(object, &parent_path)
        .map_err(|_| format!("the parent of `{path}` does not exist in the object"))?;
    Ok((parent, last))
}

fn add(object: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let (parent, last) = parent(object, path)?;
    match parent {
        Value::Object(m) => {
            m.insert(last, value);
            Ok(())
        }
        Value::Array(items) if last == "-" => {
            items.push(value);
            Ok(())
        }
        Value::Array(items) => match last.parse::<usize>() {
            Ok(i) if i <= items.len() => {
                items.insert(i, value);
                Ok(())
            }
            _ => Err(format!(
                "`{path}`: index `{last}` is out of the list's bounds"
            )),
        },
        _ => Err(format!("`{path}`: the parent is not a mapping or a list")),
    }
}

fn remove(object: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = parent(object, path)?;
    let removed = match parent {
        Value::Object(m) => m.remove(&last),
        Value::Array(items) => last
            .parse::<usize>()
            .ok()
            .filter(|i| *i < items.len())
            .map(|i| items.remove(i)),
        _ => None,
    };
    removed.ok_or_else(|| format!("`{path}` does not exist in the object"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strategic_merge_merges_mappings_and_replaces_lists() {
        // What kubectl 1.32 (kustomize v5.5) gives for a custom resource.
        let mut o = json!({"spec": {"containers": [{"name": "main", "image": "a",
            "env": [{"name": "A", "value": "1"}]}], "m": {"a": 1, "b": 2}, "drop": 1}});
        let p = json!({"spec": {"containers": [{"name": "main", "env": [{"name": "B", "value": "2"}]}],
            "m": {"b": 3}, "drop": null}});
        apply(&mut o, &p).unwrap();
        assert_eq!(
            o,
            json!({"spec": {"containers": [{"name": "main", "env": [{"name": "B", "value": "2"}]}],
                "m": {"a": 1, "b": 3}}})
        );
    }

    #[test]
    fn builtin_kinds_are_told_from_custom_resources() {
        for v in [
            "v1",
            "batch/v1",
            "apps/v1",
            "networking.k8s.io/v1",
            "rbac.authorization.k8s.io/v1",
        ] {
            assert!(is_builtin(v), "{v}");
        }
        for v in [
            "serving.kserve.io/v1alpha1",
            "maas.opendatahub.io/v1alpha1",
            "argoproj.io/v1alpha1",
        ] {
            assert!(!is_builtin(v), "{v}");
        }
        assert!(has_list(&json!({"a": {"b": [1]}})));
        assert!(!has_list(&json!({"a": {"b": 1}})));
    }

    #[test]
    fn labels_and_annotations_stay_mappings_of_strings() {
        let object = json!({"kind": "A", "metadata": {"name": "a", "annotations": {"x": "1"}}});
        for patch in [
            json!([{"op": "add", "path": "/metadata/annotations", "value": [{"a": "b"}]}]),
            json!([{"op": "replace", "path": "/metadata/annotations", "value": "s"}]),
            json!({"metadata": {"labels": {"n": 1}}}),
        ] {
            let mut o = object.clone();
            let e = apply(&mut o, &patch).unwrap_err();
            assert!(e.contains("mapping of strings"), "{e}");
        }
        let mut o = object.clone();
        apply(&mut o, &json!({"metadata": {"labels": {"n": "1"}}})).unwrap();
    }

    #[test]
    fn json6902_operations_apply_or_say_why_not() {
        let mut o = json!({"metadata": {"name": "m"}, "spec": {"items": [1, 2]}});
        let ops = json!([
            {"op": "add", "path": "/metadata/annotations", "value": {}},
            {"op": "add", "path": "/metadata/annotations/a~1b", "value": "x"},
            {"op": "add", "path": "/spec/items/-", "value": 3},
            {"op": "replace", "path": "/spec/items/0", "value": 0},
            {"op": "test", "path": "/spec/items/2", "value": 3},
            {"op": "copy", "from": "/spec/items", "path": "/spec/copy"},
            {"op": "move", "from": "/spec/copy", "path": "/spec/moved"},
            {"op": "remove", "path": "/spec/items/1"}
        ]);
        apply(&mut o, &ops).unwrap();
        assert_eq!(
            o,
            json!({"metadata": {"name": "m", "annotations": {"a/b": "x"}},
                "spec": {"items": [0, 3], "moved": [0, 2, 3]}})
        );
        let err = apply(
            &mut o,
            &json!([{"op": "replace", "path": "/spec/nope", "value": 1}]),
        );
        assert_eq!(
            err.unwrap_err(),
            "operation 1: `/spec/nope` does not exist in the object"
        );
        let err = apply(&mut o, &json!([{"op": "add", "path": "/a/b", "value": 1}]));
        assert!(err.unwrap_err().contains("parent of `/a/b`"));
    }
}
