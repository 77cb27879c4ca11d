//! Arbitrary JSON: from bytes that are JSON text, and built structurally from fuzzer input.

use arbitrary::{Result, Unstructured};
use serde_json::{Map, Number, Value};

/// Names the gateway declares, so structured objects often hit real parameters.
pub const NAMES: &[&str] = &[
    "key",
    "default",
    "keys",
    "value",
    "ttl",
    "entries",
    "s",
    "i",
    "f",
    "b",
    "a",
    "d",
    "l",
    "li",
    "ms",
    "nested",
    "present",
    "absent",
    "with_default",
    "maybe",
    "point",
    "tree",
    "points",
    "x",
    "y",
    "label",
    "children",
    "interface",
    "operation",
    "params",
    "calls",
];

/// The deepest value [`value`] builds, as a chain of one-element lists or objects: far past
/// the gateway's `MAX_PARAMS_DEPTH` (128), which JSON text cannot exceed anyway (serde_json
/// stops parsing there). Not deeper: serde_json drops and clones values recursively, so a
/// chain of about 8,000 levels overflows the stack wherever it is dropped (this harness
/// included) under the sanitizer; no entry point can receive one.
pub const MAX_DEEP: usize = 1_000;

/// Bytes that are JSON text, as a value (serde_json's parser stops at 128 levels).
pub fn from_text(data: &[u8]) -> Option<Value> {
    serde_json::from_slice(data).ok()
}

/// A value of any shape; `depth` bounds ordinary nesting, while one choice builds a chain up to
/// [`MAX_DEEP`] levels without recursing.
pub fn value(u: &mut Unstructured<'_>, depth: usize) -> Result<Value> {
    let choice = if depth == 0 {
        u.int_in_range(0..=6)?
    } else {
        u.int_in_range(0..=9)?
    };
    Ok(match choice {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(u.arbitrary::<i64>()?),
        3 => Value::from(u.arbitrary::<u64>()?),
        4 => Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
        5 => Value::String(string(u)?),
        6 => Value::String(interesting_string(u)?),
        7 => {
            let len = u.int_in_range(0..=6)?;
            let mut items = Vec::with_capacity(len);
            for _ in 0..len {
                items.push(value(u, depth - 1)?);
            }
            Value::Array(items)
        }
        8 => {
            let len = u.int_in_range(0..=6)?;
            let mut map = Map::new();
            for _ in 0..len {
                let key = key(u)?;
                map.insert(key, value(u, depth - 1)?);
            }
            Value::Object(map)
        }
        _ => {
            let levels = u.int_in_range(1..=MAX_DEEP)?;
            let in_objects: bool = u.arbitrary()?;
            let leaf = value(u, 0)?;
            deep(levels, in_objects, leaf)
        }
    })
}

/// An object whose keys are mostly declared names.
pub fn object(u: &mut Unstructured<'_>, depth: usize) -> Result<Value> {
    let len = u.int_in_range(0..=8)?;
    let mut map = Map::new();
    for _ in 0..len {
        let key = key(u)?;
        map.insert(key, value(u, depth)?);
    }
    Ok(Value::Object(map))
}

/// `leaf` inside `levels` one-element lists (or `{"children": ...}` objects), built from the
/// inside out so that building it does not recurse.
pub fn deep(levels: usize, in_objects: bool, leaf: Value) -> Value {
    let mut value = leaf;
    for _ in 0..levels {
        value = if in_objects {
            let mut map = Map::new();
            map.insert("children".to_owned(), Value::Array(vec![value]));
            Value::Object(map)
        } else {
            Value::Array(vec![value])
        };
    }
    value
}

/// Drops `value` without recursing: dropping a value built by [`deep`] the ordinary way takes
/// one stack frame per level.
pub fn dismantle(value: Value) {
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Array(items) => pending.extend(items),
            Value::Object(entries) => pending.extend(entries.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// A key: usually a declared name, sometimes anything.
pub fn key(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(3, 4)? {
        Ok((*u.choose(NAMES)?).to_owned())
    } else {
        string(u)
    }
}

/// A string of at most 64 characters.
pub fn string(u: &mut Unstructured<'_>) -> Result<String> {
    let s: String = u.arbitrary()?;
    Ok(s.chars().take(64).collect())
}

/// Strings that have broken parsers before: empty, long, control characters, lone surrogate
/// escapes' replacement, numbers as text.
pub fn interesting_string(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=9)? {
        0 => String::new(),
        1 => "x".repeat(u.int_in_range(1..=100_000)?),
        2 => "\u{0}\r\n\t\u{7f}".to_owned(),
        3 => "\u{fffd}\u{10ffff}é日本".to_owned(),
        4 => "9223372036854775808".to_owned(),
        5 => "null".to_owned(),
        6 => "KV".to_owned(),
        7 => "get".to_owned(),
        8 => "../../etc/passwd".to_owned(),
        _ => "%00%2F%ff".to_owned(),
    })
}
