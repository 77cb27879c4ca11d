//! The Rust code `gateway new` writes: a core function whose signature is one that
//! `#[operation]` accepts for the manifest entry, and a test calling it through the gateway.
//!
//! The forms follow `gateway_codegen::attr` (the signature checker): a required `string` is
//! taken as `&str`, an optional parameter (no default, or `default: null`) and `optional<T>` as
//! `Option<T>` (`Option<&str>` for strings), everything else by value with its Rust type
//! (`int` is `i64`, `dict` is `gateway_runtime::Dict`, `list<T>` is `Vec<T>`, `map<T>` is
//! `BTreeMap<String, T>`, a Rust path is itself). The function returns `Result<T, BoxError>`
//! (`T` the result type, `()` for `none`), which the checker accepts for any result type, so
//! the stub can answer "not implemented" until it is written.

use gateway_codegen::model::{Operation, Param, Type};
use std::fmt::Write;

/// The Rust type of a manifest type, with paths that need no `use`.
pub fn rust_type(ty: &Type) -> String {
    match ty {
        Type::String => "String".into(),
        Type::Int => "i64".into(),
        Type::Float => "f64".into(),
        Type::Bool => "bool".into(),
        Type::Any => "gateway_runtime::Value".into(),
        Type::Dict => "gateway_runtime::Dict".into(),
        Type::List => "Vec<gateway_runtime::Value>".into(),
        Type::None => "()".into(),
        Type::ListOf(inner) => format!("Vec<{}>", rust_type(inner)),
        Type::MapOf(inner) => format!("std::collections::BTreeMap<String, {}>", rust_type(inner)),
        Type::Optional(inner) => format!("Option<{}>", rust_type(inner)),
        Type::Rust(path) => path.clone(),
    }
}

/// The type the core function takes a parameter as.
fn core_param_type(param: &Param) -> String {
    let value = match &param.ty {
        Type::Optional(inner) => inner.as_ref(),
        other => other,
    };
    let optional = matches!(param.ty, Type::Optional(_)) || param.is_optional();
    let value = if *value == Type::String {
        "&str".to_owned()
    } else {
        rust_type(value)
    };
    if optional {
        format!("Option<{value}>")
    } else {
        value
    }
}

/// The name of the core function: the operation's, unless the file already has that item.
pub fn function_name(op: &Operation, taken: &[String]) -> Option<String> {
    [op.name.clone(), op.wrapper.clone()]
        .into_iter()
        .find(|name| !taken.contains(name))
}

/// The core function stub.
pub fn stub(op: &Operation, function: &str, attribute: &str) -> String {
    let mut out = String::new();
    let qualified = op.qualified_name();
    match &op.description {
        Some(description) => {
            for line in description.lines() {
                let _ = writeln!(out, "/// {line}");
            }
            let _ = writeln!(out, "///");
        }
        None => {
            let _ = writeln!(out, "/// `{qualified}`.");
            let _ = writeln!(out, "///");
        }
    }
    let _ = writeln!(
        out,
        "/// Written by `gateway new`: replace the body (and the parameters' leading `_`)."
    );
    let _ = writeln!(out, "#[{attribute}({qualified})]");
    let params: Vec<String> = op
        .params
        .iter()
        .map(|p| format!("_{}: {}", p.name, core_param_type(p)))
        .collect();
    let _ = writeln!(
        out,
        "{}fn {function}({}) -> Result<{}, gateway_runtime::BoxError> {{",
        if op.is_async { "async " } else { "" },
        params.join(", "),
        rust_type(&op.returns),
    );
    let _ = writeln!(
        out,
        "    Err(\"{qualified} is not implemented yet\".into())"
    );
    let _ = writeln!(out, "}}");
    out
}

/// A test calling the operation through the typed gateway and expecting the stub's answer.
///
/// `gateway` is the path of the generated module (`my_service::gateway`, `crate::gateway`);
/// `name` the test function's name.
pub fn test(op: &Operation, gateway: &str, name: &str) -> String {
    let qualified = op.qualified_name();
    let mut ignored = Vec::new();
    let args: Vec<String> = op
        .params
        .iter()
        .map(|p| {
            sample(p).unwrap_or_else(|| {
                ignored.push(format!("`{}` ({})", p.name, p.ty.manifest_name()));
                format!("todo!(\"a value of {}\")", p.ty.manifest_name())
            })
        })
        .collect();
    let call = format!("gateway.{}({})", op.wrapper, args.join(", "));
    let mut lines = vec![
        format!("/// `{qualified}` through the gateway. Written by `gateway new` against the stub, which"),
        "/// answers \"not implemented\": assert the real result once the core function is written."
            .to_owned(),
        "#[test]".to_owned(),
    ];
    if !ignored.is_empty() {
        lines.push(format!(
            "#[ignore = \"give {} a value, then remove this line and the allow below\"]",
            ignored.join(", ").replace('"', "'")
        ));
        lines.push("#[allow(unreachable_code, clippy::diverging_sub_expression)]".to_owned());
    }
    lines.push(format!("fn {name}() {{"));
    if op.is_async {
        lines.extend(BLOCK_ON.lines().map(|l| format!("    {l}")));
    }
    lines.push(format!("    let gateway = {gateway}::Gateway::new();"));
    if op.is_async {
        lines.push(format!("    let call = {call};"));
        lines.push("    let result = block_on(call);".to_owned());
    } else {
        lines.push(format!("    let result = {call};"));
    }
    lines.push("    let Err(error) = result else {".to_owned());
    lines.push(format!(
        "        panic!(\"{qualified} answered a result: update this test now that it is implemented\");"
    ));
    lines.push("    };".to_owned());
    lines.push(format!(
        "    assert!(error.to_string().contains(\"{qualified} is not implemented yet\"), \"{{error}}\");"
    ));
    lines.push("}".to_owned());
    let mut out = String::new();
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// A value for the typed wrapper's argument, or `None` for a Rust type the test cannot make.
fn sample(param: &Param) -> Option<String> {
    if !param.required || matches!(param.ty, Type::Optional(_)) {
        return Some("None".into());
    }
    Some(
        match &param.ty {
            Type::String => "\"example\"",
            Type::Int => "1",
            Type::Float => "1.0",
            Type::Bool => "true",
            Type::Any => "gateway_runtime::Value::Null",
            Type::Dict => "gateway_runtime::Dict::new()",
            Type::List | Type::ListOf(_) => "Vec::new()",
            Type::MapOf(_) => "std::collections::BTreeMap::new()",
            Type::None | Type::Optional(_) => "None",
            Type::Rust(_) => return None,
        }
        .to_owned(),
    )
}

/// Runs a future on the test's thread: async wrappers need no particular executor.
const BLOCK_ON: &str = "\
/// Polls `future` on this thread until it is ready, parking in between.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::task::Waker::from(std::sync::Arc::new(Unpark(std::thread::current())));
    let mut context = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(output) =
            std::future::Future::poll(future.as_mut(), &mut context)
        {
            return output;
        }
        std::thread::park();
    }
}
";
