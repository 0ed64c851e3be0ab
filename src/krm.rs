//! `maasc krm`: maasc as a KRM function (the kustomize/kpt Functions
//! Specification, `config.kubernetes.io/v1` ResourceList on stdin and stdout).
//!
//! - `functionConfig` is the MaaSPlatform object, checked like a maas.yaml;
//! - the htpasswd content comes from the `maasc.io/htpasswd` annotation
//!   (inline), from a Secret in `items` named by `maasc.io/htpasswd-secret`
//!   (key `htpasswd`), or from `identity.htpasswd.file` relative to the
//!   working folder (kustomize runs exec functions in the kustomization root);
//! - the cluster comes from `--cluster` or the `maasc.io/cluster`
//!   annotation; without either, every cluster's objects are emitted, each
//!   under its cluster's path (an `info` result says so);
//! - `maasc.io/sync-waves: "true"` gives every object its component's
//!   `argocd.argoproj.io/sync-wave`, for one Application applying it all;
//! - output: the input items untouched, then the cluster's objects (what
//!   `maasc render` prints), each with `config.kubernetes.io/path` and
//!   `index` and their `internal.config.kubernetes.io/*` twins;
//! - problems are `results` (severity, message, field path, file), and any
//!   error result makes the run fail while keeping every input item.

use std::path::Path;

use std::cell::RefCell;

use serde::Serialize;
use serde::ser::{Error as _, SerializeSeq, Serializer};
use serde_json::{Value, json};

use crate::diagnostic::Severity;
use crate::pipeline::load_text;
use crate::render::Renderer;
use crate::render::read::Node;
use crate::source::{Span, field_path_at};
use crate::stream::{self, StreamObject};

/// Annotation selecting the cluster to generate.
pub(crate) const CLUSTER_ANNOTATION: &str = "maasc.io/cluster";
/// Annotation holding the htpasswd file content inline.
pub(crate) const HTPASSWD_ANNOTATION: &str = "maasc.io/htpasswd";
/// Annotation naming a Secret in `items` whose `htpasswd` key holds it.
pub(crate) const HTPASSWD_SECRET_ANNOTATION: &str = "maasc.io/htpasswd-secret";

/// Annotation (`"true"`) giving every object its component's sync wave.
pub(crate) const SYNC_WAVES_ANNOTATION: &str = "maasc.io/sync-waves";

/// The most a ResourceList may weigh: items of a whole kustomization may come
/// with it, so more than a maas.yaml, but still bounded.
pub(crate) const MAX_RESOURCE_LIST_BYTES: usize = 64 * 1024 * 1024;

/// The ResourceList written back, fields in the specification's order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourceListOut<'a> {
    api_version: &'a str,
    kind: &'a str,
    items: Items<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    function_config: Option<&'a Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    results: Vec<Value>,
}

/// The answer's items: the input's, unchanged, then the generated objects,
/// each with its path annotations.
///
/// A generated object is read back from its YAML text as it is written,
/// and its value tree dropped right after: one object's tree is in memory
/// at a time. Holding all of them made most of `maasc krm`'s peak heap (a
/// serde_json map takes a B-tree node of about 600 bytes however few keys
/// it has), and every fresh page of it costs a page fault.
struct Items<'a> {
    input: Vec<Value>,
    generated: &'a [StreamObject],
    sync_waves: bool,
    /// The message of the first generated object that did not read back.
    unreadable: RefCell<Option<String>>,
}

impl Serialize for Items<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.input.len() + self.generated.len()))?;
        for item in &self.input {
            seq.serialize_element(item)?;
        }
        for object in self.generated {
            match answer_item(object, self.sync_waves) {
                Ok(node) => seq.serialize_element(&node)?,
                Err(e) => {
                    let error = S::Error::custom(&e.message);
                    *self.unreadable.borrow_mut() = Some(e.message);
                    return Err(error);
                }
            }
        }
        seq.end()
    }
}

impl Items<'_> {
    fn input_only(input: Vec<Value>) -> Items<'static> {
        Items {
            input,
            generated: &[],
            sync_waves: false,
            unreadable: RefCell::new(None),
        }
    }
}

/// What the function writes and how it exits.
#[derive(Debug)]
pub(crate) struct KrmOutcome {
    /// The ResourceList to print on stdout; input that is not a
    /// ResourceList gets one whose only result says why (`stderr` too).
    pub stdout: String,
    /// Unstructured errors for stderr.
    pub stderr: String,
    /// An error result or unreadable input: exit 1.
    pub failed: bool,
}

/// Runs the function on the ResourceList text `input`; relative htpasswd
/// files resolve against `workdir`.
pub(crate) fn run(input: &str, cluster_flag: Option<&str>, workdir: &Path) -> KrmOutcome {
    // Unreadable input still gets a ResourceList back, its `results` saying
    // why (the Functions Specification: never an empty answer).
    let json_like = input.trim_start().starts_with('{');
    let unreadable = |why: String| unreadable_list(&why, json_like);
    let (list, json) = match crate::krm_input::read(input, MAX_RESOURCE_LIST_BYTES) {
        Ok(v) => v,
        Err(e) => return unreadable(e),
    };
    let Value::Object(mut list) = list else {
        return unreadable("the document is not a mapping".into());
    };
    if list.get("kind").and_then(Value::as_str) != Some("ResourceList") {
        return unreadable("`kind` must be ResourceList".into());
    }
    if !matches!(
        list.get("apiVersion").and_then(Value::as_str),
        Some("config.kubernetes.io/v1")
    ) {
        return unreadable("`apiVersion` must be config.kubernetes.io/v1".into());
    }
    // Moved out, not copied: they go back unchanged, and may be large.
    let items: Vec<Value> = match list.remove("items") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => return unreadable("`items` must be a list".into()),
    };
    if let Some(i) = items.iter().position(|item| {
        !item.get("kind").is_some_and(Value::is_string)
            || !item.get("apiVersion").is_some_and(Value::is_string)
    }) {
        return unreadable(format!(
            "items[{i}] is not a Kubernetes object: it needs a string `apiVersion` and `kind`"
        ));
    }
    let mut results = Vec::new();
    let function_config = list.get("functionConfig").filter(|v| v.is_object());
    let generated = if let Some(function_config) = function_config {
        let generated = generate(function_config, &items, cluster_flag, workdir, &mut results);
        about(function_config, &mut results);
        generated
    } else {
        results.push(result(
            "error",
            "functionConfig is missing: it must be the MaaSPlatform object (maas.yaml's content)"
                .into(),
            None,
            None,
        ));
        None
    };
    let (objects, sync_waves) = generated
        .as_ref()
        .map_or((&[][..], false), |g| (g.objects.as_slice(), g.sync_waves));
    // Sized once for the answer (the input, which it repeats, and the
    // generated objects, about twice their YAML as indented JSON): no
    // copying as it grows, and no fresh pages touched twice.
    let capacity = 2 * input.len() + 2 * objects.iter().map(|o| o.text.len()).sum::<usize>();
    let mut out = ResourceListOut {
        api_version: list
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("config.kubernetes.io/v1"),
        kind: "ResourceList",
        items: Items {
            generated: objects,
            sync_waves,
            ..Items::input_only(items)
        },
        function_config: list.get("functionConfig"),
        results,
    };
    let mut written = if json || sync_waves {
        write(&out, json, capacity)
    } else {
        // YAML: the generated objects go in as their rendered text.
        out.items.generated = &[];
        write(&out, false, capacity).and_then(|answer| {
            crate::krm_yaml::splice(&answer, objects, |object| {
                let node = answer_item(object, false).map_err(|e| {
                    *out.items.unreadable.borrow_mut() = Some(e.message.clone());
                    e.message
                })?;
                serde_saphyr::to_string(&node).map_err(|e| e.to_string())
            })
        })
    };
    let unreadable = out.items.unreadable.take();
    if let (Some(message), Some(function_config)) = (unreadable, function_config) {
        // A generated object did not read back: the answer is that error,
        // without the generated objects, like any failure to generate.
        let mut error = vec![result("error", message, None, source_path(function_config))];
        about(function_config, &mut error);
        out.results.extend(error);
        out.items.generated = &[];
        written = write(&out, json, capacity);
    }
    let failed = out.results.iter().any(|r| r["severity"] == "error");
    let stdout = match written {
        Ok(text) => text,
        Err(e) => {
            return KrmOutcome {
                stdout: String::new(),
                stderr: format!("error: cannot write the ResourceList: {e}\n"),
                failed: true,
            };
        }
    };
    KrmOutcome {
        stdout,
        stderr: String::new(),
        failed,
    }
}

/// Every problem is about the functionConfig: says so in each result, as
/// kyaml does.
fn about(function_config: &Value, results: &mut [Value]) {
    let reference = resource_ref(function_config);
    for r in results {
        r["resourceRef"] = reference.clone();
    }
}

/// The ResourceList as text, in the syntax of the input; JSON into a
/// buffer of `capacity` bytes.
fn write(out: &ResourceListOut<'_>, json: bool, capacity: usize) -> Result<String, String> {
    if json {
        let mut buffer = Vec::with_capacity(capacity);
        serde_json::to_writer_pretty(&mut buffer, out)
            .map_err(|e| e.to_string())
            .and_then(|()| String::from_utf8(buffer).map_err(|e| e.to_string()))
            .map(|s| s + "\n")
    } else {
        serde_saphyr::to_string(out).map_err(|e| e.to_string())
    }
}

/// The answer to input that is not a ResourceList: an empty one whose only
/// result is the error, in the syntax the input seemed to use.
pub(crate) fn unreadable_list(why: &str, json: bool) -> KrmOutcome {
    let message = format!("stdin is not a KRM ResourceList: {why}");
    let out = ResourceListOut {
        api_version: "config.kubernetes.io/v1",
        kind: "ResourceList",
        items: Items::input_only(Vec::new()),
        function_config: None,
        results: vec![result("error", message.clone(), None, None)],
    };
    let stdout = if json {
        serde_json::to_string_pretty(&out).map(|s| s + "\n").ok()
    } else {
        serde_saphyr::to_string(&out).ok()
    };
    KrmOutcome {
        stdout: stdout.unwrap_or_default(),
        stderr: format!("error: {message}\n"),
        failed: true,
    }
}

fn result(severity: &str, message: String, field: Option<String>, file: Option<&str>) -> Value {
    let mut r = json!({ "severity": severity, "message": message });
    if let Some(path) = field {
        r["field"] = json!({ "path": path });
    }
    if let Some(path) = file {
        r["file"] = json!({ "path": path });
    }
    r
}

/// `{apiVersion, kind, name, namespace?}` of an object, for `resourceRef`.
fn resource_ref(object: &Value) -> Value {
    let mut r = json!({
        "apiVersion": object.get("apiVersion"),
        "kind": object.get("kind"),
        "name": object.pointer("/metadata/name"),
    });
    if let Some(ns) = object.pointer("/metadata/namespace") {
        r["namespace"] = ns.clone();
    }
    r
}

fn annotation<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(key))
        .and_then(Value::as_str)
}

/// The file a KRM object came from, as orchestrators annotate it.
fn source_path(object: &Value) -> Option<&str> {
    annotation(object, "internal.config.kubernetes.io/path")
        .or_else(|| annotation(object, "config.kubernetes.io/path"))
}

/// The objects [`generate`] made, as rendered, and whether each gets its
/// component's sync wave.
struct Generated {
    objects: Vec<StreamObject>,
    sync_waves: bool,
}

/// Checks the functionConfig and generates the cluster's objects; problems
/// go to `results`.
fn generate(
    function_config: &Value,
    items: &[Value],
    cluster_flag: Option<&str>,
    workdir: &Path,
    results: &mut Vec<Value>,
) -> Option<Generated> {
    let file = source_path(function_config);
    let htpasswd = match htpasswd(function_config, items) {
        Ok(h) => h,
        Err(message) => {
            results.push(result("error", message, None, file));
            return None;
        }
    };
    // Checked as the maas.yaml it is; diagnostics point into this text.
    let text = match serde_saphyr::to_string(function_config) {
        Ok(t) => t,
        Err(e) => {
            results.push(result("error", format!("functionConfig: {e}"), None, file));
            return None;
        }
    };
    let virtual_path = workdir.join(file.unwrap_or("functionConfig.yaml"));
    let loaded = match load_text(&virtual_path, text.clone(), htpasswd) {
        Ok(l) => l,
        Err(e) => {
            report(&e.diagnostics, &virtual_path, &text, file, results);
            return None;
        }
    };
    report(&loaded.diagnostics, &virtual_path, &text, file, results);
    let requested = cluster_flag.or_else(|| annotation(function_config, CLUSTER_ANNOTATION));
    let platform = &loaded.platform;
    let clusters: Vec<&str> = match (requested, platform.clusters.len()) {
        (Some(_), _) | (None, 1) => match stream::select_cluster(platform, requested) {
            Ok(c) => vec![c.name.as_str()],
            Err(e) => {
                let field = cluster_flag
                    .is_none()
                    .then(|| format!("metadata.annotations.{CLUSTER_ANNOTATION}"));
                results.push(result(
                    "error",
                    format!("{} ({})", e.message, e.hint),
                    field,
                    file,
                ));
                return None;
            }
        },
        // No choice made: every cluster, each object under its cluster's
        // path (what kpt writes out as the tree). kustomize needs one
        // cluster per build, since clusters share object names.
        (None, _) => {
            let names: Vec<&str> = platform.clusters.iter().map(|c| c.name.as_str()).collect();
            results.push(result(
                "info",
                format!(
                    "no cluster selected: objects of all {} clusters ({}); in a kustomize build select one with --cluster or the {CLUSTER_ANNOTATION} annotation",
                    names.len(),
                    names.join(", ")
                ),
                Some(format!("metadata.annotations.{CLUSTER_ANNOTATION}")),
                file,
            ));
            names
        }
    };
    let objects = Renderer::new(None)
        .map_err(stream::StreamError::from)
        .and_then(|mut renderer| stream::clusters_objects(&mut renderer, platform, &clusters));
    let objects = match objects {
        Ok(o) => o,
        Err(e) => {
            results.push(result("error", e.to_string(), None, file));
            return None;
        }
    };
    // Read back as data when the answer is written (see [`Items`]).
    let sync_waves = annotation(function_config, SYNC_WAVES_ANNOTATION) == Some("true");
    Some(Generated {
        objects,
        sync_waves,
    })
}

/// The htpasswd content from the inline annotation or a Secret in items;
/// `None` lets the check read `identity.htpasswd.file`.
fn htpasswd(function_config: &Value, items: &[Value]) -> Result<Option<String>, String> {
    if let Some(inline) = annotation(function_config, HTPASSWD_ANNOTATION) {
        return Ok(Some(inline.to_string()));
    }
    let Some(name) = annotation(function_config, HTPASSWD_SECRET_ANNOTATION) else {
        return Ok(None);
    };
    let secret = items
        .iter()
        .find(|i| {
            i.get("kind").and_then(Value::as_str) == Some("Secret")
                && i.pointer("/metadata/name").and_then(Value::as_str) == Some(name)
        })
        .ok_or_else(|| {
            format!(
                "{HTPASSWD_SECRET_ANNOTATION} names Secret `{name}`, which is not among the items"
            )
        })?;
    if let Some(text) = secret
        .pointer("/stringData/htpasswd")
        .and_then(Value::as_str)
    {
        return Ok(Some(text.to_string()));
    }
    let encoded = secret
        .pointer("/data/htpasswd")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("Secret `{name}` has no `htpasswd` key in data or stringData"))?;
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| format!("Secret `{name}`: data.htpasswd is not base64"))?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| format!("Secret `{name}`: data.htpasswd is not UTF-8 text"))
}

/// Diagnostics as results: the code, message and hint, the field path of
/// the span in the functionConfig, and the file.
fn report(
    diagnostics: &crate::diagnostic::Diagnostics,
    function_config_path: &Path,
    function_config_text: &str,
    file: Option<&str>,
    results: &mut Vec<Value>,
) {
    for d in diagnostics.iter() {
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Only spans in the functionConfig itself map to field paths.
        let in_function_config = d.file == function_config_path;
        let field = (in_function_config && d.span.is_known())
            .then(|| field_path_at(function_config_text, Span { len: 0, ..d.span }))
            .flatten();
        let message = match &d.hint {
            Some(hint) => format!("{}: {} (hint: {hint})", d.code, d.message),
            None => format!("{}: {}", d.code, d.message),
        };
        let file = if in_function_config {
            file.map(str::to_string)
        } else {
            Some(d.file.display().to_string())
        };
        results.push(result(severity, message, field, file.as_deref()));
    }
}

/// A generated object as an item of the answer: read back as data (with
/// its sync wave when asked) and annotated with the tree file it belongs to.
fn answer_item(object: &StreamObject, sync_waves: bool) -> Result<Node<'_>, stream::StreamError> {
    object
        .node(sync_waves)
        .map(|node| with_path_annotations(node, &object.path))
}

/// A generated object, annotated with the tree file it belongs to.
fn with_path_annotations<'a>(mut object: Node<'a>, path: &'a str) -> Node<'a> {
    let annotations = object
        .entry("metadata", || Node::Map(Vec::new()))
        .expect("generated objects are mappings")
        .entry("annotations", || Node::Map(Vec::new()))
        .expect("metadata is a mapping");
    for (key, value) in crate::krm_yaml::path_annotations(path) {
        annotations.insert(key, Node::String(value.into()));
    }
    object
}
