//! The `params` module: one struct per operation, as the dynamic path decodes it and as core
//! functions receive it, with the manifest's defaults as functions.

use super::naming::{default_fn_ident, param_ident, type_ident};
use super::types::{
    Paths, default_expr, field_is_option, field_type, is_string, needs_lifetime, rust_type,
    value_type,
};
use crate::model::{Model, Operation, Param};
use proc_macro2::TokenStream;
use quote::quote;

/// The `params` module.
pub fn module(model: &Model) -> TokenStream {
    let structs = model.operations().map(params_struct);
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
        /// Parameters of each operation: what the dynamic path decodes from JSON and what the
        /// typed wrappers build, with the manifest's defaults already applied.
        pub mod params {
            #[allow(unused_imports)]
            use super::*;
            use ::gateway_runtime::__private::schemars::JsonSchema;
            use ::gateway_runtime::__private::serde::{Deserialize, Serialize};

            #(#structs)*

            #defaults
        }
    }
}

fn params_struct(op: &Operation) -> TokenStream {
    let name = type_ident(op);
    let doc = super::doc(&format!(
        "Parameters of `{}` (`{}`).",
        op.qualified_name(),
        op.wrapper
    ));
    let lifetime = needs_lifetime(&op.params).then(|| quote!(<'a>));
    let fields = op.params.iter().map(|param| field(op, param));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(crate = "::gateway_runtime::__private::serde", deny_unknown_fields)]
        #[schemars(crate = "::gateway_runtime::__private::schemars")]
        pub struct #name #lifetime {
            #(#fields,)*
        }
    }
}

fn field(op: &Operation, param: &Param) -> TokenStream {
    let name = param_ident(param);
    let ty = field_type(param);
    let summary = super::param_summary(param);
    let docs = super::doc(&match &param.description {
        Some(description) => format!("{description}\n\n{summary}."),
        None => format!("{summary}."),
    });
    let required_option = field_is_option(param) && param.required;
    // Strings borrow from the JSON they are decoded from, so dynamic calls need not copy them.
    let borrow = (is_string(param) && !required_option).then(|| quote!(#[serde(borrow)]));
    let serde = if param.default.is_some() {
        let path = format!("defaults::{}", default_fn_ident(op, param));
        quote!(#[serde(default = #path)])
    } else if required_option {
        // Present but possibly null (`optional<T>` with `required: true`): serde would
        // otherwise accept a missing field as `None`.
        quote! {
            #[serde(deserialize_with = "::gateway_runtime::__private::required_option")]
            #[schemars(required)]
        }
    } else if field_is_option(param) {
        quote!(#[serde(default, skip_serializing_if = "Option::is_none")])
    } else {
        quote!()
    };
    let serde = quote!(#borrow #serde);
    quote!(#docs #serde pub #name: #ty)
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
        (quote!(Cow<'a, str>), quote!(Cow::Borrowed(#text)))
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
