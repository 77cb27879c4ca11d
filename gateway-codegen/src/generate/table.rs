//! The operation table: every operation's descriptor as one line of JSON, which the runtime's
//! `OperationTable` decodes on first use.
//!
//! Descriptors built by `const` constructor chains were a fifth of a large gateway's tokens,
//! and rustc spent 8% of `cargo check` on them (docs/PERFORMANCE.md); a string is one token.
//! The format is the runtime's (`gateway_runtime::OperationTable` documents each field), and
//! [`FORMAT`] its version: the generated code states it, and the runtime refuses another at
//! compile time.

use super::types::{Paths, rust_type};
use crate::model::{Model, Operation, Param, Priority, Type, Visibility};
use proc_macro2::TokenStream;
use quote::quote;
use serde::Serialize;
use serde_json::Value;

/// The version of the table format written here; it must be `gateway_runtime::TABLE_FORMAT`.
pub const FORMAT: u32 = 1;

/// The table's text, one line per operation in registry order, and the schema functions its
/// Rust-typed parameters name by index.
pub fn table(model: &Model) -> (String, Vec<TokenStream>) {
    let mut schemas = Vec::new();
    let mut text = String::from("\n");
    let operations = model
        .interfaces
        .iter()
        .enumerate()
        .flat_map(|(index, interface)| interface.operations.iter().map(move |op| (index, op)));
    for (interface, op) in operations {
        let entry = Entry::new(op, interface, &mut schemas);
        // Serializing plain structs of strings, numbers and JSON values cannot fail.
        text.push_str(&serde_json::to_string(&entry).unwrap_or_default());
        text.push('\n');
    }
    (text, schemas)
}

/// `text` as a raw string literal, with as many `#`s as it needs to stay one.
pub fn raw_string(text: &str) -> TokenStream {
    let hashes = (0..)
        .map(|n| "#".repeat(n))
        .find(|hashes| !text.contains(&format!("\"{hashes}")))
        .unwrap_or_default();
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .unwrap_or_else(|_| quote!(#text))
}

#[derive(Serialize)]
struct Entry<'m> {
    name: String,
    wrapper: &'m str,
    interface: usize,
    line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'m str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    params: Vec<ParamEntry<'m>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    returns: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cacheable: Option<CacheEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout_ms: Option<u128>,
    #[serde(skip_serializing_if = "Option::is_none")]
    batch: Option<BatchEntry<'m>>,
    #[serde(skip_serializing_if = "is_false")]
    internal: bool,
    #[serde(skip_serializing_if = "is_false")]
    critical: bool,
    #[serde(rename = "async", skip_serializing_if = "is_false")]
    is_async: bool,
}

#[derive(Serialize)]
struct ParamEntry<'m> {
    name: &'m str,
    #[serde(rename = "type")]
    ty: String,
    #[serde(skip_serializing_if = "is_false")]
    required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    default: Option<&'m Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'m str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema: Option<usize>,
}

#[derive(Serialize)]
struct CacheEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    ttl_ms: Option<u128>,
}

#[derive(Serialize)]
struct BatchEntry<'m> {
    operation: &'m str,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_size: Option<u32>,
}

fn is_false(flag: &bool) -> bool {
    !flag
}

impl<'m> Entry<'m> {
    fn new(op: &'m Operation, interface: usize, schemas: &mut Vec<TokenStream>) -> Self {
        Self {
            name: op.qualified_name(),
            wrapper: &op.wrapper,
            interface,
            line: op.location.line,
            description: op.description.as_deref(),
            params: op
                .params
                .iter()
                .map(|param| ParamEntry::new(param, schemas))
                .collect(),
            returns: (op.returns != Type::None).then(|| op.returns.manifest_name()),
            cacheable: op.cacheable.as_ref().map(|cache| CacheEntry {
                ttl_ms: cache.ttl.map(|ttl| ttl.as_millis()),
            }),
            timeout_ms: op.timeout.map(|timeout| timeout.as_millis()),
            batch: op.batch.as_ref().map(|batch| BatchEntry {
                operation: &batch.operation,
                max_size: batch.max_size,
            }),
            internal: op.visibility == Visibility::Internal,
            critical: op.priority == Priority::Critical,
            is_async: op.is_async,
        }
    }
}

impl<'m> ParamEntry<'m> {
    fn new(param: &'m Param, schemas: &mut Vec<TokenStream>) -> Self {
        // Only a Rust type's `JsonSchema` impl knows its schema: that stays code.
        let schema = names_rust_type(&param.ty).then(|| {
            let ty = rust_type(&param.ty, Paths::Generated);
            schemas.push(quote!(::gateway_runtime::schema_of::<#ty>));
            schemas.len() - 1
        });
        Self {
            name: &param.name,
            ty: param.ty.manifest_name(),
            required: param.required,
            default: param.default.as_ref(),
            description: param.description.as_deref(),
            schema,
        }
    }
}

/// Whether `ty` is or contains a Rust type.
fn names_rust_type(ty: &Type) -> bool {
    match ty {
        Type::Rust(_) => true,
        Type::ListOf(inner) | Type::MapOf(inner) | Type::Optional(inner) => names_rust_type(inner),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_string_takes_the_hashes_its_text_needs() {
        assert_eq!(raw_string("{}").to_string(), "r\"{}\"");
        assert_eq!(raw_string(r#"{"a":1}"#).to_string(), "r#\"{\"a\":1}\"#");
        assert_eq!(
            raw_string(r##"{"a":"x"#"}"##).to_string(),
            "r##\"{\"a\":\"x\"#\"}\"##"
        );
    }
}
