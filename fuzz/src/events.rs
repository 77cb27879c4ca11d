//! Near-miss Lambda events: the example service's fixture events with types flipped, keys
//! dropped, huge strings, deep nesting, invalid base64 bodies and odd paths, methods and stages.

use crate::json;
use arbitrary::{Arbitrary, Result, Unstructured};
use base64::Engine;
use serde_json::{Map, Value};

/// The fixture events of `examples/service/tests/events/`.
pub const FIXTURES: &[&str] = &[
    include_str!("../../examples/service/tests/events/apigw_http_cache_get.json"),
    include_str!("../../examples/service/tests/events/apigw_http_operations.json"),
    include_str!("../../examples/service/tests/events/apigw_rest_cache_set.json"),
    include_str!("../../examples/service/tests/events/apigw_rest_health.json"),
    include_str!("../../examples/service/tests/events/bad_apigw_http_base64.json"),
    include_str!("../../examples/service/tests/events/bad_apigw_rest_shape.json"),
    include_str!("../../examples/service/tests/events/direct_cache_stats.json"),
    include_str!("../../examples/service/tests/events/direct_internal.json"),
    include_str!("../../examples/service/tests/events/eventbridge_log.json"),
    include_str!("../../examples/service/tests/events/eventbridge_scheduled.json"),
    include_str!("../../examples/service/tests/events/eventbridge_unrouted.json"),
    include_str!("../../examples/service/tests/events/function_url_invoke.json"),
    include_str!("../../examples/service/tests/events/unknown_sqs.json"),
];

/// Paths that have tripped routers: empty, stage-like, doubled slashes, traversal, encodings,
/// and this gateway's own routes.
const PATHS: &[&str] = &[
    "",
    "/",
    "//",
    "/prod",
    "/prod/",
    "/prod//health",
    "/$default/health",
    "/health/",
    "/KV/get",
    "/KV/get/extra",
    "/KV/count",
    "/TYPES/scalars",
    "/batch",
    "/invoke",
    "/operations",
    "/stats",
    "/%2F%2e%2e",
    "/../KV/get",
    "/KV%2Fget",
    "health",
    "/\u{0}/\u{202e}",
];

const METHODS: &[&str] = &[
    "GET",
    "POST",
    "get",
    "post",
    "",
    "PUT",
    "DELETE",
    "OPTIONS",
    "HEAD",
    "G E T",
    "POST\r\n",
    "\u{1F600}",
];

const STAGES: &[&str] = &[
    "prod", "$default", "", "/", "prod/", "health", "KV", "\u{0}",
];

/// One change to an event.
#[derive(Debug, Arbitrary)]
pub enum Mutation {
    /// Replace the node at the path with any value.
    Set(Vec<u8>),
    /// Remove the node at the path.
    Drop(Vec<u8>),
    /// Replace the node with a value of another type.
    Flip(Vec<u8>),
    /// Replace the node with a string of up to 4 MiB.
    Huge(Vec<u8>, u32),
    /// Wrap the node in up to 1,000 levels of lists or objects.
    Nest(Vec<u8>, u16, bool),
    /// Give the event another body.
    Body(BodyKind),
    /// Set the request path (`path`, `rawPath`, `requestContext.http.path`).
    Path(u8),
    /// Set the request method (`httpMethod`, `requestContext.http.method`).
    Method(u8),
    /// Set `requestContext.stage`.
    Stage(u8),
}

/// A body to give an HTTP event.
#[derive(Debug, Arbitrary)]
pub enum BodyKind {
    /// Marked base64 but not base64.
    BadBase64,
    /// Base64 of bytes that are not UTF-8, nor JSON.
    Base64Binary(Vec<u8>),
    /// Base64 of arbitrary JSON.
    Base64Json,
    /// Arbitrary JSON text.
    Json,
    /// Over the 1 MiB body limit.
    Oversized,
    /// Not a string at all.
    NotAString,
}

/// A fixture event with mutations applied.
pub fn mutated(u: &mut Unstructured<'_>) -> Result<Value> {
    let fixture = u.choose(FIXTURES)?;
    let mut event: Value = serde_json::from_str(fixture).unwrap_or(Value::Null);
    let count = u.int_in_range(0..=6)?;
    for _ in 0..count {
        let applied = u
            .arbitrary::<Mutation>()
            .and_then(|mutation| apply(&mut event, mutation, u));
        if let Err(error) = applied {
            // Dropped the ordinary way, a deeply nested event would overflow this harness.
            json::dismantle(event);
            return Err(error);
        }
    }
    Ok(event)
}

/// Applies one mutation.
pub fn apply(event: &mut Value, mutation: Mutation, u: &mut Unstructured<'_>) -> Result<()> {
    match mutation {
        Mutation::Set(path) => *node(event, &path) = json::value(u, 3)?,
        Mutation::Drop(path) => drop_at(event, &path),
        Mutation::Flip(path) => {
            let target = node(event, &path);
            *target = flipped(target);
        }
        Mutation::Huge(path, len) => {
            let len = (len as usize) % (4 << 20);
            *node(event, &path) = Value::String("a".repeat(len));
        }
        Mutation::Nest(path, levels, in_objects) => {
            let target = node(event, &path);
            let leaf = target.take();
            *target = json::deep(usize::from(levels) % (json::MAX_DEEP + 1), in_objects, leaf);
        }
        Mutation::Body(kind) => {
            let (body, base64) = body(kind, u)?;
            if let Value::Object(map) = event {
                map.insert("body".into(), body);
                map.insert("isBase64Encoded".into(), Value::Bool(base64));
            }
        }
        Mutation::Path(index) => {
            let path = pick(PATHS, index, u)?;
            set_all(
                event,
                &[&["path"], &["rawPath"], &["requestContext", "http", "path"]],
                path,
            );
        }
        Mutation::Method(index) => {
            let method = pick(METHODS, index, u)?;
            set_all(
                event,
                &[&["httpMethod"], &["requestContext", "http", "method"]],
                method,
            );
        }
        Mutation::Stage(index) => {
            let stage = pick(STAGES, index, u)?;
            set_all(event, &[&["requestContext", "stage"]], stage);
        }
    }
    Ok(())
}

/// A listed string, or (for an index past the list) an arbitrary one.
fn pick(list: &[&str], index: u8, u: &mut Unstructured<'_>) -> Result<String> {
    match list.get(usize::from(index)) {
        Some(s) => Ok((*s).to_owned()),
        None => json::string(u),
    }
}

fn body(kind: BodyKind, u: &mut Unstructured<'_>) -> Result<(Value, bool)> {
    let engine = base64::engine::general_purpose::STANDARD;
    Ok(match kind {
        BodyKind::BadBase64 => (Value::String("not base64!".into()), true),
        BodyKind::Base64Binary(bytes) => (Value::String(engine.encode(bytes)), true),
        BodyKind::Base64Json => {
            let text = json::value(u, 4)?.to_string();
            (Value::String(engine.encode(text)), true)
        }
        BodyKind::Json => (Value::String(json::object(u, 3)?.to_string()), false),
        BodyKind::Oversized => (Value::String(" ".repeat((1 << 20) + 1)), false),
        BodyKind::NotAString => (json::value(u, 2)?, u.arbitrary()?),
    })
}

/// The node a path of choices leads to: each byte picks a key or an item, modulo their count.
fn node<'v>(value: &'v mut Value, path: &[u8]) -> &'v mut Value {
    let Some((&first, rest)) = path.split_first() else {
        return value;
    };
    let len = match &*value {
        Value::Object(map) => map.len(),
        Value::Array(items) => items.len(),
        _ => 0,
    };
    if len == 0 {
        return value;
    }
    let index = usize::from(first) % len;
    let child = match value {
        Value::Object(map) => map.values_mut().nth(index),
        Value::Array(items) => items.get_mut(index),
        _ => None,
    };
    node(child.expect("an index below the length"), rest)
}

fn drop_at(value: &mut Value, path: &[u8]) {
    let Some((&last, parent_path)) = path.split_last() else {
        return;
    };
    match node(value, parent_path) {
        Value::Object(map) if !map.is_empty() => {
            let index = usize::from(last) % map.len();
            if let Some(key) = map.keys().nth(index).cloned() {
                map.remove(&key);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let index = usize::from(last) % items.len();
            items.remove(index);
        }
        _ => {}
    }
}

/// The same content as another type: strings become numbers, objects lists, and so on.
fn flipped(value: &Value) -> Value {
    match value {
        Value::Null => Value::Bool(false),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Number(n) => Value::String(n.to_string()),
        Value::String(s) => s
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(
                || Value::Array(vec![Value::String(s.clone())]),
                Value::Number,
            ),
        Value::Array(items) => Value::Object(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v.clone()))
                .collect::<Map<_, _>>(),
        ),
        Value::Object(map) => Value::Array(map.values().cloned().collect()),
    }
}

/// Sets `value` at each of `paths` that exists in the event (creating only the last key).
fn set_all(event: &mut Value, paths: &[&[&str]], value: String) {
    for path in paths {
        let Some((last, parents)) = path.split_last() else {
            continue;
        };
        let parent = parents
            .iter()
            .try_fold(&mut *event, |current, key| current.get_mut(*key));
        if let Some(Value::Object(map)) = parent {
            map.insert((*last).to_owned(), Value::String(value.clone()));
        }
    }
}
