//! A YAML document as a tree in which every node knows where it was written.

use crate::source::Span;

/// A YAML node and its place in the manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node was written.
    pub span: Span,
    /// What it holds.
    pub value: NodeValue,
}

/// The value of a [`Node`], with scalars resolved by the YAML 1.2 core schema.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    /// `null`, `~` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits in an `i64`.
    Int(i64),
    /// A floating point number.
    Float(f64),
    /// Any other scalar.
    Str(String),
    /// A sequence (`- a`).
    Seq(Vec<Node>),
    /// A mapping (`a: b`), in the order written; duplicate keys are kept for diagnostics.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// What kind of node this is, with an article, for "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match self.value {
            NodeValue::Null => "null",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Int(_) => "an integer",
            NodeValue::Float(_) => "a number",
            NodeValue::Str(_) => "a string",
            NodeValue::Seq(_) => "a list",
            NodeValue::Map(_) => "a mapping",
        }
    }

    /// The kind and, for scalars, the value: `an integer (5)`.
    pub fn describe(&self) -> String {
        match &self.value {
            NodeValue::Bool(b) => format!("a boolean ({b})"),
            NodeValue::Int(i) => format!("an integer ({i})"),
            NodeValue::Float(f) => format!("a number ({f})"),
            NodeValue::Str(s) => format!("a string ({s:?})"),
            _ => self.kind().to_owned(),
        }
    }

    /// The string value, if this is a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The node as JSON (used for parameter defaults). Non-finite floats become `null`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Int(i) => Value::from(*i),
            NodeValue::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            NodeValue::Str(s) => Value::String(s.clone()),
            NodeValue::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.scalar_text(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// The text of a scalar as a mapping key would use it.
    pub fn scalar_text(&self) -> String {
        match &self.value {
            NodeValue::Null => "null".to_owned(),
            NodeValue::Bool(b) => b.to_string(),
            NodeValue::Int(i) => i.to_string(),
            NodeValue::Float(f) => f.to_string(),
            NodeValue::Str(s) => s.clone(),
            NodeValue::Seq(_) | NodeValue::Map(_) => String::new(),
        }
    }

    /// How many nodes this tree holds (itself included).
    pub fn count(&self) -> usize {
        1 + match &self.value {
            NodeValue::Seq(items) => items.iter().map(Node::count).sum(),
            NodeValue::Map(entries) => entries.iter().map(|(k, v)| k.count() + v.count()).sum(),
            _ => 0,
        }
    }
}

/// Resolves a plain (unquoted) scalar by the YAML 1.2 core schema.
pub fn resolve_plain(text: &str) -> NodeValue {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return NodeValue::Null,
        "true" | "True" | "TRUE" => return NodeValue::Bool(true),
        "false" | "False" | "FALSE" => return NodeValue::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return NodeValue::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return NodeValue::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return NodeValue::Float(f64::NAN),
        _ => {}
    }
    if let Some(int) = parse_int(text) {
        return NodeValue::Int(int);
    }
    if is_float(text)
        && let Ok(float) = text.parse::<f64>()
    {
        return NodeValue::Float(float);
    }
    NodeValue::Str(text.to_owned())
}

fn parse_int(text: &str) -> Option<i64> {
    if let Some(hex) = text.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok();
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok();
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Integers too large for i64 are read as floats rather than as strings.
    text.parse().ok()
}

fn is_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mantissa_ok = {
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        (!int.is_empty() || !frac.is_empty()) && digits(int) && digits(frac)
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_schema_resolution() {
        assert_eq!(resolve_plain("~"), NodeValue::Null);
        assert_eq!(resolve_plain("True"), NodeValue::Bool(true));
        assert_eq!(resolve_plain("-12"), NodeValue::Int(-12));
        assert_eq!(resolve_plain("0x1f"), NodeValue::Int(31));
        assert_eq!(resolve_plain("1.5e3"), NodeValue::Float(1500.0));
        assert_eq!(resolve_plain(".5"), NodeValue::Float(0.5));
        assert_eq!(
            resolve_plain("99999999999999999999"),
            NodeValue::Float(1e20)
        );
        // YAML 1.1 spellings are plain strings in 1.2.
        assert_eq!(resolve_plain("yes"), NodeValue::Str("yes".into()));
        assert_eq!(resolve_plain("1.2.3"), NodeValue::Str("1.2.3".into()));
        assert_eq!(resolve_plain("e5"), NodeValue::Str("e5".into()));
    }
}
