//! `#[operation]` (and `gateway!`, `#[derive(Interface)]`) fed arbitrary token streams: any
//! text that lexes, with its `#[operation(...)]` attribute taken apart, and functions built
//! from structured input against the fuzz gateway's manifest.
//!
//! Never a panic; for an item that is a function, the expansion parses as Rust items (the
//! function, an impl, or compile errors).

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use gateway_codegen::{attr, derive, macros};
use libfuzzer_sys::fuzz_target;
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::OnceLock;

/// A folder holding `manifest` as `operations.yaml`, and the path of a file in it, as rustc
/// would name the file the attribute is in.
fn call_file(name: &str, manifest: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gateway-fuzz-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    std::fs::write(dir.join("operations.yaml"), manifest).expect("the manifest written");
    dir.join("lib.rs")
}

/// The UI tests' manifest, which the seeds from `gateway-runtime/tests/ui` are written for.
fn ui_file() -> &'static PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        call_file(
            "ui",
            include_str!("../../gateway-runtime/tests/ui/operations.yaml"),
        )
    })
}

/// The fuzz gateway's manifest: every type of parameter.
fn types_file() -> &'static PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| call_file("types", gateway_fuzz::MANIFEST))
}

fuzz_target!(|data: &[u8]| {
    if data.first() == Some(&0) {
        let mut u = Unstructured::new(&data[1..]);
        if let Ok(function) = Function::arbitrary(&mut u) {
            let (args, item) = function.render();
            expand(&args, &item, types_file());
        }
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // `manifest = "..."` and `gateway!("...")` read a file: keep the fuzzer in its folder.
    if text.contains('\\') || text.contains("..") || (text.contains('"') && text.contains('/')) {
        return;
    }
    let Ok(stream) = TokenStream::from_str(text) else {
        return;
    };
    let (args, item) = split_attribute(stream.clone());
    let _ = attr::expand_operation(args, item.clone(), Some(ui_file()));
    let _ = macros::expand_gateway(item, Some(ui_file()));
    let _ = derive::expand_interface(stream);
});

fn expand(args: &str, item: &str, file: &PathBuf) {
    let (Ok(args), Ok(item)) = (TokenStream::from_str(args), TokenStream::from_str(item)) else {
        return;
    };
    let is_function = syn::parse2::<syn::ItemFn>(item.clone()).is_ok();
    let output = attr::expand_operation(args, item, Some(file));
    if is_function && let Err(error) = syn::parse2::<syn::File>(output.clone()) {
        panic!("the expansion does not parse: {error}\n{output}");
    }
}

/// The arguments of the first `#[...operation(...)]` attribute and the tokens after it up to
/// the first brace group (the function); the whole stream and `CACHE.get` without one.
fn split_attribute(stream: TokenStream) -> (TokenStream, TokenStream) {
    let tokens: Vec<TokenTree> = stream.clone().into_iter().collect();
    for (index, window) in tokens.windows(2).enumerate() {
        let (TokenTree::Punct(hash), TokenTree::Group(group)) = (&window[0], &window[1]) else {
            continue;
        };
        if hash.as_char() != '#' || group.delimiter() != Delimiter::Bracket {
            continue;
        }
        let inner: Vec<TokenTree> = group.stream().into_iter().collect();
        let args = inner.windows(2).find_map(|pair| match pair {
            [TokenTree::Ident(name), TokenTree::Group(args)] if name == "operation" => {
                Some(args.stream())
            }
            _ => None,
        });
        let Some(args) = args else { continue };
        let rest = &tokens[index + 2..];
        let end = rest
            .iter()
            .position(|t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace))
            .map_or(rest.len(), |i| i + 1);
        return (args, rest[..end].iter().cloned().collect());
    }
    (
        TokenStream::from_str("CACHE.get").unwrap_or_default(),
        stream,
    )
}

/// A core function, described structurally so most inputs lex and parse.
#[derive(Debug, Arbitrary)]
struct Function {
    target: Target,
    extra_args: Option<ExtraArg>,
    visibility: u8,
    is_async: bool,
    generic: bool,
    name: Name,
    params: Vec<Param>,
    returns: Option<Ty>,
    fallible: bool,
}

#[derive(Debug, Arbitrary)]
enum Target {
    Declared(u8),
    Written(Name, Name),
}

#[derive(Debug, Arbitrary)]
enum ExtraArg {
    Gateway(Name),
    Manifest(Name),
    Unknown(Name),
    Raw(String),
}

#[derive(Debug, Arbitrary)]
struct Param {
    name: Name,
    ty: Ty,
    reference: u8,
    pattern: bool,
}

#[derive(Debug, Arbitrary)]
enum Name {
    Declared(u8),
    Written(String),
}

#[derive(Debug, Arbitrary)]
enum Ty {
    Known(u8),
    Option(Box<Ty>),
    Vec(Box<Ty>),
    Map(Box<Ty>),
    Slice(Box<Ty>),
    Tuple(Vec<Ty>),
    Written(String),
}

const OPERATIONS: &[(&str, &str)] = &[
    ("KV", "get"),
    ("KV", "get_batch"),
    ("KV", "put"),
    ("KV", "put_batch"),
    ("KV", "lookup"),
    ("KV", "lookup_batch"),
    ("KV", "clear"),
    ("KV", "count"),
    ("TYPES", "scalars"),
    ("TYPES", "collections"),
    ("TYPES", "optionals"),
    ("TYPES", "rust"),
];

const NAMES: &[&str] = &[
    "key",
    "default",
    "keys",
    "value",
    "ttl",
    "entries",
    "s",
    "i",
    "f",
    "b",
    "a",
    "d",
    "l",
    "li",
    "ms",
    "nested",
    "present",
    "absent",
    "with_default",
    "maybe",
    "point",
    "tree",
    "points",
    "kv",
    "_key",
    "r#type",
    "self",
    "_",
];

const TYPES: &[&str] = &[
    "String",
    "&str",
    "str",
    "i64",
    "i32",
    "f64",
    "bool",
    "Value",
    "Dict",
    "Kv",
    "&Kv",
    "&mut Kv",
    "crate::Point",
    "crate::Tree",
    "Point",
    "Cow<'_, str>",
    "Cow<str>",
    "()",
    "serde_json::Map<String, Value>",
    "Result<Value, String>",
    "impl Into<String>",
    "dyn Any",
    "_",
    "Self",
    "[u8; 4]",
    "fn()",
    "Option",
    "Vec<>",
];

impl Function {
    fn render(&self) -> (String, String) {
        let mut args = match &self.target {
            Target::Declared(i) => {
                let (interface, operation) = OPERATIONS[usize::from(*i) % OPERATIONS.len()];
                format!("{interface}.{operation}")
            }
            Target::Written(a, b) => format!("{}.{}", a.render(), b.render()),
        };
        match &self.extra_args {
            Some(ExtraArg::Gateway(name)) => {
                args.push_str(&format!(", gateway = crate::{}", name.render()))
            }
            Some(ExtraArg::Manifest(name)) => args.push_str(&format!(
                ", manifest = \"{}\"",
                name.render().replace(['/', '.', '"', '\\'], "")
            )),
            Some(ExtraArg::Unknown(name)) => args.push_str(&format!(", {} = 1", name.render())),
            Some(ExtraArg::Raw(raw)) if !raw.contains(['/', '\\']) && !raw.contains("..") => {
                args.push_str(raw)
            }
            _ => {}
        }
        let visibility =
            ["", "pub ", "pub(crate) ", "pub(super) "][usize::from(self.visibility) % 4];
        let asyncness = if self.is_async { "async " } else { "" };
        let generics = if self.generic { "<T>" } else { "" };
        let params: Vec<String> = self.params.iter().take(12).map(Param::render).collect();
        let output = match &self.returns {
            None => String::new(),
            Some(ty) if self.fallible => format!(" -> Result<{}, String>", ty.render(2)),
            Some(ty) => format!(" -> {}", ty.render(2)),
        };
        let item = format!(
            "{visibility}{asyncness}fn {}{generics}({}){output} {{ todo!() }}",
            self.name.render(),
            params.join(", ")
        );
        (args, item)
    }
}

impl Param {
    fn render(&self) -> String {
        let reference = ["", "&", "&mut ", "&'a "][usize::from(self.reference) % 4];
        let name = if self.pattern {
            format!("({}, _)", self.name.render())
        } else {
            self.name.render()
        };
        format!("{name}: {reference}{}", self.ty.render(3))
    }
}

impl Name {
    fn render(&self) -> String {
        match self {
            Name::Declared(i) => NAMES[usize::from(*i) % NAMES.len()].to_owned(),
            Name::Written(s) => s.chars().take(24).collect(),
        }
    }
}

impl Ty {
    fn render(&self, depth: usize) -> String {
        if depth == 0 {
            return "i64".to_owned();
        }
        match self {
            Ty::Known(i) => TYPES[usize::from(*i) % TYPES.len()].to_owned(),
            Ty::Option(inner) => format!("Option<{}>", inner.render(depth - 1)),
            Ty::Vec(inner) => format!("Vec<{}>", inner.render(depth - 1)),
            Ty::Map(inner) => format!("BTreeMap<String, {}>", inner.render(depth - 1)),
            Ty::Slice(inner) => format!("&[{}]", inner.render(depth - 1)),
            Ty::Tuple(items) => {
                let items: Vec<String> =
                    items.iter().take(3).map(|t| t.render(depth - 1)).collect();
                format!("({})", items.join(", "))
            }
            Ty::Written(s) => s.chars().take(24).collect(),
        }
    }
}
