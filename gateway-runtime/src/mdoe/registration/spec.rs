//! What a registered operation declares: the keys of a manifest entry, as a builder or as data.

use super::error::{Problem, RegistrationError};
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;

/// An operation to register at runtime: the same metadata as a manifest entry.
///
/// Build it in code, or read it from JSON with the manifest's keys
/// ([`OperationSpec::from_json`]):
///
/// ```
/// use gateway_runtime::mdoe::{OperationSpec, ParamSpec};
/// use serde_json::json;
/// use std::time::Duration;
///
/// let built = OperationSpec::new("cache_get_or_compute", "CACHE", "get_or_compute")
///     .describe("Returns the cached value, computing and storing it on a miss.")
///     .param(ParamSpec::new("key", "string").required())
///     .param(ParamSpec::new("ttl", "int").default_value(json!(60)))
///     .returns("any")
///     .timeout(Duration::from_secs(2));
///
/// let read = OperationSpec::from_json("cache_get_or_compute", json!({
///     "interface": "CACHE",
///     "operation": "get_or_compute",
///     "description": "Returns the cached value, computing and storing it on a miss.",
///     "parameters": [
///         {"name": "key", "type": "string", "required": true},
///         {"name": "ttl", "type": "int", "default": 60}
///     ],
///     "returns": "any",
///     "timeout": "2s"
/// }))
/// .unwrap();
/// assert_eq!(built, read);
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OperationSpec {
    /// The wrapper name, the manifest entry's key: `cache_get_or_compute`.
    #[serde(skip)]
    pub wrapper: String,
    /// `CACHE`: an interface of the manifest or a new one.
    pub interface: String,
    /// `get_or_compute`.
    pub operation: String,
    /// What it does.
    #[serde(default)]
    pub description: String,
    /// Its parameters, in order.
    #[serde(default)]
    pub parameters: Vec<ParamSpec>,
    /// The result type (`none` when omitted).
    #[serde(default = "none")]
    pub returns: String,
    /// `true`, or `{ttl: 30s}`.
    #[serde(default)]
    pub cacheable: Cacheable,
    /// How long a call may run (`"10s"`, or a number of seconds).
    #[serde(default, deserialize_with = "duration")]
    pub timeout: Option<Duration>,
    /// `public` (the default) or `internal`.
    #[serde(default = "public")]
    pub visibility: String,
    /// `normal` (the default) or `critical`.
    #[serde(default = "normal")]
    pub priority: String,
    /// `async`: must match how the handler is registered when given.
    #[serde(default, rename = "async")]
    pub is_async: Option<bool>,
}

fn none() -> String {
    "none".into()
}

fn public() -> String {
    "public".into()
}

fn normal() -> String {
    "normal".into()
}

/// `cacheable`: a flag, or a TTL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(untagged)]
pub enum Cacheable {
    /// `cacheable: true` or `false`.
    Flag(bool),
    /// `cacheable: {ttl: 30s}`.
    Ttl {
        /// How long results stay valid.
        #[serde(deserialize_with = "duration")]
        ttl: Option<Duration>,
    },
    /// Not given.
    #[default]
    #[serde(skip)]
    Unset,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ParamSpec {
    /// Its name.
    pub name: String,
    /// Its type: `string`, `list<int>`, `optional<float>`...
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether callers must pass it.
    #[serde(default)]
    pub required: bool,
    /// Its value when omitted (`null`, or no default, when absent).
    #[serde(default, deserialize_with = "present")]
    pub default: Option<Value>,
    /// What it means.
    #[serde(default)]
    pub description: String,
}

/// `Some(null)` for an explicit `default: null`, `None` when the key is absent.
fn present<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(de).map(Some)
}

/// `"10s"` (humantime) or a number of seconds.
fn duration<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Option<Duration>, D::Error> {
    use serde::de::Error;
    match Value::deserialize(de)? {
        Value::Null => Ok(None),
        Value::String(text) => humantime::parse_duration(&text).map(Some).map_err(|e| {
            D::Error::custom(format!(
                "`{text}` is not a duration ({e}); write it like 500ms, 10s or 2m"
            ))
        }),
        Value::Number(n) => n
            .as_f64()
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("{n} is not a number of seconds"))),
        other => Err(D::Error::custom(format!(
            "expected a duration such as \"10s\", found {}",
            crate::params::describe(&other)
        ))),
    }
}

impl OperationSpec {
    /// An operation `interface.operation` with the wrapper name `wrapper`, no parameters,
    /// returning `none`.
    pub fn new(
        wrapper: impl Into<String>,
        interface: impl Into<String>,
        operation: impl Into<String>,
    ) -> Self {
        Self {
            wrapper: wrapper.into(),
            interface: interface.into(),
            operation: operation.into(),
            description: String::new(),
            parameters: Vec::new(),
            returns: none(),
            cacheable: Cacheable::Unset,
            timeout: None,
            visibility: public(),
            priority: normal(),
            is_async: None,
        }
    }

    /// Reads a manifest entry's keys from JSON (or anything serde_json can hold, such as a
    /// parsed YAML document); `wrapper` is the entry's key. Unknown keys and ill-typed values
    /// are errors naming the key.
    pub fn from_json(wrapper: impl Into<String>, entry: Value) -> Result<Self, RegistrationError> {
        let wrapper = wrapper.into();
        match serde_path_to_error::deserialize::<_, OperationSpec>(entry) {
            Ok(mut spec) => {
                spec.wrapper = wrapper;
                Ok(spec)
            }
            Err(error) => {
                let path = error.path().to_string();
                let field = if path == "." { String::new() } else { path };
                Err(RegistrationError::new(
                    wrapper,
                    vec![Problem::new(field, error.into_inner().to_string())],
                ))
            }
        }
    }

    /// Sets the description.
    pub fn describe(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Adds a parameter.
    pub fn param(mut self, param: ParamSpec) -> Self {
        self.parameters.push(param);
        self
    }

    /// Sets the result type.
    pub fn returns(mut self, ty: impl Into<String>) -> Self {
        self.returns = ty.into();
        self
    }

    /// Makes results cacheable, for `ttl` or the configured default TTL.
    pub fn cacheable(mut self, ttl: Option<Duration>) -> Self {
        self.cacheable = match ttl {
            Some(ttl) => Cacheable::Ttl { ttl: Some(ttl) },
            None => Cacheable::Flag(true),
        };
        self
    }

    /// Sets the timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Hides the operation from external entry points.
    pub fn internal(mut self) -> Self {
        self.visibility = "internal".into();
        self
    }

    /// Keeps it available under free-tier throttling and blocking.
    pub fn critical(mut self) -> Self {
        self.priority = "critical".into();
        self
    }
}

impl ParamSpec {
    /// An optional parameter `name` of type `ty`, without default.
    pub fn new(name: impl Into<String>, ty: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ty: ty.into(),
            required: false,
            default: None,
            description: String::new(),
        }
    }

    /// Marks it required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Sets its default.
    pub fn default_value(mut self, value: Value) -> Self {
        self.default = Some(value);
        self
    }

    /// Sets its description.
    pub fn describe(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }
}
