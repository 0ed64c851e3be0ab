//! Line and byte arithmetic on YAML text: where a block starts and ends,
//! which key a line holds, and splices at byte ranges.

use crate::source::Span;

/// A YAML text with its line starts, edited by splices.
pub struct Text {
    pub text: String,
}

/// One replacement: bytes `start..end` become `with`.
#[derive(Clone, Debug)]
pub struct Splice {
    pub start: usize,
    pub end: usize,
    pub with: String,
}

impl Text {
    pub fn new(text: &str) -> Text {
        Text {
            text: text.to_string(),
        }
    }

    /// Byte ranges of each line, without the line break (index 0 = line 1).
    fn line_ranges(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, b) in self.text.bytes().enumerate() {
            if b == b'\n' {
                let end = if i > start && self.text.as_bytes()[i - 1] == b'\r' {
                    i - 1
                } else {
                    i
                };
                out.push((start, end));
                start = i + 1;
            }
        }
        if start < self.text.len() {
            out.push((start, self.text.len()));
        }
        out
    }

    pub fn line_count(&self) -> usize {
        self.line_ranges().len()
    }

    /// The text of 1-based `line` (empty past the end).
    pub fn line(&self, line: usize) -> &str {
        match self.line_ranges().get(line.wrapping_sub(1)) {
            Some(&(s, e)) => &self.text[s..e],
            None => "",
        }
    }

    /// Byte offset of the start of 1-based `line` (the end of the text past it).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_ranges()
            .get(line.wrapping_sub(1))
            .map_or(self.text.len(), |r| r.0)
    }

    /// Byte offset just after the line break of 1-based `line`.
    pub fn line_after(&self, line: usize) -> usize {
        let ranges = self.line_ranges();
        match ranges.get(line.wrapping_sub(1)) {
            Some(&(_, e)) => {
                let rest = &self.text[e..];
                let line_break = ["\r\n", "\n"].into_iter().find(|b| rest.starts_with(b));
                e + line_break.map_or(0, str::len)
            }
            None => self.text.len(),
        }
    }

    /// Byte offset of 1-based `line` and character `column`.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let start = self.line_start(line);
        let text = self.line(line);
        start
            + text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i)
    }

    /// The byte range of a scalar read with `span`.
    pub fn span_range(&self, span: Span) -> (usize, usize) {
        let start = self.offset(span.line as usize, span.column as usize);
        let rest = &self.text[start..];
        let len = rest
            .char_indices()
            .nth(span.len as usize)
            .map_or(rest.len(), |(i, _)| i);
        (start, start + len)
    }

    /// The line break this text uses.
    pub fn newline(&self) -> &'static str {
        if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    }

    /// Applies `splices` (non-overlapping, any order).
    pub fn apply(&self, mut splices: Vec<Splice>) -> String {
        splices.sort_by_key(|s| (s.start, s.end));
        let mut out = String::with_capacity(self.text.len());
        let mut at = 0;
        for s in splices {
            out.push_str(&self.text[at..s.start.max(at)]);
            out.push_str(&s.with);
            at = at.max(s.end);
        }
        out.push_str(&self.text[at..]);
        out
    }

    /// The last line of the block that starts on `line` with a key (or a
    /// `- ` item) at 1-based `column`: following lines that are blank,
    /// comments, or indented deeper belong to it, and so do `- ` items at
    /// the same indentation when `line` opens a block value (`key:` alone).
    /// Trailing blank and comment lines are left to whatever follows.
    pub fn block_end(&self, line: usize, column: usize) -> usize {
        let opens = {
            let l = strip_comment(self.line(line)).trim_end();
            l.ends_with(':')
        };
        let mut last = line;
        for n in line + 1..=self.line_count() {
            let l = self.line(n);
            if is_trivia(l) {
                continue;
            }
            let indent = indent_of(l);
            let deeper = indent + 1 > column;
            let same_level_item = opens && indent + 1 == column && l[indent..].starts_with('-');
            if deeper || same_level_item {
                last = n;
            } else {
                break;
            }
        }
        last
    }

    /// The line in `first..=last` holding `key` at 1-based `column`.
    pub fn find_key(&self, first: usize, last: usize, column: usize, key: &str) -> Option<usize> {
        (first..=last)
            .find(|&n| line_key(self.line(n)).is_some_and(|(c, k)| c == column && k == key))
    }

    /// The 1-based column of the first key of the block value under the key
    /// on `line` (its children), if the value is a block mapping.
    pub fn child_column(&self, line: usize) -> Option<usize> {
        let end = self.block_end(line, line_key(self.line(line))?.0);
        (line + 1..=end)
            .map(|n| self.line(n))
            .find(|l| !is_trivia(l))
            .and_then(line_key)
            .map(|(c, _)| c)
    }
}

/// Whether a line holds nothing but blanks or a comment.
pub fn is_trivia(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

pub fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The line without a trailing ` # comment` (outside quotes).
pub fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && (prev == ' ' || prev == '\t') => return &line[..i],
            None => {}
        }
        prev = c;
    }
    line
}

/// The key a line holds and its 1-based column, looking past `- ` items:
/// `    - name: free` → (7, "name").
pub fn line_key(line: &str) -> Option<(usize, &str)> {
    let mut at = indent_of(line);
    loop {
        let rest = &line[at..];
        if let Some(r) = rest.strip_prefix("- ") {
            at += rest.len() - r.len() + (r.len() - r.trim_start_matches(' ').len());
        } else {
            break;
        }
    }
    let rest = &line[at..];
    let end = rest.find(':')?;
    let key = &rest[..end];
    let after = &rest[end + 1..];
    let plain = !key.is_empty()
        && !key.starts_with(['#', '{', '[', '"', '\'', '-'])
        && !key.contains([' ', ',', '{', '}', '[', ']']);
    (plain && (after.is_empty() || after.starts_with([' ', '\t', '\r'])))
        .then(|| (line[..at].chars().count() + 1, key))
}

/// `value` as a YAML scalar: plain when that reads back as the same
/// string, else double-quoted.
pub fn scalar(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '_' | '/' | '-' | ' '))
        && !value.starts_with(['-', ':', ' '])
        && !value.ends_with([':', ' '])
        && !value.contains(": ")
        && !value.contains(" #")
        && value.parse::<f64>().is_err()
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
        );
    if plain {
        value.to_string()
    } else {
        serde_json::to_string(value).expect("a string serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_lines() {
        assert_eq!(line_key("    - name: free"), Some((7, "name")));
        assert_eq!(line_key("  tiers:"), Some((3, "tiers")));
        assert_eq!(line_key("      limits: # x"), Some((7, "limits")));
        assert_eq!(line_key("    - free"), None);
        assert_eq!(line_key("# a: b"), None);
        assert_eq!(line_key("  url: http://x"), Some((3, "url")));
    }

    #[test]
    fn blocks_end_before_the_next_sibling() {
        let t = Text::new("a:\n  b: 1\n\n  # c\n  c:\n  - x\n  - y\nd: 2\n");
        assert_eq!(t.block_end(1, 1), 7);
        assert_eq!(t.block_end(2, 3), 2);
        assert_eq!(t.block_end(5, 3), 7);
        assert_eq!(t.child_column(1), Some(3));
    }

    #[test]
    fn scalars_quote_when_needed() {
        assert_eq!(scalar("system:authenticated"), "system:authenticated");
        assert_eq!(scalar("a b"), "a b");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("10"), "\"10\"");
        assert_eq!(scalar("yes"), "\"yes\"");
    }
}
