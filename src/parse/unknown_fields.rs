//! Unknown fields do not stop the run: each one is reported with a
//! did-you-mean against the fields allowed at its place (serde's own list of
//! expected fields), then taken out of the text — renamed to the suggestion
//! when there is one, so a misspelled required field does not also report
//! "missing field" — and the typed pass runs again. Lines and columns of the
//! rest of the document do not move, so every later diagnostic still points
//! at the user's text.

use crate::diagnostic::{Code, Diagnostic};
use crate::input::PlatformInput;
use crate::source::{SourceFile, Span};
use crate::suggest::did_you_mean;

/// At most this many unknown fields are reported; each costs one more pass.
const MAX_UNKNOWN_FIELDS: usize = 50;

/// Parses a maas.yaml, reporting every unknown field. Returns the input (when
/// the document is otherwise well-typed) and the diagnostics: unknown fields
/// first, then the error that stopped the typed pass, if any.
pub fn parse_platform_reporting_all(
    source: &SourceFile,
) -> (Option<PlatformInput>, Vec<Diagnostic>) {
    let mut text = source.text.clone();
    let mut diagnostics = Vec::new();
    loop {
        let error = match super::parse_platform(&SourceFile::new(source.path(), text.clone())) {
            Ok(input) => return (Some(input), diagnostics),
            Err(d) => d,
        };
        let fixed = (error.code == Code::UnknownField && diagnostics.len() < MAX_UNKNOWN_FIELDS)
            .then(|| unknown_field(&error, &text))
            .flatten();
        match fixed {
            Some((diagnostic, next)) if next != text => {
                diagnostics.push(diagnostic);
                text = next;
            }
            _ => {
                diagnostics.push(error);
                return (None, diagnostics);
            }
        }
    }
}

/// The unknown field's diagnostic, with a did-you-mean, and the text without it.
fn unknown_field(error: &Diagnostic, text: &str) -> Option<(Diagnostic, String)> {
    let name = between(&error.message, "unknown field `", "`")?;
    let expected: Vec<&str> = error
        .message
        .split_once("expected one of ")
        .map(|(_, list)| list.split(", ").map(|s| s.trim_matches('`')).collect())
        .or_else(|| {
            error
                .message
                .split_once("expected ")
                .map(|(_, one)| vec![one.trim_matches('`')])
        })
        .unwrap_or_default();
    let suggestion = did_you_mean(name, expected.iter().copied());
    let hint = match suggestion {
        Some(s) => format!("did you mean `{s}`?"),
        None => {
            "remove the field or fix its spelling; `maasc schema` lists every field".to_string()
        }
    };
    let mut diagnostic = error.clone();
    diagnostic.hint = Some(hint);
    let span = error.span;
    let next = suggestion
        .and_then(|s| rename_key(text, span, name, s))
        .filter(|renamed| !renames_onto_a_sibling(renamed))
        .or_else(|| remove_key(text, span, name))?;
    Some((diagnostic, next))
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// The byte offset of 1-based `column` in `line`.
fn byte_at(line: &str, column: u32) -> Option<usize> {
    let column = usize::try_from(column.checked_sub(1)?).ok()?;
    line.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(line.len()))
        .nth(column)
}

/// Applies `edit` to line `span.line` of `text`, keeping every other line.
fn edit_line(
    text: &str,
    span: Span,
    edit: impl FnOnce(&str, usize) -> Option<String>,
) -> Option<String> {
    let index = usize::try_from(span.line.checked_sub(1)?).ok()?;
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let line = lines.get(index)?;
    let at = byte_at(line, span.column)?;
    lines[index] = edit(line, at)?;
    Some(lines.join("\n"))
}

/// The key `name` at `span` renamed to `to` (padded so the value keeps its
/// column when `to` is shorter).
fn rename_key(text: &str, span: Span, name: &str, to: &str) -> Option<String> {
    edit_line(text, span, |line, at| {
        let rest = line[at..].strip_prefix(name)?;
        let spaces = rest.len() - rest.trim_start().len();
        // Block keys only (`name: value`); flow mappings are left to removal.
        let after = rest.trim_start().strip_prefix(':')?;
        let pad = name.chars().count().saturating_sub(to.chars().count()) + spaces;
        Some(format!("{}{to}{}:{after}", &line[..at], " ".repeat(pad)))
    })
}

/// A renamed key that now repeats a sibling makes the reader refuse a
/// duplicate key: then the field is removed instead.
fn renames_onto_a_sibling(text: &str) -> bool {
    let options = super::budget_options(super::MAX_INPUT_BYTES as usize, super::MAX_DEPTH);
    match serde_saphyr::from_str_with_options::<serde::de::IgnoredAny>(text, options) {
        Ok(_) => false,
        Err(e) => e.to_string().to_lowercase().contains("duplicate"),
    }
}

/// The text without the key at `span` and its value: the rest of its line
/// and the following lines indented deeper than the key (block style), or
/// up to the next `,` or `}` (flow style, on one line).
fn remove_key(text: &str, span: Span, name: &str) -> Option<String> {
    let index = usize::try_from(span.line.checked_sub(1)?).ok()?;
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let line = lines.get(index)?.clone();
    let at = byte_at(&line, span.column)?;
    let key = line[at..].trim_start_matches(['"', '\'']);
    if !key.starts_with(name) {
        return None;
    }
    let before = &line[..at];
    let in_flow = before.matches('{').count() > before.matches('}').count();
    if in_flow {
        let bytes = line.as_bytes();
        let mut depth = 0usize;
        let mut end = None;
        for (i, &b) in bytes.iter().enumerate().skip(at) {
            match b {
                b'[' | b'{' => depth += 1,
                b']' if depth > 0 => depth -= 1,
                b'}' if depth > 0 => depth -= 1,
                b',' | b'}' if depth == 0 => {
                    end = Some((i, b));
                    break;
                }
                _ => {}
            }
        }
        let (end, b) = end?;
        let (from, to) = if b == b',' {
            (at, end + 1)
        } else {
            // The last entry: take the comma before it too.
            (before.rfind(',').unwrap_or(at), end)
        };
        let blank = " ".repeat(line[from..to].chars().count());
        lines[index] = format!("{}{blank}{}", &line[..from], &line[to..]);
        return Some(lines.join("\n"));
    }
    let indent = before.chars().count();
    lines[index] = before.to_string();
    for next in lines.iter_mut().skip(index + 1) {
        let trimmed = next.trim_start();
        let deeper = next.chars().count() - trimmed.chars().count() > indent;
        if trimmed.is_empty() || trimmed.starts_with('#') || deeper {
            next.clear();
        } else {
            break;
        }
    }
    Some(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(line: u32, column: u32) -> Span {
        Span {
            line,
            column,
            len: 0,
        }
    }

    #[test]
    fn a_block_key_is_renamed_in_place() {
        let text = "a:\n  enviroment: dev\n  b: 1\n";
        assert_eq!(
            rename_key(text, span(2, 3), "enviroment", "environment").unwrap(),
            "a:\n  environment: dev\n  b: 1\n"
        );
        assert_eq!(
            rename_key(
                "x:\n  environmentt: dev\n",
                span(2, 3),
                "environmentt",
                "environment"
            )
            .unwrap(),
            "x:\n  environment : dev\n"
        );
    }

    #[test]
    fn a_block_key_is_removed_with_its_value() {
        let text = "a:\n  - bogus:\n      deep: 1\n    b: 1\n";
        assert_eq!(
            remove_key(text, span(2, 5), "bogus").unwrap(),
            "a:\n  - \n\n    b: 1\n"
        );
    }

    #[test]
    fn a_flow_key_is_blanked_keeping_columns() {
        let text = "l: {limit: 5, windw: 2m}\n";
        assert_eq!(
            remove_key(text, span(1, 15), "windw").unwrap(),
            "l: {limit: 5           }\n"
        );
        let text = "l: {windw: 2m, limit: 5}\n";
        assert_eq!(
            remove_key(text, span(1, 5), "windw").unwrap(),
            "l: {           limit: 5}\n"
        );
    }
}
