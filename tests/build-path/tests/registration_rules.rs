//! Operations registered at runtime are validated by the manifest's rules: for each entry
//! below, `operations.yaml` (gateway-codegen) and `Runtime::register` (gateway-runtime) both
//! accept it or both refuse it. The runtime keeps its own copy of the rules (it does not link
//! the code generator); this test keeps the two in step.

use gateway_codegen::{Manifest, SourceFile};
use gateway_runtime::mdoe::OperationSpec;
use gateway_runtime::{Config, Registry, Runtime};
use serde_json::{Value, json};
use std::convert::Infallible;

static EMPTY: Registry = Registry::new("operations.yaml", &[], &[]);

/// Whether `operations.yaml` holding only this entry loads.
fn manifest_accepts(wrapper: &str, entry: &Value) -> bool {
    // JSON is YAML: the entry as a flow mapping under its key.
    let yaml = format!("{wrapper}: {}\n", serde_json::to_string(entry).unwrap());
    Manifest::parse(SourceFile::new("operations.yaml", yaml.as_str())).is_ok()
}

fn runtime_accepts(wrapper: &str, entry: &Value) -> Result<(), String> {
    let spec = OperationSpec::from_json(wrapper, entry.clone()).map_err(|e| e.to_string())?;
    let runtime = Runtime::new(&EMPTY, Config::default());
    runtime
        .register(spec, |_: &(), _: Value| Ok::<_, Infallible>(()))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn entry(interface: &str, operation: &str, parameters: Value, returns: &str) -> Value {
    json!({"interface": interface, "operation": operation, "parameters": parameters, "returns": returns})
}

#[test]
fn names_types_and_defaults_are_judged_alike() {
    let param = |name: &str, ty: &str| json!([{"name": name, "type": ty}]);
    let cases: Vec<(&str, Value)> = vec![
        ("cache_get", entry("CACHE", "get", json!([]), "any")),
        ("cacheGet", entry("CACHE", "get", json!([]), "any")),
        ("cache_get", entry("Cache", "get", json!([]), "any")),
        ("cache_get", entry("CACHE", "Get", json!([]), "any")),
        ("cache_get", entry("CACHE", "type", json!([]), "any")),
        ("cache_get", entry("SELF", "get", json!([]), "any")),
        ("cache_get", entry("CACHE_2", "get_2", json!([]), "any")),
        (
            "cache_get",
            entry("CACHE", "get", param("key", "string"), "any"),
        ),
        (
            "cache_get",
            entry("CACHE", "get", param("Key", "string"), "any"),
        ),
        (
            "cache_get",
            entry("CACHE", "get", param("match", "string"), "any"),
        ),
        (
            "cache_get",
            entry("CACHE", "get", param("key", "integr"), "any"),
        ),
        (
            "cache_get",
            entry(
                "CACHE",
                "get",
                param("key", "list<map<optional<float>>>"),
                "any",
            ),
        ),
        (
            "cache_get",
            entry("CACHE", "get", param("key", "list<string"), "any"),
        ),
        (
            "cache_get",
            entry("CACHE", "get", param("key", "none"), "any"),
        ),
        (
            "cache_get",
            entry("CACHE", "get", param("key", "null"), "any"),
        ),
        ("cache_get", entry("CACHE", "get", json!([]), "list<int>")),
        ("cache_get", entry("CACHE", "get", json!([]), "void")),
        (
            "cache_get",
            entry(
                "CACHE",
                "get",
                json!([{"name": "n", "type": "int", "default": 3}]),
                "any",
            ),
        ),
        (
            "cache_get",
            entry(
                "CACHE",
                "get",
                json!([{"name": "n", "type": "int", "default": "3"}]),
                "any",
            ),
        ),
        (
            "cache_get",
            entry(
                "CACHE",
                "get",
                json!([{"name": "n", "type": "int", "default": 2.5}]),
                "any",
            ),
        ),
        (
            "cache_get",
            entry(
                "CACHE",
                "get",
                json!([{"name": "n", "type": "list<int>", "default": [1, "2"]}]),
                "any",
            ),
        ),
        (
            "cache_get",
            entry(
                "CACHE",
                "get",
                json!([{"name": "n", "type": "int", "required": true, "default": 1}]),
                "any",
            ),
        ),
        (
            "cache_get",
            entry(
                "CACHE",
                "get",
                json!([{"name": "n", "type": "int"}, {"name": "n", "type": "int"}]),
                "any",
            ),
        ),
    ];
    let mut disagreements = Vec::new();
    for (wrapper, entry) in &cases {
        let manifest = manifest_accepts(wrapper, entry);
        let runtime = runtime_accepts(wrapper, entry);
        if manifest != runtime.is_ok() {
            disagreements.push(format!(
                "{wrapper}: {entry}\n  manifest accepts: {manifest}, runtime: {runtime:?}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    // The cases mean something: some are accepted and some refused.
    let accepted = cases
        .iter()
        .filter(|(w, e)| runtime_accepts(w, e).is_ok())
        .count();
    assert!(
        accepted >= 5 && accepted < cases.len(),
        "{accepted} accepted"
    );
}
