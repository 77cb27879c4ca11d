//! The dynamic path's dispatch: `Gateway::dispatch` picks a function by the operation's
//! interface and kind, and the `dispatch` module has one function per interface and kind
//! (`sync_cache`, `async_http_client`) with one arm per operation.
//!
//! One function with an arm for every operation made the compiler's work grow faster than
//! the manifest: with a thousand operations, type-checking it took seconds. Operations that
//! do not await also stay out of `async fn`s.

use super::naming::{module_ident, type_ident};
use super::tree;
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
/// its `async` ones, each if there are any. They are built as syntax trees (see [`tree`]).
pub fn functions(model: &Model, interface: &Interface) -> Vec<syn::Item> {
    let operations = model.operations().count();
    let mut types = tree::Types::default();
    [false, true]
        .into_iter()
        .filter_map(|is_async| function(interface, is_async, operations, &mut types))
        .map(syn::Item::Fn)
        .collect()
}

/// `sync_cache` / `async_cache`: the dispatch function of an interface's operations of one
/// kind. The prefixes keep `ASYNC_X`'s functions apart from `X`'s.
fn function_ident(interface: &Interface, is_async: bool) -> Ident {
    let kind = if is_async { "async" } else { "sync" };
    format_ident!("{kind}_{}", module_ident(interface))
}

/// The dispatch function of `interface`'s operations of one kind, if it has any, in a model of
/// `operations` operations:
///
/// ```text
/// pub(super) [async] fn sync_cache(
///     gateway: &Gateway,
///     id: OperationId,
///     op: &'static OperationDescriptor,
///     mut params: Value,
/// ) -> Result<Value, GatewayError> {
///     let call = gateway.runtime.json_call(&gateway.modules.cache, op, &mut params);
///     match id {
///         OperationId::CacheGet => call.cached(<Core as ops::CacheGet>::call),
///         ..
///         _ => Err(REGISTRY.unknown(op.interface, op.operation)),
///     }
/// }
/// ```
fn function(
    interface: &Interface,
    is_async: bool,
    operations: usize,
    types: &mut tree::Types,
) -> Option<syn::ItemFn> {
    let mut arms: Vec<syn::Arm> = interface
        .operations
        .iter()
        .filter(|op| op.is_async == is_async)
        .map(arm)
        .collect();
    if arms.is_empty() {
        return None;
    }
    // Another operation's id is an error; when there is none, the arm would be unreachable
    // and warned about in the user's crate.
    if arms.len() < operations {
        let unknown = tree::method(
            tree::var("REGISTRY"),
            "unknown",
            [
                tree::field(tree::var("op"), "interface"),
                tree::field(tree::var("op"), "operation"),
            ],
        );
        arms.push(tree::arm(
            tree::wildcard(),
            tree::call(tree::var("Err"), [unknown]),
        ));
    }
    let kind = if is_async {
        "is `async`"
    } else {
        "does not await"
    };
    let inputs = [
        tree::arg(tree::binding("gateway"), types.get(quote!(&Gateway))),
        tree::arg(tree::binding("id"), types.get(quote!(OperationId))),
        tree::arg(
            tree::binding("op"),
            types.get(quote!(&'static OperationDescriptor)),
        ),
        tree::arg(tree::binding_mut("params"), types.get(quote!(Value))),
    ];
    let output = types.get(quote!(Result<Value, GatewayError>));
    let state = tree::field(
        tree::field(tree::var("gateway"), "modules"),
        module_ident(interface),
    );
    let json_call = tree::method(
        tree::field(tree::var("gateway"), "runtime"),
        "json_call",
        [
            tree::reference(state),
            tree::var("op"),
            tree::reference_mut(tree::var("params")),
        ],
    );
    Some(syn::ItemFn {
        attrs: tree::doc(&format!(
            "Runs an operation of `{}` whose core function {kind}.",
            interface.name
        )),
        vis: tree::public_in_parent(),
        modifiers: Default::default(),
        sig: tree::signature(
            is_async,
            function_ident(interface, is_async),
            Default::default(),
            inputs,
            output,
        ),
        block: Box::new(tree::block(vec![
            tree::let_("call", json_call),
            syn::Stmt::Expr(tree::match_(tree::var("id"), arms), None),
        ])),
    })
}

/// `OperationId::CacheGet => call.cached(<Core as ops::CacheGet>::call),`, awaited for an
/// `async` operation.
fn arm(op: &Operation) -> syn::Arm {
    let id = type_ident(op);
    let run = match (op.is_async, op.cacheable.is_some()) {
        (false, false) => "run",
        (false, true) => "cached",
        (true, false) => "run_async",
        (true, true) => "cached_async",
    };
    let core = tree::qualified("Core", [tree::ident("ops"), id.clone()], "call");
    let mut body = tree::method(tree::var("call"), tree::ident(run), [core]);
    if op.is_async {
        body = tree::awaited(body);
    }
    tree::arm(
        tree::path_pat([tree::ident("OperationId"), id.clone()]),
        body,
    )
}
