//! The `$events` section: EventBridge events routed to public operations.

use crate::diagnostic::Diagnostics;
use crate::load::ast::EventAst;
use crate::load::node::NodeValue;
use crate::model::{EventParams, EventRoute, Interface, Visibility};
use crate::source::Span;
use crate::suggest::did_you_mean;
use std::collections::HashMap;

/// Checks every route against the validated interfaces and returns the valid ones.
pub fn check(
    routes: &[EventAst],
    interfaces: &[Interface],
    diags: &mut Diagnostics,
) -> Vec<EventRoute> {
    let mut valid = Vec::new();
    let mut seen: HashMap<(String, Option<String>), Span> = HashMap::new();
    for route in routes {
        let (Some(source), Some(target)) = (&route.source, &route.operation) else {
            continue;
        };
        let detail_type = route.detail_type.as_ref().map(|d| d.value.clone());
        let key = (source.value.clone(), detail_type.clone());
        // An earlier route for the same source and detail type, or for every detail type.
        let same = seen.get(&key).map(|span| (span, false));
        let any = || {
            seen.get(&(source.value.clone(), None))
                .map(|span| (span, true))
        };
        if let Some((first, matches_any)) = same.or_else(any) {
            let help = if matches_any {
                "a route without `detail_type` matches every event of its source; put the more specific routes before it"
            } else {
                "routes are tried in order and the first match wins; remove one, or tell them apart by `detail_type`"
            };
            diags
                .error(
                    route.span,
                    "this route matches the same events as an earlier one",
                )
                .label("never reached")
                .related(*first, "this route is tried first")
                .help(help);
            continue;
        }
        seen.insert(key, route.span);
        let Some((interface, operation)) = resolve(target, interfaces, diags) else {
            continue;
        };
        let Some(params) = params(route, diags) else {
            continue;
        };
        valid.push(EventRoute {
            source: source.value.clone(),
            detail_type,
            interface,
            operation,
            params,
        });
    }
    valid
}

fn resolve(
    target: &crate::load::ast::Spanned<String>,
    interfaces: &[Interface],
    diags: &mut Diagnostics,
) -> Option<(String, String)> {
    let Some((interface_name, operation_name)) = target.value.split_once('.') else {
        diags
            .error(
                target.span,
                format!("`{}` is not an operation", target.value),
            )
            .label("expected INTERFACE.operation")
            .help("name the operation as on the dynamic path, e.g. `CACHE.clear`");
        return None;
    };
    let qualified: Vec<String> = interfaces
        .iter()
        .flat_map(|i| i.operations.iter().map(|o| o.qualified_name()))
        .collect();
    let op = interfaces
        .iter()
        .find(|i| i.name == interface_name)
        .and_then(|i| i.operations.iter().find(|o| o.name == operation_name));
    let Some(op) = op else {
        diags
            .error(
                target.span,
                format!("no operation `{}` to route events to", target.value),
            )
            .label("unknown operation")
            .help_opt(did_you_mean(
                &target.value,
                qualified.iter().map(String::as_str),
            ));
        return None;
    };
    if op.visibility == Visibility::Internal {
        diags
            .error(target.span, format!("`{}` is internal; events are an external entry point", target.value))
            .label("internal operation")
            .help("make the operation `visibility: public`, or route events to a public operation that calls it");
        return None;
    }
    Some((op.interface.clone(), op.name.clone()))
}

fn params(route: &EventAst, diags: &mut Diagnostics) -> Option<EventParams> {
    let Some(node) = &route.params else {
        return Some(EventParams::Detail);
    };
    match &node.value {
        NodeValue::Str(s) if s == "detail" => Some(EventParams::Detail),
        NodeValue::Str(s) if s == "none" => Some(EventParams::Empty),
        NodeValue::Map(_) => Some(EventParams::Fixed(node.to_json())),
        _ => {
            let shown = node
                .as_str()
                .map_or_else(|| node.describe(), |s| format!("`{s}`"));
            diags
                .error(node.span, format!("unknown params {shown}"))
                .label("not a params source")
                .note("expected one of: detail (the event's detail object), none, or a mapping of fixed parameters");
            None
        }
    }
}
