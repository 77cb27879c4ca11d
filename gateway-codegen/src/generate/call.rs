//! The statements that run an operation's core function through the runtime, shared by the
//! typed wrappers and the dynamic `dispatch`, so both paths get the same metadata-driven
//! behaviour: the result cache for `cacheable` operations, the timeout inside the runtime's
//! call.

use super::naming::{module_ident, type_ident};
use crate::model::{Interface, Operation};
use proc_macro2::TokenStream;
use quote::quote;

/// How to run `op` with `params` (a parameter struct in scope, `op` its descriptor): the
/// statements to put first, then an expression of type `Result<T, GatewayError>`.
/// `gateway` is the expression of the `&Gateway` (`self` in its methods).
pub fn run(
    gateway: &TokenStream,
    interface: &Interface,
    op: &Operation,
) -> (TokenStream, TokenStream) {
    let id = type_ident(op);
    let module = module_ident(interface);
    let core = quote!(|state| <Core as ops::#id>::call(state, params));
    match (op.is_async, op.cacheable.is_some()) {
        (false, false) => (
            quote!(),
            quote!(#gateway.runtime.call(&#gateway.modules.#module, op, #core)),
        ),
        (false, true) => (
            quote!(let key = #gateway.runtime.cache_key(op, &params);),
            quote! {
                #gateway.runtime.cached(op, key, || #gateway.runtime.call(&#gateway.modules.#module, op, #core))
            },
        ),
        (true, false) => (
            quote!(let call = #gateway.runtime.enter_async(&#gateway.modules.#module, op).await?;),
            quote!(call.run(#core).await),
        ),
        (true, true) => (
            quote!(let key = #gateway.runtime.cache_key(op, &params);),
            quote! {
                #gateway.runtime
                    .cached_async(op, key, async {
                        let call = #gateway.runtime.enter_async(&#gateway.modules.#module, op).await?;
                        call.run(#core).await
                    })
                    .await
            },
        ),
    }
}
