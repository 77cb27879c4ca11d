//! What the CLI tests share: running the binary, fixture crates and snapshot settings.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the workspace exists")
}

/// Runs `gateway args` in `dir`, without colours.
pub fn gateway_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gateway"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the gateway binary runs")
}

/// Runs `gateway args` at the workspace root.
pub fn gateway(args: &[&str]) -> Output {
    gateway_in(&workspace(), args)
}

/// Runs `cargo test` in the fixture crate `dir`, offline, with the fixtures' shared target
/// folder (so the workspace's crates build once for all of them); asserts that it passed and
/// returns its stdout and stderr.
pub fn cargo_test_in(dir: &Path) -> (String, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "--offline", "--color", "never"])
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target").join("fixture-builds"),
        )
        .output()
        .expect("cargo runs");
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stdout}\n{stderr}");
    (stdout, stderr)
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Insta settings: snapshots in `snapshots/cli/` at the workspace root.
pub fn snapshots() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/cli");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

/// A fresh, empty folder for one test under `target/cli-fixtures/`.
pub fn fresh_dir(name: &str) -> PathBuf {
    let dir = workspace().join("target").join("cli-fixtures").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("the old fixture can be removed");
    }
    std::fs::create_dir_all(&dir).expect("the fixture folder can be created");
    dir
}

/// Writes `files` (path, content) under `dir`.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
}

/// Every file under `dir` (but `target/`) with its content, in path order.
pub fn tree(dir: &Path) -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let relative = path.strip_prefix(root).unwrap().display().to_string();
            if path.is_dir() {
                if relative != "target" {
                    walk(root, &path, out);
                }
            } else {
                out.push((relative, std::fs::read_to_string(&path).unwrap_or_default()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out
}
