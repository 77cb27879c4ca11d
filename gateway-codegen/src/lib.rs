//! Turns an `operations.yaml` manifest into a checked, typed, documented gateway.
//!
//! The pipeline runs in one direction:
//!
//! ```text
//! text -> load (YAML with spans) -> validate (every error) -> Model -> generate / docs
//! ```
//!
//! Build scripts use [`Builder`]; the `gateway-macros` crate and the `gateway` CLI call the
//! same functions, so every way in yields the same code and the same diagnostics.
//!
//! ```no_run
//! // build.rs, in `fn main()`:
//! gateway_codegen::Builder::new().compile_or_exit();
//! ```

pub mod attr;
mod builder;
pub mod derive;
pub mod diagnostic;
pub mod docs;
pub mod generate;
pub mod load;
pub mod macros;
pub mod model;
pub mod openapi;
pub mod schema;
pub mod source;
mod suggest;
pub mod validate;

pub use builder::{BuildError, Builder};
pub use diagnostic::{Diagnostic, Diagnostics, Report, Severity};
pub use model::Model;
pub use source::SourceFile;

use std::path::Path;

/// A manifest that loaded and validated: its text, its model and any warnings.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The text the model came from.
    pub source: SourceFile,
    /// The validated model.
    pub model: Model,
    /// Diagnostics that did not stop validation.
    pub warnings: Vec<Diagnostic>,
}

impl Manifest {
    /// Loads and validates manifest text, collecting every error into the report.
    pub fn parse(source: SourceFile) -> Result<Self, Report> {
        let mut diags = Diagnostics::new();
        let model = load::load(&source, &mut diags)
            .map(|ast| validate::validate(&source, &ast, &mut diags));
        let (model, warnings) = diags.finish(&source, model)?;
        match model {
            Some(model) => Ok(Self {
                source,
                model,
                warnings,
            }),
            // `load` only returns `None` after reporting an error, so this is not reached.
            None => Err(Report::new(source, Vec::new())),
        }
    }

    /// Reads and validates the manifest at `path`, reported under `name`.
    pub fn read(path: &Path, name: &str) -> Result<Self, Report> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(SourceFile::new(name, text)),
            Err(error) => {
                let source = SourceFile::new(name, "");
                let mut diagnostic = Diagnostic::new(
                    Severity::Error,
                    None,
                    format!("cannot read the manifest `{}`: {error}", path.display()),
                );
                diagnostic.help("check that the file exists and is readable");
                Err(Report::new(source, vec![diagnostic]))
            }
        }
    }

    /// The source file of the generated `gateway` module, formatted: declare it with
    /// `pub mod gateway;` (or let `Builder` and `gateway_runtime::include_gateway!()` do it).
    pub fn generate(&self) -> String {
        generate::module_source(&self.model)
    }

    /// The Markdown API reference.
    pub fn docs(&self) -> String {
        docs::markdown(&self.model)
    }

    /// The OpenAPI 3.1 document (JSON) of the public HTTP routes.
    pub fn openapi(&self, info: &openapi::ApiInfo) -> String {
        openapi::to_json(&self.model, info)
    }
}
