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
pub fn run(interface: &Interface, op: &Operation) -> (TokenStream, TokenStream) {
    let id = type_ident(op);
    let module = module_ident(interface);
    let core = quote!(|state| <Core as ops::#id>::call(state, params));
    match (op.is_async, op.cacheable.is_some()) {
        (false, false) => (
            quote!(),
            quote!(self.runtime.call(&self.modules.#module, op, #core)),
        ),
        (false, true) => (
            quote!(let key = self.runtime.cache_key(op, &params);),
            quote! {
                self.runtime.cached(op, key, || self.runtime.call(&self.modules.#module, op, #core))
            },
        ),
        (true, false) => (
            quote!(let call = self.runtime.enter_async(&self.modules.#module, op).await?;),
            quote!(call.run(#core).await),
        ),
        (true, true) => (
            quote!(let key = self.runtime.cache_key(op, &params);),
            quote! {
                self.runtime
                    .cached_async(op, key, async {
                        let call = self.runtime.enter_async(&self.modules.#module, op).await?;
                        call.run(#core).await
                    })
                    .await
            },
        ),
    }
}
