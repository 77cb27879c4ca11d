//! The registry: static descriptions of every operation and interface, built by generated code.
//!
//! Descriptors are built with `const` constructors so that tables of them are plain statics;
//! their fields are public for reading, and `#[non_exhaustive]` keeps room to grow. Generated
//! gateways write their operations as an [`OperationTable`] instead, decoded on first use.

use crate::error::GatewayError;
use crate::operation_table::OperationTable;
use schemars::{Schema, SchemaGenerator};
use std::fmt;
use std::time::Duration;

/// Everything the gateway knows about its operations and interfaces.
#[derive(Debug)]
#[non_exhaustive]
pub struct Registry {
    /// The manifest the registry was generated from, as diagnostics name it.
    pub manifest: &'static str,
    /// Interfaces, indexed by [`OperationDescriptor::interface_index`].
    pub interfaces: &'static [InterfaceDescriptor],
    /// Operations: see [`Registry::operations`].
    operations: Operations,
    /// EventBridge routes, in manifest order.
    pub events: &'static [EventRoute],
}

/// EventBridge events of a `source` (and `detail-type`) routed to an operation.
#[derive(Debug)]
#[non_exhaustive]
pub struct EventRoute {
    /// The event's `source`.
    pub source: &'static str,
    /// The event's `detail-type`; any when `None`.
    pub detail_type: Option<&'static str>,
    /// The operation, `CACHE.clear`.
    pub operation: &'static str,
    /// Where its parameters come from.
    pub params: EventParams,
}

impl EventRoute {
    /// A route of `source` events to `operation`, with the event's `detail` as parameters.
    pub const fn new(source: &'static str, operation: &'static str) -> Self {
        Self {
            source,
            detail_type: None,
            operation,
            params: EventParams::Detail,
        }
    }

    /// Only events of this `detail-type`.
    pub const fn detail_type(mut self, detail_type: &'static str) -> Self {
        self.detail_type = Some(detail_type);
        self
    }

    /// Where parameters come from.
    pub const fn params(mut self, params: EventParams) -> Self {
        self.params = params;
        self
    }

    /// Whether the route takes an event of `source` and `detail_type`.
    pub fn matches(&self, source: &str, detail_type: &str) -> bool {
        self.source == source && self.detail_type.is_none_or(|d| d == detail_type)
    }
}

/// Where a routed event's parameters come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventParams {
    /// The event's `detail` object.
    Detail,
    /// No parameters.
    Empty,
    /// Fixed parameters (JSON text).
    Fixed(&'static str),
}

/// Where a registry's operations are: built by `const` constructors, or in a table of text.
#[derive(Debug)]
enum Operations {
    Built(&'static [OperationDescriptor]),
    Table(&'static OperationTable),
}

impl Registry {
    /// A registry over tables of descriptors built in code.
    pub const fn new(
        manifest: &'static str,
        interfaces: &'static [InterfaceDescriptor],
        operations: &'static [OperationDescriptor],
    ) -> Self {
        Self {
            manifest,
            interfaces,
            operations: Operations::Built(operations),
            events: &[],
        }
    }

    /// A registry whose operations are in `table`, as generated gateways write them.
    pub const fn with_table(
        manifest: &'static str,
        interfaces: &'static [InterfaceDescriptor],
        table: &'static OperationTable,
    ) -> Self {
        Self {
            manifest,
            interfaces,
            operations: Operations::Table(table),
            events: &[],
        }
    }

    /// The operations, indexed by [`OperationDescriptor::id`]. A table is decoded on the
    /// first call (see [`OperationTable::operations`]).
    pub fn operations(&self) -> &'static [OperationDescriptor] {
        match self.operations {
            Operations::Built(operations) => operations,
            Operations::Table(table) => table.operations(),
        }
    }

    /// Adds EventBridge routes.
    pub const fn with_events(mut self, events: &'static [EventRoute]) -> Self {
        self.events = events;
        self
    }

    /// The operation `interface.operation`, if declared.
    pub fn find(&self, interface: &str, operation: &str) -> Option<&'static OperationDescriptor> {
        self.operations()
            .iter()
            .find(|op| op.interface == interface && op.operation == operation)
    }

    /// The operation whose wrapper (manifest key) is `wrapper`.
    pub fn by_wrapper(&self, wrapper: &str) -> Option<&'static OperationDescriptor> {
        self.operations().iter().find(|op| op.wrapper == wrapper)
    }

    /// The error for `interface.operation` when it does not resolve: an unknown interface, or
    /// an unknown operation of a known one.
    pub fn unknown(&'static self, interface: &str, operation: &str) -> GatewayError {
        if self.interfaces.iter().any(|i| i.name == interface) {
            self.unknown_operation(interface, operation)
        } else {
            self.unknown_interface(interface)
        }
    }

    /// The error for an unknown interface.
    pub fn unknown_interface(&'static self, interface: &str) -> GatewayError {
        GatewayError::UnknownInterface {
            interface: interface.into(),
            registry: self,
        }
    }

    /// The error for an operation `interface` does not have.
    pub fn unknown_operation(&'static self, interface: &str, operation: &str) -> GatewayError {
        let interface = self
            .interfaces
            .iter()
            .map(|i| i.name)
            .find(|name| *name == interface)
            .unwrap_or("?");
        GatewayError::UnknownOperation {
            interface,
            operation: operation.into(),
            registry: self,
        }
    }

    /// The operations of one interface, in manifest order.
    pub fn operations_of<'a>(
        &self,
        interface: &'a str,
    ) -> impl Iterator<Item = &'static OperationDescriptor> + use<'a> {
        self.operations()
            .iter()
            .filter(move |op| op.interface == interface)
    }
}

/// One interface and the settings of its state.
#[derive(Debug)]
#[non_exhaustive]
pub struct InterfaceDescriptor {
    /// `CACHE`.
    pub name: &'static str,
    /// What the interface is for.
    pub description: &'static str,
    /// The Rust type of its state, as written in the manifest; empty when it has none.
    pub state_type: &'static str,
    /// Create the state at start-up instead of on first use.
    pub preload: bool,
    /// One of its operations is `priority: critical` (preloaded under
    /// `PRELOAD_CRITICAL_MODULES`).
    pub critical: bool,
    /// Never drop the state once created.
    pub never_unload: bool,
}

impl InterfaceDescriptor {
    /// An interface with default settings.
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            description: "",
            state_type: "",
            preload: false,
            critical: false,
            never_unload: false,
        }
    }

    /// Marks the interface as having a critical operation.
    pub const fn critical(mut self) -> Self {
        self.critical = true;
        self
    }

    /// Sets the description.
    pub const fn describe(mut self, description: &'static str) -> Self {
        self.description = description;
        self
    }

    /// Records the state type's name, for introspection.
    pub const fn state_type(mut self, path: &'static str) -> Self {
        self.state_type = path;
        self
    }

    /// Marks the interface for creation at start-up.
    pub const fn preload(mut self) -> Self {
        self.preload = true;
        self
    }

    /// Marks the state as never to be unloaded.
    pub const fn never_unload(mut self) -> Self {
        self.never_unload = true;
        self
    }
}

/// One operation: names, parameters, result and behaviour flags.
#[derive(Debug)]
#[non_exhaustive]
pub struct OperationDescriptor {
    /// Index in [`Registry::operations`].
    pub id: usize,
    /// `CACHE.get`.
    pub name: &'static str,
    /// `cache_get`: the typed wrapper.
    pub wrapper: &'static str,
    /// `CACHE`.
    pub interface: &'static str,
    /// `get`.
    pub operation: &'static str,
    /// Index in [`Registry::interfaces`].
    pub interface_index: usize,
    /// What the operation does.
    pub description: &'static str,
    /// Parameters in call order.
    pub params: &'static [ParamDescriptor],
    /// The result type.
    pub returns: TypeDesc,
    /// `Some` when results may be cached; the inner value is the TTL, if bounded.
    pub cacheable: Option<Option<Duration>>,
    /// How long a call may run.
    pub timeout: Option<Duration>,
    /// The batch operation's wrapper and maximum batch size.
    pub batch: Option<(&'static str, Option<u32>)>,
    /// Whether external entry points may reach it.
    pub visibility: Visibility,
    /// How it fares under free-tier protection.
    pub priority: Priority,
    /// Whether the core function is `async`.
    pub is_async: bool,
    /// Line of its manifest entry; 0 for operations registered at runtime.
    pub line: u32,
    /// The parameters' schema of an operation registered at runtime, built once when it is
    /// registered; `None` for the manifest's operations, whose schema is built when asked for.
    pub(crate) schema: Option<&'static Schema>,
}

impl OperationDescriptor {
    /// An operation with no parameters, returning nothing, and default flags.
    ///
    /// `name` is the qualified name, `INTERFACE.operation`; the interface and operation names
    /// are its parts before and after the first `.` (a name without one is all interface).
    /// `interface_index` is the interface's position in the registry.
    pub const fn new(
        id: usize,
        name: &'static str,
        wrapper: &'static str,
        interface_index: usize,
    ) -> Self {
        let (interface, operation) = split_qualified(name);
        Self {
            id,
            name,
            wrapper,
            interface,
            operation,
            interface_index,
            description: "",
            params: &[],
            returns: TypeDesc::None,
            cacheable: None,
            timeout: None,
            batch: None,
            visibility: Visibility::Public,
            priority: Priority::Normal,
            is_async: false,
            line: 0,
            schema: None,
        }
    }

    /// Sets the description.
    pub const fn describe(mut self, description: &'static str) -> Self {
        self.description = description;
        self
    }

    /// Sets the parameters, in call order.
    pub const fn params(mut self, params: &'static [ParamDescriptor]) -> Self {
        self.params = params;
        self
    }

    /// Sets the result type.
    pub const fn returns(mut self, ty: TypeDesc) -> Self {
        self.returns = ty;
        self
    }

    /// Marks results cacheable, for `ttl` or until evicted.
    pub const fn cacheable(mut self, ttl: Option<Duration>) -> Self {
        self.cacheable = Some(ttl);
        self
    }

    /// Sets the timeout.
    pub const fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Links the batch operation `wrapper`.
    pub const fn batch(mut self, wrapper: &'static str, max_size: Option<u32>) -> Self {
        self.batch = Some((wrapper, max_size));
        self
    }

    /// Hides the operation from external entry points.
    pub const fn internal(mut self) -> Self {
        self.visibility = Visibility::Internal;
        self
    }

    /// Keeps the operation available under free-tier throttling and blocking.
    pub const fn critical(mut self) -> Self {
        self.priority = Priority::Critical;
        self
    }

    /// Marks the core function as `async`.
    pub const fn asynchronous(mut self) -> Self {
        self.is_async = true;
        self
    }

    /// Records the manifest line of the entry.
    pub const fn declared_at(mut self, line: u32) -> Self {
        self.line = line;
        self
    }

    /// The JSON Schema of the parameters object.
    pub fn schema(&self) -> Schema {
        match self.schema {
            Some(schema) => schema.clone(),
            None => crate::params_schema::params_schema(self.params),
        }
    }

    /// Whether the operation was registered at runtime rather than declared in the manifest.
    pub fn is_registered(&self) -> bool {
        self.schema.is_some()
    }

    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&'static ParamDescriptor> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// One parameter.
#[derive(Debug)]
#[non_exhaustive]
pub struct ParamDescriptor {
    /// Its name.
    pub name: &'static str,
    /// Its type.
    pub ty: TypeDesc,
    /// Whether callers must pass it.
    pub required: bool,
    /// The default, as JSON text, when omitted.
    pub default: Option<&'static str>,
    /// What it means.
    pub description: &'static str,
    /// The schema of a parameter whose type names a Rust type, from that type's `JsonSchema`.
    pub schema_with: Option<fn(&mut SchemaGenerator) -> Schema>,
}

impl ParamDescriptor {
    /// An optional parameter without default.
    pub const fn new(name: &'static str, ty: TypeDesc) -> Self {
        Self {
            name,
            ty,
            required: false,
            default: None,
            description: "",
            schema_with: None,
        }
    }

    /// Marks it required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Sets the default (JSON text).
    pub const fn default_json(mut self, json: &'static str) -> Self {
        self.default = Some(json);
        self
    }

    /// Sets the description.
    pub const fn describe(mut self, description: &'static str) -> Self {
        self.description = description;
        self
    }

    /// Sets how the schema of a parameter of a Rust type is made, usually
    /// [`schema_of::<T>`](crate::schema_of).
    pub const fn schema_with(mut self, schema: fn(&mut SchemaGenerator) -> Schema) -> Self {
        self.schema_with = Some(schema);
        self
    }
}

/// A manifest type, as the runtime checks JSON values against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeDesc {
    /// `string`.
    String,
    /// `int`: a JSON integer that fits an `i64`.
    Int,
    /// `float`: any JSON number.
    Float,
    /// `bool`.
    Bool,
    /// `any`.
    Any,
    /// `dict`: a JSON object.
    Dict,
    /// `list`: a JSON array.
    List,
    /// `none`: null.
    None,
    /// `list<T>`.
    ListOf(&'static TypeDesc),
    /// `map<T>`.
    MapOf(&'static TypeDesc),
    /// `optional<T>`.
    Optional(&'static TypeDesc),
    /// A Rust type, checked by its `Deserialize` impl.
    Rust(&'static str),
}

impl fmt::Display for TypeDesc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeDesc::String => f.write_str("string"),
            TypeDesc::Int => f.write_str("int"),
            TypeDesc::Float => f.write_str("float"),
            TypeDesc::Bool => f.write_str("bool"),
            TypeDesc::Any => f.write_str("any"),
            TypeDesc::Dict => f.write_str("dict"),
            TypeDesc::List => f.write_str("list"),
            TypeDesc::None => f.write_str("none"),
            TypeDesc::ListOf(t) => write!(f, "list<{t}>"),
            TypeDesc::MapOf(t) => write!(f, "map<{t}>"),
            TypeDesc::Optional(t) => write!(f, "optional<{t}>"),
            TypeDesc::Rust(path) => f.write_str(path),
        }
    }
}

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Reachable from external entry points.
    Public,
    /// Callable only from inside the service.
    Internal,
}

/// How an operation fares under free-tier protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Throttled and blocked with the rest.
    Normal,
    /// Served while others are throttled or blocked.
    Critical,
}

/// `INTERFACE.operation` split at its first `.`, at compile time.
const fn split_qualified(name: &'static str) -> (&'static str, &'static str) {
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'.' {
            let (interface, rest) = name.split_at(i);
            let (_, operation) = rest.split_at(1);
            return (interface, operation);
        }
        i += 1;
    }
    (name, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qualified_name_gives_interface_and_operation() {
        static OP: OperationDescriptor = OperationDescriptor::new(0, "HTTP_CLIENT.get", "get", 2);
        assert_eq!((OP.interface, OP.operation), ("HTTP_CLIENT", "get"));
        assert_eq!(
            (OP.name, OP.wrapper, OP.interface_index),
            ("HTTP_CLIENT.get", "get", 2)
        );
    }

    #[test]
    fn only_the_first_dot_splits_and_a_name_without_one_is_all_interface() {
        assert_eq!(split_qualified("A.b.c"), ("A", "b.c"));
        assert_eq!(split_qualified("A."), ("A", ""));
        assert_eq!(split_qualified("PLAIN"), ("PLAIN", ""));
        assert_eq!(split_qualified(""), ("", ""));
    }
}
