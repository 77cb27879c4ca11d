//! The OpenAPI document of the reference manifest: valid OpenAPI 3.1 (checked against the
//! official schema, vendored in `tests/fixtures/`), every schema in it valid JSON Schema
//! 2020-12, public operations only, and snapshotted under `snapshots/`.

use gateway_codegen::openapi::{self, ApiInfo};
use gateway_codegen::{Manifest, SourceFile};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn reference() -> Manifest {
    Manifest::read(&workspace().join("operations.yaml"), "operations.yaml")
        .unwrap_or_else(|r| panic!("{r}"))
}

fn document(manifest: &Manifest) -> Value {
    serde_json::from_str(&manifest.openapi(&ApiInfo::default())).expect("the document is JSON")
}

/// The official OpenAPI 3.1 schema (2022-10-07) as a validator.
fn openapi_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi-3.1-schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the OpenAPI schema compiles")
}

fn openapi_errors(document: &Value) -> Vec<String> {
    openapi_validator()
        .iter_errors(document)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

/// Every JSON Schema in the document: component schemas and the bodies' inline schemas.
fn schemas(document: &Value) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    for (name, schema) in document["components"]["schemas"].as_object().unwrap() {
        found.push((format!("components.schemas.{name}"), schema.clone()));
    }
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                if let Some(schema) = response.pointer("/content/application~1json/schema") {
                    found.push((format!("{method} {path} {status}"), schema.clone()));
                }
            }
        }
    }
    found
}

#[test]
fn the_document_is_valid_openapi_3_1() {
    let document = document(&reference());
    let errors = openapi_errors(&document);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(document["openapi"], "3.1.0");
    for (at, schema) in schemas(&document) {
        assert!(
            jsonschema::draft202012::meta::validate(&schema).is_ok(),
            "{at} is not a valid JSON Schema: {schema}"
        );
    }
}

#[test]
fn the_validator_catches_a_broken_document() {
    let mut document = document(&reference());
    document["info"].as_object_mut().unwrap().remove("version");
    document["paths"]["/CACHE/get"]["post"]["responses"]["200"]
        .as_object_mut()
        .unwrap()
        .remove("description");
    let errors = openapi_errors(&document);
    assert!(errors.len() >= 2, "{errors:?}");
}

#[test]
fn public_operations_only_with_their_routes() {
    let manifest = reference();
    let document = document(&manifest);
    let paths: Vec<&String> = document["paths"].as_object().unwrap().keys().collect();
    for op in manifest.model.operations() {
        let path = format!("/{}/{}", op.interface, op.name);
        let public = op.visibility == gateway_codegen::model::Visibility::Public;
        assert_eq!(paths.contains(&&path), public, "{path}");
        let text = document.to_string();
        assert_eq!(
            text.contains(&format!("\"operationId\":\"{}\"", op.wrapper)),
            public,
            "{}",
            op.wrapper
        );
    }
    assert!(!document.to_string().contains("CONFIG/set"));
    assert!(!document.to_string().contains("config_reload"));
    for route in ["/health", "/stats", "/operations", "/invoke", "/batch"] {
        assert!(paths.contains(&&route.to_owned()), "{route}");
    }
    let get = &document["paths"]["/CACHE/get"]["post"];
    assert_eq!(get["operationId"], "cache_get");
    assert_eq!(get["tags"], serde_json::json!(["CACHE"]));
    assert_eq!(
        get["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/CacheGetParams"
    );
    for status in ["200", "400", "404", "413", "429", "500", "503", "504"] {
        assert!(get["responses"][status].is_object(), "{status}");
    }
    let throttled = &document["components"]["responses"]["Throttled"];
    assert!(throttled["headers"]["Retry-After"].is_object());
    let error = &document["components"]["schemas"]["Error"]["properties"]["error"];
    assert_eq!(
        error["required"],
        serde_json::json!(["kind", "message", "status", "request_id"])
    );
}

#[test]
fn parameter_and_result_schemas_follow_the_manifest() {
    let document = document(&reference());
    let set = &document["components"]["schemas"]["CacheSetParams"];
    assert_eq!(set["required"], serde_json::json!(["key", "value"]));
    assert_eq!(set["additionalProperties"], false);
    assert_eq!(set["properties"]["key"]["type"], "string");
    assert_eq!(set["properties"]["value"], serde_json::json!({}));
    assert_eq!(
        set["properties"]["ttl"]["type"],
        serde_json::json!(["integer", "null"])
    );
    let http = &document["components"]["schemas"]["HttpGetParams"]["properties"]["headers"];
    assert_eq!(http["additionalProperties"]["type"], "string");
    assert_eq!(http["default"], serde_json::json!({}));
    let result = |path: &str| {
        document["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
            .clone()
    };
    assert_eq!(
        result("/CACHE/delete"),
        serde_json::json!({"type": "boolean"})
    );
    assert_eq!(result("/CACHE/get"), serde_json::json!({}));
    assert_eq!(
        result("/CACHE/stats"),
        serde_json::json!({"x-rust-type": "crate::interfaces::cache::CacheStats"})
    );
    assert_eq!(result("/LOGGING/info"), serde_json::json!({"type": "null"}));
}

#[test]
fn a_manifest_of_only_internal_operations_has_only_the_service_routes() {
    let manifest = Manifest::parse(SourceFile::new(
        "internal.yaml",
        "secret_get:\n  interface: SECRET\n  operation: get\n  visibility: internal\n",
    ))
    .unwrap_or_else(|r| panic!("{r}"));
    let document = document(&manifest);
    assert!(openapi_errors(&document).is_empty());
    assert_eq!(document["paths"].as_object().unwrap().len(), 5);
    assert!(!document.to_string().contains("SECRET"));
}

#[test]
fn openapi_for_operations_yaml() {
    let manifest = reference();
    let text = manifest.openapi(&ApiInfo::default());
    assert_eq!(
        text,
        openapi::to_json(&manifest.model, &ApiInfo::default()),
        "deterministic"
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("generated_openapi", text));
}
