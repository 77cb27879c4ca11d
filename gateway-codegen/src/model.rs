//! The validated, format-independent model of a manifest.
//!
//! Nothing here knows about YAML: the generator, the `#[operation]` checker, the docs and the
//! CLI read only these types. Build scripts serialise the model to JSON next to the generated
//! code so that the macros reuse it instead of validating the manifest again.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A whole validated manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// The manifest's name as diagnostics show it (e.g. `operations.yaml`).
    pub manifest: String,
    /// Interfaces in the order their first operation appears in the manifest.
    pub interfaces: Vec<Interface>,
    /// EventBridge routes, in manifest order (the first match wins).
    #[serde(default)]
    pub events: Vec<EventRoute>,
}

/// EventBridge events of a source (and detail-type) routed to an operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRoute {
    /// The event's `source`, e.g. `aws.events`.
    pub source: String,
    /// The event's `detail-type`; any when `None`.
    pub detail_type: Option<String>,
    /// The interface of the operation.
    pub interface: String,
    /// The operation.
    pub operation: String,
    /// Where the operation's parameters come from.
    pub params: EventParams,
}

/// Where a routed event's parameters come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventParams {
    /// The event's `detail` object.
    Detail,
    /// No parameters.
    Empty,
    /// Fixed parameters, whatever the event says.
    Fixed(serde_json::Value),
}

/// An interface (`CACHE`): a group of operations that may share state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interface {
    /// The interface name, e.g. `CACHE`.
    pub name: String,
    /// What the interface is for.
    pub description: Option<String>,
    /// The Rust type of the interface's state, e.g. `crate::cache::CacheStore`.
    pub state: Option<String>,
    /// Create the state at start-up rather than on first use.
    pub preload: bool,
    /// Whether the runtime may drop the state when idle.
    pub unload: UnloadPolicy,
    /// The operations, in manifest order.
    pub operations: Vec<Operation>,
}

/// One operation (`CACHE.get`) and everything the manifest says about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// The manifest key, which names the typed wrapper (`cache_get`).
    pub wrapper: String,
    /// The interface name (`CACHE`).
    pub interface: String,
    /// The operation name (`get`).
    pub name: String,
    /// What the operation does; becomes rustdoc and API docs.
    pub description: Option<String>,
    /// Parameters, in call order.
    pub params: Vec<Param>,
    /// The result type.
    pub returns: Type,
    /// Whether results may be cached, and for how long.
    pub cacheable: Option<CachePolicy>,
    /// How long a call may run.
    #[serde(with = "duration_ms")]
    pub timeout: Option<Duration>,
    /// The batch operation that fuses calls of this one.
    pub batch: Option<BatchLink>,
    /// Whether external entry points may reach the operation.
    pub visibility: Visibility,
    /// How the operation fares under free-tier protection.
    pub priority: Priority,
    /// Whether the core function is `async`.
    pub is_async: bool,
    /// Where the entry starts in the manifest.
    pub location: Location,
}

impl Operation {
    /// `CACHE.get`.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.interface, self.name)
    }
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// The parameter name.
    pub name: String,
    /// Its type as declared (an `int` with `default: null` stays `int`; see [`Param::is_optional`]).
    pub ty: Type,
    /// Whether callers must pass it.
    pub required: bool,
    /// The value used when it is omitted; `None` when there is no default or it is `null`.
    pub default: Option<serde_json::Value>,
    /// What the parameter means.
    pub description: Option<String>,
    /// Where the parameter is declared.
    pub location: Location,
}

impl Param {
    /// An omitted value reaches the core function as `None` (no default, or `default: null`).
    pub fn is_optional(&self) -> bool {
        !self.required && self.default.is_none()
    }
}

/// A parameter or result type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Type {
    /// `string` (`str`): a Rust `String`.
    String,
    /// `int` (`integer`): an `i64`.
    Int,
    /// `float` (`number`): an `f64`.
    Float,
    /// `bool` (`boolean`).
    Bool,
    /// `any`: any JSON value (`serde_json::Value`).
    Any,
    /// `dict` (`map`, `object`): a JSON object.
    Dict,
    /// `list` (`array`): a JSON array.
    List,
    /// `none` (`null`): no value, `()`.
    None,
    /// `list<T>`: a `Vec<T>`.
    ListOf(Box<Type>),
    /// `map<T>`: string keys to `T`, a `BTreeMap<String, T>`.
    MapOf(Box<Type>),
    /// `optional<T>`: a value that may be null, an `Option<T>`.
    Optional(Box<Type>),
    /// A Rust type path, e.g. `crate::model::User` (serde + JsonSchema).
    Rust(String),
}

impl Type {
    /// The manifest spelling of the type, e.g. `list<int>`.
    pub fn manifest_name(&self) -> String {
        match self {
            Type::String => "string".into(),
            Type::Int => "int".into(),
            Type::Float => "float".into(),
            Type::Bool => "bool".into(),
            Type::Any => "any".into(),
            Type::Dict => "dict".into(),
            Type::List => "list".into(),
            Type::None => "none".into(),
            Type::ListOf(t) => format!("list<{}>", t.manifest_name()),
            Type::MapOf(t) => format!("map<{}>", t.manifest_name()),
            Type::Optional(t) => format!("optional<{}>", t.manifest_name()),
            Type::Rust(path) => path.clone(),
        }
    }
}

/// A cacheable operation's policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachePolicy {
    /// How long a cached result stays valid; `None` means until evicted.
    #[serde(with = "duration_ms")]
    pub ttl: Option<Duration>,
}

/// The batch partner of an operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchLink {
    /// The wrapper name of the batch operation (`cache_get_batch`).
    pub operation: String,
    /// The largest batch one call of the partner takes.
    pub max_size: Option<u32>,
}

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Reachable from external entry points (HTTP, Lambda events).
    #[default]
    Public,
    /// Only callable from inside the service.
    Internal,
}

/// How an operation fares when free-tier protection throttles or blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Throttled and blocked with the rest.
    #[default]
    Normal,
    /// Still served when others are throttled or blocked.
    Critical,
}

/// Whether an interface's state may be unloaded when idle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnloadPolicy {
    /// The runtime decides, within its protections.
    #[default]
    Auto,
    /// Never unloaded once created.
    Never,
}

/// A 1-based line and column in the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Location {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl Model {
    /// Every operation, interface by interface, in manifest order within each interface.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.interfaces.iter().flat_map(|i| i.operations.iter())
    }

    /// The interface called `name`.
    pub fn interface(&self, name: &str) -> Option<&Interface> {
        self.interfaces.iter().find(|i| i.name == name)
    }

    /// The operation `interface.operation`.
    pub fn operation(&self, interface: &str, operation: &str) -> Option<&Operation> {
        self.interface(interface)?
            .operations
            .iter()
            .find(|o| o.name == operation)
    }

    /// The operation whose wrapper is `wrapper`.
    pub fn by_wrapper(&self, wrapper: &str) -> Option<&Operation> {
        self.operations().find(|o| o.wrapper == wrapper)
    }
}

/// Durations as whole milliseconds in the serialised model.
mod duration_ms {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        d.map(|d| d.as_millis() as u64).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(Duration::from_millis))
    }
}
