//! `gateway list`: every operation with its parameters and flags, as text or JSON.

use crate::output::{self, Outcome};
use gateway_codegen::model::{Operation, Param, Priority, Visibility};
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `gateway list`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The manifest to list.
    #[arg(default_value = "operations.yaml")]
    manifest: PathBuf,
    /// `text`: one aligned line per operation; `json`: a JSON array of operations.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// How `list` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per operation: name, wrapper, signature, flags.
    Text,
    /// A JSON array with every field of every operation.
    Json,
}

/// Runs `gateway list`: operations in manifest order, interface by interface.
pub fn run(args: Args) -> Outcome {
    let manifest = output::load(&args.manifest)?;
    let operations: Vec<&Operation> = manifest.model.operations().collect();
    match args.format {
        Format::Text => output::print(&text(&operations)),
        Format::Json => {
            let listed: Vec<Listed<'_>> = operations.iter().map(|op| listed(op)).collect();
            output::print_json(&listed)
        }
    }
}

/// `CACHE.get  cache_get  (key: string, default?: any) -> any  [public, cacheable, ...]`, the
/// name and wrapper columns aligned.
fn text(operations: &[&Operation]) -> String {
    let rows: Vec<[String; 4]> = operations
        .iter()
        .map(|op| {
            [
                op.qualified_name(),
                op.wrapper.clone(),
                format!(
                    "({}) -> {}",
                    op.params.iter().map(param).collect::<Vec<_>>().join(", "),
                    op.returns.manifest_name()
                ),
                format!("[{}]", flags(op).join(", ")),
            ]
        })
        .collect();
    let width = |column: usize| rows.iter().map(|r| r[column].len()).max().unwrap_or(0);
    let (name, wrapper) = (width(0), width(1));
    rows.iter()
        .map(|[a, b, c, d]| format!("{a:name$}  {b:wrapper$}  {c}  {d}\n"))
        .collect()
}

/// `key: string`, `ttl: int = 300`, `tag?: string` (optional: omitted or null is `None`).
fn param(param: &Param) -> String {
    let ty = param.ty.manifest_name();
    match &param.default {
        Some(default) => format!("{}: {ty} = {default}", param.name),
        None if param.required => format!("{}: {ty}", param.name),
        None => format!("{}?: {ty}", param.name),
    }
}

/// `public`/`internal`, then what the manifest declares beyond the defaults.
fn flags(op: &Operation) -> Vec<String> {
    let mut flags = vec![visibility(op.visibility).to_owned()];
    if op.priority == Priority::Critical {
        flags.push("critical".into());
    }
    if op.is_async {
        flags.push("async".into());
    }
    if let Some(cache) = &op.cacheable {
        flags.push(match cache.ttl {
            Some(ttl) => format!("cacheable ttl={}", humantime::format_duration(ttl)),
            None => "cacheable".into(),
        });
    }
    if let Some(timeout) = op.timeout {
        flags.push(format!("timeout={}", humantime::format_duration(timeout)));
    }
    if let Some(batch) = &op.batch {
        flags.push(match batch.max_size {
            Some(max) => format!("batch={} max={max}", batch.operation),
            None => format!("batch={}", batch.operation),
        });
    }
    flags
}

fn visibility(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Public => "public",
        Visibility::Internal => "internal",
    }
}

/// One operation in `list --format json`.
#[derive(Debug, Serialize)]
struct Listed<'a> {
    interface: &'a str,
    operation: &'a str,
    wrapper: &'a str,
    description: Option<&'a str>,
    parameters: Vec<ListedParam<'a>>,
    returns: String,
    visibility: &'static str,
    priority: &'static str,
    #[serde(rename = "async")]
    is_async: bool,
    cacheable: bool,
    cache_ttl_ms: Option<u64>,
    timeout_ms: Option<u64>,
    batch: Option<ListedBatch<'a>>,
    /// The manifest line of the entry.
    line: u32,
}

/// One parameter in `list --format json`.
#[derive(Debug, Serialize)]
struct ListedParam<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    ty: String,
    required: bool,
    /// Absent or null when omitting the parameter gives the core function `None`.
    default: Option<&'a serde_json::Value>,
    description: Option<&'a str>,
}

/// A batch partner in `list --format json`.
#[derive(Debug, Serialize)]
struct ListedBatch<'a> {
    operation: &'a str,
    max_size: Option<u32>,
}

fn listed(op: &Operation) -> Listed<'_> {
    Listed {
        interface: &op.interface,
        operation: &op.name,
        wrapper: &op.wrapper,
        description: op.description.as_deref(),
        parameters: op
            .params
            .iter()
            .map(|p| ListedParam {
                name: &p.name,
                ty: p.ty.manifest_name(),
                required: p.required,
                default: p.default.as_ref(),
                description: p.description.as_deref(),
            })
            .collect(),
        returns: op.returns.manifest_name(),
        visibility: visibility(op.visibility),
        priority: match op.priority {
            Priority::Normal => "normal",
            Priority::Critical => "critical",
        },
        is_async: op.is_async,
        cacheable: op.cacheable.is_some(),
        cache_ttl_ms: op
            .cacheable
            .as_ref()
            .and_then(|c| c.ttl)
            .map(|ttl| ttl.as_millis() as u64),
        timeout_ms: op.timeout.map(|t| t.as_millis() as u64),
        batch: op.batch.as_ref().map(|b| ListedBatch {
            operation: &b.operation,
            max_size: b.max_size,
        }),
        line: op.location.line,
    }
}
