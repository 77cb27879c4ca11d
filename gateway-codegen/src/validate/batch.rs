//! Batch partners: `batch: cache_get_batch` must name an operation that takes a list of this
//! operation's inputs and returns one result per input, in order (a list) or keyed (a map).

use crate::diagnostic::Diagnostics;
use crate::load::ast::OperationAst;
use crate::model::{BatchLink, Operation, Param, Type};
use crate::suggest::did_you_mean;
use std::collections::HashMap;

/// Checks every `batch` link of the manifest and records the valid ones in `operations`.
///
/// A link to a wrapper that does not exist is reported even when the entry holding it is
/// broken otherwise; the shapes are only compared when both entries are valid.
pub fn check(
    operations: &mut [(Operation, &OperationAst)],
    entries: &[OperationAst],
    diags: &mut Diagnostics,
) {
    // Looked up by name, not searched: a manifest may hold tens of thousands of entries.
    let declared: std::collections::HashSet<&str> =
        entries.iter().map(|e| e.wrapper.value.as_str()).collect();
    let mut valid: HashMap<String, usize> = HashMap::new();
    for (index, (op, _)) in operations.iter().enumerate() {
        valid.entry(op.wrapper.clone()).or_insert(index);
    }
    for entry in entries {
        let Some(partner_name) = entry.batch.as_ref().and_then(|b| b.operation.as_ref()) else {
            continue;
        };
        if !declared.contains(partner_name.value.as_str()) {
            let known = entries.iter().map(|e| e.wrapper.value.as_str());
            diags
                .error(
                    partner_name.span,
                    format!(
                        "no operation `{}` to batch `{}`",
                        partner_name.value, entry.wrapper.value
                    ),
                )
                .label("unknown wrapper name")
                .help_opt(did_you_mean(&partner_name.value, known))
                .note("`batch` names the wrapper (manifest key) of the batch operation");
            continue;
        }
        let single = valid.get(entry.wrapper.value.as_str()).copied();
        let partner = valid
            .get(partner_name.value.as_str())
            .map(|&index| &operations[index]);
        let (Some(single), Some((partner, partner_entry))) = (single, partner) else {
            continue;
        };
        let problem = shape_problem(
            &operations[single].0,
            partner,
            partner_entry.batch.is_some(),
        );
        match problem {
            Some(problem) => {
                diags
                    .error(partner_name.span, format!("`{}` cannot batch `{}`: {problem}", partner.wrapper, entry.wrapper.value))
                    .label("ill-shaped batch partner")
                    .related(partner_entry.wrapper.span, "batch operation declared here")
                    .note("a batch operation takes a list of the single operation's inputs and returns one result per input, as a list (in order) or a map (keyed)");
            }
            None => {
                let link = BatchLink {
                    operation: partner.wrapper.clone(),
                    max_size: entry
                        .batch
                        .as_ref()
                        .and_then(|b| b.max_size.as_ref())
                        .map(|m| m.value),
                };
                operations[single].0.batch = Some(link);
            }
        }
    }
}

fn shape_problem(single: &Operation, partner: &Operation, partner_batches: bool) -> Option<String> {
    if partner.wrapper == single.wrapper {
        return Some("an operation cannot be its own batch".into());
    }
    if partner.interface != single.interface {
        return Some(format!(
            "it belongs to `{}`, not `{}`; batches run inside one interface",
            partner.interface, single.interface
        ));
    }
    if partner_batches {
        return Some("it has a `batch` partner itself".into());
    }
    let Some((list, rest)) = partner.params.split_first() else {
        return Some("it takes no parameters; it needs a list of inputs".into());
    };
    if let Some(extra) = rest.iter().find(|p| p.required) {
        return Some(format!(
            "its parameter `{}` is required; only the first may be",
            extra.name
        ));
    }
    let item = match &list.ty {
        Type::ListOf(item) => item.as_ref(),
        Type::List => &Type::Any,
        other => {
            return Some(format!(
                "its first parameter `{}` is `{}`, not a list",
                list.name,
                other.manifest_name()
            ));
        }
    };
    // One input per call: the only required parameter (the others take their defaults), or
    // an object of parameters.
    let required: Vec<&Param> = single.params.iter().filter(|p| p.required).collect();
    if single.params.is_empty() {
        return Some(format!(
            "`{}` takes no parameters; there is nothing to batch",
            single.wrapper
        ));
    }
    let objects = matches!(
        item,
        Type::Any | Type::Dict | Type::MapOf(_) | Type::Rust(_)
    );
    let item_fits = match required.as_slice() {
        [only] => objects || *item == only.ty,
        _ => objects,
    };
    if !item_fits {
        let expected = match required.as_slice() {
            [only] => format!("list<{}>", only.ty.manifest_name()),
            _ => "list<dict> (one object of parameters per call)".into(),
        };
        return Some(format!(
            "its first parameter `{}` is `{}`, expected `{expected}`",
            list.name,
            list.ty.manifest_name()
        ));
    }
    let result = &single.returns;
    let returns_fit = match &partner.returns {
        Type::List | Type::Dict => true,
        Type::ListOf(r) | Type::MapOf(r) => **r == Type::Any || r.as_ref() == result,
        Type::None => *result == Type::None,
        _ => false,
    };
    if !returns_fit {
        return Some(format!(
            "it returns `{}`, expected `list<{r}>` (in order) or `map<{r}>` (keyed)",
            partner.returns.manifest_name(),
            r = result.manifest_name()
        ));
    }
    None
}
