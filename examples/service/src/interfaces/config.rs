//! CONFIG: configuration values loaded from `SERVICE_*` environment variables.
//!
//! `SERVICE_DATABASE_URL=postgres://...` becomes the key `database_url`. Values that parse as
//! JSON (`42`, `true`, `{"a": 1}`) are kept as such; anything else is a string.

use gateway_runtime::{BoxError, InitContext, Interface, Value, operation};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{PoisonError, RwLock};

/// The prefix of the environment variables CONFIG reads.
pub const PREFIX: &str = "SERVICE_";

/// The state of the CONFIG interface. Values set by `CONFIG.set` would be lost by an
/// unload (a reload reads the environment again), so it holds data while it has any.
#[derive(Debug, Default, Interface)]
#[interface(init = ConfigStore::open, holds_data = ConfigStore::has_overrides)]
pub struct ConfigStore {
    values: RwLock<BTreeMap<String, Value>>,
    overridden: AtomicBool,
}

impl ConfigStore {
    fn open(_: &InitContext<'_>) -> Result<Self, BoxError> {
        Ok(Self::from_vars(std::env::vars()))
    }

    fn has_overrides(&self) -> bool {
        self.overridden.load(Ordering::Relaxed)
    }

    /// A store holding the `SERVICE_*` entries of `vars`.
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        let store = Self::default();
        store.load(vars);
        store
    }

    /// Replaces every value with the `SERVICE_*` entries of `vars`; returns how many there are.
    pub fn load(&self, vars: impl IntoIterator<Item = (String, String)>) -> usize {
        let values: BTreeMap<String, Value> = vars
            .into_iter()
            .filter_map(|(name, raw)| {
                let key = name.strip_prefix(PREFIX)?.to_lowercase();
                let value = serde_json::from_str(&raw).unwrap_or(Value::String(raw));
                (!key.is_empty()).then_some((key, value))
            })
            .collect();
        let count = values.len();
        *self.values.write().unwrap_or_else(PoisonError::into_inner) = values;
        self.overridden.store(false, Ordering::Relaxed);
        count
    }
}

#[operation(CONFIG.get)]
fn get(store: &ConfigStore, key: &str, default: Value) -> Value {
    let values = store.values.read().unwrap_or_else(PoisonError::into_inner);
    values.get(key).cloned().unwrap_or(default)
}

#[operation(CONFIG.set)]
fn set(store: &ConfigStore, key: String, value: Value) {
    store
        .values
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(key, value);
    store.overridden.store(true, Ordering::Relaxed);
}

#[operation(CONFIG.reload)]
fn reload(store: &ConfigStore) -> i64 {
    store.load(std::env::vars()) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_prefixed_variables_as_json_or_text() {
        let store = ConfigStore::from_vars(vars(&[
            ("SERVICE_PORT", "8080"),
            ("SERVICE_NAME", "orders"),
            ("SERVICE_FLAGS", r#"{"beta": true}"#),
            ("HOME", "/root"),
            ("SERVICE_", "ignored"),
        ]));
        assert_eq!(get(&store, "port", Value::Null), json!(8080));
        assert_eq!(get(&store, "name", Value::Null), json!("orders"));
        assert_eq!(get(&store, "flags", Value::Null), json!({"beta": true}));
        assert_eq!(get(&store, "home", json!("absent")), json!("absent"));
    }

    #[test]
    fn load_replaces_overrides() {
        let store = ConfigStore::from_vars(vars(&[("SERVICE_A", "1")]));
        assert!(!store.has_overrides());
        set(&store, "a".into(), json!(2));
        assert!(
            store.has_overrides(),
            "an override would be lost by unloading"
        );
        assert_eq!(get(&store, "a", Value::Null), json!(2));
        assert_eq!(
            store.load(vars(&[("SERVICE_A", "3"), ("SERVICE_B", "4")])),
            2
        );
        assert_eq!(get(&store, "a", Value::Null), json!(3));
    }
}
