//! The operation registry (the interfaces' descriptors and the operation table),
//! `OperationId`, and resolution through one router per interface.

use super::naming::{interface_ident, type_ident};
use super::table::{FORMAT, raw_string, table};
use super::tree;
use crate::model::{Model, Priority, UnloadPolicy};
use proc_macro2::TokenStream;
use quote::quote;

/// `OperationId`, one variant per operation, numbered in registry order, and its impl; built
/// as syntax trees (see [`tree`]):
///
/// ```text
/// pub enum OperationId { CacheGet, .. }
///
/// impl OperationId {
///     pub const ALL: [OperationId; N] = [OperationId::CacheGet, ..];
///     pub fn descriptor(self) -> &'static ::gateway_runtime::OperationDescriptor {
///         &OPERATIONS.operations()[self as usize]
///     }
/// }
/// ```
pub fn operation_id(model: &Model) -> Vec<syn::Item> {
    let mut types = tree::Types::default();
    let operation_id = tree::ident("OperationId");
    let variants = model.operations().map(|op| syn::Variant {
        attrs: tree::doc(&format!("`{}` (`{}`).", op.qualified_name(), op.wrapper)),
        ident: type_ident(op),
        fields: syn::Fields::Unit,
        discriminant: None,
    });
    let mut attrs = tree::doc("Every operation of the manifest, in registry order.");
    attrs.push(tree::attribute(
        ["derive"],
        quote!(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord),
    ));
    let id_enum = syn::ItemEnum {
        attrs,
        vis: tree::public(),
        enum_token: Default::default(),
        ident: operation_id.clone(),
        generics: Default::default(),
        brace_token: Default::default(),
        variants: variants.collect(),
    };
    let count = super::int(model.operations().count() as u128);
    let all = syn::ImplItemConst {
        attrs: tree::doc("Every operation, in registry order."),
        vis: tree::public(),
        modifiers: Default::default(),
        const_token: Default::default(),
        ident: tree::ident("ALL"),
        generics: Default::default(),
        colon_token: Default::default(),
        ty: types.get(quote!([OperationId; #count])),
        eq_token: Default::default(),
        expr: tree::array(
            model
                .operations()
                .map(|op| tree::path_expr([&operation_id, &type_ident(op)])),
        ),
        semi_token: Default::default(),
    };
    let operations = tree::method(tree::var("OPERATIONS"), "operations", []);
    let position = tree::cast(tree::var("self"), types.get(quote!(usize)));
    let descriptor = syn::ImplItemFn {
        attrs: tree::doc("The operation's descriptor in the registry."),
        vis: tree::public(),
        modifiers: Default::default(),
        sig: tree::signature(
            false,
            tree::ident("descriptor"),
            Default::default(),
            [tree::self_value()],
            types.get(quote!(&'static ::gateway_runtime::OperationDescriptor)),
        ),
        block: tree::block(vec![syn::Stmt::Expr(
            tree::reference(tree::index(operations, position)),
            None,
        )]),
    };
    let id_impl = tree::impl_block(
        &operation_id,
        vec![syn::ImplItem::Const(all), syn::ImplItem::Fn(descriptor)],
    );
    vec![syn::Item::Enum(id_enum), syn::Item::Impl(id_impl)]
}

/// `resolve`: interface name, then operation name (through the interface's router in
/// [`routers`]), to `OperationId`.
pub fn resolve(model: &Model) -> TokenStream {
    let arms = model.interfaces.iter().map(|interface| {
        let name = &interface.name;
        let router = interface_ident(&interface.name);
        quote!(#name => routers::#router(operation))
    });
    quote! {
        /// Resolves `interface.operation` to an operation through the interface's router;
        /// unknown names get an error naming the closest existing ones.
        pub fn resolve(interface: &str, operation: &str) -> Result<OperationId, GatewayError> {
            let found = match interface {
                #(#arms,)*
                _ => return Err(REGISTRY.unknown_interface(interface)),
            };
            found.ok_or_else(|| REGISTRY.unknown_operation(interface, operation))
        }
    }
}

/// The `routers` module, one router per interface, built as syntax trees (see [`tree`]):
///
/// ```text
/// pub mod routers {
///     use super::OperationId;
///
///     pub fn cache(operation: &str) -> Option<OperationId> {
///         match operation {
///             "get" => Some(OperationId::CacheGet),
///             ..
///             _ => None,
///         }
///     }
/// }
/// ```
pub fn routers(model: &Model) -> Vec<syn::Item> {
    let mut types = tree::Types::default();
    let operation_id = tree::ident("OperationId");
    let operation = tree::ident("operation");
    let import = syn::Item::Use(syn::ItemUse {
        attrs: Vec::new(),
        vis: syn::Visibility::Inherited,
        use_token: Default::default(),
        leading_colon: None,
        tree: syn::UseTree::Path(syn::UsePath {
            ident: tree::ident("super"),
            colon2_token: Default::default(),
            tree: Box::new(syn::UseTree::Name(syn::UseName {
                ident: operation_id.clone(),
            })),
        }),
        semi_token: Default::default(),
    });
    let routers = model.interfaces.iter().map(|interface| {
        let arms = interface.operations.iter().map(|op| {
            let id = tree::path_expr([&operation_id, &type_ident(op)]);
            let found = tree::call(tree::var("Some"), [id]);
            tree::arm(tree::string_pat(&op.name), found)
        });
        let none = tree::arm(tree::wildcard(), tree::var("None"));
        let body = tree::match_(tree::var(&operation), arms.chain([none]).collect());
        syn::Item::Fn(syn::ItemFn {
            attrs: tree::doc(&format!("Routes the operations of `{}`.", interface.name)),
            vis: tree::public(),
            modifiers: Default::default(),
            sig: tree::signature(
                false,
                interface_ident(&interface.name),
                Default::default(),
                [tree::arg(
                    tree::binding(&operation),
                    types.get(quote!(&str)),
                )],
                types.get(quote!(Option<OperationId>)),
            ),
            block: Box::new(tree::block(vec![syn::Stmt::Expr(body, None)])),
        })
    });
    vec![syn::Item::Mod(tree::module(
        tree::doc("One router per interface (ARCH-03): an operation name to its `OperationId`."),
        tree::public(),
        "routers",
        std::iter::once(import).chain(routers).collect(),
    ))]
}

/// `REGISTRY` with its `INTERFACES` and `OPERATIONS` tables.
pub fn tables(model: &Model) -> TokenStream {
    let manifest = &model.manifest;
    let interface_count = super::int(model.interfaces.len() as u128);
    let interfaces = model.interfaces.iter().map(|interface| {
        let name = &interface.name;
        let mut tokens = quote!(InterfaceDescriptor::new(#name));
        if let Some(description) = &interface.description {
            tokens.extend(quote!(.describe(#description)));
        }
        if let Some(path) = &interface.state {
            tokens.extend(quote!(.state_type(#path)));
        }
        if interface.preload {
            tokens.extend(quote!(.preload()));
        }
        if interface
            .operations
            .iter()
            .any(|op| op.priority == Priority::Critical)
        {
            tokens.extend(quote!(.critical()));
        }
        if interface.unload == UnloadPolicy::Never {
            tokens.extend(quote!(.never_unload()));
        }
        tokens
    });
    let (text, schemas) = table(model);
    let text = raw_string(&text);
    let format = super::int(FORMAT);
    let events = (!model.events.is_empty()).then(|| {
        let count = super::int(model.events.len() as u128);
        let routes = model.events.iter().map(event_route);
        quote! {
            static EVENTS: [::gateway_runtime::EventRoute; #count] = [#(#routes),*];
        }
    });
    let with_events = events.is_some().then(|| quote!(.with_events(&EVENTS)));
    quote! {
        /// The operation registry: every interface and operation of the manifest.
        pub static REGISTRY: Registry = Registry::with_table(#manifest, &INTERFACES, &OPERATIONS) #with_events;

        #events

        static INTERFACES: [InterfaceDescriptor; #interface_count] = [#(#interfaces),*];

        /// Every operation's descriptor as a line of JSON, in registry order, decoded when the
        /// registry is first read (the format is `gateway_runtime::OperationTable`'s).
        static OPERATIONS: ::gateway_runtime::OperationTable = ::gateway_runtime::OperationTable::new(
            #format,
            #text,
            &[#(#schemas),*],
        );
    }
}

fn event_route(route: &crate::model::EventRoute) -> TokenStream {
    let source = &route.source;
    let operation = format!("{}.{}", route.interface, route.operation);
    let mut tokens = quote!(::gateway_runtime::EventRoute::new(#source, #operation));
    if let Some(detail_type) = &route.detail_type {
        tokens.extend(quote!(.detail_type(#detail_type)));
    }
    match &route.params {
        crate::model::EventParams::Detail => {}
        crate::model::EventParams::Empty => {
            tokens.extend(quote!(.params(::gateway_runtime::EventParams::Empty)))
        }
        crate::model::EventParams::Fixed(value) => {
            let json = value.to_string();
            tokens.extend(quote!(.params(::gateway_runtime::EventParams::Fixed(#json))));
        }
    }
    tokens
}

/// The type of an interface's state: its manifest path, or `()`.
pub fn state_type(state: Option<&str>) -> TokenStream {
    state
        .and_then(|path| path.parse().ok())
        .unwrap_or_else(|| quote!(()))
}
