//! Strict validation of generated objects against their upstream schemas
//! (`schemas/crds/`), shared by the schema test and the fuzz test.

use std::collections::BTreeMap;

use maasc::model::RhoaiVersion;
use serde_json::{Value, json};

/// Makes a CRD's OpenAPI v3 schema strict JSON Schema: objects with
/// properties are closed unless they preserve unknown fields, `nullable`
/// and `x-kubernetes-int-or-string` become JSON Schema types.
pub fn strict(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    if map.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        map.remove("type");
        map.insert(
            "anyOf".into(),
            json!([{ "type": "integer" }, { "type": "string" }]),
        );
    }
    if map.remove("nullable") == Some(Value::Bool(true))
        && let Some(Value::String(t)) = map.get("type").cloned()
    {
        map.insert("type".into(), json!([t, "null"]));
    }
    let preserve = map.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
    if map.contains_key("properties") && !map.contains_key("additionalProperties") && !preserve {
        map.insert("additionalProperties".into(), Value::Bool(false));
    }
    for (key, child) in map.iter_mut() {
        match key.as_str() {
            "properties" | "patternProperties" => {
                if let Value::Object(props) = child {
                    props.values_mut().for_each(strict);
                }
            }
            "items" | "additionalProperties" | "not" => strict(child),
            "allOf" | "anyOf" | "oneOf" => {
                if let Value::Array(items) = child {
                    items.iter_mut().for_each(strict);
                }
            }
            _ => {}
        }
    }
}

/// (apiVersion, kind) → validator, from every schema under schemas/crds.
pub fn validators() -> BTreeMap<(String, String), jsonschema::Validator> {
    base_validators()
        .into_iter()
        .map(|(key, (_, v))| (key, v))
        .collect()
}

/// The base schemas with every version's CRDs layered on, oldest first,
/// so each kind has its newest schema: for tests whose inputs run any
/// version (the fuzz test); the per-version truth is `crd_schemas`'.
pub fn validators_any_version() -> BTreeMap<(String, String), jsonschema::Validator> {
    let mut out = Validators::new();
    load_schemas("schemas/crds", &mut out);
    for v in RhoaiVersion::ALL {
        load_schemas(&format!("schemas/versions/rhoai-{v}"), &mut out);
    }
    out.into_iter().map(|(key, (_, v))| (key, v)).collect()
}

/// (apiVersion, kind) → (CRD name, validator), from every schema under `dir`.
pub type Validators = BTreeMap<(String, String), (String, jsonschema::Validator)>;

pub fn load_schemas(dir: &str, out: &mut Validators) {
    for entry in walkdir::WalkDir::new(dir) {
        let path = entry.unwrap().into_path();
        // The per-version sets are loaded on demand (`validators_at`).
        if path.starts_with("schemas/versions") && dir == "schemas/crds" {
            continue;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if ext != "yaml" && ext != "json" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // Most files are compact JSON; a few are YAML.
        let doc: Value = serde_json::from_str(&text)
            .or_else(|_| serde_saphyr::from_str(&text))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if doc["kind"] == "CustomResourceDefinition" {
            let name = doc["metadata"]["name"].as_str().unwrap().to_string();
            // A version's CRD replaces the base one of the same name.
            out.retain(|_, (crd, _)| *crd != name);
            let group = doc["spec"]["group"].as_str().unwrap();
            let kind = doc["spec"]["names"]["kind"].as_str().unwrap().to_string();
            for v in doc["spec"]["versions"].as_array().unwrap() {
                let mut schema = v["schema"]["openAPIV3Schema"].clone();
                strict(&mut schema);
                // metadata is checked by the API server's ObjectMeta rules,
                // not by the CRD: leave it open here.
                schema["properties"]["metadata"] = json!({ "type": "object" });
                schema["properties"]["apiVersion"] = json!({ "type": "string" });
                schema["properties"]["kind"] = json!({ "type": "string" });
                let api = format!("{group}/{}", v["name"].as_str().unwrap());
                out.insert(
                    (api, kind.clone()),
                    (name.clone(), jsonschema::validator_for(&schema).unwrap()),
                );
            }
        } else if let Some(gvks) = doc["x-kubernetes-group-version-kind"].as_array() {
            for gvk in gvks {
                let group = gvk["group"].as_str().unwrap();
                let version = gvk["version"].as_str().unwrap();
                let api = if group.is_empty() {
                    version.to_string()
                } else {
                    format!("{group}/{version}")
                };
                out.insert(
                    (api, gvk["kind"].as_str().unwrap().to_string()),
                    (String::new(), jsonschema::validator_for(&doc).unwrap()),
                );
            }
        }
    }
}

/// Every schema under schemas/crds (the newest upstream CRDs).
pub fn base_validators() -> Validators {
    let mut out = Validators::new();
    load_schemas("schemas/crds", &mut out);
    out
}

/// The schemas of one OpenShift AI version, as `check.py --version-dir`
/// builds them: the version's CRDs replace the base ones of the same name,
/// and the CRDs its `ABSENT` lists are gone (their kinds have no schema).
pub fn validators_at(version: RhoaiVersion) -> Validators {
    let mut out = base_validators();
    let dir = format!("schemas/versions/rhoai-{version}");
    load_schemas(&dir, &mut out);
    let absent = std::fs::read_to_string(format!("{dir}/ABSENT")).unwrap();
    for name in absent
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        out.retain(|_, (crd, _)| crd != name);
    }
    out
}
