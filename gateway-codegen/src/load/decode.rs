//! [`Node`] tree to [`ManifestAst`], reporting every misplaced, misspelt or ill-typed key.

use super::ast::*;
use super::node::{Node, NodeValue};
use crate::diagnostic::Diagnostics;
use crate::model::{Priority, UnloadPolicy, Visibility};
use crate::source::Span;
use crate::suggest::{did_you_mean, expected_one_of};
use std::collections::HashMap;
use std::time::Duration;

/// The key of the interface settings section; `$` keeps it apart from wrapper names.
pub const INTERFACES_SECTION: &str = "$interfaces";
/// The key of the EventBridge routing section.
pub const EVENTS_SECTION: &str = "$events";
/// The sections a manifest may have.
pub const SECTIONS: &[&str] = &[INTERFACES_SECTION, EVENTS_SECTION];
/// Keys an `$events` route accepts.
pub const EVENT_KEYS: &[&str] = &["source", "detail_type", "operation", "params"];
/// Keys an operation entry accepts.
pub const OPERATION_KEYS: &[&str] = &[
    "interface",
    "operation",
    "description",
    "parameters",
    "returns",
    "cacheable",
    "timeout",
    "batch",
    "visibility",
    "priority",
    "async",
];
/// Keys a parameter entry accepts.
pub const PARAM_KEYS: &[&str] = &["name", "type", "required", "default", "description"];
/// Keys an `$interfaces` entry accepts.
pub const INTERFACE_KEYS: &[&str] = &["description", "state", "preload", "unload"];
/// Keys of the mapping form of `cacheable`.
pub const CACHEABLE_KEYS: &[&str] = &["ttl"];
/// Keys of the mapping form of `batch`.
pub const BATCH_KEYS: &[&str] = &["operation", "max_size"];

const DURATION_HELP: &str =
    "write seconds as a number (5, 0.5) or a string with a unit (\"500ms\", \"5s\", \"2m\")";

/// Decodes the manifest's root node.
pub fn decode(root: &Node, diags: &mut Diagnostics) -> ManifestAst {
    let mut ast = ManifestAst::default();
    let Some(entries) = expect_map(root, "the manifest", diags) else {
        return ast;
    };
    check_duplicates(entries, "wrapper name", diags);
    for (key, value) in entries {
        let Some(name) = key_text(key, diags) else {
            continue;
        };
        if name == INTERFACES_SECTION {
            ast.interfaces = decode_interfaces(value, diags);
        } else if name == EVENTS_SECTION {
            ast.events = decode_events(value, diags);
        } else if name.starts_with('$') {
            diags
                .error(key.span, format!("unknown section `{name}`"))
                .label("sections start with `$`")
                .note(expected_one_of(SECTIONS.iter().copied()))
                .help_opt(did_you_mean(name, SECTIONS.iter().copied()));
        } else {
            let wrapper = Spanned::new(name.to_owned(), key.span);
            if let Some(op) = decode_operation(wrapper, value, diags) {
                ast.operations.push(op);
            }
        }
    }
    if ast.operations.is_empty() && !diags.has_errors() {
        diags
            .error(root.span, "the manifest declares no operation")
            .help("add an entry such as `cache_get: {interface: CACHE, operation: get, returns: any}`");
    }
    ast
}

fn decode_operation(
    wrapper: Spanned<String>,
    node: &Node,
    diags: &mut Diagnostics,
) -> Option<OperationAst> {
    let context = format!("operation `{}`", wrapper.value);
    let entries = expect_map(node, &context, diags)?;
    let fields = Fields::new(entries, OPERATION_KEYS, &context, diags);
    let interface = fields.string("interface", diags);
    let operation = fields.string("operation", diags);
    for (key, value) in [("interface", &interface), ("operation", &operation)] {
        if value.is_none() && fields.get(key).is_none() {
            diags
                .error(wrapper.span, format!("{context} has no `{key}`"))
                .label(format!("missing `{key}`"))
                .help(format!("add `{key}: ...` to the entry"));
        }
    }
    let parameters = match fields.get("parameters") {
        Some(node) => decode_params(node, &context, diags),
        None => Vec::new(),
    };
    Some(OperationAst {
        interface,
        operation,
        description: fields.string("description", diags),
        parameters,
        returns: fields.string("returns", diags),
        cacheable: fields.get("cacheable").and_then(|n| cacheable(n, diags)),
        timeout: fields.duration("timeout", diags),
        batch: fields.get("batch").and_then(|n| batch(n, diags)),
        visibility: fields.choice(
            "visibility",
            &[
                ("public", Visibility::Public),
                ("internal", Visibility::Internal),
            ],
            diags,
        ),
        priority: fields.choice(
            "priority",
            &[
                ("normal", Priority::Normal),
                ("critical", Priority::Critical),
            ],
            diags,
        ),
        is_async: fields.boolean("async", diags),
        wrapper,
    })
}

fn decode_params(node: &Node, context: &str, diags: &mut Diagnostics) -> Vec<ParamAst> {
    let items = match &node.value {
        NodeValue::Seq(items) => items,
        NodeValue::Null => return Vec::new(),
        _ => {
            diags
                .error(
                    node.span,
                    format!(
                        "`parameters` of {context} must be a list, found {}",
                        node.kind()
                    ),
                )
                .help("write one `- name: ...` entry per parameter");
            return Vec::new();
        }
    };
    let mut params = Vec::new();
    for item in items {
        let Some(entries) = expect_map(item, "a parameter", diags) else {
            continue;
        };
        let fields = Fields::new(entries, PARAM_KEYS, "a parameter", diags);
        let name = fields.string("name", diags);
        let ty = fields.string("type", diags);
        for (key, missing) in [("name", name.is_none()), ("type", ty.is_none())] {
            if missing && fields.get(key).is_none() {
                diags
                    .error(
                        item.span,
                        format!("a parameter of {context} has no `{key}`"),
                    )
                    .label(format!("missing `{key}`"));
            }
        }
        params.push(ParamAst {
            span: item.span,
            name,
            ty,
            required: fields.boolean("required", diags),
            default: fields.get("default").cloned(),
            description: fields.string("description", diags),
        });
    }
    params
}

fn decode_interfaces(node: &Node, diags: &mut Diagnostics) -> Vec<InterfaceAst> {
    let Some(entries) = expect_map(node, "`$interfaces`", diags) else {
        return Vec::new();
    };
    check_duplicates(entries, "interface", diags);
    let mut interfaces = Vec::new();
    for (key, value) in entries {
        let Some(name) = key_text(key, diags) else {
            continue;
        };
        let context = format!("interface `{name}`");
        let Some(settings) = expect_map(value, &context, diags) else {
            continue;
        };
        let fields = Fields::new(settings, INTERFACE_KEYS, &context, diags);
        interfaces.push(InterfaceAst {
            name: Spanned::new(name.to_owned(), key.span),
            description: fields.string("description", diags),
            state: fields.string("state", diags),
            preload: fields.boolean("preload", diags),
            unload: fields.choice(
                "unload",
                &[("auto", UnloadPolicy::Auto), ("never", UnloadPolicy::Never)],
                diags,
            ),
        });
    }
    interfaces
}

fn decode_events(node: &Node, diags: &mut Diagnostics) -> Vec<EventAst> {
    let items = match &node.value {
        NodeValue::Seq(items) => items,
        NodeValue::Null => return Vec::new(),
        _ => {
            diags
                .error(
                    node.span,
                    format!("`$events` must be a list of routes, found {}", node.kind()),
                )
                .help("write one `- source: ...` entry per route");
            return Vec::new();
        }
    };
    let mut routes = Vec::new();
    for item in items {
        let Some(entries) = expect_map(item, "an event route", diags) else {
            continue;
        };
        let fields = Fields::new(entries, EVENT_KEYS, "an event route", diags);
        let source = fields.string("source", diags);
        let operation = fields.string("operation", diags);
        for (key, missing) in [
            ("source", source.is_none()),
            ("operation", operation.is_none()),
        ] {
            if missing && fields.get(key).is_none() {
                diags
                    .error(item.span, format!("an event route has no `{key}`"))
                    .label(format!("missing `{key}`"));
            }
        }
        routes.push(EventAst {
            span: item.span,
            source,
            detail_type: fields.string("detail_type", diags),
            operation,
            params: fields.get("params").cloned(),
        });
    }
    routes
}

/// The known keys of one mapping, after reporting unknown and duplicate ones.
struct Fields<'n> {
    found: HashMap<&'n str, &'n Node>,
}

impl<'n> Fields<'n> {
    fn new(
        entries: &'n [(Node, Node)],
        known: &[&str],
        context: &str,
        diags: &mut Diagnostics,
    ) -> Self {
        check_duplicates(entries, "key", diags);
        let mut found = HashMap::new();
        for (key, value) in entries {
            let Some(name) = key_text(key, diags) else {
                continue;
            };
            if known.contains(&name) {
                found.entry(name).or_insert(value);
            } else {
                diags
                    .error(key.span, format!("unknown key `{name}` in {context}"))
                    .label("unknown key")
                    .note(expected_one_of(known.iter().copied()))
                    .help_opt(did_you_mean(name, known.iter().copied()));
            }
        }
        Self { found }
    }

    fn get(&self, key: &str) -> Option<&'n Node> {
        self.found.get(key).copied()
    }

    fn string(&self, key: &str, diags: &mut Diagnostics) -> Option<Spanned<String>> {
        self.get(key).and_then(|n| string(key, n, diags))
    }

    fn boolean(&self, key: &str, diags: &mut Diagnostics) -> Option<Spanned<bool>> {
        self.get(key).and_then(|n| boolean(key, n, diags))
    }

    fn duration(&self, key: &str, diags: &mut Diagnostics) -> Option<Spanned<Duration>> {
        self.get(key).and_then(|n| duration(key, n, diags))
    }

    fn choice<T: Copy>(
        &self,
        key: &str,
        options: &[(&str, T)],
        diags: &mut Diagnostics,
    ) -> Option<Spanned<T>> {
        self.get(key).and_then(|n| choice(key, n, options, diags))
    }
}

fn check_duplicates(entries: &[(Node, Node)], what: &str, diags: &mut Diagnostics) {
    let mut seen: HashMap<String, Span> = HashMap::new();
    for (key, _) in entries {
        let text = key.scalar_text();
        if let Some(first) = seen.get(&text) {
            diags
                .error(key.span, format!("duplicate {what} `{text}`"))
                .label("defined again here")
                .related(*first, "first defined here")
                .help("each key may appear once in a mapping; remove or rename one of them");
        } else {
            seen.insert(text, key.span);
        }
    }
}

fn key_text<'n>(key: &'n Node, diags: &mut Diagnostics) -> Option<&'n str> {
    let text = key.as_str();
    if text.is_none() {
        diags
            .error(
                key.span,
                format!("expected a name as key, found {}", key.describe()),
            )
            .help("keys are names; quote a key that looks like a number or boolean");
    }
    text
}

fn expect_map<'n>(
    node: &'n Node,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<&'n [(Node, Node)]> {
    match &node.value {
        NodeValue::Map(entries) => Some(entries),
        _ => {
            diags
                .error(
                    node.span,
                    format!(
                        "{what} must be a mapping of `key: value` lines, found {}",
                        node.kind()
                    ),
                )
                .label("expected a mapping");
            None
        }
    }
}

fn string(key: &str, node: &Node, diags: &mut Diagnostics) -> Option<Spanned<String>> {
    match &node.value {
        NodeValue::Str(s) => Some(Spanned::new(s.clone(), node.span)),
        _ => {
            diags
                .error(
                    node.span,
                    format!("`{key}` must be a string, found {}", node.describe()),
                )
                .label("expected a string")
                .help("quote the value if it should be read as text");
            None
        }
    }
}

fn boolean(key: &str, node: &Node, diags: &mut Diagnostics) -> Option<Spanned<bool>> {
    match &node.value {
        NodeValue::Bool(b) => Some(Spanned::new(*b, node.span)),
        _ => {
            diags
                .error(
                    node.span,
                    format!(
                        "`{key}` must be `true` or `false`, found {}",
                        node.describe()
                    ),
                )
                .label("expected a boolean");
            None
        }
    }
}

fn choice<T: Copy>(
    key: &str,
    node: &Node,
    options: &[(&str, T)],
    diags: &mut Diagnostics,
) -> Option<Spanned<T>> {
    let names = options.iter().map(|(name, _)| *name);
    let given = node.as_str().unwrap_or_default();
    if let Some((_, value)) = options.iter().find(|(name, _)| *name == given) {
        return Some(Spanned::new(*value, node.span));
    }
    let shown = node
        .as_str()
        .map_or_else(|| node.describe(), |s| format!("`{s}`"));
    diags
        .error(node.span, format!("unknown {key} {shown}"))
        .label("not a known value")
        .note(expected_one_of(names.clone()))
        .help_opt(did_you_mean(given, names));
    None
}

fn duration(key: &str, node: &Node, diags: &mut Diagnostics) -> Option<Spanned<Duration>> {
    let parsed = match &node.value {
        NodeValue::Int(i) if *i > 0 => Some(Duration::from_secs(*i as u64)),
        NodeValue::Float(f) if f.is_finite() && *f > 0.0 => Duration::try_from_secs_f64(*f).ok(),
        NodeValue::Str(s) => humantime::parse_duration(s).ok().filter(|d| !d.is_zero()),
        _ => None,
    };
    if parsed.is_none() {
        diags
            .error(
                node.span,
                format!(
                    "`{key}` must be a positive duration, found {}",
                    node.describe()
                ),
            )
            .label("not a duration")
            .help(DURATION_HELP);
    }
    parsed.map(|d| Spanned::new(d, node.span))
}

fn cacheable(node: &Node, diags: &mut Diagnostics) -> Option<Spanned<CacheableAst>> {
    let value = match &node.value {
        NodeValue::Bool(b) => CacheableAst::Flag(*b),
        NodeValue::Map(entries) => {
            let fields = Fields::new(entries, CACHEABLE_KEYS, "`cacheable`", diags);
            CacheableAst::Ttl(fields.duration("ttl", diags).map(|d| d.value))
        }
        _ => {
            diags
                .error(node.span, format!("expected `true`, `false` or `{{ttl: ...}}`, found {}", node.describe()))
                .label("not a cache policy")
                .help("write `cacheable: true`, or `cacheable: {ttl: 30s}` to bound how long results stay cached");
            return None;
        }
    };
    Some(Spanned::new(value, node.span))
}

fn batch(node: &Node, diags: &mut Diagnostics) -> Option<BatchAst> {
    match &node.value {
        NodeValue::Str(name) => Some(BatchAst {
            span: node.span,
            operation: Some(Spanned::new(name.clone(), node.span)),
            max_size: None,
        }),
        NodeValue::Map(entries) => {
            let fields = Fields::new(entries, BATCH_KEYS, "`batch`", diags);
            let operation = fields.string("operation", diags);
            if fields.get("operation").is_none() {
                diags
                    .error(node.span, "`batch` has no `operation`")
                    .help("name the batch operation's wrapper, e.g. `operation: cache_get_batch`");
            }
            let max_size = fields.get("max_size").and_then(|n| match n.value {
                NodeValue::Int(i) if (1..=i64::from(u32::MAX)).contains(&i) => {
                    Some(Spanned::new(i as u32, n.span))
                }
                _ => {
                    diags
                        .error(
                            n.span,
                            format!("expected a positive whole number, found {}", n.describe()),
                        )
                        .label("not a batch size");
                    None
                }
            });
            Some(BatchAst {
                span: node.span,
                operation,
                max_size,
            })
        }
        _ => {
            diags
                .error(node.span, format!("expected a wrapper name or a mapping, found {}", node.describe()))
                .help("write `batch: cache_get_batch` or `batch: {operation: cache_get_batch, max_size: 100}`");
            None
        }
    }
}
