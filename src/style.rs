//! Terminal colours for reports: by default (`--color auto`) on only when
//! the stream is a terminal and `NO_COLOR` is unset, so pipes, files and CI
//! logs get plain text; `--color always|never` decides otherwise.

use std::io::IsTerminal;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Style {
    color: bool,
}

impl Style {
    /// Colours for stdout, following the `NO_COLOR` convention.
    pub(crate) fn for_stdout() -> Style {
        Style::deciding(std::io::stdout().is_terminal())
    }

    /// Colours for stderr (diagnostics, summaries).
    pub(crate) fn for_stderr() -> Style {
        Style::deciding(std::io::stderr().is_terminal())
    }

    fn deciding(terminal: bool) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match crate::report::color() {
            crate::cli::ColorChoice::Always => true,
            crate::cli::ColorChoice::Never => false,
            crate::cli::ColorChoice::Auto => !no_color && terminal,
        };
        Style { color }
    }

    /// Colours rendered diagnostics: `error[…]` red, `warning[…]` yellow,
    /// locations and hints cyan.
    pub(crate) fn diagnostics(&self, text: &str) -> String {
        if !self.color {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        for line in text.split_inclusive('\n') {
            let (body, end) = match line.strip_suffix('\n') {
                Some(b) => (b, "\n"),
                None => (line, ""),
            };
            let painted = if body.starts_with("error") {
                self.bold(&self.red(body))
            } else if body.starts_with("warning") {
                self.bold(&self.yellow(body))
            } else if body.trim_start().starts_with("-->")
                || body.trim_start().starts_with("= hint:")
            {
                self.cyan(body)
            } else {
                body.to_string()
            };
            out.push_str(&painted);
            out.push_str(end);
        }
        out
    }

    /// Whether this stream gets colours.
    pub(crate) fn is_color(self) -> bool {
        self.color
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub(crate) fn red(&self, text: &str) -> String {
        self.paint("31", text)
    }

    pub(crate) fn green(&self, text: &str) -> String {
        self.paint("32", text)
    }

    pub(crate) fn yellow(&self, text: &str) -> String {
        self.paint("33", text)
    }

    pub(crate) fn cyan(&self, text: &str) -> String {
        self.paint("36", text)
    }

    pub(crate) fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
}
