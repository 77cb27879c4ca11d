//! The proc macros of the gateway, re-exported by `gateway-runtime`.
//!
//! This crate only adapts `proc_macro` types; everything else, including every check and
//! message, lives in `gateway-codegen` where it is tested without a compiler.

use proc_macro::TokenStream;

/// Attaches a core function to its manifest operation: `#[operation(CACHE.get)]`.
///
/// See `gateway_runtime::operation` for the rules it checks.
#[proc_macro_attribute]
pub fn operation(args: TokenStream, item: TokenStream) -> TokenStream {
    let file = proc_macro::Span::call_site().local_file();
    gateway_codegen::attr::expand_operation(args.into(), item.into(), file.as_deref()).into()
}

/// Generates the `gateway` module from `operations.yaml`, without a build script.
///
/// See `gateway_runtime::gateway` for where the manifest is looked for.
#[proc_macro]
pub fn gateway(args: TokenStream) -> TokenStream {
    let file = proc_macro::Span::call_site().local_file();
    gateway_codegen::macros::expand_gateway(args.into(), file.as_deref()).into()
}

/// Implements `InterfaceState` for an interface's state type from `#[interface(...)]`.
///
/// See `gateway_runtime::Interface` for the attributes.
#[proc_macro_derive(Interface, attributes(interface))]
pub fn derive_interface(input: TokenStream) -> TokenStream {
    gateway_codegen::derive::expand_interface(input.into()).into()
}
