//! The Redis backend on a real `redis-server` (skipped when it is not installed): the core
//! functions on a store made by hand, for what the gateway tests cannot reach (reconnecting
//! on the same store, timeouts, values written by others).

use super::super::config::{CacheConfig, RedisConfig};
use super::super::*;
use serde_json::json;
use std::time::{Duration, Instant};
use testkit::{RedisServer, SilentServer, free_port};

fn redis_or_skip(test: &str) -> Option<RedisServer> {
    let server = RedisServer::start();
    if server.is_none() {
        eprintln!("{test}: skipped: redis-server is not installed");
    }
    server
}

fn store(url: &str, prefix: &str, timeout: Duration) -> CacheStore {
    let config = CacheConfig::Redis(RedisConfig {
        url: url.to_owned(),
        timeout,
        prefix: prefix.to_owned(),
    });
    CacheStore::from_config(&config).unwrap()
}

fn backend_error(result: Result<impl std::fmt::Debug, CacheError>) -> String {
    match result {
        Err(CacheError::Backend(message)) => message,
        other => panic!("expected a backend error, got {other:?}"),
    }
}

#[test]
fn the_same_store_works_again_once_redis_is_back() {
    let Some(mut server) = redis_or_skip("the_same_store_works_again_once_redis_is_back") else {
        return;
    };
    let store = store(&server.url(), "cache:", Duration::from_secs(1));
    set_value(&store, "k".into(), json!("v"), None).unwrap();

    // Redis restarts between two calls: the kept connection is stale, and the call retries
    // on a new one.
    server.restart();
    assert_eq!(
        get_value(&store, "k", json!("lost")).unwrap(),
        json!("lost")
    );

    // Redis is down during a call: a clear error, quickly; then up again: the next call works.
    server.stop();
    let started = Instant::now();
    let message = backend_error(get_value(&store, "k", Value::Null));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let url = server.url();
    assert!(
        message.starts_with(&format!(
            "the Redis cache at {url} is unavailable: cannot connect: "
        )),
        "{message}"
    );
    assert!(
        message.contains("check that Redis is running there"),
        "{message}"
    );
    let message = backend_error(set_value(&store, "k".into(), json!(1), None));
    assert!(message.contains("is unavailable"), "{message}");
    server.restart();
    set_value(&store, "k".into(), json!(2), None).unwrap();
    assert_eq!(get_value(&store, "k", Value::Null).unwrap(), json!(2));
}

#[test]
fn nothing_listening_is_a_clear_error() {
    let port = free_port();
    let store = store(
        &format!("redis://:secret@127.0.0.1:{port}"),
        "cache:",
        Duration::from_secs(1),
    );
    let started = Instant::now();
    let message = backend_error(exists(&store, "k"));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(
        message.starts_with(&format!(
            "the Redis cache at redis://:***@127.0.0.1:{port} is unavailable: cannot connect: "
        )),
        "{message}"
    );
    assert!(!message.contains("secret"), "{message}");
}

/// One core function call whose result is not looked at, only its error.
type Call<'a> = Box<dyn Fn() -> Result<(), CacheError> + 'a>;

#[test]
fn a_server_that_never_answers_times_out_once_per_call() {
    let silent = SilentServer::start();
    let store = store(&silent.redis_url(), "cache:", Duration::from_millis(200));
    let url = silent.redis_url();
    let batch: Vec<CacheEntry> = (0..50)
        .map(|i| CacheEntry {
            key: format!("k{i}"),
            value: json!(i),
            ttl: Some(60),
        })
        .collect();
    let calls: [(&str, Call<'_>); 3] = [
        (
            "`GET`",
            Box::new(|| get_value(&store, "k", Value::Null).map(drop)),
        ),
        (
            "`MGET`",
            Box::new(|| get_batch(&store, &["a".into(), "b".into()]).map(drop)),
        ),
        // 52 answers to wait for, all within the one timeout.
        (
            "a batch of 50 `SET`s",
            Box::new(|| set_batch(&store, batch.clone())),
        ),
    ];
    for (what, call) in calls {
        let started = Instant::now();
        let message = backend_error(call());
        let elapsed = started.elapsed();
        assert!(elapsed < Duration::from_secs(1), "{what}: {elapsed:?}");
        assert_eq!(
            message,
            format!(
                "the Redis cache at {url} did not answer {what} within 200 ms; check that Redis \
                 is up and not overloaded, or raise CACHE_REDIS_TIMEOUT_MS"
            )
        );
    }
}

#[test]
fn it_holds_no_data_in_the_process() {
    let Some(server) = redis_or_skip("it_holds_no_data_in_the_process") else {
        return;
    };
    let store = store(&server.url(), "cache:", Duration::from_secs(1));
    set_value(
        &store,
        "k".into(),
        json!({"big": "x".repeat(100_000)}),
        None,
    )
    .unwrap();
    assert!(
        !store.holds_data(),
        "unloading loses nothing: the data is in Redis"
    );
    assert!(store.is_empty());
    assert!(
        store.approx_bytes() < 64 * 1024,
        "{} bytes",
        store.approx_bytes()
    );
}

#[test]
fn values_written_by_others_are_clear_errors_and_the_store_keeps_working() {
    let Some(server) = redis_or_skip("values_written_by_others_are_clear_errors") else {
        return;
    };
    let mut raw = server.connection();
    ::redis::cmd("SET")
        .arg("cache:text")
        .arg("not json")
        .exec(&mut raw)
        .unwrap();
    ::redis::cmd("RPUSH")
        .arg("cache:list")
        .arg("x")
        .exec(&mut raw)
        .unwrap();
    let store = store(&server.url(), "cache:", Duration::from_secs(1));

    let message = backend_error(get_value(&store, "text", Value::Null));
    assert!(
        message.starts_with(&format!(
            "the Redis cache at {} holds a value under `cache:text` that is not JSON",
            server.url()
        )),
        "{message}"
    );
    assert!(message.contains("CACHE_REDIS_PREFIX"), "{message}");
    // MGET answers nil for a key of another type, where GET refuses it.
    assert_eq!(
        get_batch(&store, &["list".to_owned()]).unwrap(),
        [Value::Null]
    );
    let message = backend_error(get_value(&store, "list", Value::Null));
    assert!(
        message.starts_with(&format!(
            "the Redis cache at {} refused `GET`: ",
            server.url()
        )),
        "{message}"
    );
    assert!(message.contains("WRONGTYPE"), "{message}");
    set_value(&store, "ok".into(), json!(true), None).unwrap();
    assert_eq!(get_value(&store, "ok", Value::Null).unwrap(), json!(true));
}

#[test]
fn pattern_characters_in_the_prefix_are_taken_literally() {
    let Some(server) = redis_or_skip("pattern_characters_in_the_prefix_are_taken_literally") else {
        return;
    };
    let store = store(&server.url(), "a*[b]?:", Duration::from_secs(1));
    set_value(&store, "k".into(), json!(1), None).unwrap();
    let mut raw = server.connection();
    for other in ["aXb?:k", "a*[b]X:k", "ab:k"] {
        ::redis::cmd("SET")
            .arg(other)
            .arg("1")
            .exec(&mut raw)
            .unwrap();
    }
    assert_eq!(stats(&store).unwrap().entries, 1);
    assert_eq!(clear(&store).unwrap(), 1);
    let left: u64 = ::redis::cmd("DBSIZE").query(&mut raw).unwrap();
    assert_eq!(left, 3);
}

#[test]
fn a_ttl_redis_cannot_take_is_its_error_not_a_panic() {
    let Some(server) = redis_or_skip("a_ttl_redis_cannot_take_is_its_error_not_a_panic") else {
        return;
    };
    let store = store(&server.url(), "cache:", Duration::from_secs(1));
    let message = backend_error(set_value(&store, "k".into(), json!(1), Some(i64::MAX)));
    assert!(message.contains("refused `SET`"), "{message}");
    assert!(!exists(&store, "k").unwrap());
}
