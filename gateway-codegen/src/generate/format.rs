//! Formatting the generated module's file with prettyplease, on every core.
//!
//! prettyplease prints syntax trees. The items made once per operation (typed methods, `ops`
//! traits, dispatch arms, `OperationId`'s variants, router arms) are built as trees from the
//! start (see [`tree`]) and printed as they are. The fixed items are written with `quote!` and
//! parsed back into a tree here: at a thousand operations, that parse was most of the time
//! generation took while every item went through it.
//!
//! The module's body comes in pieces that do not depend on one another (a part made from the
//! whole model, or one interface's share of a part; see `Part::pieces`), so a worker per core
//! takes the next piece, generates it, and prints it as a file of its own, and the texts are
//! joined, in order, after the file's head. An interface's items inside a module (its `ops`
//! traits, its dispatch functions) are printed inside a bare module and taken out of it, since
//! prettyplease indents an item by its depth alone. prettyplease prints each item on lines of
//! its own, so the result is byte for byte what formatting the whole file at once gives.
//!
//! The typed methods' documentation, a fifth of the code, is written as the `///` lines
//! prettyplease would print for it, and each method is printed without it ([`GatewayImpl`]).
//!
//! Tests compare the pieces with the whole file parsed back from its tokens and formatted at
//! once, for the reference manifest (`tests/generated.rs`), the 1,000 synthetic operations
//! (`tests/scale.rs`) and every manifest the property tests make (`tests/properties.rs`).

use super::{GatewayImpl, tree};
use crate::model::{Interface, Model};
use proc_macro2::TokenStream;
use quote::ToTokens;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The stack of each worker: what a main thread usually has, since parsing recurses as deep
/// as the code nests.
const STACK_SIZE: usize = 8 << 20;

/// A piece of the module's body, formatted apart.
#[derive(Clone, Copy)]
pub(super) enum Piece<'m> {
    /// Items made from the whole model.
    Items(fn(&Model) -> TokenStream),
    /// Items made from the whole model, as syntax trees.
    Trees(fn(&Model) -> Vec<syn::Item>),
    /// The `impl Gateway` block made for one interface.
    Methods(fn(&Model, &Interface) -> GatewayImpl, &'m Interface),
    /// A module's lines up to its items: the module, made around an empty body, without its
    /// closing line.
    ModuleOpening(fn(&Model, TokenStream) -> TokenStream),
    /// Items of a module made for one interface, indented as the module's.
    ModuleItems(fn(&Model, &Interface) -> Vec<syn::Item>, &'m Interface),
    /// The line that closes a module.
    ModuleClosing,
}

impl Piece<'_> {
    /// The piece formatted; `None` if its tokens do not parse (or prettyplease prints a
    /// block in a way this module does not expect).
    fn text(self, model: &Model) -> Option<String> {
        match self {
            Piece::Items(items) => items_of(items(model)),
            Piece::Trees(items) => Some(unparse(items(model))),
            Piece::Methods(block, interface) => gateway_impl(block(model, interface)),
            Piece::ModuleOpening(module) => {
                let text = items_of(module(model, TokenStream::new()))?;
                Some(text.strip_suffix("}\n")?.to_owned())
            }
            Piece::ModuleItems(items, interface) => {
                let items = items(model, interface);
                if items.is_empty() {
                    return Some(String::new());
                }
                let piece = tree::module(Vec::new(), syn::Visibility::Inherited, "piece", items);
                let text = unparse(vec![syn::Item::Mod(piece)]);
                let inner = text.strip_prefix("mod piece {\n")?.strip_suffix("}\n")?;
                Some(inner.to_owned())
            }
            Piece::ModuleClosing => Some("}\n".to_owned()),
        }
    }
}

/// The file of `head` (inner attributes and imports) followed by `pieces` of `model`, in
/// order, formatted; `whole` is the whole file's tokens, formatted at once should a piece not
/// parse.
pub(super) fn file(
    head: TokenStream,
    pieces: &[Piece<'_>],
    model: &Model,
    whole: impl FnOnce() -> TokenStream,
) -> String {
    let formatted = format_all(pieces, model);
    match (
        items_of(head),
        formatted.into_iter().collect::<Option<Vec<_>>>(),
    ) {
        (Some(head), Some(bodies)) => {
            let mut text = head;
            text.extend(bodies);
            text
        }
        // Tokens that do not parse (unreachable for a validated model): formatted whole.
        _ => {
            let tokens = whole();
            match syn::parse2::<syn::File>(tokens.clone()) {
                Ok(file) => prettyplease::unparse(&file),
                // Unformatted code still compiles.
                Err(_) => tokens.to_string(),
            }
        }
    }
}

/// Each piece formatted, in order, by as many workers as there are cores; `None` for a piece
/// whose tokens do not parse.
fn format_all(pieces: &[Piece<'_>], model: &Model) -> Vec<Option<String>> {
    let next = AtomicUsize::new(0);
    // Takes pieces in order until none is left; returns each with its index.
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(piece) = pieces.get(index) else {
                return done;
            };
            done.push((index, piece.text(model)));
        }
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut formatted = vec![None; pieces.len()];
    std::thread::scope(|scope| {
        // Workers rather than this thread, whose stack may be small (a test's is 2 MiB).
        // Where no thread can be started, this thread does the work that is left.
        let threads: Vec<_> = (0..workers)
            .map_while(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK_SIZE)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut done = Vec::new();
        for thread in threads {
            done.extend(
                thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        done.extend(work());
        for (index, text) in done {
            formatted[index] = text;
        }
    });
    formatted
}

/// `items`, a file's worth, formatted; `None` if they do not parse.
fn items_of(items: TokenStream) -> Option<String> {
    if items.is_empty() {
        return Some(String::new());
    }
    let file = syn::parse2::<syn::File>(items).ok()?;
    Some(prettyplease::unparse(&file))
}

/// An `impl Gateway` block formatted: its documentation and each method's written as `///`
/// lines, each method printed on its own inside an empty block and taken out of it. The
/// methods are syntax trees already, so nothing is parsed.
fn gateway_impl(block: GatewayImpl) -> Option<String> {
    if block.methods.is_empty() {
        // prettyplease closes an empty block on its opening line.
        return items_of(block.to_token_stream());
    }
    let mut text = doc_comment(&block.doc, "");
    text.push_str("impl Gateway {\n");
    for method in block.methods {
        text.push_str(&doc_comment(&method.doc, INDENT));
        let formatted = unparse(vec![syn::Item::Impl(tree::impl_block(
            "Gateway",
            vec![syn::ImplItem::Fn(method.item)],
        ))]);
        text.push_str(
            formatted
                .strip_prefix("impl Gateway {\n")?
                .strip_suffix("}\n")?,
        );
    }
    text.push_str("}\n");
    Some(text)
}

/// `items` printed by prettyplease, as a file of their own.
fn unparse(items: Vec<syn::Item>) -> String {
    prettyplease::unparse(&syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items,
    })
}

/// The indentation of an item inside a block.
const INDENT: &str = "    ";

/// `text` as the `///` lines at `indent` that prettyplease prints for the doc attributes
/// [`super::doc`] makes of it: each line's attribute value ([`tree::doc_line`]), trailing
/// spaces trimmed.
fn doc_comment(text: &str, indent: &str) -> String {
    let mut comment = String::with_capacity(text.len() + 16);
    for line in text.lines() {
        comment.push_str(indent);
        comment.push_str("///");
        comment.push_str(tree::doc_line(line).trim_end_matches(' '));
        comment.push('\n');
    }
    comment
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::Documented;
    use quote::quote;

    /// Documentation that tests each rule of printing doc attributes: empty lines, leading
    /// and trailing spaces, a line of spaces, a tab, quotes and backslashes, comment markers,
    /// non-ASCII text, Windows line ends.
    const TEXTS: [&str; 6] = [
        "One line.",
        "A summary.\n\n# Parameters\n\n- `key`: `string`, required",
        "  leading\ntrailing   \n   \n\ttab\t",
        "\"quoted\" \\ back\\slash /// */ /* // //! /",
        "é日本 ✓\r\nnext line\r\n",
        "",
    ];

    fn method(name: &str) -> syn::ImplItemFn {
        let name = tree::ident(name);
        syn::parse_quote!(pub fn #name(&self, key: &str) -> Result<(), GatewayError> { self.run(key) })
    }

    #[test]
    fn documentation_is_written_as_prettyplease_prints_its_attributes() {
        for text in TEXTS {
            let doc = super::super::doc(text);
            let at_margin = items_of(quote!(#doc fn f() {})).unwrap();
            assert_eq!(at_margin, doc_comment(text, "") + "fn f() {}\n", "{text:?}");
            let in_block = items_of(quote!(impl X { #doc fn f() {} })).unwrap();
            let expected = format!(
                "impl X {{\n{}    fn f() {{}}\n}}\n",
                doc_comment(text, INDENT)
            );
            assert_eq!(in_block, expected, "{text:?}");
        }
    }

    #[test]
    fn a_block_formatted_method_by_method_is_the_block_formatted_whole() {
        let block = GatewayImpl {
            doc: TEXTS[2].to_owned(),
            methods: TEXTS
                .iter()
                .enumerate()
                .map(|(i, text)| Documented {
                    doc: (*text).to_owned(),
                    item: method(&format!("method_{i}")),
                })
                .collect(),
        };
        let whole = items_of(block.to_token_stream()).unwrap();
        assert_eq!(gateway_impl(block).unwrap(), whole);
        assert!(
            whole.contains("    /// trailing\n    ///\n    /// \ttab\t\n"),
            "{whole}"
        );
    }

    #[test]
    fn a_block_without_methods_is_formatted_as_prettyplease_closes_it() {
        let block = GatewayImpl {
            doc: "Nothing yet.".to_owned(),
            methods: Vec::new(),
        };
        assert_eq!(
            gateway_impl(block).unwrap(),
            "/// Nothing yet.\nimpl Gateway {}\n"
        );
    }
}
