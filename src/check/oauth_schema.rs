//! The shape of an identity provider's settings, which maas.yaml passes
//! through to `OAuth/cluster` as written: checked here against the OAuth
//! CRD schema maasc's output is validated against (config.openshift.io/v1,
//! `schemas/crds/config.openshift.io_oauths.yaml`), so `validate` refuses
//! what the API server would (validate OK ⇒ the OAuth object applies).
//!
//! A small strict walker over the subset of OpenAPI the CRD uses: `type`,
//! `properties` (closed: an unknown key is refused), `items`, `required`,
//! `enum`, `minLength`. Messages name paths and expected types only, never a
//! value (settings may hold a secret written inline by mistake).

use std::sync::OnceLock;

use serde_json::Value;

/// The embedded OAuth CRD.
const OAUTH_CRD: &str = include_str!("../../schemas/crds/config.openshift.io_oauths.yaml");

/// `spec.identityProviders[]`'s schema.
fn provider_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let crd: Value = serde_json::from_str(OAUTH_CRD).unwrap_or(Value::Null);
        crd.pointer(
            "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/identityProviders/items",
        )
        .cloned()
        .unwrap_or(Value::Null)
    })
}

/// Where the settings under `key` (e.g. `openID`) break the schema: one
/// `path: problem` line each, empty when they fit.
pub(crate) fn problems(key: &str, settings: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(schema) = provider_schema().pointer(&format!("/properties/{key}")) {
        walk(schema, settings, key, &mut out);
    }
    out
}

fn walk(schema: &Value, value: &Value, path: &str, out: &mut Vec<String>) {
    if let Some(t) = schema.get("type").and_then(Value::as_str)
        && !has_type(value, t)
    {
        out.push(format!("{path}: must be of type {t}"));
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        let names: Vec<String> = allowed.iter().map(Value::to_string).collect();
        out.push(format!("{path}: must be one of {}", names.join(", ")));
    }
    if let (Some(min), Some(s)) = (
        schema.get("minLength").and_then(Value::as_u64),
        value.as_str(),
    ) && (s.chars().count() as u64) < min
    {
        out.push(format!("{path}: must be at least {min} characters"));
    }
    if let Some(items) = schema.get("items")
        && let Some(list) = value.as_array()
    {
        for (i, item) in list.iter().enumerate() {
            walk(items, item, &format!("{path}[{i}]"), out);
        }
    }
    let Some(map) = value.as_object() else { return };
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for r in required.iter().filter_map(Value::as_str) {
            if !map.contains_key(r) {
                out.push(format!("{path}: `{r}` is required"));
            }
        }
    }
    let preserve = schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (k, v) in map {
            match props.get(k) {
                Some(child) => walk(child, v, &format!("{path}.{k}"), out),
                None if !preserve => {
                    out.push(format!("{path}: unknown field `{k}`"));
                }
                None => {}
            }
        }
    }
}

fn has_type(value: &Value, t: &str) -> bool {
    match t {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::problems;

    #[test]
    fn settings_that_fit_the_crd_pass_and_others_name_their_path() {
        let ok = json!({"issuer": "https://id.example.com", "clientID": "maas",
            "clientSecret": {"name": "oidc"}, "claims": {"groups": ["groups"]}});
        assert_eq!(problems("openID", &ok), Vec::<String>::new());
        let bad = json!({"issuer": "https://id.example.com", "clientID": "maas",
            "clientSecret": {"name": "oidc"}, "claims": {"groups": "x"}, "colour": 1});
        assert_eq!(
            problems("openID", &bad),
            vec![
                "openID.claims.groups: must be of type array".to_string(),
                "openID: unknown field `colour`".to_string(),
            ]
        );
    }
}
