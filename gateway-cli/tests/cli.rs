//! The `gateway` binary, run as a user runs it.

mod common;

use common::{gateway, snapshots, text, workspace};
use serde_json::Value;

#[test]
fn check_accepts_the_reference_manifest() {
    let output = gateway(&["check"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "operations.yaml: 17 operations in 4 interfaces, no errors\n"
    );
}

#[test]
fn check_prints_every_error_and_fails() {
    let dir = std::env::temp_dir().join(format!("gateway-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let manifest = dir.join("operations.yaml");
    std::fs::write(
        &manifest,
        "cache_get:\n  interface: CACHE\n  operation: get\n  paramters: []\n  returns: strng\n",
    )
    .unwrap();
    let output = gateway(&["check", manifest.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("error: unknown key `paramters` in operation `cache_get`"),
        "{stderr}"
    );
    assert!(stderr.contains("error: unknown type `strng`"), "{stderr}");
    assert!(
        stderr.contains("= help: did you mean `string`?"),
        "{stderr}"
    );
    assert!(
        stderr.trim_end().ends_with("due to 2 previous errors"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn check_reports_a_missing_file() {
    let output = gateway(&["check", "no/such/operations.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("cannot read the manifest `no/such/operations.yaml`"));
}

#[test]
fn the_published_schema_is_current() {
    let output = gateway(&["schema"]);
    assert!(output.status.success());
    let published = std::fs::read_to_string(workspace().join("operations.schema.json")).unwrap();
    assert!(
        text(&output.stdout) == published,
        "operations.schema.json is out of date: run `cargo run -p gateway-cli -- schema > operations.schema.json`"
    );
}

#[test]
fn docs_prints_the_api_reference() {
    let output = gateway(&["docs", "operations.yaml"]);
    assert!(output.status.success());
    let docs = text(&output.stdout);
    assert!(
        docs.contains("# API reference") && docs.contains("### CACHE.get"),
        "{docs}"
    );
}

#[test]
fn usage_errors_are_explained() {
    let output = gateway(&["chek"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("check"),
        "clap suggests the right subcommand"
    );
}

#[test]
fn check_prints_json_when_asked() {
    let output = gateway(&["check", "--format", "json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["ok"], true);
    assert_eq!(summary["operations"], 17);

    let dir = common::fresh_dir("check-json");
    std::fs::write(
        dir.join("operations.yaml"),
        "cache_get:\n  interface: CACHE\n  operation: get\n  returns: strng\n",
    )
    .unwrap();
    let output = common::gateway_in(&dir, &["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["ok"], false);
    let diagnostic = &summary["diagnostics"][0];
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(diagnostic["message"], "unknown type `strng`");
    assert_eq!(diagnostic["location"], "operations.yaml:4:12");
    assert_eq!(diagnostic["help"], "did you mean `string`?");
}

#[test]
fn list_prints_every_operation_as_text_and_json() {
    let output = gateway(&["list"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let listed = text(&output.stdout);
    assert_eq!(listed.lines().count(), 17);
    let output = gateway(&["list", "tests/shared/operations.yaml", "--format", "json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(json.is_array());
    snapshots().bind(|| {
        insta::assert_snapshot!("list_text", listed);
        insta::assert_snapshot!("list_json", text(&output.stdout));
    });
}

#[test]
fn docs_openapi_is_valid_and_public_only() {
    let output = gateway(&["docs", "--format", "openapi"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    let schema_path = workspace().join("gateway-codegen/tests/fixtures/openapi-3.1-schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    for internal in ["/CONFIG/set", "/CONFIG/reload"] {
        assert!(!paths.contains_key(internal), "{internal} is internal");
    }
    let text_form = text(&output.stdout);
    assert!(!text_form.contains("config_set") && !text_form.contains("config_reload"));
    for route in [
        "/CACHE/get",
        "/CONFIG/get",
        "/health",
        "/stats",
        "/operations",
        "/invoke",
        "/batch",
    ] {
        assert!(paths.contains_key(route), "{route}");
    }
    snapshots().bind(|| insta::assert_snapshot!("docs_openapi", text_form));
}

#[test]
fn docs_refuses_an_unknown_format() {
    let output = gateway(&["docs", "--format", "html"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("markdown") && stderr.contains("openapi"),
        "{stderr}"
    );
}
