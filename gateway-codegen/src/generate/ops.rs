//! The `ops` module: one trait per operation, which `#[operation]` implements for `Core`.
//!
//! A trait per operation (rather than one generic trait) lets each carry its own
//! `#[diagnostic::on_unimplemented]`, so a declared but unimplemented operation is a compile
//! error naming the operation and its manifest line. The module is `pub(crate)`: other crates
//! cannot reach core functions except through the gateway (ARCH-04).

use super::naming::type_ident;
use super::registry::state_type;
use super::types::{Paths, params_type, rust_type};
use crate::model::{Interface, Model, Operation};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// The `ops` module around `traits` (see [`traits`]).
pub fn module(_model: &Model, traits: TokenStream) -> TokenStream {
    quote! {
        /// The implementation side of every operation: one trait per operation, implemented
        /// for [`Core`] by the `#[operation]` attribute on its core function.
        pub(crate) mod ops {
            #[allow(unused_imports)]
            use super::*;

            #traits
        }
    }
}

/// The traits of `interface`'s operations.
pub fn traits(model: &Model, interface: &Interface) -> TokenStream {
    let traits = interface
        .operations
        .iter()
        .map(|op| op_trait(model, op, interface.state.as_deref()));
    quote!(#(#traits)*)
}

/// The `Core` type.
pub fn core(_model: &Model) -> TokenStream {
    quote! {
        /// The type `#[operation]` implements the `ops` traits for.
        pub(crate) struct Core;
    }
}

fn op_trait(model: &Model, op: &Operation, state: Option<&str>) -> TokenStream {
    let name = type_ident(op);
    let qualified = op.qualified_name();
    let message = format!(
        "operation `{qualified}` ({}:{}) has no implementation",
        model.manifest, op.location.line
    );
    // The fix, where rustc points: the message names the operation and its line.
    let label = format!("add `#[gateway_runtime::operation({qualified})]` to its core function");
    let signature = call_signature(op, state, Paths::Generated, &names());
    quote! {
        #[diagnostic::on_unimplemented(message = #message, label = #label)]
        pub trait #name {
            #signature;
        }
    }
}

fn names() -> (Ident, Ident) {
    (
        Ident::new("state", proc_macro2::Span::call_site()),
        Ident::new("params", proc_macro2::Span::call_site()),
    )
}

/// The signature of an operation's `call`, shared by the trait and by `#[operation]`'s impl:
/// the interface's state, the parameter tuple, and the result.
pub fn call_signature(
    op: &Operation,
    state: Option<&str>,
    paths: Paths,
    (state_name, params_name): &(Ident, Ident),
) -> TokenStream {
    let state = state_type(state);
    let params = params_type(&op.params, paths);
    let output = rust_type(&op.returns, paths);
    let result = match paths {
        Paths::Generated => quote!(OpResult<#output>),
        Paths::Qualified => quote!(::gateway_runtime::OpResult<#output>),
    };
    // The future of an `async` core function borrows the state and the parameters, each for
    // its own lifetime (a return-position `impl Trait` in a trait captures both), so the
    // runtime can call it for any state borrow with parameters decoded earlier.
    let output = if op.is_async {
        quote!(impl ::core::future::Future<Output = #result> + ::core::marker::Send)
    } else {
        result
    };
    quote! {
        fn call(#state_name: &#state, #params_name: #params) -> #output
    }
}
