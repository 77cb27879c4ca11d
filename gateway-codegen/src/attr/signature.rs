//! Checks a core function's signature against its manifest entry, and plans the call.

use super::item::CoreFn;
use super::types::{Verdict, display, display_syn, head, matches, matches_borrowed};
use crate::generate::types::{field_is_option, is_string, value_type};
use crate::model::{Interface, Model, Operation, Param, Type};
use crate::suggest::did_you_mean;
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, Pat, ReturnType};

/// How the generated `call` invokes the core function.
pub struct Plan {
    /// Argument expressions, in the function's parameter order.
    pub args: Vec<TokenStream>,
    /// Whether the function returns a `Result`.
    pub fallible: bool,
    /// The span of the return type, for errors about it.
    pub output_span: proc_macro2::Span,
}

/// Checks `function` against `op`, collecting every error.
pub fn check(
    function: &CoreFn,
    model: &Model,
    interface: &Interface,
    op: &Operation,
) -> Result<Plan, Vec<syn::Error>> {
    let mut errors = Vec::new();
    let at = |param: &Param| format!("{}:{}", model.manifest, param.location.line);
    let op_at = format!("{}:{}", model.manifest, op.location.line);
    let name = op.qualified_name();
    check_shape(function, op, &op_at, &mut errors);

    let mut args = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    let mut has_state = false;
    let mut unnamed = false;
    for input in &function.sig.inputs {
        let FnArg::Typed(input) = input else { continue };
        let Some(ident) = plain_name(&input.pat, &mut errors) else {
            unnamed = true;
            args.push(quote!(::core::unreachable!()));
            continue;
        };
        let text = ident.to_string();
        let text = text.strip_prefix("r#").unwrap_or(&text);
        let index = op.params.iter().position(|p| p.name == text).or_else(|| {
            let trimmed = text.strip_prefix('_')?;
            op.params.iter().position(|p| p.name == trimmed)
        });
        match index {
            Some(index) => {
                let param = &op.params[index];
                if seen.contains(&index) {
                    errors.push(syn::Error::new(
                        ident.span(),
                        format!("parameter `{}` appears twice", param.name),
                    ));
                }
                seen.push(index);
                args.push(param_arg(
                    index,
                    param,
                    &input.ty,
                    &name,
                    &at(param),
                    &mut errors,
                ));
            }
            None if matches!(*input.ty, syn::Type::Reference(_)) && !has_state => {
                has_state = true;
                args.push(state_arg(interface, &input.ty, &mut errors));
            }
            None => {
                let declared: Vec<&str> = op.params.iter().map(|p| p.name.as_str()).collect();
                let mut message = format!(
                    "`{text}` is not a parameter of `{name}` ({op_at}); declared: {}",
                    if declared.is_empty() {
                        "none".to_owned()
                    } else {
                        declared.join(", ")
                    }
                );
                if let Some(help) = did_you_mean(text, declared.iter().copied()) {
                    message.push_str(&format!("\n= help: {help}"));
                } else if has_state {
                    message
                        .push_str("\n= note: only one parameter can receive the interface's state");
                } else {
                    message.push_str("\n= note: an extra parameter can only be a reference to the interface's state, e.g. `store: &CacheStore`");
                }
                errors.push(syn::Error::new(ident.span(), message));
                args.push(quote!(::core::unreachable!()));
            }
        }
    }
    // A parameter without a plain name may be any of them: do not guess which are missing.
    for (index, param) in op.params.iter().enumerate().filter(|_| !unnamed) {
        if !seen.contains(&index) {
            errors.push(syn::Error::new(
                function.sig.ident.span(),
                format!(
                    "missing parameter `{}: {}` of `{name}`, declared at {}\n= help: add it in manifest order: {}",
                    param.name,
                    core_form(param),
                    at(param),
                    op.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    if seen.len() == op.params.len() && !seen.is_sorted() {
        let order: Vec<&str> = op.params.iter().map(|p| p.name.as_str()).collect();
        errors.push(syn::Error::new(
            function.sig.inputs.span(),
            format!(
                "the parameters of `{name}` are out of order; {op_at} declares: {}",
                order.join(", ")
            ),
        ));
    }
    let (fallible, output_span) = check_output(function, op, &op_at, &mut errors);
    if errors.is_empty() {
        Ok(Plan {
            args,
            fallible,
            output_span,
        })
    } else {
        Err(errors)
    }
}

fn check_shape(function: &CoreFn, op: &Operation, op_at: &str, errors: &mut Vec<syn::Error>) {
    let sig = &function.sig;
    let name = op.qualified_name();
    if let syn::Visibility::Public(token) = &function.vis {
        errors.push(syn::Error::new(
            token.span(),
            format!(
                "core functions must not be `pub`: other crates call `{name}` through the gateway (`Gateway::{}`)\n= help: use `pub(crate)` or no visibility",
                op.wrapper
            ),
        ));
    }
    if let Some(receiver) = sig.receiver() {
        errors.push(syn::Error::new_spanned(
            receiver,
            "#[operation] goes on a free function, not a method",
        ));
    }
    if let Some(param) = sig
        .generics
        .params
        .iter()
        .find(|p| !matches!(p, syn::GenericParam::Lifetime(_)))
    {
        errors.push(syn::Error::new_spanned(
            param,
            "#[operation] functions cannot be generic: the manifest fixes every type",
        ));
    }
    if let syn::Safety::Unsafe(token) = &sig.safety {
        errors.push(syn::Error::new(
            token.span(),
            "#[operation] functions cannot be `unsafe`",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new_spanned(
            abi,
            "#[operation] functions cannot have an `extern` ABI",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic,
            "#[operation] functions cannot be variadic",
        ));
    }
    match (&sig.asyncness, op.is_async) {
        (Some(token), false) => errors.push(syn::Error::new(
            token.span(),
            format!("`{name}` is not declared async ({op_at})\n= help: remove `async`, or add `async: true` to its manifest entry"),
        )),
        (None, true) => errors.push(syn::Error::new(
            sig.ident.span(),
            format!("`{name}` is declared `async: true` ({op_at}), so its core function must be an `async fn`"),
        )),
        _ => {}
    }
}

fn plain_name<'a>(pat: &'a Pat, errors: &mut Vec<syn::Error>) -> Option<&'a syn::Ident> {
    match pat {
        Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => Some(&pat.ident),
        other => {
            errors.push(syn::Error::new_spanned(
                other,
                "#[operation] parameters must be plain names, matched to the manifest's parameter names",
            ));
            None
        }
    }
}

fn state_arg(interface: &Interface, ty: &syn::Type, errors: &mut Vec<syn::Error>) -> TokenStream {
    let syn::Type::Reference(reference) = ty else {
        return quote!(__state);
    };
    match &interface.state {
        None => errors.push(syn::Error::new_spanned(
            ty,
            format!(
                "interface `{}` declares no state to pass as `{}`\n= help: declare it in the manifest: `$interfaces: {{{}: {{state: crate::path::to::{}}}}}`, or remove this parameter",
                interface.name,
                display_syn(ty),
                interface.name,
                display_syn(&reference.elem).rsplit("::").next().unwrap_or("State")
            ),
        )),
        Some(_) if reference.mutability.is_some() => errors.push(syn::Error::new_spanned(
            ty,
            "interface state is shared by concurrent calls: take `&State`, with interior mutability inside",
        )),
        Some(state) => {
            let last = state.rsplit("::").next().unwrap_or(state);
            if head(&reference.elem).is_some_and(|(name, _)| name != last && ["String", "str", "Value", "Vec", "Option"].contains(&name.as_str())) {
                errors.push(syn::Error::new_spanned(
                    &reference.elem,
                    format!("the state of `{}` is `{state}`, not `{}`", interface.name, display_syn(&reference.elem)),
                ));
            }
        }
    }
    quote_spanned!(ty.span()=> __state)
}

/// The argument expression for a manifest parameter, after checking the written type.
fn param_arg(
    index: usize,
    param: &Param,
    ty: &syn::Type,
    op: &str,
    at: &str,
    errors: &mut Vec<syn::Error>,
) -> TokenStream {
    // A type's span is computed from its tokens, which is slow in an unoptimised proc
    // macro: once per parameter.
    let span = ty.span();
    let field = syn::Index {
        index: index as u32,
        span,
    };
    let value = quote_spanned!(span=> __params.#field);
    let pass = if field_is_option(param) {
        optional_form(param, ty, span)
    } else {
        required_form(param, ty, span)
    };
    match pass {
        Ok(expr) => expr(value),
        Err(()) => {
            errors.push(syn::Error::new_spanned(
                ty,
                format!(
                    "parameter `{}` of `{op}` is `{}` here, but {at} declares it `{}`\n= help: take {}",
                    param.name,
                    display_syn(ty),
                    param.ty.manifest_name(),
                    accepted_forms(param)
                ),
            ));
            value
        }
    }
}

type Pass = Box<dyn Fn(TokenStream) -> TokenStream>;

fn required_form(param: &Param, ty: &syn::Type, span: Span) -> Result<Pass, ()> {
    let expected = value_type(param).clone();
    let string = is_string(param);
    if let syn::Type::Reference(reference) = ty {
        if reference.mutability.is_some() {
            return Err(());
        }
        return match matches_borrowed(&reference.elem, &expected) {
            Verdict::No => Err(()),
            _ if string => Ok(Box::new(move |v| quote_spanned!(span=> &*#v))),
            _ => Ok(Box::new(move |v| quote_spanned!(span=> &#v))),
        };
    }
    if string {
        return match head(ty) {
            Some((name, _)) if name == "Cow" => {
                Ok(Box::new(move |v| quote_spanned!(span=> #v.into_cow())))
            }
            _ => match matches(ty, &expected) {
                Verdict::No => Err(()),
                _ => Ok(Box::new(move |v| quote_spanned!(span=> #v.into_owned()))),
            },
        };
    }
    match matches(ty, &expected) {
        Verdict::No => Err(()),
        _ => Ok(Box::new(|v| v)),
    }
}

fn optional_form(param: &Param, ty: &syn::Type, span: Span) -> Result<Pass, ()> {
    let expected = value_type(param).clone();
    let option_inner = head(ty)
        .filter(|(name, args)| name == "Option" && args.len() == 1)
        .map(|(_, args)| args[0]);
    let Some(inner) = option_inner else {
        // An optional `any` may be taken as a plain `Value`: absent is `Value::Null`.
        if expected == Type::Any && matches(ty, &Type::Any) == Verdict::Yes {
            return Ok(Box::new(
                move |v| quote_spanned!(span=> #v.unwrap_or_default()),
            ));
        }
        // A name we cannot resolve may be an alias of `Option<T>`: the compiler decides.
        if matches(ty, &Type::Optional(Box::new(expected))) == Verdict::Unknown {
            return Ok(Box::new(|v| v));
        }
        return Err(());
    };
    if let syn::Type::Reference(reference) = inner {
        return match matches_borrowed(&reference.elem, &expected) {
            Verdict::No => Err(()),
            _ if is_string(param) || matches!(*reference.elem, syn::Type::Slice(_)) => {
                Ok(Box::new(move |v| quote_spanned!(span=> #v.as_deref())))
            }
            _ => Ok(Box::new(move |v| quote_spanned!(span=> #v.as_ref()))),
        };
    }
    if is_string(param) {
        return match head(inner) {
            Some((name, _)) if name == "Cow" => Ok(Box::new(
                move |v| quote_spanned!(span=> #v.map(::gateway_runtime::Text::into_cow)),
            )),
            _ => match matches(inner, &expected) {
                Verdict::No => Err(()),
                _ => Ok(Box::new(
                    move |v| quote_spanned!(span=> #v.map(::gateway_runtime::Text::into_owned)),
                )),
            },
        };
    }
    match matches(inner, &expected) {
        Verdict::No => Err(()),
        _ => Ok(Box::new(|v| v)),
    }
}

/// The type a core function is expected to take, for messages.
fn core_form(param: &Param) -> String {
    let value = display(value_type(param));
    if field_is_option(param) {
        format!("Option<{value}>")
    } else {
        value
    }
}

fn accepted_forms(param: &Param) -> String {
    let value = value_type(param);
    let forms = match (field_is_option(param), value) {
        (false, Type::String) => "`&str`, `String` or `Cow<str>`".to_owned(),
        (true, Type::String) => "`Option<&str>`, `Option<String>` or `Option<Cow<str>>`".to_owned(),
        (false, Type::List | Type::ListOf(_)) => {
            let t = display(value);
            let element = t
                .strip_prefix("Vec<")
                .and_then(|t| t.strip_suffix('>'))
                .unwrap_or("Value");
            format!("`{t}` or `&[{element}]`")
        }
        (true, Type::Any) => "`Option<Value>` or `Value` (null when absent)".to_owned(),
        (false, _) => format!("`{0}` or `&{0}`", display(value)),
        (true, _) => format!("`Option<{0}>` or `Option<&{0}>`", display(value)),
    };
    if field_is_option(param) && !param.required {
        format!("{forms}: the parameter is optional (no default)")
    } else {
        forms
    }
}

fn check_output(
    function: &CoreFn,
    op: &Operation,
    op_at: &str,
    errors: &mut Vec<syn::Error>,
) -> (bool, proc_macro2::Span) {
    let (written, span) = match &function.sig.output {
        ReturnType::Default => (None, function.sig.ident.span()),
        ReturnType::Type(_, ty) => (Some(ty.as_ref()), ty.span()),
    };
    let (fallible, value) = match written.and_then(|ty| head(ty).map(|h| (ty, h))) {
        Some((_, (name, args))) if name == "Result" && !args.is_empty() => (true, Some(args[0])),
        _ => (false, written),
    };
    let verdict = match value {
        None => {
            if op.returns == Type::None {
                Verdict::Yes
            } else {
                Verdict::No
            }
        }
        Some(ty) => matches(ty, &op.returns),
    };
    if verdict == Verdict::No {
        let given = value.map_or_else(
            || "nothing".to_owned(),
            |ty| format!("`{}`", display_syn(ty)),
        );
        let target = written.map_or_else(
            || function.sig.ident.to_token_stream(),
            |ty| ty.to_token_stream(),
        );
        errors.push(syn::Error::new_spanned(
            target,
            format!(
                "`{}` returns {given} here, but {op_at} declares `returns: {}`\n= help: return `{}` or `Result<{}, E>`",
                op.qualified_name(),
                op.returns.manifest_name(),
                display(&op.returns),
                display(&op.returns)
            ),
        ));
    }
    (fallible, span)
}
