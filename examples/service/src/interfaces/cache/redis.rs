//! The Redis backend: entries live in Redis under a key prefix, shared by every instance that
//! uses the same server and prefix.
//!
//! Values are stored as their JSON text, TTLs with `SET ... EX`. Connections are opened on
//! first use and kept for the next call (a few at most, for concurrent calls); a connection
//! that fails is dropped, and after an I/O error every idle one too, so a call made once Redis
//! is back opens a new one. Connecting, sending and reading the answers each wait at most the
//! configured timeout (connecting once more per setup command, `AUTH` and `SELECT`, when the
//! URL has a password or a database), so an unreachable or stalled Redis gives an error, never
//! a hang.

use super::config::{CACHE_REDIS_URL, CacheConfigError, RedisConfig, connection_info, redact_url};
use super::{CacheError, ValidEntry};
use ::redis::{Client, Cmd, Connection, RedisError, RedisResult};
use gateway_runtime::Value;
use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Connections kept open between calls; more concurrent calls open and close their own.
const MAX_IDLE_CONNECTIONS: usize = 4;
/// Keys asked for per `SCAN` step.
const SCAN_COUNT: usize = 1000;
/// What an open connection costs in memory, roughly (its read buffer and socket).
const CONNECTION_BYTES: usize = 16 * 1024;

/// Entries in Redis, reached through a few reused connections.
pub(super) struct RedisStore {
    client: Client,
    /// The URL with any password hidden, for messages.
    url: String,
    timeout: Duration,
    prefix: String,
    /// `SCAN` pattern matching exactly the keys under `prefix`.
    pattern: String,
    idle: Mutex<Vec<Connection>>,
}

impl RedisStore {
    /// A store for `config`. Opens no connection: Redis may be down now and up at the first
    /// call.
    pub(super) fn new(config: &RedisConfig) -> Result<Self, CacheConfigError> {
        let info = connection_info(&config.url)?;
        // No `CLIENT SETINFO` after connecting: one answer less to wait for from a stalled
        // server.
        let settings = info.redis_settings().clone().set_skip_set_lib_name();
        let client =
            Client::open(info.set_redis_settings(settings)).map_err(|error| CacheConfigError {
                variable: CACHE_REDIS_URL,
                value: redact_url(&config.url),
                expected: format!("a Redis URL the Redis client accepts ({error})"),
            })?;
        Ok(Self {
            client,
            url: redact_url(&config.url),
            timeout: config.timeout,
            pattern: format!("{}*", escape_glob(&config.prefix)),
            prefix: config.prefix.clone(),
            idle: Mutex::new(Vec::new()),
        })
    }

    /// The store itself and its idle connections: an estimate.
    pub(super) fn approx_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.url.len()
            + self.prefix.len()
            + self.pattern.len()
            + self.idle().len() * CONNECTION_BYTES
    }

    /// The value of `key`, if Redis has one.
    pub(super) fn get(&self, key: &str) -> Result<Option<Value>, CacheError> {
        let mut get = ::redis::cmd("GET");
        get.arg(self.key(key));
        let raw: Option<Vec<u8>> = self.run("`GET`", |connection| get.query(connection))?;
        raw.map(|text| self.decode(key, &text)).transpose()
    }

    /// The values of `keys`, in order, with one `MGET`.
    pub(super) fn get_batch(&self, keys: &[String]) -> Result<Vec<Option<Value>>, CacheError> {
        if keys.is_empty() {
            return Ok(Vec::new()); // MGET needs at least one key.
        }
        let mut mget = ::redis::cmd("MGET");
        for key in keys {
            mget.arg(self.key(key));
        }
        let raw: Vec<Option<Vec<u8>>> = self.run("`MGET`", |connection| mget.query(connection))?;
        if raw.len() != keys.len() {
            return Err(CacheError::Backend(format!(
                "the Redis cache at {} answered `MGET` of {} keys with {} values",
                self.url,
                keys.len(),
                raw.len()
            )));
        }
        keys.iter()
            .zip(raw)
            .map(|(key, text)| text.map(|text| self.decode(key, &text)).transpose())
            .collect()
    }

    /// Stores `value` under `key`, for `ttl` seconds when given.
    pub(super) fn set(&self, key: &str, value: &Value, ttl: Option<u64>) -> Result<(), CacheError> {
        let set = self.set_command(key, value, ttl);
        self.run("`SET`", |connection| set.exec(connection))
    }

    /// Stores every entry in one round trip, inside `MULTI`/`EXEC` so that other clients never
    /// see half a batch.
    pub(super) fn set_batch(&self, entries: &[ValidEntry]) -> Result<(), CacheError> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut pipeline = ::redis::pipe();
        pipeline.atomic();
        for entry in entries {
            pipeline.add_command(self.set_command(&entry.key, &entry.value, entry.ttl));
        }
        let packed = pipeline.get_packed_pipeline();
        let what = format!("a batch of {} `SET`s", entries.len());
        // MULTI's OK, one QUEUED per SET, then EXEC's results.
        let answers = self.run(&what, |connection| {
            self.exchange(connection, &packed, entries.len() + 2)
        })?;
        match answers.last() {
            Some(::redis::Value::Array(results)) if results.len() == entries.len() => Ok(()),
            other => Err(CacheError::Backend(format!(
                "the Redis cache at {} answered {what} with {other:?} instead of one result per \
                 `SET`",
                self.url
            ))),
        }
    }

    /// Removes `key`; whether it existed.
    pub(super) fn delete(&self, key: &str) -> Result<bool, CacheError> {
        let mut del = ::redis::cmd("DEL");
        del.arg(self.key(key));
        let removed: u64 = self.run("`DEL`", |connection| del.query(connection))?;
        Ok(removed > 0)
    }

    /// Whether `key` exists (Redis never shows an expired key).
    pub(super) fn exists(&self, key: &str) -> Result<bool, CacheError> {
        let mut exists = ::redis::cmd("EXISTS");
        exists.arg(self.key(key));
        let found: u64 = self.run("`EXISTS`", |connection| exists.query(connection))?;
        Ok(found > 0)
    }

    /// Removes every key under the prefix (`SCAN` then `UNLINK`, never `FLUSHDB`); how many.
    /// Keys written while it runs may or may not be removed.
    pub(super) fn clear(&self) -> Result<usize, CacheError> {
        self.run("`SCAN` and `UNLINK`", |connection| {
            let mut removed = 0;
            let mut cursor = 0;
            loop {
                let (next, keys) = self.scan(connection, cursor)?;
                if !keys.is_empty() {
                    let count: usize = ::redis::cmd("UNLINK").arg(keys).query(connection)?;
                    removed += count;
                }
                if next == 0 {
                    return Ok(removed);
                }
                cursor = next;
            }
        })
    }

    /// The number of keys under the prefix: a full `SCAN`, so it costs time with the size of
    /// the database.
    pub(super) fn count(&self) -> Result<usize, CacheError> {
        self.run("`SCAN`", |connection| {
            // SCAN may return a key twice while Redis resizes its table.
            let mut seen = HashSet::new();
            let mut cursor = 0;
            loop {
                let (next, keys) = self.scan(connection, cursor)?;
                seen.extend(keys);
                if next == 0 {
                    return Ok(seen.len());
                }
                cursor = next;
            }
        })
    }

    fn scan(&self, connection: &mut Connection, cursor: u64) -> RedisResult<(u64, Vec<Vec<u8>>)> {
        ::redis::cmd("SCAN")
            .cursor_arg(cursor)
            .arg("MATCH")
            .arg(&self.pattern)
            .arg("COUNT")
            .arg(SCAN_COUNT)
            .query(connection)
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn set_command(&self, key: &str, value: &Value, ttl: Option<u64>) -> Cmd {
        let mut set = ::redis::cmd("SET");
        set.arg(self.key(key)).arg(value.to_string());
        if let Some(seconds) = ttl {
            set.arg("EX").arg(seconds);
        }
        set
    }

    fn decode(&self, key: &str, text: &[u8]) -> Result<Value, CacheError> {
        serde_json::from_slice(text).map_err(|error| {
            CacheError::Backend(format!(
                "the Redis cache at {} holds a value under `{}` that is not JSON ({error}): \
                 this cache did not write it; delete that key, or give this cache its own \
                 CACHE_REDIS_PREFIX",
                self.url,
                self.key(key)
            ))
        })
    }

    /// Sends `packed` commands and reads `replies` answers within one timeout in all: before
    /// each read the socket waits only for what is left of it, so a stalled server costs one
    /// timeout, not one per command. Error replies are errors.
    fn exchange(
        &self,
        connection: &mut Connection,
        packed: &[u8],
        replies: usize,
    ) -> RedisResult<Vec<::redis::Value>> {
        connection.send_packed_command(packed)?;
        let deadline = Instant::now() + self.timeout;
        let mut answers = Vec::with_capacity(replies);
        for _ in 0..replies {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(std::io::Error::from(std::io::ErrorKind::TimedOut).into());
            }
            connection.set_read_timeout(Some(left))?;
            answers.push(connection.recv_response()?.extract_error()?);
        }
        connection.set_read_timeout(Some(self.timeout))?;
        Ok(answers)
    }

    /// Runs `command` on an idle connection or a new one. When a reused connection turns out
    /// to be closed (Redis restarted since), it is tried once more on a new connection.
    fn run<T>(
        &self,
        what: &str,
        command: impl Fn(&mut Connection) -> RedisResult<T>,
    ) -> Result<T, CacheError> {
        let idle = self.idle().pop();
        let reused = idle.is_some();
        let mut connection = match idle {
            Some(connection) => connection,
            None => self.connect()?,
        };
        let outcome = match command(&mut connection) {
            Err(error) if reused && error.is_connection_dropped() => {
                self.idle().clear();
                connection = self.connect()?;
                command(&mut connection)
            }
            outcome => outcome,
        };
        match outcome {
            Ok(value) => {
                let mut idle = self.idle();
                if idle.len() < MAX_IDLE_CONNECTIONS {
                    idle.push(connection);
                }
                Ok(value)
            }
            // The failed connection is dropped here: after a timeout, for one, a late answer
            // could still arrive on it and be taken for the next command's.
            Err(error) => {
                if error.is_io_error() {
                    self.idle().clear();
                }
                Err(self.failure(Step::Command(what), &error))
            }
        }
    }

    fn connect(&self) -> Result<Connection, CacheError> {
        let connection = self
            .client
            .get_connection_with_timeout(self.timeout)
            .map_err(|error| self.failure(Step::Connect, &error))?;
        connection
            .set_read_timeout(Some(self.timeout))
            .and_then(|()| connection.set_write_timeout(Some(self.timeout)))
            .map_err(|error| self.failure(Step::Connect, &error))?;
        Ok(connection)
    }

    fn failure(&self, step: Step<'_>, error: &RedisError) -> CacheError {
        let url = &self.url;
        let ms = self.timeout.as_millis();
        const CHECK_RUNNING: &str =
            "check that Redis is running there and that CACHE_REDIS_URL points to it";
        const CHECK_LOAD: &str =
            "check that Redis is up and not overloaded, or raise CACHE_REDIS_TIMEOUT_MS";
        let io = error.is_io_error() || error.is_connection_dropped();
        let message = match step {
            Step::Connect if error.is_timeout() => format!(
                "the Redis cache at {url} did not answer within {ms} ms while connecting; \
                 {CHECK_LOAD}"
            ),
            Step::Command(what) if error.is_timeout() => format!(
                "the Redis cache at {url} did not answer {what} within {ms} ms; {CHECK_LOAD}"
            ),
            Step::Connect if io => format!(
                "the Redis cache at {url} is unavailable: cannot connect: {error}; {CHECK_RUNNING}"
            ),
            Step::Command(what) if io => format!(
                "the Redis cache at {url} is unavailable: the connection failed during {what}: \
                 {error}; {CHECK_RUNNING}"
            ),
            Step::Connect => format!(
                "the Redis cache at {url} refused the connection: {error}; check the password \
                 and database in CACHE_REDIS_URL"
            ),
            Step::Command(what) => format!("the Redis cache at {url} refused {what}: {error}"),
        };
        CacheError::Backend(message)
    }

    fn idle(&self) -> MutexGuard<'_, Vec<Connection>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What was being done when Redis failed.
enum Step<'a> {
    /// Opening a connection.
    Connect,
    /// Running a command, named for messages (`` `GET` ``).
    Command(&'a str),
}

/// `prefix` with the characters that `SCAN MATCH` treats as a pattern escaped.
fn escape_glob(prefix: &str) -> String {
    let mut escaped = String::with_capacity(prefix.len());
    for c in prefix.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
