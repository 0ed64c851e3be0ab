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
    pub const UNKNOWN: Span = Span {
        line: 0,
        column: 0,
        len: 0,
    };

    pub fn is_known(&self) -> bool {
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
