//! The in-memory backend.

use super::super::*;
use serde_json::json;
use std::sync::Mutex;
use std::time::Duration;

/// A store whose clock moves only when told to.
fn store_with_manual_clock() -> (CacheStore, Arc<Mutex<Instant>>) {
    let now = Arc::new(Mutex::new(Instant::now()));
    let clock = now.clone();
    let store = CacheStore::with_clock(Arc::new(move || *clock.lock().unwrap()));
    (store, now)
}

#[test]
fn entries_expire_after_their_ttl() {
    let (store, now) = store_with_manual_clock();
    set_value(&store, "k".into(), json!(1), Some(30)).unwrap();
    set_value(&store, "forever".into(), json!(2), None).unwrap();
    *now.lock().unwrap() += Duration::from_secs(29);
    assert_eq!(get_value(&store, "k", Value::Null).unwrap(), json!(1));
    *now.lock().unwrap() += Duration::from_secs(1);
    assert_eq!(
        get_value(&store, "k", json!("gone")).unwrap(),
        json!("gone")
    );
    assert!(!exists(&store, "k").unwrap());
    assert!(exists(&store, "forever").unwrap());
    let stats = stats(&store).unwrap();
    assert_eq!(
        (stats.entries, stats.hits, stats.misses, stats.expirations),
        (1, 1, 1, 1)
    );
}

#[test]
fn non_positive_ttls_are_refused() {
    let (store, _) = store_with_manual_clock();
    let error = set_value(&store, "k".into(), json!(1), Some(0)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "ttl for `k` must be a positive number of seconds, got 0"
    );
    let batch = vec![
        CacheEntry {
            key: "a".into(),
            value: json!(1),
            ttl: None,
        },
        CacheEntry {
            key: "b".into(),
            value: json!(2),
            ttl: Some(-5),
        },
    ];
    assert!(set_batch(&store, batch).is_err());
    assert!(store.is_empty(), "a refused batch writes nothing");
}

#[test]
fn a_ttl_past_what_the_clock_can_hold_never_expires_rather_than_panicking() {
    let (store, now) = store_with_manual_clock();
    set_value(&store, "k".into(), json!(1), Some(i64::MAX)).unwrap();
    *now.lock().unwrap() += Duration::from_secs(10 * 365 * 24 * 3600);
    assert_eq!(get_value(&store, "k", Value::Null).unwrap(), json!(1));
}

#[test]
fn it_holds_data_while_it_has_entries() {
    let (store, _) = store_with_manual_clock();
    assert!(!store.holds_data());
    set_value(&store, "k".into(), json!("v"), None).unwrap();
    assert!(store.holds_data());
    assert!(store.approx_bytes() > 0);
    assert_eq!(clear(&store).unwrap(), 1);
    assert!(!store.holds_data());
}
