//! A real `cargo build` of a crate whose build script uses `Builder` on a bad manifest: the
//! build fails and cargo shows every diagnostic, as `error:` lines and as rendered snippets.

use std::path::{Path, PathBuf};
use std::process::Command;

const BAD_MANIFEST: &str = "\
cache_get:
  interface: CACHE
  operation: get
  paramters:
    - name: key
      type: string
  returns: any
cache_set:
  interface: CACHE
  operation: set
  parameters:
    - name: ttl
      type: integr
  returns: none
";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// Writes a one-crate workspace under `target/` that builds with `gateway-codegen`.
fn fixture_crate(name: &str, manifest: &str) -> PathBuf {
    let root = workspace();
    let dir = root.join("target").join("fixture-crates").join(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let codegen = root.join("gateway-codegen");
    let cargo_toml = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n\
         [build-dependencies]\ngateway-codegen = {{ path = {:?} }}\n",
        codegen.display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), cargo_toml).unwrap();
    std::fs::write(
        dir.join("build.rs"),
        "fn main() {\n    gateway_codegen::Builder::new().compile_or_exit();\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), "").unwrap();
    std::fs::write(dir.join("operations.yaml"), manifest).unwrap();
    // The workspace's lock file pins the same dependency versions, already downloaded.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    dir
}

#[test]
fn a_bad_manifest_fails_the_build_with_every_error() {
    let dir = fixture_crate("bad-manifest-fixture", BAD_MANIFEST);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["build", "--offline", "--color", "never"])
        .current_dir(&dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target").join("fixture-builds"),
        )
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the build must fail:\n{stderr}");
    for line in [
        "error: bad-manifest-fixture@0.1.0: operations.yaml:4:3: unknown key `paramters` in operation `cache_get` (did you mean `parameters`?)",
        "error: bad-manifest-fixture@0.1.0: operations.yaml:13:13: unknown type `integr` (did you mean `integer`?)",
    ] {
        assert!(stderr.contains(line), "missing {line:?} in:\n{stderr}");
    }
    assert!(
        stderr.contains("4 |   paramters:"),
        "the rendered snippet is shown:\n{stderr}"
    );
    assert!(
        stderr.contains("could not load `operations.yaml` due to 2 previous errors"),
        "{stderr}"
    );
}
