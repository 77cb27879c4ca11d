//! The `params` module: one tuple type per operation, as the dynamic path decodes it and as
//! core functions receive it, with the manifest's defaults as functions.
//!
//! The runtime reads and writes every tuple with one generic implementation
//! (`gateway_runtime::Params`), guided by the operation's descriptor, so a manifest adds no
//! decoding code: only an alias per operation, and a function per default for the typed
//! wrappers.

use super::naming::{default_fn_ident, type_ident};
use super::types::{
    Paths, default_expr, field_is_option, field_type, is_string, needs_lifetime, rust_type,
    value_type,
};
use crate::model::{Model, Operation, Param};
use proc_macro2::TokenStream;
use quote::quote;

/// The `params` module.
pub fn module(model: &Model) -> TokenStream {
    let aliases = model.operations().map(params_alias);
    let defaults: Vec<TokenStream> = model
        .operations()
        .flat_map(|op| op.params.iter().map(move |p| (op, p)))
        .filter_map(|(op, p)| default_fn(op, p))
        .collect();
    let defaults = (!defaults.is_empty()).then(|| {
        quote! {
            /// The manifest's parameter defaults.
            pub mod defaults {
                #[allow(unused_imports)]
                use super::super::*;

                #(#defaults)*
            }
        }
    });
    quote! {
        /// Parameters of each operation, as a tuple in declaration order: what the dynamic
        /// path decodes from JSON and what the typed wrappers build, with the manifest's
        /// defaults already applied.
        pub mod params {
            #[allow(unused_imports)]
            use super::*;

            #(#aliases)*

            #defaults
        }
    }
}

/// The alias of an operation's parameter tuple, documented with the parameters' names in order
/// (the typed wrapper documents each).
fn params_alias(op: &Operation) -> TokenStream {
    let name = type_ident(op);
    let names: Vec<String> = op.params.iter().map(|p| format!("`{}`", p.name)).collect();
    let text = format!(
        "Parameters of `{}` (`{}`), in declaration order: {}.",
        op.qualified_name(),
        op.wrapper,
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    );
    let doc = super::doc(&text);
    let lifetime = needs_lifetime(&op.params).then(|| quote!(<'a>));
    let fields = op.params.iter().map(field_type);
    quote! {
        #doc
        pub type #name #lifetime = (#(#fields,)*);
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
