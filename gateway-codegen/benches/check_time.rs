//! Scale: the `cargo check` time that 1,000 operations over 20 interfaces add to a crate that
//! uses the gateway through its build script.
//!
//! Run: `cargo bench -p gateway-codegen --bench check_time` (`CHECK_TIME_RUNS=9` for more runs
//! than the default 5).
//!
//! It writes two crates under `target/scale-crates/` that differ only in their manifest (10
//! operations over 2 interfaces, or 1,000 over 20, from the same generator as the `scale`
//! bench) and their core functions, checks them once to build their dependencies (into
//! `target/scale-crates/target`, so that other builds neither wait for it nor disturb it), then
//! times `cargo check` after editing one operation's description in the manifest (the build
//! script generates the gateway again, then the crate is checked), after saving the manifest
//! unchanged (the build script runs, finds the model unchanged and keeps the generated files)
//! and after saving `src/lib.rs` unchanged (the crate alone). The two
//! crates are timed in turn, small then large, so that a change in the machine's load falls on
//! both. It prints the median of each and the difference: what the 990 more operations add.
//!
//! A third crate holds the large crate's 1,000 core functions without the gateway (no
//! `#[operation]`, no build script, no generated code). Timed after saving its `src/lib.rs`,
//! in turn with the other two, it separates what the gateway itself adds to the check from
//! what checking the functions a crate would have anyway takes.
//!
//! The build script, like any, is compiled without optimisation (the dev profile), so the
//! generation inside a check is slower than the `scale` bench's release build measures.

#[path = "support/synthetic.rs"]
mod synthetic;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The crates using the gateway: (name, operations, interfaces).
const SMALL: (&str, usize, usize) = ("scale-10", 10, 2);
const LARGE: (&str, usize, usize) = ("scale-1000", 1000, 20);
/// The large crate's core functions without the gateway.
const PLAIN: (&str, usize, usize) = ("scale-1000-plain", 1000, 20);

fn main() {
    let runs = std::env::var("CHECK_TIME_RUNS")
        .ok()
        .and_then(|runs| runs.parse::<usize>().ok())
        .filter(|runs| *runs > 0)
        .unwrap_or(5);
    let small = scale_crate(SMALL, Gateway::Used);
    let large = scale_crate(LARGE, Gateway::Used);
    let plain = scale_crate(PLAIN, Gateway::Left);
    // Builds the dependencies and the build scripts once.
    for dir in [&small, &large, &plain] {
        let start = Instant::now();
        cargo_check(dir);
        eprintln!(
            "prepared {} ({:.1} s)",
            dir.display(),
            start.elapsed().as_secs_f64()
        );
    }
    let mut plain_times: Vec<Duration> = Vec::new();
    println!("cargo check, medians of {runs} runs (small and large in turn):");
    for (label, file, change) in [
        (
            "manifest edited (codegen + check)",
            "operations.yaml",
            Change::Edit,
        ),
        (
            "manifest saved unchanged (build script + check)",
            "operations.yaml",
            Change::Touch,
        ),
        (
            "src/lib.rs saved unchanged (check only)",
            "src/lib.rs",
            Change::Touch,
        ),
    ] {
        let mut small_times = Vec::new();
        let mut large_times = Vec::new();
        for _ in 0..runs {
            small_times.push(timed_after(&small, file, change));
            large_times.push(timed_after(&large, file, change));
            if file == "src/lib.rs" {
                plain_times.push(timed_after(&plain, file, change));
            }
        }
        let small_time = median(small_times).as_secs_f64();
        let large_time = median(large_times).as_secs_f64();
        println!(
            "  {label}: {} operations {small_time:.2} s, {} operations {large_time:.2} s, added {:.2} s (ratio {:.1})",
            SMALL.1,
            LARGE.1,
            large_time - small_time,
            large_time / small_time
        );
    }
    let plain_time = median(plain_times).as_secs_f64();
    println!(
        "  the large crate's {} core functions without the gateway, src/lib.rs saved unchanged: {plain_time:.2} s",
        PLAIN.1
    );
}

/// Whether a scale crate uses the gateway.
#[derive(Clone, Copy, PartialEq)]
enum Gateway {
    /// The manifest, the build script, `#[operation]` on each core function.
    Used,
    /// The core functions alone.
    Left,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the workspace directory exists")
}

/// A crate implementing `operations` synthetic operations over `interfaces` interfaces,
/// written afresh: through the gateway and its build script, or as plain functions.
fn scale_crate((name, operations, interfaces): (&str, usize, usize), gateway: Gateway) -> PathBuf {
    let root = workspace();
    let dir = root.join("target").join("scale-crates").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("the old crate can be removed");
    }
    std::fs::create_dir_all(dir.join("src")).expect("the crate directory can be made");
    let (yaml, ops) = synthetic::manifest(operations, interfaces);
    let mut cargo_toml = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\ngateway-runtime = {{ path = {:?} }}\n",
        root.join("gateway-runtime").display().to_string(),
    );
    let mut lib = match gateway {
        Gateway::Used => {
            cargo_toml.push_str(&format!(
                "\n[build-dependencies]\ngateway-codegen = {{ path = {:?} }}\n",
                root.join("gateway-codegen").display().to_string(),
            ));
            write(
                &dir.join("build.rs"),
                "fn main() {\n    gateway_codegen::Builder::new().compile_or_exit();\n}\n",
            );
            write(&dir.join("operations.yaml"), &yaml);
            String::from("gateway_runtime::include_gateway!();\n\n")
        }
        // Nothing calls the functions.
        Gateway::Left => String::from("#![allow(dead_code)]\n\n"),
    };
    write(&dir.join("Cargo.toml"), &cargo_toml);
    for (file, mut text) in synthetic::core_files(&ops) {
        if gateway == Gateway::Left {
            text = text
                .lines()
                .filter(|line| {
                    !line.starts_with("#[operation(") && *line != "use gateway_runtime::operation;"
                })
                .map(|line| format!("{line}\n"))
                .collect();
        }
        lib.push_str(&format!("mod {};\n", file.trim_end_matches(".rs")));
        write(&dir.join("src").join(file), &text);
    }
    write(&dir.join("src/lib.rs"), &lib);
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .expect("the workspace's Cargo.lock can be copied");
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
}

/// Runs `cargo check` in `dir` and returns how long it took and what it printed.
fn cargo_check(dir: &Path) -> (Duration, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let start = Instant::now();
    let output = Command::new(cargo)
        .args(["check", "--offline", "--color", "never", "--verbose"])
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace()
                .join("target")
                .join("scale-crates")
                .join("target"),
        )
        .output()
        .expect("cargo runs");
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "cargo check failed:\n{stderr}");
    (elapsed, stderr)
}

/// How a file is changed before a timed check.
#[derive(Clone, Copy, PartialEq)]
enum Change {
    /// Rewritten unchanged, with a new modification time.
    Touch,
    /// One operation's description changed (back and forth between two wordings), so the
    /// generated code changes.
    Edit,
}

/// The description that [`Change::Edit`] rewords, in both wordings.
const WORDINGS: [&str; 2] = ["Gets one entry; calls", "Gets one entry, calls"];

/// Changes `file` as `change` says and times a check, making sure the check did the work it
/// is timed for.
fn timed_after(dir: &Path, file: &str, change: Change) -> Duration {
    let path = dir.join(file);
    let mut text = std::fs::read_to_string(&path).expect("the file exists");
    if change == Change::Edit {
        let [one, other] = WORDINGS;
        assert!(
            text.contains(one) || text.contains(other),
            "{file} has no description to edit"
        );
        text = if text.contains(one) {
            text.replacen(one, other, 1)
        } else {
            text.replacen(other, one, 1)
        };
    }
    // Cargo compares modification times; make sure the new one is later.
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&path, text).expect("the file can be rewritten");
    let (elapsed, stderr) = cargo_check(dir);
    let name = dir.file_name().unwrap().to_string_lossy().replace('-', "_");
    assert!(
        stderr.contains(&format!("--crate-name {name} ")),
        "changing {file} did not make cargo check {name} again:\n{stderr}"
    );
    if file == "operations.yaml" {
        assert!(
            stderr.contains("build-script-build"),
            "changing the manifest did not run the build script again:\n{stderr}"
        );
    }
    elapsed
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}
