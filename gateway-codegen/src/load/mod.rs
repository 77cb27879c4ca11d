//! Loading: manifest text to a [`ManifestAst`] whose every value knows its place.

pub mod ast;
pub mod decode;
pub mod node;
pub mod yaml;

use crate::diagnostic::Diagnostics;
use crate::source::SourceFile;
use ast::ManifestAst;

/// Parses and decodes `source`, reporting every problem into `diags`.
///
/// Returns `None` only when the YAML itself could not be read; otherwise the AST holds
/// everything that could be decoded, even if `diags` holds errors.
pub fn load(source: &SourceFile, diags: &mut Diagnostics) -> Option<ManifestAst> {
    let root = yaml::parse(source, diags)?;
    Some(decode::decode(&root, diags))
}
