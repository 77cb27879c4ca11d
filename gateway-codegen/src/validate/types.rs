//! Type expressions: `string`, `list<int>`, `map<crate::model::User>`, `optional<float>`.

use crate::model::Type;
use crate::suggest::did_you_mean;

/// Scalar type names and their aliases.
pub const TYPE_NAMES: &[(&str, Type)] = &[
    ("string", Type::String),
    ("str", Type::String),
    ("int", Type::Int),
    ("integer", Type::Int),
    ("float", Type::Float),
    ("number", Type::Float),
    ("bool", Type::Bool),
    ("boolean", Type::Bool),
    ("any", Type::Any),
    ("dict", Type::Dict),
    ("map", Type::Dict),
    ("object", Type::Dict),
    ("list", Type::List),
    ("array", Type::List),
    ("none", Type::None),
    ("null", Type::None),
];

/// What an unknown type name is compared against in "expected one of".
pub const EXPECTED_TYPES: &str = "expected one of: string, int, float, bool, any, dict, list, none, \
    list<T>, map<T>, optional<T>, or a Rust type path such as crate::model::User";

const MAX_TYPE_DEPTH: usize = 8;

/// A problem in a type expression, at a byte offset inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeError {
    /// Byte offset of the problem in the expression.
    pub offset: usize,
    /// Byte length of the offending part.
    pub len: usize,
    /// What is wrong.
    pub message: String,
    /// Facts that help.
    pub note: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
}

/// Where a type is used, which decides whether `none` is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypePosition {
    /// A parameter type.
    Param,
    /// A result type.
    Returns,
}

/// Parses a type expression.
pub fn parse_type(text: &str, position: TypePosition) -> Result<Type, TypeError> {
    let mut parser = TypeParser { text, pos: 0 };
    parser.skip_spaces();
    let ty = parser.ty(0)?;
    parser.skip_spaces();
    if parser.pos < text.len() {
        return Err(parser.error(
            text.len() - parser.pos,
            format!("unexpected `{}` after the type", &text[parser.pos..]),
        ));
    }
    if position == TypePosition::Param && ty == Type::None {
        return Err(TypeError {
            offset: 0,
            len: text.len(),
            message: "a parameter cannot have type `none`".into(),
            note: None,
            help: Some("remove the parameter, or give it a type such as `any`".into()),
        });
    }
    Ok(ty)
}

struct TypeParser<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> TypeParser<'t> {
    fn ty(&mut self, depth: usize) -> Result<Type, TypeError> {
        if depth > MAX_TYPE_DEPTH {
            return Err(self.error(
                1,
                format!("types nest at most {MAX_TYPE_DEPTH} levels deep"),
            ));
        }
        let start = self.pos;
        let name = self.word();
        if name.is_empty() {
            let found = self.text[self.pos..]
                .chars()
                .next()
                .map_or("the end".to_owned(), |c| format!("`{c}`"));
            return Err(self
                .error(1, format!("expected a type name, found {found}"))
                .with_note(EXPECTED_TYPES));
        }
        self.skip_spaces();
        if name.contains("::") {
            return self.rust_path(name, start);
        }
        if self.eat('<') {
            return self.generic(name, start, depth);
        }
        if self.text[self.pos..].starts_with('[') {
            return Err(self
                .error(1, "use angle brackets for type arguments")
                .with_help(format!("write `{name}<...>`")));
        }
        match TYPE_NAMES.iter().find(|(n, _)| *n == name) {
            Some((_, ty)) => Ok(ty.clone()),
            None => Err(self.unknown(name, start)),
        }
    }

    fn generic(&mut self, name: &str, start: usize, depth: usize) -> Result<Type, TypeError> {
        #[derive(PartialEq)]
        enum Generic {
            List,
            Map,
            Optional,
        }
        let kind = match name {
            "list" | "array" => Generic::List,
            "map" | "dict" | "object" => Generic::Map,
            "optional" => Generic::Optional,
            _ => {
                return Err(TypeError {
                    offset: start,
                    len: name.len(),
                    message: format!("`{name}` takes no type arguments"),
                    note: Some("only list<T>, map<T> and optional<T> take a type argument".into()),
                    help: None,
                });
            }
        };
        self.skip_spaces();
        let mut inner = self.ty(depth + 1)?;
        self.skip_spaces();
        if kind == Generic::Map && self.eat(',') {
            // `map<string, T>`: keys are always strings, as in JSON.
            if inner != Type::String {
                return Err(TypeError {
                    offset: start,
                    len: self.pos - start,
                    message: "map keys must be strings".into(),
                    note: Some("JSON object keys are strings".into()),
                    help: Some("write `map<T>` or `map<string, T>`".into()),
                });
            }
            self.skip_spaces();
            inner = self.ty(depth + 1)?;
            self.skip_spaces();
        }
        if !self.eat('>') {
            return Err(self.error(1, format!("expected `>` to close `{name}<`")));
        }
        if inner == Type::None {
            return Err(TypeError {
                offset: start,
                len: self.pos - start,
                message: "`none` cannot be a type argument".into(),
                note: None,
                help: Some("use `optional<T>` for values that may be null".into()),
            });
        }
        if matches!(inner, Type::Optional(_)) && kind == Generic::Optional {
            return Err(TypeError {
                offset: start,
                len: self.pos - start,
                message: "`optional<optional<T>>` says no more than `optional<T>`".into(),
                note: None,
                help: Some("remove one `optional<...>`".into()),
            });
        }
        let inner = Box::new(inner);
        Ok(match kind {
            Generic::List => Type::ListOf(inner),
            Generic::Map => Type::MapOf(inner),
            Generic::Optional => Type::Optional(inner),
        })
    }

    fn rust_path(&mut self, path: &str, start: usize) -> Result<Type, TypeError> {
        if self.text[self.pos..].starts_with('<') {
            return Err(TypeError {
                offset: start,
                len: path.len(),
                message: "Rust types with type arguments cannot be named in the manifest".into(),
                note: None,
                help: Some(format!(
                    "define an alias, e.g. `pub type Items = {path}<...>;`, and name the alias"
                )),
            });
        }
        check_rust_path(path).map_err(|message| TypeError {
            offset: start,
            len: path.len(),
            message,
            note: None,
            help: Some("write the path as from the crate root, e.g. `crate::model::User`".into()),
        })?;
        Ok(Type::Rust(path.to_owned()))
    }

    fn unknown(&self, name: &str, start: usize) -> TypeError {
        let names = TYPE_NAMES.iter().map(|(n, _)| *n);
        let help = did_you_mean(name, names).or_else(|| {
            name.starts_with(|c: char| c.is_ascii_uppercase())
                .then(|| format!("to name a Rust type, write its path: `crate::{name}`"))
        });
        TypeError {
            offset: start,
            len: name.len(),
            message: format!("unknown type `{name}`"),
            note: Some(EXPECTED_TYPES.into()),
            help,
        }
    }

    /// An identifier, possibly a `::` path.
    fn word(&mut self) -> &'t str {
        let text = self.text;
        let start = self.pos;
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() {
            let b = bytes[self.pos];
            if b.is_ascii_alphanumeric() || b == b'_' {
                self.pos += 1;
            } else if self.text[self.pos..].starts_with("::") {
                self.pos += 2;
            } else {
                break;
            }
        }
        &text[start..self.pos]
    }

    fn eat(&mut self, c: char) -> bool {
        if self.text[self.pos..].starts_with(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) {
        while self.text[self.pos..].starts_with(' ') {
            self.pos += 1;
        }
    }

    fn error(&self, len: usize, message: impl Into<String>) -> TypeError {
        TypeError {
            offset: self.pos,
            len,
            message: message.into(),
            note: None,
            help: None,
        }
    }
}

impl TypeError {
    fn with_note(mut self, note: &str) -> Self {
        self.note = Some(note.into());
        self
    }

    fn with_help(mut self, help: String) -> Self {
        self.help = Some(help);
        self
    }
}

/// Checks that `path` is a Rust type path usable from anywhere in the crate.
pub fn check_rust_path(path: &str) -> Result<(), String> {
    let parsed: syn::Path =
        syn::parse_str(path).map_err(|_| format!("`{path}` is not a Rust type path"))?;
    let first = parsed
        .segments
        .first()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    if first == "self" || first == "super" {
        return Err(format!(
            "`{path}` is relative (`{first}::`); generated code cannot resolve it"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Type, String> {
        parse_type(text, TypePosition::Param).map_err(|e| format!("{}@{}", e.message, e.offset))
    }

    #[test]
    fn names_aliases_and_generics() {
        assert_eq!(parse("str"), Ok(Type::String));
        assert_eq!(
            parse("array<integer>"),
            Ok(Type::ListOf(Box::new(Type::Int)))
        );
        assert_eq!(
            parse("map<string, list<bool>>"),
            Ok(Type::MapOf(Box::new(Type::ListOf(Box::new(Type::Bool)))))
        );
        assert_eq!(
            parse("optional< number >"),
            Ok(Type::Optional(Box::new(Type::Float)))
        );
        assert_eq!(
            parse("crate::model::User"),
            Ok(Type::Rust("crate::model::User".into()))
        );
        assert_eq!(
            parse("list<::chrono::NaiveDate>"),
            Ok(Type::ListOf(Box::new(Type::Rust(
                "::chrono::NaiveDate".into()
            ))))
        );
    }

    #[test]
    fn errors_say_where() {
        assert_eq!(parse("strng"), Err("unknown type `strng`@0".into()));
        assert_eq!(parse("list<flot>"), Err("unknown type `flot`@5".into()));
        assert_eq!(
            parse("list<int"),
            Err("expected `>` to close `list<`@8".into())
        );
        assert!(
            parse("list[int]")
                .unwrap_err()
                .starts_with("use angle brackets")
        );
        assert!(
            parse("int<str>")
                .unwrap_err()
                .contains("takes no type arguments")
        );
        assert!(
            parse("map<int, str>")
                .unwrap_err()
                .contains("map keys must be strings")
        );
        assert!(parse("self::User").unwrap_err().contains("relative"));
        assert!(
            parse("none")
                .unwrap_err()
                .contains("cannot have type `none`")
        );
        assert!(
            parse("crate::Page<int>")
                .unwrap_err()
                .contains("type arguments")
        );
        assert!(
            parse(&"list<".repeat(20))
                .unwrap_err()
                .contains("nest at most")
        );
        assert_eq!(parse_type("none", TypePosition::Returns), Ok(Type::None));
    }

    #[test]
    fn unknown_capitalised_names_suggest_a_path() {
        let error = parse_type("User", TypePosition::Param).unwrap_err();
        assert_eq!(
            error.help.as_deref(),
            Some("to name a Rust type, write its path: `crate::User`")
        );
    }
}
