//! The `ops` module: one trait per operation, which `#[operation]` implements for `Core`.
//!
//! A trait per operation (rather than one generic trait) lets each carry its own
//! `#[diagnostic::on_unimplemented]`, so a declared but unimplemented operation is a compile
//! error naming the operation and its manifest line. The module is `pub(crate)`: other crates
//! cannot reach core functions except through the gateway (ARCH-04).

use super::naming::type_ident;
use super::registry::state_type;
use super::tree;
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

/// The traits of `interface`'s operations, built as syntax trees (see [`tree`]).
pub fn traits(model: &Model, interface: &Interface) -> Vec<syn::Item> {
    let mut types = tree::Types::default();
    interface
        .operations
        .iter()
        .map(|op| syn::Item::Trait(op_trait(model, op, interface.state.as_deref(), &mut types)))
        .collect()
}

/// The `Core` type.
pub fn core(_model: &Model) -> TokenStream {
    quote! {
        /// The type `#[operation]` implements the `ops` traits for.
        pub(crate) struct Core;
    }
}

/// The trait of `op`, built as a syntax tree:
///
/// ```text
/// #[diagnostic::on_unimplemented(message = "..", label = "..")]
/// pub trait CacheGet {
///     fn call(state: &State, params: (..)) -> OpResult<..>;
/// }
/// ```
fn op_trait(
    model: &Model,
    op: &Operation,
    state: Option<&str>,
    types: &mut tree::Types,
) -> syn::ItemTrait {
    let qualified = op.qualified_name();
    let message = format!(
        "operation `{qualified}` ({}:{}) has no implementation",
        model.manifest, op.location.line
    );
    // The fix, where rustc points: the message names the operation and its line.
    let label = format!("add `#[gateway_runtime::operation({qualified})]` to its core function");
    let [state, params, output] = call_types(op, state, Paths::Generated).map(|ty| types.get(ty));
    let (state_name, params_name) = names();
    let call = syn::TraitItemFn {
        attrs: Vec::new(),
        modifiers: Default::default(),
        sig: tree::signature(
            false,
            tree::ident("call"),
            Default::default(),
            [
                tree::arg(tree::binding(&state_name), state),
                tree::arg(tree::binding(&params_name), params),
            ],
            output,
        ),
        default: None,
        semi_token: Some(Default::default()),
    };
    syn::ItemTrait {
        attrs: vec![tree::attribute(
            ["diagnostic", "on_unimplemented"],
            quote!(message = #message, label = #label),
        )],
        vis: tree::public(),
        modifiers: Default::default(),
        unsafety: None,
        trait_token: Default::default(),
        ident: type_ident(op),
        generics: Default::default(),
        colon_token: None,
        supertraits: Default::default(),
        brace_token: Default::default(),
        items: vec![syn::TraitItem::Fn(call)],
    }
}

fn names() -> (Ident, Ident) {
    (tree::ident("state"), tree::ident("params"))
}

/// The signature of an operation's `call`, shared by the trait and by `#[operation]`'s impl:
/// the interface's state, the parameter tuple, and the result.
pub fn call_signature(
    op: &Operation,
    state: Option<&str>,
    paths: Paths,
    (state_name, params_name): &(Ident, Ident),
) -> TokenStream {
    let [state, params, output] = call_types(op, state, paths);
    quote! {
        fn call(#state_name: #state, #params_name: #params) -> #output
    }
}

/// The types of [`call_signature`]: `&State`, the parameter tuple and the result.
fn call_types(op: &Operation, state: Option<&str>, paths: Paths) -> [TokenStream; 3] {
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
    [quote!(&#state), params, output]
}
