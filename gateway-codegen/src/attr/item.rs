//! The item `#[operation]` is put on, read only as far as the attribute needs.

use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Signature, Visibility, braced};

/// A function item read up to its body: `#[operation]` checks the signature and the
/// visibility only, and parsing every statement of the body was most of what the attribute
/// cost a crate's build. The item is emitted again as it was written, so the compiler reports
/// any error inside the body itself.
pub struct CoreFn {
    /// `pub`, `pub(crate)` or nothing.
    pub vis: Visibility,
    /// Everything from `async`/`fn` to the return type and `where` clause.
    pub sig: Signature,
}

impl Parse for CoreFn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        let body;
        braced!(body in input);
        body.parse::<TokenStream>()?;
        Ok(CoreFn { vis, sig })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn the_body_is_not_parsed() {
        let item = quote! {
            /// Docs.
            #[inline]
            pub(crate) async fn get(key: String) -> i64 { this is not Rust ; }
        };
        let function: CoreFn = syn::parse2(item).unwrap();
        assert_eq!(function.sig.ident, "get");
        assert!(function.sig.asyncness.is_some());
        assert!(matches!(function.vis, Visibility::Restricted(_)));
    }

    #[test]
    fn items_that_are_not_functions_with_a_body_are_refused() {
        for item in [
            quote!(
                struct Get;
            ),
            quote!(
                fn get();
            ),
            quote!(
                fn get() {}
                fn other() {}
            ),
            quote!(fn get() (1)),
        ] {
            assert!(syn::parse2::<CoreFn>(item.clone()).is_err(), "{item}");
        }
    }
}
