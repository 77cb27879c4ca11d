//! `gateway check`: validates a manifest and prints every diagnostic.

use crate::output::{self, Failure, Outcome, plural};
use gateway_codegen::{Diagnostic, Manifest, Severity, SourceFile};
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `gateway check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The manifest to check.
    #[arg(default_value = "operations.yaml")]
    manifest: PathBuf,
    /// `text`: diagnostics rendered like rustc on stderr; `json`: one JSON object on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// How `check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Rendered diagnostics on stderr, a summary line on stdout.
    Text,
    /// A JSON object on stdout: counts and every diagnostic.
    Json,
}

/// Runs `gateway check`: exit status 1 when the manifest has errors.
pub fn run(args: Args) -> Outcome {
    let name = args.manifest.display().to_string();
    match args.format {
        Format::Text => {
            let manifest = output::load(&args.manifest)?;
            let operations = manifest.model.operations().count();
            let interfaces = manifest.model.interfaces.len();
            output::print(&format!(
                "{name}: {} in {}, no errors\n",
                plural(operations, "operation"),
                plural(interfaces, "interface"),
            ))
        }
        Format::Json => {
            let result = Manifest::read(&args.manifest, &name);
            let summary = match &result {
                Ok(manifest) => Summary {
                    manifest: name,
                    ok: true,
                    operations: manifest.model.operations().count(),
                    interfaces: manifest.model.interfaces.len(),
                    diagnostics: json_diagnostics(&manifest.warnings, &manifest.source),
                },
                Err(report) => Summary {
                    manifest: name,
                    ok: false,
                    operations: 0,
                    interfaces: 0,
                    diagnostics: json_diagnostics(report.diagnostics(), report.source()),
                },
            };
            output::print_json(&summary)?;
            if summary.ok {
                Ok(())
            } else {
                Err(Failure::Quiet)
            }
        }
    }
}

/// What `check --format json` prints.
#[derive(Debug, Serialize)]
struct Summary {
    manifest: String,
    ok: bool,
    operations: usize,
    interfaces: usize,
    diagnostics: Vec<JsonDiagnostic>,
}

/// One diagnostic as JSON.
#[derive(Debug, Serialize)]
struct JsonDiagnostic {
    severity: &'static str,
    message: String,
    /// `file:line:col`, or the file alone.
    location: String,
    line: Option<u32>,
    column: Option<u32>,
    label: Option<String>,
    notes: Vec<String>,
    help: Option<String>,
}

fn json_diagnostics(diagnostics: &[Diagnostic], source: &SourceFile) -> Vec<JsonDiagnostic> {
    diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            message: d.message.clone(),
            location: d.location(source),
            line: d.span.map(|s| s.line),
            column: d.span.map(|s| s.column),
            label: d.label.clone(),
            notes: d.notes.clone(),
            help: d.help.clone(),
        })
        .collect()
}
