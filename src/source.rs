//! Where a value came from: the file it was read from and its line and column.
//!
//! Every diagnostic points back into the input, so the parse stage keeps a
//! [`Span`] on each value that a later check may need to blame.

use std::fmt;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

/// A position in the input: 1-based line and column plus the length of the
/// token, in characters (0 when unknown).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub len: u32,
}

impl Span {
    pub(crate) const UNKNOWN: Span = Span {
        line: 0,
        column: 0,
        len: 0,
    };

    pub(crate) fn is_known(&self) -> bool {
        self.line > 0
    }

    pub(crate) fn from_location(loc: &serde_saphyr::Location) -> Span {
        let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        Span {
            line: clamp(loc.line()),
            column: clamp(loc.column()),
            len: clamp(loc.span().len()),
        }
    }
}

/// A value together with the span it was read from.
///
/// Equality and ordering look only at the value, so spanned values can be
/// compared, sorted and looked up like the plain value.
#[derive(Clone, Debug)]
pub struct Sp<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Sp<T> {
    pub fn new(value: T, span: Span) -> Self {
        Sp { value, span }
    }

    /// A value that does not come from the input (a default, a test fixture).
    pub fn synthetic(value: T) -> Self {
        Sp {
            value,
            span: Span::UNKNOWN,
        }
    }

    pub fn as_ref(&self) -> Sp<&T> {
        Sp {
            value: &self.value,
            span: self.span,
        }
    }
}

impl<T: PartialEq> PartialEq for Sp<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Sp<T> {}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Display> fmt::Display for Sp<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        let mut span = Span::from_location(&spanned.referenced);
        if !span.is_known() {
            span = Span::from_location(&spanned.defined);
        }
        Ok(Sp {
            value: spanned.value,
            span,
        })
    }
}

impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// One input file held in memory, so diagnostics can quote its lines.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line(&self, line: u32) -> Option<&str> {
        if line == 0 {
            return None;
        }
        self.text.lines().nth(line as usize - 1)
    }
}

/// The dotted path (`spec.tiers.0.limits`) of the YAML node that starts at
/// `span` in `text`: where a diagnostic's span is, as a field path, for
/// consumers that speak paths rather than lines (KRM function results).
/// Falls back to the deepest node starting on the span's line.
pub(crate) fn field_path_at(text: &str, span: Span) -> Option<String> {
    let root: Sp<Node> = serde_saphyr::from_str(text).ok()?;
    // The deepest node starting exactly there (a map starts where its first
    // key does), else the deepest starting on that line.
    let mut exact: Option<(usize, String)> = None;
    let mut on_line: Option<(usize, String)> = None;
    let mut path = Vec::new();
    root.visit(&mut path, &mut |segments, at| {
        let deeper = |best: &Option<(usize, String)>| {
            best.as_ref()
                .is_none_or(|(depth, _)| segments.len() > *depth)
        };
        if at.line == span.line && at.column == span.column && deeper(&exact) {
            exact = Some((segments.len(), segments.join(".")));
        }
        if at.line == span.line && deeper(&on_line) {
            on_line = Some((segments.len(), segments.join(".")));
        }
    });
    exact.or(on_line).map(|(_, p)| p)
}

/// A YAML tree that keeps the span of every key and value.
enum Node {
    Map(Vec<(Sp<KeyText>, Sp<Node>)>),
    Seq(Vec<Sp<Node>>),
    Leaf,
}

impl Sp<Node> {
    fn visit(&self, path: &mut Vec<String>, found: &mut impl FnMut(&[String], Span)) {
        found(path, self.span);
        match &self.value {
            Node::Map(entries) => {
                for (key, value) in entries {
                    path.push(key.value.0.clone());
                    found(path, key.span);
                    value.visit(path, found);
                    path.pop();
                }
            }
            Node::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    item.visit(path, found);
                    path.pop();
                }
            }
            Node::Leaf => {}
        }
    }
}

/// A mapping key of any scalar type, as text.
struct KeyText(String);

macro_rules! visit_scalars {
    ($out:expr) => {
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok($out(v.to_string()))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok($out(v.to_string()))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok($out(v.to_string()))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok($out(v.to_string()))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok($out(v.to_string()))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok($out(String::new()))
        }
    };
}

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a scalar key")
            }
            visit_scalars!(KeyText);
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any YAML node")
            }
            visit_scalars!(|_| Node::Leaf);
            fn visit_none<E: serde::de::Error>(self) -> Result<Node, E> {
                Ok(Node::Leaf)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Node::Seq(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(Node::Map(entries))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_of_keys_and_values() {
        let text = "spec:\n  tiers:\n    - name: free\n      level: x\n";
        let at = |line, column| {
            field_path_at(
                text,
                Span {
                    line,
                    column,
                    len: 0,
                },
            )
        };
        assert_eq!(at(4, 14).as_deref(), Some("spec.tiers.0.level"));
        assert_eq!(at(3, 9).as_deref(), Some("spec.tiers.0.name"));
        assert_eq!(at(2, 3).as_deref(), Some("spec.tiers"));
    }
}
