//! What the fuzz targets share: the gateway of `operations.yaml` (every parameter type, batch
//! partners, events), arbitrary JSON, mutated Lambda events, and one async runtime.
//!
//! See `docs/FUZZING.md` for how to run the targets.

pub mod events;
pub mod json;

use gateway_runtime::{Dict, Interface, Value, operation};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};

gateway_runtime::include_gateway!();

/// The manifest the gateway was generated from, for the targets that need it as text.
pub const MANIFEST: &str = include_str!("../operations.yaml");

/// One current-thread runtime for every input: building one per input would dominate the run.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a current-thread runtime")
        })
        .block_on(future)
}

/// The error kinds the gateway may answer a call with when its core functions cannot fail:
/// anything else (a panic caught, a result that could not be encoded) is a bug.
pub const EXPECTED_ERRORS: &[&str] = &["invalid_params", "unknown_interface", "unknown_operation"];

/// KV's state: JSON values by key.
#[derive(Debug, Default, Interface)]
#[interface(default, holds_data = Kv::has_entries)]
pub struct Kv(Mutex<HashMap<String, Value>>);

impl Kv {
    fn has_entries(&self) -> bool {
        !self.map().is_empty()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Value>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A Rust-typed parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Point {
    /// Abscissa.
    pub x: i64,
    /// Ordinate.
    pub y: i64,
}

/// A recursive Rust-typed parameter: as deep as its JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Tree {
    /// A label.
    #[serde(default)]
    pub label: Option<String>,
    /// Sub-trees.
    #[serde(default)]
    pub children: Vec<Tree>,
}

#[operation(KV.get)]
fn kv_get(kv: &Kv, key: &str, default: Value) -> Value {
    kv.map().get(key).cloned().unwrap_or(default)
}

#[operation(KV.get_batch)]
fn kv_get_batch(kv: &Kv, keys: Vec<String>) -> Vec<Value> {
    let map = kv.map();
    keys.iter()
        .map(|key| map.get(key).cloned().unwrap_or(Value::Null))
        .collect()
}

#[operation(KV.put)]
fn kv_put(kv: &Kv, key: String, value: Value, ttl: Option<i64>) {
    let _ = ttl;
    kv.map().insert(key, value);
}

#[operation(KV.put_batch)]
fn kv_put_batch(kv: &Kv, entries: Vec<Dict>) {
    let mut map = kv.map();
    for mut entry in entries {
        if let Some(Value::String(key)) = entry.remove("key") {
            map.insert(key, entry.remove("value").unwrap_or(Value::Null));
        }
    }
}

#[operation(KV.lookup)]
fn kv_lookup(kv: &Kv, key: &str) -> Option<Value> {
    kv.map().get(key).cloned()
}

#[operation(KV.lookup_batch)]
fn kv_lookup_batch(kv: &Kv, keys: Vec<String>) -> BTreeMap<String, Value> {
    let map = kv.map();
    keys.into_iter()
        .map(|key| {
            let value = map.get(&key).cloned().unwrap_or(Value::Null);
            (key, value)
        })
        .collect()
}

#[operation(KV.clear)]
fn kv_clear(kv: &Kv) {
    kv.map().clear();
}

#[operation(KV.count)]
fn kv_count(kv: &Kv) -> i64 {
    kv.map().len() as i64
}

#[operation(TYPES.scalars)]
fn scalars(s: &str, i: i64, f: f64, b: bool, a: Value) -> Value {
    serde_json::json!({"s": s, "i": i, "f": f, "b": b, "a": a})
}

#[operation(TYPES.collections)]
fn collections(
    d: Dict,
    l: Vec<Value>,
    li: Vec<i64>,
    ms: BTreeMap<String, String>,
    nested: Option<Vec<BTreeMap<String, Vec<f64>>>>,
) -> Value {
    serde_json::json!({"d": d, "l": l, "li": li, "ms": ms, "nested": nested})
}

#[operation(TYPES.optionals)]
fn optionals(
    present: Option<i64>,
    absent: Option<&str>,
    with_default: Option<bool>,
    maybe: Option<f64>,
) -> Value {
    serde_json::json!({"present": present, "absent": absent, "with_default": with_default, "maybe": maybe})
}

#[operation(TYPES.rust)]
async fn rust(point: Point, tree: Option<Tree>, points: Option<Vec<Point>>) -> Point {
    let _ = tree;
    let extra = points.unwrap_or_default();
    Point {
        x: extra.iter().fold(point.x, |sum, p| sum.wrapping_add(p.x)),
        y: extra.iter().fold(point.y, |sum, p| sum.wrapping_add(p.y)),
    }
}

/// Every `(interface, operation)` of the gateway, internal ones included.
pub fn operations() -> Vec<(&'static str, &'static str)> {
    gateway::REGISTRY
        .operations()
        .iter()
        .map(|op| (op.interface, op.operation))
        .collect()
}
