//! How the calls of one operation fuse into calls of its batch partner: what each call
//! contributes to the partner's list, and how the partner's result is split back.

use crate::descriptor::{OperationDescriptor, ParamDescriptor, TypeDesc};
use crate::error::GatewayError;
use crate::error::ParamProblem;
use crate::params::{MAX_PARAMS_DEPTH, check_params, describe, drop_omitted, fits, too_deep};
use crate::service::Service;
use serde_json::{Map, Value};

/// An operation with a batch partner, and how its calls fuse.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fusion {
    /// The operation called (`CACHE.get`).
    pub single: &'static OperationDescriptor,
    /// Its batch partner (`CACHE.get_batch`).
    pub partner: &'static OperationDescriptor,
    /// The most items one partner call takes.
    pub max_size: usize,
    form: Form,
}

/// What a call becomes in a batch.
#[derive(Debug)]
pub(crate) enum Item {
    /// The item it adds to the partner's list.
    Fused(Value),
    /// A call of its own, with these parameters.
    Single(Value),
    /// Nothing: its parameters are invalid.
    Invalid(Vec<ParamProblem>),
}

/// What one call contributes to the partner's list.
#[derive(Debug, Clone, Copy)]
enum Form {
    /// The value of the single operation's only required parameter (`list<string>` of keys);
    /// calls that set any other parameter to something but its default cannot be fused.
    Key(&'static ParamDescriptor),
    /// The whole parameters object (`list<dict>`, a list of a Rust type).
    Object,
}

impl Fusion {
    /// How `single` fuses, when it has a batch partner in the same registry.
    pub fn of<S: Service + ?Sized>(
        service: &S,
        single: &'static OperationDescriptor,
    ) -> Option<Self> {
        let (wrapper, max_size) = single.batch?;
        let partner = service.registry().by_wrapper(wrapper)?;
        let list = partner.params.first()?;
        let mut required = single.params.iter().filter(|p| p.required);
        let form = match (required.next(), required.next(), list.ty) {
            (Some(only), None, TypeDesc::ListOf(item)) if *item == only.ty => Form::Key(only),
            _ => Form::Object,
        };
        Some(Self {
            single,
            partner,
            max_size: max_size.map_or(usize::MAX, |n| (n as usize).max(1)),
            form,
        })
    }

    /// What a call with `params` becomes: an item of a batch, a call of its own (valid, but
    /// an optional parameter is set), or its parameter problems.
    ///
    /// The common case, a key-form call with only its key, is checked without
    /// [`check_params`]; anything else goes through it, so problems are reported exactly as a
    /// single call reports them.
    ///
    /// A call whose parameters are within two levels of [`MAX_PARAMS_DEPTH`] runs alone: in
    /// the partner's list they would be nested two levels deeper, and the partner would refuse
    /// the whole chunk for what only this call sent.
    pub fn item(&self, mut params: Value) -> Item {
        // As `decode_params` does for a single call: a `null` parameter is an omitted one.
        if let Value::Object(object) = &mut params {
            drop_omitted(self.single, object);
        }
        if too_deep(&params, MAX_PARAMS_DEPTH - 2).is_some() {
            return self.checked(params, false);
        }
        if let Form::Key(key) = self.form {
            if let Value::Object(mut object) = params {
                let declared = object.keys().all(|name| self.single.param(name).is_some());
                let key_fits = object.get(key.name).is_some_and(|v| fits(&key.ty, v));
                if declared && key_fits {
                    let others_at_default = self
                        .single
                        .params
                        .iter()
                        .filter(|p| p.name != key.name)
                        .all(|p| object.get(p.name).is_none_or(|v| is_default(p, v)));
                    if let (true, Some(item)) = (others_at_default, object.get_mut(key.name)) {
                        return Item::Fused(item.take());
                    }
                }
                return self.checked(Value::Object(object), false);
            }
            return self.checked(params, false);
        }
        self.checked(params, true)
    }

    /// `params` after the full parameter check: fused as a whole object (`fuse`) or alone.
    fn checked(&self, params: Value, fuse: bool) -> Item {
        let problems = check_params(self.single, &params);
        match (problems.is_empty(), fuse) {
            (false, _) => Item::Invalid(problems),
            (true, false) => Item::Single(params),
            (true, true) => Item::Fused(match params {
                Value::Null => Value::Object(Map::new()),
                other => other,
            }),
        }
    }

    /// The parameters of a single call contributing `item`: for a call left alone, which runs
    /// as the single operation rather than as a batch of one.
    pub fn single_params(&self, item: Value) -> Value {
        match self.form {
            Form::Object => item,
            Form::Key(key) => {
                let mut params = Map::new();
                params.insert(key.name.to_owned(), item);
                Value::Object(params)
            }
        }
    }

    /// The key a keyed (map) result holds an item's result under.
    fn key_of(&self, item: &Value) -> Option<String> {
        let key = match self.form {
            Form::Key(_) => item,
            Form::Object => {
                let first = self.single.params.iter().find(|p| p.required)?;
                item.get(first.name)?
            }
        };
        Some(match key {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    /// Runs one chunk through the partner and returns one result per item, in order. A chunk
    /// of one item runs as a call of the single operation instead.
    pub async fn run<S: Service + ?Sized>(
        &self,
        service: &S,
        mut items: Vec<Value>,
    ) -> Vec<Result<Value, GatewayError>> {
        let count = items.len();
        if let [_] = items.as_slice() {
            let params = self.single_params(items.remove(0));
            return vec![service.call(self.single, params).await];
        }
        let keyed = matches!(
            self.partner.returns,
            TypeDesc::Dict | TypeDesc::MapOf(_) | TypeDesc::Any | TypeDesc::Rust(_)
        );
        let keys: Vec<Option<String>> = match keyed {
            true => items.iter().map(|item| self.key_of(item)).collect(),
            false => Vec::new(),
        };
        let list = self.partner.params.first().map_or("items", |p| p.name);
        let mut params = Map::new();
        params.insert(list.to_owned(), Value::Array(items));
        match service.call(self.partner, Value::Object(params)).await {
            Err(error) => self.fail_all(count, &error.to_string()),
            Ok(Value::Array(results)) if results.len() == count => {
                results.into_iter().map(Ok).collect()
            }
            Ok(Value::Array(results)) => self.fail_all(
                count,
                &format!("it returned {} results for {count} calls", results.len()),
            ),
            // Cloned, not taken: duplicate keys each get the result.
            Ok(Value::Object(results)) if keyed => keys
                .iter()
                .map(|key| match key {
                    Some(key) => Ok(results.get(key.as_str()).cloned().unwrap_or(Value::Null)),
                    None => Err(self.failed("a call has no key to find its result under")),
                })
                .collect(),
            Ok(Value::Null) => (0..count).map(|_| Ok(Value::Null)).collect(),
            Ok(other) => self.fail_all(
                count,
                &format!(
                    "it returned {} where one result per call was expected",
                    describe(&other)
                ),
            ),
        }
    }

    fn fail_all(&self, count: usize, reason: &str) -> Vec<Result<Value, GatewayError>> {
        (0..count).map(|_| Err(self.failed(reason))).collect()
    }

    /// The error of a call whose chunk failed for `reason`.
    pub fn failed(&self, reason: impl Into<String>) -> GatewayError {
        GatewayError::BatchFailed {
            operation: self.single.name,
            batch: self.partner.name,
            reason: reason.into(),
        }
    }
}

/// Whether `value` is what the parameter takes when omitted.
fn is_default(param: &ParamDescriptor, value: &Value) -> bool {
    match param.default {
        Some(json) => serde_json::from_str::<Value>(json).is_ok_and(|d| d == *value),
        None => value.is_null(),
    }
}
