//! `gateway`: the command-line companion of `operations.yaml`.
//!
//! ```text
//! gateway check [operations.yaml]              validate, printing every diagnostic like rustc
//! gateway schema                               the manifest format's JSON Schema
//! gateway docs [operations.yaml]               the Markdown API reference (--format openapi:
//!                                              an OpenAPI 3.1 document of the HTTP routes)
//! gateway list [operations.yaml]               the operations and their flags (text or JSON)
//! gateway new INTERFACE.operation [--param ..] add an operation: manifest entry, core
//!                                              function stub and test, in one step
//! gateway generate [operations.yaml]           write the generated module into the source
//!                                              tree (--check: fail if it is out of date)
//! ```
//!
//! `docs/CLI.md` describes every subcommand.

mod check;
mod docs;
mod generate;
mod list;
mod new;
mod output;
mod schema;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Checks, documents, lists and extends gateway manifests.
#[derive(Debug, Parser)]
#[command(name = "gateway", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validates a manifest and prints every error and warning; exits 1 on errors.
    Check(check::Args),
    /// Prints the JSON Schema of the manifest format (for `# yaml-language-server: $schema=`).
    Schema,
    /// Prints the Markdown API reference of a manifest, or its OpenAPI 3.1 document.
    Docs(docs::Args),
    /// Lists the operations with their parameters and flags.
    List(list::Args),
    /// Adds an operation to a crate that uses the gateway: the manifest entry, a core
    /// function stub and a test.
    New(new::Args),
    /// Writes the generated gateway module into the source tree, or checks that it is current.
    Generate(generate::Args),
}

fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        Command::Check(args) => check::run(args),
        Command::Schema => schema::run(),
        Command::Docs(args) => docs::run(args),
        Command::List(args) => list::run(args),
        Command::New(args) => new::run(args),
        Command::Generate(args) => generate::run(args),
    };
    output::finish(outcome)
}
