//! How manifest types become Rust types, and how parameters are passed.
//!
//! | manifest      | Rust                       |
//! |---------------|----------------------------|
//! | `string`      | `String` (`gateway_runtime::Text` in parameter tuples) |
//! | `int`         | `i64`                      |
//! | `float`       | `f64`                      |
//! | `bool`        | `bool`                     |
//! | `any`         | `serde_json::Value`        |
//! | `dict`        | `serde_json::Map<String, Value>` |
//! | `list`        | `Vec<Value>`               |
//! | `none`        | `()`                       |
//! | `list<T>`     | `Vec<T>`                   |
//! | `map<T>`      | `BTreeMap<String, T>`      |
//! | `optional<T>` | `Option<T>`                |
//! | `crate::X`    | `crate::X`                 |

use crate::model::{Param, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// Where a type is spelt, which decides how its paths are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paths {
    /// Inside the generated module, whose `use` items bring `Value`, `Dict`, `Cow`, `BTreeMap`.
    Generated,
    /// Anywhere else (code emitted by `#[operation]`): fully qualified.
    Qualified,
}

/// The Rust type of `ty`.
pub fn rust_type(ty: &Type, paths: Paths) -> TokenStream {
    let q = paths == Paths::Qualified;
    match ty {
        Type::String if q => quote!(::std::string::String),
        Type::String => quote!(String),
        Type::Int => quote!(i64),
        Type::Float => quote!(f64),
        Type::Bool => quote!(bool),
        Type::Any if q => quote!(::gateway_runtime::Value),
        Type::Any => quote!(Value),
        Type::Dict if q => quote!(::gateway_runtime::Dict),
        Type::Dict => quote!(Dict),
        Type::List if q => quote!(::std::vec::Vec<::gateway_runtime::Value>),
        Type::List => quote!(Vec<Value>),
        Type::None => quote!(()),
        Type::ListOf(inner) => {
            let inner = rust_type(inner, paths);
            if q {
                quote!(::std::vec::Vec<#inner>)
            } else {
                quote!(Vec<#inner>)
            }
        }
        Type::MapOf(inner) => {
            let inner = rust_type(inner, paths);
            if q {
                quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
            } else {
                quote!(BTreeMap<String, #inner>)
            }
        }
        Type::Optional(inner) => {
            let inner = rust_type(inner, paths);
            if q {
                quote!(::core::option::Option<#inner>)
            } else {
                quote!(Option<#inner>)
            }
        }
        Type::Rust(path) => path.parse().unwrap_or_else(|_| quote!(())),
    }
}

/// The type a parameter has when a value is present: `optional<T>` reduced to `T`.
pub fn value_type(param: &Param) -> &Type {
    match &param.ty {
        Type::Optional(inner) => inner,
        other => other,
    }
}

/// Whether the parameter's field is an `Option` (it may be absent or null without a default).
pub fn field_is_option(param: &Param) -> bool {
    matches!(param.ty, Type::Optional(_)) || param.is_optional()
}

/// Whether the parameter is a string, held as `Text<'a>` so that neither path need copy it.
pub fn is_string(param: &Param) -> bool {
    *value_type(param) == Type::String
}

/// The parameter tuple of an operation, as the dynamic path decodes it, the typed wrapper
/// builds it and the core function's trait method takes it: one element per parameter in
/// declaration order, strings as `Text<'_>`, and `Option` where a parameter may be absent
/// without a default.
pub fn params_type(params: &[Param], paths: Paths) -> TokenStream {
    let q = paths == Paths::Qualified;
    let fields = params.iter().map(|param| {
        let value = match (is_string(param), q) {
            (true, true) => quote!(::gateway_runtime::Text<'_>),
            (true, false) => quote!(Text<'_>),
            (false, _) => rust_type(value_type(param), paths),
        };
        match (field_is_option(param), q) {
            (true, true) => quote!(::core::option::Option<#value>),
            (true, false) => quote!(Option<#value>),
            (false, _) => value,
        }
    });
    quote!((#(#fields,)*))
}

/// The type of the parameter in a typed wrapper's signature.
pub fn wrapper_arg_type(param: &Param) -> TokenStream {
    let takes_option = !param.required || matches!(param.ty, Type::Optional(_));
    match (is_string(param), takes_option) {
        (true, false) => quote!(impl Into<Cow<'a, str>>),
        (true, true) => quote!(Option<&str>),
        (false, false) if param.ty == Type::Any => quote!(impl Into<Value>),
        (false, false) => rust_type(&param.ty, Paths::Generated),
        (false, true) => {
            let value = rust_type(value_type(param), Paths::Generated);
            quote!(Option<#value>)
        }
    }
}

/// Whether a typed wrapper declares `'a`: a required string is taken as `impl Into<Cow<'a, str>>`.
pub fn wrapper_needs_lifetime(params: &[Param]) -> bool {
    params
        .iter()
        .any(|p| is_string(p) && p.required && !matches!(p.ty, Type::Optional(_)))
}

/// A `serde_json::json!`-free Rust expression for a JSON default of type `ty`.
pub fn default_expr(ty: &Type, value: &serde_json::Value) -> TokenStream {
    use serde_json::Value as J;
    match (ty, value) {
        (Type::Optional(_), J::Null) => quote!(None),
        (Type::Optional(inner), v) => {
            let inner = default_expr(inner, v);
            quote!(Some(#inner))
        }
        (Type::String, J::String(s)) => quote!(String::from(#s)),
        (Type::Int, J::Number(n)) => {
            let n = n.as_i64().unwrap_or_default();
            quote!(#n)
        }
        (Type::Float, J::Number(n)) => {
            let f = n.as_f64().unwrap_or_default();
            quote!(#f)
        }
        (Type::Bool, J::Bool(b)) => quote!(#b),
        (Type::ListOf(_), J::Array(items)) if items.is_empty() => quote!(Vec::new()),
        (Type::ListOf(inner), J::Array(items)) => {
            let items = items.iter().map(|item| default_expr(inner, item));
            quote!(vec![#(#items),*])
        }
        (Type::MapOf(_), J::Object(entries)) if entries.is_empty() => quote!(BTreeMap::new()),
        (Type::MapOf(inner), J::Object(entries)) => {
            let entries = entries.iter().map(|(k, v)| {
                let v = default_expr(inner, v);
                quote!((String::from(#k), #v))
            });
            quote!(BTreeMap::from([#(#entries),*]))
        }
        (Type::List, J::Array(_)) | (Type::Dict, J::Object(_)) | (Type::Any, _) => {
            let json = value.to_string();
            quote!(::gateway_runtime::json_literal(#json))
        }
        // Validation only lets defaults through that match their type.
        _ => quote!(Default::default()),
    }
}
