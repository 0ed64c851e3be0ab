//! Reading a rendered document back as data, cheaply: the inverse of the
//! built-in templates and of the writer in [`super::yaml`], for `maasc krm`
//! (whose items are data) and `maasc render --sync-waves`.
//!
//! A general YAML parser (serde-saphyr) took 2–3 ms of a 7 ms `maasc krm`
//! on the main example to read its 60 objects back. The templates only ever
//! write a small part of YAML: block mappings and sequences (indented or
//! not under their key), plain scalars that [`super::yaml`] would itself
//! write plain (and command-line flags, `-c`, `--port=1`), `true`/`false`/`null`, decimal integers, single-line quoted
//! strings, literal blocks (`|`, `|-`, `|+`), JSON flow collections on one
//! line, and comments. [`document`] reads exactly that and answers `None`
//! for anything else (a tab, an anchor, a multi-line plain scalar, a folded
//! block, a float, a duplicate key, ...): the caller then reads the text
//! with the general parser. Where it answers, it gives what serde-saphyr
//! gives; the tests check that on every object of every example and on the
//! writer's output for thousands of hostile strings.

use serde_json::{Map, Value};

use super::yaml::plain_ok;

/// The document `text` as data, or `None` when it is not in the subset
/// this reader knows (read it with a general YAML parser then).
pub fn document(text: &str) -> Option<Value> {
    if text.contains('\r') {
        return None;
    }
    let mut reader = Reader {
        lines: text
            .split_terminator('\n')
            .map(|raw| {
                let rest = raw.trim_start_matches(' ');
                Line {
                    indent: raw.len() - rest.len(),
                    rest,
                    raw,
                }
            })
            .collect(),
        pos: 0,
    };
    reader.skip()?;
    let first = reader.line()?;
    if first.indent != 0 {
        return None;
    }
    let value = reader.map(0)?;
    // Nothing may follow the top-level mapping.
    reader.skip()?;
    reader.line().is_none().then_some(value)
}

#[derive(Clone, Copy)]
struct Line<'a> {
    /// Leading spaces.
    indent: usize,
    /// The line after them.
    rest: &'a str,
    /// The whole line (for literal blocks, whose content is raw).
    raw: &'a str,
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
}

/// Whether a line (after its indentation) is a block sequence entry.
fn is_entry(rest: &str) -> bool {
    rest == "-" || rest.starts_with("- ")
}

impl<'a> Reader<'a> {
    fn line(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    /// Moves past blank and comment lines; `None` for a line outside the
    /// subset (a tab in the indentation, a document marker, a directive).
    fn skip(&mut self) -> Option<()> {
        while let Some(l) = self.line() {
            if l.rest.starts_with('\t') {
                return None;
            }
            if l.indent == 0 && ["---", "...", "%"].iter().any(|m| l.rest.starts_with(m)) {
                return None;
            }
            if !(l.rest.is_empty() || l.rest.starts_with('#')) {
                break;
            }
            self.pos += 1;
        }
        Some(())
    }

    /// The block node starting at the current line, indented by `indent`.
    fn block(&mut self, indent: usize) -> Option<Value> {
        let l = self.line()?;
        if is_entry(l.rest) {
            self.seq(indent)
        } else if l.rest.starts_with(['{', '[']) {
            self.pos += 1;
            let value = flow(l.rest)?;
            self.skip()?;
            // A flow collection on its own line is the whole node.
            match self.line() {
                Some(next) if next.indent >= indent => None,
                _ => Some(value),
            }
        } else {
            self.map(indent)
        }
    }

    fn map(&mut self, indent: usize) -> Option<Value> {
        let mut map = Map::new();
        loop {
            self.skip()?;
            let Some(l) = self.line() else { break };
            if l.indent < indent {
                break;
            }
            if l.indent > indent || is_entry(l.rest) {
                return None;
            }
            let (key, after) = split_key(l.rest)??;
            self.pos += 1;
            let value = self.value_after(after, indent, true)?;
            if map.insert(key, value).is_some() {
                return None;
            }
        }
        Some(Value::Object(map))
    }

    fn seq(&mut self, indent: usize) -> Option<Value> {
        let mut items = Vec::new();
        loop {
            self.skip()?;
            let Some(l) = self.line() else { break };
            if l.indent < indent || (l.indent == indent && !is_entry(l.rest)) {
                // The next key of the mapping this sequence is a value of.
                break;
            }
            if l.indent > indent {
                return None;
            }
            let after = &l.rest[1..];
            let trimmed = after.trim_start_matches(' ');
            if trimmed.starts_with('\t') || is_entry(trimmed) {
                return None;
            }
            let value = match split_key(trimmed)? {
                Some(_) => {
                    // `- key: value`: a mapping whose keys align with `key`.
                    let column = indent + l.rest.len() - trimmed.len();
                    self.lines[self.pos] = Line {
                        indent: column,
                        rest: trimmed,
                        raw: l.raw,
                    };
                    self.map(column)?
                }
                None => {
                    self.pos += 1;
                    self.value_after(trimmed, indent, false)?
                }
            };
            items.push(value);
        }
        Some(Value::Array(items))
    }

    /// The value after `key:` or `-` (`after`, without leading spaces) of a
    /// node indented by `indent`; `in_map`: a sequence may then start at
    /// the key's own indentation.
    fn value_after(&mut self, after: &str, indent: usize, in_map: bool) -> Option<Value> {
        if after.is_empty() || after.starts_with('#') {
            self.skip()?;
            return match self.line() {
                Some(next) if next.indent > indent => self.block(next.indent),
                Some(next) if in_map && next.indent == indent && is_entry(next.rest) => {
                    self.seq(indent)
                }
                _ => Some(Value::Null),
            };
        }
        if after.starts_with('|') {
            return self.literal(after, indent).map(Value::String);
        }
        scalar(after)
    }

    /// A literal block scalar whose header is `header`, under a node
    /// indented by `indent`; its content is the raw lines that follow.
    fn literal(&mut self, header: &str, indent: usize) -> Option<String> {
        let chomp = match header.trim_end_matches(' ') {
            "|" => Chomp::Clip,
            "|-" => Chomp::Strip,
            "|+" => Chomp::Keep,
            _ => return None,
        };
        let blank = |l: &Line<'_>| l.rest.is_empty();
        // The block's indentation is its first non-blank line's; a blank
        // line before it may not be longer (YAML rejects that).
        let first = self.lines[self.pos..].iter().find(|l| !blank(l))?;
        let width = first.indent;
        if width <= indent
            || self.lines[self.pos..]
                .iter()
                .take_while(|l| blank(l))
                .any(|l| l.indent > width)
        {
            return None;
        }
        let mut content: Vec<&str> = Vec::new();
        while let Some(l) = self.line() {
            if !blank(&l) && l.indent < width {
                break;
            }
            content.push(if l.raw.len() > width {
                &l.raw[width..]
            } else {
                ""
            });
            self.pos += 1;
        }
        let last = content.iter().rposition(|c| !c.is_empty())?;
        let mut text = content[..=last].join("\n");
        match chomp {
            Chomp::Strip => {}
            Chomp::Clip => text.push('\n'),
            Chomp::Keep => {
                text.push('\n');
                for _ in last + 1..content.len() {
                    text.push('\n');
                }
            }
        }
        Some(text)
    }
}

enum Chomp {
    Strip,
    Clip,
    Keep,
}

/// `Some(Some((key, rest after ": ")))` for a mapping entry,
/// `Some(None)` for a line that is not one, `None` outside the subset.
fn split_key(rest: &str) -> Option<Option<(String, &str)>> {
    let (key, after) = if rest.starts_with(['"', '\'']) {
        let (key, len) = quoted(rest)?;
        let Some(after) = rest[len..].strip_prefix(':') else {
            return Some(None);
        };
        if !(after.is_empty() || after.starts_with(' ')) {
            return None;
        }
        (key, after)
    } else {
        let Some(colon) = rest
            .find(": ")
            .or_else(|| rest.ends_with(':').then(|| rest.len() - 1))
        else {
            return Some(None);
        };
        let key = &rest[..colon];
        if !plain_ok(key) {
            return None;
        }
        (key.to_string(), &rest[colon + 1..])
    };
    Some(Some((key, after.trim_start_matches(' '))))
}

/// A single-line quoted scalar at the start of `s`, and its length in `s`.
fn quoted(s: &str) -> Option<(String, usize)> {
    let bytes = s.as_bytes();
    if bytes[0] == b'\'' {
        let mut i = 1;
        loop {
            match bytes.get(i)? {
                b'\'' if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b'\'' => break,
                _ => i += 1,
            }
        }
        Some((s[1..i].replace("''", "'"), i + 1))
    } else {
        let mut i = 1;
        loop {
            match bytes.get(i)? {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        // The writer's double quotes are JSON's (`serde_json::to_string`):
        // JSON's escapes mean the same in YAML. Anything JSON refuses (a
        // YAML-only escape, a raw tab) is left to the general parser.
        serde_json::from_str(&s[..=i]).ok().map(|v| (v, i + 1))
    }
}

/// One JSON flow collection filling the rest of the line.
fn flow(s: &str) -> Option<Value> {
    serde_json::from_str(s.trim_end_matches(' ')).ok()
}

/// A scalar (or one-line flow collection) after `key: ` or `- `.
fn scalar(s: &str) -> Option<Value> {
    if s.starts_with(['"', '\'']) {
        let (v, len) = quoted(s)?;
        let tail = s[len..].trim_start_matches(' ');
        return (tail.is_empty() || (tail.starts_with('#') && len < s.len() - tail.len()))
            .then_some(Value::String(v));
    }
    if s.starts_with(['{', '[']) {
        return flow(s);
    }
    // `plain_ok` strings never hold ` #`: the first one starts a comment.
    let s = s.find(" #").map_or(s, |i| &s[..i]).trim_end_matches(' ');
    match s {
        "null" => Some(Value::Null),
        "true" => Some(Value::Bool(true)),
        "false" => Some(Value::Bool(false)),
        _ if is_decimal_integer(s) => s.parse::<i64>().ok().map(Value::from),
        _ if plain_string(s) => Some(Value::String(s.to_string())),
        _ => None,
    }
}

/// A plain scalar that reads as the string it is: one the writer would
/// write plain, or one that starts with a letter, maybe after dashes
/// (`-c`, `--port=8080`, `request.path.split("/")[1]`): a letter starts no
/// number and no indicator, and in block context quotes and brackets after
/// it are text. Printable ASCII only; no ` #` (a comment) or `: ` (a key),
/// and not one of the words YAML reads as a boolean or null.
fn plain_string(s: &str) -> bool {
    if plain_ok(s) {
        return true;
    }
    let rest = s.trim_start_matches('-');
    rest.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.bytes().all(|b| (b' '..=b'~').contains(&b))
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && !["true", "false", "yes", "no", "on", "off", "y", "n", "null"]
            .iter()
            .any(|w| rest.eq_ignore_ascii_case(w))
}

/// `0`, `42`, `-7` (no sign on zero, no leading zeros, no `+`, `_` or base).
fn is_decimal_integer(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" && digits.len() == s.len() || !digits.starts_with('0'))
}

#[cfg(test)]
mod tests {
    use super::document;
    use serde_json::{Value, json};

    fn general(text: &str) -> Value {
        serde_saphyr::from_str(text).unwrap()
    }

    /// Reads `text`, which must be in the subset, and checks the answer
    /// against the general parser.
    fn same(text: &str) -> Value {
        let fast = document(text).unwrap_or_else(|| panic!("not in the subset:\n{text}"));
        assert_eq!(fast, general(text), "{text}");
        fast
    }

    #[test]
    fn reads_what_the_templates_write() {
        let v = same(concat!(
            "apiVersion: v1\n",
            "kind: Job\n",
            "metadata:\n",
            "  name: approver  # a comment\n",
            "  annotations:\n",
            "    # Owned by GitOps\n",
            "    opendatahub.io/managed: \"false\"\n",
            "    x: '{ \"a\": b }'\n",
            "spec:\n",
            "  replicas: 1\n",
            "  negative: -3\n",
            "  enabled: true\n",
            "  empty:\n",
            "  nothing: null\n",
            "  flow: {}\n",
            "  list: [\"a\", 1]\n",
            "  containers:\n",
            "    - name: c\n",
            "      args:\n",
            "      - --x\n",
            "      - \"--y=1\"\n",
            "      script: |\n",
            "        set -e\n",
            "\n",
            "          indented # not a comment\n",
            "      keep: |+\n",
            "        a\n",
            "\n",
            "      strip: |-\n",
            "        b\n",
            "    -\n",
            "      name: d\n",
            "    - plain\n",
            "status: {}\n",
        ));
        assert_eq!(v["spec"]["containers"][0]["args"], json!(["--x", "--y=1"]));
    }

    /// Any plain scalar the reader takes, from hostile pieces, reads as the
    /// general parser reads it, in a mapping and in a sequence.
    #[test]
    fn plain_scalars_read_as_the_general_parser_reads_them() {
        let atoms = [
            "", "a", "-", "--", "x", "1", ".", ":", ": ", "#", " #", "&", "*", "!", "%", "@", "`",
            "|", ">", "'", "\"", "\\", "{", "}", "[", "]", ",", "?", "(", ")", "/", " ", "true",
            "No", "ON", "null", "~", "0x1", "1e3", ".inf", "=", "é",
        ];
        let mut taken = 0;
        for a in atoms {
            for b in atoms {
                for c in atoms {
                    let s = format!("{a}{b}{c}");
                    for text in [format!("k: {s}\n"), format!("l:\n  - {s}\n")] {
                        if let Some(fast) = document(&text) {
                            let general: Result<Value, _> = serde_saphyr::from_str(&text);
                            assert_eq!(general.ok(), Some(fast), "{text:?}");
                            taken += 1;
                        }
                    }
                }
            }
        }
        assert!(taken > 10_000, "{taken}");
    }

    #[test]
    fn leaves_everything_else_to_the_general_parser() {
        for text in [
            "a: 1.5\n",
            "a: &x b\n",
            "a: yes\n",
            "a: 0x1F\n",
            "a: 007\n",
            "a: >\n  folded\n",
            "a: |2\n   x\n",
            "a: b\n  c\n",
            "a: \"b\n  c\"\n",
            "a: 1\na: 2\n",
            "a:\n\t- b\n",
            "- a\n",
            "---\na: 1\n",
            "a: 1\n---\nb: 2\n",
            "a: \"\\x41\"\n",
            "? a\n: b\n",
            "a:\n  - - b\n",
            "a: b\r\n",
            "8080: x\n",
        ] {
            assert_eq!(document(text), None, "{text:?}");
        }
    }
}
