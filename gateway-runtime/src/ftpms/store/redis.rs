//! Usage in Redis, shared by every instance of a service: one hash per month
//! (`{key}:{YYYY-MM}` with the fields `requests` and `mb_ms`), added to with `HINCRBY` inside
//! `MULTI`/`EXEC`, so concurrent instances never lose each other's additions. Months expire
//! 62 days after their last addition.

use super::{StoreError, UsageStore};
use crate::ftpms::usage::{Month, Usage};
use redis::{Client, Connection, RedisError};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// How long connecting, sending and reading may each take.
const TIMEOUT: Duration = Duration::from_millis(500);
/// How long a month's hash outlives its last addition.
const RETENTION_SECONDS: i64 = 62 * 24 * 3600;

/// Usage kept in Redis.
pub struct RedisStore {
    client: Client,
    url: String,
    key: String,
    connection: Mutex<Option<Connection>>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.url)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A store on the server at `url`, under the key prefix `key`. Connects on first use.
    pub fn new(url: &str, key: &str) -> Result<Self, RedisError> {
        Ok(Self {
            client: Client::open(url)?,
            url: redact(url),
            key: key.to_owned(),
            connection: Mutex::new(None),
        })
    }

    fn month_key(&self, month: Month) -> String {
        format!("{}:{month}", self.key)
    }

    /// Runs `f` on the connection, opening one if needed; a failed connection is dropped so
    /// that the next call opens a new one.
    fn with_connection<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, RedisError>,
    ) -> Result<T, StoreError> {
        let mut slot = self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let connection = match slot.as_mut() {
            Some(connection) => connection,
            None => slot.insert(self.connect()?),
        };
        f(connection).map_err(|error| {
            *slot = None;
            self.error(&error)
        })
    }

    fn connect(&self) -> Result<Connection, StoreError> {
        let connection = self
            .client
            .get_connection_with_timeout(TIMEOUT)
            .map_err(|error| self.error(&error))?;
        connection
            .set_read_timeout(Some(TIMEOUT))
            .and_then(|()| connection.set_write_timeout(Some(TIMEOUT)))
            .map_err(|error| self.error(&error))?;
        Ok(connection)
    }

    fn error(&self, error: &RedisError) -> StoreError {
        StoreError {
            store: "redis",
            message: format!("Redis at {} is unavailable: {error}", self.url),
        }
    }
}

impl UsageStore for RedisStore {
    fn name(&self) -> &'static str {
        "redis"
    }

    fn load(&self, month: Month) -> Result<Usage, StoreError> {
        let key = self.month_key(month);
        let (requests, mb_ms): (Option<u64>, Option<u64>) = self.with_connection(|connection| {
            redis::cmd("HMGET")
                .arg(&key)
                .arg("requests")
                .arg("mb_ms")
                .query(connection)
        })?;
        Ok(Usage {
            requests: requests.unwrap_or(0),
            mb_ms: mb_ms.unwrap_or(0),
        })
    }

    fn add(&self, month: Month, delta: Usage) -> Result<Usage, StoreError> {
        let key = self.month_key(month);
        let (requests, mb_ms): (u64, u64) = self.with_connection(|connection| {
            redis::pipe()
                .atomic()
                .cmd("HINCRBY")
                .arg(&key)
                .arg("requests")
                .arg(delta.requests)
                .cmd("HINCRBY")
                .arg(&key)
                .arg("mb_ms")
                .arg(delta.mb_ms)
                .cmd("EXPIRE")
                .arg(&key)
                .arg(RETENTION_SECONDS)
                .ignore()
                .query(connection)
        })?;
        Ok(Usage { requests, mb_ms })
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}
