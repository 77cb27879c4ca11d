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
    let fields = op.params.iter().map(field);
    let decoded = op
        .params
        .iter()
        .enumerate()
        .map(|(index, param)| decode_field(op, index, param));
    // Without parameters, the bodies do not use their argument.
    let (fields_arg, out_arg) = if op.params.is_empty() {
        (quote!(_fields), quote!(_out))
    } else {
        (quote!(fields), quote!(out))
    };
    // Only the result cache writes parameters back, as the key of a call.
    let key = op.cacheable.is_some().then(|| {
        let encoded = op.params.iter().map(encode_field);
        quote! {
            impl #lifetime ::gateway_runtime::ParamsKey for #name #lifetime {
                fn encode(&self, #out_arg: &mut ::gateway_runtime::Encoder) {
                    #(#encoded)*
                }
            }
        }
    });
    quote! {
        #doc
        pub struct #name #lifetime {
            #(#fields,)*
        }

        impl<'a> ::gateway_runtime::Params<'a> for #name #lifetime {
            fn decode(
                #fields_arg: &mut ::gateway_runtime::Fields<'a>,
            ) -> Result<Self, ::gateway_runtime::FieldError> {
                Ok(Self { #(#decoded,)* })
            }
        }

        #key
    }
}

fn field(param: &Param) -> TokenStream {
    let name = param_ident(param);
    let ty = field_type(param);
    let summary = super::param_summary(param);
    let docs = super::doc(&match &param.description {
        Some(description) => format!("{description}\n\n{summary}."),
        None => format!("{summary}."),
    });
    quote!(#docs pub #name: #ty)
}

/// How `decode` reads a field: strings are borrowed from the JSON they are decoded from, so
/// dynamic calls need not copy them; `optional<T>` parameters with `required: true` must be
/// present, though they may be null.
fn decode_field(op: &Operation, index: usize, param: &Param) -> TokenStream {
    let name = param_ident(param);
    let index = super::int(index as u128);
    let option = field_is_option(param);
    let default = param.default.as_ref().map(|_| {
        let function = default_fn_ident(op, param);
        quote!(defaults::#function)
    });
    let read = match (is_string(param) && !option, default) {
        (true, Some(default)) => quote!(fields.text_or(#index, #default)),
        (false, Some(default)) => quote!(fields.or(#index, #default)),
        (true, None) => quote!(fields.text(#index)),
        (false, None) if param.required => quote!(fields.required(#index)),
        (false, None) if is_string(param) => quote!(fields.optional_text(#index)),
        (false, None) => quote!(fields.optional(#index)),
    };
    quote!(#name: #read?)
}

/// How `encode` writes a field: omitted optional parameters are left out.
fn encode_field(param: &Param) -> TokenStream {
    let name = &param.name;
    let ident = param_ident(param);
    if field_is_option(param) && !param.required {
        quote!(out.optional_field(#name, &self.#ident);)
    } else {
        quote!(out.field(#name, &self.#ident);)
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
