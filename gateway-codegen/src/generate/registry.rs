//! The operation registry (the interfaces' descriptors and the operation table),
//! `OperationId`, and resolution through one router per interface.

use super::naming::{interface_ident, type_ident};
use super::table::{FORMAT, raw_string, table};
use crate::model::{Model, Priority, UnloadPolicy};
use proc_macro2::TokenStream;
use quote::quote;

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
                &OPERATIONS.operations()[self as usize]
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
