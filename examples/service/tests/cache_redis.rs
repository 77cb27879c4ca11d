//! The CACHE on its Redis backend, through the service binary with `CACHE_BACKEND=redis`
//! against a real `redis-server` started for each test (tests that need one are skipped, with
//! a line on stderr, when it is not installed): every operation answers as the in-memory store
//! does, the data is in Redis and shared between processes, `clear` leaves other keys alone,
//! batches are one round trip, and an unreachable, stalled or restarted Redis gives clear errors
//! in bounded time and then works again. Invalid `CACHE_*` variables are clear errors.

mod common;

use common::{Running, service};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::process::Output;
use std::time::{Duration, Instant};
use testkit::{RedisServer, SilentServer, free_port};

/// A Redis for the test, or `None` after saying on stderr that the test is skipped.
fn redis_or_skip(test: &str) -> Option<RedisServer> {
    let server = RedisServer::start();
    if server.is_none() {
        eprintln!("{test}: skipped: redis-server is not installed");
    }
    server
}

/// The variables that put the CACHE on Redis at `url`, under `prefix`.
fn on_redis(url: &str, prefix: &str) -> Vec<(&'static str, String)> {
    vec![
        ("CACHE_BACKEND", "redis".to_owned()),
        ("CACHE_REDIS_URL", url.to_owned()),
        ("CACHE_REDIS_PREFIX", prefix.to_owned()),
    ]
}

/// `example-service invoke CALLS...` with `env` over a clean `CACHE_*` environment.
fn invoke(env: &[(&str, String)], calls: &[&str]) -> Output {
    let mut command = service();
    for name in [
        "CACHE_BACKEND",
        "CACHE_REDIS_URL",
        "CACHE_REDIS_PREFIX",
        "CACHE_REDIS_TIMEOUT_MS",
    ] {
        command.env_remove(name);
    }
    command
        .envs(env.iter().map(|(name, value)| (name, value)))
        .arg("invoke")
        .args(calls)
        .output()
        .unwrap()
}

/// Stdout as one JSON value per line.
fn lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON: {line:?}: {e}"))
        })
        .collect()
}

/// The message of an error line, checking its kind.
fn error_message(line: &Value, kind: &str) -> String {
    assert_eq!(line["error"]["kind"], json!(kind), "{line}");
    line["error"]["message"].as_str().unwrap().to_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A call of `INFO commandstats`: `cmdstat_NAME` -> calls.
fn command_calls(redis: &mut redis::Connection, name: &str) -> u64 {
    let info: String = redis::cmd("INFO").arg("commandstats").query(redis).unwrap();
    let prefix = format!("cmdstat_{name}:calls=");
    info.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .and_then(|rest| rest.split(',').next())
        .map_or(0, |calls| calls.parse().unwrap())
}

fn dbsize(redis: &mut redis::Connection) -> u64 {
    redis::cmd("DBSIZE").query(redis).unwrap()
}

/// Every operation, in one process; the answers do not depend on the backend.
const EVERY_OPERATION: &[&str] = &[
    "CACHE.set",
    r#"{"key": "user:1", "value": {"name": "Ada", "langs": ["en", "fr"], "age": 36}}"#,
    "CACHE.set",
    r#"{"key": "n", "value": 5, "ttl": 60}"#,
    "CACHE.get",
    r#"{"key": "user:1"}"#,
    "CACHE.get",
    r#"{"key": "n"}"#,
    "CACHE.get",
    r#"{"key": "absent"}"#,
    "CACHE.get",
    r#"{"key": "absent", "default": "fallback"}"#,
    "CACHE.exists",
    r#"{"key": "n"}"#,
    "CACHE.exists",
    r#"{"key": "absent"}"#,
    "CACHE.delete",
    r#"{"key": "n"}"#,
    "CACHE.delete",
    r#"{"key": "n"}"#,
    "CACHE.exists",
    r#"{"key": "n"}"#,
    "CACHE.set_batch",
    r#"{"entries": [{"key": "a", "value": 1}, {"key": "b", "value": [1, 2], "ttl": 60}]}"#,
    "CACHE.get_batch",
    r#"{"keys": ["a", "absent", "b", "a"]}"#,
    "CACHE.get_batch",
    r#"{"keys": []}"#,
    "CACHE.stats",
    "CACHE.clear",
    "CACHE.stats",
    "CACHE.get",
    r#"{"key": "a"}"#,
];

#[test]
fn every_operation_answers_as_the_in_memory_store_does() {
    let Some(redis) = redis_or_skip("every_operation_answers_as_the_in_memory_store_does") else {
        return;
    };
    let expected = [
        Value::Null,
        Value::Null,
        json!({"name": "Ada", "langs": ["en", "fr"], "age": 36}),
        json!(5),
        Value::Null,
        json!("fallback"),
        json!(true),
        json!(false),
        json!(true),
        json!(false),
        json!(false),
        Value::Null,
        json!([1, Value::Null, [1, 2], 1]),
        json!([]),
        json!({"entries": 3, "hits": 5, "misses": 3, "expirations": 0}),
        json!(3),
        json!({"entries": 0, "hits": 5, "misses": 3, "expirations": 0}),
        Value::Null,
    ];
    let memory = invoke(&[], EVERY_OPERATION);
    assert_eq!(lines(&memory), expected, "{}", stderr(&memory));
    let on_redis = invoke(&on_redis(&redis.url(), "cache:"), EVERY_OPERATION);
    assert_eq!(lines(&on_redis), expected, "{}", stderr(&on_redis));
    assert_eq!(on_redis.status.code(), Some(0), "{}", stderr(&on_redis));
}

#[test]
fn the_data_is_json_text_in_redis_shared_between_processes() {
    let Some(redis) = redis_or_skip("the_data_is_json_text_in_redis_shared_between_processes")
    else {
        return;
    };
    let env = on_redis(&redis.url(), "svc:");
    let written = invoke(
        &env,
        &[
            "CACHE.set",
            r#"{"key": "user:1", "value": {"name": "Ada"}}"#,
            "CACHE.set",
            r#"{"key": "n", "value": 5, "ttl": 60}"#,
        ],
    );
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));

    let mut raw = redis.connection();
    let text: String = redis::cmd("GET").arg("svc:user:1").query(&mut raw).unwrap();
    assert_eq!(text, r#"{"name":"Ada"}"#);
    let ttl: i64 = redis::cmd("TTL").arg("svc:n").query(&mut raw).unwrap();
    assert!((1..=60).contains(&ttl), "TTL {ttl}");
    let forever: i64 = redis::cmd("TTL").arg("svc:user:1").query(&mut raw).unwrap();
    assert_eq!(forever, -1, "no ttl, no expiry");
    redis::cmd("SET")
        .arg("svc:from-elsewhere")
        .arg("[true]")
        .exec(&mut raw)
        .unwrap();

    // Another process (another Lambda instance, say) sees the same cache.
    let read = invoke(
        &env,
        &[
            "CACHE.get",
            r#"{"key": "user:1"}"#,
            "CACHE.get_batch",
            r#"{"keys": ["n", "from-elsewhere"]}"#,
            "CACHE.stats",
        ],
    );
    assert_eq!(
        lines(&read),
        [
            json!({"name": "Ada"}),
            json!([5, [true]]),
            json!({"entries": 3, "hits": 3, "misses": 0, "expirations": 0}),
        ],
        "{}",
        stderr(&read)
    );
}

#[test]
fn entries_expire_after_their_ttl() {
    let Some(redis) = redis_or_skip("entries_expire_after_their_ttl") else {
        return;
    };
    let env = on_redis(&redis.url(), "cache:");
    let set = invoke(
        &env,
        &[
            "CACHE.set",
            r#"{"key": "k", "value": "v", "ttl": 1}"#,
            "CACHE.set",
            r#"{"key": "forever", "value": 1}"#,
            "CACHE.get",
            r#"{"key": "k"}"#,
        ],
    );
    assert_eq!(
        lines(&set),
        [Value::Null, Value::Null, json!("v")],
        "{}",
        stderr(&set)
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let read = invoke(&env, &["CACHE.get", r#"{"key": "k", "default": "gone"}"#]);
        match lines(&read)[..] {
            [ref gone] if *gone == json!("gone") => break,
            [ref live] => assert_eq!(*live, json!("v")),
            ref other => panic!("{other:?}: {}", stderr(&read)),
        }
        assert!(
            Instant::now() < deadline,
            "a 1-second TTL had not expired after 10 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let exists = invoke(
        &env,
        &[
            "CACHE.exists",
            r#"{"key": "k"}"#,
            "CACHE.exists",
            r#"{"key": "forever"}"#,
        ],
    );
    assert_eq!(lines(&exists), [json!(false), json!(true)]);
    let stats = invoke(&env, &["CACHE.stats"]);
    assert_eq!(
        lines(&stats),
        [json!({"entries": 1, "hits": 0, "misses": 0, "expirations": 0})],
        "Redis expires keys itself: this process removed none"
    );
}

#[test]
fn clear_removes_only_this_caches_keys() {
    let Some(redis) = redis_or_skip("clear_removes_only_this_caches_keys") else {
        return;
    };
    let mut raw = redis.connection();
    for (key, value) in [("other:k", "1"), ("cache", "no colon"), ("cachek", "2")] {
        redis::cmd("SET")
            .arg(key)
            .arg(value)
            .exec(&mut raw)
            .unwrap();
    }
    let sessions = on_redis(&redis.url(), "sessions:");
    let kept = invoke(&sessions, &["CACHE.set", r#"{"key": "s", "value": 1}"#]);
    assert_eq!(kept.status.code(), Some(0), "{}", stderr(&kept));

    let cache = on_redis(&redis.url(), "cache:");
    let mut calls = Vec::new();
    let writes: Vec<String> = (0..2500)
        .map(|i| json!({"key": format!("k{i}"), "value": i}).to_string())
        .collect();
    // More keys than one SCAN step returns, written in batches of at most 100.
    let batches: Vec<String> = writes
        .chunks(100)
        .map(|chunk| {
            let entries: Vec<Value> = chunk
                .iter()
                .map(|entry| serde_json::from_str(entry).unwrap())
                .collect();
            json!({ "entries": entries }).to_string()
        })
        .collect();
    for batch in &batches {
        calls.push("CACHE.set_batch");
        calls.push(batch);
    }
    calls.extend(["CACHE.stats", "CACHE.clear", "CACHE.clear", "CACHE.stats"]);
    let output = invoke(&cache, &calls);
    let answers = lines(&output);
    assert_eq!(
        answers[batches.len()..],
        [
            json!({"entries": 2500, "hits": 0, "misses": 0, "expirations": 0}),
            json!(2500),
            json!(0),
            json!({"entries": 0, "hits": 0, "misses": 0, "expirations": 0}),
        ],
        "{}",
        stderr(&output)
    );
    assert_eq!(dbsize(&mut raw), 4, "the other keys are all there");
    let other: String = redis::cmd("GET").arg("other:k").query(&mut raw).unwrap();
    assert_eq!(other, "1");
    let session = invoke(&sessions, &["CACHE.get", r#"{"key": "s"}"#]);
    assert_eq!(lines(&session), [json!(1)]);
}

#[test]
fn batches_are_one_round_trip_and_bad_ttls_leave_redis_untouched() {
    let Some(redis) = redis_or_skip("batches_are_one_round_trip_and_bad_ttls") else {
        return;
    };
    let mut raw = redis.connection();
    let env = on_redis(&redis.url(), "cache:");

    let refused = invoke(
        &env,
        &[
            "CACHE.set_batch",
            r#"{"entries": [{"key": "a", "value": 1}, {"key": "b", "value": 2, "ttl": 0}]}"#,
            "CACHE.set",
            r#"{"key": "c", "value": 3, "ttl": -1}"#,
        ],
    );
    let answers = lines(&refused);
    assert_eq!(
        error_message(&answers[0], "operation_failed"),
        "`CACHE.set_batch` failed: ttl for `b` must be a positive number of seconds, got 0"
    );
    assert_eq!(
        error_message(&answers[1], "operation_failed"),
        "`CACHE.set` failed: ttl for `c` must be a positive number of seconds, got -1"
    );
    assert_eq!(dbsize(&mut raw), 0, "a refused batch writes nothing");

    redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .exec(&mut raw)
        .unwrap();
    let batched = invoke(
        &env,
        &[
            "CACHE.set_batch",
            r#"{"entries": [{"key": "a", "value": 1}, {"key": "b", "value": 2, "ttl": 30}, {"key": "a", "value": 3}]}"#,
            "CACHE.get_batch",
            r#"{"keys": ["a", "b", "absent", "a"]}"#,
        ],
    );
    assert_eq!(
        lines(&batched),
        [Value::Null, json!([3, 2, Value::Null, 3])],
        "the later of two writes to one key wins; {}",
        stderr(&batched)
    );
    assert_eq!(command_calls(&mut raw, "mget"), 1);
    assert_eq!(command_calls(&mut raw, "get"), 0);
    assert_eq!(command_calls(&mut raw, "set"), 3);
    assert_eq!(
        command_calls(&mut raw, "exec"),
        1,
        "the SETs in one MULTI/EXEC"
    );
}

#[test]
fn a_bad_ttl_is_refused_before_redis_is_reached() {
    let env = on_redis(&format!("redis://127.0.0.1:{}", free_port()), "cache:");
    let output = invoke(
        &env,
        &["CACHE.set", r#"{"key": "k", "value": 1, "ttl": 0}"#],
    );
    assert_eq!(
        error_message(&lines(&output)[0], "operation_failed"),
        "`CACHE.set` failed: ttl for `k` must be a positive number of seconds, got 0"
    );
}

#[test]
fn an_unreachable_redis_is_a_clear_error_in_bounded_time() {
    let url = format!("redis://127.0.0.1:{}", free_port());
    let started = Instant::now();
    let output = invoke(
        &on_redis(&url, "cache:"),
        &[
            "CACHE.get",
            r#"{"key": "k"}"#,
            "LOGGING.info",
            r#"{"message": "still here"}"#,
        ],
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let answers = lines(&output);
    let message = error_message(&answers[0], "operation_failed");
    assert!(
        message.starts_with(&format!(
            "`CACHE.get` failed: the Redis cache at {url} is unavailable: cannot connect: "
        )),
        "{message}"
    );
    assert!(
        message
            .ends_with("check that Redis is running there and that CACHE_REDIS_URL points to it"),
        "{message}"
    );
    assert_eq!(answers[1], Value::Null, "other interfaces are unaffected");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_stalled_redis_times_out() {
    let silent = SilentServer::start();
    let mut env = on_redis(&silent.redis_url(), "cache:");
    env.push(("CACHE_REDIS_TIMEOUT_MS", "300".to_owned()));
    let started = Instant::now();
    let output = invoke(
        &env,
        &[
            "CACHE.get",
            r#"{"key": "k"}"#,
            "CACHE.set",
            r#"{"key": "k", "value": 1}"#,
        ],
    );
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    for (line, operation) in lines(&output).iter().zip(["get", "set"]) {
        assert_eq!(
            error_message(line, "operation_failed"),
            format!(
                "`CACHE.{operation}` failed: the Redis cache at {} did not answer `{}` within \
                 300 ms; check that Redis is up and not overloaded, or raise \
                 CACHE_REDIS_TIMEOUT_MS",
                silent.redis_url(),
                operation.to_uppercase()
            )
        );
    }
}

#[test]
fn invalid_cache_variables_are_clear_errors() {
    let cases = [
        (
            vec![("CACHE_BACKEND", "memcached")],
            r#"CACHE_BACKEND="memcached" is not valid: expected memory or redis"#,
        ),
        (
            vec![("CACHE_BACKEND", "redis"), ("CACHE_REDIS_TIMEOUT_MS", "1s")],
            r#"CACHE_REDIS_TIMEOUT_MS="1s" is not valid: expected a whole number of milliseconds of at least 1, such as 1000"#,
        ),
        (
            vec![("CACHE_BACKEND", "redis"), ("CACHE_REDIS_PREFIX", "")],
            r#"CACHE_REDIS_PREFIX="" is not valid: expected a non-empty key prefix, such as cache: (CACHE.clear deletes every key that starts with it)"#,
        ),
        (
            vec![
                ("CACHE_BACKEND", "redis"),
                ("CACHE_REDIS_URL", "localhost:6379"),
            ],
            r#"CACHE_REDIS_URL="localhost:6379" is not valid: expected a Redis URL such as redis://127.0.0.1:6379"#,
        ),
    ];
    for (vars, expected) in cases {
        let env: Vec<(&str, String)> = vars
            .iter()
            .map(|(name, value)| (*name, (*value).to_owned()))
            .collect();
        let output = invoke(
            &env,
            &[
                "CACHE.get",
                r#"{"key": "k"}"#,
                "CONFIG.get",
                r#"{"key": "x"}"#,
            ],
        );
        let answers = lines(&output);
        let message = error_message(&answers[0], "init_failed");
        assert!(
            message.starts_with(&format!(
                "interface `CACHE` could not be initialised: {expected}"
            )),
            "{vars:?}: {message}"
        );
        assert_eq!(answers[1], Value::Null, "other interfaces are unaffected");
        assert_eq!(output.status.code(), Some(1));
    }
}

/// `example-service serve` on the Redis backend, on a free port.
struct Served {
    running: Running,
    base: String,
    client: reqwest::Client,
}

impl Served {
    fn start(env: &[(&str, String)]) -> Self {
        let mut command = service();
        command
            .args(["serve", "--port", "0"])
            .envs(env.iter().map(|(name, value)| (name, value)));
        let running = Running::spawn(command);
        let line = running.wait_for_stderr("listening on http://", Duration::from_secs(30));
        let address = line["listening on ".len()..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned();
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Self {
            running,
            base: address,
            client,
        }
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap())
    }
}

#[tokio::test]
async fn a_running_service_works_again_once_redis_is_back() {
    let Some(mut redis) = redis_or_skip("a_running_service_works_again_once_redis_is_back") else {
        return;
    };
    let served = Served::start(&on_redis(&redis.url(), "cache:"));
    let set = json!({"key": "k", "value": "before"});
    assert_eq!(
        served.post("/CACHE/set", set).await,
        (StatusCode::OK, Value::Null)
    );

    redis.stop();
    let started = Instant::now();
    let (status, body) = served.post("/CACHE/get", json!({"key": "k"})).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(body["error"]["kind"], "operation_failed");

    redis.restart();
    let set = json!({"key": "k", "value": "after"});
    assert_eq!(
        served.post("/CACHE/set", set).await,
        (StatusCode::OK, Value::Null)
    );
    assert_eq!(
        served.post("/CACHE/get", json!({"key": "k"})).await,
        (StatusCode::OK, json!("after"))
    );

    // The 500 said nothing; the service's log says what happened.
    let (_, stderr) = served.running.stop();
    let url = redis.url();
    assert!(
        stderr
            .iter()
            .any(|line| line.contains(&format!("the Redis cache at {url} is unavailable"))),
        "{stderr:#?}"
    );
}
