//! `gateway generate`: the checked-in gateway module, written and checked for drift.

mod common;

use common::{fresh_dir, gateway_in, snapshots, text, workspace};

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
        .generate("gateway");
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
    assert!(
        diff.contains("\n+        pub fn cache_touch<'a>("),
        "{diff}"
    );
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

#[test]
fn generate_names_the_module_and_the_file() {
    let dir = fresh_dir("generate-module");
    std::fs::copy(
        workspace().join("operations.yaml"),
        dir.join("operations.yaml"),
    )
    .unwrap();
    let output = gateway_in(
        &dir,
        &["generate", "--out", "generated/api.rs", "--module", "api"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let code = std::fs::read_to_string(dir.join("generated/api.rs")).unwrap();
    assert!(code.contains("pub mod api {"));
    let bad = gateway_in(&dir, &["generate", "--module", "not a module"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("`not a module` is not a valid module name"));
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
