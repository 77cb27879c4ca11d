//! JSON parameters in, JSON results out: the dynamic path's checks.
//!
//! Parameters are checked against the operation's declaration before serde sees them, so a
//! caller learns about every missing, unexpected or ill-typed parameter at once, each by name.

use crate::Dict;
use crate::descriptor::{OperationDescriptor, TypeDesc};
use crate::error::{GatewayError, ParamProblem};
use crate::param_codec::{FieldError, Fields, Params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::any::Any;
use std::collections::BTreeMap;

/// The deepest nesting of lists and objects accepted in parameters, the parameters object
/// being the first level: what a request body can carry anyway (serde_json parses text at
/// most 128 levels deep), so that values built in code, which have no such bound, cannot
/// overflow the stack of the decoding that follows.
pub const MAX_PARAMS_DEPTH: usize = 128;

/// Decodes `params` into the operation's parameters (a tuple, for generated operations),
/// borrowing strings from them.
///
/// `null` stands for "no parameters", and a `null` parameter that is not required for
/// "omitted". Decoding is as strict as the declaration (unknown, missing and
/// ill-typed parameters all fail), so decoding is tried first; only when it fails is the
/// declaration walked, to report every problem by name rather than the first one.
/// Parameters nested deeper than [`MAX_PARAMS_DEPTH`] are refused before decoding.
pub fn decode_params<'v, P: Params<'v>>(
    op: &'static OperationDescriptor,
    params: &'v mut Value,
) -> Result<P, GatewayError> {
    match params {
        Value::Null => *params = Value::Object(Default::default()),
        Value::Object(object) => drop_omitted(op, object),
        // Parameters are named, always: a list is not read as the fields in order.
        other => {
            return Err(GatewayError::InvalidParams {
                operation: op.name,
                problems: vec![ParamProblem::NotAnObject {
                    found: describe(other),
                }],
            });
        }
    }
    if let Some(path) = too_deep(params, MAX_PARAMS_DEPTH) {
        // Taken apart here without recursion: dropping it as it is would recurse as deep.
        dismantle(std::mem::take(params));
        return Err(GatewayError::InvalidParams {
            operation: op.name,
            problems: vec![ParamProblem::TooDeep {
                path,
                limit: MAX_PARAMS_DEPTH,
            }],
        });
    }
    let params: &'v Value = params;
    let failure = match params {
        Value::Object(object) => {
            let mut fields = Fields::new(op, object);
            match P::decode(&mut fields) {
                Ok(decoded) if fields.all_read() => return Ok(decoded),
                Ok(_) => None,
                Err(error) => Some(error),
            }
        }
        _ => None,
    };
    // Decoding failed: walk the declaration to name every problem.
    let mut problems = check_params(op, params);
    if problems.is_empty() {
        let FieldError { path, message } = failure.unwrap_or_else(|| FieldError {
            path: String::new(),
            message: "the parameters do not match the declaration".into(),
        });
        problems.push(ParamProblem::Invalid { path, message });
    }
    Err(GatewayError::InvalidParams {
        operation: op.name,
        problems,
    })
}

/// Whether `value` nests lists and objects more than `limit` levels deep (itself being the
/// first level); if so, the path to the first container one level too deep, such as
/// `tree.children[0]`. Walks with a stack of its own, never recursing.
pub(crate) fn too_deep(value: &Value, limit: usize) -> Option<String> {
    // The common case, an object of scalars, costs one pass over its values.
    if let Value::Object(entries) = value
        && limit >= 1
        && entries.values().all(|v| !is_container(v))
    {
        return None;
    }
    let mut stack: Vec<(Option<PathStep<'_>>, Children<'_>)> = Vec::new();
    stack.push((None, Children::of(value)?));
    if limit == 0 {
        return Some(String::new());
    }
    while let Some((_, children)) = stack.last_mut() {
        let Some((step, child)) = children.next() else {
            stack.pop();
            continue;
        };
        if let Some(grandchildren) = Children::of(child) {
            stack.push((Some(step), grandchildren));
            if stack.len() > limit {
                let steps: Vec<PathStep<'_>> = stack.iter().filter_map(|(step, _)| *step).collect();
                return Some(render_path(&steps));
            }
        }
    }
    None
}

fn is_container(value: &Value) -> bool {
    matches!(value, Value::Array(_) | Value::Object(_))
}

/// The children of a list or an object, with the step that leads to each.
enum Children<'v> {
    Items(std::iter::Enumerate<std::slice::Iter<'v, Value>>),
    Entries(serde_json::map::Iter<'v>),
}

impl<'v> Children<'v> {
    fn of(value: &'v Value) -> Option<Self> {
        match value {
            Value::Array(items) => Some(Children::Items(items.iter().enumerate())),
            Value::Object(entries) => Some(Children::Entries(entries.iter())),
            _ => None,
        }
    }

    fn next(&mut self) -> Option<(PathStep<'v>, &'v Value)> {
        match self {
            Children::Items(items) => items.next().map(|(i, v)| (PathStep::Index(i), v)),
            Children::Entries(entries) => entries.next().map(|(k, v)| (PathStep::Key(k), v)),
        }
    }
}

/// One step of a path into parameters.
#[derive(Clone, Copy)]
enum PathStep<'v> {
    Key(&'v str),
    Index(usize),
}

/// `tree.children[0]`; long paths keep their first and last steps around an ellipsis.
fn render_path(path: &[PathStep<'_>]) -> String {
    const SHOWN: usize = 4;
    let len = path.len();
    let mut out = String::new();
    for (index, step) in path.iter().enumerate() {
        if index >= SHOWN && index + SHOWN < len {
            if index == SHOWN {
                out.push('…');
            }
            continue;
        }
        match step {
            PathStep::Key(key) if out.is_empty() => out.push_str(key),
            PathStep::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            PathStep::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// Drops `value` without recursing, however deep it is.
fn dismantle(value: Value) {
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Array(items) => pending.extend(items),
            Value::Object(entries) => pending.extend(entries.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// Removes the `null` values that stand for an omitted parameter: every `null` but those of
/// required parameters (which `optional<T>` parameters may be). Both the single call and the
/// batch path start here, so a call is accepted or refused the same way on each.
pub(crate) fn drop_omitted(op: &OperationDescriptor, object: &mut serde_json::Map<String, Value>) {
    if object.values().any(Value::is_null) {
        object.retain(|name, value| !value.is_null() || op.param(name).is_some_and(|p| p.required));
    }
}

/// Encodes a typed result as JSON.
///
/// A result that already is made of JSON values (`any`, `dict`, `list`, `list<any>`,
/// `map<any>`, `optional<any>`) is moved into one [`Value`] rather than encoded again, which
/// saves a deep copy of, say, every value a batch operation returns.
pub fn encode_result<T: Serialize + 'static>(
    op: &'static OperationDescriptor,
    result: Result<T, GatewayError>,
) -> Result<Value, GatewayError> {
    into_value(result?).map_err(|error| GatewayError::ResultEncoding {
        operation: op.name,
        error,
    })
}

/// `value` as one JSON value: moved when its type is one of JSON values, encoded otherwise.
/// The type tests are on a type known at compile time, so each monomorphised copy keeps one
/// branch.
fn into_value<T: Serialize + 'static>(value: T) -> serde_json::Result<Value> {
    let mut slot = Some(value);
    let any: &mut dyn Any = &mut slot;
    let moved = if let Some(value) = take::<Value>(any) {
        value
    } else if let Some(items) = take::<Vec<Value>>(any) {
        Value::Array(items)
    } else if let Some(object) = take::<Dict>(any) {
        Value::Object(object)
    } else if let Some(map) = take::<BTreeMap<String, Value>>(any) {
        Value::Object(map.into_iter().collect())
    } else if let Some(value) = take::<Option<Value>>(any) {
        value.unwrap_or(Value::Null)
    } else {
        // Nothing was taken: `slot` is still `Some`, which serde encodes as its content.
        return serde_json::to_value(&slot);
    };
    Ok(moved)
}

/// The value in `slot` if it is an `Option<J>`, taken out of it.
fn take<J: 'static>(slot: &mut dyn Any) -> Option<J> {
    slot.downcast_mut::<Option<J>>().and_then(Option::take)
}

/// Every problem of `params` against the declaration of `op`.
pub fn check_params(op: &OperationDescriptor, params: &Value) -> Vec<ParamProblem> {
    let empty = serde_json::Map::new();
    let object = match params {
        Value::Object(object) => object,
        Value::Null => &empty,
        other => {
            return vec![ParamProblem::NotAnObject {
                found: describe(other),
            }];
        }
    };
    let mut problems = Vec::new();
    let declared = || op.params.iter().map(|p| p.name);
    for name in object.keys() {
        if op.param(name).is_none() {
            problems.push(ParamProblem::Unexpected {
                name: name.clone(),
                suggestion: crate::suggest::closest(name, declared()),
                expected: declared().collect(),
            });
        }
    }
    for param in op.params {
        match object.get(param.name) {
            None => {
                if param.required {
                    problems.push(ParamProblem::Missing {
                        name: param.name,
                        expected: param.ty.to_string(),
                    });
                }
            }
            // An omitted optional parameter may also be passed as null.
            Some(Value::Null) if !param.required => {}
            Some(value) if fits(&param.ty, value) => {}
            Some(value) => check_value(param.name.to_owned(), &param.ty, value, &mut problems),
        }
    }
    problems
}

/// Whether `value` is of type `ty`: [`check_value`] without building paths and problems, for
/// the common case where everything fits.
pub(crate) fn fits(ty: &TypeDesc, value: &Value) -> bool {
    match (ty, value) {
        (TypeDesc::Any | TypeDesc::Rust(_), _) => true,
        (TypeDesc::Optional(_), Value::Null) => true,
        (TypeDesc::Optional(inner), _) => fits(inner, value),
        (TypeDesc::String, Value::String(_))
        | (TypeDesc::Bool, Value::Bool(_))
        | (TypeDesc::Dict, Value::Object(_))
        | (TypeDesc::List, Value::Array(_))
        | (TypeDesc::None, Value::Null) => true,
        (TypeDesc::Int, Value::Number(n)) => n.is_i64(),
        (TypeDesc::Float, Value::Number(_)) => true,
        (TypeDesc::ListOf(inner), Value::Array(items)) => items.iter().all(|i| fits(inner, i)),
        (TypeDesc::MapOf(inner), Value::Object(entries)) => {
            entries.values().all(|i| fits(inner, i))
        }
        _ => false,
    }
}

fn check_value(path: String, ty: &TypeDesc, value: &Value, problems: &mut Vec<ParamProblem>) {
    let fits = match (ty, value) {
        (TypeDesc::Any | TypeDesc::Rust(_), _) => true,
        (TypeDesc::Optional(_), Value::Null) => true,
        (TypeDesc::Optional(inner), _) => return check_value(path, inner, value, problems),
        (TypeDesc::String, Value::String(_))
        | (TypeDesc::Bool, Value::Bool(_))
        | (TypeDesc::Dict, Value::Object(_))
        | (TypeDesc::List, Value::Array(_))
        | (TypeDesc::None, Value::Null) => true,
        (TypeDesc::Int, Value::Number(n)) => n.is_i64(),
        (TypeDesc::Float, Value::Number(_)) => true,
        (TypeDesc::ListOf(inner), Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                check_value(format!("{path}[{index}]"), inner, item, problems);
            }
            true
        }
        (TypeDesc::MapOf(inner), Value::Object(entries)) => {
            for (key, item) in entries {
                check_value(format!("{path}.{key}"), inner, item, problems);
            }
            true
        }
        _ => false,
    };
    if !fits {
        let found = match (ty, value) {
            (TypeDesc::Int, Value::Number(n)) if n.is_u64() => {
                format!("{n}, which is out of range for int (i64)")
            }
            _ => describe(value),
        };
        problems.push(ParamProblem::WrongType {
            path,
            expected: ty.to_string(),
            found,
        });
    }
}

/// `string "abc"`, `integer 5`, `list`...: a JSON value for error messages, kept short.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) if n.is_f64() => format!("number {n}"),
        Value::Number(n) => format!("integer {n}"),
        Value::String(s) => {
            let mut shown: String = s.chars().take(40).collect();
            if shown.len() < s.len() {
                shown.push('…');
            }
            format!("string {shown:?}")
        }
        Value::Array(items) => format!("a list of {} items", items.len()),
        Value::Object(_) => "an object".into(),
    }
}

/// A JSON default from the manifest, as generated code spells it (`any`, `dict`, `list`).
///
/// The text was produced by the code generator from a value it validated, so it always
/// parses; should it not, the type's default is returned rather than panicking.
pub fn json_literal<T: DeserializeOwned + Default>(json: &str) -> T {
    serde_json::from_str(json).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    /// `levels` one-element lists around `null`, built without recursing.
    fn nested(levels: usize) -> Value {
        (0..levels).fold(Value::Null, |inner, _| Value::Array(vec![inner]))
    }

    #[test]
    fn results_made_of_json_values_are_moved_into_one() {
        let object: Dict = [("a".to_owned(), json!(1))].into_iter().collect();
        let map: BTreeMap<String, Value> = [("b".to_owned(), json!([2]))].into();
        assert_eq!(into_value(json!({"x": [1]})).unwrap(), json!({"x": [1]}));
        assert_eq!(
            into_value(vec![json!(1), json!("s")]).unwrap(),
            json!([1, "s"])
        );
        assert_eq!(into_value(object).unwrap(), json!({"a": 1}));
        assert_eq!(into_value(map).unwrap(), json!({"b": [2]}));
        assert_eq!(into_value(Some(json!(true))).unwrap(), json!(true));
        assert_eq!(into_value(None::<Value>).unwrap(), Value::Null);
    }

    #[test]
    fn other_results_are_encoded() {
        #[derive(Serialize)]
        struct Point {
            x: i64,
        }
        assert_eq!(into_value(3_i64).unwrap(), json!(3));
        assert_eq!(into_value(()).unwrap(), Value::Null);
        assert_eq!(into_value(None::<i64>).unwrap(), Value::Null);
        assert_eq!(
            into_value(vec![Some(1.5), None]).unwrap(),
            json!([1.5, null])
        );
        assert_eq!(into_value(Point { x: 4 }).unwrap(), json!({"x": 4}));
        let map: BTreeMap<String, Vec<Value>> = [("k".to_owned(), vec![json!(1)])].into();
        assert_eq!(into_value(map).unwrap(), json!({"k": [1]}));
    }

    #[test]
    fn a_result_serde_cannot_encode_is_an_error_naming_the_operation() {
        static OP: OperationDescriptor = OperationDescriptor::new(0, "T.get", "t_get", 0);
        let unencodable: BTreeMap<Vec<u8>, i64> = [(vec![1], 1)].into();
        let error = encode_result(&OP, Ok(unencodable)).unwrap_err();
        assert_eq!(error.kind(), "result_encoding");
        assert!(error.to_string().contains("T.get"), "{error}");
    }

    #[test]
    fn depth_counts_containers_from_the_parameters_object() {
        assert_eq!(too_deep(&json!({"a": 1}), 1), None);
        assert_eq!(too_deep(&json!({"a": []}), 2), None);
        assert_eq!(too_deep(&json!({"a": []}), 1).as_deref(), Some("a"));
        assert_eq!(
            too_deep(&json!({"a": 1, "b": {"c": [{}]}}), 3).as_deref(),
            Some("b.c[0]")
        );
        assert_eq!(too_deep(&json!("scalar"), 0), None);
    }

    #[test]
    fn very_deep_values_are_measured_without_recursion() {
        // Not `json!`, which would copy the value by serializing it, recursively.
        let params = Value::Object(Map::from_iter([("value".to_owned(), nested(100_000))]));
        let path = too_deep(&params, MAX_PARAMS_DEPTH).expect("too deep");
        assert!(path.starts_with("value[0][0][0]…"), "{path}");
        assert!(path.ends_with("[0][0][0][0]"), "{path}");
        dismantle(params);
        assert_eq!(
            too_deep(
                &json!({"value": nested(MAX_PARAMS_DEPTH - 1)}),
                MAX_PARAMS_DEPTH
            ),
            None
        );
        assert!(
            too_deep(
                &json!({"value": nested(MAX_PARAMS_DEPTH)}),
                MAX_PARAMS_DEPTH
            )
            .is_some()
        );
    }
}
