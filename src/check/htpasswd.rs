//! The htpasswd file: one `user:hash` per line, bcrypt hashes only.
//!
//! A line that is not bcrypt may hold a plaintext password, so diagnostics
//! about it never quote anything after the user name.

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::UserName;
use crate::source::{SourceFile, Span};

/// `$2a$`, `$2b$` or `$2y$`, two-digit cost, `$`, 53 characters of bcrypt base64.
pub fn is_bcrypt(hash: &str) -> bool {
    let Some(rest) = hash
        .strip_prefix("$2a$")
        .or_else(|| hash.strip_prefix("$2b$"))
        .or_else(|| hash.strip_prefix("$2y$"))
    else {
        return false;
    };
    let bytes = rest.as_bytes();
    bytes.len() == 2 + 1 + 53
        && bytes[..2].iter().all(u8::is_ascii_digit)
        && (4..=31).contains(&rest[..2].parse::<u32>().unwrap_or(0))
        && bytes[2] == b'$'
        && bytes[3..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'.' || *b == b'/')
}

fn scheme_of(hash: &str) -> &'static str {
    if hash.starts_with("$apr1$") {
        "an MD5 (apr1) hash"
    } else if hash.starts_with("{SHA}") {
        "a SHA-1 hash"
    } else if hash.starts_with("$5$") || hash.starts_with("$6$") {
        "a SHA-crypt hash"
    } else if hash.starts_with("$2") {
        "a malformed bcrypt hash"
    } else {
        "not a hash (a plaintext password?)"
    }
}

/// Checks every line; returns the users in file order.
pub fn parse(file: &SourceFile, diags: &mut Diagnostics) -> Vec<UserName> {
    let path: &Path = file.path();
    let mut users: Vec<UserName> = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    for (index, line) in file.text.lines().enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let Some((user, hash)) = line.split_once(':') else {
            diags.push(
                Diagnostic::error(
                    Code::InvalidHtpasswd,
                    path,
                    Span {
                        line: line_no,
                        column: 1,
                        len: 0,
                    },
                    "htpasswd line has no `user:hash` separator",
                )
                .with_hint(
                    "each line must be `user:$2y$...`; create entries with `htpasswd -B -n USER`",
                )
                .redacted(),
            );
            continue;
        };
        let user_span = Span {
            line: line_no,
            column: 1,
            len: user.chars().count() as u32,
        };
        // A first field that is no user name may be anything (a password, a
        // token from a file that is not htpasswd at all): never print it.
        let valid_user = UserName::parse(user).is_ok();
        let who = if valid_user {
            format!("`{user}`")
        } else {
            format!("line {line_no}")
        };
        match UserName::parse(user) {
            Ok(name) if users.contains(&name) => {
                let first = users.iter().position(|u| *u == name).map(|i| spans[i]);
                let mut d = Diagnostic::error(
                    Code::DuplicateName,
                    path,
                    user_span,
                    format!("user `{user}` appears twice in the htpasswd file"),
                )
                .with_label("listed again here")
                .with_hint("keep one line per user")
                .redacted();
                if let Some(first) = first {
                    d = d.with_secondary(path, first, "first listed here");
                }
                diags.push(d);
            }
            Ok(name) => {
                users.push(name);
                spans.push(user_span);
            }
            Err(_) => diags.push(
                Diagnostic::error(
                    Code::InvalidName,
                    path,
                    user_span,
                    format!("the user name on htpasswd line {line_no} is not valid (not shown: it may be a secret)"),
                )
                .with_hint(
                    "use a plain user name such as `alice`: not `.` or `..`, no `:`, `/`, `%`, white space or control characters",
                )
                .redacted(),
            ),
        }
        if !is_bcrypt(hash) {
            let column = user.chars().count() as u32 + 2;
            diags.push(
                Diagnostic::error(
                    Code::PlaintextPassword,
                    path,
                    Span {
                        line: line_no,
                        column,
                        len: 0,
                    },
                    format!(
                        "the htpasswd entry of {who} is {}; only bcrypt is accepted",
                        scheme_of(hash)
                    ),
                )
                .with_hint(
                    "replace the line with the output of `htpasswd -B -n USER` (bcrypt, $2y$)",
                )
                .redacted(),
            );
        }
    }
    users
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "$2y$05$abcdefghijklmnopqrstuuN5ENr0Mqq6Xx8q1y3PAvqkFQ2T/Y1.6";

    #[test]
    fn accepts_bcrypt_variants() {
        assert_eq!(HASH.len(), 60);
        assert!(is_bcrypt(HASH));
        assert!(is_bcrypt(&HASH.replacen("$2y$", "$2b$", 1)));
        assert!(is_bcrypt(&HASH.replacen("$2y$", "$2a$", 1)));
    }

    #[test]
    fn refuses_other_schemes_and_plaintext() {
        for bad in [
            "secret",
            "$apr1$abc$def",
            "{SHA}abc=",
            "$2y$05$short",
            "$2y$99$abcdefghijklmnopqrstuuN5ENr0Mqq6Xx8q1y3PAvqkFQ2T/Y1.6",
        ] {
            assert!(!is_bcrypt(bad), "{bad}");
        }
    }

    #[test]
    fn plaintext_is_reported_without_the_secret() {
        let file = SourceFile::new("users.htpasswd", format!("alice:{HASH}\nbob:hunter2\n"));
        let mut diags = Diagnostics::default();
        let users = parse(&file, &mut diags);
        assert_eq!(users.len(), 2);
        let mut sources = crate::diagnostic::SourceMap::default();
        sources.insert(file);
        let rendered = diags.render(&sources);
        assert!(rendered.contains("E018"), "{rendered}");
        assert!(rendered.contains("users.htpasswd:2:5"), "{rendered}");
        assert!(!rendered.contains("hunter2"), "{rendered}");
    }
}
