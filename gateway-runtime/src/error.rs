//! Errors: what a core function returns ([`OperationError`]) and what a gateway call returns
//! ([`GatewayError`]).

use crate::descriptor::Registry;
use crate::suggest::closest;
use std::fmt;

/// The boxed error type used for error sources.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The result of a core function as the gateway sees it.
pub type OpResult<T> = Result<T, OperationError>;

/// Why a core function failed: any error, boxed.
///
/// Core functions return their own error types (`Result<T, E>` with `E` convertible into a
/// boxed error, which covers `std::io::Error`, `String`, `anyhow::Error` and thiserror types);
/// the code `#[operation]` generates converts them with [`OperationError::from_source`].
#[derive(Debug)]
pub struct OperationError {
    inner: BoxError,
}

impl OperationError {
    /// Wraps any error.
    pub fn from_source(error: impl Into<BoxError>) -> Self {
        let inner = error.into();
        // Keep the original when it already is an OperationError, rather than nesting it.
        match inner.downcast::<OperationError>() {
            Ok(op) => *op,
            Err(inner) => Self { inner },
        }
    }

    /// An error with just a message.
    pub fn msg(message: impl Into<String>) -> Self {
        Self {
            inner: message.into().into(),
        }
    }

    /// The wrapped error.
    pub fn get_ref(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self.inner.as_ref()
    }

    /// Downcasts the wrapped error to a concrete type.
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        self.inner.downcast_ref()
    }
}

/// The error's message followed by its causes (`error sending request: connection refused`),
/// since callers usually see only this text. The causes are therefore not also returned by
/// `source()`; [`OperationError::get_ref`] and [`OperationError::downcast_ref`] reach them.
impl fmt::Display for OperationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)?;
        let mut cause = self.inner.source();
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}

impl std::error::Error for OperationError {}

/// Why a gateway call did not return a result.
///
/// The message of each variant is complete, causes included, so `{}` is enough to log it;
/// the causes are fields of the variants rather than `source()`s, so reporters that walk the
/// source chain do not print them twice.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GatewayError {
    /// No interface of that name.
    #[error("unknown interface `{interface}`{}; available: {}", hint(self.suggestion()), self.available().join(", "))]
    UnknownInterface {
        /// The name given.
        interface: Box<str>,
        /// The registry it was looked up in (for [`GatewayError::suggestion`] and
        /// [`GatewayError::available`]).
        registry: &'static Registry,
    },
    /// The interface exists but has no such operation.
    #[error("unknown operation `{interface}.{operation}`{}; {interface} has: {}", hint(self.suggestion()), self.available().join(", "))]
    UnknownOperation {
        /// The interface.
        interface: &'static str,
        /// The operation name given.
        operation: Box<str>,
        /// The registry it was looked up in.
        registry: &'static Registry,
    },
    /// The parameters did not match the operation's declaration.
    #[error("invalid parameters for `{operation}`: {}", list(problems))]
    InvalidParams {
        /// `CACHE.get`.
        operation: &'static str,
        /// Every problem found, not just the first.
        problems: Vec<ParamProblem>,
    },
    /// The core function returned an error.
    #[error("`{operation}` failed: {error}")]
    OperationFailed {
        /// `CACHE.get`.
        operation: &'static str,
        /// The core function's error; its text is part of this error's message.
        error: OperationError,
    },
    /// The core function panicked; the gateway caught it and keeps serving.
    #[error("`{operation}` panicked: {message}")]
    Panicked {
        /// `CACHE.get`.
        operation: &'static str,
        /// The panic message, for logs. Entry points must not show it to callers.
        message: String,
    },
    /// The interface's state could not be created.
    #[error("interface `{interface}` could not be initialised: {error}")]
    InitFailed {
        /// `CACHE`.
        interface: &'static str,
        /// Why; its text is part of this error's message.
        error: BoxError,
    },
    /// The operation ran past its timeout.
    #[error("`{operation}` timed out after {} ms", after.as_millis())]
    Timeout {
        /// `CACHE.get`.
        operation: &'static str,
        /// The timeout.
        after: std::time::Duration,
    },
    /// Free-tier protection rejected the call for now; try again after `retry_after`.
    #[error("`{operation}` is throttled: {reason}")]
    Throttled {
        /// `CACHE.get`.
        operation: &'static str,
        /// When to try again.
        retry_after: std::time::Duration,
        /// Why.
        reason: String,
    },
    /// Free-tier protection blocks every call but critical ones.
    #[error("`{operation}` is blocked: {reason}")]
    Blocked {
        /// `CACHE.get`.
        operation: &'static str,
        /// Why.
        reason: String,
    },
    /// The process-wide gateway could not start (invalid configuration, failed preload).
    #[error("the gateway could not start: {reason}")]
    StartFailed {
        /// Why.
        reason: String,
    },
    /// The gateway's configuration is invalid (an environment variable, for example).
    #[error("invalid gateway configuration: {error}")]
    Config {
        /// Which setting, and what it accepts.
        error: Box<crate::lmms::ConfigError>,
    },
    /// The call was fused into a batch (`execute_batch`, a coalescer) and that batch failed as a
    /// whole: every call of the failed chunk gets this error, the other chunks are unaffected.
    #[error("`{operation}` was fused into `{batch}`, which failed: {reason}")]
    BatchFailed {
        /// `CACHE.get`.
        operation: &'static str,
        /// `CACHE.get_batch`.
        batch: &'static str,
        /// Why: the batch operation's error, or how the batch broke off.
        reason: String,
    },
    /// The result could not be turned into JSON.
    #[error("the result of `{operation}` cannot be encoded as JSON: {error}")]
    ResultEncoding {
        /// `CACHE.get`.
        operation: &'static str,
        /// serde_json's reason; its text is part of this error's message.
        error: serde_json::Error,
    },
}

impl GatewayError {
    /// For an unknown interface or operation, the closest existing name, if one is close.
    pub fn suggestion(&self) -> Option<&'static str> {
        match self {
            GatewayError::UnknownInterface { interface, .. } => {
                closest(interface, self.available())
            }
            GatewayError::UnknownOperation { operation, .. } => {
                closest(operation, self.available())
            }
            _ => None,
        }
    }

    /// For an unknown interface, every interface; for an unknown operation, every operation
    /// of its interface. Empty otherwise.
    pub fn available(&self) -> Vec<&'static str> {
        match self {
            GatewayError::UnknownInterface { registry, .. } => {
                registry.interfaces.iter().map(|i| i.name).collect()
            }
            GatewayError::UnknownOperation {
                interface,
                registry,
                ..
            } => registry
                .operations_of(interface)
                .map(|op| op.operation)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// An equivalent error, for callers that share one failure (concurrent misses of a
    /// cached result): the same kind and message, with sources flattened into text.
    pub(crate) fn duplicate(&self) -> GatewayError {
        use GatewayError as E;
        match self {
            E::UnknownInterface {
                interface,
                registry,
            } => E::UnknownInterface {
                interface: interface.clone(),
                registry,
            },
            E::UnknownOperation {
                interface,
                operation,
                registry,
            } => E::UnknownOperation {
                interface,
                operation: operation.clone(),
                registry,
            },
            E::InvalidParams {
                operation,
                problems,
            } => E::InvalidParams {
                operation,
                problems: problems.clone(),
            },
            E::OperationFailed { operation, error } => E::OperationFailed {
                operation,
                error: OperationError::msg(error.to_string()),
            },
            E::Panicked { operation, message } => E::Panicked {
                operation,
                message: message.clone(),
            },
            E::InitFailed { interface, error } => E::InitFailed {
                interface,
                error: error.to_string().into(),
            },
            E::Timeout { operation, after } => E::Timeout {
                operation,
                after: *after,
            },
            E::Throttled {
                operation,
                retry_after,
                reason,
            } => E::Throttled {
                operation,
                retry_after: *retry_after,
                reason: reason.clone(),
            },
            E::Blocked { operation, reason } => E::Blocked {
                operation,
                reason: reason.clone(),
            },
            E::StartFailed { reason } => E::StartFailed {
                reason: reason.clone(),
            },
            E::Config { error } => E::Config {
                error: error.clone(),
            },
            E::BatchFailed {
                operation,
                batch,
                reason,
            } => E::BatchFailed {
                operation,
                batch,
                reason: reason.clone(),
            },
            E::ResultEncoding { operation, error } => E::OperationFailed {
                operation,
                error: OperationError::msg(format!(
                    "the result cannot be encoded as JSON: {error}"
                )),
            },
        }
    }

    /// A stable, machine-readable name of the error kind (`unknown_operation`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            GatewayError::UnknownInterface { .. } => "unknown_interface",
            GatewayError::UnknownOperation { .. } => "unknown_operation",
            GatewayError::InvalidParams { .. } => "invalid_params",
            GatewayError::OperationFailed { .. } => "operation_failed",
            GatewayError::Panicked { .. } => "panicked",
            GatewayError::InitFailed { .. } => "init_failed",
            GatewayError::ResultEncoding { .. } => "result_encoding",
            GatewayError::Config { .. } => "config",
            GatewayError::Timeout { .. } => "timeout",
            GatewayError::Throttled { .. } => "throttled",
            GatewayError::Blocked { .. } => "blocked",
            GatewayError::StartFailed { .. } => "start_failed",
            GatewayError::BatchFailed { .. } => "batch_failed",
        }
    }
}

impl From<crate::lmms::ConfigError> for GatewayError {
    fn from(error: crate::lmms::ConfigError) -> Self {
        GatewayError::Config {
            error: Box::new(error),
        }
    }
}

fn hint(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"))
}

fn list(problems: &[ParamProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// One thing wrong with the parameters of a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParamProblem {
    /// The parameters were not a JSON object.
    #[error("expected an object of named parameters, found {found}")]
    NotAnObject {
        /// What was given instead.
        found: String,
    },
    /// A required parameter was not given.
    #[error("missing required parameter `{name}` ({expected})")]
    Missing {
        /// The parameter.
        name: &'static str,
        /// Its type.
        expected: String,
    },
    /// A parameter the operation does not declare.
    #[error("unexpected parameter `{name}`{}; expected: {}", hint(*suggestion), if expected.is_empty() { "no parameters".to_owned() } else { expected.join(", ") })]
    Unexpected {
        /// The name given.
        name: String,
        /// The closest declared name.
        suggestion: Option<&'static str>,
        /// Every declared name.
        expected: Vec<&'static str>,
    },
    /// A value of the wrong type.
    #[error("parameter `{path}`: expected {expected}, found {found}")]
    WrongType {
        /// The parameter, with the index or key inside it (`tags[2]`).
        path: String,
        /// The declared type.
        expected: String,
        /// What was given.
        found: String,
    },
    /// Parameters nested deeper than the gateway decodes (`MAX_PARAMS_DEPTH`).
    #[error(
        "parameter `{path}` nests lists and objects deeper than {limit} levels; send flatter parameters"
    )]
    TooDeep {
        /// Where the first level too many is (`tree.children[0]…`).
        path: String,
        /// The most levels accepted, the parameters object being the first.
        limit: usize,
    },
    /// A value its Rust type rejected.
    #[error("parameter `{path}`: {message}")]
    Invalid {
        /// Where inside the parameters.
        path: String,
        /// The type's reason.
        message: String,
    },
}
