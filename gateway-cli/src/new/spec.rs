//! What `gateway new` is asked to add, parsed from its arguments.
//!
//! Only the shape of each argument is checked here (`INTERFACE.operation`, `name:type`); names
//! and types are checked by the manifest loader itself, on the manifest with the new entry, so
//! that `gateway new` gives exactly the diagnostics a build would.

use crate::output::Message;

/// One parameter: `name:type`, `name?:type` (optional) or `name:type=default`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSpec {
    /// The parameter name.
    pub name: String,
    /// The manifest type, as written.
    pub ty: String,
    /// How callers may omit it.
    pub presence: Presence,
}

/// Whether a parameter must be passed.
#[derive(Debug, Clone, PartialEq)]
pub enum Presence {
    /// `name:type`: `required: true`.
    Required,
    /// `name?:type`: `default: null`; the core function gets an `Option`.
    Optional,
    /// `name:type=value`: `default: value` (JSON, or else a string).
    Default(serde_json::Value),
}

/// `INTERFACE.operation`, split.
pub fn qualified(text: &str) -> Result<(String, String), Message> {
    match text.split_once('.') {
        Some((interface, operation)) if !interface.is_empty() && !operation.is_empty() => {
            Ok((interface.to_owned(), operation.to_owned()))
        }
        _ => Err(
            Message::new(format!("`{text}` is not `INTERFACE.operation`"))
                .help("name the interface and the operation, e.g. `gateway new CACHE.touch`"),
        ),
    }
}

/// Parses one `--param`.
pub fn param(text: &str) -> Result<ParamSpec, Message> {
    let usage = "write `name:type` (required), `name?:type` (optional) or `name:type=default`, \
                 e.g. `--param key:string --param ttl:int=300`";
    let Some((name, rest)) = text.split_once(':') else {
        return Err(Message::new(format!("`--param {text}` has no type")).help(usage));
    };
    let (name, optional) = match name.strip_suffix('?') {
        Some(name) => (name.trim(), true),
        None => (name.trim(), false),
    };
    let (ty, default) = match rest.split_once('=') {
        Some((ty, default)) => (ty.trim(), Some(default.trim())),
        None => (rest.trim(), None),
    };
    if name.is_empty() || ty.is_empty() {
        return Err(Message::new(format!("`--param {text}` needs a name and a type")).help(usage));
    }
    let presence = match (optional, default) {
        (false, None) => Presence::Required,
        (true, None) => Presence::Optional,
        (false, Some(default)) => Presence::Default(
            serde_json::from_str(default)
                .unwrap_or_else(|_| serde_json::Value::String(default.to_owned())),
        ),
        (true, Some(_)) => {
            return Err(Message::new(format!(
                "`--param {text}` is both optional (`?`) and has a default"
            ))
            .note("`name?:type` means `default: null`")
            .help(usage));
        }
    };
    Ok(ParamSpec {
        name: name.to_owned(),
        ty: ty.to_owned(),
        presence,
    })
}

/// The wrapper name `gateway new` gives `INTERFACE.operation` unless `--wrapper` names one:
/// both in lower case, joined by `_` (`CACHE.touch` -> `cache_touch`, `HTTP_CLIENT.head` ->
/// `http_client_head`), as the reference manifest names its wrappers.
pub fn default_wrapper(interface: &str, operation: &str) -> String {
    format!("{}_{}", interface.to_lowercase(), operation.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn params() {
        assert_eq!(
            param("key:string").unwrap(),
            ParamSpec {
                name: "key".into(),
                ty: "string".into(),
                presence: Presence::Required
            }
        );
        assert_eq!(param("tag?:string").unwrap().presence, Presence::Optional);
        assert_eq!(
            param("ttl:int=300").unwrap().presence,
            Presence::Default(json!(300))
        );
        assert_eq!(
            param("who:string=anonymous").unwrap().presence,
            Presence::Default(json!("anonymous"))
        );
        let rust = param("entry:crate::model::Entry").unwrap();
        assert_eq!(rust.ty, "crate::model::Entry");
        assert_eq!(
            param("headers:map<string, string>={}").unwrap().ty,
            "map<string, string>"
        );
        assert!(param("key").is_err());
        assert!(param(":string").is_err());
        assert!(param("a?:int=1").is_err());
    }

    #[test]
    fn names() {
        assert_eq!(
            qualified("CACHE.touch").unwrap(),
            ("CACHE".into(), "touch".into())
        );
        assert!(qualified("CACHE").is_err());
        assert!(qualified(".touch").is_err());
        assert_eq!(default_wrapper("HTTP_CLIENT", "head"), "http_client_head");
    }
}
