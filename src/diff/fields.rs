//! Field-level difference of two objects: the paths that changed, with old
//! and new values, and secret values masked.

use serde::Serialize;
use serde_json::Value;

/// One changed field: `None` on a side means the field is absent there.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct FieldChange {
    /// `spec.template.containers[name=main].image`, `metadata.annotations["a/b"]`.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// What a masked value reads as.
pub const MASK: &str = "(secret value hidden)";

/// Every leaf that differs between `old` and `new`, in path order. Fields of
/// a Secret's `data`/`stringData` are masked.
pub(crate) fn diff_objects(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk(&mut String::new(), old, new, &mut out);
    if is_secret(old) || is_secret(new) {
        for change in &mut out {
            if is_secret_path(&change.path) {
                change.old = change.old.as_ref().map(|_| Value::from(MASK));
                change.new = change.new.as_ref().map(|_| Value::from(MASK));
            }
        }
    }
    out
}

fn is_secret(v: &Value) -> bool {
    v.get("kind").and_then(Value::as_str) == Some("Secret")
}

fn is_secret_path(path: &str) -> bool {
    ["data", "stringData"].iter().any(|root| {
        path == *root
            || path.starts_with(&format!("{root}."))
            || path.starts_with(&format!("{root}["))
    })
}

/// Walks a field present on both sides, or records it as added or removed.
fn pair(path: &mut String, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<FieldChange>) {
    match (old, new) {
        (Some(a), Some(b)) => walk(path, a, b, out),
        (a, b) => out.push(FieldChange {
            path: path.clone(),
            old: a.cloned(),
            new: b.cloned(),
        }),
    }
}

fn walk<'a>(path: &mut String, old: &'a Value, new: &'a Value, out: &mut Vec<FieldChange>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let len = path.len();
                push_key(path, key);
                pair(path, a.get(key), b.get(key), out);
                path.truncate(len);
            }
        }
        (Value::Array(a), Value::Array(b)) => match (names_of(a), names_of(b)) {
            (Some(na), Some(nb)) => {
                let mut names: Vec<&str> = na.iter().chain(&nb).copied().collect();
                names.sort();
                names.dedup();
                for name in names {
                    let len = path.len();
                    path.push_str(&format!("[name={name}]"));
                    let find = |items: &'a [Value]| {
                        items
                            .iter()
                            .find(|i| i.get("name").and_then(Value::as_str) == Some(name))
                    };
                    pair(path, find(a), find(b), out);
                    path.truncate(len);
                }
            }
            _ => {
                for i in 0..a.len().max(b.len()) {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    pair(path, a.get(i), b.get(i), out);
                    path.truncate(len);
                }
            }
        },
        (x, y) if x != y => out.push(FieldChange {
            path: path.clone(),
            old: Some(x.clone()),
            new: Some(y.clone()),
        }),
        _ => {}
    }
}

/// The `name` of every item when all items are objects with distinct names
/// (containers, env, ports): such lists are compared by name, not position.
fn names_of(items: &[Value]) -> Option<Vec<&str>> {
    if items.is_empty() {
        return None;
    }
    let names: Option<Vec<&str>> = items
        .iter()
        .map(|i| i.get("name").and_then(Value::as_str))
        .collect();
    let names = names?;
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    (sorted.len() == names.len()).then_some(names)
}

fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        path.push_str(&format!("[{}]", Value::from(key)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_leaves_with_readable_paths() {
        let old = json!({"metadata": {"annotations": {"a.io/x": "1"}}, "spec": {"containers": [{"name": "m", "image": "a"}], "args": ["x"]}});
        let new = json!({"metadata": {"annotations": {"a.io/x": "2"}}, "spec": {"containers": [{"name": "m", "image": "b"}], "args": ["x", "y"]}});
        let paths: Vec<_> = diff_objects(&old, &new)
            .into_iter()
            .map(|c| c.path)
            .collect();
        assert_eq!(
            paths,
            [
                "metadata.annotations[\"a.io/x\"]",
                "spec.args[1]",
                "spec.containers[name=m].image"
            ]
        );
    }

    #[test]
    fn masks_secret_data() {
        let old = json!({"kind": "Secret", "data": {"htpasswd": "b2xk"}, "type": "Opaque"});
        let new = json!({"kind": "Secret", "data": {"htpasswd": "bmV3"}, "type": "Opaque"});
        let changes = diff_objects(&old, &new);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].old, Some(json!(MASK)));
        assert_eq!(changes[0].new, Some(json!(MASK)));
        assert!(!serde_json::to_string(&changes).unwrap().contains("bmV3"));
    }

    #[test]
    fn equal_objects_have_no_changes() {
        let v = json!({"a": [1, {"b": null}]});
        assert!(diff_objects(&v, &v).is_empty());
    }
}
