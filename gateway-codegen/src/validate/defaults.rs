//! Checking a parameter's `default` against its declared type.

use crate::load::node::{Node, NodeValue};
use crate::model::Type;

/// The first part of `node` that does not fit `ty`: that node and what was expected there.
pub fn mismatch<'n>(node: &'n Node, ty: &Type) -> Option<(&'n Node, String)> {
    let expected = |what: &str| Some((node, what.to_owned()));
    match (ty, &node.value) {
        (Type::Any, _) => None,
        (Type::Optional(_), NodeValue::Null) => None,
        (Type::Optional(inner), _) => mismatch(node, inner),
        (Type::String, NodeValue::Str(_))
        | (Type::Int, NodeValue::Int(_))
        | (Type::Float, NodeValue::Int(_) | NodeValue::Float(_))
        | (Type::Bool, NodeValue::Bool(_))
        | (Type::Dict, NodeValue::Map(_))
        | (Type::List, NodeValue::Seq(_))
        | (Type::None, NodeValue::Null) => None,
        (Type::ListOf(inner), NodeValue::Seq(items)) => {
            items.iter().find_map(|item| mismatch(item, inner))
        }
        (Type::MapOf(inner), NodeValue::Map(entries)) => {
            entries.iter().find_map(|(_, value)| mismatch(value, inner))
        }
        // A Rust type's default can only be the whole parameter's `null`, which the caller
        // handles; a null inside a list or map would have to be a value of that type.
        (Type::Rust(path), NodeValue::Null) => Some((
            node,
            format!(
                "a value of `{path}`, which a default cannot give (only a whole parameter's default may be null)"
            ),
        )),
        (Type::Rust(path), _) => Some((
            node,
            format!("null (defaults of Rust types such as `{path}` cannot be checked)"),
        )),
        (Type::String, _) => expected("a string"),
        (Type::Int, _) => expected("an integer"),
        (Type::Float, _) => expected("a number"),
        (Type::Bool, _) => expected("`true` or `false`"),
        (Type::Dict | Type::MapOf(_), _) => expected("a mapping"),
        (Type::List | Type::ListOf(_), _) => expected("a list"),
        (Type::None, _) => expected("null"),
    }
}

/// Whether a finite number: YAML's `.inf` and `.nan` have no JSON form.
pub fn non_finite(node: &Node) -> Option<&Node> {
    match &node.value {
        NodeValue::Float(f) if !f.is_finite() => Some(node),
        NodeValue::Seq(items) => items.iter().find_map(non_finite),
        NodeValue::Map(entries) => entries.iter().find_map(|(_, v)| non_finite(v)),
        _ => None,
    }
}
