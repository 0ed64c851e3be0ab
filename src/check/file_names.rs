//! Names that are valid for their object but too long for the file that
//! holds it: a file name is at most 255 bytes on every common file system.

use super::Checker;
use crate::diagnostic::Code;
use crate::source::Sp;

const MAX_FILE_NAME: usize = 255;

/// Reports `name` when `<kind>-<name>.yaml` would not fit a file name.
pub(crate) fn fits(c: &mut Checker<'_>, what: &str, kind: &str, name: &Sp<String>) {
    let file = kind.len() + 1 + name.value.len() + ".yaml".len();
    if file > MAX_FILE_NAME {
        c.error(
            Code::InvalidName,
            name.span,
            format!(
                "{what} is {} characters long: its file `{kind}-….yaml` would have {file} bytes, more than the {MAX_FILE_NAME} a file name may have",
                name.value.len()
            ),
            format!(
                "keep {what}s at most {} characters long",
                MAX_FILE_NAME - kind.len() - 1 - ".yaml".len()
            ),
        );
    }
}
