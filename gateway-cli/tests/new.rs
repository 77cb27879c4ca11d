//! `gateway new` on real crates: what it writes (snapshotted under `snapshots/cli/`), that the
//! crate then builds and its new tests pass (one nested `cargo test`), and that it refuses
//! what it must while writing nothing.

mod common;

use common::{cargo_test_in, fresh_dir, gateway_in, snapshots, text, tree, workspace, write_files};
use std::path::Path;

const MANIFEST: &str = "\
# The fixture's manifest: comments and formatting must survive `gateway new`.
$interfaces:
  CACHE:
    state: crate::interfaces::cache::Store

cache_get:
  interface: CACHE
  operation: get
  parameters:
    - {name: key, type: string, required: true}   # flow style, kept
  returns: any
";

const CACHE_RS: &str = "\
//! CACHE.

use gateway_runtime::{BoxError, InitContext, InterfaceState, Value, operation};
use std::collections::HashMap;
use std::sync::Mutex;

/// The CACHE state.
#[derive(Default)]
pub struct Store(Mutex<HashMap<String, Value>>);

impl InterfaceState for Store {
    fn init(_: &InitContext<'_>) -> Result<Self, BoxError> {
        Ok(Self::default())
    }
}

#[operation(CACHE.get)]
fn get(store: &Store, key: &str) -> Value {
    store.0.lock().unwrap().get(key).cloned().unwrap_or_default()
}
";

/// A library crate using the gateway through build.rs, with the workspace's crates by path.
fn library_crate(name: &str) -> std::path::PathBuf {
    let dir = fresh_dir(name);
    let root = workspace();
    let cargo_toml = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\ngateway-runtime = {{ path = {:?} }}\n\n\
         [build-dependencies]\ngateway-codegen = {{ path = {:?} }}\n\n\
         [lints.rust]\nmissing_docs = \"warn\"\n",
        root.join("gateway-runtime").display().to_string(),
        root.join("gateway-codegen").display().to_string(),
    );
    write_files(
        &dir,
        &[
            ("Cargo.toml", &cargo_toml),
            (
                "build.rs",
                "//! Generates the gateway.\n\nfn main() {\n    gateway_codegen::Builder::new().compile_or_exit();\n}\n",
            ),
            ("operations.yaml", MANIFEST),
            (
                "src/lib.rs",
                "//! A crate that uses the gateway.\n\ngateway_runtime::include_gateway!();\n\npub mod interfaces;\n",
            ),
            (
                "src/interfaces/mod.rs",
                "//! The interfaces.\n\npub mod cache;\n",
            ),
            ("src/interfaces/cache.rs", CACHE_RS),
        ],
    );
    // The workspace's lock file pins the same dependency versions, already downloaded.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    dir
}

/// The files of `after` that are new or changed since `before`, with their content.
fn changed(before: &[(String, String)], after: &[(String, String)]) -> String {
    let mut out = String::new();
    for (path, content) in after {
        match before.iter().find(|(p, _)| p == path) {
            Some((_, old)) if old == content => {}
            Some(_) => out.push_str(&format!("=== {path} (changed)\n{content}\n")),
            None => out.push_str(&format!("=== {path} (new)\n{content}\n")),
        }
    }
    out
}

fn success(dir: &Path, args: &[&str]) -> String {
    let output = gateway_in(dir, args);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(output.stderr.is_empty(), "{}", text(&output.stderr));
    text(&output.stdout)
}

fn failure(dir: &Path, args: &[&str]) -> String {
    let before = tree(dir);
    let output = gateway_in(dir, args);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stdout));
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    assert_eq!(tree(dir), before, "nothing may be written");
    text(&output.stderr)
}

#[test]
fn new_operations_compile_and_their_tests_pass() {
    let dir = library_crate("new-builds");
    let before = tree(&dir);
    let touch = success(
        &dir,
        &[
            "new",
            "CACHE.touch",
            "--param",
            "key:string",
            "--param",
            "ttl:int=300",
            "--param",
            "tag?:string",
            "--param",
            "due:optional<float>",
            "--returns",
            "bool",
            "--description",
            "Refreshes an entry's time-to-live.",
            "--ttl",
            "30s",
            "--timeout",
            "2s",
        ],
    );
    let run = success(
        &dir,
        &[
            "new",
            "JOBS.run",
            "--async",
            "--param",
            "spec:dict",
            "--param",
            "items:list<int>",
            "--param",
            "labels:map<string>",
            "--param",
            "note:any",
            "--returns",
            "list<any>",
            "--internal",
            "--critical",
        ],
    );
    let files = changed(&before, &tree(&dir));
    snapshots().bind(|| {
        insta::assert_snapshot!("new_output", format!("{touch}\n{run}"));
        insta::assert_snapshot!("new_files", files);
    });

    let (stdout, stderr) = cargo_test_in(&dir);
    for test in [
        "test cache_touch_through_the_gateway ... ok",
        "test jobs_run_through_the_gateway ... ok",
    ] {
        assert!(stdout.contains(test), "missing {test:?} in:\n{stdout}");
    }
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn new_refuses_an_existing_name_and_writes_nothing() {
    let dir = library_crate("new-refuses");
    let existing = failure(&dir, &["new", "CACHE.get", "--param", "key:string"]);
    let wrapper = failure(&dir, &["new", "CACHE.fetch", "--wrapper", "cache_get"]);
    snapshots().bind(|| {
        insta::assert_snapshot!("new_existing_operation", existing);
        insta::assert_snapshot!("new_existing_wrapper", wrapper);
    });
}

#[test]
fn new_reports_bad_names_and_types_like_the_loader() {
    let dir = library_crate("new-bad-names");
    let bad = failure(
        &dir,
        &[
            "new",
            "Cache.Touch",
            "--param",
            "Key:strng",
            "--returns",
            "lst<int>",
        ],
    );
    let usage = failure(&dir, &["new", "CACHE.touch", "--param", "key"]);
    let shape = failure(&dir, &["new", "CACHE"]);
    snapshots().bind(|| {
        insta::assert_snapshot!("new_bad_names", bad);
        insta::assert_snapshot!("new_bad_arguments", format!("{usage}\n{shape}"));
    });
}

#[test]
fn new_outside_a_crate_says_where_to_run_it() {
    let dir = fresh_dir("new-no-crate");
    let stderr = failure(&dir, &["new", "CACHE.touch"]);
    assert!(stderr.contains("cannot read `Cargo.toml`"), "{stderr}");
    assert!(stderr.contains("--crate DIR"), "{stderr}");
}

#[test]
fn new_dry_run_shows_the_edits_and_writes_nothing() {
    let dir = library_crate("new-dry-run");
    let before = tree(&dir);
    let shown = success(
        &dir,
        &["new", "CACHE.touch", "--param", "key:string", "--dry-run"],
    );
    assert_eq!(tree(&dir), before);
    snapshots().bind(|| insta::assert_snapshot!("new_dry_run", shown));
}

#[test]
fn new_in_a_binary_crate_puts_the_test_beside_the_function() {
    let dir = fresh_dir("new-binary");
    write_files(
        &dir,
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"service-bin\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
            ),
            (
                "src/main.rs",
                "//! A binary using the gateway macro.\n\ngateway_runtime::gateway!(manifest = \"../api/operations.yaml\");\n\nfn main() {}\n",
            ),
            ("api/operations.yaml", "# An empty manifest.\n"),
        ],
    );
    let before = tree(&dir);
    let output = success(
        &dir,
        &[
            "new",
            "NOTES.add",
            "--param",
            "title:string",
            "--param",
            "entry:crate::model::Entry",
            "--returns",
            "int",
        ],
    );
    let files = changed(&before, &tree(&dir));
    snapshots().bind(|| {
        insta::assert_snapshot!("new_binary_crate", format!("{output}\n{files}"));
    });
}
