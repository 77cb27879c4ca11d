//! The reserved names of `validate::names` checked against the code the generator writes.
//!
//! A wrapper becomes a method of `Gateway`, and its CamelCase name a trait in `ops`: any name the generator uses
//! itself in those places must be reserved, or a manifest could declare a wrapper that
//! compiles into a duplicate definition or a shadowed type. Both lists are also kept free of
//! names the generator no longer uses.

use gateway_codegen::validate::names::{RESERVED_TYPE_NAMES, RESERVED_WRAPPERS};
use gateway_codegen::{Manifest, SourceFile};
use std::collections::BTreeSet;
use syn::visit::Visit;

/// The reference manifest and two small ones with every kind of parameter, a batch partner,
/// async operations, defaults and Rust types, so every generated shape appears.
fn manifests() -> Vec<Manifest> {
    let reference = include_str!("../../operations.yaml");
    let small = "\
$interfaces:
  KV:
    state: crate::Kv
kv_get:
  interface: KV
  operation: get
  parameters:
    - {name: key, type: string, required: true}
    - {name: default, type: 'map<list<float>>', default: {}}
    - {name: point, type: crate::Point, default: null}
  returns: optional<int>
  batch: kv_get_many
kv_tag:
  interface: KV
  operation: tag
  parameters:
    - {name: key, type: string, required: true}
    - {name: tags, type: 'optional<list<string>>', required: true}
  returns: none
kv_get_many:
  interface: KV
  operation: get_many
  parameters:
    - {name: keys, type: list<string>, required: true}
  returns: list<optional<int>>
  async: true
ping:
  interface: NET
  operation: ping
  returns: none
  async: true
";
    [reference, small]
        .into_iter()
        .map(|text| {
            Manifest::parse(SourceFile::new("operations.yaml", text))
                .unwrap_or_else(|report| panic!("{report}"))
        })
        .collect()
}

/// The items of the generated module's file.
fn generated(manifest: &Manifest) -> Vec<syn::Item> {
    syn::parse_file(&manifest.generate())
        .expect("the generated code parses")
        .items
}

fn items(module: &syn::ItemMod) -> &[syn::Item] {
    &module.content.as_ref().expect("an inline module").1
}

fn submodule<'m>(items: &'m [syn::Item], name: &str) -> &'m syn::ItemMod {
    items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => Some(m),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no `{name}` module"))
}

/// The names a wrapper shares a namespace with: the inherent methods of `Gateway`. (The
/// module's own functions and imports are not among them: a method does not hide them.)
fn value_names(items: &[syn::Item]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for item in items {
        if let syn::Item::Impl(block) = item
            && block.trait_.is_none()
            && is_gateway(&block.self_ty)
        {
            for item in &block.items {
                if let syn::ImplItem::Fn(method) = item {
                    names.insert(method.sig.ident.to_string());
                }
            }
        }
    }
    names
}

fn is_gateway(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path) if path.path.is_ident("Gateway"))
}

/// Single-segment type names a module refers to (types, derives, imports), which a struct or
/// trait of the same name defined in that module would hide.
#[derive(Default)]
struct TypeNames(BTreeSet<String>);

impl<'ast> Visit<'ast> for TypeNames {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if let Some(first) = path.segments.first()
            && path.leading_colon.is_none()
        {
            let name = first.ident.to_string();
            if name.starts_with(char::is_uppercase) {
                self.0.insert(name);
            }
        }
        syn::visit::visit_path(self, path);
    }

    // Attributes name derive macros (resolved apart from types, so a struct `Debug` does not
    // hide `#[derive(Debug)]`) and tool attributes: the imported derives are counted as
    // imports.
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}

    fn visit_use_name(&mut self, name: &'ast syn::UseName) {
        self.0.insert(name.ident.to_string());
    }
}

/// Type names `module` uses but does not define itself (the generics of its items excluded).
fn used_type_names(module: &syn::ItemMod) -> BTreeSet<String> {
    let mut used = TypeNames::default();
    used.visit_item_mod(module);
    let mut defined = BTreeSet::new();
    for item in items(module) {
        let (ident, generics) = match item {
            syn::Item::Struct(s) => (&s.ident, &s.generics),
            syn::Item::Trait(t) => (&t.ident, &t.generics),
            syn::Item::Enum(e) => (&e.ident, &e.generics),
            _ => continue,
        };
        defined.insert(ident.to_string());
        for param in generics.type_params() {
            defined.insert(param.ident.to_string());
        }
    }
    used.0.retain(|name| !defined.contains(name));
    used.0
}

/// Checks a reserved list both ways against the generated code of every manifest: each name
/// `used` finds in a module is on the list (else `missing` explains the harm), and each name on
/// the list but `exempt` is used by some manifest.
fn assert_reserved_list_matches(
    list: &[&str],
    list_name: &str,
    exempt: &str,
    used: impl Fn(&Manifest, &[syn::Item]) -> BTreeSet<String>,
    missing: &str,
) {
    let mut used_anywhere = BTreeSet::new();
    for manifest in manifests() {
        let names = used(&manifest, &generated(&manifest));
        let unlisted: Vec<&String> = names
            .iter()
            .filter(|name| !list.contains(&name.as_str()))
            .collect();
        assert!(
            unlisted.is_empty(),
            "{unlisted:?}: {missing}, and {list_name} does not hold them"
        );
        used_anywhere.extend(names);
    }
    let stale: Vec<&&str> = list
        .iter()
        .filter(|name| **name != exempt && !used_anywhere.contains(**name))
        .collect();
    assert!(
        stale.is_empty(),
        "{list_name} holds {stale:?}, which the generated gateway no longer uses"
    );
}

#[test]
fn every_name_the_gateway_uses_for_itself_is_a_reserved_wrapper_name() {
    // `default` is `Default::default`, which an inherent method would shadow on `Gateway`.
    assert_reserved_list_matches(
        RESERVED_WRAPPERS,
        "RESERVED_WRAPPERS",
        "default",
        |manifest, items| {
            let wrappers: BTreeSet<String> = manifest
                .model
                .operations()
                .map(|op| op.wrapper.clone())
                .collect();
            value_names(items)
                .into_iter()
                .filter(|name| !wrappers.contains(name))
                .collect()
        },
        "`Gateway` has methods of these names, so a wrapper of one would be defined twice",
    );
}

#[test]
fn every_type_name_the_ops_module_uses_is_reserved() {
    // `Self` is a keyword that a wrapper's CamelCase name must not be either.
    assert_reserved_list_matches(
        RESERVED_TYPE_NAMES,
        "RESERVED_TYPE_NAMES",
        "Self",
        |_, items| used_type_names(submodule(items, "ops")),
        "the generated `ops` module uses these, so a wrapper whose CamelCase name is one of \
         them would hide it",
    );
}

#[test]
fn a_wrapper_named_like_a_reserved_name_is_refused() {
    for name in RESERVED_WRAPPERS {
        let text = format!("{name}:\n  interface: A\n  operation: run\n");
        let report = Manifest::parse(SourceFile::new("operations.yaml", text))
            .err()
            .unwrap_or_else(|| panic!("`{name}` was accepted as a wrapper name"));
        assert!(
            report
                .to_string()
                .contains("is reserved by the generated gateway"),
            "{report}"
        );
    }
}
