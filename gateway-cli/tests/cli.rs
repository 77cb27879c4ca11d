//! The `gateway` binary, run as a user runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn gateway(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gateway"))
        .args(args)
        .current_dir(workspace())
        .env("NO_COLOR", "1")
        .output()
        .expect("the gateway binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

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
