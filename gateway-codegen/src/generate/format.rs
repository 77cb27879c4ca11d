//! Formatting the generated module's file with prettyplease, its sections in parallel.
//!
//! Parsing the tokens back into a syntax tree and printing it takes most of the time
//! generation does; a 1,000-operation manifest makes megabytes of code. The sections of the
//! module's body do not depend on one another, so each is generated, parsed and printed as a
//! file of its own, on a thread of its own, and the texts are joined after the file's head.
//! prettyplease prints each item of a file on lines of its own, so the result is byte for byte
//! what formatting the whole file at once gives. Tests compare the two for the reference
//! manifest (`tests/generated.rs`), the 1,000 synthetic operations (`tests/scale.rs`) and
//! every manifest the property tests make (`tests/properties.rs`).

use super::Section;
use crate::model::Model;
use proc_macro2::TokenStream;
use quote::quote;

/// The stack of each formatting thread: what a main thread usually has.
const STACK_SIZE: usize = 8 << 20;

/// The file of `head` (inner attributes and imports) followed by the sections of `model`, in
/// order, formatted.
pub(super) fn file(head: TokenStream, sections: &[Section], model: &Model) -> String {
    let bodies: Vec<Option<String>> = std::thread::scope(|scope| {
        let threads: Vec<_> = sections
            .iter()
            .map(|section| {
                let format = move || items_of(section(model));
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
    match (
        items_of(head.clone()),
        bodies.into_iter().collect::<Option<Vec<_>>>(),
    ) {
        (Some(head), Some(bodies)) => {
            let mut text = head;
            text.extend(bodies);
            text
        }
        // Tokens that do not parse (unreachable for a validated model): formatted whole.
        _ => {
            let sections = sections.iter().map(|section| section(model));
            let tokens = quote!(#head #(#sections)*);
            match syn::parse2::<syn::File>(tokens.clone()) {
                Ok(file) => prettyplease::unparse(&file),
                // Unformatted code still compiles.
                Err(_) => tokens.to_string(),
            }
        }
    }
}

/// `items`, a file's worth, formatted; `None` if they do not parse.
fn items_of(items: TokenStream) -> Option<String> {
    if items.is_empty() {
        return Some(String::new());
    }
    let file = syn::parse2::<syn::File>(items).ok()?;
    Some(prettyplease::unparse(&file))
}
