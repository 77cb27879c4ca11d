//! Names of generated items, derived from manifest names in one place.
//!
//! Validation guarantees the inputs are identifiers that are not keywords, and that the
//! derived type names are distinct.

use crate::model::{Interface, Operation, Param};
use crate::validate::names::camel_case;
use proc_macro2::{Ident, Span};

/// `cache_get` -> `CacheGet`: the operation's `OperationId` variant, parameter tuple alias
/// and implementation trait.
pub fn type_ident(op: &Operation) -> Ident {
    Ident::new(&camel_case(&op.wrapper), Span::call_site())
}

/// `cache_get`: the typed wrapper.
pub fn wrapper_ident(op: &Operation) -> Ident {
    Ident::new(&op.wrapper, Span::call_site())
}

/// A parameter's argument and field name.
pub fn param_ident(param: &Param) -> Ident {
    Ident::new(&param.name, Span::call_site())
}

/// `HTTP_CLIENT` -> `http_client`: the interface's router function.
pub fn interface_ident(interface: &str) -> Ident {
    Ident::new(&interface.to_lowercase(), Span::call_site())
}

/// `cache_set` + `ttl` -> `cache_set_ttl`: the function giving a parameter's default.
pub fn default_fn_ident(op: &Operation, param: &Param) -> Ident {
    Ident::new(&format!("{}_{}", op.wrapper, param.name), Span::call_site())
}

/// `HTTP_CLIENT` -> `http_client`: the interface's field in `Modules`.
pub fn module_ident(interface: &Interface) -> Ident {
    interface_ident(&interface.name)
}
