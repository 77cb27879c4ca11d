//! Syntax trees built directly, for the items generated once per operation.
//!
//! Formatting needs a syntax tree for prettyplease. Parsing the generated tokens back into one
//! is most of the time a build script spends on a large manifest, and the items made per
//! operation come in a few fixed shapes, so those are built as trees from the start with the
//! helpers here. Their tokens, for `gateway!`, are the trees printed back; tests check that
//! parsing those tokens gives the same text. Types come from the model as tokens, and
//! [`Types`] parses each distinct one once.
//!
//! Each helper is named for the Rust it stands for, and its doc shows it.

use proc_macro2::{Ident, Span, TokenStream};
use std::collections::HashMap;
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, ExprPath, Pat, Stmt, Type};

/// `name`, an identifier.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A name the helpers take: an identifier, or the text of one.
pub trait Name {
    /// The name as an identifier.
    fn ident(self) -> Ident;
}

impl Name for &str {
    fn ident(self) -> Ident {
        ident(self)
    }
}

impl Name for &Ident {
    fn ident(self) -> Ident {
        self.clone()
    }
}

impl Name for Ident {
    fn ident(self) -> Ident {
        self
    }
}

/// `a::b::c`.
pub fn path(segments: impl IntoIterator<Item = impl Name>) -> syn::Path {
    syn::Path {
        leading_colon: None,
        segments: segments
            .into_iter()
            .map(|segment| syn::PathSegment::from(segment.ident()))
            .collect(),
    }
}

/// `a::b::c` as an expression.
pub fn path_expr(segments: impl IntoIterator<Item = impl Name>) -> Expr {
    Expr::Path(ExprPath {
        attrs: Vec::new(),
        qself: None,
        path: path(segments),
    })
}

/// `name`, a variable (or any other one-segment path) as an expression.
pub fn var(name: impl Name) -> Expr {
    path_expr([name])
}

/// `Name`, a type.
pub fn named_type(name: impl Name) -> Type {
    Type::Path(syn::TypePath {
        attrs: Vec::new(),
        qself: None,
        path: path([name]),
    })
}

/// `impl Name { items }`.
pub fn impl_block(self_ty: impl Name, items: Vec<syn::ImplItem>) -> syn::ItemImpl {
    syn::ItemImpl {
        attrs: Vec::new(),
        modifiers: Default::default(),
        unsafety: None,
        impl_token: Default::default(),
        generics: Default::default(),
        trait_: None,
        self_ty: Box::new(named_type(self_ty)),
        brace_token: Default::default(),
        items,
    }
}

/// `mod name { items }`, with `attrs` and `vis`.
pub fn module(
    attrs: Vec<Attribute>,
    vis: syn::Visibility,
    name: impl Name,
    items: Vec<syn::Item>,
) -> syn::ItemMod {
    syn::ItemMod {
        attrs,
        vis,
        unsafety: None,
        mod_token: Default::default(),
        ident: name.ident(),
        content: Some((Default::default(), items)),
        semi: None,
    }
}

/// `<Self_ as Trait>::item`: an item of a trait, named through the type implementing it.
pub fn qualified(
    self_ty: impl Name,
    trait_path: impl IntoIterator<Item = impl Name>,
    item: impl Name,
) -> Expr {
    let trait_path: Vec<Ident> = trait_path.into_iter().map(Name::ident).collect();
    Expr::Path(ExprPath {
        attrs: Vec::new(),
        qself: Some(syn::QSelf {
            lt_token: Default::default(),
            ty: Box::new(named_type(self_ty)),
            position: trait_path.len(),
            as_token: Some(Default::default()),
            gt_token: Default::default(),
        }),
        path: path(trait_path.into_iter().chain([item.ident()])),
    })
}

/// `function(args)`.
pub fn call(function: Expr, args: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::Call(syn::ExprCall {
        attrs: Vec::new(),
        func: Box::new(function),
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

/// `receiver.method(args)`.
pub fn method(receiver: Expr, method: impl Name, args: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::MethodCall(syn::ExprMethodCall {
        attrs: Vec::new(),
        receiver: Box::new(receiver),
        dot_token: Default::default(),
        method: method.ident(),
        turbofish: None,
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

/// `base.name`.
pub fn field(base: Expr, name: impl Name) -> Expr {
    Expr::Field(syn::ExprField {
        attrs: Vec::new(),
        base: Box::new(base),
        dot_token: Default::default(),
        member: syn::Member::Named(name.ident()),
    })
}

/// `&expr`.
pub fn reference(expr: Expr) -> Expr {
    Expr::Reference(syn::ExprReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        mutability: None,
        expr: Box::new(expr),
    })
}

/// `&mut expr`.
pub fn reference_mut(expr: Expr) -> Expr {
    Expr::Reference(syn::ExprReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        mutability: Some(Default::default()),
        expr: Box::new(expr),
    })
}

/// `expr.await`.
pub fn awaited(expr: Expr) -> Expr {
    Expr::Await(syn::ExprAwait {
        attrs: Vec::new(),
        base: Box::new(expr),
        dot_token: Default::default(),
        await_token: Default::default(),
    })
}

/// `expr[index]`.
pub fn index(expr: Expr, index: Expr) -> Expr {
    Expr::Index(syn::ExprIndex {
        attrs: Vec::new(),
        expr: Box::new(expr),
        bracket_token: Default::default(),
        index: Box::new(index),
    })
}

/// `expr as ty`.
pub fn cast(expr: Expr, ty: Type) -> Expr {
    Expr::Cast(syn::ExprCast {
        attrs: Vec::new(),
        expr: Box::new(expr),
        as_token: Default::default(),
        ty: Box::new(ty),
    })
}

/// `[a, b]`.
pub fn array(elems: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::Array(syn::ExprArray {
        attrs: Vec::new(),
        bracket_token: Default::default(),
        elems: elems.into_iter().collect(),
    })
}

/// `(a, b)`; `(a,)` for one element, `()` for none.
pub fn tuple(elems: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::Tuple(syn::ExprTuple {
        attrs: Vec::new(),
        paren_token: Default::default(),
        elems: elems.into_iter().collect(),
    })
}

/// `name` as a pattern.
pub fn binding(name: impl Name) -> Pat {
    Pat::Ident(syn::PatIdent {
        attrs: Vec::new(),
        by_ref: None,
        mutability: None,
        ident: name.ident(),
        subpat: None,
    })
}

/// `mut name` as a pattern.
pub fn binding_mut(name: impl Name) -> Pat {
    Pat::Ident(syn::PatIdent {
        attrs: Vec::new(),
        by_ref: None,
        mutability: Some(Default::default()),
        ident: name.ident(),
        subpat: None,
    })
}

/// `a::b::c` as a pattern.
pub fn path_pat(segments: impl IntoIterator<Item = impl Name>) -> Pat {
    Pat::Path(ExprPath {
        attrs: Vec::new(),
        qself: None,
        path: path(segments),
    })
}

/// `"text"` as a pattern.
pub fn string_pat(text: &str) -> Pat {
    Pat::Lit(syn::ExprLit {
        attrs: Vec::new(),
        lit: syn::Lit::Str(syn::LitStr::new(text, Span::call_site())),
    })
}

/// `_`.
pub fn wildcard() -> Pat {
    Pat::Wild(syn::PatWild {
        attrs: Vec::new(),
        underscore_token: Default::default(),
    })
}

/// `pattern => body,`.
pub fn arm(pattern: Pat, body: Expr) -> syn::Arm {
    syn::Arm {
        attrs: Vec::new(),
        pat: pattern,
        fat_arrow_token: Default::default(),
        body: Box::new(body),
        comma: Some(Default::default()),
    }
}

/// `match scrutinee { arms }`.
pub fn match_(scrutinee: Expr, arms: Vec<syn::Arm>) -> Expr {
    Expr::Match(syn::ExprMatch {
        attrs: Vec::new(),
        match_token: Default::default(),
        expr: Box::new(scrutinee),
        brace_token: Default::default(),
        arms,
    })
}

/// `let name = value;`.
pub fn let_(name: impl Name, value: Expr) -> Stmt {
    Stmt::Local(syn::Local {
        attrs: Vec::new(),
        let_token: Default::default(),
        modifiers: Default::default(),
        pat: binding(name),
        init: Some(syn::LocalInit {
            eq_token: Default::default(),
            expr: Box::new(value),
            diverge: None,
        }),
        semi_token: Default::default(),
    })
}

/// `pattern: ty`, an argument.
pub fn arg(pattern: Pat, ty: Type) -> syn::FnArg {
    syn::FnArg::Typed(syn::PatType {
        attrs: Vec::new(),
        pat: Box::new(pattern),
        colon_token: Default::default(),
        ty: Box::new(ty),
    })
}

/// `[async] fn name<generics>(inputs) -> output`.
pub fn signature(
    is_async: bool,
    name: Ident,
    generics: syn::Generics,
    inputs: impl IntoIterator<Item = syn::FnArg>,
    output: Type,
) -> syn::Signature {
    syn::Signature {
        constness: None,
        asyncness: is_async.then(Default::default),
        safety: Default::default(),
        abi: None,
        fn_token: Default::default(),
        ident: name,
        generics,
        paren_token: Default::default(),
        inputs: inputs.into_iter().collect(),
        variadic: None,
        output: syn::ReturnType::Type(Default::default(), Box::new(output)),
    }
}

/// `{ stmts }`.
pub fn block(stmts: Vec<Stmt>) -> syn::Block {
    syn::Block {
        brace_token: Default::default(),
        stmts,
    }
}

/// `pub`.
pub fn public() -> syn::Visibility {
    syn::Visibility::Public(Default::default())
}

/// `pub(super)`.
pub fn public_in_parent() -> syn::Visibility {
    syn::Visibility::Restricted(syn::VisRestricted {
        pub_token: Default::default(),
        paren_token: Default::default(),
        in_token: None,
        path: Box::new(path([&ident("super")])),
    })
}

/// `#[doc = " line"]` for each line of `text`.
pub fn doc(text: &str) -> Vec<Attribute> {
    doc_attributes(text, syn::AttrStyle::Outer)
}

/// The value of the doc attribute of one line of documentation: the line after a space, as
/// `///` and `//!` comments hold it, or nothing for an empty line.
pub fn doc_line(line: &str) -> String {
    if line.is_empty() {
        String::new()
    } else {
        format!(" {line}")
    }
}

/// A doc attribute of `style` (`#[doc = ..]` or `#![doc = ..]`) for each line of `text`.
pub fn doc_attributes(text: &str, style: syn::AttrStyle) -> Vec<Attribute> {
    text.lines()
        .map(|line| {
            let line = doc_line(line);
            Attribute {
                pound_token: Default::default(),
                style,
                bracket_token: Default::default(),
                meta: syn::Meta::NameValue(syn::MetaNameValue {
                    path: path([&ident("doc")]),
                    eq_token: Default::default(),
                    value: Expr::Lit(syn::ExprLit {
                        attrs: Vec::new(),
                        lit: syn::Lit::Str(syn::LitStr::new(&line, Span::call_site())),
                    }),
                }),
            }
        })
        .collect()
}

/// `#[a::b(tokens)]`.
pub fn attribute(segments: impl IntoIterator<Item = impl Name>, tokens: TokenStream) -> Attribute {
    Attribute {
        pound_token: Default::default(),
        style: syn::AttrStyle::Outer,
        bracket_token: Default::default(),
        meta: syn::Meta::List(syn::MetaList {
            path: path(segments),
            delimiter: syn::MacroDelimiter::Paren(Default::default()),
            tokens,
        }),
    }
}

/// `self`.
pub fn self_value() -> syn::FnArg {
    syn::FnArg::Receiver(syn::Receiver {
        attrs: Vec::new(),
        mutability: None,
        self_token: Default::default(),
        kind: syn::ReceiverKind::Value,
    })
}

/// `&self`.
pub fn self_ref() -> syn::FnArg {
    syn::FnArg::Receiver(syn::Receiver {
        attrs: Vec::new(),
        mutability: None,
        self_token: Default::default(),
        kind: syn::ReceiverKind::Reference(Default::default(), None, None),
    })
}

/// `<'name>`: generics of one lifetime.
pub fn lifetime_generics(name: &str) -> syn::Generics {
    syn::Generics {
        lt_token: Some(Default::default()),
        params: Punctuated::from_iter([syn::GenericParam::Lifetime(syn::LifetimeParam::new(
            syn::Lifetime::new(name, Span::call_site()),
        ))]),
        gt_token: Some(Default::default()),
        where_clause: None,
    }
}

/// Types from the model's tokens, each distinct one parsed once.
#[derive(Default)]
pub struct Types {
    parsed: HashMap<String, Type>,
}

impl Types {
    /// The type `tokens` spell. Generated type tokens always parse; should some not, the
    /// type is kept as the tokens themselves, which the compiler reports on.
    pub fn get(&mut self, tokens: TokenStream) -> Type {
        self.parsed
            .entry(tokens.to_string())
            .or_insert_with(|| syn::parse2(tokens.clone()).unwrap_or(Type::Verbatim(tokens)))
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::{ToTokens, quote};

    /// `tree`, printed as tokens, parses to the tree syn makes of `rust`, the Rust it stands for.
    fn same(tree: impl ToTokens, rust: TokenStream) {
        let built = syn::parse2::<Expr>(tree.to_token_stream()).unwrap();
        let parsed = syn::parse2::<Expr>(rust).unwrap();
        assert_eq!(built, parsed);
    }

    #[test]
    fn each_expression_is_the_tree_syn_parses_from_its_rust() {
        same(
            qualified("Core", ["ops", "CacheGet"], "call"),
            quote!(<Core as ops::CacheGet>::call),
        );
        same(
            awaited(method(field(var("self"), "runtime"), "run", [var("op")])),
            quote!(self.runtime.run(op).await),
        );
        same(tuple([var("key")]), quote!((key,)));
        same(tuple([]), quote!(()));
        same(
            reference(index(var("table"), cast(var("id"), named_type("usize")))),
            quote!(&table[id as usize]),
        );
        same(
            match_(
                var("name"),
                vec![
                    arm(string_pat("get"), call(var("Some"), [var("id")])),
                    arm(wildcard(), var("None")),
                ],
            ),
            quote!(match name {
                "get" => Some(id),
                _ => None,
            }),
        );
    }

    #[test]
    fn documentation_is_the_attributes_of_generate_doc() {
        let built = doc("First.\n\nThird.");
        let parsed: syn::ItemFn = syn::parse2(quote! {
            #[doc = " First."]
            #[doc = ""]
            #[doc = " Third."]
            fn f() {}
        })
        .unwrap();
        assert_eq!(built, parsed.attrs);
        let from_tokens = syn::parse2::<syn::ItemFn>(quote!(#(#built)* fn f() {})).unwrap();
        assert_eq!(from_tokens.attrs, parsed.attrs);
    }

    #[test]
    fn types_are_parsed_once_and_other_tokens_are_kept_as_they_are() {
        let mut types = Types::default();
        assert_eq!(
            types.get(quote!(Option<Value>)),
            syn::parse_quote!(Option<Value>)
        );
        assert_eq!(
            types.get(quote!(Option<Value>)),
            syn::parse_quote!(Option<Value>)
        );
        assert_eq!(types.parsed.len(), 1);
        let not_a_type = quote!(1 + 1);
        assert_eq!(
            types.get(not_a_type.clone()).to_token_stream().to_string(),
            not_a_type.to_string()
        );
    }
}
