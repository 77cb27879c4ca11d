//! Rules for the names that become Rust identifiers or route keys.

use crate::diagnostic::Diagnostics;
use crate::load::ast::Spanned;

/// Every Rust keyword, strict or reserved, in any edition.
pub const RUST_KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Names the generated gateway uses itself, which wrappers therefore cannot take: the
/// inherent methods of `Gateway` (`tests/generated_names.rs` checks the list against the
/// generated code).
pub const RESERVED_WRAPPERS: &[&str] = &[
    "execute_operation",
    "execute_batch",
    "new",
    "global",
    "with_config",
    "runtime",
    "default",
    "start",
    "start_async",
    "preload",
    "preload_async",
    "maintain",
    "maintain_if_due",
    "stats",
    "coalescer",
    "dispatch",
];

/// Type names the generated `ops` module uses, which a wrapper's type name (`cache_get` ->
/// `CacheGet`, the name of its trait there) would hide (`tests/generated_names.rs` checks the list).
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Self", "String", "Vec", "Option", "Value", "Dict", "BTreeMap", "OpResult", "Text",
];

/// What kind of name is checked, which decides its rule.
#[derive(Debug, Clone, Copy)]
pub enum NameKind {
    /// A wrapper (manifest key): becomes a Rust function.
    Wrapper,
    /// A parameter: becomes a Rust argument.
    Param,
    /// An operation name: a route key and part of generated type names.
    Operation,
    /// An interface name: a route key, written in SCREAMING_SNAKE_CASE.
    Interface,
}

impl NameKind {
    fn article(self) -> &'static str {
        match self {
            NameKind::Interface | NameKind::Operation => "an",
            NameKind::Wrapper | NameKind::Param => "a",
        }
    }

    fn what(self) -> &'static str {
        match self {
            NameKind::Wrapper => "wrapper name",
            NameKind::Param => "parameter name",
            NameKind::Operation => "operation name",
            NameKind::Interface => "interface name",
        }
    }
}

/// Checks `name` against the rule of its kind; reports and returns `false` if it breaks it.
pub fn check(name: &Spanned<String>, kind: NameKind, diags: &mut Diagnostics) -> bool {
    let text = name.value.as_str();
    let upper = matches!(kind, NameKind::Interface);
    let shape_ok = is_case_identifier(text, upper);
    if !shape_ok {
        let (case, fixed) = if upper {
            ("SCREAMING_SNAKE_CASE", to_case(text, true))
        } else {
            ("snake_case", to_case(text, false))
        };
        let diagnostic = diags
            .error(
                name.span,
                format!("`{text}` is not a valid {}", kind.what()),
            )
            .label(format!("expected a {case} identifier"))
            .note(format!(
                "{}s are {case}: a letter or `_`, then letters, digits and `_`",
                kind.what()
            ));
        if !fixed.is_empty() && fixed != text {
            diagnostic.help(format!("did you mean `{fixed}`?"));
        }
        return false;
    }
    let lower = text.to_lowercase();
    if RUST_KEYWORDS.contains(&text) || (upper && RUST_KEYWORDS.contains(&lower.as_str())) {
        diags
            .error(
                name.span,
                format!(
                    "`{text}` cannot be {} {}: `{lower}` is a Rust keyword",
                    kind.article(),
                    kind.what()
                ),
            )
            .label("Rust keyword")
            .help(format!(
                "rename it, e.g. `{text}{}` or a more specific word",
                if upper { "_VALUE" } else { "_value" }
            ));
        return false;
    }
    if matches!(kind, NameKind::Wrapper) && !type_name_ok(name, diags) {
        return false;
    }
    if matches!(kind, NameKind::Wrapper) && RESERVED_WRAPPERS.contains(&text) {
        diags
            .error(
                name.span,
                format!("`{text}` is reserved by the generated gateway"),
            )
            .label("reserved name")
            .note(format!("reserved names: {}", RESERVED_WRAPPERS.join(", ")))
            .help("choose another wrapper name, e.g. prefix it with the interface");
        return false;
    }
    true
}

/// A wrapper also names generated types (`cache_get` -> `CacheGet`): that name must be an
/// identifier (`_1` and `__` leave none), and must not hide a type the generated code uses.
fn type_name_ok(name: &Spanned<String>, diags: &mut Diagnostics) -> bool {
    let text = name.value.as_str();
    let camel = camel_case(text);
    if !camel.starts_with(|c: char| c.is_ascii_alphabetic()) {
        let shown = if camel.is_empty() {
            "no type name".to_owned()
        } else {
            format!("the type name `{camel}`, which is not a Rust identifier")
        };
        diags
            .error(
                name.span,
                format!("`{text}` cannot be a wrapper name: it gives {shown}"),
            )
            .label("no letter after the underscores")
            .note("wrapper names also name generated types: `cache_get` becomes `CacheGet`")
            .help(format!("start the name with a letter, e.g. `op{text}`"));
        return false;
    }
    if RESERVED_TYPE_NAMES.contains(&camel.as_str()) {
        diags
            .error(
                name.span,
                format!(
                    "`{text}` cannot be a wrapper name: its type name `{camel}` would hide the `{camel}` the generated code uses"
                ),
            )
            .label("reserved type name")
            .note(format!(
                "wrapper names also name generated types (`cache_get` becomes `CacheGet`); reserved type names: {}",
                RESERVED_TYPE_NAMES.join(", ")
            ))
            .help("choose another wrapper name, e.g. prefix it with the interface");
        return false;
    }
    true
}

fn is_case_identifier(text: &str, upper: bool) -> bool {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let letter_ok = |c: char| {
        if upper {
            c.is_ascii_uppercase()
        } else {
            c.is_ascii_lowercase()
        }
    };
    (letter_ok(first) || first == '_')
        && text != "_"
        && chars.all(|c| letter_ok(c) || c.is_ascii_digit() || c == '_')
}

/// A best-effort fix of `text` into snake_case or SCREAMING_SNAKE_CASE.
fn to_case(text: &str, upper: bool) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(if upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            });
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
            prev_lower = false;
        }
    }
    let trimmed = out.trim_end_matches('_').to_owned();
    if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{trimmed}")
    } else {
        trimmed
    }
}

/// `cache_get` -> `CacheGet`, the name of generated types for a wrapper.
pub fn camel_case(snake: &str) -> String {
    snake
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_fixes() {
        assert_eq!(to_case("cacheGet", false), "cache_get");
        assert_eq!(to_case("cache-get", false), "cache_get");
        assert_eq!(to_case("Cache", true), "CACHE");
        assert_eq!(to_case("http-client", true), "HTTP_CLIENT");
        assert_eq!(to_case("2fa", false), "_2fa");
        assert_eq!(camel_case("cache_get_batch"), "CacheGetBatch");
        assert!(is_case_identifier("_private", false));
        assert!(!is_case_identifier("_", false));
        assert!(!is_case_identifier("Cache", true));
    }
}
