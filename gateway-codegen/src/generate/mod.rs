//! Generation: the model to the Rust source of the `gateway` module.
//!
//! The output is the source file of one module, formatted with prettyplease, in manifest
//! order, so the same manifest always yields byte-identical code. It is a file to declare with
//! `mod gateway;` (the way prost's output is laid out), not a `mod gateway { ... }` item: its
//! items start at the left margin, and a checked-in copy is an ordinary module file. Logic
//! lives in `gateway-runtime`; the generated code only describes the operations and calls
//! small runtime helpers.

mod defaults;
mod dispatch;
mod format;
mod gateway;
pub mod naming;
pub mod ops;
mod registry;
mod table;
mod tree;
pub mod types;
mod wrappers;

pub use wrappers::{flags, flags_sentence, param_summary};

use crate::model::{Interface, Model};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};

/// The default name of the generated module, which `#[operation]` expects at the crate root.
pub const DEFAULT_MODULE: &str = "gateway";

/// One part of the module's body. Every function of a part takes the model, whether it needs
/// it or not, so that the parts fit one list.
#[derive(Clone, Copy)]
enum Part {
    /// Items made from the whole model.
    Model(fn(&Model) -> TokenStream),
    /// Items made from the whole model, one per operation or more, built as syntax trees (see
    /// [`tree`]).
    Trees(fn(&Model) -> Vec<syn::Item>),
    /// An `impl Gateway` block for each interface, one after another.
    Methods(fn(&Model, &Interface) -> GatewayImpl),
    /// A module (made by the first function around a body) whose items are made for each
    /// interface (by the second, as syntax trees: see [`tree`]).
    Module(
        fn(&Model, TokenStream) -> TokenStream,
        fn(&Model, &Interface) -> Vec<syn::Item>,
    ),
}

/// The module's body, part by part, in the order the items are written.
const PARTS: [Part; 12] = [
    Part::Model(gateway::gateway),
    Part::Methods(gateway::operations),
    Part::Model(gateway::modules),
    Part::Module(dispatch::module, dispatch::functions),
    Part::Model(wrappers::process_wide),
    Part::Trees(registry::operation_id),
    Part::Model(registry::resolve),
    Part::Trees(registry::routers),
    Part::Model(registry::tables),
    Part::Model(defaults::module),
    Part::Module(ops::module, ops::traits),
    Part::Model(ops::core),
];

impl Part {
    /// The part's items.
    fn tokens(self, model: &Model) -> TokenStream {
        let each = |items: fn(&Model, &Interface) -> Vec<syn::Item>| {
            let groups = model.interfaces.iter().flat_map(move |i| items(model, i));
            quote!(#(#groups)*)
        };
        match self {
            Part::Model(items) => items(model),
            Part::Trees(items) => {
                let items = items(model);
                quote!(#(#items)*)
            }
            Part::Methods(block) => {
                let blocks = model.interfaces.iter().map(|i| block(model, i));
                quote!(#(#blocks)*)
            }
            Part::Module(module, items) => module(model, each(items)),
        }
    }

    /// The part as pieces of text that can be generated and formatted apart, in order: see
    /// [`format`].
    fn pieces(self, model: &Model) -> Vec<format::Piece<'_>> {
        let each = |items| model.interfaces.iter().map(move |i| (items, i));
        match self {
            Part::Model(items) => vec![format::Piece::Items(items)],
            Part::Trees(items) => vec![format::Piece::Trees(items)],
            Part::Methods(block) => model
                .interfaces
                .iter()
                .map(|i| format::Piece::Methods(block, i))
                .collect(),
            Part::Module(module, items) => std::iter::once(format::Piece::ModuleOpening(module))
                .chain(each(items).map(|(items, i)| format::Piece::ModuleItems(items, i)))
                .chain([format::Piece::ModuleClosing])
                .collect(),
        }
    }
}

/// The `gateway` module as tokens: the item `pub mod module { ... }` that `gateway!` expands
/// to.
pub fn module_tokens(model: &Model, module: &str) -> TokenStream {
    let name = Ident::new(module, Span::call_site());
    let contents = contents_tokens(model);
    quote!(pub mod #name { #contents })
}

/// What the module holds: its documentation and attributes (inner ones), its imports and the
/// parts of its body, in order.
pub fn contents_tokens(model: &Model) -> TokenStream {
    let parts = PARTS.iter().map(|part| part.tokens(model));
    let head = head(model);
    quote!(#head #(#parts)*)
}

/// The module's inner documentation and attributes, and its imports.
fn head(model: &Model) -> TokenStream {
    let doc = doc_attributes(
        &format!(
            "The gateway generated from `{}`: typed wrappers, the dynamic `execute_operation`,\n\
             the operation registry and one router per interface.",
            model.manifest
        ),
        true,
    );
    quote! {
        #doc
        #![allow(dead_code, clippy::too_many_arguments)]
        #[allow(unused_imports)]
        use ::gateway_runtime::{
            Dict, GatewayError, InterfaceDescriptor, OpResult, OperationDescriptor, Registry, Text, Value,
        };
        #[allow(unused_imports)]
        use ::std::{borrow::Cow, collections::BTreeMap, time::Duration};
    }
}

/// An item and its documentation, kept apart until written. As tokens, the documentation
/// becomes doc attributes in front of the item; formatted, it is written as the `///` lines
/// prettyplease would print for those attributes, without parsing them back (see
/// [`format`]): documentation is a fifth of the generated code.
pub(crate) struct Documented {
    /// The documentation, a `///` line per line.
    pub doc: String,
    /// The item, without its documentation, built as a syntax tree (see [`tree`]).
    pub item: syn::ImplItemFn,
}

impl ToTokens for Documented {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(doc(&self.doc));
        self.item.to_tokens(tokens);
    }
}

/// An `impl Gateway` block of documented methods: an interface's typed methods.
pub(crate) struct GatewayImpl {
    /// The block's documentation.
    pub doc: String,
    /// The methods, in order.
    pub methods: Vec<Documented>,
}

impl ToTokens for GatewayImpl {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let doc = doc(&self.doc);
        let methods = &self.methods;
        tokens.extend(quote! {
            #doc
            impl Gateway {
                #(#methods)*
            }
        });
    }
}

/// Doc attributes for `text`, one per line, so prettyplease prints them as `/// line`.
pub(crate) fn doc(text: &str) -> TokenStream {
    doc_attributes(text, false)
}

/// Doc attributes for `text`, one per line: inner ones (`//! line`) or outer ones (`/// line`).
fn doc_attributes(text: &str, inner: bool) -> TokenStream {
    let style = if inner {
        syn::AttrStyle::Inner(Default::default())
    } else {
        syn::AttrStyle::Outer
    };
    let attributes = tree::doc_attributes(text, style);
    quote!(#(#attributes)*)
}

/// The first line of every file the generator writes into a crate's source or `OUT_DIR`.
pub(crate) fn header(manifest: &str) -> String {
    format!(
        "// @generated by gateway-codegen from `{manifest}`. Do not edit: change the manifest and rebuild.\n"
    )
}

/// An integer literal without a type suffix (`3`, not `3usize`).
pub(crate) fn int(n: impl Into<u128>) -> proc_macro2::Literal {
    proc_macro2::Literal::u128_unsuffixed(n.into())
}

/// The `gateway` module's source file, formatted, with an `@generated` header.
///
/// Formatting takes most of the time generation does, so the pieces of the body are generated
/// and formatted on every core; the text is the same as formatting the whole file at once
/// would give (see [`format`]).
pub fn module_source(model: &Model) -> String {
    let pieces: Vec<_> = PARTS.iter().flat_map(|part| part.pieces(model)).collect();
    let body = format::file(head(model), &pieces, model, || contents_tokens(model));
    format!("{}\n{body}", header(&model.manifest))
}
