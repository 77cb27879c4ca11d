//! How an operation's parameters are read from and written to JSON: the [`Params`] and
//! [`ParamsKey`] traits.
//!
//! The generated code passes parameters as a tuple in declaration order (`CACHE.set` takes
//! `(Text<'_>, Value, Option<i64>)`), and this module implements both traits once for
//! tuples of up to [`MAX_PARAMS`] elements. Each element is read as its [`ParamDescriptor`]
//! in [`OperationDescriptor::params`] says: required, defaulted or optional. A large
//! manifest therefore adds no decoding code at all: generating a struct and its `decode`
//! per operation made checking a crate of a thousand operations a quarter slower.

use crate::descriptor::{OperationDescriptor, ParamDescriptor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The most parameters an operation may declare: the longest tuple [`Params`] and
/// [`ParamsKey`] are implemented for.
pub const MAX_PARAMS: usize = 16;

/// The parameters of one operation.
///
/// The gateway's operations use the implementation for tuples, whose elements are the
/// parameters in declaration order, each read by [`Fields::declared`]:
///
/// ```
/// use gateway_runtime::{OperationDescriptor, ParamDescriptor, Text, TypeDesc, decode_params};
///
/// static PARAMS: [ParamDescriptor; 2] = [
///     ParamDescriptor::new("key", TypeDesc::String).required(),
///     ParamDescriptor::new("ttl", TypeDesc::Int).default_json("60"),
/// ];
/// static PUT: OperationDescriptor = OperationDescriptor::new(0, "CACHE.put", "cache_put", 0)
///     .params(&PARAMS);
///
/// let mut json = serde_json::json!({"key": "k"});
/// let (key, ttl): (Text<'_>, i64) = decode_params(&PUT, &mut json).unwrap();
/// assert_eq!((&*key, ttl), ("k", 60));
/// ```
///
/// [`crate::decode_params`] calls `decode` after checking the parameters' shape. A
/// hand-written implementation reads each declared parameter exactly once, in declaration
/// order, with [`Fields::declared`], and writes each with [`Encoder::param`]:
///
/// ```
/// use gateway_runtime::{Encoder, FieldError, Fields, Params, ParamsKey};
///
/// struct Put {
///     key: String,
///     ttl: Option<i64>,
/// }
///
/// impl<'v> Params<'v> for Put {
///     fn decode(fields: &mut Fields<'v>) -> Result<Self, FieldError> {
///         Ok(Put { key: fields.declared(0)?, ttl: fields.declared(1)? })
///     }
/// }
///
/// // Only for the parameters of a `cacheable` operation.
/// impl ParamsKey for Put {
///     fn encode(&self, out: &mut Encoder) {
///         out.param(0, &self.key);
///         out.param(1, &self.ttl);
///     }
/// }
/// ```
pub trait Params<'v>: Sized {
    /// Reads the struct from the call's parameters; strings may borrow from them.
    fn decode(fields: &mut Fields<'v>) -> Result<Self, FieldError>;
}

/// Parameters that key the result cache: those of `cacheable` operations.
pub trait ParamsKey {
    /// Writes the parameters as a JSON object: the same parameters always give the same text.
    fn encode(&self, out: &mut Encoder);
}

/// Why a parameter could not be read: its path and serde's message. Reported only when the
/// declaration-based check finds nothing more precise (see [`crate::check_params`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// `tags[2]`: the parameter, then the place inside it.
    pub path: String,
    /// What was wrong there.
    pub message: String,
}

/// The parameters object of one call, read field by field in declaration order.
#[derive(Debug)]
pub struct Fields<'v> {
    op: &'static OperationDescriptor,
    object: &'v Map<String, Value>,
    /// How many of the object's entries were read: fewer than its length means an entry the
    /// declaration does not have.
    read: usize,
}

impl<'v> Fields<'v> {
    /// The fields of `object`, declared by `op`.
    pub(crate) fn new(op: &'static OperationDescriptor, object: &'v Map<String, Value>) -> Self {
        Self {
            op,
            object,
            read: 0,
        }
    }

    /// Whether every entry of the object was read, so none is undeclared.
    pub(crate) fn all_read(&self) -> bool {
        self.read == self.object.len()
    }

    /// Reads the parameter declared at `index`: as the declaration says, decoded when
    /// present; when absent, the declared default if there is one, an error if it is
    /// required, and otherwise what `null` decodes to (`None`, since such a parameter is an
    /// `Option`). Strings decoded as [`crate::Text`] borrow from the call's parameters.
    ///
    /// An index past the declaration (a hand-written impl's mistake) reads nothing and is an
    /// error.
    pub fn declared<T: Deserialize<'v>>(&mut self, index: usize) -> Result<T, FieldError> {
        let Some(param) = self.op.params.get(index) else {
            return Err(missing(""));
        };
        let value = self.object.get(param.name);
        self.read += usize::from(value.is_some());
        match (value, param) {
            (Some(value), _) => decode(param.name, value),
            (None, ParamDescriptor { required: true, .. }) => Err(missing(param.name)),
            (
                None,
                ParamDescriptor {
                    default: Some(json),
                    ..
                },
            ) => default(param.name, json),
            (None, _) => decode(param.name, &NULL),
        }
    }
}

/// What an absent optional parameter decodes from.
static NULL: Value = Value::Null;

/// The manifest's default of parameter `name`, decoded; strings borrow from the text.
fn default<'v, T: Deserialize<'v>>(name: &str, json: &'v str) -> Result<T, FieldError> {
    serde_json::from_str(json).map_err(|error| FieldError {
        path: name.to_owned(),
        message: format!("the declared default `{json}` does not decode: {error}"),
    })
}

fn missing(name: &str) -> FieldError {
    FieldError {
        path: name.to_owned(),
        message: "missing".into(),
    }
}

fn decode<'v, T: Deserialize<'v>>(name: &str, value: &'v Value) -> Result<T, FieldError> {
    T::deserialize(value).map_err(|_| {
        // Decoding failed: decode again, tracking the path, to say where.
        let error = serde_path_to_error::deserialize::<_, T>(value).err();
        let (inner, message) = error.map_or_else(
            || (String::new(), "invalid value".to_owned()),
            |e| (e.path().to_string(), e.into_inner().to_string()),
        );
        let path = match inner.as_str() {
            "" | "." => name.to_owned(),
            inner if inner.starts_with('[') => format!("{name}{inner}"),
            inner => format!("{name}.{inner}"),
        };
        FieldError { path, message }
    })
}

/// Writes parameters as JSON text, field by field, into one buffer.
#[derive(Debug, Default)]
pub struct Encoder {
    text: Vec<u8>,
    /// Whether a value's own `Serialize` failed: then there is no text to key a cache with.
    failed: bool,
    /// The operation whose parameters are written, which names them for [`Encoder::param`].
    op: Option<&'static OperationDescriptor>,
}

impl Encoder {
    /// An encoder of the parameters of `op`.
    pub fn for_operation(op: &'static OperationDescriptor) -> Self {
        Encoder {
            op: Some(op),
            ..Encoder::default()
        }
    }

    /// Writes the parameter declared at `index` as `"name": value`; an optional parameter
    /// that is `null` (absent) is left out. Without an operation, or past its declaration,
    /// nothing can be named: the encoding fails, and the call is not cached.
    pub fn param<T: Serialize + ?Sized>(&mut self, index: usize, value: &T) {
        let Some(param) = self.op.and_then(|op| op.params.get(index)) else {
            self.failed = true;
            return;
        };
        let before = self.text.len();
        self.field(param.name, value);
        // Names are quoted, so the text ends in `:null` only when the value is null.
        if !param.required && self.text.ends_with(b":null") {
            self.text.truncate(before);
        }
    }

    /// Writes `"name": value`.
    fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        self.text
            .push(if self.text.is_empty() { b'{' } else { b',' });
        let written = serde_json::to_writer(&mut self.text, name).is_ok() && {
            self.text.push(b':');
            serde_json::to_writer(&mut self.text, value).is_ok()
        };
        self.failed |= !written;
    }

    /// The JSON object written, or `None` if a value could not be written.
    pub fn finish(mut self) -> Option<String> {
        if self.failed {
            return None;
        }
        if self.text.is_empty() {
            self.text.push(b'{');
        }
        self.text.push(b'}');
        // serde_json writes UTF-8 only.
        String::from_utf8(self.text).ok()
    }
}

/// `params` of `op` as a JSON object's text; `None` when one of them cannot be written as
/// JSON, so that such a call is not cached rather than cached under a key another call could
/// share.
pub fn encode_params<P: ParamsKey>(op: &'static OperationDescriptor, params: &P) -> Option<String> {
    let mut out = Encoder::for_operation(op);
    params.encode(&mut out);
    out.finish()
}

impl Params<'_> for () {
    fn decode(_fields: &mut Fields<'_>) -> Result<Self, FieldError> {
        Ok(())
    }
}

impl ParamsKey for () {
    fn encode(&self, _out: &mut Encoder) {}
}

/// [`Params`] and [`ParamsKey`] for the tuple of the given element types and indices.
macro_rules! tuple_params {
    ($($element:ident $index:tt),+) => {
        impl<'v, $($element: Deserialize<'v>),+> Params<'v> for ($($element,)+) {
            fn decode(fields: &mut Fields<'v>) -> Result<Self, FieldError> {
                Ok(($(fields.declared::<$element>($index)?,)+))
            }
        }

        impl<$($element: Serialize),+> ParamsKey for ($($element,)+) {
            fn encode(&self, out: &mut Encoder) {
                $(out.param($index, &self.$index);)+
            }
        }
    };
}

tuple_params!(A 0);
tuple_params!(A 0, B 1);
tuple_params!(A 0, B 1, C 2);
tuple_params!(A 0, B 1, C 2, D 3);
tuple_params!(A 0, B 1, C 2, D 3, E 4);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Text;
    use crate::descriptor::TypeDesc;
    use crate::error::{GatewayError, ParamProblem};
    use crate::params::decode_params;
    use serde_json::json;

    static PARAMS: [ParamDescriptor; 4] = [
        ParamDescriptor::new("key", TypeDesc::String).required(),
        ParamDescriptor::new("note", TypeDesc::Optional(&TypeDesc::String)).required(),
        ParamDescriptor::new("limit", TypeDesc::Int).default_json("10"),
        ParamDescriptor::new("point", TypeDesc::Rust("Point")),
    ];
    static OP: OperationDescriptor =
        OperationDescriptor::new(0, "T.get", "t_get", 0).params(&PARAMS);

    #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
    struct Point {
        x: i64,
        y: i64,
    }

    #[derive(Debug)]
    struct Get<'a> {
        key: Text<'a>,
        note: Option<String>,
        limit: i64,
        point: Option<Point>,
    }

    impl<'a> Params<'a> for Get<'a> {
        fn decode(fields: &mut Fields<'a>) -> Result<Self, FieldError> {
            Ok(Get {
                key: fields.declared(0)?,
                note: fields.declared(1)?,
                limit: fields.declared(2)?,
                point: fields.declared(3)?,
            })
        }
    }

    impl ParamsKey for Get<'_> {
        fn encode(&self, out: &mut Encoder) {
            out.param(0, &self.key);
            out.param(1, &self.note);
            out.param(2, &self.limit);
            out.param(3, &self.point);
        }
    }

    fn problems(mut params: Value) -> Vec<ParamProblem> {
        match decode_params::<Get<'_>>(&OP, &mut params) {
            Err(GatewayError::InvalidParams { problems, .. }) => problems,
            other => panic!("expected invalid parameters, got {other:?}"),
        }
    }

    #[test]
    fn strings_are_borrowed_and_defaults_applied() {
        let mut params = json!({"key": "k", "note": null});
        let get: Get<'_> = decode_params(&OP, &mut params).unwrap();
        assert!(get.key.is_borrowed(), "{:?}", get.key);
        assert_eq!(&*get.key, "k");
        assert_eq!((get.note, get.limit, get.point), (None, 10, None));
    }

    #[test]
    fn a_required_optional_must_be_present_though_it_may_be_null() {
        assert_eq!(
            problems(json!({"key": "k"})),
            [ParamProblem::Missing {
                name: "note",
                expected: "optional<string>".into()
            }]
        );
    }

    #[test]
    fn an_undeclared_parameter_fails_even_when_every_declared_one_decodes() {
        let found = problems(json!({"key": "k", "note": "n", "extra": 1}));
        assert!(
            matches!(&found[..], [ParamProblem::Unexpected { name, .. }] if name == "extra"),
            "{found:?}"
        );
    }

    #[test]
    fn a_rust_type_that_does_not_decode_is_reported_with_its_path() {
        let found = problems(json!({"key": "k", "note": null, "point": {"x": 1, "y": "2"}}));
        match &found[..] {
            [ParamProblem::Invalid { path, message }] => {
                assert_eq!(path, "point.y");
                assert!(message.contains("invalid type"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_index_past_the_declaration_is_an_error_not_a_panic() {
        // Not even an entry with an empty name is read for it.
        let object = serde_json::Map::from_iter([(String::new(), json!(1))]);
        let mut fields = Fields::new(&OP, &object);
        assert!(fields.declared::<i64>(9).is_err());
        assert!(fields.declared::<Option<i64>>(9).is_err());
        assert!(!fields.all_read());
    }

    #[test]
    fn encoding_is_stable_json_that_leaves_out_omitted_optionals() {
        let mut params = json!({"point": {"y": 2, "x": 1}, "note": "n", "key": "k\"q"});
        let get: Get<'_> = decode_params(&OP, &mut params).unwrap();
        let text = encode_params(&OP, &get);
        assert_eq!(
            text.as_deref().unwrap(),
            r#"{"key":"k\"q","note":"n","limit":10,"point":{"x":1,"y":2}}"#
        );
        let mut params = json!({"key": "k", "note": null});
        let without: Get<'_> = decode_params(&OP, &mut params).unwrap();
        assert_eq!(
            encode_params(&OP, &without).as_deref().unwrap(),
            r#"{"key":"k","note":null,"limit":10}"#
        );
        assert_eq!(Encoder::default().finish().as_deref(), Some("{}"));
    }

    /// The parameters of `OP` as the generated code passes them: a tuple.
    type GetTuple<'a> = (Text<'a>, Option<String>, i64, Option<Point>);

    #[test]
    fn tuples_are_read_as_declared_borrowing_strings_and_applying_defaults() {
        let mut params = json!({"key": "k", "note": null});
        let (key, note, limit, point): GetTuple<'_> = decode_params(&OP, &mut params).unwrap();
        assert!(key.is_borrowed());
        assert_eq!((&*key, note, limit, point), ("k", None, 10, None));
        let mut params = json!({"key": "k", "note": "n", "limit": 3, "point": {"x": 1, "y": 2}});
        let (_, note, limit, point): GetTuple<'_> = decode_params(&OP, &mut params).unwrap();
        assert_eq!(
            (note.as_deref(), limit, point),
            (Some("n"), 3, Some(Point { x: 1, y: 2 }))
        );
    }

    #[test]
    fn tuples_report_problems_like_structs() {
        for params in [
            json!({"key": "k"}),
            json!({"note": null}),
            json!({"key": 1, "note": null}),
        ] {
            let mut tuple_params = params.clone();
            let tuple = decode_params::<GetTuple<'_>>(&OP, &mut tuple_params).unwrap_err();
            assert_eq!(
                GatewayError::InvalidParams {
                    operation: "T.get",
                    problems: problems(params)
                }
                .to_string(),
                tuple.to_string()
            );
        }
    }

    #[test]
    fn a_default_that_does_not_decode_is_an_error_naming_the_parameter() {
        static BAD: [ParamDescriptor; 1] =
            [ParamDescriptor::new("n", TypeDesc::Int).default_json("\"x\"")];
        static OP_BAD: OperationDescriptor =
            OperationDescriptor::new(1, "T.bad", "t_bad", 0).params(&BAD);
        let object = serde_json::Map::new();
        let error = Fields::new(&OP_BAD, &object)
            .declared::<i64>(0)
            .unwrap_err();
        assert_eq!(error.path, "n");
        assert!(
            error.message.contains("declared default"),
            "{}",
            error.message
        );
    }

    #[test]
    fn tuples_key_the_cache_by_name_leaving_out_absent_optionals() {
        let key: GetTuple<'_> = (
            Text::from("k\"q"),
            Some("n".into()),
            10,
            Some(Point { x: 1, y: 2 }),
        );
        assert_eq!(
            encode_params(&OP, &key).as_deref(),
            Some(r#"{"key":"k\"q","note":"n","limit":10,"point":{"x":1,"y":2}}"#)
        );
        let key: GetTuple<'_> = (Text::from("k"), None, 10, None);
        assert_eq!(
            encode_params(&OP, &key).as_deref(),
            Some(r#"{"key":"k","note":null,"limit":10}"#)
        );
        // A required parameter is written even when null.
        assert_eq!(
            encode_params(&OP, &(1, (), 3, None::<i64>)).as_deref(),
            Some(r#"{"key":1,"note":null,"limit":3}"#)
        );
        assert_eq!(encode_params(&OP, &()).as_deref(), Some("{}"));
    }

    /// The manifest validator refuses more than 16 parameters
    /// (`gateway_codegen::validate::MAX_PARAMS`), so the longest tuple must read and write.
    #[test]
    fn a_tuple_of_max_params_elements_is_read_and_keyed() {
        static NAMES: [&str; MAX_PARAMS] = [
            "p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11", "p12", "p13",
            "p14", "p15",
        ];
        static PARAMS: [ParamDescriptor; MAX_PARAMS] = {
            let mut params = [const { ParamDescriptor::new("", TypeDesc::Int) }; MAX_PARAMS];
            let mut index = 0;
            while index < MAX_PARAMS {
                params[index] = ParamDescriptor::new(NAMES[index], TypeDesc::Int).required();
                index += 1;
            }
            params
        };
        static WIDE: OperationDescriptor =
            OperationDescriptor::new(2, "T.wide", "t_wide", 0).params(&PARAMS);
        type Sixteen = (
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
        );
        let mut params = Value::Object(
            NAMES
                .iter()
                .zip(0_i64..)
                .map(|(name, n)| ((*name).to_owned(), json!(n)))
                .collect(),
        );
        let decoded: Sixteen = decode_params(&WIDE, &mut params).unwrap();
        assert_eq!(decoded.0, 0);
        assert_eq!(decoded.15, 15);
        let key = encode_params(&WIDE, &decoded).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&key).unwrap(), params);
    }

    #[test]
    fn a_parameter_past_the_declaration_gives_no_key() {
        let mut out = Encoder::for_operation(&OP);
        out.param(9, &1);
        assert_eq!(out.finish(), None);
        let mut out = Encoder::default();
        out.param(0, &1);
        assert_eq!(out.finish(), None);
    }

    #[test]
    fn a_value_that_cannot_be_written_gives_no_key() {
        struct Unwritable;
        impl Serialize for Unwritable {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no JSON form"))
            }
        }
        let mut out = Encoder::default();
        out.field("a", &1);
        out.field("b", &Unwritable);
        assert_eq!(out.finish(), None);
    }
}
