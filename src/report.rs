//! How a run reports: the global flags (`--color`, `-q`, `--strict`), set
//! once at start-up, and the machine-readable report of `--format json`.
//!
//! The JSON report is a stable schema (README "Machine-readable output"):
//! `schemaVersion` changes only when a field is removed or changes meaning;
//! fields may be added.

use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::cli::{ColorChoice, Global};
use crate::diagnostic::{Diagnostic, Severity};
use crate::emit::TreeChanges;

/// The version of the JSON report's schema.
pub(crate) const SCHEMA_VERSION: u32 = 1;

static GLOBAL: OnceLock<Global> = OnceLock::new();

/// Records the global flags; the first call wins.
pub(crate) fn init(global: Global) {
    let _ = GLOBAL.set(global);
}

fn global() -> Global {
    GLOBAL.get().copied().unwrap_or_default()
}

/// `-q`: print only errors and findings.
pub(crate) fn quiet() -> bool {
    global().quiet
}

/// `--strict`: warnings fail the run.
pub(crate) fn strict() -> bool {
    global().strict
}

/// `--color`.
pub(crate) fn color() -> ColorChoice {
    global().color
}

/// One diagnostic as JSON: code, severity, file, line, column (1-based; 0
/// when unknown), message, hint (null when none).
pub(crate) fn diagnostic_json(d: &Diagnostic) -> Value {
    json!({
        "code": d.code.as_str(),
        "severity": match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        "file": d.file.display().to_string(),
        "line": d.span.line,
        "column": d.span.column,
        "message": d.message,
        "hint": d.hint,
    })
}

/// The report of `validate` and `check`: every diagnostic, counted, and for
/// `check` the tree's state.
pub(crate) fn json_report<'a>(
    command: &str,
    input: &std::path::Path,
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    tree: Option<(&std::path::Path, &TreeChanges)>,
) -> String {
    let diagnostics: Vec<&Diagnostic> = diagnostics.into_iter().collect();
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let mut report = json!({
        "schemaVersion": SCHEMA_VERSION,
        "command": command,
        "input": input.display().to_string(),
        "ok": errors == 0 && !(strict() && warnings > 0)
            && tree.is_none_or(|(_, c)| c.is_empty()),
        "errors": errors,
        "warnings": warnings,
        "diagnostics": diagnostics.iter().map(|d| diagnostic_json(d)).collect::<Vec<_>>(),
    });
    if let Some((dir, changes)) = tree {
        report["tree"] = json!({
            "path": dir.display().to_string(),
            "upToDate": changes.is_empty(),
            "added": changes.added,
            "changed": changes.changed,
            "removed": changes.removed,
            "unchanged": changes.unchanged,
        });
    }
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}
