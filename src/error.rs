//! The crate's one error type, and the one place exit codes are decided.
//!
//! Exit codes: 0 ok, 1 findings (invalid input, a stale tree, a non-empty
//! `diff --exit-code`, a failed KRM run, a cluster that is not there),
//! 2 usage or I/O error (an unreadable file, an unusable `--templates`
//! folder, a tree that cannot be read or written).

use std::fmt;
use std::process::ExitCode;

use crate::diff::SideError;
use crate::pipeline::LoadError;
use crate::render::RenderError;
use crate::stream::StreamError;
use crate::tree::TreeError;

/// Why a command failed; its `Display` is what goes to stderr.
#[derive(Debug)]
pub enum Error {
    /// maas.yaml is invalid (1) or cannot be read (2).
    Load(LoadError),
    /// maas.yaml is invalid where 1 means something else (`check`: stale),
    /// so it is 2 there and CI can tell the two apart.
    InputOfCheck(LoadError),
    /// The templates cannot be read or rendered.
    Render(RenderError),
    /// One cluster's stream could not be made.
    Stream(StreamError),
    /// One side of a diff could not be opened.
    Side(SideError),
    /// A generated tree could not be read back or built.
    Tree(TreeError),
    /// A file or folder could not be read or written: the whole message.
    Io(String),
    /// A command-line value maasc cannot use.
    Usage(String),
    /// The command printed its own report (`--format json`): only the exit code.
    Reported(u8),
    /// Findings that are one message (`--strict` and warnings): exit 1.
    Findings(String),
}

impl Error {
    /// The same message, as findings (exit 1): `--strict` warnings.
    pub(crate) fn findings(self) -> Error {
        match self {
            Error::Usage(m) | Error::Io(m) => Error::Findings(m),
            e => e,
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Load(e) => {
                if e.io {
                    2
                } else {
                    1
                }
            }
            Error::Stream(e) => {
                if e.templates {
                    2
                } else {
                    1
                }
            }
            Error::Reported(code) => *code,
            Error::Findings(_) => 1,
            Error::InputOfCheck(_)
            | Error::Render(_)
            | Error::Side(_)
            | Error::Tree(_)
            | Error::Io(_)
            | Error::Usage(_) => 2,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Load(e) | Error::InputOfCheck(e) => f.write_str(&e.render()),
            Error::Render(e) => writeln!(f, "error: {e}"),
            Error::Stream(e) => writeln!(f, "{e}"),
            Error::Side(e) => write!(f, "{e}"),
            Error::Tree(e) => writeln!(f, "error: {e}"),
            Error::Io(m) | Error::Usage(m) | Error::Findings(m) => writeln!(f, "error: {m}"),
            Error::Reported(_) => Ok(()),
        }
    }
}

impl std::error::Error for Error {}

/// `From` each stage's error into [`Error`], so commands can use `?`.
macro_rules! from_errors {
    ($($source:ty => $variant:ident),* $(,)?) => {
        $(impl From<$source> for Error {
            fn from(e: $source) -> Self {
                Error::$variant(e)
            }
        })*
    };
}

from_errors! {
    LoadError => Load,
    RenderError => Render,
    StreamError => Stream,
    SideError => Side,
    TreeError => Tree,
}

/// What a command that ran to the end found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report: exit 0.
    Clean,
    /// Findings were printed (a stale tree, a difference, error results): exit 1.
    Findings,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
        }
    }
}

/// The exit code of a command's result; errors are printed to stderr here.
pub(crate) fn exit(result: Result<Outcome, Error>) -> ExitCode {
    match result {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(e) => {
            eprint!(
                "{}",
                crate::style::Style::for_stderr().diagnostics(&e.to_string())
            );
            ExitCode::from(e.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_and_io_errors_exit_2_findings_exit_1() {
        assert_eq!(Error::Io("x".into()).exit_code(), 2);
        assert_eq!(Error::Usage("x".into()).exit_code(), 2);
        assert_eq!(Outcome::Findings.exit_code(), 1);
        assert_eq!(Outcome::Clean.exit_code(), 0);
    }

    #[test]
    fn invalid_input_exits_1_except_for_check_and_unreadable_input_exits_2() {
        let load = |io| LoadError {
            diagnostics: crate::diagnostic::Diagnostics::default(),
            sources: crate::diagnostic::SourceMap::default(),
            io,
        };
        assert_eq!(Error::Load(load(false)).exit_code(), 1);
        assert_eq!(Error::Load(load(true)).exit_code(), 2);
        assert_eq!(Error::InputOfCheck(load(false)).exit_code(), 2);
    }

    #[test]
    fn a_missing_cluster_exits_1_and_broken_templates_exit_2() {
        let stream = |templates| StreamError {
            message: String::new(),
            hint: String::new(),
            templates,
        };
        assert_eq!(Error::Stream(stream(false)).exit_code(), 1);
        assert_eq!(Error::Stream(stream(true)).exit_code(), 2);
    }
}
