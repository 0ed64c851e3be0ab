//! Diagnostics: every problem maasc finds in its input, with a stable code,
//! the place it was found, the offending line and a hint saying what to do.
//!
//! Checks push [`Diagnostic`]s into a [`Diagnostics`] list instead of
//! returning early, so one run reports every problem at once.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::source::{SourceFile, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $title:literal;)*) => {
        /// Stable diagnostic codes. A code is never reused for another meaning.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed, e.g. `E012`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// A one-line description, used in docs and `--help`.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }
        }
    };
}

codes! {
    Io = "E001", "the input file cannot be read";
    Syntax = "E002", "the input is not well-formed YAML";
    Budget = "E003", "the input exceeds a size, depth or alias budget";
    WrongType = "E004", "a value has the wrong type or an unknown variant";
    UnknownField = "E005", "a field is not part of maas.yaml";
    MissingField = "E006", "a required field is missing";
    WrongKind = "E007", "apiVersion or kind is not MaaSPlatform";
    InvalidName = "E010", "a name is not a valid DNS-1123 label";
    DuplicateName = "E011", "a name is defined twice";
    UnknownReference = "E012", "a reference names something that is not defined";
    InvalidDuration = "E013", "a duration is not <int><s|m|h|d>";
    InvalidQuantity = "E014", "a value is not a Kubernetes quantity";
    UnknownInstanceType = "E015", "an instance type is not known to maasc";
    GpusExceedNode = "E016", "a model asks for more GPUs than one node of its pool has";
    ModelTooLarge = "E017", "a model's weights do not fit the GPU memory it asks for";
    PlaintextPassword = "E018", "an htpasswd entry is not a bcrypt hash";
    MissingCloudField = "E019", "a machine pool needs a platform field that is not set";
    EmptyTiers = "E020", "a model lists no tiers";
    UndefinedGroup = "E021", "a tier names a group that is not defined";
    UnsupportedWindow = "E022", "a window cannot be expressed by the chosen MaaS API";
    AmbiguousTier = "E023", "a user reaches two tiers of the same level";
    InvalidHtpasswd = "E024", "the htpasswd file is malformed or unreadable";
    PoolMismatch = "E025", "a model's GPUs do not match its pool";
    InvalidValue = "E026", "a value is out of range or contradicts another";
    ModelNotDeployed = "E027", "a model is deployed on no cluster";
    IdentitySource = "E028", "htpasswd needs exactly one of file and existingSecret";
    InvalidParameters = "E029", "a parameter count is not like 0.6B, 8B or 125M";
    ApiCannotExpress = "W101", "the chosen MaaS API cannot express part of the input";
    PoolNotProvisioned = "W102", "maasc does not provision machine pools on this platform";
    GatewayNotServed = "W103", "maas-controller serves another Gateway";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub file: PathBuf,
    pub span: Span,
    pub hint: Option<String>,
    /// The offending line holds a secret: quote it only up to `name:`.
    pub redact: bool,
}

impl Diagnostic {
    pub fn error(code: Code, file: &Path, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: file.to_path_buf(),
            span,
            hint: None,
            redact: false,
        }
    }

    pub fn warning(code: Code, file: &Path, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, span, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn redacted(mut self) -> Self {
        self.redact = true;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col`, or just `file` when the position is unknown.
    pub fn location(&self) -> String {
        if self.span.is_known() {
            format!(
                "{}:{}:{}",
                self.file.display(),
                self.span.line,
                self.span.column
            )
        } else {
            self.file.display().to_string()
        }
    }

    /// Renders the diagnostic like rustc does: header, location, quoted line
    /// with a caret under the offending token, and the hint.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(out, "{level}[{}]: {}", self.code, self.message);
        let _ = writeln!(out, "  --> {}", self.location());
        let quoted = sources.get(&self.file).and_then(|s| s.line(self.span.line));
        if let Some(line) = quoted {
            let line = if self.redact {
                redact_line(line)
            } else {
                line.to_string()
            };
            let number = self.span.line.to_string();
            let pad = " ".repeat(number.len());
            let col = self.span.column.max(1) as usize;
            let width = (self.span.len as usize)
                .clamp(1, line.chars().count().saturating_sub(col - 1).max(1));
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{number} | {line}");
            let _ = writeln!(out, "{pad} | {}{}", " ".repeat(col - 1), "^".repeat(width));
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  = hint: {hint}");
        }
        out
    }
}

/// Keeps an htpasswd line's user name and hides everything after it.
fn redact_line(line: &str) -> String {
    match line.split_once(':') {
        // Only a real user name (or YAML key) is kept: a first field that is
        // none may be a secret itself.
        Some((user, _)) if crate::model::check_openshift_name(user.trim_start()).is_ok() => {
            format!("{user}:<redacted>")
        }
        Some(_) => "<redacted>".to_string(),
        None => "<redacted>".to_string(),
    }
}

/// The input files a run read, by path, so diagnostics can quote them.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: BTreeMap<PathBuf, SourceFile>,
}

impl SourceMap {
    pub fn insert(&mut self, file: SourceFile) {
        self.files.insert(file.path.clone(), file);
    }

    pub fn get(&self, path: &Path) -> Option<&SourceFile> {
        self.files.get(path)
    }
}

/// Everything a run found, in the order found; sorted before printing.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// In file order, then by code, so output does not depend on check order.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut items: Vec<&Diagnostic> = self.items.iter().collect();
        items.sort_by(|a, b| {
            (&a.file, a.span.line, a.span.column, a.code, &a.message).cmp(&(
                &b.file,
                b.span.line,
                b.span.column,
                b.code,
                &b.message,
            ))
        });
        items.dedup();
        items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// All diagnostics, rendered, followed by a summary line.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            out.push_str(&d.render(sources));
            out.push('\n');
        }
        let (errors, warnings) = (self.error_count(), self.warning_count());
        if errors > 0 {
            let _ = writeln!(out, "{errors} error(s), {warnings} warning(s)");
        } else if warnings > 0 {
            let _ = writeln!(out, "{warnings} warning(s)");
        }
        out
    }
}
