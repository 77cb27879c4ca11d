//! `#[derive(Interface)]`: implements `InterfaceState` from attributes.
//!
//! ```text
//! #[derive(Interface)]
//! #[interface(init = CacheStore::new, holds_data = CacheStore::has_entries, memory = CacheStore::bytes)]
//! pub struct CacheStore { ... }
//! ```
//!
//! - `init = path`: `fn(&InitContext<'_>) -> Result<Self, E>` (E converts into a boxed error);
//! - `init_async = path`: the same as an `async fn` (the state is then created only by
//!   asynchronous operations, or at `start_async`);
//! - `default`: `Default::default()`;
//! - `holds_data = path`: `fn(&Self) -> bool`, true while unloading would lose data;
//! - `memory = path`: `fn(&Self) -> usize`, an estimate in bytes.

use crate::suggest::did_you_mean;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{DeriveInput, Path};

const KEYS: &[&str] = &["init", "init_async", "default", "holds_data", "memory"];

enum Init {
    Sync(Path),
    Async(Path),
    Default,
}

#[derive(Default)]
struct Attributes {
    init: Option<(Init, Span)>,
    holds_data: Option<Path>,
    memory: Option<Path>,
}

/// Expands `#[derive(Interface)]` on `input`.
pub fn expand_interface(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    match attributes(&input) {
        Ok(attributes) => implementation(&input, attributes),
        Err(error) => error.to_compile_error(),
    }
}

fn attributes(input: &DeriveInput) -> syn::Result<Attributes> {
    let mut errors: Option<syn::Error> = None;
    let mut push = |error: syn::Error| match &mut errors {
        Some(all) => all.combine(error),
        None => errors = Some(error),
    };
    if !input.generics.params.is_empty() {
        push(syn::Error::new(
            input.generics.span(),
            "#[derive(Interface)] needs a concrete type: the manifest names the state type by its path",
        ));
    }
    let mut found = Attributes::default();
    for attribute in input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("interface"))
    {
        let parsed = attribute.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
            let span = meta.path.span();
            let init = match key.as_str() {
                "init" => Some(Init::Sync(meta.value()?.parse()?)),
                "init_async" => Some(Init::Async(meta.value()?.parse()?)),
                "default" => Some(Init::Default),
                "holds_data" | "memory" => {
                    let path: Path = meta.value()?.parse()?;
                    let slot = if key == "holds_data" { &mut found.holds_data } else { &mut found.memory };
                    if slot.replace(path).is_some() {
                        return Err(meta.error(format!("`{key}` is given twice")));
                    }
                    None
                }
                _ => {
                    let mut message = format!("unknown key `{key}`; expected one of: {}", KEYS.join(", "));
                    if let Some(help) = did_you_mean(&key, KEYS.iter().copied()) {
                        message.push_str(&format!("\n= help: {help}"));
                    }
                    return Err(meta.error(message));
                }
            };
            if let Some(init) = init {
                if found.init.is_some() {
                    return Err(syn::Error::new(
                        span,
                        "the state is created one way: give only one of `init`, `init_async` and `default`",
                    ));
                }
                found.init = Some((init, span));
            }
            Ok(())
        });
        if let Err(error) = parsed {
            push(error);
        }
    }
    if found.init.is_none() {
        push(syn::Error::new(
            input.ident.span(),
            format!(
                "say how `{}` is created: #[interface(init = path)], #[interface(init_async = path)] or #[interface(default)]",
                input.ident
            ),
        ));
    }
    match errors {
        Some(errors) => Err(errors),
        None => Ok(found),
    }
}

fn implementation(input: &DeriveInput, attributes: Attributes) -> TokenStream {
    let name = &input.ident;
    let (init, init_async) = match attributes.init.map(|(init, _)| init) {
        Some(Init::Sync(path)) => (
            quote!(#path(ctx).map_err(::core::convert::Into::into)),
            quote!(),
        ),
        Some(Init::Default) => (
            quote!(::core::result::Result::Ok(
                <Self as ::core::default::Default>::default()
            )),
            quote!(),
        ),
        Some(Init::Async(path)) => (
            quote!(::core::result::Result::Err(ctx.needs_async())),
            quote! {
                fn init_async<'a>(
                    ctx: &'a ::gateway_runtime::InitContext<'_>,
                ) -> impl ::core::future::Future<Output = ::core::result::Result<Self, ::gateway_runtime::BoxError>> + ::core::marker::Send + 'a {
                    async move { #path(ctx).await.map_err(::core::convert::Into::into) }
                }
            },
        ),
        None => (quote!(::core::unreachable!()), quote!()),
    };
    let holds_data = attributes.holds_data.map(|path| {
        quote! {
            fn holds_unsaved_data(&self) -> bool {
                #path(self)
            }
        }
    });
    let memory = attributes.memory.map(|path| {
        quote! {
            fn approx_memory(&self) -> usize {
                #path(self)
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl ::gateway_runtime::InterfaceState for #name {
            fn init(ctx: &::gateway_runtime::InitContext<'_>) -> ::core::result::Result<Self, ::gateway_runtime::BoxError> {
                #init
            }
            #init_async
            #holds_data
            #memory
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(source: &str) -> String {
        expand_interface(source.parse().unwrap()).to_string()
    }

    #[test]
    fn every_attribute_is_used() {
        let out = expand(
            "#[interface(init = Store::open, holds_data = Store::dirty, memory = Store::bytes)] struct Store;",
        );
        assert!(out.contains("Store :: open (ctx)"), "{out}");
        assert!(out.contains("fn holds_unsaved_data"), "{out}");
        assert!(out.contains("fn approx_memory"), "{out}");
        let out = expand("#[interface(init_async = Client::connect)] struct Client;");
        assert!(
            out.contains("needs_async") && out.contains("Client :: connect (ctx) . await"),
            "{out}"
        );
        assert!(expand("#[interface(default)] struct S;").contains("Default"));
    }

    #[test]
    fn errors_are_compile_errors_not_panics() {
        for (source, message) in [
            ("struct S;", "say how `S` is created"),
            (
                "#[interface(default, init = S::new)] struct S;",
                "created one way",
            ),
            ("#[interface(defualt)] struct S;", "did you mean `default`?"),
            (
                "#[interface(default, memory = S::a, memory = S::b)] struct S;",
                "`memory` is given twice",
            ),
            (
                "#[interface(default)] struct S<T>(T);",
                "needs a concrete type",
            ),
            ("#[interface(init = 3)] struct S;", "expected"),
        ] {
            let out = expand(source);
            assert!(
                out.contains("compile_error") && out.contains(message),
                "{source}: {out}"
            );
        }
    }
}
