//! Stage 1, parse: maas.yaml text → [`PlatformInput`] with spans.
//!
//! The YAML reader runs under budgets so that a hostile document (huge,
//! deeply nested, an alias bomb) is refused quickly with a clear error
//! instead of exhausting memory.

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};
use crate::input::PlatformInput;
use crate::source::{SourceFile, Span};

mod unknown_fields;
pub use unknown_fields::parse_platform_reporting_all;

/// Largest maas.yaml accepted, in bytes.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;
/// Deepest nesting of mappings and sequences accepted.
pub const MAX_DEPTH: usize = 64;
/// Most alias (`*ref`) uses accepted in one document.
pub const MAX_ALIASES: usize = 1_000;
/// Most parser events replayed through aliases: bounds alias expansion.
pub const MAX_REPLAYED_EVENTS: usize = 100_000;

/// Reads a file of at most `max_bytes`, as UTF-8.
pub fn read_text(path: &Path, max_bytes: u64) -> Result<String, Diagnostic> {
    let io_error = |e: std::io::Error| {
        Diagnostic::error(
            Code::Io,
            path,
            Span::UNKNOWN,
            format!("cannot read {}: {e}", path.display()),
        )
        .with_hint("check the path given with -f / --file")
    };
    // A bounded read: the budget holds for pipes and devices too.
    let bytes = crate::fs_safety::read_bounded(path, max_bytes).map_err(|e| match e {
        crate::fs_safety::ReadError::Io(e) => io_error(e),
        crate::fs_safety::ReadError::TooLarge(len) => Diagnostic::error(
            Code::Budget,
            path,
            Span::UNKNOWN,
            format!(
                "{} is {}{len} bytes, more than the {max_bytes} bytes maasc reads",
                path.display(),
                if len == max_bytes + 1 {
                    "at least "
                } else {
                    ""
                },
            ),
        )
        .with_hint("a maas.yaml describes a platform, not data: split out or remove the bulk"),
    })?;
    String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(
            Code::Syntax,
            path,
            Span::UNKNOWN,
            format!("{} is not UTF-8: {e}", path.display()),
        )
        .with_hint("save the file as UTF-8")
    })
}

fn options() -> serde_saphyr::Options {
    budget_options(MAX_INPUT_BYTES as usize, MAX_DEPTH)
}

/// Reader options with maasc's budgets: one document of at most `max_bytes`
/// and `max_depth` levels, bounded aliases, duplicate keys refused.
pub(crate) fn budget_options(max_bytes: usize, max_depth: usize) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = max_depth;
    budget.max_aliases = MAX_ALIASES;
    budget.max_documents = 1;
    budget.max_reader_input_bytes = Some(max_bytes);
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = MAX_REPLAYED_EVENTS;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options.with_snippet = false;
    options
}

/// Parses the text of a maas.yaml. On failure returns the one diagnostic the
/// YAML reader gave: serde stops at the first structural error.
pub fn parse_platform(source: &SourceFile) -> Result<PlatformInput, Diagnostic> {
    if source.text.len() as u64 > MAX_INPUT_BYTES {
        return Err(Diagnostic::error(
            Code::Budget,
            source.path(),
            Span::UNKNOWN,
            format!(
                "the input is {} bytes, more than the {} bytes maasc reads",
                source.text.len(),
                MAX_INPUT_BYTES
            ),
        ));
    }
    // The typed pass reads the whole document under the same budgets
    // (depth, aliases, size), so when it succeeds nothing is left to judge.
    // When it fails, a schema-less pass judges budgets and syntax on the
    // whole document, since the typed pass stops at the first field it does
    // not like: a broken document is reported as such, wherever the break
    // is. (Running that pass only on failure saves a full parse per run.)
    serde_saphyr::from_str_with_options::<PlatformInput>(&source.text, options()).map_err(|typed| {
        match serde_saphyr::from_str_with_options::<serde::de::IgnoredAny>(&source.text, options())
        {
            Err(e) => yaml_error(source.path(), &e, false),
            Ok(_) => yaml_error(source.path(), &typed, true),
        }
    })
}

/// Turns a YAML reader error into a diagnostic with a code and a hint.
/// `well_formed` says whether the text parses as YAML without the schema.
pub(crate) fn yaml_error(
    path: &Path,
    error: &serde_saphyr::Error,
    well_formed: bool,
) -> Diagnostic {
    let span = error
        .location()
        .map(|l| Span::from_location(&l))
        .unwrap_or(Span::UNKNOWN);
    let message = first_line(&error.to_string());
    let lower = message.to_lowercase();
    let debug = format!("{error:?}");
    let budget = debug.starts_with("Budget")
        || lower.contains("budget")
        || (lower.contains("limit")
            && (lower.contains("alias") || lower.contains("depth") || lower.contains("exceed")));
    let (code, hint) = if budget {
        (
            Code::Budget,
            "the document is too large, too deep or expands too many aliases; maasc refuses it to stay safe",
        )
    } else if lower.contains("unknown field") {
        (
            Code::UnknownField,
            "remove the field or fix its spelling; `maasc schema` lists every field",
        )
    } else if lower.contains("missing field") {
        (
            Code::MissingField,
            "add the field; `maasc schema` lists the required ones",
        )
    } else if lower.contains("duplicate") {
        (
            Code::DuplicateName,
            "a key may appear only once in a mapping",
        )
    } else if lower.contains("end of input") && span.line <= 2 {
        (
            Code::MissingField,
            "the file is empty: start from an example under examples/ (`maasc schema` describes every field)",
        )
    } else if well_formed {
        (
            Code::WrongType,
            "use the type the field expects; `maasc schema` describes each field",
        )
    } else {
        (
            Code::Syntax,
            "fix the YAML syntax at this position (indentation, quotes, brackets, a missing `:`)",
        )
    };
    Diagnostic::error(code, path, span, message).with_hint(hint)
}

pub(crate) fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid YAML");
    // The reader prefixes its own position; ours is printed separately.
    let line = line.strip_prefix("error: ").unwrap_or(line);
    // The reader's advice names its own API, which means nothing to a user.
    let line = line
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(line);
    match line.rfind(" at line ") {
        Some(i) => line[..i].to_string(),
        None => line.to_string(),
    }
}
