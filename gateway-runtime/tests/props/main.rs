//! Property tests of the runtime on a generated gateway (`tests/props/operations.yaml`):
//!
//! - any JSON value given to `execute_operation` (or as a batch to `execute_batch`) is
//!   answered with a result or a typed error, never a panic, and where an oracle exists the
//!   answer is the one it predicts;
//! - sequences of calls interleaved with maintenance that unloads idle state give the results
//!   of a plain map that never unloads anything.
//!
//! Each property runs a bounded number of cases so the whole file takes a few seconds.

use gateway_runtime::ofb::BatchCall;
use gateway_runtime::{Config, Dict, GatewayError, Interface, ManualClock, Value, operation};
use proptest::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

gateway_runtime::gateway!();

mod messages;

use gateway::Gateway;

/// STORE's state: integers by key; holds data while it has entries.
#[derive(Default, Interface)]
#[interface(default, holds_data = Store::has_entries)]
pub struct Store(Mutex<HashMap<String, i64>>);

impl Store {
    fn has_entries(&self) -> bool {
        !self.map().is_empty()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, i64>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// How many SQUARE states were ever created, in this process.
static SQUARES_CREATED: AtomicI64 = AtomicI64::new(0);

/// SQUARE's state: holds no data, only the number of its creation.
#[derive(Interface)]
#[interface(init = Square::create)]
pub struct Square {
    #[allow(dead_code)]
    generation: i64,
}

impl Square {
    fn create(_: &gateway_runtime::InitContext<'_>) -> Result<Self, gateway_runtime::BoxError> {
        Ok(Square {
            generation: SQUARES_CREATED.fetch_add(1, Ordering::SeqCst) + 1,
        })
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

/// A recursive Rust-typed parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Tree {
    /// Sub-trees.
    #[serde(default)]
    pub children: Vec<Tree>,
}

impl Tree {
    fn size(&self) -> i64 {
        1 + self.children.iter().map(Tree::size).sum::<i64>()
    }
}

#[operation(STORE.put)]
fn put(store: &Store, key: String, value: i64) {
    store.map().insert(key, value);
}

#[operation(STORE.put_many)]
fn put_many(store: &Store, entries: Vec<Dict>) {
    let mut map = store.map();
    for entry in entries {
        if let (Some(Value::String(key)), Some(value)) =
            (entry.get("key"), entry.get("value").and_then(Value::as_i64))
        {
            map.insert(key.clone(), value);
        }
    }
}

#[operation(STORE.get)]
fn get(store: &Store, key: &str) -> Option<i64> {
    store.map().get(key).copied()
}

#[operation(STORE.get_many)]
fn get_many(store: &Store, keys: Vec<String>) -> Vec<Option<i64>> {
    let map = store.map();
    keys.iter().map(|key| map.get(key).copied()).collect()
}

#[operation(STORE.remove)]
fn remove(store: &Store, key: &str) {
    store.map().remove(key);
}

#[operation(SQUARE.of)]
fn of(_square: &Square, x: i64) -> i64 {
    x.wrapping_mul(x)
}

#[allow(clippy::too_many_arguments)]
#[operation(TYPES.all)]
fn all(
    s: &str,
    i: i64,
    f: f64,
    b: bool,
    a: Value,
    d: Dict,
    l: Option<Vec<Value>>,
    li: Vec<i64>,
    ms: BTreeMap<String, Vec<f64>>,
    o: Option<String>,
    p: Option<Point>,
) -> Value {
    json!({"s": s, "i": i, "f": f, "b": b, "a": a, "d": d, "l": l, "li": li, "ms": ms, "o": o, "p": p})
}

#[operation(TYPES.text)]
fn text(
    owned: String,
    cow: Cow<'_, str>,
    maybe_ref: Option<&str>,
    maybe_owned: Option<String>,
    maybe_cow: Option<Cow<'_, str>>,
    defaulted: &str,
) -> Vec<Option<String>> {
    vec![
        Some(owned),
        Some(cow.into_owned()),
        maybe_ref.map(str::to_owned),
        maybe_owned,
        maybe_cow.map(Cow::into_owned),
        Some(defaulted.to_owned()),
    ]
}

#[operation(TYPES.rust)]
async fn rust(tree: Tree) -> i64 {
    tree.size()
}

/// The error kinds a call may get from this gateway, whose core functions neither fail nor
/// panic: anything else (a caught panic, a result that could not be encoded) is a bug.
const EXPECTED_ERRORS: &[&str] = &["invalid_params", "unknown_interface", "unknown_operation"];

/// One current-thread runtime per test thread: building one per call would dominate the run.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    thread_local! {
        static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime");
    }
    RUNTIME.with(|runtime| runtime.block_on(future))
}

fn operations() -> Vec<(&'static str, &'static str)> {
    gateway::REGISTRY
        .operations()
        .iter()
        .map(|op| (op.interface, op.operation))
        .collect()
}

/// Names the operations' parameters use, so generated objects often hit real parameters.
const NAMES: &[&str] = &[
    "key", "value", "entries", "keys", "x", "s", "i", "f", "b", "a", "d", "l", "li", "ms", "o",
    "p", "y", "tree", "children",
];

/// Any JSON value: scalars at the edges of their types, and nested lists and objects whose
/// keys are mostly parameter names.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop_oneof![
            Just(0i64),
            Just(-1),
            Just(1),
            Just(i64::MIN),
            Just(i64::MAX)
        ]
        .prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::from)),
        "[a-z]{0,3}".prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(NAMES).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

/// A value nested `depth` levels deep, alternating lists and objects.
fn nested(depth: usize) -> Value {
    let mut value = Value::Null;
    for level in 0..depth {
        value = if level % 2 == 0 {
            json!([value])
        } else {
            json!({ "children": value })
        };
    }
    value
}

fn check(result: &Result<Value, GatewayError>) -> Result<(), TestCaseError> {
    if let Err(error) = result {
        prop_assert!(
            EXPECTED_ERRORS.contains(&error.kind()),
            "unexpected error {}: {error}",
            error.kind()
        );
        prop_assert!(!error.to_string().is_empty());
    }
    Ok(())
}

/// The parameters the gateway keeps: `null` is no parameters, and a `null` value of a
/// parameter that is not required is the parameter omitted.
fn present(params: &Value) -> Option<BTreeMap<&str, &Value>> {
    match params {
        Value::Null => Some(BTreeMap::new()),
        Value::Object(object) => Some(
            object
                .iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(name, value)| (name.as_str(), value))
                .collect(),
        ),
        _ => None,
    }
}

/// What `SQUARE.of` answers, by a reading of the manifest independent of the gateway: an
/// object whose only non-null parameter is `x`, an `i64`.
fn square_oracle(params: &Value) -> Option<i64> {
    let present = present(params)?;
    let mut names = present.keys();
    match (names.next(), names.next()) {
        (Some(&"x"), None) => present["x"].as_i64().map(|x| x.wrapping_mul(x)),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any value, as every operation's parameters and as a batch: a result or a typed error.
    #[test]
    fn any_json_value_is_answered_without_a_panic(params in any_json()) {
        let gateway = Gateway::new();
        for (interface, operation) in operations() {
            let result = block_on(gateway.execute_operation(interface, operation, params.clone()));
            check(&result)?;
            if (interface, operation) == ("SQUARE", "of") {
                match square_oracle(&params) {
                    Some(square) => prop_assert_eq!(result.ok(), Some(json!(square))),
                    None => prop_assert_eq!(result.map_err(|e| e.kind()), Err("invalid_params")),
                }
            }
        }
        let calls: Vec<BatchCall> = operations()
            .into_iter()
            .map(|(interface, operation)| BatchCall::new(interface, operation, params.clone()))
            .collect();
        let results = block_on(gateway.execute_batch(calls.clone()));
        prop_assert_eq!(results.len(), calls.len());
        for result in &results {
            check(result)?;
        }
    }

    /// Names that are not the gateway's: an unknown interface or operation, said so.
    #[test]
    fn unknown_names_are_typed_errors(interface in any::<String>(), operation in any::<String>(), params in any_json()) {
        let gateway = Gateway::new();
        let known = operations().contains(&(interface.as_str(), operation.as_str()));
        let result = block_on(gateway.execute_operation(&interface, &operation, params));
        check(&result)?;
        if !known {
            let kind = result.map_err(|e| e.kind()).err();
            prop_assert!(matches!(kind, Some("unknown_interface" | "unknown_operation")), "{:?}", kind);
        }
    }

    /// Values nested around the depth limit: accepted below it, refused by name above it.
    /// (Not thousands of levels: this test's own drop of such a value, recursive in
    /// serde_json, would overflow a test thread's stack.)
    #[test]
    fn deep_values_are_refused_by_name(depth in 30usize..600) {
        let gateway = Gateway::new();
        let tree = (0..depth).fold(json!({}), |tree, _| json!({"children": [tree]}));
        let result = block_on(gateway.execute_operation("TYPES", "rust", json!({"tree": tree})));
        check(&result)?;
        // `{"tree": {"children": [...]}}`: two levels per node, and the parameters object.
        let levels = 2 * depth + 2;
        if levels <= gateway_runtime::MAX_PARAMS_DEPTH {
            prop_assert_eq!(result.ok(), Some(json!(depth as i64 + 1)));
        } else {
            let message = result.unwrap_err().to_string();
            prop_assert!(message.contains("deeper than 128 levels"), "{}", message);
        }
        let result = block_on(gateway.execute_operation("TYPES", "all", json!({"s": "", "o": null, "a": nested(depth)})));
        check(&result)?;
    }
}

/// Every declared type given a valid value of its type: accepted, and the core function gets
/// exactly those values (defaults where omitted).
#[test]
fn valid_values_of_every_type_are_accepted() {
    let gateway = Gateway::new();
    let full = json!({
        "s": "text", "i": -4, "f": 2.5, "b": true, "a": {"any": [1]}, "d": {"k": "v"},
        "l": [1, "two"], "li": [3], "ms": {"m": [0.5]}, "o": "set", "p": {"x": 1, "y": 2}
    });
    let answer = block_on(gateway.execute_operation("TYPES", "all", full.clone())).unwrap();
    assert_eq!(answer, full);
    let minimal =
        block_on(gateway.execute_operation("TYPES", "all", json!({"s": "", "o": null}))).unwrap();
    assert_eq!(
        minimal,
        json!({"s": "", "i": 3, "f": 1.5, "b": false, "a": null, "d": {"k": 1}, "l": null,
               "li": [1, 2], "ms": {}, "o": null, "p": null})
    );
}

/// Each form a core function may take a string in gets the string given, on both paths, and
/// the manifest's default where one is omitted.
#[test]
fn strings_reach_core_functions_in_every_form() {
    let gateway = Gateway::new();
    let all = json!({"owned": "o", "cow": "c\\u00e9", "maybe_ref": "r", "maybe_owned": "w",
                     "maybe_cow": "m", "defaulted": "x"});
    let answer = block_on(gateway.execute_operation("TYPES", "text", all)).unwrap();
    assert_eq!(answer, json!(["o", "c\\u00e9", "r", "w", "m", "x"]));
    let minimal = json!({"owned": "o", "cow": "c"});
    let answer = block_on(gateway.execute_operation("TYPES", "text", minimal)).unwrap();
    assert_eq!(answer, json!(["o", "c", null, null, null, "d\"q"]));
    let typed = gateway
        .types_text(String::from("o"), "c", None, Some("w"), Some("m"), None)
        .unwrap();
    let expected = [
        Some("o"),
        Some("c"),
        None,
        Some("w"),
        Some("m"),
        Some("d\"q"),
    ];
    assert_eq!(typed, expected.map(|s| s.map(str::to_owned)));
}

/// One step of a run against the gateway and the model.
#[derive(Debug, Clone)]
enum Step {
    Put(usize, i64, bool),
    Get(usize, bool),
    Remove(usize),
    Square(i64),
    Batch(Vec<(usize, Option<i64>)>),
    Maintain,
    Advance(u64),
}

const KEYS: &[&str] = &["a", "b", "c"];

fn step() -> impl Strategy<Value = Step> {
    let key = 0..KEYS.len();
    prop_oneof![
        3 => (key.clone(), -5i64..5, any::<bool>()).prop_map(|(k, v, typed)| Step::Put(k, v, typed)),
        3 => (key.clone(), any::<bool>()).prop_map(|(k, typed)| Step::Get(k, typed)),
        2 => key.clone().prop_map(Step::Remove),
        2 => (-1000i64..1000).prop_map(Step::Square),
        2 => prop::collection::vec((key, prop::option::of(-5i64..5)), 0..7).prop_map(Step::Batch),
        3 => Just(Step::Maintain),
        1 => (0u64..5000).prop_map(Step::Advance),
    ]
}

/// Unloading whenever the protections allow: no grace period, no resident minimum, no
/// hot-path protection, and a clock that moves only when told.
fn eager(clock: &ManualClock) -> Config {
    Config::default()
        .grace_period(Duration::ZERO)
        .min_resident(0)
        .hot_path_protection(false)
        .clock(Arc::new(clock.clone()))
}

/// Whether `interface`'s state is loaded, and how many times it was created.
struct Module {
    loaded: bool,
    loads: u64,
}

fn module(gateway: &Gateway, interface: &str) -> Module {
    let snapshot = gateway
        .stats()
        .modules
        .into_iter()
        .find(|m| m.interface == interface)
        .expect("the interface is in the stats");
    Module {
        loaded: snapshot.loaded,
        loads: snapshot.loads,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Calls with maintenance between them give the answers of a map that never unloads;
    /// maintenance unloads exactly the idle modules without data, and each call after an
    /// unload creates the state again.
    #[test]
    fn unloading_and_reloading_keep_the_results_of_a_model(steps in prop::collection::vec(step(), 1..40)) {
        let clock = ManualClock::new();
        let gateway = Gateway::with_config(eager(&clock));
        let mut model: HashMap<&str, i64> = HashMap::new();
        let mut square_loads = 0u64;
        let mut square_loaded = false;
        for step in steps {
            match step {
                Step::Put(k, v, typed) => {
                    if typed {
                        gateway.store_put(KEYS[k], v).unwrap();
                    } else {
                        let answer = block_on(gateway.execute_operation("STORE", "put", json!({"key": KEYS[k], "value": v}))).unwrap();
                        prop_assert_eq!(answer, Value::Null);
                    }
                    model.insert(KEYS[k], v);
                }
                Step::Get(k, typed) => {
                    let expected = model.get(KEYS[k]).copied();
                    if typed {
                        prop_assert_eq!(gateway.store_get(KEYS[k]).unwrap(), expected);
                    } else {
                        let answer = block_on(gateway.execute_operation("STORE", "get", json!({"key": KEYS[k]}))).unwrap();
                        prop_assert_eq!(answer, json!(expected));
                    }
                }
                Step::Remove(k) => {
                    gateway.store_remove(KEYS[k]).unwrap();
                    model.remove(KEYS[k]);
                }
                Step::Square(x) => {
                    prop_assert_eq!(gateway.square_of(x).unwrap(), x * x);
                    if !square_loaded {
                        square_loads += 1;
                        square_loaded = true;
                    }
                }
                Step::Batch(items) => {
                    let calls: Vec<BatchCall> = items
                        .iter()
                        .map(|(k, value)| match value {
                            Some(v) => BatchCall::new("STORE", "put", json!({"key": KEYS[*k], "value": v})),
                            None => BatchCall::new("STORE", "get", json!({"key": KEYS[*k]})),
                        })
                        .collect();
                    let results = block_on(gateway.execute_batch(calls));
                    prop_assert_eq!(results.len(), items.len());
                    for ((k, value), result) in items.iter().zip(results) {
                        let answer = result.unwrap();
                        match value {
                            Some(v) => {
                                prop_assert_eq!(answer, Value::Null);
                                model.insert(KEYS[*k], *v);
                            }
                            None => prop_assert_eq!(answer, json!(model.get(KEYS[*k]))),
                        }
                    }
                }
                Step::Maintain => {
                    let report = gateway.maintain();
                    let store_loaded = module(&gateway, "STORE").loaded;
                    // STORE stays exactly while it holds data (or was never created).
                    if !model.is_empty() {
                        prop_assert!(store_loaded, "STORE with data was unloaded: {:?}", report);
                    } else {
                        prop_assert!(!store_loaded, "empty STORE was kept: {:?}", report);
                    }
                    prop_assert!(!module(&gateway, "SQUARE").loaded, "SQUARE was kept: {:?}", report);
                    square_loaded = false;
                }
                Step::Advance(ms) => clock.advance(Duration::from_millis(ms)),
            }
            let square = module(&gateway, "SQUARE");
            prop_assert_eq!(square.loads, square_loads, "SQUARE created once per use after an unload");
            prop_assert_eq!(square.loaded, square_loaded);
        }
        // Everything the model holds, read back at the end through a fused batch.
        let calls = KEYS.iter().map(|k| BatchCall::new("STORE", "get", json!({"key": k}))).collect();
        let answers: Vec<Value> = block_on(gateway.execute_batch(calls)).into_iter().map(Result::unwrap).collect();
        let expected: Vec<Value> = KEYS.iter().map(|k| json!(model.get(k))).collect();
        prop_assert_eq!(answers, expected);
    }
}
