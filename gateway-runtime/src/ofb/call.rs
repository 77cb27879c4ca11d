//! One call of a batch, and its result.

use crate::error::GatewayError;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One call: `interface.operation` with JSON parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchCall {
    /// `CACHE`.
    pub interface: String,
    /// `get`.
    pub operation: String,
    /// The parameters object; absent or `null` for none.
    #[serde(default)]
    pub params: Value,
}

impl BatchCall {
    /// A call of `interface.operation` with `params`.
    pub fn new(interface: impl Into<String>, operation: impl Into<String>, params: Value) -> Self {
        Self {
            interface: interface.into(),
            operation: operation.into(),
            params,
        }
    }
}

/// The result of one call of a batch.
pub type BatchResult = Result<Value, GatewayError>;
