//! The operation registry (static descriptor tables), `OperationId`, and resolution through
//! one router per interface.

use super::naming::{interface_ident, type_ident};
use crate::model::{Model, Operation, Param, Priority, Type, UnloadPolicy, Visibility};
use proc_macro2::TokenStream;
use quote::quote;
use std::time::Duration;

/// `OperationId`: one variant per operation, numbered in registry order.
pub fn operation_id(model: &Model) -> TokenStream {
    let variants = model.operations().map(|op| {
        let doc = super::doc(&format!("`{}` (`{}`).", op.qualified_name(), op.wrapper));
        let name = type_ident(op);
        quote!(#doc #name)
    });
    let count = super::int(model.operations().count() as u128);
    let all = model.operations().map(|op| {
        let name = type_ident(op);
        quote!(OperationId::#name)
    });
    quote! {
        /// Every operation of the manifest, in registry order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum OperationId {
            #(#variants,)*
        }

        impl OperationId {
            /// Every operation, in registry order.
            pub const ALL: [OperationId; #count] = [#(#all),*];

            /// The operation's descriptor in the registry.
            pub fn descriptor(self) -> &'static ::gateway_runtime::OperationDescriptor {
                &OPERATIONS[self as usize]
            }
        }
    }
}

/// `resolve` and the `routers` module: interface name, then operation name, to `OperationId`.
pub fn routing(model: &Model) -> TokenStream {
    let arms = model.interfaces.iter().map(|interface| {
        let name = &interface.name;
        let router = interface_ident(&interface.name);
        quote!(#name => routers::#router(operation))
    });
    let routers = model.interfaces.iter().map(|interface| {
        let doc = super::doc(&format!("Routes the operations of `{}`.", interface.name));
        let router = interface_ident(&interface.name);
        let arms = interface.operations.iter().map(|op| {
            let operation = &op.name;
            let id = type_ident(op);
            quote!(#operation => Some(OperationId::#id))
        });
        quote! {
            #doc
            pub fn #router(operation: &str) -> Option<OperationId> {
                match operation {
                    #(#arms,)*
                    _ => None,
                }
            }
        }
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

        /// One router per interface (ARCH-03): an operation name to its `OperationId`.
        pub mod routers {
            use super::OperationId;

            #(#routers)*
        }
    }
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
    let operation_count = super::int(model.operations().count() as u128);
    let operations =
        model
            .interfaces
            .iter()
            .enumerate()
            .flat_map(|(interface_index, interface)| {
                interface
                    .operations
                    .iter()
                    .map(move |op| (interface_index, op))
            });
    let operations = operations
        .enumerate()
        .map(|(id, (interface_index, op))| descriptor(id, interface_index, op));
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
        pub static REGISTRY: Registry = Registry::new(#manifest, &INTERFACES, &OPERATIONS) #with_events;

        #events

        static INTERFACES: [InterfaceDescriptor; #interface_count] = [#(#interfaces),*];

        static OPERATIONS: [OperationDescriptor; #operation_count] = [#(#operations),*];
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

fn descriptor(id: usize, interface_index: usize, op: &Operation) -> TokenStream {
    let name = op.qualified_name();
    let wrapper = &op.wrapper;
    let (id, interface_index) = (super::int(id as u128), super::int(interface_index as u128));
    let mut tokens = quote! {
        OperationDescriptor::new(#id, #name, #wrapper, #interface_index)
    };
    if let Some(description) = &op.description {
        tokens.extend(quote!(.describe(#description)));
    }
    if !op.params.is_empty() {
        let params = op.params.iter().map(param_descriptor);
        tokens.extend(quote!(.params(&[#(#params),*])));
    }
    if op.returns != Type::None {
        let returns = type_desc(&op.returns);
        tokens.extend(quote!(.returns(#returns)));
    }
    if let Some(cache) = &op.cacheable {
        let ttl = match cache.ttl {
            Some(ttl) => {
                let ttl = duration(ttl);
                quote!(Some(#ttl))
            }
            None => quote!(None),
        };
        tokens.extend(quote!(.cacheable(#ttl)));
    }
    if let Some(timeout) = op.timeout {
        let timeout = duration(timeout);
        tokens.extend(quote!(.timeout(#timeout)));
    }
    if let Some(batch) = &op.batch {
        let partner = &batch.operation;
        let max = match batch.max_size {
            Some(max) => {
                let max = super::int(max);
                quote!(Some(#max))
            }
            None => quote!(None),
        };
        tokens.extend(quote!(.batch(#partner, #max)));
    }
    if op.visibility == Visibility::Internal {
        tokens.extend(quote!(.internal()));
    }
    if op.priority == Priority::Critical {
        tokens.extend(quote!(.critical()));
    }
    if op.is_async {
        tokens.extend(quote!(.asynchronous()));
    }
    let line = super::int(op.location.line);
    tokens.extend(quote!(.declared_at(#line)));
    tokens
}

fn param_descriptor(param: &Param) -> TokenStream {
    let name = &param.name;
    let ty = type_desc(&param.ty);
    let mut tokens = quote!(ParamDescriptor::new(#name, #ty));
    if param.required {
        tokens.extend(quote!(.required()));
    }
    if let Some(default) = &param.default {
        let json = default.to_string();
        tokens.extend(quote!(.default_json(#json)));
    }
    if let Some(description) = &param.description {
        tokens.extend(quote!(.describe(#description)));
    }
    if names_rust_type(&param.ty) {
        let ty = super::types::rust_type(&param.ty, super::types::Paths::Generated);
        tokens.extend(quote!(.schema_with(::gateway_runtime::schema_of::<#ty>)));
    }
    tokens
}

/// Whether `ty` is or contains a Rust type, whose schema only its `JsonSchema` impl knows.
fn names_rust_type(ty: &Type) -> bool {
    match ty {
        Type::Rust(_) => true,
        Type::ListOf(inner) | Type::MapOf(inner) | Type::Optional(inner) => names_rust_type(inner),
        _ => false,
    }
}

fn type_desc(ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(TypeDesc::String),
        Type::Int => quote!(TypeDesc::Int),
        Type::Float => quote!(TypeDesc::Float),
        Type::Bool => quote!(TypeDesc::Bool),
        Type::Any => quote!(TypeDesc::Any),
        Type::Dict => quote!(TypeDesc::Dict),
        Type::List => quote!(TypeDesc::List),
        Type::None => quote!(TypeDesc::None),
        Type::ListOf(inner) => {
            let inner = type_desc(inner);
            quote!(TypeDesc::ListOf(&#inner))
        }
        Type::MapOf(inner) => {
            let inner = type_desc(inner);
            quote!(TypeDesc::MapOf(&#inner))
        }
        Type::Optional(inner) => {
            let inner = type_desc(inner);
            quote!(TypeDesc::Optional(&#inner))
        }
        Type::Rust(path) => quote!(TypeDesc::Rust(#path)),
    }
}

fn duration(d: Duration) -> TokenStream {
    let millis = super::int(d.as_millis());
    quote!(Duration::from_millis(#millis))
}
