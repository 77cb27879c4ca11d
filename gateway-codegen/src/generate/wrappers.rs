//! Typed wrappers: one method per operation on `Gateway`, and the module-level entries of the
//! dynamic path, which call the process-wide gateway.
//!
//! There is no module-level function per operation: `Gateway::global()?.cache_get(..)`
//! reaches the process-wide gateway in one call, and a function per operation would be one
//! item more per operation for rustc to check (about a tenth of a large crate's check; see
//! docs/PERFORMANCE.md).

use super::naming::{default_fn_ident, module_ident, param_ident, type_ident, wrapper_ident};
use super::types::{
    Paths, field_is_option, is_string, rust_type, wrapper_arg_type, wrapper_needs_lifetime,
};
use super::{Documented, tree};
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

/// The typed method of `op` on `Gateway`, and its documentation, built as a syntax tree (see
/// [`tree`]) with `types` parsing its types:
///
/// ```text
/// pub [async] fn cache_get<'a>(&self, key: impl Into<Cow<'a, str>>, ..) -> Result<Value, GatewayError> {
///     let params = (Text::new(key), ..);
///     let op = OperationId::CacheGet.descriptor();
///     let core = <Core as ops::CacheGet>::call;
///     self.runtime.call_core_cached(&self.modules.cache, op, params, core)[.await]
/// }
/// ```
pub fn wrapper_method(
    interface: &Interface,
    op: &Operation,
    types: &mut tree::Types,
) -> Documented {
    let id = type_ident(op);
    let output = rust_type(&op.returns, Paths::Generated);
    let generics = if wrapper_needs_lifetime(&op.params) {
        tree::lifetime_generics("'a")
    } else {
        Default::default()
    };
    let output = types.get(quote!(Result<#output, GatewayError>));
    let args = op.params.iter().map(|p| {
        let ty = types.get(wrapper_arg_type(p));
        tree::arg(tree::binding(param_ident(p)), ty)
    });
    let sig = tree::signature(
        op.is_async,
        wrapper_ident(op),
        generics,
        std::iter::once(tree::self_ref()).chain(args),
        output,
    );
    // The runtime function that runs the core function, as the manifest's metadata asks:
    // through the result cache for `cacheable` operations, awaiting for `async` ones; the
    // dynamic path's `JsonCall` methods call the same ones.
    let run = match (op.is_async, op.cacheable.is_some()) {
        (false, false) => "call_core",
        (false, true) => "call_core_cached",
        (true, false) => "call_core_async",
        (true, true) => "call_core_async_cached",
    };
    let state = tree::field(
        tree::field(tree::var("self"), "modules"),
        module_ident(interface),
    );
    let args = ["op", "params", "core"].map(tree::var);
    let mut run = tree::method(
        tree::field(tree::var("self"), "runtime"),
        run,
        std::iter::once(tree::reference(state)).chain(args),
    );
    if op.is_async {
        run = tree::awaited(run);
    }
    let descriptor = tree::path_expr([tree::ident("OperationId"), id.clone()]);
    let stmts = vec![
        tree::let_(
            "params",
            tree::tuple(op.params.iter().map(|p| field_init(op, p))),
        ),
        tree::let_("op", tree::method(descriptor, "descriptor", [])),
        tree::let_(
            "core",
            tree::qualified("Core", [tree::ident("ops"), id], "call"),
        ),
        syn::Stmt::Expr(run, None),
    ];
    Documented {
        doc: wrapper_doc(op),
        item: syn::ImplItemFn {
            attrs: Vec::new(),
            vis: tree::public(),
            modifiers: Default::default(),
            sig,
            block: tree::block(stmts),
        },
    }
}

/// How a wrapper argument becomes its element of the parameter tuple: `Text::new(key)`,
/// `value.into()`, `ttl`, `name.map(Text::from)`, then `.or_else(defaults::..)` or
/// `.unwrap_or_else(defaults::..)` where the manifest gives a default.
fn field_init(op: &Operation, param: &Param) -> syn::Expr {
    let name = tree::path_expr([&param_ident(param)]);
    let takes_option = !param.required || matches!(param.ty, Type::Optional(_));
    let text = |function| tree::path_expr(["Text", function]);
    if !takes_option {
        return if is_string(param) {
            tree::call(text("new"), [name])
        } else if param.ty == Type::Any {
            tree::method(name, "into", [])
        } else {
            name
        };
    }
    let value = if is_string(param) {
        tree::method(name, "map", [text("from")])
    } else {
        name
    };
    if param.default.is_none() {
        return value;
    }
    let default = tree::path_expr([tree::ident("defaults"), default_fn_ident(op, param)]);
    let or = if field_is_option(param) {
        "or_else"
    } else {
        "unwrap_or_else"
    };
    tree::method(value, tree::ident(or), [default])
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
