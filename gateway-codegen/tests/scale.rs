//! Scale: what 1,000 operations over 20 interfaces cost a crate that uses the gateway.
//!
//! `generated_code_size_of_1000_operations` runs with the suite and reports the size. The
//! check-time measurement is slow (it builds two crates), so it is ignored by default:
//!
//! ```text
//! cargo test -p gateway-codegen --test scale -- --ignored --nocapture
//! ```
//!
//! It writes two crates under `target/scale-crates/` that differ only in their manifest (10
//! operations over 2 interfaces, or 1,000 over 20) and their core functions, builds their
//! dependencies once, then times `cargo check` five times each after touching the manifest
//! (the build script regenerates the gateway, the crate is checked again) and after touching
//! `src/lib.rs` (the crate alone), and prints the medians.

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

use gateway_codegen::{Manifest, SourceFile};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

#[test]
fn generated_code_size_of_1000_operations() {
    let (yaml, ops) = synthetic::manifest(1000, 20);
    assert_eq!(ops.len(), 1000);
    let manifest = Manifest::parse(SourceFile::new("operations.yaml", yaml.as_str()))
        .unwrap_or_else(|report| panic!("{report}"));
    assert_eq!(manifest.model.interfaces.len(), 20);
    assert_eq!(manifest.model.operations().count(), 1000);
    assert!(manifest.model.operations().any(|op| op.batch.is_some()));
    assert!(manifest.model.operations().any(|op| op.is_async));
    let code = manifest.generate("gateway");
    println!(
        "1000 operations over 20 interfaces: generated code {} bytes ({} lines)",
        code.len(),
        code.lines().count()
    );
}

/// A crate using the gateway through build.rs, implementing `operations` synthetic operations.
fn scale_crate(name: &str, operations: usize, interfaces: usize) -> PathBuf {
    let root = workspace();
    let dir = root.join("target").join("scale-crates").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let (yaml, ops) = synthetic::manifest(operations, interfaces);
    let cargo_toml = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\ngateway-runtime = {{ path = {:?} }}\n\n\
         [build-dependencies]\ngateway-codegen = {{ path = {:?} }}\n",
        root.join("gateway-runtime").display().to_string(),
        root.join("gateway-codegen").display().to_string(),
    );
    std::fs::write(dir.join("Cargo.toml"), cargo_toml).unwrap();
    std::fs::write(
        dir.join("build.rs"),
        "fn main() {\n    gateway_codegen::Builder::new().compile_or_exit();\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("operations.yaml"), yaml).unwrap();
    let mut lib = String::from("gateway_runtime::include_gateway!();\n\n");
    for (file, text) in synthetic::core_files(&ops) {
        lib.push_str(&format!("mod {};\n", file.trim_end_matches(".rs")));
        std::fs::write(dir.join("src").join(file), text).unwrap();
    }
    std::fs::write(dir.join("src/lib.rs"), lib).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    dir
}

fn cargo_check(dir: &Path) -> Duration {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let start = Instant::now();
    let output = Command::new(cargo)
        .args(["check", "--offline", "--color", "never"])
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target").join("fixture-builds"),
        )
        .output()
        .expect("cargo runs");
    let elapsed = start.elapsed();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    elapsed
}

/// Touches `file` (rewriting it unchanged, with a new modification time) and times a check.
fn timed_after_touching(dir: &Path, file: &str) -> Duration {
    let path = dir.join(file);
    let text = std::fs::read(&path).unwrap();
    // Cargo compares modification times; make sure the new one is later.
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&path, text).unwrap();
    cargo_check(dir)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[test]
#[ignore = "slow: builds two crates; run with --ignored --nocapture"]
fn added_check_time_of_1000_operations() {
    let small = scale_crate("scale-10", 10, 2);
    let large = scale_crate("scale-1000", 1000, 20);
    // Builds the dependencies and the build scripts once.
    cargo_check(&small);
    cargo_check(&large);
    let mut figures = Vec::new();
    for (label, file) in [
        ("manifest touched (codegen + check)", "operations.yaml"),
        ("src/lib.rs touched (check only)", "src/lib.rs"),
    ] {
        let small_time = median((0..5).map(|_| timed_after_touching(&small, file)).collect());
        let large_time = median((0..5).map(|_| timed_after_touching(&large, file)).collect());
        figures.push(format!(
            "{label}: 10 operations {:.2} s, 1000 operations {:.2} s, added {:.2} s",
            small_time.as_secs_f64(),
            large_time.as_secs_f64(),
            large_time.as_secs_f64() - small_time.as_secs_f64()
        ));
    }
    for line in figures {
        println!("{line}");
    }
}
