//! The dynamic path's dispatch: `Gateway::dispatch` picks a function by the operation's
//! interface and kind, and the `dispatch` module has one function per interface and kind
//! (`sync_ops::cache`, `async_ops::http_client`) with one arm per operation.
//!
//! One function with an arm for every operation made the compiler's work grow faster than
//! the manifest: with a thousand operations, type-checking it took seconds. Operations that
//! do not await also stay out of `async fn`s.

use super::naming::{module_ident, type_ident};
use crate::model::{Interface, Model, Operation, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// `Gateway::dispatch`.
pub fn method(model: &Model) -> TokenStream {
    let routes = model
        .interfaces
        .iter()
        .enumerate()
        .flat_map(|(index, interface)| {
            let index = super::int(index as u128);
            let module = module_ident(interface);
            let has = |is_async: bool| {
                interface
                    .operations
                    .iter()
                    .any(|op| op.is_async == is_async)
            };
            let sync = has(false)
                .then(|| quote!((false, #index) => dispatch::sync_ops::#module(self, id, op, params),));
            let asynchronous = has(true).then(
                || quote!((true, #index) => dispatch::async_ops::#module(self, id, op, params).await,),
            );
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

/// The `dispatch` module.
pub fn module(model: &Model) -> TokenStream {
    let functions = |is_async: bool| -> Vec<TokenStream> {
        model
            .interfaces
            .iter()
            .filter_map(|interface| function(interface, is_async))
            .collect()
    };
    let (sync_fns, async_fns) = (functions(false), functions(true));
    let sync_mod = (!sync_fns.is_empty()).then(|| {
        quote! {
            /// Operations whose core function is not `async`.
            pub(super) mod sync_ops {
                #[allow(unused_imports)]
                use super::super::*;

                #(#sync_fns)*
            }
        }
    });
    let async_mod = (!async_fns.is_empty()).then(|| {
        quote! {
            /// Operations whose core function is `async`.
            pub(super) mod async_ops {
                #[allow(unused_imports)]
                use super::super::*;

                #(#async_fns)*
            }
        }
    });
    quote! {
        /// [`Gateway::dispatch`] by interface: JSON parameters in, a JSON result out.
        mod dispatch {
            #sync_mod
            #async_mod
        }
    }
}

/// The dispatch function of `interface`'s operations of one kind, if it has any.
fn function(interface: &Interface, is_async: bool) -> Option<TokenStream> {
    let arms: Vec<TokenStream> = interface
        .operations
        .iter()
        .filter(|op| op.is_async == is_async)
        .map(|op| arm(interface, op))
        .collect();
    if arms.is_empty() {
        return None;
    }
    let name = module_ident(interface);
    let doc = super::doc(&format!("Runs an operation of `{}`.", interface.name));
    let asyncness = is_async.then(|| quote!(async));
    Some(quote! {
        #doc
        pub(in super::super) #asyncness fn #name(
            gateway: &Gateway,
            id: OperationId,
            op: &'static OperationDescriptor,
            mut params: Value,
        ) -> Result<Value, GatewayError> {
            match id {
                #(#arms)*
                _ => Err(REGISTRY.unknown(op.interface, op.operation)),
            }
        }
    })
}

/// For a result type whose Rust form is made of JSON values, the function that moves it into
/// one `Value` (empty for `any`, which is one already); `None` when it must be encoded. Moving
/// saves a deep copy of every value a batch operation returns.
fn json_move(returns: &Type) -> Option<TokenStream> {
    match returns {
        Type::Any => Some(TokenStream::new()),
        Type::List => Some(quote!(Value::Array)),
        Type::ListOf(item) if **item == Type::Any => Some(quote!(Value::Array)),
        Type::Dict => Some(quote!(Value::Object)),
        Type::MapOf(item) if **item == Type::Any => {
            Some(quote!(|map| Value::Object(map.into_iter().collect())))
        }
        Type::Optional(inner) if **inner == Type::Any => {
            Some(quote!(|value| value.unwrap_or(Value::Null)))
        }
        _ => None,
    }
}

fn arm(interface: &Interface, op: &Operation) -> TokenStream {
    let id = type_ident(op);
    if op.is_async {
        let (first, result) = super::call::run(&quote!(gateway), interface, op);
        let tail = with_encoding(op, result);
        return quote! {
            OperationId::#id => {
                let params = decode_params(op, &mut params)?;
                #first
                #tail
            }
        };
    }
    // Operations that do not await: one call, the core function passed by name.
    let module = module_ident(interface);
    let call = if op.cacheable.is_some() {
        quote!(call_json_cached)
    } else {
        quote!(call_json)
    };
    let result = quote! {
        gateway.runtime.#call(&gateway.modules.#module, op, &mut params, <Core as ops::#id>::call)
    };
    let result = with_encoding(op, result);
    quote!(OperationId::#id => { #result })
}

/// `result` as a JSON value: results that already are JSON values are moved into one; others
/// are encoded.
fn with_encoding(op: &Operation, result: TokenStream) -> TokenStream {
    match json_move(&op.returns) {
        Some(conversion) if conversion.is_empty() => result,
        Some(conversion) => quote!(#result.map(#conversion)),
        None => quote!(encode_result(op, #result)),
    }
}
