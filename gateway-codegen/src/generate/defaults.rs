//! The `defaults` module: the manifest's parameter defaults as functions, which the typed
//! wrappers call when an argument is `None`.
//!
//! The dynamic path needs no code for them: the runtime decodes a default from the JSON the
//! operation table holds. Parameters themselves need no code either: each operation's are a
//! tuple (`types::params_type`), read and written by one generic implementation in the
//! runtime (`gateway_runtime::Params`), guided by the operation's descriptor.

use super::naming::default_fn_ident;
use super::types::{Paths, default_expr, field_is_option, is_string, rust_type, value_type};
use crate::model::{Model, Operation, Param};
use proc_macro2::TokenStream;
use quote::quote;

/// The `defaults` module, if any parameter has a default.
pub fn module(model: &Model) -> TokenStream {
    let defaults: Vec<TokenStream> = model
        .operations()
        .flat_map(|op| op.params.iter().map(move |p| (op, p)))
        .filter_map(|(op, p)| default_fn(op, p))
        .collect();
    if defaults.is_empty() {
        return TokenStream::new();
    }
    quote! {
        /// The manifest's parameter defaults, for the typed wrappers.
        pub mod defaults {
            #[allow(unused_imports)]
            use super::*;

            #(#defaults)*
        }
    }
}

fn default_fn(op: &Operation, param: &Param) -> Option<TokenStream> {
    let value = param.default.as_ref()?;
    let name = default_fn_ident(op, param);
    let doc = super::doc(&format!(
        "The default of `{}` in `{}`: `{value}`.",
        param.name,
        op.qualified_name()
    ));
    let (mut ty, mut expr) = if is_string(param) {
        let text = value.as_str().unwrap_or_default();
        (quote!(Text<'a>), quote!(Text::from(#text)))
    } else {
        let ty = value_type(param);
        (rust_type(ty, Paths::Generated), default_expr(ty, value))
    };
    if field_is_option(param) {
        ty = quote!(Option<#ty>);
        expr = quote!(Some(#expr));
    }
    let lifetime = is_string(param).then(|| quote!(<'a>));
    Some(quote! {
        #doc
        pub fn #name #lifetime() -> #ty {
            #expr
        }
    })
}
