//! Secrets never echoed: a diagnostic about a maas.yaml line that holds a
//! password (`password: …`, or a `user:password` pair where a file, a
//! Secret or a user name was expected) neither quotes the line nor repeats
//! the value in its message.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::SourceFile;

/// Identity fields where a value with a `:` is a `user:password` pair.
const PAIR_KEYS: &[&str] = &["file", "existingSecret", "clusterAdmins", "users", "name"];

const REDACTED: &str = "<redacted>";

/// `diagnostics`, with every one about a secret-holding line of `source`
/// redacted.
pub fn scrub(diagnostics: Diagnostics, source: &SourceFile) -> Diagnostics {
    let mut out = Diagnostics::default();
    for d in diagnostics.iter() {
        let mut d = d.clone();
        if d.file == source.path()
            && let Some(line) = source.line(d.span.line)
        {
            scrub_one(&mut d, line);
        }
        out.push(d);
    }
    out
}

fn scrub_one(d: &mut Diagnostic, line: &str) {
    let secrets = secrets_in(line, d.span.column as usize, d.span.len as usize);
    if secrets.is_empty() {
        return;
    }
    d.redact = true;
    for secret in secrets {
        if !secret.is_empty() {
            d.message = d.message.replace(&secret, REDACTED);
        }
    }
}

/// The secret values a maas.yaml line holds (empty when none): the value of
/// a `password` key, or the quoted or plain `a:b` pair the span points at
/// on a line of an identity key.
fn secrets_in(line: &str, column: usize, len: usize) -> Vec<String> {
    let mut found = Vec::new();
    let lower = line.to_lowercase();
    if let Some(at) = lower.find("password")
        && lower.len() == line.len()
    {
        let rest = line[at + "password".len()..].trim_start_matches(['"', '\'']);
        if let Some(value) = rest.trim_start().strip_prefix(':') {
            let value: String = value
                .trim_start()
                .chars()
                .take_while(|c| !matches!(c, ',' | '}' | ']' | '#'))
                .collect();
            found.push(unquote(value.trim()).to_string());
        }
        found.push(String::new()); // the line is redacted even without a value
    }
    let key = line
        .trim_start()
        .trim_start_matches("- ")
        .split(':')
        .next()
        .unwrap_or_default()
        .trim();
    let in_list = line.trim_start().starts_with("- ");
    if PAIR_KEYS.contains(&key) || in_list {
        let token: String = line
            .chars()
            .skip(column.saturating_sub(1))
            .take(len.max(1))
            .collect();
        let value = unquote(token.trim());
        // `key: value` itself is no pair: the span starts at the value.
        if value.contains(':') && !value.contains("://") && !value.starts_with("system:") {
            found.push(value.to_string());
        }
    }
    found
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '\'' || c == '"')
}

/// A generated file's text with the values of a Secret's `data` and
/// `stringData` masked as `maasc diff` masks them, for diffs that print
/// text. Text that is no Secret comes back unchanged.
pub fn mask_secret_text(text: &str) -> String {
    let is_secret = text
        .lines()
        .any(|l| l.trim_end() == "kind: Secret" || l.trim_end() == "kind: \"Secret\"");
    if !is_secret {
        return text.to_string();
    }
    let mask = crate::diff::MASK;
    let mut out = String::with_capacity(text.len());
    // Inside `data:`/`stringData:`: the indentation of its keys, once known.
    let mut inside: Option<Option<usize>> = None;
    // Inside a block scalar value: lines more indented than this are hidden.
    let mut block: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let blank = line.trim().is_empty();
        if let Some(b) = block {
            if blank || indent > b {
                continue;
            }
            block = None;
        }
        if indent == 0 && !blank {
            inside = None;
            let key = line.split(':').next().unwrap_or_default().trim();
            if key == "data" || key == "stringData" {
                let rest = line.split_once(':').map_or("", |(_, r)| r).trim();
                if rest.is_empty() {
                    inside = Some(None);
                } else {
                    out.push_str(&format!("{key}: {mask}\n"));
                    continue;
                }
            }
            out.push_str(line);
            continue;
        }
        if let Some(keys) = inside.as_mut()
            && !blank
        {
            let keys_indent = *keys.get_or_insert(indent);
            if indent == keys_indent {
                let key = line.trim_start().split(':').next().unwrap_or_default();
                out.push_str(&format!("{}{key}: {mask}\n", " ".repeat(indent)));
                block = Some(indent);
                continue;
            }
            // Anything else under data: hide it.
            continue;
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secret_data_in_text() {
        let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  htpasswd: YWxpY2U6JDJ5\n  other: |\n    line1\n    line2\nstringData: {a: b}\ntype: Opaque\n";
        let masked = mask_secret_text(text);
        assert!(!masked.contains("YWxpY2U6JDJ5"), "{masked}");
        assert!(
            !masked.contains("line1") && !masked.contains("a: b"),
            "{masked}"
        );
        assert!(
            masked.contains("  htpasswd: (secret value hidden)\n"),
            "{masked}"
        );
        assert!(
            masked.contains("  name: s\n") && masked.ends_with("type: Opaque\n"),
            "{masked}"
        );
        let cm = "kind: ConfigMap\ndata:\n  a: b\n";
        assert_eq!(mask_secret_text(cm), cm);
    }

    #[test]
    fn finds_passwords_and_pairs() {
        assert_eq!(secrets_in("      password: hunter2", 7, 8), ["hunter2", ""]);
        assert_eq!(
            secrets_in("    users: [{name: a, password: 'pw'}]", 17, 1),
            ["pw", ""]
        );
        let line = "      file: 'alice:pw'";
        assert_eq!(secrets_in(line, 13, 10), ["alice:pw"]);
        let line = "    clusterAdmins: ['admin:pw']";
        assert_eq!(secrets_in(line, 21, 10), ["admin:pw"]);
        assert!(secrets_in("      groups: [system:authenticated]", 16, 20).is_empty());
        assert!(secrets_in("    repoURL: https://x/y.git", 14, 15).is_empty());
        assert!(secrets_in("      file: users.htpasswd", 13, 14).is_empty());
    }
}
