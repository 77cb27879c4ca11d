//! Validation of a registration, by the manifest's rules, into a descriptor.

use super::error::{Problem, RegistrationError};
use super::spec::{Cacheable, OperationSpec};
use crate::descriptor::{OperationDescriptor, ParamDescriptor, Registry, TypeDesc};
use crate::params::{describe, fits};
use crate::suggest::closest;
use crate::type_grammar;
use schemars::Schema;
use serde_json::Value;
use std::collections::HashSet;

/// Rust keywords, which the manifest refuses as names (kept equal to the manifest
/// validator's list, so that an operation registered at runtime could move into
/// `operations.yaml` unchanged).
const RUST_KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// The operations a new registration must not collide with.
pub(crate) struct Existing<'a> {
    pub registry: &'static Registry,
    pub registered: &'a [&'static OperationDescriptor],
}

impl Existing<'_> {
    fn all(&self) -> impl Iterator<Item = &'static OperationDescriptor> + '_ {
        self.registry
            .operations()
            .iter()
            .chain(self.registered.iter().copied())
    }

    /// Where an existing operation comes from, for "already exists" messages.
    fn origin(&self, op: &OperationDescriptor) -> String {
        if self.registered.iter().any(|r| std::ptr::eq(*r, op)) {
            "registered at runtime".to_owned()
        } else {
            format!("declared in {}:{}", self.registry.manifest, op.line)
        }
    }
}

/// Checks `spec`, registered with a handler that is `is_async`, and builds its descriptor
/// with index `id`; every problem is reported, not just the first. What it builds lives for
/// the rest of the process.
pub(crate) fn check(
    spec: &OperationSpec,
    is_async: bool,
    existing: &Existing<'_>,
    id: usize,
) -> Result<&'static OperationDescriptor, RegistrationError> {
    let mut problems = Vec::new();
    name(&spec.wrapper, "", "wrapper name", &mut problems);
    name(
        &spec.interface,
        "interface",
        "interface name",
        &mut problems,
    );
    name(
        &spec.operation,
        "operation",
        "operation name",
        &mut problems,
    );
    if let Some(op) = existing.all().find(|op| op.wrapper == spec.wrapper) {
        problems.push(
            Problem::new(
                "",
                format!(
                    "`{}` already exists ({})",
                    spec.wrapper,
                    existing.origin(op)
                ),
            )
            .help("choose another wrapper name"),
        );
    }
    if let Some(op) = existing
        .all()
        .find(|op| op.interface == spec.interface && op.operation == spec.operation)
    {
        problems.push(
            Problem::new(
                "operation",
                format!(
                    "`{}.{}` already exists as `{}` ({})",
                    spec.interface,
                    spec.operation,
                    op.wrapper,
                    existing.origin(op)
                ),
            )
            .help("choose another operation name"),
        );
    }
    let params = parameters(spec, &mut problems);
    let returns = match type_grammar::parse(&spec.returns) {
        Ok(ty) => Some(*ty),
        Err(problem) => {
            let mut p = Problem::new("returns", problem.message);
            p.help = problem.help;
            problems.push(p);
            None
        }
    };
    let cacheable = match spec.cacheable {
        Cacheable::Unset | Cacheable::Flag(false) => None,
        Cacheable::Flag(true) | Cacheable::Ttl { ttl: None } => Some(None),
        Cacheable::Ttl { ttl: Some(ttl) } if ttl.is_zero() => {
            problems.push(Problem::new("cacheable.ttl", "a TTL must be longer than 0"));
            None
        }
        Cacheable::Ttl { ttl: Some(ttl) } => Some(Some(ttl)),
    };
    if spec.timeout.is_some_and(|t| t.is_zero()) {
        problems.push(Problem::new("timeout", "a timeout must be longer than 0"));
    }
    let internal = one_of(
        &spec.visibility,
        "visibility",
        &["public", "internal"],
        &mut problems,
    );
    let critical = one_of(
        &spec.priority,
        "priority",
        &["normal", "critical"],
        &mut problems,
    );
    if let Some(declared) = spec.is_async
        && declared != is_async
    {
        let (said, is) = if declared {
            ("async: true", "register")
        } else {
            ("async: false", "register_async")
        };
        problems.push(
            Problem::new(
                "async",
                format!("the entry says `{said}` but was registered with `{is}`"),
            )
            .help("register an async handler with `register_async`, a plain one with `register`"),
        );
    }
    if !problems.is_empty() {
        return Err(RegistrationError::new(spec.wrapper.clone(), problems));
    }
    let interface_index = existing
        .registry
        .interfaces
        .iter()
        .position(|i| i.name == spec.interface)
        .unwrap_or(usize::MAX);
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let params: &'static [ParamDescriptor] = Box::leak(params.into_boxed_slice());
    let schema: &'static Schema = Box::leak(Box::new(crate::params_schema::params_schema(params)));
    let mut op = OperationDescriptor::new(
        id,
        leak(&format!("{}.{}", spec.interface, spec.operation)),
        leak(&spec.wrapper),
        interface_index,
    )
    .describe(leak(&spec.description))
    .returns(returns.unwrap_or(TypeDesc::None));
    op.params = params;
    op.schema = Some(schema);
    op.cacheable = cacheable;
    op.timeout = spec.timeout;
    if internal == Some(1) {
        op = op.internal();
    }
    if critical == Some(1) {
        op = op.critical();
    }
    if is_async {
        op = op.asynchronous();
    }
    Ok(Box::leak(Box::new(op)))
}

/// Checks a name against the manifest's rule for its kind (`what`): interfaces are
/// SCREAMING_SNAKE_CASE, every other name snake_case, and none is a Rust keyword.
fn name(text: &str, field: &str, what: &str, problems: &mut Vec<Problem>) {
    let upper = what == "interface name";
    let article = if what.starts_with(['i', 'o']) {
        "an"
    } else {
        "a"
    };
    let case = if upper {
        "SCREAMING_SNAKE_CASE"
    } else {
        "snake_case"
    };
    let mut chars = text.chars();
    let letter = |c: char| {
        if upper {
            c.is_ascii_uppercase()
        } else {
            c.is_ascii_lowercase()
        }
    };
    let shaped = chars.next().is_some_and(|c| letter(c) || c == '_')
        && text != "_"
        && chars.all(|c| letter(c) || c.is_ascii_digit() || c == '_');
    if !shaped {
        problems.push(Problem::new(
            field,
            format!(
                "`{text}` is not a valid {what}: expected a {case} identifier (a letter or `_`, then letters, digits and `_`)"
            ),
        ));
    } else if RUST_KEYWORDS.contains(&text.to_lowercase().as_str()) {
        problems.push(
            Problem::new(
                field,
                format!("`{text}` cannot be {article} {what}: it is a Rust keyword"),
            )
            .help("rename it, e.g. with a more specific word"),
        );
    }
}

/// The position of `value` among `allowed`, or a problem.
fn one_of(
    value: &str,
    field: &str,
    allowed: &[&str],
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    let found = allowed.iter().position(|a| *a == value);
    if found.is_none() {
        let mut problem = Problem::new(
            field,
            format!("`{value}` is not one of: {}", allowed.join(", ")),
        );
        if let Some(close) = closest(value, allowed.iter().copied()) {
            problem = problem.help(format!("did you mean `{close}`?"));
        }
        problems.push(problem);
    }
    found
}

fn parameters(spec: &OperationSpec, problems: &mut Vec<Problem>) -> Vec<ParamDescriptor> {
    let mut seen = HashSet::new();
    let mut params = Vec::new();
    for (index, param) in spec.parameters.iter().enumerate() {
        let field = |key: &str| format!("parameters[{index}].{key}");
        name(&param.name, &field("name"), "parameter name", problems);
        if !seen.insert(param.name.as_str()) {
            problems.push(Problem::new(
                field("name"),
                format!("parameter `{}` is declared twice", param.name),
            ));
        }
        let ty = match type_grammar::parse(&param.ty) {
            Ok(TypeDesc::None) => {
                problems.push(
                    Problem::new(field("type"), "a parameter cannot have type `none`")
                        .help("remove the parameter, or give it a type such as `any`"),
                );
                None
            }
            Ok(ty) => Some(ty),
            Err(problem) => {
                let mut p = Problem::new(field("type"), problem.message);
                p.help = problem.help;
                problems.push(p);
                None
            }
        };
        if param.required && param.default.is_some() {
            problems.push(
                Problem::new(
                    field("default"),
                    "a required parameter cannot have a default",
                )
                .help("remove `required: true`, or the default"),
            );
        }
        let default = match (&param.default, ty) {
            (Some(Value::Null), _) | (None, _) => None,
            (Some(value), Some(ty)) if !fits(ty, value) => {
                problems.push(Problem::new(
                    field("default"),
                    format!("the default {} is not a `{ty}`", describe(value)),
                ));
                None
            }
            (Some(value), _) => {
                let text: &'static str = Box::leak(value.to_string().into_boxed_str());
                Some(text)
            }
        };
        if let Some(ty) = ty {
            let name: &'static str = Box::leak(param.name.clone().into_boxed_str());
            let description: &'static str = Box::leak(param.description.clone().into_boxed_str());
            let mut descriptor = ParamDescriptor::new(name, *ty).describe(description);
            if param.required {
                descriptor = descriptor.required();
            }
            if let Some(default) = default {
                descriptor = descriptor.default_json(default);
            }
            params.push(descriptor);
        }
    }
    params
}
