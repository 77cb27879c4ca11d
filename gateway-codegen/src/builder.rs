//! The build-script way in, in the spirit of prost-build.

use crate::macros::{MODEL_FILE, ModelFile};
use crate::{Manifest, Report};
use std::fmt;
use std::path::{Path, PathBuf};

/// Generates the gateway from a build script into `OUT_DIR`.
///
/// It writes the gateway module's file, `gateway_module.rs`; `gateway.rs`, which declares the
/// module from that file (include it with `gateway_runtime::include_gateway!()`);
/// `gateway-model.json` (the validated model, which `#[operation]` reads instead of validating
/// the manifest again) and `API.md`; each only when its content changed. When neither the
/// validated model nor the generator changed since the last run (the manifest was saved
/// unchanged, or edited only in comments), the files on disk are kept without generating
/// them again.
///
/// ```no_run
/// // build.rs, in `fn main()`:
/// gateway_codegen::Builder::new()
///     .manifest("operations.yaml")
///     .compile_or_exit();
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    manifest: PathBuf,
    module: String,
    out_dir: Option<PathBuf>,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    /// A builder for `operations.yaml` at the crate root, generating the module `gateway`.
    pub fn new() -> Self {
        Self {
            manifest: PathBuf::from("operations.yaml"),
            module: crate::generate::DEFAULT_MODULE.to_owned(),
            out_dir: None,
        }
    }

    /// The manifest's path, relative to the crate root (`CARGO_MANIFEST_DIR`).
    pub fn manifest(mut self, path: impl Into<PathBuf>) -> Self {
        self.manifest = path.into();
        self
    }

    /// The generated module's name (default `gateway`). `#[operation]` learns it from the
    /// model file, so annotated functions need no change.
    pub fn module(mut self, name: impl Into<String>) -> Self {
        self.module = name.into();
        self
    }

    /// Where to write (default: `OUT_DIR`).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Validates the manifest and writes the generated files.
    ///
    /// Prints `cargo::rerun-if-changed` for the manifest and `cargo::warning` for warnings.
    pub fn compile(&self) -> Result<Manifest, BuildError> {
        let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_default();
        let path = crate_dir.join(&self.manifest);
        println!("cargo::rerun-if-changed={}", path.display());
        let name = self.manifest.display().to_string();
        let manifest = Manifest::read(&path, &name).map_err(BuildError::Manifest)?;
        for warning in &manifest.warnings {
            println!(
                "cargo::warning={}",
                single_line(&warning.one_line(&manifest.source))
            );
        }
        if syn::parse_str::<syn::Ident>(&self.module).is_err() {
            return Err(BuildError::Config(format!(
                "`{}` is not a valid module name",
                self.module
            )));
        }
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    BuildError::Config(
                        "OUT_DIR is not set: call Builder::compile from build.rs, or set out_dir"
                            .into(),
                    )
                })?,
        };
        let model_file = ModelFile {
            module: self.module.clone(),
            manifest_path: path.display().to_string(),
            model: manifest.model.clone(),
        };
        // Compact: every `#[operation]` of the crate reads it, in a proc macro that cargo
        // builds unoptimised by default, where skipping whitespace is a measurable cost.
        let model_json =
            serde_json::to_string(&model_file).map_err(|e| BuildError::Config(e.to_string()))?;
        let stamp_path = out_dir.join(STAMP_FILE);
        let stamp = stamp(&model_json);
        let module_file = std::path::absolute(out_dir.join(MODULE_FILE))
            .map_err(|e| BuildError::Io(out_dir.join(MODULE_FILE), e))?;
        let declaration = declaration(&self.module, &module_file, &manifest.model.manifest)?;
        let outputs = [
            module_file,
            out_dir.join(DECLARATION_FILE),
            out_dir.join(MODEL_FILE),
            out_dir.join("API.md"),
        ];
        let up_to_date = stamp.as_ref().is_some_and(|stamp| {
            std::fs::read_to_string(&stamp_path).is_ok_and(|old| old == *stamp)
                && outputs.iter().all(|path| path.is_file())
        });
        if up_to_date {
            // The same model and the same generator: the files on disk are what generating
            // again would write.
            return Ok(manifest);
        }
        write_if_changed(&outputs[0], &manifest.generate())?;
        write_if_changed(&outputs[1], &declaration)?;
        write_if_changed(&outputs[2], &model_json)?;
        write_if_changed(&outputs[3], &manifest.docs())?;
        if let Some(stamp) = stamp {
            write_if_changed(&stamp_path, &stamp)?;
        }
        Ok(manifest)
    }

    /// [`Builder::compile`], and on error print every diagnostic and exit the build script
    /// with status 1: one `cargo::error=` line each, and the rendered report on stderr.
    pub fn compile_or_exit(&self) -> Manifest {
        match self.compile() {
            Ok(manifest) => manifest,
            Err(error) => {
                if let BuildError::Manifest(report) = &error {
                    for diagnostic in report.diagnostics() {
                        println!(
                            "cargo::error={}",
                            single_line(&diagnostic.one_line(report.source()))
                        );
                    }
                } else {
                    println!("cargo::error={}", single_line(&error.to_string()));
                }
                eprintln!("{error}");
                std::process::exit(1);
            }
        }
    }
}

/// Why a build could not generate the gateway.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The manifest did not load or validate; the report holds every diagnostic.
    Manifest(Report),
    /// A generated file could not be written.
    Io(PathBuf, std::io::Error),
    /// The builder was misconfigured.
    Config(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Manifest(report) => write!(f, "{report}"),
            BuildError::Io(path, error) => write!(f, "cannot write `{}`: {error}", path.display()),
            BuildError::Config(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for BuildError {}

/// The generated module's file.
const MODULE_FILE: &str = "gateway_module.rs";

/// The file `include_gateway!()` includes: the module's declaration.
const DECLARATION_FILE: &str = "gateway.rs";

/// The text of the declaration file: `pub mod module;`, with the module's file named by its
/// absolute path, the one form `#[path]` gives the same meaning in an included file.
fn declaration(module: &str, file: &Path, manifest: &str) -> Result<String, BuildError> {
    let path = file.to_str().ok_or_else(|| {
        BuildError::Config(format!(
            "the output directory `{}` is not valid UTF-8, which `#[path]` needs: set \
             Builder::out_dir to a UTF-8 path",
            file.display()
        ))
    })?;
    Ok(format!(
        "{}\n#[path = {path:?}]\npub mod {module};\n",
        crate::generate::header(manifest)
    ))
}

/// The file that records what the files in `OUT_DIR` were generated from.
const STAMP_FILE: &str = "gateway.stamp";

/// What the generated files depend on: the validated model (with the module's name and the
/// manifest's path) and the generator, identified by the build script's executable, which
/// cargo links anew whenever the generator or the build script changes. `None` when the
/// executable cannot be identified: then the files are always generated.
fn stamp(model_json: &str) -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let metadata = std::fs::metadata(&exe).ok()?;
    let modified = metadata
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut hasher = std::hash::DefaultHasher::new();
    std::hash::Hash::hash(model_json, &mut hasher);
    Some(format!(
        "generator {} {} {} {}.{:09}\nmodel {:016x}\n",
        env!("CARGO_PKG_VERSION"),
        exe.display(),
        metadata.len(),
        modified.as_secs(),
        modified.subsec_nanos(),
        std::hash::Hasher::finish(&hasher)
    ))
}

/// Writes `content` unless the file already holds it, so unchanged output keeps its mtime.
pub(crate) fn write_if_changed(path: &Path, content: &str) -> Result<bool, BuildError> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(false);
    }
    std::fs::write(path, content).map_err(|e| BuildError::Io(path.to_owned(), e))?;
    Ok(true)
}

fn single_line(text: &str) -> String {
    text.replace('\n', " ")
}
