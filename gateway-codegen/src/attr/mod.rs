//! `#[operation(CACHE.get)]`: checks a core function against the manifest and implements the
//! operation's `ops` trait for `Core` by calling it.
//!
//! The function itself is always emitted unchanged, even when there are errors, so the rest of
//! the crate (and rust-analyzer) keeps seeing it. On errors the trait gets a placeholder impl
//! that is never run, so one mistake does not also read as "operation not implemented".

mod args;
mod item;
mod signature;
pub mod types;

use crate::generate::ops::call_signature;
use crate::generate::types::Paths;
use crate::macros::{Located, locate};
use crate::model::{Interface, Operation};
use crate::suggest::did_you_mean;
use args::Args;
use item::CoreFn;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use std::path::Path;

/// Expands `#[operation(args)] item`; `call_file` is the file the attribute is in, if known.
pub fn expand_operation(
    args: TokenStream,
    item: TokenStream,
    call_file: Option<&Path>,
) -> TokenStream {
    let function: CoreFn = match syn::parse2(item.clone()) {
        Ok(function) => function,
        Err(_) => {
            let error = syn::Error::new(
                Span::call_site(),
                "#[operation] goes on a function: `fn name(...) -> ... { ... }`",
            );
            return with_errors(item, vec![error]);
        }
    };
    let args: Args = match syn::parse2(args) {
        Ok(args) => args,
        Err(error) => return with_errors(item, vec![error]),
    };
    let located = match locate(
        call_file,
        args.manifest.as_ref().map(|m| m.value()).as_deref(),
    ) {
        Ok(located) => located,
        Err(error) => {
            let span = args
                .manifest
                .as_ref()
                .map_or_else(|| args.interface.span(), |m| m.span());
            let mut tokens = item;
            tokens.extend(error.to_compile_error(span, true));
            return tokens;
        }
    };
    let (interface, op) = match find(&located, &args) {
        Ok(found) => found,
        Err(error) => return with_errors(item, vec![error]),
    };
    let module = match &args.gateway {
        Some(path) => quote!(#path),
        None => {
            let name = format_ident!("{}", located.module);
            quote!(crate::#name)
        }
    };
    let implementation = match signature::check(&function, &located.model, interface, op) {
        Ok(plan) => implementation(&function, interface, op, &module, plan),
        Err(errors) => {
            let fallback = placeholder(interface, op, &module);
            let mut tokens = with_errors(item, errors);
            tokens.extend(fallback);
            return tokens;
        }
    };
    quote! {
        #item
        #implementation
    }
}

fn find<'m>(located: &'m Located, args: &Args) -> syn::Result<(&'m Interface, &'m Operation)> {
    let model = &located.model;
    let interface_name = args.interface.to_string();
    let Some(interface) = model.interface(&interface_name) else {
        let names: Vec<&str> = model.interfaces.iter().map(|i| i.name.as_str()).collect();
        let message = format!("no interface `{interface_name}` in {}", model.manifest);
        return Err(unknown(&args.interface, message, &names, "interfaces"));
    };
    let operation_name = args.operation.to_string();
    let Some(op) = interface
        .operations
        .iter()
        .find(|o| o.name == operation_name)
    else {
        let names: Vec<&str> = interface
            .operations
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        let message = format!(
            "`{interface_name}.{operation_name}` is not declared in {}",
            model.manifest
        );
        return Err(unknown(
            &args.operation,
            message,
            &names,
            &format!("{interface_name} declares"),
        ));
    };
    Ok((interface, op))
}

/// An error at `given` with a "did you mean" and the list of what exists.
fn unknown(given: &syn::Ident, mut message: String, known: &[&str], listed_as: &str) -> syn::Error {
    if let Some(help) = did_you_mean(&given.to_string(), known.iter().copied()) {
        message.push_str(&format!("\n= help: {help}"));
    }
    message.push_str(&format!("\n= note: {listed_as}: {}", known.join(", ")));
    syn::Error::new(given.span(), message)
}

fn implementation(
    function: &CoreFn,
    interface: &Interface,
    op: &Operation,
    module: &TokenStream,
    plan: signature::Plan,
) -> TokenStream {
    let trait_name = crate::generate::naming::type_ident(op);
    let names = (format_ident!("__state"), format_ident!("__params"));
    let signature = call_signature(op, interface.state.as_deref(), Paths::Qualified, &names);
    let function_name = &function.sig.ident;
    let args = &plan.args;
    let awaited = op.is_async.then(|| quote!(.await));
    let call = quote!(#function_name(#(#args),*) #awaited);
    let result = if plan.fallible {
        quote_spanned!(plan.output_span=> #call.map_err(::gateway_runtime::OperationError::from_source))
    } else {
        quote_spanned!(plan.output_span=> ::core::result::Result::Ok(#call))
    };
    let body = if op.is_async {
        quote!(async move { #result })
    } else {
        result
    };
    quote! {
        #[automatically_derived]
        impl #module::ops::#trait_name for #module::Core {
            #[inline]
            #signature {
                #body
            }
        }
    }
}

/// An impl that satisfies the trait while the function has errors; it never runs because the
/// crate does not compile.
fn placeholder(interface: &Interface, op: &Operation, module: &TokenStream) -> TokenStream {
    let trait_name = crate::generate::naming::type_ident(op);
    let names = (format_ident!("__state"), format_ident!("__params"));
    let signature = call_signature(op, interface.state.as_deref(), Paths::Qualified, &names);
    let body = quote!(::core::unreachable!(
        "#[operation] reported a compile error"
    ));
    let body = if op.is_async {
        quote!(async move { #body })
    } else {
        body
    };
    quote! {
        impl #module::ops::#trait_name for #module::Core {
            #signature {
                #body
            }
        }
    }
}

fn with_errors(item: TokenStream, errors: Vec<syn::Error>) -> TokenStream {
    let mut tokens = item;
    for error in errors {
        tokens.extend(error.to_compile_error());
    }
    tokens
}
