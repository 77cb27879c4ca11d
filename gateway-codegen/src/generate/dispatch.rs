//! The dynamic path's dispatch: `Gateway::dispatch` picks a function by the operation's
//! interface and kind, and the `dispatch` module has one function per interface and kind
//! (`sync_cache`, `async_http_client`) with one arm per operation.
//!
//! One function with an arm for every operation made the compiler's work grow faster than
//! the manifest: with a thousand operations, type-checking it took seconds. Operations that
//! do not await also stay out of `async fn`s.

use super::naming::{module_ident, type_ident};
use crate::model::{Interface, Model, Operation};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// `Gateway::dispatch`.
pub fn method(model: &Model) -> TokenStream {
    let routes = model
        .interfaces
        .iter()
        .enumerate()
        .flat_map(|(index, interface)| {
            let index = super::int(index as u128);
            let has = |is_async: bool| {
                interface
                    .operations
                    .iter()
                    .any(|op| op.is_async == is_async)
            };
            let sync = has(false).then(|| {
                let function = function_ident(interface, false);
                quote!((false, #index) => dispatch::#function(self, id, op, params),)
            });
            let asynchronous = has(true).then(|| {
                let function = function_ident(interface, true);
                quote!((true, #index) => dispatch::#function(self, id, op, params).await,)
            });
            sync.into_iter().chain(asynchronous)
        });
    let body = if model.operations().next().is_none() {
        quote! {
            let _ = params;
            match id {}
        }
    } else {
        quote! {
            let op = id.descriptor();
            match (op.is_async, op.interface_index) {
                #(#routes)*
                _ => Err(REGISTRY.unknown(op.interface, op.operation)),
            }
        }
    };
    quote! {
        /// Runs a resolved operation with JSON parameters.
        pub async fn dispatch(&self, id: OperationId, params: Value) -> Result<Value, GatewayError> {
            #body
        }
    }
}

/// The `dispatch` module around `functions` (see [`functions`]).
pub fn module(_model: &Model, functions: TokenStream) -> TokenStream {
    quote! {
        /// [`Gateway::dispatch`] by interface and kind: JSON parameters in, a JSON result out.
        mod dispatch {
            #[allow(unused_imports)]
            use super::*;

            #functions
        }
    }
}

/// The dispatch functions of `interface`: one for its operations that do not await, one for
/// its `async` ones, each if there are any.
pub fn functions(model: &Model, interface: &Interface) -> TokenStream {
    let operations = model.operations().count();
    let functions = [false, true]
        .into_iter()
        .filter_map(|is_async| function(interface, is_async, operations));
    quote!(#(#functions)*)
}

/// `sync_cache` / `async_cache`: the dispatch function of an interface's operations of one
/// kind. The prefixes keep `ASYNC_X`'s functions apart from `X`'s.
fn function_ident(interface: &Interface, is_async: bool) -> Ident {
    let kind = if is_async { "async" } else { "sync" };
    format_ident!("{kind}_{}", module_ident(interface))
}

/// The dispatch function of `interface`'s operations of one kind, if it has any, in a model of
/// `operations` operations.
fn function(interface: &Interface, is_async: bool, operations: usize) -> Option<TokenStream> {
    let arms: Vec<TokenStream> = interface
        .operations
        .iter()
        .filter(|op| op.is_async == is_async)
        .map(arm)
        .collect();
    if arms.is_empty() {
        return None;
    }
    let name = function_ident(interface, is_async);
    let kind = if is_async {
        "is `async`"
    } else {
        "does not await"
    };
    let doc = super::doc(&format!(
        "Runs an operation of `{}` whose core function {kind}.",
        interface.name
    ));
    // Another operation's id is an error; when there is none, the arm would be unreachable
    // and warned about in the user's crate.
    let others = (arms.len() < operations)
        .then(|| quote!(_ => Err(REGISTRY.unknown(op.interface, op.operation)),));
    let asyncness = is_async.then(|| quote!(async));
    let module = module_ident(interface);
    Some(quote! {
        #doc
        pub(super) #asyncness fn #name(
            gateway: &Gateway,
            id: OperationId,
            op: &'static OperationDescriptor,
            mut params: Value,
        ) -> Result<Value, GatewayError> {
            let call = gateway.runtime.json_call(&gateway.modules.#module, op, &mut params);
            match id {
                #(#arms)*
                #others
            }
        }
    })
}

fn arm(op: &Operation) -> TokenStream {
    let id = type_ident(op);
    let (run, wait) = match (op.is_async, op.cacheable.is_some()) {
        (false, false) => (quote!(run), None),
        (false, true) => (quote!(cached), None),
        (true, false) => (quote!(run_async), Some(quote!(.await))),
        (true, true) => (quote!(cached_async), Some(quote!(.await))),
    };
    quote! {
        OperationId::#id => call.#run(<Core as ops::#id>::call)#wait,
    }
}
