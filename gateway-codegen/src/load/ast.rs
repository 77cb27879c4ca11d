//! The manifest as written: every field optional and every value with its span.
//!
//! Decoding fills these types as far as the YAML allows; validation then checks them against
//! each other and builds the [`Model`](crate::model::Model).

use super::node::Node;
use crate::model::{Priority, UnloadPolicy, Visibility};
use crate::source::Span;
use std::time::Duration;

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Its place in the manifest.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs `value` with `span`.
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// The whole manifest.
#[derive(Debug, Clone, Default)]
pub struct ManifestAst {
    /// The operation entries, in the order written.
    pub operations: Vec<OperationAst>,
    /// The `$interfaces` section's entries.
    pub interfaces: Vec<InterfaceAst>,
    /// The `$events` section's routes.
    pub events: Vec<EventAst>,
}

/// One route of the `$events` section: EventBridge events to an operation.
#[derive(Debug, Clone)]
pub struct EventAst {
    /// The whole entry.
    pub span: Span,
    /// `source`.
    pub source: Option<Spanned<String>>,
    /// `detail_type`.
    pub detail_type: Option<Spanned<String>>,
    /// `operation`: `INTERFACE.operation`.
    pub operation: Option<Spanned<String>>,
    /// `params`: `detail`, `none`, or a mapping of fixed parameters.
    pub params: Option<Node>,
}

/// One entry of the `$interfaces` section.
#[derive(Debug, Clone)]
pub struct InterfaceAst {
    /// The interface name (the entry's key).
    pub name: Spanned<String>,
    /// `description`.
    pub description: Option<Spanned<String>>,
    /// `state`: the Rust type path of the interface's state.
    pub state: Option<Spanned<String>>,
    /// `preload`.
    pub preload: Option<Spanned<bool>>,
    /// `unload`.
    pub unload: Option<Spanned<UnloadPolicy>>,
}

/// One operation entry.
#[derive(Debug, Clone)]
pub struct OperationAst {
    /// The entry's key: the wrapper name.
    pub wrapper: Spanned<String>,
    /// `interface`.
    pub interface: Option<Spanned<String>>,
    /// `operation`.
    pub operation: Option<Spanned<String>>,
    /// `description`.
    pub description: Option<Spanned<String>>,
    /// `parameters`.
    pub parameters: Vec<ParamAst>,
    /// `returns`: a type expression.
    pub returns: Option<Spanned<String>>,
    /// `cacheable`.
    pub cacheable: Option<Spanned<CacheableAst>>,
    /// `timeout`.
    pub timeout: Option<Spanned<Duration>>,
    /// `batch`.
    pub batch: Option<BatchAst>,
    /// `visibility`.
    pub visibility: Option<Spanned<Visibility>>,
    /// `priority`.
    pub priority: Option<Spanned<Priority>>,
    /// `async`.
    pub is_async: Option<Spanned<bool>>,
}

/// The value of `cacheable`.
#[derive(Debug, Clone, PartialEq)]
pub enum CacheableAst {
    /// `cacheable: true` or `false`.
    Flag(bool),
    /// `cacheable: {ttl: 30s}`.
    Ttl(Option<Duration>),
}

/// The value of `batch`.
#[derive(Debug, Clone)]
pub struct BatchAst {
    /// The whole `batch` value.
    pub span: Span,
    /// The batch operation's wrapper name.
    pub operation: Option<Spanned<String>>,
    /// `max_size`.
    pub max_size: Option<Spanned<u32>>,
}

/// One parameter entry.
#[derive(Debug, Clone)]
pub struct ParamAst {
    /// The whole entry.
    pub span: Span,
    /// `name`.
    pub name: Option<Spanned<String>>,
    /// `type`: a type expression.
    pub ty: Option<Spanned<String>>,
    /// `required`.
    pub required: Option<Spanned<bool>>,
    /// `default`, kept as a node so its value can be checked against the type with spans.
    pub default: Option<Node>,
    /// `description`.
    pub description: Option<Spanned<String>>,
}
