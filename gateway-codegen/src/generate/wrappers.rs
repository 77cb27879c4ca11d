//! Typed wrappers: one method per operation on `Gateway`, and the module-level entries of the
//! dynamic path, which call the process-wide gateway.
//!
//! There is no module-level function per operation: `Gateway::global()?.cache_get(..)`
//! reaches the process-wide gateway in one call, and a function per operation would be one
//! item more per operation for rustc to check (about a tenth of a large crate's check; see
//! docs/PERFORMANCE.md).

use super::Documented;
use super::naming::{default_fn_ident, module_ident, param_ident, type_ident, wrapper_ident};
use super::types::{
    Paths, field_is_option, is_string, rust_type, wrapper_arg_type, wrapper_needs_lifetime,
};
use crate::model::{Interface, Model, Operation, Param, Priority, Type, Visibility};
use proc_macro2::TokenStream;
use quote::quote;

/// `execute_operation` and `execute_batch` at module level, on the process-wide gateway. (A
/// part of the module, so it takes the model, though its items do not depend on it.)
pub fn process_wide(_model: &Model) -> TokenStream {
    quote! {
        /// [`Gateway::execute_operation`] on the process-wide gateway.
        pub async fn execute_operation(interface: &str, operation: &str, params: Value) -> Result<Value, GatewayError> {
            Gateway::global()?.execute_operation(interface, operation, params).await
        }

        /// [`Gateway::execute_batch`] on the process-wide gateway.
        pub async fn execute_batch(calls: Vec<::gateway_runtime::ofb::BatchCall>) -> Result<Vec<Result<Value, GatewayError>>, GatewayError> {
            Ok(Gateway::global()?.execute_batch(calls).await)
        }
    }
}

/// The typed method of `op` on `Gateway`, and its documentation.
pub fn wrapper_method(interface: &Interface, op: &Operation) -> Documented {
    let name = wrapper_ident(op);
    let id = type_ident(op);
    let lifetime = wrapper_needs_lifetime(&op.params).then(|| quote!(<'a>));
    let args = op.params.iter().map(|p| {
        let name = param_ident(p);
        let ty = wrapper_arg_type(p);
        quote!(#name: #ty)
    });
    let fields = op.params.iter().map(|p| field_init(op, p));
    let output = rust_type(&op.returns, Paths::Generated);
    let asyncness = op.is_async.then(|| quote!(async));
    // The runtime function that runs the core function, as the manifest's metadata asks:
    // through the result cache for `cacheable` operations, awaiting for `async` ones; the
    // dynamic path's `JsonCall` methods call the same ones.
    let call = match (op.is_async, op.cacheable.is_some()) {
        (false, false) => quote!(call_core),
        (false, true) => quote!(call_core_cached),
        (true, false) => quote!(call_core_async),
        (true, true) => quote!(call_core_async_cached),
    };
    let wait = op.is_async.then(|| quote!(.await));
    let module = module_ident(interface);
    let item = quote! {
        pub #asyncness fn #name #lifetime(&self, #(#args),*) -> Result<#output, GatewayError> {
            let params = (#(#fields,)*);
            let op = OperationId::#id.descriptor();
            let core = <Core as ops::#id>::call;
            self.runtime.#call(&self.modules.#module, op, params, core)#wait
        }
    };
    Documented {
        doc: wrapper_doc(op),
        item,
    }
}

/// How a wrapper argument becomes its element of the parameter tuple.
fn field_init(op: &Operation, param: &Param) -> TokenStream {
    let name = param_ident(param);
    let takes_option = !param.required || matches!(param.ty, Type::Optional(_));
    if !takes_option {
        return if is_string(param) {
            quote!(Text::new(#name))
        } else if param.ty == Type::Any {
            quote!(#name.into())
        } else {
            quote!(#name)
        };
    }
    let value = if is_string(param) {
        quote!(#name.map(Text::from))
    } else {
        quote!(#name)
    };
    if param.default.is_none() {
        return value;
    }
    let default = default_fn_ident(op, param);
    if field_is_option(param) {
        quote!(#value.or_else(defaults::#default))
    } else {
        quote!(#value.unwrap_or_else(defaults::#default))
    }
}

/// Rustdoc of a typed wrapper: description, operation, parameters, result and flags.
fn wrapper_doc(op: &Operation) -> String {
    let mut doc = String::new();
    if let Some(description) = &op.description {
        doc.push_str(description);
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("Calls `{}`.", op.qualified_name()));
    if let Some(flags) = flags_sentence(op) {
        doc.push_str(&format!(" {flags}"));
    }
    if !op.params.is_empty() {
        doc.push_str("\n\n# Parameters\n");
        for param in &op.params {
            doc.push_str(&format!("\n- `{}`: {}", param.name, param_summary(param)));
            if let Some(description) = &param.description {
                doc.push_str(&format!(". {description}"));
            }
        }
    }
    doc.push_str(&format!("\n\nReturns `{}`.", op.returns.manifest_name()));
    doc
}

/// `` `string`, required `` / `` `int`, default `300` ``.
pub fn param_summary(param: &Param) -> String {
    let ty = param.ty.manifest_name();
    match (&param.default, param.required) {
        (Some(default), _) => format!("`{ty}`, default `{default}`"),
        (None, true) => format!("`{ty}`, required"),
        (None, false) => format!("`{ty}`, optional"),
    }
}

/// The manifest's behaviour metadata of an operation, as short phrases (`cacheable for 30s`,
/// `timeout 10s`, ...); empty when it declares none.
pub fn flags(op: &Operation) -> Vec<String> {
    let mut flags = Vec::new();
    if let Some(cache) = &op.cacheable {
        flags.push(match cache.ttl {
            Some(ttl) => format!("cacheable for {}", humantime::format_duration(ttl)),
            None => "cacheable".into(),
        });
    }
    if let Some(timeout) = op.timeout {
        flags.push(format!("timeout {}", humantime::format_duration(timeout)));
    }
    if let Some(batch) = &op.batch {
        flags.push(format!("batched by `{}`", batch.operation));
    }
    if op.visibility == Visibility::Internal {
        flags.push("internal (not reachable from external entry points)".into());
    }
    if op.priority == Priority::Critical {
        flags.push("critical priority".into());
    }
    flags
}

/// `Manifest: cacheable, timeout 10s.`, or nothing.
pub fn flags_sentence(op: &Operation) -> Option<String> {
    let flags = flags(op);
    (!flags.is_empty()).then(|| format!("Manifest: {}.", flags.join(", ")))
}
