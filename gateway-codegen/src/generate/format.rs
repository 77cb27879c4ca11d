//! Formatting the generated module with prettyplease, its sections in parallel.
//!
//! Parsing the tokens back into a syntax tree and printing it takes most of the time
//! generation does; a 1,000-operation manifest makes megabytes of code. The sections of the
//! module's body do not depend on one another, so each is generated, parsed and printed on a
//! thread of its own, inside a module of the same depth as the real one, and the texts are
//! joined inside the module's own first and last lines. prettyplease prints each item on
//! lines of its own, indented by its depth alone, so the result is byte for byte what
//! formatting the whole module at once gives. Tests compare the two for the reference
//! manifest (`tests/generated.rs`), the 1,000 synthetic operations (`tests/scale.rs`) and
//! every manifest the property tests make (`tests/properties.rs`).

use super::Section;
use crate::model::Model;
use proc_macro2::TokenStream;
use quote::quote;

/// The stack of each formatting thread: what a main thread usually has.
const STACK_SIZE: usize = 8 << 20;

/// The module that `item` makes of a body, formatted with the sections of `model` as its
/// body, in order.
pub(super) fn module(
    item: impl Fn(TokenStream) -> TokenStream,
    sections: &[Section],
    model: &Model,
) -> String {
    let bodies: Vec<Option<String>> = std::thread::scope(|scope| {
        let threads: Vec<_> = sections
            .iter()
            .map(|section| {
                let format = move || body_of(section(model));
                // A main thread's stack, since parsing recurses as deep as the code nests.
                // Where no thread can be started, the section is formatted here: the
                // closure holds only references, so it is `Copy` and still at hand.
                std::thread::Builder::new()
                    .stack_size(STACK_SIZE)
                    .spawn_scoped(scope, format)
                    .map_err(|_| format)
            })
            .collect();
        threads
            .into_iter()
            .map(|thread| match thread {
                Ok(thread) => thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(format) => format(),
            })
            .collect()
    });
    let shell = unparse(item(TokenStream::new()));
    // The shell ends with the line that closes the module; the sections go before it.
    match (
        shell.strip_suffix("}\n"),
        bodies.into_iter().collect::<Option<Vec<_>>>(),
    ) {
        (Some(open), Some(bodies)) => {
            let mut text = String::from(open);
            text.extend(bodies);
            text.push_str("}\n");
            text
        }
        // Tokens that do not parse (unreachable for a validated model): formatted whole.
        _ => {
            let sections = sections.iter().map(|section| section(model));
            unparse(item(quote!(#(#sections)*)))
        }
    }
}

/// The lines `items` take inside a module at the crate root, indented by one level; `None`
/// if they do not parse.
fn body_of(items: TokenStream) -> Option<String> {
    if items.is_empty() {
        return Some(String::new());
    }
    let file = syn::parse2::<syn::File>(quote!(mod section { #items })).ok()?;
    let text = prettyplease::unparse(&file);
    let inner = text.strip_prefix("mod section {\n")?.strip_suffix("}\n")?;
    Some(inner.to_owned())
}

/// `tokens`, a file's items, formatted by prettyplease.
fn unparse(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        // Unreachable for a validated model; unformatted code still compiles.
        Err(_) => tokens.to_string(),
    }
}
