//! `gateway docs`: the Markdown API reference, or the OpenAPI 3.1 document of the HTTP routes.

use crate::output::{self, Outcome};
use gateway_codegen::openapi::ApiInfo;
use std::path::PathBuf;

/// Arguments of `gateway docs`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The manifest to document.
    #[arg(default_value = "operations.yaml")]
    manifest: PathBuf,
    /// `markdown`: the API reference of every operation; `openapi`: an OpenAPI 3.1 document
    /// (JSON) of the public HTTP routes.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// The API's title in the OpenAPI document (`info.title`).
    #[arg(long, default_value = "gateway")]
    title: String,
    /// The API's version in the OpenAPI document (`info.version`).
    #[arg(long, default_value = "0.1.0")]
    api_version: String,
}

/// What `docs` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The Markdown API reference (typed wrappers, parameters, flags), internal operations
    /// included and marked.
    Markdown,
    /// An OpenAPI 3.1 document of the HTTP routes: public operations only.
    Openapi,
}

/// Runs `gateway docs`.
pub fn run(args: Args) -> Outcome {
    let manifest = output::load(&args.manifest)?;
    match args.format {
        Format::Markdown => output::print(&manifest.docs()),
        Format::Openapi => output::print(&manifest.openapi(&ApiInfo {
            title: args.title,
            version: args.api_version,
        })),
    }
}
