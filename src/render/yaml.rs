//! A small, deterministic YAML writer for template filters: block style,
//! keys in the order given, strings quoted only when YAML would read them as
//! something else.

use std::fmt::Write as _;

use serde_json::Value;

/// Words YAML reads as a boolean, null or special float, in any case.
const RESERVED_WORDS: [&str; 12] = [
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ".inf", ".nan",
];

/// The bytes a plain scalar may hold: printable ASCII of this set only, so
/// no `#` (no ` #` comment), no quote, bracket or other indicator, and no
/// whitespace but the space. A table: [`plain_ok`] looks up every byte of
/// every key and scalar a run writes and reads back.
const PLAIN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b' ' | b'_'
                    | b'.'
                    | b'/'
                    | b'@'
                    | b'+'
                    | b'='
                    | b'-'
                    | b':'
                    | b'('
                    | b')'
                    | b','
                    | b'$'
                    | b'*'
            );
        b += 1;
    }
    table
};

/// Whether `s` can be written as a plain scalar and read back as the same string.
///
/// Called for every key and scalar the templates write and `maasc krm`
/// reads back (tens of thousands a run), so it looks at bytes and
/// allocates nothing.
pub(super) fn plain_ok(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    if !(first.is_ascii_alphanumeric() || matches!(first, b'/' | b'_' | b'.')) {
        return false;
    }
    if !bytes.iter().all(|&b| PLAIN_BYTES[usize::from(b)]) {
        return false;
    }
    // The first byte is no space, so a trailing one is the only way to
    // lose whitespace at the ends.
    if s.ends_with([' ', ':']) || s.contains(": ") {
        return false;
    }
    if RESERVED_WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return false;
    }
    // Anything that starts like a number and has only number-ish letters
    // (exponents, hex, octal, binary) could be read as a number or a date.
    if first.is_ascii_digit() || first == b'.' {
        let numberish = bytes.iter().all(|&b| {
            b.is_ascii_hexdigit()
                || matches!(
                    b,
                    b'.' | b'-' | b'+' | b':' | b'_' | b'x' | b'X' | b'o' | b'O' | b' '
                )
        });
        if numberish {
            return false;
        }
    }
    true
}

/// One scalar (or a flow collection) as YAML text.
pub fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        other => serde_json::to_string(other).expect("values serialize"),
    }
}

/// One string as a YAML scalar: plain when it reads back as itself.
pub fn string(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else if s.contains('"')
        && !s.contains('\'')
        && !s.contains('\\')
        && !s.chars().any(char::is_control)
    {
        // Single quotes keep JSON-in-a-string (the tiers annotation) readable.
        format!("'{s}'")
    } else {
        serde_json::to_string(s).expect("strings serialize")
    }
}

/// A nested value as block YAML, every line indented by `indent` spaces,
/// without a trailing newline. Empty collections are written `{}` / `[]`.
pub fn block(value: &Value, indent: usize) -> String {
    let mut out = String::new();
    write_block(&mut out, value, indent);
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

fn write_block(out: &mut String, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if map.values().any(|v| !v.is_null()) => {
            // Null entries are left out: Kubernetes schemas rarely allow them.
            for (k, v) in map.iter().filter(|(_, v)| !v.is_null()) {
                let key = string(k);
                write_entry(out, &format!("{pad}{key}:"), v, indent + 2, indent);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for v in items {
                write_entry(out, &format!("{pad}-"), v, indent + 2, indent + 2);
            }
        }
        other => {
            let _ = writeln!(out, "{pad}{}", scalar_or_literal(other, indent));
        }
    }
}

/// Writes `prefix` followed by the value: inline for scalars, on the next
/// lines for collections. A mapping inside a list starts on the dash line.
fn write_entry(out: &mut String, prefix: &str, v: &Value, child_indent: usize, list_indent: usize) {
    match v {
        Value::Object(map) if map.values().any(|v| !v.is_null()) => {
            if prefix.trim_start() == "-" {
                // "- key: value" with the other keys aligned under the first.
                let mut inner = String::new();
                write_block(&mut inner, v, list_indent);
                let first_line_trimmed = &inner[list_indent..];
                let _ = write!(out, "{prefix} {first_line_trimmed}");
            } else {
                let _ = writeln!(out, "{prefix}");
                write_block(out, v, child_indent);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let _ = writeln!(out, "{prefix}");
            // Lists under a key are indented like kubectl writes them.
            write_block(out, v, child_indent);
        }
        other => {
            let _ = writeln!(out, "{prefix} {}", scalar_or_literal(other, child_indent));
        }
    }
}

fn scalar_or_literal(v: &Value, indent: usize) -> String {
    match v {
        Value::String(s) if s.contains('\n') => literal(s, indent),
        Value::Object(_) => "{}".to_string(),
        Value::Array(_) => "[]".to_string(),
        other => scalar(other),
    }
}

/// Whether a literal block keeps `s` exactly: YAML normalises other line
/// breaks to `\n` and allows no other control characters there, and a block
/// starting with a blank line or a space guesses its indentation wrongly.
/// Anything else is written double-quoted, which holds every string.
fn literal_safe(s: &str) -> bool {
    let first = s.chars().next();
    let breaks_a_block = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
    };
    // ASCII text (the dashboards' JSON, kilobytes each) is checked by byte:
    // its control characters are the ASCII ones, without a Unicode lookup.
    let clean = if s.is_ascii() {
        !s.bytes()
            .any(|b| b.is_ascii_control() && b != b'\n' && b != b'\t')
    } else {
        !s.chars().any(breaks_a_block)
    };
    first.is_some_and(|c| !c.is_whitespace()) && clean
}

/// A literal block scalar (`|`, `|-` or `|+`) whose lines are indented by
/// `indent`; a double-quoted scalar for strings a block cannot hold.
pub fn literal(s: &str, indent: usize) -> String {
    if !literal_safe(s) {
        return string(s);
    }
    let pad = " ".repeat(indent);
    let chomp = if s.ends_with("\n\n") {
        "+"
    } else if s.ends_with('\n') {
        ""
    } else {
        "-"
    };
    let lines = s.bytes().filter(|&b| b == b'\n').count() + 1;
    let mut out = String::with_capacity(2 + s.len() + lines * (indent + 1));
    out.push('|');
    out.push_str(chomp);
    for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quotes_what_yaml_would_misread() {
        for (s, want) in [
            ("4", "\"4\""),
            ("true", "\"true\""),
            ("1e3", "\"1e3\""),
            ("2001-12-14", "\"2001-12-14\""),
            ("0x1F", "\"0x1F\""),
            ("a: b", "\"a: b\""),
            ("", "\"\""),
            ("*", "\"*\""),
            ("16Gi", "16Gi"),
            ("0-gpu-model", "0-gpu-model"),
            ("hf://Qwen/Qwen3-0.6B", "hf://Qwen/Qwen3-0.6B"),
            ("--max-model-len=8192", "\"--max-model-len=8192\""),
        ] {
            assert_eq!(scalar(&json!(s)), want, "{s}");
        }
    }

    #[test]
    fn writes_nested_blocks() {
        let v = json!({"a": {"b": [1, {"c": "x", "d": [], "n": null}]}, "e": {}});
        assert_eq!(
            block(&v, 0),
            "a:\n  b:\n    - 1\n    - c: x\n      d: []\ne: {}"
        );
    }

    #[test]
    fn writes_multi_line_strings_as_literals() {
        let v = json!({"data": "line1\nline2\n"});
        assert_eq!(block(&v, 2), "  data: |\n    line1\n    line2");
        assert_eq!(literal("x", 2), "|-\n  x");
    }

    #[test]
    fn output_reads_back_as_the_same_value() {
        let v = json!({"s": ["4", "yes", "a b", "x:y", "-x", "#c", "a #b", "1.5", "null"], "n": 3, "t": true, "m": "a\n b\n"});
        let text = block(&v, 0);
        let back: Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(back, v, "{text}");
    }

    /// Every string a user can put in maas.yaml reaches the output through
    /// `scalar`, `block` or `literal`: each must read back as exactly that
    /// string, however hostile. (The built-in templates are not re-parsed at
    /// run time; this test and the example suites are their proof.)
    #[test]
    fn hostile_strings_read_back_unchanged() {
        let atoms = [
            "",
            " ",
            "a",
            "-",
            "- ",
            "?",
            "? ",
            ":",
            ": ",
            "#",
            " #",
            "&a",
            "*a",
            "!t",
            "!!str",
            "%",
            "@",
            "`",
            "|",
            ">",
            "'",
            "\"",
            "\\",
            "{",
            "}",
            "[",
            "]",
            ",",
            "\t",
            "\n",
            "\r\n",
            "\u{85}",
            "\u{2028}",
            "\u{feff}",
            "é",
            "日本",
            "null",
            "~",
            "true",
            "no",
            "on",
            "0x1",
            "0o7",
            "1e3",
            ".inf",
            "-.5",
            "+1",
            "2001-12-14",
            "=",
            "---",
            "...",
            "a: b",
            "a #b",
            "\u{7}",
        ];
        let mut strings = Vec::new();
        for a in atoms {
            for b in atoms {
                strings.push(format!("{a}{b}"));
                strings.push(format!("{a}x{b}"));
            }
        }
        // `read::document` (what `maasc krm` reads the objects back with)
        // either leaves a text to the general parser or reads what it reads.
        let mut read_fast = 0;
        let mut fast_or_general = |text: &str, want: &Value| {
            if let Some(fast) = super::super::read::document(text) {
                assert_eq!(&fast, want, "read::document of\n{text}");
                read_fast += 1;
            }
        };
        for s in &strings {
            let quoted = scalar(&json!(s));
            let back: Result<String, _> = serde_saphyr::from_str(&format!("k: {quoted}\n"))
                .map(|m: std::collections::BTreeMap<String, String>| m["k"].clone());
            assert_eq!(
                back.as_deref().ok(),
                Some(s.as_str()),
                "scalar {s:?} → {quoted}"
            );
            fast_or_general(&format!("k: {quoted}\n"), &json!({ "k": s }));
            let doc = json!({ "k": s, "l": [s, { "m": s }] });
            let text = format!("root:\n{}\n", block(&doc, 2));
            let back: Value = serde_saphyr::from_str(&text).unwrap();
            assert_eq!(back["root"], doc, "block {s:?} →\n{text}");
            fast_or_general(&text, &back);
            if s.contains('\n') {
                let text = format!("k: {}\n", literal(s, 2));
                let back: Value = serde_saphyr::from_str(&text).unwrap();
                assert_eq!(back["k"], json!(s), "literal {s:?} →\n{text}");
                fast_or_general(&text, &back);
            }
        }
        // Most of them take the fast way (the rest: tabs, `\r`, ...).
        assert!(
            read_fast > strings.len() * 2,
            "{read_fast} of {}",
            strings.len()
        );
    }
}
