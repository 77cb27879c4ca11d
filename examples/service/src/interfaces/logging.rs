//! LOGGING: events through `tracing`, with optional fields.
//!
//! `tracing` fields have names fixed at compile time, so the caller's fields travel as one
//! JSON text in the `fields` field of the event (`fields="{\"order\":42}"`).

use gateway_runtime::{Dict, operation};
use tracing::Level;

/// Emits one event; `fields` travel as JSON text in the `fields` field.
fn emit(level: Level, message: &str, fields: Option<Dict>) {
    let fields = fields.map(|f| serde_json::Value::Object(f).to_string());
    let fields = fields.as_deref().unwrap_or("{}");
    match level {
        Level::ERROR => tracing::error!(target: "service", fields, "{message}"),
        Level::WARN => tracing::warn!(target: "service", fields, "{message}"),
        Level::INFO => tracing::info!(target: "service", fields, "{message}"),
        _ => tracing::debug!(target: "service", fields, "{message}"),
    }
}

#[operation(LOGGING.info)]
fn info(message: &str, fields: Option<Dict>) {
    emit(Level::INFO, message, fields);
}

#[operation(LOGGING.warning)]
fn warning(message: &str, fields: Option<Dict>) {
    emit(Level::WARN, message, fields);
}

#[operation(LOGGING.error)]
fn error(message: &str, fields: Option<Dict>) {
    emit(Level::ERROR, message, fields);
}

#[operation(LOGGING.debug)]
fn debug(message: &str, fields: Option<Dict>) {
    emit(Level::DEBUG, message, fields);
}
