//! Core functions of the test manifest, compiled into both test crates.

use gateway_runtime::{BoxError, Dict, InitContext, InterfaceState, Value, operation};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// CACHE state.
#[derive(Default)]
pub struct Store(Mutex<HashMap<String, Value>>);

impl InterfaceState for Store {
    fn init(_: &InitContext<'_>) -> Result<Self, BoxError> {
        Ok(Self::default())
    }
}

/// NOTES state.
#[derive(Default)]
pub struct Notes(Mutex<Vec<Note>>);

impl InterfaceState for Notes {
    fn init(_: &InitContext<'_>) -> Result<Self, BoxError> {
        Ok(Self::default())
    }
}

/// A note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Note {
    /// Its id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// 1 (high) to 5 (low).
    pub priority: i64,
    /// Who wrote it.
    pub author: String,
    /// When it is due, if ever.
    pub due: Option<f64>,
}

#[operation(CACHE.get)]
fn get_value(store: &Store, key: &str, default: Value) -> Value {
    store.0.lock().unwrap().get(key).cloned().unwrap_or(default)
}

#[operation(CACHE.put)]
fn put(store: &Store, key: String, value: Value) {
    store.0.lock().unwrap().insert(key, value);
}

#[operation(NOTES.add)]
fn add(
    notes: &Notes,
    title: Cow<'_, str>,
    tags: Vec<String>,
    priority: i64,
    author: &str,
    due: Option<f64>,
) -> Result<i64, String> {
    if !(1..=5).contains(&priority) {
        return Err(format!("priority must be 1 to 5, got {priority}"));
    }
    let mut notes = notes.0.lock().unwrap();
    let id = notes.len() as i64 + 1;
    notes.push(Note {
        id,
        title: title.into_owned(),
        tags,
        priority,
        author: author.to_owned(),
        due,
    });
    Ok(id)
}

use std::borrow::Cow;

#[operation(NOTES.find)]
fn find(notes: &Notes, tag: Option<&str>, limit: Option<i64>) -> Vec<Note> {
    let notes = notes.0.lock().unwrap();
    let limit = limit.map_or(usize::MAX, |l| l.max(0) as usize);
    notes
        .iter()
        .filter(|n| tag.is_none_or(|t| n.tags.iter().any(|x| x == t)))
        .take(limit)
        .cloned()
        .collect()
}

#[operation(NOTES.rename)]
async fn rename(notes: &Notes, id: i64, title: String) -> bool {
    tokio::task::yield_now().await;
    let mut notes = notes.0.lock().unwrap();
    match notes.iter_mut().find(|n| n.id == id) {
        Some(note) => {
            note.title = title;
            true
        }
        None => false,
    }
}

#[operation(DEMO.explode)]
fn explode() {
    panic!("the demo operation exploded");
}

#[operation(DEMO.fail)]
fn fail(reason: &str) -> Result<(), std::io::Error> {
    Err(std::io::Error::other(reason.to_owned()))
}

#[operation(DEMO.echo)]
async fn echo(value: BTreeMap<String, Vec<bool>>, weights: &[f64], extra: Dict) -> Dict {
    let mut out = Dict::new();
    out.insert(
        "value".into(),
        serde_json::to_value(value).unwrap_or_default(),
    );
    out.insert(
        "weights".into(),
        serde_json::to_value(weights).unwrap_or_default(),
    );
    out.insert("extra".into(), Value::Object(extra));
    out
}

/// A value whose serialisation always fails.
#[derive(Debug, PartialEq, JsonSchema)]
pub struct Opaque;

impl Serialize for Opaque {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("an Opaque has no JSON form"))
    }
}

#[operation(DEMO.opaque)]
fn opaque() -> Opaque {
    Opaque
}
