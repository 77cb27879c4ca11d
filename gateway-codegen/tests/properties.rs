//! Properties of generation over manifests built at random, valid by construction: every
//! interface and operation setting, parameters of every type with defaults that match,
//! required-but-nullable ones, batch partners of both shapes, events and interface settings.
//!
//! Each one validates, generates code that parses as Rust (as tokens, as `gateway!` emits
//! it, and as formatted source, as `Builder` writes it), byte-identical across generations,
//! and a model that survives the JSON round trip the build-script path makes.

use gateway_codegen::validate::names::RUST_KEYWORDS;
use gateway_codegen::{Manifest, Model, SourceFile, generate};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::fmt::Write;

/// A type, as the manifest spells it, with what is needed to build a default of that type.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    String,
    Int,
    Float,
    Bool,
    Any,
    Dict,
    List,
    ListOf(Box<Ty>),
    MapOf(Box<Ty>),
    Optional(Box<Ty>),
    Rust,
}

impl Ty {
    /// The manifest spelling, with one of the aliases now and then.
    fn spelling(&self, alias: bool) -> String {
        match self {
            Ty::String => if alias { "str" } else { "string" }.into(),
            Ty::Int => if alias { "integer" } else { "int" }.into(),
            Ty::Float => if alias { "number" } else { "float" }.into(),
            Ty::Bool => if alias { "boolean" } else { "bool" }.into(),
            Ty::Any => "any".into(),
            Ty::Dict => if alias { "object" } else { "dict" }.into(),
            Ty::List => if alias { "array" } else { "list" }.into(),
            Ty::ListOf(inner) => format!("list<{}>", inner.spelling(alias)),
            Ty::MapOf(inner) if alias => format!("map<string, {}>", inner.spelling(alias)),
            Ty::MapOf(inner) => format!("map<{}>", inner.spelling(alias)),
            Ty::Optional(inner) => format!("optional<{}>", inner.spelling(alias)),
            Ty::Rust => "crate::model::Item".into(),
        }
    }
}

fn ty() -> impl Strategy<Value = Ty> {
    let leaf = prop_oneof![
        Just(Ty::String),
        Just(Ty::Int),
        Just(Ty::Float),
        Just(Ty::Bool),
        Just(Ty::Any),
        Just(Ty::Dict),
        Just(Ty::List),
        Just(Ty::Rust),
    ];
    leaf.prop_recursive(3, 12, 1, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| Ty::ListOf(Box::new(t))),
            inner.clone().prop_map(|t| Ty::MapOf(Box::new(t))),
            // `optional<optional<T>>` is refused; an optional's argument is never optional.
            inner
                .prop_filter("optional<optional<T>>", |t| !matches!(t, Ty::Optional(_)))
                .prop_map(|t| Ty::Optional(Box::new(t))),
        ]
    })
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _.:é日-]{0,12}"
}

/// A description: text with what documentation must keep as written (line breaks, tabs,
/// spaces at either end, quotes, backslashes, comment markers).
fn prose() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _.:é日\n\t\"\\\\/*`-]{0,24}"
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(text(), inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A value of type `ty`, never null at the top (that is the "no default" case); `None` for
/// a Rust type, which a default can only give as the whole parameter's `null`.
fn value_of(ty: &Ty) -> Option<BoxedStrategy<Value>> {
    Some(match ty {
        Ty::String => text().prop_map(Value::String).boxed(),
        Ty::Int => any::<i64>().prop_map(Value::from).boxed(),
        Ty::Float => prop_oneof![
            any::<i64>().prop_map(Value::from),
            (-1e12f64..1e12).prop_map(|f| json!(f)),
        ]
        .boxed(),
        Ty::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Ty::Any => any_json().prop_filter("not null", |v| !v.is_null()).boxed(),
        Ty::Dict => prop::collection::btree_map(text(), any_json(), 0..3)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
            .boxed(),
        Ty::List => prop::collection::vec(any_json(), 0..3)
            .prop_map(Value::Array)
            .boxed(),
        Ty::ListOf(inner) => match item_of(inner) {
            Some(item) => prop::collection::vec(item, 0..3)
                .prop_map(Value::Array)
                .boxed(),
            None => Just(json!([])).boxed(),
        },
        Ty::MapOf(inner) => match item_of(inner) {
            Some(item) => prop::collection::btree_map(text(), item, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect()))
                .boxed(),
            None => Just(json!({})).boxed(),
        },
        Ty::Optional(inner) => return value_of(inner),
        Ty::Rust => return None,
    })
}

/// A value inside a list or map of `ty`: null is one where `ty` is optional.
fn item_of(ty: &Ty) -> Option<BoxedStrategy<Value>> {
    match ty {
        Ty::Optional(inner) => Some(match value_of(inner) {
            Some(value) => prop_oneof![Just(Value::Null), value].boxed(),
            None => Just(Value::Null).boxed(),
        }),
        other => value_of(other),
    }
}

/// How a parameter is declared: which keys, with what.
#[derive(Debug, Clone)]
enum Presence {
    Required,
    NullDefault,
    NotRequired,
    Default(Value),
}

#[derive(Debug, Clone)]
struct Param {
    name: String,
    ty: Ty,
    presence: Presence,
    description: Option<String>,
}

/// A lower-case name without underscores, so that no two generated names run together.
fn word() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,6}".prop_filter("a Rust keyword", |w| !RUST_KEYWORDS.contains(&w.as_str()))
}

fn param() -> impl Strategy<Value = Param> {
    (word(), ty(), 0..4u8, prop::option::of(prose())).prop_flat_map(
        |(name, ty, presence, description)| {
            let presence = match (presence, value_of(&ty)) {
                (0, _) => Just(Presence::Required).boxed(),
                (1, _) | (_, None) => Just(Presence::NullDefault).boxed(),
                (2, _) => Just(Presence::NotRequired).boxed(),
                (_, Some(value)) => value.prop_map(Presence::Default).boxed(),
            };
            (Just(name), Just(ty), presence, Just(description)).prop_map(
                |(name, ty, presence, description)| Param {
                    name,
                    ty,
                    presence,
                    description,
                },
            )
        },
    )
}

#[derive(Debug, Clone)]
struct Operation {
    name: String,
    params: Vec<Param>,
    returns: Option<Ty>,
    flags: Flags,
    batch: Option<BatchShape>,
}

#[derive(Debug, Clone)]
struct Flags {
    description: Option<String>,
    cacheable: u8,
    timeout: Option<u32>,
    internal: bool,
    critical: bool,
    is_async: bool,
    alias: bool,
}

/// A batch partner to generate for an operation, when its parameters allow one.
#[derive(Debug, Clone)]
struct BatchShape {
    keyed: bool,
    any_results: bool,
    max_size: Option<u32>,
}

fn flags() -> impl Strategy<Value = Flags> {
    (
        prop::option::of(prose()),
        0..3u8,
        prop::option::of(1..100_000u32),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(description, cacheable, timeout, internal, critical, is_async, alias)| Flags {
                description,
                cacheable,
                timeout,
                internal,
                critical,
                is_async,
                alias,
            },
        )
}

fn operation() -> impl Strategy<Value = Operation> {
    (
        word(),
        prop::collection::vec(param(), 0..5),
        prop::option::of(prop_oneof![ty(), Just(Ty::Optional(Box::new(Ty::Any)))]),
        flags(),
        prop::option::of(
            (any::<bool>(), any::<bool>(), prop::option::of(1..500u32)).prop_map(
                |(keyed, any_results, max_size)| BatchShape {
                    keyed,
                    any_results,
                    max_size,
                },
            ),
        ),
    )
        .prop_map(|(name, mut params, returns, flags, batch)| {
            let mut seen = std::collections::HashSet::new();
            params.retain(|p| seen.insert(p.name.clone()));
            Operation {
                name,
                params,
                returns,
                flags,
                batch,
            }
        })
}

#[derive(Debug, Clone)]
struct Interface {
    name: String,
    operations: Vec<Operation>,
    settings: Option<(Option<String>, bool, bool, bool)>,
}

fn interface() -> impl Strategy<Value = Interface> {
    (
        "[A-Z][A-Z0-9]{0,6}".prop_filter("a Rust keyword", |n| {
            !RUST_KEYWORDS.contains(&n.to_lowercase().as_str())
        }),
        prop::collection::vec(operation(), 1..5),
        prop::option::of((
            prop::option::of(prose()),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )),
    )
        .prop_map(|(name, mut operations, settings)| {
            let mut seen = std::collections::HashSet::new();
            operations.retain(|op| seen.insert(op.name.clone()));
            Interface {
                name,
                operations,
                settings,
            }
        })
}

fn manifest() -> impl Strategy<Value = (String, usize)> {
    (
        prop::collection::vec(interface(), 1..4),
        prop::collection::vec((0..3u8, any::<bool>()), 0..3),
    )
        .prop_map(|(mut interfaces, events)| {
            let mut seen = std::collections::HashSet::new();
            interfaces.retain(|i| seen.insert(i.name.clone()));
            render(&interfaces, &events)
        })
}

/// A YAML scalar or flow value for `value` (JSON is YAML's flow style).
fn yaml(value: &Value) -> String {
    value.to_string()
}

/// The manifest text, and how many operations it declares.
fn render(interfaces: &[Interface], events: &[(u8, bool)]) -> (String, usize) {
    let mut out = String::from("# generated by tests/properties.rs\n");
    let settings: Vec<&Interface> = interfaces.iter().filter(|i| i.settings.is_some()).collect();
    if !settings.is_empty() {
        out.push_str("$interfaces:\n");
        for (index, interface) in settings.iter().enumerate() {
            let Some((description, state, preload, never)) = &interface.settings else {
                continue;
            };
            let _ = writeln!(out, "  {}:", interface.name);
            if let Some(description) = description {
                let _ = writeln!(out, "    description: {}", yaml(&json!(description)));
            }
            if *state {
                let _ = writeln!(out, "    state: crate::state::State{index}");
            }
            let _ = writeln!(out, "    preload: {preload}");
            let _ = writeln!(out, "    unload: {}", if *never { "never" } else { "auto" });
        }
    }
    let mut count = 0;
    let mut public = Vec::new();
    let mut body = String::new();
    for interface in interfaces {
        for op in &interface.operations {
            let wrapper = format!("op{count}_{}", op.name);
            count += 1;
            if !op.flags.internal {
                public.push(format!("{}.{}", interface.name, op.name));
            }
            let partner = op
                .batch
                .as_ref()
                .and_then(|shape| partner(interface, op, shape, count));
            operation_entry(&mut body, &wrapper, &interface.name, op, partner.as_ref());
            if let Some((partner_wrapper, partner_text, _)) = partner {
                count += 1;
                body.push_str(&partner_text);
                let _ = partner_wrapper;
            }
        }
    }
    if !events.is_empty() && !public.is_empty() {
        out.push_str("$events:\n");
        for (index, (params, detail_type)) in events.iter().enumerate() {
            let _ = writeln!(out, "  - source: source.{index}");
            if *detail_type {
                let _ = writeln!(out, "    detail_type: Type {index}");
            }
            let _ = writeln!(out, "    operation: {}", public[index % public.len()]);
            match params {
                0 => {}
                1 => out.push_str("    params: none\n"),
                _ => out.push_str("    params: {fixed: 1}\n"),
            }
        }
    }
    out.push_str(&body);
    (out, count)
}

/// A batch partner for `op` when its parameters allow one: its wrapper, its entry and the
/// `batch:` value pointing at it.
fn partner(
    interface: &Interface,
    op: &Operation,
    shape: &BatchShape,
    index: usize,
) -> Option<(String, String, String)> {
    if op.params.is_empty() {
        return None;
    }
    let required: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| matches!(p.presence, Presence::Required))
        .collect();
    let item = match required.as_slice() {
        [only] if !shape.keyed => only.ty.spelling(false),
        _ => "dict".to_owned(),
    };
    let single = op.returns.clone().unwrap_or(Ty::Any);
    let returns = match (&op.returns, shape.keyed, shape.any_results) {
        (None, _, _) => "none".to_owned(),
        (Some(_), true, true) => "map<any>".to_owned(),
        (Some(_), true, false) => format!("map<{}>", single.spelling(false)),
        (Some(_), false, true) => "list<any>".to_owned(),
        (Some(_), false, false) => format!("list<{}>", single.spelling(false)),
    };
    // `list<optional<T>>` results are fine, but `list<T>` over an optional single result
    // spells the same type: keep the shapes the validator documents.
    let wrapper = format!("op{index}_{}_batch", op.name);
    let mut text = String::new();
    let _ = writeln!(text, "{wrapper}:");
    let _ = writeln!(text, "  interface: {}", interface.name);
    let _ = writeln!(text, "  operation: {}_batch", op.name);
    text.push_str("  parameters:\n");
    let _ = writeln!(
        text,
        "    - {{name: items, type: 'list<{item}>', required: true}}"
    );
    text.push_str("    - {name: extra, type: int, default: 1}\n");
    let _ = writeln!(text, "  returns: '{returns}'");
    let link = match shape.max_size {
        Some(max) => format!("{{operation: {wrapper}, max_size: {max}}}"),
        None => wrapper.clone(),
    };
    Some((wrapper, text, link))
}

fn operation_entry(
    out: &mut String,
    wrapper: &str,
    interface: &str,
    op: &Operation,
    partner: Option<&(String, String, String)>,
) {
    let alias = op.flags.alias;
    let _ = writeln!(out, "{wrapper}:");
    let _ = writeln!(out, "  interface: {interface}");
    let _ = writeln!(out, "  operation: {}", op.name);
    if let Some(description) = &op.flags.description {
        let _ = writeln!(out, "  description: {}", yaml(&json!(description)));
    }
    if !op.params.is_empty() {
        out.push_str("  parameters:\n");
    }
    for param in &op.params {
        let _ = writeln!(out, "    - name: {}", param.name);
        let _ = writeln!(out, "      type: '{}'", param.ty.spelling(alias));
        match &param.presence {
            Presence::Required => out.push_str("      required: true\n"),
            Presence::NullDefault => out.push_str("      default: null\n"),
            Presence::NotRequired => out.push_str("      required: false\n"),
            Presence::Default(value) => {
                let _ = writeln!(out, "      default: {}", yaml(value));
            }
        }
        if let Some(description) = &param.description {
            let _ = writeln!(out, "      description: {}", yaml(&json!(description)));
        }
    }
    if let Some(returns) = &op.returns {
        let _ = writeln!(out, "  returns: '{}'", returns.spelling(alias));
    }
    match op.flags.cacheable {
        0 => {}
        1 => out.push_str("  cacheable: true\n"),
        _ => out.push_str("  cacheable: {ttl: 30s}\n"),
    }
    if let Some(ms) = op.flags.timeout {
        let _ = writeln!(out, "  timeout: {ms}ms");
    }
    if let Some((_, _, link)) = partner {
        let _ = writeln!(out, "  batch: {link}");
    }
    if op.flags.internal {
        out.push_str("  visibility: internal\n");
    }
    if op.flags.critical {
        out.push_str("  priority: critical\n");
    }
    if op.flags.is_async {
        out.push_str("  async: true\n");
    }
}

fn parse(text: &str) -> Manifest {
    Manifest::parse(SourceFile::new("operations.yaml", text))
        .unwrap_or_else(|report| panic!("a valid manifest was refused:\n{report}\n\n{text}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_valid_manifest_generates_code_that_parses_and_never_changes((text, count) in manifest()) {
        let manifest = parse(&text);
        prop_assert_eq!(manifest.model.operations().count(), count);

        let tokens = generate::module_tokens(&manifest.model, generate::DEFAULT_MODULE);
        if let Err(error) = syn::parse2::<syn::File>(tokens) {
            panic!("the tokens `gateway!` emits do not parse: {error}\n\n{text}");
        }
        let whole = prettyplease::unparse(
            &syn::parse2(generate::contents_tokens(&manifest.model)).expect("the file's tokens parse"),
        );
        let source = manifest.generate();
        if let Err(error) = syn::parse_file(&source) {
            panic!("the generated source does not parse: {error}\n\n{text}\n\n{source}");
        }
        // Sections formatted apart, in parallel, make the text the whole file would.
        let body = source.split_once("\n\n").map(|(_header, body)| body);
        prop_assert_eq!(body, Some(whole.as_str()));

        let again = parse(&text);
        prop_assert_eq!(&again.generate(), &source);
        prop_assert_eq!(again.docs(), manifest.docs());

        let json = serde_json::to_string(&manifest.model).unwrap();
        let back: Model = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, manifest.model);
    }
}
