//! The `Gateway` type: construction and start-up, LMMS maintenance and stats,
//! `execute_operation` and dispatch; and `Modules`, the state slot of each interface.

use super::GatewayImpl;
use super::naming::module_ident;
use super::registry::state_type;
use super::wrappers::wrapper_method;
use crate::model::{Interface, Model};
use proc_macro2::TokenStream;
use quote::quote;

/// The typed methods of `interface`'s operations: an `impl Gateway` block of their own, which
/// rustdoc shows under the interface's name and description.
pub fn operations(_model: &Model, interface: &Interface) -> GatewayImpl {
    let mut types = super::tree::Types::default();
    GatewayImpl {
        doc: match &interface.description {
            Some(description) => format!("`{}`: {description}", interface.name),
            None => format!("The operations of `{}`.", interface.name),
        },
        methods: interface
            .operations
            .iter()
            .map(|op| wrapper_method(interface, op, &mut types))
            .collect(),
    }
}

/// The `Gateway` struct and its impl, but for the typed methods (see [`operations`]).
pub fn gateway(model: &Model) -> TokenStream {
    let type_doc = super::doc(&format!(
        "The gateway of `{}`: a typed method per operation, and `execute_operation` for\n\
         calls by name with JSON parameters. Interface state is created on first use and may be\n\
         unloaded when idle (see [`::gateway_runtime::Config`]).",
        model.manifest
    ));
    let dispatch = super::dispatch::method(model);
    quote! {
        #type_doc
        #[derive(Debug)]
        pub struct Gateway {
            runtime: ::gateway_runtime::Runtime,
            modules: Modules,
        }

        impl Default for Gateway {
            fn default() -> Self {
                Self::new()
            }
        }

        impl Gateway {
            /// A gateway with the default configuration; no state is created until first use.
            pub fn new() -> Self {
                Self::with_config(::gateway_runtime::Config::default())
            }

            /// A gateway with `config`; no state is created until first use.
            pub fn with_config(config: ::gateway_runtime::Config) -> Self {
                Self {
                    runtime: ::gateway_runtime::Runtime::new(&REGISTRY, config),
                    modules: Modules::new(),
                }
            }

            /// A gateway with `config`, after creating the state start-up wants: interfaces
            /// marked `preload`, critical ones under `PRELOAD_CRITICAL_MODULES`, and all of
            /// them when lazy loading is off.
            pub fn start(config: ::gateway_runtime::Config) -> Result<Self, GatewayError> {
                let gateway = Self::with_config(config);
                gateway.preload()?;
                Ok(gateway)
            }

            /// [`Gateway::start`], creating state asynchronously.
            pub async fn start_async(config: ::gateway_runtime::Config) -> Result<Self, GatewayError> {
                let gateway = Self::with_config(config);
                gateway.preload_async().await?;
                Ok(gateway)
            }

            /// The process-wide gateway, started on first use with the configuration of the
            /// environment: `Gateway::global()?.cache_get(..)` calls a typed wrapper on it, and
            /// the module's `execute_operation` and `execute_batch` use it. An invalid variable
            /// or a failed preload is an error, here and on every later call.
            pub fn global() -> Result<&'static Gateway, GatewayError> {
                static GLOBAL: ::std::sync::OnceLock<Result<Gateway, String>> = ::std::sync::OnceLock::new();
                let started = GLOBAL.get_or_init(|| {
                    let config = ::gateway_runtime::Config::from_env().map_err(|e| e.to_string())?;
                    Gateway::start(config).map_err(|e| e.to_string())
                });
                started.as_ref().map_err(|reason| GatewayError::StartFailed { reason: reason.clone() })
            }

            /// The runtime: configuration, heat and counters.
            pub fn runtime(&self) -> &::gateway_runtime::Runtime {
                &self.runtime
            }

            /// Creates the state start-up wants (see [`Gateway::start`]).
            pub fn preload(&self) -> Result<(), GatewayError> {
                ::gateway_runtime::lmms::preload(&self.runtime, &self.modules.all())
            }

            /// [`Gateway::preload`], creating state asynchronously.
            pub async fn preload_async(&self) -> Result<(), GatewayError> {
                ::gateway_runtime::lmms::preload_async(&self.runtime, &self.modules.all()).await
            }

            /// Runs maintenance now: notices use, cools heat, unloads idle modules.
            pub fn maintain(&self) -> ::gateway_runtime::MaintenanceReport {
                ::gateway_runtime::lmms::maintain(&self.runtime, &self.modules.all())
            }

            /// Runs maintenance if `interval` has passed since the last one: entry points call
            /// it at the start of an invocation.
            pub fn maintain_if_due(&self, interval: Duration) -> Option<::gateway_runtime::MaintenanceReport> {
                ::gateway_runtime::lmms::maintain_if_due(&self.runtime, &self.modules.all(), interval)
            }

            /// A snapshot of modules, heat, the fast path, calls and maintenance.
            pub fn stats(&self) -> ::gateway_runtime::Stats {
                ::gateway_runtime::lmms::snapshot(&self.runtime, &self.modules.all())
            }

            /// Runs `interface.operation` with JSON parameters and returns its JSON result
            /// (the dynamic path), whether the manifest declares it or it was registered at
            /// runtime. Unknown names, invalid parameters, failures and panics come back as a
            /// [`GatewayError`].
            pub async fn execute_operation(
                &self,
                interface: &str,
                operation: &str,
                params: Value,
            ) -> Result<Value, GatewayError> {
                match resolve(interface, operation) {
                    Ok(id) => self.dispatch(id, params).await,
                    Err(unknown) => match self.runtime.find_registered(interface, operation) {
                        Some(op) => self.runtime.call_registered(self, op, params).await,
                        None => Err(unknown),
                    },
                }
            }

            /// Runs many calls and returns one result per call, in input order; runs of calls
            /// of an operation with a batch partner are fused into calls of the partner
            /// (see [`::gateway_runtime::ofb`] for what is fused and what order is kept).
            pub async fn execute_batch(
                &self,
                calls: Vec<::gateway_runtime::ofb::BatchCall>,
            ) -> Vec<Result<Value, GatewayError>> {
                ::gateway_runtime::ofb::execute_batch(self, calls).await
            }

            /// A coalescer: calls of fusable operations made through it and awaited together
            /// become one batch call.
            pub fn coalescer(&self) -> ::gateway_runtime::ofb::Coalescer<'_, Self> {
                ::gateway_runtime::ofb::Coalescer::new(self)
            }

            #dispatch
        }

        impl ::gateway_runtime::Maintain for Gateway {
            fn maintain(&self) -> ::gateway_runtime::MaintenanceReport {
                Gateway::maintain(self)
            }
        }

        impl ::gateway_runtime::Service for Gateway {
            fn registry(&self) -> &'static Registry {
                &REGISTRY
            }

            fn resolve(&self, interface: &str, operation: &str) -> Option<&'static OperationDescriptor> {
                match resolve(interface, operation) {
                    Ok(id) => Some(id.descriptor()),
                    Err(_) => self.runtime.find_registered(interface, operation),
                }
            }

            fn operations(&self) -> Vec<&'static OperationDescriptor> {
                self.runtime.operations()
            }

            fn call(
                &self,
                op: &'static OperationDescriptor,
                params: Value,
            ) -> ::gateway_runtime::__private::BoxFuture<'_, Result<Value, GatewayError>> {
                // Only this gateway's descriptors dispatch: one from another registry with the
                // same index is unknown here, unless it was registered with this runtime.
                match OperationId::ALL.get(op.id).filter(|id| ::core::ptr::eq(id.descriptor(), op)) {
                    Some(id) => Box::pin(self.dispatch(*id, params)),
                    None => Box::pin(self.runtime.call_registered(self, op, params)),
                }
            }

            fn free_tier(&self) -> &::gateway_runtime::ftpms::FreeTier {
                self.runtime.free_tier()
            }

            fn stats(&self) -> ::gateway_runtime::Stats {
                Gateway::stats(self)
            }

            fn maintain_if_due(&self, interval: Duration) -> Option<::gateway_runtime::MaintenanceReport> {
                Gateway::maintain_if_due(self, interval)
            }
        }
    }
}

/// `Modules`: one state slot per interface.
pub fn modules(model: &Model) -> TokenStream {
    let count = super::int(model.interfaces.len() as u128);
    let fields: Vec<_> = model.interfaces.iter().map(module_ident).collect();
    let types = model
        .interfaces
        .iter()
        .map(|i| state_type(i.state.as_deref()));
    let docs = model
        .interfaces
        .iter()
        .map(|i| super::doc(&format!("The state of `{}`.", i.name)));
    let indexes = (0..model.interfaces.len()).map(|i| super::int(i as u128));
    quote! {
        /// The state slot of each interface, in registry order.
        #[derive(Debug)]
        struct Modules {
            #(#docs #fields: ::gateway_runtime::Module<#types>,)*
        }

        impl Modules {
            fn new() -> Self {
                Self {
                    #(#fields: ::gateway_runtime::Module::new(&INTERFACES[#indexes]),)*
                }
            }

            fn all(&self) -> [&dyn ::gateway_runtime::AnyModule; #count] {
                [#(&self.#fields),*]
            }
        }
    }
}
