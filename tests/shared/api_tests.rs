// The API tests of the shared test manifest, included by tests/build-path and tests/macro-path
// after `use <crate> as service;`: both ways in must produce the same, working API.

use gateway_runtime::{GatewayError, ParamProblem, Priority, Visibility};
use serde_json::{Value, json};
use service::gateway::{self, Gateway, OperationId, REGISTRY};

fn invalid(error: GatewayError) -> Vec<ParamProblem> {
    match error {
        GatewayError::InvalidParams { problems, .. } => problems,
        other => panic!("expected invalid params, got {other:?}"),
    }
}

#[tokio::test]
async fn the_seed_fragment_works_on_the_typed_and_the_dynamic_path() {
    let gw = Gateway::new();
    assert_eq!(gw.cache_get("missing", None).unwrap(), Value::Null);
    assert_eq!(gw.cache_get("missing", Some(json!("fallback"))).unwrap(), json!("fallback"));
    gw.cache_put("user:123", json!({"name": "Ada"})).unwrap();
    assert_eq!(gw.cache_get("user:123", None).unwrap(), json!({"name": "Ada"}));
    let dynamic = gw.execute_operation("CACHE", "get", json!({"key": "user:123"})).await.unwrap();
    assert_eq!(dynamic, json!({"name": "Ada"}));
    let defaulted = gw.execute_operation("CACHE", "get", json!({"key": "nope", "default": 7})).await;
    assert_eq!(defaulted.unwrap(), json!(7));
    let op = OperationId::CacheGet.descriptor();
    assert_eq!((op.name, op.wrapper, op.cacheable), ("CACHE.get", "cache_get", Some(None)));
}

#[tokio::test]
async fn manifest_defaults_apply_on_both_paths() {
    let typed = Gateway::new();
    typed.notes_add("typed", None, None, None, None).unwrap();
    let dynamic = Gateway::new();
    let id = dynamic.execute_operation("NOTES", "add", json!({"title": "dynamic", "due": null})).await.unwrap();
    assert_eq!(id, json!(1));
    let typed_note = &typed.notes_find(None, None).unwrap()[0];
    let dynamic_note = &dynamic.notes_find(None, None).unwrap()[0];
    for note in [typed_note, dynamic_note] {
        assert_eq!((note.tags.len(), note.priority, note.author.as_str(), note.due), (0, 3, "anonymous", None));
    }
}

#[tokio::test]
async fn optional_and_null_parameters() {
    let gw = Gateway::new();
    gw.notes_add("a", Some(vec!["x".into()]), Some(1), Some("me"), Some(1.5)).unwrap();
    gw.notes_add("b", Some(vec!["y".into()]), None, None, None).unwrap();
    assert_eq!(gw.notes_find(Some("x"), None).unwrap().len(), 1);
    assert_eq!(gw.notes_find(None, Some(1)).unwrap().len(), 1);
    // null stands for an omitted optional or defaulted parameter.
    let found = gw.execute_operation("NOTES", "find", json!({"tag": null, "limit": null})).await.unwrap();
    assert_eq!(found.as_array().map(Vec::len), Some(2));
    let added = gw.execute_operation("NOTES", "add", json!({"title": "c", "priority": null, "due": 2})).await.unwrap();
    assert_eq!(added, json!(3));
    // `due` is `optional<float>` and required: present, but it may be null.
    let problems = invalid(gw.execute_operation("NOTES", "add", json!({"title": "d"})).await.unwrap_err());
    assert_eq!(problems[0].to_string(), "missing required parameter `due` (optional<float>)");
}

#[tokio::test]
async fn async_operations_work_on_both_paths() {
    let gw = Gateway::new();
    gw.notes_add("old", None, None, None, None).unwrap();
    assert!(gw.notes_rename(1, "new").await.unwrap());
    assert!(!gw.notes_rename(9, "none").await.unwrap());
    let renamed = gw.execute_operation("NOTES", "rename", json!({"id": 1, "title": "newer"})).await.unwrap();
    assert_eq!(renamed, json!(true));
    assert_eq!(gw.notes_find(None, None).unwrap()[0].title, "newer");
    let echoed = gw.execute_operation("DEMO", "echo", json!({"value": {"a": [true]}})).await.unwrap();
    assert_eq!(echoed, json!({"value": {"a": [true]}, "weights": [1.0, 2.5], "extra": {"a": 1}}));
}

#[tokio::test]
async fn unknown_names_get_the_closest_suggestion() {
    let gw = Gateway::new();
    let error = gw.execute_operation("NOTE", "add", json!({})).await.unwrap_err();
    assert_eq!(error.kind(), "unknown_interface");
    assert_eq!(error.to_string(), "unknown interface `NOTE` (did you mean `NOTES`?); available: CACHE, NOTES, DEMO");
    let error = gw.execute_operation("NOTES", "finf", json!({})).await.unwrap_err();
    assert_eq!(error.kind(), "unknown_operation");
    assert_eq!(error.to_string(), "unknown operation `NOTES.finf` (did you mean `find`?); NOTES has: add, find, rename");
    assert!(matches!(gateway::resolve("CACHE", "get"), Ok(OperationId::CacheGet)));
}

#[tokio::test]
async fn every_parameter_problem_is_reported_at_once() {
    let gw = Gateway::new();
    let params = json!({"titel": "x", "tags": ["a", 2], "priority": "high"});
    let error = gw.execute_operation("NOTES", "add", params).await.unwrap_err();
    assert_eq!(error.kind(), "invalid_params");
    let messages: Vec<String> = invalid(error).iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "unexpected parameter `titel` (did you mean `title`?); expected: title, tags, priority, author, due",
            "missing required parameter `title` (string)",
            "parameter `tags[1]`: expected string, found integer 2",
            "parameter `priority`: expected int, found string \"high\"",
            "missing required parameter `due` (optional<float>)",
        ]
    );
    let problems = invalid(gw.execute_operation("CACHE", "get", json!([1])).await.unwrap_err());
    assert_eq!(problems[0].to_string(), "expected an object of named parameters, found a list of 1 items");
    let problems = invalid(gw.execute_operation("DEMO", "echo", json!({"value": {"k": [1]}})).await.unwrap_err());
    assert_eq!(problems[0].to_string(), "parameter `value.k[0]`: expected bool, found integer 1");
    let problems = invalid(gw.execute_operation("NOTES", "rename", json!({"id": 1.5, "title": "t"})).await.unwrap_err());
    assert_eq!(problems[0].to_string(), "parameter `id`: expected int, found number 1.5");
}

#[tokio::test]
async fn failures_keep_their_source() {
    let gw = Gateway::new();
    let error = gw.demo_fail("disk full").unwrap_err();
    assert_eq!(error.kind(), "operation_failed");
    assert_eq!(error.to_string(), "`DEMO.fail` failed: disk full");
    let GatewayError::OperationFailed { error: source, .. } = &error else { panic!("{error:?}") };
    assert_eq!(source.downcast_ref::<std::io::Error>().map(|e| e.kind()), Some(std::io::ErrorKind::Other));
    let error = gw.execute_operation("NOTES", "add", json!({"title": "t", "priority": 9, "due": null})).await.unwrap_err();
    assert_eq!(error.to_string(), "`NOTES.add` failed: priority must be 1 to 5, got 9");
}

#[tokio::test]
async fn a_panicking_operation_is_an_error_and_the_gateway_keeps_serving() {
    let gw = Gateway::new();
    let error = gw.execute_operation("DEMO", "explode", Value::Null).await.unwrap_err();
    assert_eq!(error.kind(), "panicked");
    assert_eq!(error.to_string(), "`DEMO.explode` panicked: the demo operation exploded");
    assert!(matches!(gw.demo_explode(), Err(GatewayError::Panicked { .. })));
    gw.cache_put("still", json!("serving")).unwrap();
    assert_eq!(gw.execute_operation("CACHE", "get", json!({"key": "still"})).await.unwrap(), json!("serving"));
}

#[tokio::test]
async fn state_is_created_on_first_use() {
    let gw = Gateway::new();
    let notes_loaded = |gw: &Gateway| gw.stats().modules.iter().any(|m| m.interface == "NOTES" && m.loaded);
    assert!(!notes_loaded(&gw));
    gw.notes_find(None, None).unwrap();
    assert!(notes_loaded(&gw));
    let stats = gw.stats();
    let notes = stats.modules.iter().find(|m| m.interface == "NOTES").unwrap();
    assert_eq!((notes.loads, notes.reloads), (1, 0));
    assert!(stats.modules.iter().all(|m| m.interface != "DEMO"), "interfaces without state are not modules");
}

#[test]
fn the_registry_describes_every_operation() {
    assert_eq!(REGISTRY.operations().len(), OperationId::ALL.len());
    for (index, id) in OperationId::ALL.iter().enumerate() {
        assert_eq!(id.descriptor().id, index);
    }
    let fail = REGISTRY.find("DEMO", "fail").unwrap();
    assert_eq!((fail.visibility, fail.priority), (Visibility::Internal, Priority::Normal));
    let add = OperationId::NotesAdd.descriptor();
    assert_eq!(add.description, "Adds a note and returns its id.");
    let defaults: Vec<Option<&str>> = add.params.iter().map(|p| p.default).collect();
    assert_eq!(defaults, [None, Some("[]"), Some("3"), Some("\"anonymous\""), None]);
    let schema = serde_json::to_value(add.schema()).unwrap();
    assert_eq!(schema["required"], json!(["title", "due"]));
    assert!(REGISTRY.find("NOTES", "rename").unwrap().is_async);
}

#[test]
fn the_process_wide_gateway_is_one_gateway_for_every_caller() {
    Gateway::global().unwrap().cache_put("global", json!(1)).unwrap();
    assert_eq!(Gateway::global().unwrap().cache_get("global", None).unwrap(), json!(1));
    assert!(::core::ptr::eq(Gateway::global().unwrap(), Gateway::global().unwrap()));
}

#[tokio::test]
async fn a_result_without_json_form_is_an_error_on_the_dynamic_path_only() {
    let gw = Gateway::new();
    assert_eq!(gw.demo_opaque().unwrap(), service::core::Opaque);
    let error = gw.execute_operation("DEMO", "opaque", Value::Null).await.unwrap_err();
    assert_eq!(error.kind(), "result_encoding");
    assert_eq!(error.to_string(), "the result of `DEMO.opaque` cannot be encoded as JSON: an Opaque has no JSON form");
}
