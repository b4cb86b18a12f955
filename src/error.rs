//! One error type for the crate. Every message is a single line that names what went wrong
//! (a config key, a shape, a device); the CLI prints it as is and the page shows it as text.

use crate::config::ConfigError;

/// Everything that can fail in `caulk`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A config key has a malformed or out-of-range value.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// Operand shapes or buffer lengths do not fit an operation.
    #[error("shape: {0}")]
    Shape(String),
    /// No GPU adapter or device could be obtained; the text says why.
    #[error("no GPU: {0}")]
    NoGpu(String),
    /// A GPU operation failed after the device was created (validation, lost device, mapping).
    #[error("GPU: {0}")]
    Gpu(String),
    /// The requested work exceeds a device or app limit (checked before any work starts).
    #[error("limit: {0}")]
    Limit(String),
    /// Input/output failure, with the path or stream concerned.
    #[error("{0}")]
    Io(String),
}

/// Crate-wide result.
pub type Result<T> = std::result::Result<T, Error>;
