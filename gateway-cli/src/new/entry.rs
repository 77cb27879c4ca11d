//! The manifest entry `gateway new` appends, as YAML text in the reference manifest's style.
//!
//! Values that YAML could read as something else (`null`, `true`, a number, text with `: ` or
//! `#`) are written as double-quoted strings, so the loader sees exactly what was given and
//! reports a bad name or type as it would in a hand-written entry.

use super::spec::{ParamSpec, Presence};
use std::fmt::Write;

/// Everything the entry says.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The manifest key.
    pub wrapper: &'a str,
    /// `CACHE`.
    pub interface: &'a str,
    /// `touch`.
    pub operation: &'a str,
    /// `description:`.
    pub description: Option<&'a str>,
    /// `parameters:`, in call order.
    pub params: &'a [ParamSpec],
    /// `returns:`.
    pub returns: &'a str,
    /// `async: true`.
    pub is_async: bool,
    /// `visibility: internal`.
    pub internal: bool,
    /// `priority: critical`.
    pub critical: bool,
    /// `cacheable: true`, or `cacheable: {ttl: ...}` with a TTL.
    pub cacheable: Option<Option<&'a str>>,
    /// `timeout:`.
    pub timeout: Option<&'a str>,
}

impl Entry<'_> {
    /// The entry as YAML lines, ending with a newline.
    pub fn yaml(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}:", scalar(self.wrapper));
        let _ = writeln!(out, "  interface: {}", scalar(self.interface));
        let _ = writeln!(out, "  operation: {}", scalar(self.operation));
        if let Some(description) = self.description {
            let _ = writeln!(out, "  description: {}", quoted(description));
        }
        if !self.params.is_empty() {
            let _ = writeln!(out, "  parameters:");
            for param in self.params {
                let _ = writeln!(out, "    - name: {}", scalar(&param.name));
                let _ = writeln!(out, "      type: {}", scalar(&param.ty));
                match &param.presence {
                    Presence::Required => {
                        let _ = writeln!(out, "      required: true");
                    }
                    Presence::Optional => {
                        let _ = writeln!(out, "      default: null");
                    }
                    Presence::Default(value) => {
                        // JSON is YAML's flow style: every value reads back as itself.
                        let _ = writeln!(out, "      default: {value}");
                    }
                }
            }
        }
        let _ = writeln!(out, "  returns: {}", scalar(self.returns));
        if self.is_async {
            let _ = writeln!(out, "  async: true");
        }
        match self.cacheable {
            Some(Some(ttl)) => {
                let _ = writeln!(out, "  cacheable:\n    ttl: {}", scalar(ttl));
            }
            Some(None) => {
                let _ = writeln!(out, "  cacheable: true");
            }
            None => {}
        }
        if let Some(timeout) = self.timeout {
            let _ = writeln!(out, "  timeout: {}", scalar(timeout));
        }
        if self.internal {
            let _ = writeln!(out, "  visibility: internal");
        }
        if self.critical {
            let _ = writeln!(out, "  priority: critical");
        }
        out
    }
}

/// `text` as a plain YAML scalar when it reads back as that string (or as a number, for
/// durations given in seconds), else double-quoted.
fn scalar(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_:<>, .".contains(c))
        && text.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && !text.ends_with([':', ' ', ','])
        && !text.contains(": ")
        && !["null", "true", "false", "yes", "no", "on", "off", "y", "n"]
            .contains(&text.to_ascii_lowercase().as_str());
    if plain { text.to_owned() } else { quoted(text) }
}

/// A double-quoted YAML string: JSON's escapes are a subset of YAML's.
fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// `manifest` with `entry` appended after a blank line, leaving every existing byte alone.
pub fn append(manifest: &str, entry: &str) -> String {
    let mut text = manifest.to_owned();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.is_empty() && !text.ends_with("\n\n") {
        text.push('\n');
    }
    text.push_str(entry);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars() {
        assert_eq!(scalar("list<string>"), "list<string>");
        assert_eq!(scalar("map<string, int>"), "map<string, int>");
        assert_eq!(scalar("crate::model::User"), "crate::model::User");
        assert_eq!(scalar("30s"), "30s");
        assert_eq!(scalar("null"), "\"null\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("#x"), "\"#x\"");
        assert_eq!(quoted("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
    }

    #[test]
    fn appending_keeps_the_text() {
        assert_eq!(append("a: 1", "b: 2\n"), "a: 1\n\nb: 2\n");
        assert_eq!(append("a: 1\n\n", "b: 2\n"), "a: 1\n\nb: 2\n");
        assert_eq!(append("", "b: 2\n"), "b: 2\n");
    }
}
