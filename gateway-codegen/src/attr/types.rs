//! Does a Rust type written in a core function agree with a manifest type?
//!
//! The check is syntactic where that is decisive (`i64` is not `string`), and leaves the rest
//! (type aliases, unknown paths) to the compiler, whose errors the generated call points at
//! the same parameter.

use crate::model::Type;
use syn::{GenericArgument, PathArguments};

/// The verdict of a syntactic comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Certainly the same type.
    Yes,
    /// Certainly a different type.
    No,
    /// Cannot tell (an alias or a type we do not know); the compiler decides.
    Unknown,
}

impl Verdict {
    fn and(self, other: Verdict) -> Verdict {
        match (self, other) {
            (Verdict::No, _) | (_, Verdict::No) => Verdict::No,
            (Verdict::Yes, Verdict::Yes) => Verdict::Yes,
            _ => Verdict::Unknown,
        }
    }
}

/// Names whose meaning we know, so a mismatch with them is certain.
const KNOWN: &[&str] = &[
    "String", "str", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128",
    "usize", "f32", "f64", "bool", "char", "Value", "Map", "Dict", "Vec", "HashMap", "BTreeMap",
    "Option", "Cow", "Box", "Result",
];

/// The last path segment's name and its type arguments, for a plain path type.
pub fn head(ty: &syn::Type) -> Option<(String, Vec<&syn::Type>)> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    let args = match &last.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|arg| match arg {
                GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((last.ident.to_string(), args))
}

/// Whether `ty` is certainly, possibly, or certainly not the Rust type of `expected`.
pub fn matches(ty: &syn::Type, expected: &Type) -> Verdict {
    if let syn::Type::Paren(inner) = ty {
        return matches(&inner.elem, expected);
    }
    if let syn::Type::Tuple(tuple) = ty {
        return if tuple.elems.is_empty() && *expected == Type::None {
            Verdict::Yes
        } else {
            Verdict::No
        };
    }
    let Some((name, args)) = head(ty) else {
        // References, slices, arrays, fn pointers, trait objects: none is a manifest type.
        return if matches!(ty, syn::Type::Macro(_) | syn::Type::Infer(_)) {
            Verdict::Unknown
        } else {
            Verdict::No
        };
    };
    let known = KNOWN.contains(&name.as_str());
    let verdict = match expected {
        Type::String => yes_if(name == "String"),
        Type::Int => yes_if(name == "i64"),
        Type::Float => yes_if(name == "f64"),
        Type::Bool => yes_if(name == "bool"),
        Type::Any => yes_if(name == "Value"),
        Type::Dict => {
            if name == "Dict" {
                Verdict::Yes
            } else if name == "Map" && args.len() == 2 {
                matches(args[0], &Type::String).and(matches(args[1], &Type::Any))
            } else {
                Verdict::No
            }
        }
        Type::List => generic(&name, &args, "Vec", &[&Type::Any]),
        Type::None => Verdict::No,
        Type::ListOf(inner) => generic(&name, &args, "Vec", &[inner]),
        Type::MapOf(inner) => generic(&name, &args, "BTreeMap", &[&Type::String, inner]),
        Type::Optional(inner) => generic(&name, &args, "Option", &[inner]),
        Type::Rust(path) => {
            let last = path.rsplit("::").next().unwrap_or(path);
            if name == last {
                Verdict::Yes
            } else if known {
                Verdict::No
            } else {
                Verdict::Unknown
            }
        }
    };
    // A name we do not know may be an alias of the expected type.
    if verdict == Verdict::No && !known {
        Verdict::Unknown
    } else {
        verdict
    }
}

fn yes_if(condition: bool) -> Verdict {
    if condition { Verdict::Yes } else { Verdict::No }
}

fn generic(
    name: &str,
    args: &[&syn::Type],
    expected_name: &str,
    expected_args: &[&Type],
) -> Verdict {
    if name != expected_name || args.len() != expected_args.len() {
        return Verdict::No;
    }
    args.iter()
        .zip(expected_args)
        .fold(Verdict::Yes, |verdict, (arg, expected)| {
            verdict.and(matches(arg, expected))
        })
}

/// The borrowed form of a type, as a function may take it by reference: `[T]` for `Vec<T>`,
/// `str` for `String`, the type itself otherwise.
pub fn matches_borrowed(ty: &syn::Type, expected: &Type) -> Verdict {
    let element = match expected {
        Type::List => Some(&Type::Any),
        Type::ListOf(inner) => Some(inner.as_ref()),
        _ => None,
    };
    match (ty, element) {
        (syn::Type::Slice(slice), Some(element)) => matches(&slice.elem, element),
        (syn::Type::Path(_), _)
            if *expected == Type::String && head(ty).is_some_and(|(n, _)| n == "str") =>
        {
            Verdict::Yes
        }
        _ => matches(ty, expected),
    }
}

/// How a Rust type is written, for messages: `Vec<i64>`, `Option<&str>`.
pub fn display(ty: &Type) -> String {
    match ty {
        Type::String => "String".into(),
        Type::Int => "i64".into(),
        Type::Float => "f64".into(),
        Type::Bool => "bool".into(),
        Type::Any => "Value".into(),
        Type::Dict => "Map<String, Value>".into(),
        Type::List => "Vec<Value>".into(),
        Type::None => "()".into(),
        Type::ListOf(inner) => format!("Vec<{}>", display(inner)),
        Type::MapOf(inner) => format!("BTreeMap<String, {}>", display(inner)),
        Type::Optional(inner) => format!("Option<{}>", display(inner)),
        Type::Rust(path) => path.clone(),
    }
}

/// A type written by the user, for messages, without the spaces tokens print with.
pub fn display_syn(ty: &syn::Type) -> String {
    let text = quote::ToTokens::to_token_stream(ty).to_string();
    text.replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" < ", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& ", "&")
        .replace("' ", "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(ty: &str, expected: Type) -> Verdict {
        matches(&syn::parse_str(ty).unwrap(), &expected)
    }

    #[test]
    fn known_types_are_decided() {
        assert_eq!(verdict("String", Type::String), Verdict::Yes);
        assert_eq!(verdict("std::string::String", Type::String), Verdict::Yes);
        assert_eq!(verdict("i32", Type::Int), Verdict::No);
        assert_eq!(
            verdict("Vec<i64>", Type::ListOf(Box::new(Type::Int))),
            Verdict::Yes
        );
        assert_eq!(
            verdict("Vec<String>", Type::ListOf(Box::new(Type::Int))),
            Verdict::No
        );
        assert_eq!(
            verdict("serde_json::Map<String, Value>", Type::Dict),
            Verdict::Yes
        );
        assert_eq!(verdict("()", Type::None), Verdict::Yes);
        assert_eq!(
            verdict(
                "crate::model::User",
                Type::Rust("crate::model::User".into())
            ),
            Verdict::Yes
        );
        assert_eq!(
            verdict("String", Type::Rust("crate::model::User".into())),
            Verdict::No
        );
    }

    #[test]
    fn unknown_names_are_left_to_the_compiler() {
        assert_eq!(verdict("MyInt", Type::Int), Verdict::Unknown);
        assert_eq!(
            verdict("Vec<Alias>", Type::ListOf(Box::new(Type::Int))),
            Verdict::Unknown
        );
        assert_eq!(
            verdict("Account", Type::Rust("crate::model::User".into())),
            Verdict::Unknown
        );
    }

    #[test]
    fn borrowed_forms() {
        let slice: syn::Type = syn::parse_str("[i64]").unwrap();
        assert_eq!(
            matches_borrowed(&slice, &Type::ListOf(Box::new(Type::Int))),
            Verdict::Yes
        );
        let text: syn::Type = syn::parse_str("str").unwrap();
        assert_eq!(matches_borrowed(&text, &Type::String), Verdict::Yes);
        assert_eq!(
            display_syn(&syn::parse_str("Option<&'a str>").unwrap()),
            "Option<&'a str>"
        );
    }
}
