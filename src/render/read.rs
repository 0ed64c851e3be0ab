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

use std::borrow::Cow;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Number, Value};

use super::yaml::plain_ok;

/// The document `text` as data, or `None` when it is not in the subset
/// this reader knows (read it with a general YAML parser then).
pub fn document(text: &str) -> Option<Value> {
    node(text).map(Node::into_value)
}

/// A document read back, borrowing its text where it can.
///
/// It serialises exactly as the `serde_json::Value` of the same data
/// ([`Node::into_value`]) does: mappings in key order, numbers as
/// `serde_json::Number`. `maasc krm` writes its answer from it: no key or
/// plain scalar is copied, and a mapping is a vector instead of a B-tree
/// node of about 600 bytes, however few keys it has.
#[derive(Clone, Debug, PartialEq)]
pub enum Node<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    /// Entries sorted by key, each key once.
    Map(Vec<(Cow<'a, str>, Node<'a>)>),
}

impl<'a> Node<'a> {
    /// The node of a value (a document the general parser read).
    pub fn from_value(value: Value) -> Node<'static> {
        match value {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(b),
            Value::Number(n) => Node::Number(n),
            Value::String(s) => Node::String(Cow::Owned(s)),
            Value::Array(items) => Node::Seq(items.into_iter().map(Node::from_value).collect()),
            // A serde_json map iterates in key order already.
            Value::Object(map) => Node::Map(
                map.into_iter()
                    .map(|(k, v)| (Cow::Owned(k), Node::from_value(v)))
                    .collect(),
            ),
        }
    }

    pub fn into_value(self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Number(n) => Value::Number(n),
            Node::String(s) => Value::String(s.into_owned()),
            Node::Seq(items) => Value::Array(items.into_iter().map(Node::into_value).collect()),
            Node::Map(entries) => Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), v.into_value()))
                    .collect(),
            ),
        }
    }

    /// The value of `key` in a mapping; `None` for a missing key or a node
    /// that is no mapping.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node<'a>> {
        let Node::Map(entries) = self else {
            return None;
        };
        let i = entries
            .binary_search_by(|(k, _)| k.as_ref().cmp(key))
            .ok()?;
        Some(&mut entries[i].1)
    }

    /// The value of `key` in a mapping, `default()` inserted when missing;
    /// `None` for a node that is no mapping.
    pub fn entry(
        &mut self,
        key: &'static str,
        default: impl FnOnce() -> Node<'a>,
    ) -> Option<&mut Node<'a>> {
        let Node::Map(entries) = self else {
            return None;
        };
        let i = match entries.binary_search_by(|(k, _)| k.as_ref().cmp(key)) {
            Ok(i) => i,
            Err(i) => {
                entries.insert(i, (Cow::Borrowed(key), default()));
                i
            }
        };
        Some(&mut entries[i].1)
    }

    /// Sets `key` of a mapping to `value`; nothing for a node that is no mapping.
    pub fn insert(&mut self, key: &'static str, value: Node<'a>) {
        if let Some(slot) = self.entry(key, || Node::Null) {
            *slot = value;
        }
    }
}

impl Serialize for Node<'_> {
    /// As `serde_json::Value` serialises (see [`Node`]).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Number(n) => n.serialize(serializer),
            Node::String(s) => serializer.serialize_str(s),
            Node::Seq(items) => items.serialize(serializer),
            Node::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// The document `text` as a [`Node`], or `None` when it is not in the
/// subset this reader knows (read it with a general YAML parser then).
pub fn node(text: &str) -> Option<Node<'_>> {
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
    fn block(&mut self, indent: usize) -> Option<Node<'a>> {
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

    fn map(&mut self, indent: usize) -> Option<Node<'a>> {
        let mut entries = Vec::new();
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
            entries.push((key, value));
        }
        // In key order, as a serde_json map; a key twice is outside the subset.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        if entries.windows(2).any(|w| w[0].0 == w[1].0) {
            return None;
        }
        Some(Node::Map(entries))
    }

    fn seq(&mut self, indent: usize) -> Option<Node<'a>> {
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
        Some(Node::Seq(items))
    }

    /// The value after `key:` or `-` (`after`, without leading spaces) of a
    /// node indented by `indent`; `in_map`: a sequence may then start at
    /// the key's own indentation.
    fn value_after(&mut self, after: &'a str, indent: usize, in_map: bool) -> Option<Node<'a>> {
        if after.is_empty() || after.starts_with('#') {
            self.skip()?;
            return match self.line() {
                Some(next) if next.indent > indent => self.block(next.indent),
                Some(next) if in_map && next.indent == indent && is_entry(next.rest) => {
                    self.seq(indent)
                }
                _ => Some(Node::Null),
            };
        }
        if after.starts_with('|') {
            return self
                .literal(after, indent)
                .map(|text| Node::String(Cow::Owned(text)));
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
fn split_key(rest: &str) -> Option<Option<(Cow<'_, str>, &str)>> {
    let (key, after) = if rest.starts_with(['"', '\'']) {
        let (key, len) = quoted(rest)?;
        let Some(after) = rest[len..].strip_prefix(':') else {
            return Some(None);
        };
        if !(after.is_empty() || after.starts_with(' ')) {
            return None;
        }
        (Cow::Owned(key), after)
    } else {
        let Some(colon) =
            find_pair(rest, b':', b' ').or_else(|| rest.ends_with(':').then(|| rest.len() - 1))
        else {
            return Some(None);
        };
        let key = &rest[..colon];
        if !plain_ok(key) {
            return None;
        }
        (Cow::Borrowed(key), &rest[colon + 1..])
    };
    Some(Some((key, after.trim_start_matches(' '))))
}

/// Where the two ASCII bytes `first`, `second` first occur together in
/// `s`. `str::find` of a two-byte string sets up a substring searcher on
/// every call, a cost on every line read; this scans for the second byte.
fn find_pair(s: &str, first: u8, second: u8) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut from = 0;
    loop {
        let at = from + bytes[from..].iter().position(|&b| b == second)?;
        if at > 0 && bytes[at - 1] == first {
            return Some(at - 1);
        }
        from = at + 1;
    }
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
fn flow(s: &str) -> Option<Node<'static>> {
    serde_json::from_str(s.trim_end_matches(' '))
        .ok()
        .map(Node::from_value)
}

/// A scalar (or one-line flow collection) after `key: ` or `- `.
fn scalar(s: &str) -> Option<Node<'_>> {
    if s.starts_with(['"', '\'']) {
        let (v, len) = quoted(s)?;
        let tail = s[len..].trim_start_matches(' ');
        return (tail.is_empty() || (tail.starts_with('#') && len < s.len() - tail.len()))
            .then_some(Node::String(Cow::Owned(v)));
    }
    if s.starts_with(['{', '[']) {
        return flow(s);
    }
    // `plain_ok` strings never hold ` #`: the first one starts a comment.
    let s = find_pair(s, b' ', b'#')
        .map_or(s, |i| &s[..i])
        .trim_end_matches(' ');
    match s {
        "null" => Some(Node::Null),
        "true" => Some(Node::Bool(true)),
        "false" => Some(Node::Bool(false)),
        _ if is_decimal_integer(s) => s.parse::<i64>().ok().map(|n| Node::Number(n.into())),
        _ if plain_string(s) => Some(Node::String(Cow::Borrowed(s))),
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

    /// What the templates write: every construct of the subset.
    const TEMPLATE_LIKE: &str = concat!(
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
    );

    #[test]
    fn reads_what_the_templates_write() {
        let v = same(TEMPLATE_LIKE);
        assert_eq!(v["spec"]["containers"][0]["args"], json!(["--x", "--y=1"]));
    }

    /// `maasc krm` writes its answer from nodes: a node must write exactly
    /// as the value of the same data, as JSON and as YAML, also after the
    /// edits krm and `render --sync-waves` make.
    #[test]
    fn a_node_writes_as_its_value() {
        let mut node = super::node(TEMPLATE_LIKE).unwrap();
        let check = |node: &super::Node<'_>| {
            let value = node.clone().into_value();
            assert_eq!(
                serde_json::to_string_pretty(node).unwrap(),
                serde_json::to_string_pretty(&value).unwrap()
            );
            assert_eq!(
                serde_saphyr::to_string(node).unwrap(),
                serde_saphyr::to_string(&value).unwrap()
            );
        };
        check(&node);
        let annotations = node
            .entry("metadata", || super::Node::Map(Vec::new()))
            .unwrap()
            .entry("annotations", || super::Node::Map(Vec::new()))
            .unwrap();
        annotations.insert("a/first", super::Node::String("1".into()));
        annotations.insert("x", super::Node::Null);
        annotations.insert("zz/last", super::Node::Bool(true));
        check(&node);
        assert_eq!(
            node.clone().into_value()["metadata"]["annotations"],
            json!({"a/first": "1", "opendatahub.io/managed": "false", "x": null, "zz/last": true})
        );
        assert_eq!(super::Node::from_value(node.clone().into_value()), node);
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
