//! `gateway`: the command-line companion of `operations.yaml`.
//!
//! ```text
//! gateway check [operations.yaml]    validate, printing every diagnostic like rustc
//! gateway schema                     the manifest format's JSON Schema
//! gateway docs [operations.yaml]     the Markdown API reference
//! ```

use clap::{Parser, Subcommand};
use gateway_codegen::{Manifest, Report};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Checks and documents gateway manifests.
#[derive(Debug, Parser)]
#[command(name = "gateway", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validates a manifest and prints every error and warning; exits 1 on errors.
    Check {
        /// The manifest to check.
        #[arg(default_value = "operations.yaml")]
        manifest: PathBuf,
    },
    /// Prints the JSON Schema of the manifest format (for `# yaml-language-server: $schema=`).
    Schema,
    /// Prints the Markdown API reference of a manifest.
    Docs {
        /// The manifest to document.
        #[arg(default_value = "operations.yaml")]
        manifest: PathBuf,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { manifest } => check(&manifest),
        Command::Schema => print(&gateway_codegen::schema::manifest_schema()),
        Command::Docs { manifest } => match load(&manifest) {
            Ok(loaded) => print(&loaded.docs()),
            Err(report) => fail(&report),
        },
    }
}

fn load(path: &std::path::Path) -> Result<Manifest, Report> {
    Manifest::read(path, &path.display().to_string())
}

fn check(path: &std::path::Path) -> ExitCode {
    let manifest = match load(path) {
        Ok(manifest) => manifest,
        Err(report) => return fail(&report),
    };
    let mut stderr = anstream::stderr();
    for warning in &manifest.warnings {
        let _ = writeln!(
            stderr,
            "{}\n",
            warning.render_styled(&manifest.source, styled())
        );
    }
    let operations = manifest.model.operations().count();
    let interfaces = manifest.model.interfaces.len();
    print(&format!(
        "{}: {operations} operation{} in {interfaces} interface{}, no errors\n",
        path.display(),
        if operations == 1 { "" } else { "s" },
        if interfaces == 1 { "" } else { "s" },
    ))
}

fn fail(report: &Report) -> ExitCode {
    let _ = writeln!(anstream::stderr(), "{}", report.render(styled()));
    ExitCode::FAILURE
}

fn print(text: &str) -> ExitCode {
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

/// Colours when stderr is a terminal and `NO_COLOR` is unset.
fn styled() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}
