//! The manifest format's own JSON Schema, for editors (`# yaml-language-server: $schema=...`).
//!
//! The types below describe the format for schemars only; loading uses the span-keeping
//! decoder. A test checks that both accept the same keys.

#![allow(dead_code)]

use schemars::JsonSchema;
use std::collections::BTreeMap;

/// The JSON Schema of `operations.yaml`, pretty-printed.
pub fn manifest_schema() -> String {
    let schema = schemars::schema_for!(ManifestFormat);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// An operations.yaml manifest: operations keyed by their wrapper name (snake_case), plus the
/// optional `$interfaces` section.
#[derive(JsonSchema)]
#[schemars(title = "operations.yaml", extend("propertyNames" = { "pattern": "^([a-z_][a-z0-9_]*|\\$interfaces|\\$events)$" }))]
struct ManifestFormat {
    /// Settings per interface, keyed by interface name.
    #[serde(rename = "$interfaces")]
    interfaces: Option<BTreeMap<String, Interface>>,
    /// EventBridge routes: events of a source (and detail-type) to a public operation; the
    /// first match wins.
    #[serde(rename = "$events")]
    events: Option<Vec<EventRouteFormat>>,
    #[serde(flatten)]
    operations: BTreeMap<String, Operation>,
}

/// Settings of one interface.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct Interface {
    /// What the interface is for.
    description: Option<String>,
    /// The Rust type of the interface's state (implements `gateway_runtime::InterfaceState`),
    /// as a path from the crate root, e.g. `crate::cache::CacheStore`.
    state: Option<String>,
    /// Create the state at start-up rather than on first use. Default: false.
    preload: Option<bool>,
    /// Whether the runtime may drop the state when idle. Default: auto.
    unload: Option<Unload>,
}

/// One EventBridge route.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "EventRoute")]
struct EventRouteFormat {
    /// The event's `source`, e.g. `aws.events`.
    source: String,
    /// The event's `detail-type`; any when absent.
    detail_type: Option<String>,
    /// The public operation, `INTERFACE.operation`.
    operation: String,
    /// `detail` (the default: the event's detail object), `none`, or a mapping of fixed
    /// parameters.
    params: Option<serde_json::Value>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
enum Unload {
    /// The runtime decides, within its protections.
    Auto,
    /// Never unloaded once created.
    Never,
}

/// One operation; the key is the name of its typed wrapper, e.g. `cache_get`.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct Operation {
    /// The interface, in SCREAMING_SNAKE_CASE, e.g. `CACHE`.
    #[schemars(regex(pattern = r"^[A-Z_][A-Z0-9_]*$"))]
    interface: String,
    /// The operation name, in snake_case, e.g. `get`.
    #[schemars(regex(pattern = r"^[a-z_][a-z0-9_]*$"))]
    operation: String,
    /// What the operation does; becomes rustdoc and API docs.
    description: Option<String>,
    /// The parameters, in call order; at most 16.
    #[schemars(length(max = crate::validate::MAX_PARAMS))]
    parameters: Option<Vec<Parameter>>,
    /// The result type (see `type`). Default: none.
    returns: Option<String>,
    /// Whether results may be cached: `true`, or `{ttl: 30s}`.
    cacheable: Option<Cacheable>,
    /// How long a call may run: seconds, or a string such as "500ms" or "5s".
    timeout: Option<Duration>,
    /// The batch operation that fuses calls of this one: its wrapper name, or
    /// `{operation: ..., max_size: ...}`.
    batch: Option<Batch>,
    /// Whether external entry points may reach it. Default: public.
    visibility: Option<Visibility>,
    /// How it fares under free-tier protection. Default: normal.
    priority: Option<Priority>,
    /// Whether the core function is `async`. Default: false.
    #[serde(rename = "async")]
    is_async: Option<bool>,
}

/// One parameter.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct Parameter {
    /// The parameter name, in snake_case.
    #[schemars(regex(pattern = r"^[a-z_][a-z0-9_]*$"))]
    name: String,
    /// string (str), int (integer), float (number), bool (boolean), any, dict (map, object),
    /// list (array), list<T>, map<T>, optional<T>, or a Rust type path such as
    /// crate::model::User (serde + JsonSchema).
    #[serde(rename = "type")]
    ty: String,
    /// Whether callers must pass it. Default: true without a default, false with one.
    required: Option<bool>,
    /// The value used when it is omitted; `null` makes the parameter optional.
    default: Option<serde_json::Value>,
    /// What the parameter means.
    description: Option<String>,
}

#[derive(JsonSchema)]
#[serde(untagged)]
enum Cacheable {
    Flag(bool),
    Policy(CachePolicy),
}

#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct CachePolicy {
    /// How long a cached result stays valid.
    ttl: Option<Duration>,
}

#[derive(JsonSchema)]
#[serde(untagged)]
enum Duration {
    Seconds(f64),
    Text(String),
}

#[derive(JsonSchema)]
#[serde(untagged)]
enum Batch {
    Wrapper(String),
    Link(BatchLink),
}

#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct BatchLink {
    /// The batch operation's wrapper name, e.g. `cache_get_batch`.
    operation: String,
    /// The largest batch one call takes.
    #[schemars(range(min = 1))]
    max_size: Option<u32>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
enum Visibility {
    /// Reachable from external entry points.
    Public,
    /// Only callable from inside the service.
    Internal,
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
enum Priority {
    /// Throttled and blocked with the rest.
    Normal,
    /// Served while others are throttled or blocked.
    Critical,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::decode::{
        BATCH_KEYS, CACHEABLE_KEYS, EVENT_KEYS, INTERFACE_KEYS, OPERATION_KEYS, PARAM_KEYS,
    };
    use serde_json::Value;

    fn properties(schema: &Value, definition: &str) -> Vec<String> {
        let mut keys: Vec<String> = schema["$defs"][definition]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("no definition {definition}"))
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        keys.sort();
        keys
    }

    #[test]
    fn schema_and_decoder_accept_the_same_keys() {
        let schema: Value = serde_json::from_str(&manifest_schema()).unwrap();
        assert_eq!(properties(&schema, "Operation"), sorted(OPERATION_KEYS));
        assert_eq!(properties(&schema, "Parameter"), sorted(PARAM_KEYS));
        assert_eq!(properties(&schema, "Interface"), sorted(INTERFACE_KEYS));
        assert_eq!(properties(&schema, "CachePolicy"), sorted(CACHEABLE_KEYS));
        assert_eq!(properties(&schema, "BatchLink"), sorted(BATCH_KEYS));
        assert_eq!(properties(&schema, "EventRoute"), sorted(EVENT_KEYS));
        assert!(schema["properties"]["$interfaces"].is_object());
        assert!(schema["properties"]["$events"].is_object());
    }
}
