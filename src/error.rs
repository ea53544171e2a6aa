//! Errors a user can fix (bad input) versus failures of the run itself, and their exit codes.

use crate::activation::SpecError;
use crate::engine::EngineError;

/// Bad input from the user: a CLI value, a file's contents, a config entry. Exit code 2.
///
/// The message names what was wrong, where (file, line) and how to fix it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// Output that could not be written where the user sent it (stdout full or closed). Exit code
/// 2: the output is lost, and scripts must be able to tell.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct OutputError(pub String);

/// Shorthand to build an [`InputError`] as an `anyhow::Error`.
pub fn input_error(msg: impl Into<String>) -> anyhow::Error {
    InputError(msg.into()).into()
}

/// The explorer ended because of a signal; the process exits with 128 + its number (SIGTERM
/// 143, SIGHUP 129, SIGINT 130, SIGQUIT 131), as a shell reports a program the signal killed,
/// so scripts can tell.
#[derive(Debug, thiserror::Error)]
#[error("ended by signal {0}")]
pub struct Signalled(pub i32);

/// Exit code for an error: 128 + the signal's number after a signal, 2 for anything the user
/// can fix in their input or output, 1 otherwise.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if let Some(Signalled(n)) = err.downcast_ref::<Signalled>() {
        return 128 + n;
    }
    let is_input = err.chain().any(|e| {
        e.is::<InputError>()
            || e.is::<OutputError>()
            || e.is::<SpecError>()
            || e.is::<EngineError>()
            || e.is::<clap::Error>()
    });
    if is_input { 2 } else { 1 }
}
