//! Standard output, written so that a reader going away is not a crash.
//!
//! Rust ignores SIGPIPE, so `print!` panics when the reader of a pipe has
//! closed it (`maasc render | head`). Like `cat` and `kubectl`, maasc stops
//! writing instead: the rest of the output has nowhere to go, and the exit
//! code stays the command's. Any other write error (a full disk behind a
//! redirect) is reported and exits 2, the code of an I/O error.

use std::io::{ErrorKind, Write};

/// Writes `text` to standard output and flushes it.
pub(crate) fn write(text: &str) {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            std::process::exit(2);
        }
    }
}

/// `print!` that survives a closed pipe (see the module).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::stdout::write(&format!($($arg)*))
    };
}
pub(crate) use out;
