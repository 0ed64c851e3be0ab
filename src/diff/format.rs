//! Writing a [`TreeDiff`] as text for a terminal, Markdown for a pull
//! request comment, or JSON for tools.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Change, ComponentDiff, ObjectChange, TreeDiff};
use crate::style::Style;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Readable text, coloured on a terminal.
    #[default]
    Text,
    /// A pull request comment: summary, table, collapsible details.
    Md,
    /// The whole diff as one JSON document.
    Json,
}

/// Room for a Markdown diff in a GitHub comment (65,536 characters), with
/// space left for the closing line.
const MAX_COMMENT_CHARS: usize = 64_000;

/// Longest value shown in text and Markdown; JSON always has it whole.
const MAX_VALUE_CHARS: usize = 120;

impl TreeDiff {
    pub(crate) fn render(&self, format: Format, style: Style) -> String {
        match format {
            Format::Text => self.text(style),
            Format::Md => self.markdown(),
            Format::Json => {
                let mut s = serde_json::to_string_pretty(self).expect("a diff serializes");
                s.push('\n');
                s
            }
        }
    }

    fn totals_line(&self) -> String {
        let (a, r, c) = self.totals();
        format!("{a} added, {r} removed, {c} changed")
    }

    fn text(&self, style: Style) -> String {
        let mut out = String::new();
        if self.is_empty() {
            let _ = writeln!(out, "{} → {}: no changes", self.old, self.new);
            return out;
        }
        let _ = writeln!(
            out,
            "{} → {}: {}",
            self.old,
            self.new,
            style.bold(&self.totals_line())
        );
        if !self.summary.is_empty() {
            out.push('\n');
            for line in &self.summary {
                let _ = writeln!(out, "  • {line}");
            }
        }
        let mut cluster = "";
        for group in &self.components {
            if group.cluster != cluster {
                cluster = &group.cluster;
                let _ = writeln!(out, "\n{}", style.bold(&format!("cluster {cluster}")));
            }
            let _ = writeln!(out, "  {}", style.cyan(&group.component));
            for o in &group.objects {
                let line = match o.change {
                    Change::Added => style.green(&format!("+ {}", o.title())),
                    Change::Removed => style.red(&format!("- {}", o.title())),
                    Change::Changed => style.yellow(&format!("~ {}", o.title())),
                };
                let _ = writeln!(out, "    {line}");
                for f in &o.fields {
                    if let Some(lines) = embedded_diff(f.old.as_ref(), f.new.as_ref()) {
                        let _ = writeln!(out, "        {}: (embedded document)", f.path);
                        for line in lines {
                            let painted = match line.as_bytes().first() {
                                Some(b'+') => style.green(&line),
                                Some(b'-') => style.red(&line),
                                Some(b'@') => style.cyan(&line),
                                _ => line,
                            };
                            let _ = writeln!(out, "          {painted}");
                        }
                        continue;
                    }
                    let _ = writeln!(
                        out,
                        "        {}: {} → {}",
                        f.path,
                        shown(f.old.as_ref()),
                        shown(f.new.as_ref())
                    );
                }
            }
        }
        out
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "### maasc diff: `{}` → `{}`\n",
            md_code(&self.old),
            md_code(&self.new)
        );
        if self.is_empty() {
            out.push_str("No changes to any cluster.\n");
            return out;
        }
        let _ = writeln!(out, "**{}**\n", self.totals_line());
        for line in &self.summary {
            let _ = writeln!(out, "- {}", md_text(line));
        }
        if !self.summary.is_empty() {
            out.push('\n');
        }
        out.push_str("| cluster | component | added | removed | changed |\n");
        out.push_str("|---|---|---:|---:|---:|\n");
        // A pull request comment holds at most 65,536 characters: rows and
        // details go in while they fit, and the comment says what was left.
        let mut left_out = 0;
        for g in &self.components {
            let (a, r, c) = g.counts();
            let row = format!(
                "| {} | `{}` | {a} | {r} | {c} |\n",
                md_text(&g.cluster),
                md_code(&g.component)
            );
            if out.len() + row.len() > MAX_COMMENT_CHARS {
                left_out += 1;
            } else {
                out.push_str(&row);
            }
        }
        for g in &self.components {
            let mut block = String::new();
            details(&mut block, g);
            if out.len() + block.len() > MAX_COMMENT_CHARS {
                left_out += 1;
            } else {
                out.push_str(&block);
            }
        }
        if left_out > 0 {
            let _ = writeln!(
                out,
                "\n_{left_out} table rows or component details are left out to fit a pull request comment; run `maasc diff` locally for all of them._"
            );
        }
        out
    }
}

fn details(out: &mut String, g: &ComponentDiff) {
    let (a, r, c) = g.counts();
    let _ = writeln!(
        out,
        "\n<details><summary>{} / {} ({a} added, {r} removed, {c} changed)</summary>\n",
        html(&g.cluster),
        html(&g.component)
    );
    for o in &g.objects {
        md_object(out, o);
    }
    out.push_str("\n</details>\n");
}

fn md_object(out: &mut String, o: &ObjectChange) {
    let sign = match o.change {
        Change::Added => "➕ added",
        Change::Removed => "➖ removed",
        Change::Changed => "✏️ changed",
    };
    let _ = writeln!(out, "- {sign} `{}`", md_code(&o.title()));
    for f in &o.fields {
        if let Some(lines) = embedded_diff(f.old.as_ref(), f.new.as_ref()) {
            let body = lines.join("\n");
            // A fence longer than any run of backticks inside.
            let fence = "`".repeat(3.max(longest_backtick_run(&body) + 1));
            let _ = writeln!(out, "  - `{}` (embedded document):\n", md_code(&f.path));
            let _ = writeln!(out, "    {fence}diff");
            for line in &lines {
                let _ = writeln!(out, "    {line}");
            }
            let _ = writeln!(out, "    {fence}");
            continue;
        }
        let _ = writeln!(
            out,
            "  - `{}`: `{}` → `{}`",
            md_code(&f.path),
            md_code(&shown(f.old.as_ref())),
            md_code(&shown(f.new.as_ref()))
        );
    }
}

/// Lines of context around each change of an embedded document.
const EMBEDDED_CONTEXT: usize = 2;

/// A line diff (unified, `@@` hunks) of a string field on both sides that
/// holds a document: several lines (YAML, a config file), or JSON (pretty
/// printed first, so one-line JSON diffs by line too). `None` for plain values.
fn embedded_diff(old: Option<&Value>, new: Option<&Value>) -> Option<Vec<String>> {
    let (Some(Value::String(a)), Some(Value::String(b))) = (old, new) else {
        return None;
    };
    let as_document = |s: &str| -> Option<String> {
        if s.trim_end().contains('\n') {
            return Some(s.to_string());
        }
        match serde_json::from_str::<Value>(s) {
            Ok(v @ (Value::Object(_) | Value::Array(_))) => {
                serde_json::to_string_pretty(&v).ok().map(|t| t + "\n")
            }
            _ => None,
        }
    };
    let (a, b) = (as_document(a)?, as_document(b)?);
    let diff = similar::TextDiff::from_lines(&a, &b);
    let unified = diff
        .unified_diff()
        .context_radius(EMBEDDED_CONTEXT)
        .to_string();
    let lines: Vec<String> = unified.lines().map(|l| l.replace('\t', "    ")).collect();
    (!lines.is_empty()).then_some(lines)
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// A value as one short line: JSON, `(none)` when absent, cut when long.
fn shown(v: Option<&Value>) -> String {
    let Some(v) = v else {
        return "(none)".into();
    };
    let text = match v {
        Value::String(s) => s.replace('\n', "\\n"),
        other => other.to_string(),
    };
    if text.chars().count() > MAX_VALUE_CHARS {
        let cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
        format!("{cut}… ({} chars)", text.chars().count())
    } else {
        text
    }
}

/// Text inside inline code: backticks would end it, pipes break tables.
fn md_code(s: &str) -> String {
    s.replace('`', "'").replace('|', "\\|")
}

fn md_text(s: &str) -> String {
    html(s).replace('|', "\\|")
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_embedded_yaml_document_gets_a_line_diff_not_two_prefixes() {
        let old = "- displayName: Free\n  level: 1\n  name: free\n";
        let new = "- displayName: Free\n  level: 1\n  name: free\n- displayName: Gold\n  level: 30\n  name: gold\n";
        let lines = embedded_diff(Some(&json!(old)), Some(&json!(new))).unwrap();
        assert!(
            lines.iter().any(|l| l == "+- displayName: Gold"),
            "{lines:?}"
        );
        assert!(lines.iter().any(|l| l == "+  level: 30"), "{lines:?}");
        assert!(
            !lines
                .iter()
                .any(|l| l.starts_with('-') && !l.starts_with("---")),
            "{lines:?}"
        );
    }

    #[test]
    fn one_line_json_is_pretty_printed_then_diffed_and_plain_values_are_not() {
        let lines = embedded_diff(
            Some(&json!(r#"{"a":1,"b":2}"#)),
            Some(&json!(r#"{"a":1,"b":3}"#)),
        )
        .unwrap();
        assert!(
            lines.iter().any(|l| l.trim_end() == r#"-  "b": 2"#),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|l| l.trim_end() == r#"+  "b": 3"#),
            "{lines:?}"
        );
        assert_eq!(embedded_diff(Some(&json!("a")), Some(&json!("b"))), None);
        assert_eq!(
            embedded_diff(
                Some(&json!(MASK_PLACEHOLDER)),
                Some(&json!(MASK_PLACEHOLDER))
            ),
            None
        );
    }

    const MASK_PLACEHOLDER: &str = "(secret value hidden)";
}
