//! `gateway generate`: the checked-in gateway module, written and checked for drift.

mod common;

use common::{cargo_test_in, fresh_dir, gateway_in, snapshots, text, workspace, write_files};

const EXTRA: &str = "
cache_touch:
  interface: CACHE
  operation: touch
  parameters:
    - {name: key, type: string, required: true}
  returns: bool
";

#[test]
fn generate_writes_what_the_build_generates_and_check_finds_drift() {
    let dir = fresh_dir("generate");
    let reference = std::fs::read_to_string(workspace().join("operations.yaml")).unwrap();
    std::fs::write(dir.join("operations.yaml"), &reference).unwrap();

    let output = gateway_in(&dir, &["generate"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let written = std::fs::read_to_string(dir.join("src/gateway.rs")).unwrap();
    let expected = gateway_codegen::Manifest::read(&dir.join("operations.yaml"), "operations.yaml")
        .unwrap()
        .generate();
    assert!(
        written == expected,
        "the file is the code build.rs generates"
    );
    assert_eq!(
        text(&output.stdout),
        format!(
            "wrote src/gateway.rs ({} bytes) from operations.yaml\n",
            expected.len()
        )
    );

    let again = gateway_in(&dir, &["generate"]);
    assert_eq!(text(&again.stdout), "src/gateway.rs is up to date\n");

    let in_sync = gateway_in(&dir, &["generate", "--check"]);
    assert!(in_sync.status.success(), "{}", text(&in_sync.stderr));
    assert_eq!(
        text(&in_sync.stdout),
        "src/gateway.rs is up to date with operations.yaml\n"
    );

    std::fs::write(dir.join("operations.yaml"), format!("{reference}{EXTRA}")).unwrap();
    let drift = gateway_in(&dir, &["generate", "--check"]);
    assert_eq!(drift.status.code(), Some(1));
    assert!(drift.stdout.is_empty());
    let after = std::fs::read_to_string(dir.join("src/gateway.rs")).unwrap();
    assert!(after == written, "--check writes nothing");
    // The message is snapshotted without its numbers, which move with the generated code; the
    // diff below it is checked, not snapshotted, for the same reason.
    let stderr = text(&drift.stderr);
    let (message, diff) = stderr.split_once("\n\n").expect("a message, then a diff");
    let message: String = message
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect();
    snapshots().bind(|| insta::assert_snapshot!("generate_check_drift", message));
    assert!(
        diff.starts_with("--- src/gateway.rs\n+++ generated\n@@ "),
        "{diff}"
    );
    assert!(diff.contains("\n+    pub fn cache_touch<'a>("), "{diff}");
    assert!(diff.lines().count() <= 41, "the diff is cut short: {diff}");

    let output = gateway_in(&dir, &["generate"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let in_sync = gateway_in(&dir, &["generate", "--check"]);
    assert!(in_sync.status.success(), "{}", text(&in_sync.stderr));
}

#[test]
fn generate_check_without_the_file_fails() {
    let dir = fresh_dir("generate-missing");
    std::fs::copy(
        workspace().join("operations.yaml"),
        dir.join("operations.yaml"),
    )
    .unwrap();
    let output = gateway_in(&dir, &["generate", "--check", "--out", "src/api.rs"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("error: cannot read `src/api.rs`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("= help: run `gateway generate operations.yaml --out src/api.rs`"),
        "{stderr}"
    );
    assert!(!dir.join("src").exists(), "--check writes nothing");
}

/// The manifest of the crate that declares the checked-in module: one operation, so that the
/// crate implements every operation it declares.
const ONE_OPERATION: &str = "\
cache_get:
  interface: CACHE
  operation: get
  parameters:
    - {name: key, type: string, required: true}
  returns: any
";

#[test]
fn the_written_file_is_an_ordinary_module_of_a_crate_without_build_script() {
    let dir = fresh_dir("generate-module");
    let root = workspace();
    let cargo_toml = format!(
        "[package]\nname = \"generate-module\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
         publish = false\n\n[workspace]\n\n[dependencies]\ngateway-runtime = {{ path = {:?} }}\n",
        root.join("gateway-runtime").display().to_string(),
    );
    write_files(
        &dir,
        &[
            ("Cargo.toml", &cargo_toml),
            ("operations.yaml", ONE_OPERATION),
            (
                "src/lib.rs",
                "//! The checked-in gateway, declared as a module.\n\n\
                 pub mod gateway;\n\n\
                 #[gateway_runtime::operation(CACHE.get)]\n\
                 fn get(key: &str) -> gateway_runtime::Value {\n    key.into()\n}\n\n\
                 #[test]\nfn calls_through_the_gateway() {\n    \
                 let gateway = gateway::Gateway::new();\n    \
                 assert_eq!(gateway.cache_get(\"k\").unwrap(), \"k\");\n}\n",
            ),
        ],
    );
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let output = gateway_in(&dir, &["generate"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let code = std::fs::read_to_string(dir.join("src/gateway.rs")).unwrap();
    assert!(
        code.contains("\n#![allow(dead_code, clippy::too_many_arguments)]\n")
            && !code.contains("pub mod gateway"),
        "the file holds the module's items, not a module item:\n{code}"
    );

    let (stdout, stderr) = cargo_test_in(&dir);
    assert!(
        stdout.contains("test calls_through_the_gateway ... ok"),
        "{stdout}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn generate_writes_where_out_says() {
    let dir = fresh_dir("generate-out");
    std::fs::copy(
        workspace().join("operations.yaml"),
        dir.join("operations.yaml"),
    )
    .unwrap();
    let output = gateway_in(&dir, &["generate", "--out", "generated/api.rs"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let code = std::fs::read_to_string(dir.join("generated/api.rs")).unwrap();
    assert!(code.contains("pub struct Gateway {"));
    let removed = gateway_in(&dir, &["generate", "--module", "api"]);
    assert_eq!(
        removed.status.code(),
        Some(2),
        "clap rejects an unknown option"
    );
    assert!(text(&removed.stderr).contains("unexpected argument '--module'"));
}

#[test]
fn generate_reports_manifest_errors_at_the_path_given() {
    let dir = fresh_dir("generate-bad");
    std::fs::create_dir_all(dir.join("api")).unwrap();
    std::fs::write(
        dir.join("api/operations.yaml"),
        "cache_get:\n  interface: CACHE\n  operation: get\n  returns: strng\n",
    )
    .unwrap();
    let output = gateway_in(&dir, &["generate", "api/operations.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("--> api/operations.yaml:4:12"), "{stderr}");
    assert!(!dir.join("api/src").exists());
}
