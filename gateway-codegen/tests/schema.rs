//! The published JSON Schema agrees with the loader: manifests that validate satisfy the
//! schema, and the schema catches what an editor should underline.

use gateway_codegen::load::yaml;
use gateway_codegen::{Diagnostics, SourceFile, schema};
use serde_json::Value;
use std::path::Path;

fn as_json(name: &str, text: &str) -> Value {
    let source = SourceFile::new(name, text);
    let mut diags = Diagnostics::new();
    let node = yaml::parse(&source, &mut diags);
    let (node, _) = diags
        .finish(&source, node)
        .unwrap_or_else(|r| panic!("{r}"));
    node.expect("a document").to_json()
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&schema::manifest_schema()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

#[test]
fn valid_manifests_satisfy_the_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let validator = validator();
    for path in ["operations.yaml", "tests/shared/operations.yaml"] {
        let text = std::fs::read_to_string(root.join(path)).unwrap();
        let json = as_json(path, &text);
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{path}: {errors:#?}");
    }
}

#[test]
fn the_schema_flags_what_the_loader_refuses() {
    let validator = validator();
    for text in [
        "cache_get:\n  interface: CACHE\n  operation: get\n  paramters: []\n",
        "cache_get:\n  interface: CACHE\n",
        "Cache-Get:\n  interface: CACHE\n  operation: get\n",
        "cache_get:\n  interface: CACHE\n  operation: get\n  visibility: private\n",
        "$interfaces:\n  CACHE:\n    preloaded: true\ncache_get:\n  interface: CACHE\n  operation: get\n",
    ] {
        assert!(
            !validator.is_valid(&as_json("m.yaml", text)),
            "the schema accepts:\n{text}"
        );
    }
}
