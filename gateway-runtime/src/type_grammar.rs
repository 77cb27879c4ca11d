//! Type expressions (`string`, `list<int>`, `optional<float>`): the manifest's grammar, read
//! by the runtime in two places.
//!
//! - Operations registered at runtime: without Rust type paths, since a registered
//!   operation's parameters are checked from its declaration alone ([`parse`]).
//! - The operation tables of generated gateways, which may name Rust types
//!   ([`parse_declared`]).

use crate::descriptor::TypeDesc;
use crate::suggest::closest;

/// Scalar type names and their aliases, as the manifest accepts them.
const SCALARS: &[(&str, TypeDesc)] = &[
    ("string", TypeDesc::String),
    ("str", TypeDesc::String),
    ("int", TypeDesc::Int),
    ("integer", TypeDesc::Int),
    ("float", TypeDesc::Float),
    ("number", TypeDesc::Float),
    ("bool", TypeDesc::Bool),
    ("boolean", TypeDesc::Bool),
    ("any", TypeDesc::Any),
    ("dict", TypeDesc::Dict),
    ("map", TypeDesc::Dict),
    ("object", TypeDesc::Dict),
    ("list", TypeDesc::List),
    ("array", TypeDesc::List),
    ("none", TypeDesc::None),
    ("null", TypeDesc::None),
];

/// What an unknown type is compared against.
pub(crate) const EXPECTED: &str = "expected one of: string, int, float, bool, any, dict, list, \
    none, list<T>, map<T>, optional<T>";

/// The deepest nesting of `list<...>`, `map<...>` and `optional<...>`.
const MAX_DEPTH: usize = 8;

/// A type expression's problem: what, and a likely fix.
pub(crate) struct TypeProblem {
    pub message: String,
    pub help: Option<String>,
}

/// Parses `text`; the type lives for the rest of the process, as registered operations do.
pub(crate) fn parse(text: &str) -> Result<&'static TypeDesc, TypeProblem> {
    parse_at(text.trim(), 0, false).map(|ty| &*Box::leak(Box::new(ty)))
}

/// Parses a type the generator wrote into an operation table: the same grammar, with Rust
/// type paths (anything else holding `::`), which the generated code checks by their
/// `Deserialize` and `JsonSchema` impls.
pub(crate) fn parse_declared(text: &str) -> Result<TypeDesc, TypeProblem> {
    parse_at(text.trim(), 0, true)
}

fn parse_at(text: &str, depth: usize, rust: bool) -> Result<TypeDesc, TypeProblem> {
    if depth > MAX_DEPTH {
        return Err(TypeProblem {
            message: format!("types nest at most {MAX_DEPTH} levels deep"),
            help: None,
        });
    }
    for (name, wrap) in [
        (
            "list",
            TypeDesc::ListOf as fn(&'static TypeDesc) -> TypeDesc,
        ),
        ("map", TypeDesc::MapOf),
        ("optional", TypeDesc::Optional),
    ] {
        if let Some(inner) = generic(text, name) {
            let inner = parse_at(inner.trim(), depth + 1, rust)?;
            return Ok(wrap(Box::leak(Box::new(inner))));
        }
    }
    if let Some((_, ty)) = SCALARS.iter().find(|(name, _)| *name == text) {
        return Ok(*ty);
    }
    if text.contains("::") && rust {
        return Ok(TypeDesc::Rust(Box::leak(text.to_owned().into_boxed_str())));
    }
    if text.contains("::") {
        return Err(TypeProblem {
            message: format!("`{text}` is a Rust type, which a registered operation cannot use"),
            help: Some("declare it as `dict` or `any` and decode it in the handler".into()),
        });
    }
    let suggestion = closest(text, SCALARS.iter().map(|(name, _)| *name));
    Err(TypeProblem {
        message: format!("unknown type `{text}`; {EXPECTED}"),
        help: suggestion.map(|name| format!("did you mean `{name}`?")),
    })
}

/// The inside of `name<...>`, if `text` is one.
fn generic<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    text.strip_prefix(name)?
        .trim_start()
        .strip_prefix('<')?
        .strip_suffix('>')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifests_names_aliases_and_generics() {
        assert_eq!(*parse("integer").ok().unwrap(), TypeDesc::Int);
        assert_eq!(
            parse(" list< map<optional<float>> > ")
                .ok()
                .unwrap()
                .to_string(),
            "list<map<optional<float>>>"
        );
        let problem = parse("integr").err().unwrap();
        assert!(
            problem
                .message
                .starts_with("unknown type `integr`; expected one of")
        );
        assert_eq!(problem.help.as_deref(), Some("did you mean `integer`?"));
        let problem = parse("crate::User").err().unwrap();
        assert!(problem.message.contains("Rust type"));
        let deep = format!("{}int{}", "list<".repeat(20), ">".repeat(20));
        assert!(parse(&deep).err().unwrap().message.contains("at most 8"));
    }
}
