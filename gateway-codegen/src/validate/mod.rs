//! Validation: the decoded manifest checked as a whole and turned into the [`Model`].
//!
//! Every rule reports into the same [`Diagnostics`]; a broken entry is left out of the model
//! after its errors are recorded, so one mistake does not hide the next.

mod batch;
mod defaults;
mod events;
pub mod names;
pub mod types;

use crate::diagnostic::Diagnostics;
use crate::load::ast::{CacheableAst, InterfaceAst, ManifestAst, OperationAst, ParamAst, Spanned};
use crate::model::{CachePolicy, Interface, Location, Model, Operation, Param, Type};
use crate::source::{SourceFile, Span};
use crate::suggest::did_you_mean;
use names::NameKind;
use std::collections::HashMap;
use types::{TypePosition, parse_type};

/// Validates `ast` and builds the model; problems go to `diags`.
pub fn validate(source: &SourceFile, ast: &ManifestAst, diags: &mut Diagnostics) -> Model {
    let mut operations: Vec<(Operation, &OperationAst)> = Vec::new();
    for entry in &ast.operations {
        if let Some(op) = operation(source, entry, diags) {
            operations.push((op, entry));
        }
    }
    check_unique_pairs(&operations, diags);
    check_type_names(&operations, diags);
    check_default_names(&operations, diags);
    batch::check(&mut operations, &ast.operations, diags);

    let mut interfaces: Vec<Interface> = Vec::new();
    for (op, _) in operations {
        match interfaces.iter_mut().find(|i| i.name == op.interface) {
            Some(interface) => interface.operations.push(op),
            None => interfaces.push(Interface {
                name: op.interface.clone(),
                description: None,
                state: None,
                preload: false,
                unload: Default::default(),
                operations: vec![op],
            }),
        }
    }
    for settings in &ast.interfaces {
        apply_settings(settings, &mut interfaces, diags);
    }
    let events = events::check(&ast.events, &interfaces, diags);
    Model {
        manifest: source.name().to_owned(),
        interfaces,
        events,
    }
}

fn operation(
    source: &SourceFile,
    entry: &OperationAst,
    diags: &mut Diagnostics,
) -> Option<Operation> {
    let wrapper_ok = names::check(&entry.wrapper, NameKind::Wrapper, diags);
    let interface_ok =
        (entry.interface.as_ref()).is_some_and(|i| names::check(i, NameKind::Interface, diags));
    let name_ok =
        (entry.operation.as_ref()).is_some_and(|o| names::check(o, NameKind::Operation, diags));
    let returns = match &entry.returns {
        Some(text) => type_of(source, text, TypePosition::Returns, diags),
        None => Some(Type::None),
    };
    let params = params(source, &entry.parameters, diags);
    let cacheable = entry.cacheable.as_ref().and_then(|c| match c.value {
        CacheableAst::Flag(false) => None,
        CacheableAst::Flag(true) => Some(CachePolicy { ttl: None }),
        CacheableAst::Ttl(ttl) => Some(CachePolicy { ttl }),
    });
    let (Some(interface), Some(name)) = (&entry.interface, &entry.operation) else {
        return None;
    };
    if !(wrapper_ok && interface_ok && name_ok) {
        return None;
    }
    Some(Operation {
        wrapper: entry.wrapper.value.clone(),
        interface: interface.value.clone(),
        name: name.value.clone(),
        description: entry
            .description
            .as_ref()
            .map(|d| d.value.trim().to_owned()),
        params: params?,
        returns: returns?,
        cacheable,
        timeout: entry.timeout.as_ref().map(|t| t.value),
        batch: None,
        visibility: entry
            .visibility
            .as_ref()
            .map(|v| v.value)
            .unwrap_or_default(),
        priority: entry.priority.as_ref().map(|p| p.value).unwrap_or_default(),
        is_async: entry.is_async.as_ref().is_some_and(|a| a.value),
        location: location(entry.wrapper.span),
    })
}

/// The parameters, or `None` if any of them is broken (after reporting all of them).
fn params(
    source: &SourceFile,
    entries: &[ParamAst],
    diags: &mut Diagnostics,
) -> Option<Vec<Param>> {
    let mut params = Vec::new();
    let mut seen: HashMap<&str, Span> = HashMap::new();
    let mut all_ok = true;
    for entry in entries {
        let (Some(name), Some(ty_text)) = (&entry.name, &entry.ty) else {
            all_ok = false;
            continue;
        };
        let mut ok = names::check(name, NameKind::Param, diags);
        if let Some(first) = seen.insert(&name.value, name.span) {
            diags
                .error(name.span, format!("duplicate parameter `{}`", name.value))
                .label("declared again here")
                .related(first, "first declared here");
            ok = false;
        }
        let ty = type_of(source, ty_text, TypePosition::Param, diags);
        let required_flag = entry.required.as_ref().map(|r| r.value);
        let default = match (&entry.default, required_flag) {
            (Some(node), Some(true)) => {
                let required_span = entry.required.as_ref().map_or(node.span, |r| r.span);
                diags
                    .error(
                        node.span,
                        format!("parameter `{}` is required but has a default", name.value),
                    )
                    .label("default of a required parameter")
                    .related(required_span, "declared required here")
                    .help("remove `required: true` to make it optional, or remove the default");
                ok = false;
                None
            }
            (Some(node), _) => {
                if let Some(ty) = &ty {
                    ok &= check_default(node, ty, &name.value, diags);
                }
                Some(node.to_json()).filter(|v| !v.is_null())
            }
            (None, _) => None,
        };
        let required = required_flag.unwrap_or(entry.default.is_none());
        match (ty, ok) {
            (Some(ty), true) => params.push(Param {
                name: name.value.clone(),
                ty,
                required,
                default,
                description: entry
                    .description
                    .as_ref()
                    .map(|d| d.value.trim().to_owned()),
                location: location(entry.span),
            }),
            _ => all_ok = false,
        }
    }
    if let Some(first_extra) = entries.get(MAX_PARAMS) {
        diags
            .error(
                first_extra.span,
                format!(
                    "{} parameters declared; an operation takes at most {MAX_PARAMS}",
                    entries.len()
                ),
            )
            .label(format!("parameter {} of {}", MAX_PARAMS + 1, entries.len()))
            .help("group related parameters into one of type `dict`, or a Rust type such as `crate::Options`");
        all_ok = false;
    }
    all_ok.then_some(params)
}

/// The most parameters an operation may declare: the runtime reads parameters as a tuple,
/// and implements that for tuples of up to this many elements (`gateway_runtime::MAX_PARAMS`).
pub const MAX_PARAMS: usize = 16;

fn check_default(
    node: &crate::load::node::Node,
    ty: &Type,
    param: &str,
    diags: &mut Diagnostics,
) -> bool {
    if let Some(bad) = defaults::non_finite(node) {
        diags
            .error(
                bad.span,
                format!("the default of `{param}` is not a finite number"),
            )
            .label("no JSON form")
            .help("use a finite number, or `null`");
        return false;
    }
    if node.value == crate::load::node::NodeValue::Null {
        return true;
    }
    match defaults::mismatch(node, ty) {
        None => true,
        Some((bad, expected)) => {
            diags
                .error(
                    bad.span,
                    format!(
                        "the default of `{param}` does not match its type `{}`",
                        ty.manifest_name()
                    ),
                )
                .label(format!("expected {expected}, found {}", bad.describe()))
                .help("change the default, or the type");
            false
        }
    }
}

/// Parses a type expression, reporting errors at the exact character inside it.
fn type_of(
    source: &SourceFile,
    text: &Spanned<String>,
    position: TypePosition,
    diags: &mut Diagnostics,
) -> Option<Type> {
    match parse_type(&text.value, position) {
        Ok(ty) => Some(ty),
        Err(error) => {
            let raw = &source.text()[text.span.range()];
            let quote = usize::from(raw.starts_with(['"', '\'']));
            let start = text.span.start + quote + error.offset;
            let span = source.span(start..start + error.len.max(1));
            let diagnostic = diags.error(span, error.message);
            if let Some(note) = error.note {
                diagnostic.note(note);
            }
            diagnostic.help_opt(error.help);
            None
        }
    }
}

fn check_unique_pairs(operations: &[(Operation, &OperationAst)], diags: &mut Diagnostics) {
    let mut seen: HashMap<(&str, &str), &OperationAst> = HashMap::new();
    for (op, entry) in operations {
        let key = (op.interface.as_str(), op.name.as_str());
        match seen.get(&key) {
            Some(first) => {
                let span = entry
                    .operation
                    .as_ref()
                    .map_or(entry.wrapper.span, |o| o.span);
                diags
                    .error(span, format!("`{}` is declared twice", op.qualified_name()))
                    .label(format!("also declared by `{}`", first.wrapper.value))
                    .related(first.wrapper.span, "first declared here")
                    .help(
                        "each (interface, operation) pair names one operation; rename one of them",
                    );
            }
            None => {
                seen.insert(key, entry);
            }
        }
    }
}

/// Wrapper names become type names (`cache_get` -> `CacheGet`), which must stay distinct.
fn check_type_names(operations: &[(Operation, &OperationAst)], diags: &mut Diagnostics) {
    let mut seen: HashMap<String, &OperationAst> = HashMap::new();
    for (op, entry) in operations {
        let camel = names::camel_case(&op.wrapper);
        if let Some(first) = seen.get(&camel) {
            diags
                .error(
                    entry.wrapper.span,
                    format!(
                        "`{}` and `{}` both become the type name `{camel}`",
                        first.wrapper.value, op.wrapper
                    ),
                )
                .related(first.wrapper.span, "the other one")
                .help("rename one of them; underscores alone do not tell them apart");
        } else {
            seen.insert(camel, entry);
        }
    }
}

/// Each non-null default becomes a function `defaults::{wrapper}_{parameter}`, whose
/// names must stay distinct (`a_b` with `c`, and `a` with `b_c`, would both give `a_b_c`).
fn check_default_names(operations: &[(Operation, &OperationAst)], diags: &mut Diagnostics) {
    let mut seen: HashMap<String, (&str, &str, Span)> = HashMap::new();
    for (op, entry) in operations {
        for param in op.params.iter().filter(|p| p.default.is_some()) {
            let span = entry
                .parameters
                .iter()
                .filter_map(|p| p.name.as_ref())
                .find(|name| name.value == param.name)
                .map_or(entry.wrapper.span, |name| name.span);
            let name = format!("{}_{}", op.wrapper, param.name);
            if let Some((first_wrapper, first_param, first_span)) = seen.get(&name) {
                diags
                    .error(
                        span,
                        format!(
                            "the defaults of `{}` in `{}` and of `{first_param}` in `{first_wrapper}` would both be generated as `{name}`",
                            param.name, op.wrapper
                        ),
                    )
                    .label("default function name taken")
                    .related(*first_span, "the other default")
                    .help("rename the parameter or the wrapper; underscores alone do not tell them apart");
            } else {
                seen.insert(name, (&op.wrapper, &param.name, span));
            }
        }
    }
}

fn apply_settings(settings: &InterfaceAst, interfaces: &mut [Interface], diags: &mut Diagnostics) {
    let name = &settings.name;
    let Some(index) = interfaces.iter().position(|i| i.name == name.value) else {
        let known = interfaces.iter().map(|i| i.name.as_str());
        diags
            .error(
                name.span,
                format!("interface `{}` has settings but no operation", name.value),
            )
            .label("no operation uses this interface")
            .help_opt(did_you_mean(&name.value, known));
        return;
    };
    let interface = &mut interfaces[index];
    interface.description = settings
        .description
        .as_ref()
        .map(|d| d.value.trim().to_owned());
    interface.preload = settings.preload.as_ref().is_some_and(|p| p.value);
    interface.unload = settings
        .unload
        .as_ref()
        .map(|u| u.value)
        .unwrap_or_default();
    if let Some(state) = &settings.state {
        match types::check_rust_path(&state.value) {
            Ok(()) => interface.state = Some(state.value.clone()),
            Err(message) => {
                diags
                    .error(state.span, message)
                    .label("expected a Rust type path")
                    .help("write the path as from the crate root, e.g. `crate::cache::CacheStore`");
            }
        }
    }
}

fn location(span: Span) -> Location {
    Location {
        line: span.line,
        column: span.column,
    }
}
