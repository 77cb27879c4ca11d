//! What the proc macros in `gateway-macros` do, as plain functions testable without rustc.
//!
//! Both macros need the validated model. A crate with a `Builder` build script has it in
//! `OUT_DIR/gateway-model.json`; otherwise the manifest is found and validated here, once per
//! compilation: results are cached by path and content for the life of the compiler process.

use crate::{Manifest, Report, model::Model};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// The file `Builder` writes next to the generated code for the macros.
pub const MODEL_FILE: &str = "gateway-model.json";
/// The manifest's file name when none is given.
pub const DEFAULT_MANIFEST: &str = "operations.yaml";

/// The contents of [`MODEL_FILE`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelFile {
    /// The generated module's name.
    pub module: String,
    /// The manifest's absolute path.
    pub manifest_path: String,
    /// The validated model.
    pub model: Model,
}

/// A validated model ready for a macro.
#[derive(Debug, Clone)]
pub struct Located {
    /// The model.
    pub model: Arc<Model>,
    /// The generated module's name, for paths such as `crate::gateway::ops`.
    pub module: String,
    /// The manifest's absolute path.
    pub manifest_path: PathBuf,
}

/// Why no model could be found or loaded.
#[derive(Debug, Clone)]
pub enum LocateError {
    /// No manifest was found; the message says where it was looked for.
    NotFound(String),
    /// The manifest has errors.
    Invalid(Arc<Report>),
}

/// Finds the model for a macro invoked in `call_file`.
///
/// Order: an explicit `manifest = "..."` (relative to the calling file, else to the crate
/// root); the model a build script left in `OUT_DIR`; `operations.yaml` in the calling file's
/// folder or a parent, up to the folder holding `Cargo.toml`; `operations.yaml` at the crate
/// root.
pub fn locate(call_file: Option<&Path>, explicit: Option<&str>) -> Result<Located, LocateError> {
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    // rustc reports source paths relative to its working directory.
    let call_dir = call_file.and_then(Path::parent).map(|dir| {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned())
    });
    if let Some(explicit) = explicit {
        let base = call_dir.as_deref().unwrap_or(&crate_dir);
        return load_manifest(&base.join(explicit), explicit);
    }
    if let Some(out_dir) = std::env::var_os("OUT_DIR") {
        let model_file = Path::new(&out_dir).join(MODEL_FILE);
        if model_file.is_file() {
            return load_model_file(&model_file);
        }
    }
    let mut searched = Vec::new();
    let mut dir = call_dir.clone();
    while let Some(current) = dir {
        let candidate = current.join(DEFAULT_MANIFEST);
        if candidate.is_file() {
            return load_manifest(&candidate, &display_name(&candidate, &crate_dir));
        }
        searched.push(current.display().to_string());
        if current.join("Cargo.toml").is_file() {
            break;
        }
        dir = current.parent().map(Path::to_owned);
    }
    let at_root = crate_dir.join(DEFAULT_MANIFEST);
    if at_root.is_file() {
        return load_manifest(&at_root, DEFAULT_MANIFEST);
    }
    searched.push(crate_dir.display().to_string());
    Err(LocateError::NotFound(format!(
        "no `{DEFAULT_MANIFEST}` found (looked in: {}); name it with `manifest = \"path/to/operations.yaml\"` \
         or generate the gateway from build.rs with gateway_codegen::Builder",
        searched.join(", ")
    )))
}

/// A file's content as last read, with the length and modification time it had then, and
/// what loading it gave.
struct Cached {
    seen: Option<(u64, std::time::SystemTime)>,
    content: String,
    result: Result<Located, LocateError>,
}

/// The length and modification time of `path`, when the file system tells them.
fn stamp(path: &Path) -> Option<(u64, std::time::SystemTime)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.len(), metadata.modified().ok()?))
}

fn cache() -> &'static Mutex<HashMap<PathBuf, Cached>> {
    static CACHE: std::sync::OnceLock<Mutex<HashMap<PathBuf, Cached>>> = std::sync::OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Returns the cached result of `path` if the file did not change: the same length and
/// modification time (every `#[operation]` of a crate asks, so the file is not read again
/// each time), or failing that the same content.
fn cached(
    path: &Path,
    load: impl FnOnce(&str) -> Result<Located, LocateError>,
) -> Result<Located, LocateError> {
    let seen = stamp(path);
    {
        let entries = cache().lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(cached) = entries.get(path)
            && seen.is_some()
            && cached.seen == seen
        {
            return cached.result.clone();
        }
    }
    let content = std::fs::read_to_string(path)
        .map_err(|e| {
            LocateError::NotFound(format!(
                "cannot read the manifest `{}`: {e}\n= help: `manifest = \"...\"` is relative to the file that names it",
                path.display()
            ))
        })?;
    let mut cache = cache().lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(cached) = cache.get_mut(path)
        && cached.content == content
    {
        cached.seen = seen;
        return cached.result.clone();
    }
    let result = load(&content);
    let entry = Cached {
        seen,
        content,
        result: result.clone(),
    };
    cache.insert(path.to_owned(), entry);
    result
}

/// How diagnostics name a manifest found by searching: relative to the crate when inside it.
fn display_name(path: &Path, crate_dir: &Path) -> String {
    match path.strip_prefix(crate_dir) {
        Ok(relative) => relative.display().to_string(),
        Err(_) => path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
    }
}

fn load_manifest(path: &Path, name: &str) -> Result<Located, LocateError> {
    cached(path, |text| {
        let manifest = Manifest::parse(crate::SourceFile::new(name, text))
            .map_err(|r| LocateError::Invalid(Arc::new(r)))?;
        Ok(Located {
            model: Arc::new(manifest.model),
            module: crate::generate::DEFAULT_MODULE.to_owned(),
            manifest_path: path.to_owned(),
        })
    })
}

fn load_model_file(path: &Path) -> Result<Located, LocateError> {
    cached(path, |text| {
        let file: ModelFile = serde_json::from_str(text).map_err(|e| {
            LocateError::NotFound(format!(
                "`{}` is not a model written by this version of gateway-codegen ({e}); rebuild the crate",
                path.display()
            ))
        })?;
        Ok(Located {
            model: Arc::new(file.model),
            module: file.module,
            manifest_path: PathBuf::from(file.manifest_path),
        })
    })
}

impl LocateError {
    /// The error as a compile error at `span`. A full report is shown once, by `gateway!`;
    /// `#[operation]` passes `brief` and only names the first problem.
    pub fn to_compile_error(&self, span: Span, brief: bool) -> TokenStream {
        let message = match self {
            LocateError::NotFound(message) => message.clone(),
            LocateError::Invalid(report) if brief => {
                let first = report
                    .one_line_messages()
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                format!(
                    "cannot check this function: `{}` has {} error(s), the first being:\n{first}",
                    report.source().name(),
                    report.error_count()
                )
            }
            LocateError::Invalid(report) => {
                let errors = report.error_count();
                let plural = if errors == 1 { "" } else { "s" };
                let rendered: Vec<String> = report
                    .diagnostics()
                    .iter()
                    .map(|d| d.render(report.source()))
                    .collect();
                format!(
                    "`{}` has {errors} error{plural}:\n\n{}",
                    report.source().name(),
                    rendered.join("\n\n")
                )
            }
        };
        syn::Error::new(span, message).to_compile_error()
    }
}

/// `gateway!(...)`: the generated module, plus a dependency on the manifest file so cargo
/// rebuilds when it changes.
pub fn expand_gateway(args: TokenStream, call_file: Option<&Path>) -> TokenStream {
    let explicit = match parse_gateway_args(args) {
        Ok(explicit) => explicit,
        Err(error) => return error.to_compile_error(),
    };
    match locate(
        call_file,
        explicit.as_ref().map(|lit| lit.value()).as_deref(),
    ) {
        Ok(located) => {
            let module = crate::generate::module_tokens(&located.model, &located.module);
            let path = located.manifest_path.display().to_string();
            quote! {
                const _: &[u8] = include_bytes!(#path);
                #module
            }
        }
        Err(error) => {
            let span = explicit.map_or_else(Span::call_site, |lit| lit.span());
            error.to_compile_error(span, false)
        }
    }
}

fn parse_gateway_args(args: TokenStream) -> syn::Result<Option<syn::LitStr>> {
    if args.is_empty() {
        return Ok(None);
    }
    let parser = |input: syn::parse::ParseStream<'_>| {
        if input.peek(syn::LitStr) {
            return input.parse::<syn::LitStr>();
        }
        let key: syn::Ident = input.parse()?;
        if key != "manifest" {
            return Err(syn::Error::new(
                key.span(),
                "unknown argument; expected `manifest = \"path/to/operations.yaml\"`",
            ));
        }
        input.parse::<syn::Token![=]>()?;
        input.parse::<syn::LitStr>()
    };
    syn::parse::Parser::parse2(parser, args).map(Some)
}
