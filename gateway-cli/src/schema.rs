//! `gateway schema`: the manifest format's JSON Schema, for editors.

use crate::output::{self, Outcome};

/// Prints the JSON Schema of `operations.yaml` (for `# yaml-language-server: $schema=`).
pub fn run() -> Outcome {
    output::print(&gateway_codegen::schema::manifest_schema())
}
