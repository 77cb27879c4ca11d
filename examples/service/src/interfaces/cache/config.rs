//! Which backend the CACHE uses, from `CACHE_*` environment variables.
//!
//! | variable | default | accepted |
//! |---|---|---|
//! | `CACHE_BACKEND` | `memory` | `memory` (this process only) or `redis` (shared) |
//! | `CACHE_REDIS_URL` | `redis://127.0.0.1:6379` | a Redis URL, e.g. `redis://:password@host:6379/0` |
//! | `CACHE_REDIS_TIMEOUT_MS` | `1000` | connect, read and write timeout, in milliseconds (at least 1) |
//! | `CACHE_REDIS_PREFIX` | `cache:` | a non-empty prefix for this cache's keys |
//!
//! The `CACHE_REDIS_*` variables are checked only when `CACHE_BACKEND=redis`. A value that
//! cannot be used is an error naming the variable, the value and the accepted form, never a
//! silent default.

use std::time::Duration;

/// `CACHE_BACKEND`: `memory` or `redis`.
pub const CACHE_BACKEND: &str = "CACHE_BACKEND";
/// `CACHE_REDIS_URL`: where Redis is.
pub const CACHE_REDIS_URL: &str = "CACHE_REDIS_URL";
/// `CACHE_REDIS_TIMEOUT_MS`: the connect, read and write timeout.
pub const CACHE_REDIS_TIMEOUT_MS: &str = "CACHE_REDIS_TIMEOUT_MS";
/// `CACHE_REDIS_PREFIX`: the prefix of this cache's keys in Redis.
pub const CACHE_REDIS_PREFIX: &str = "CACHE_REDIS_PREFIX";

/// The Redis URL used when `CACHE_REDIS_URL` is not set.
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";
/// The timeout used when `CACHE_REDIS_TIMEOUT_MS` is not set.
pub const DEFAULT_REDIS_TIMEOUT: Duration = Duration::from_millis(1000);
/// The key prefix used when `CACHE_REDIS_PREFIX` is not set.
pub const DEFAULT_REDIS_PREFIX: &str = "cache:";

const BACKEND_FORM: &str = "memory or redis";
const TIMEOUT_FORM: &str = "a whole number of milliseconds of at least 1, such as 1000";
const PREFIX_FORM: &str =
    "a non-empty key prefix, such as cache: (CACHE.clear deletes every key that starts with it)";

/// Where the CACHE keeps its entries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CacheConfig {
    /// In this process's memory: fast, but lost when the state is unloaded and not shared
    /// with other instances.
    #[default]
    Memory,
    /// In Redis, shared by every instance that uses the same server and prefix.
    Redis(RedisConfig),
}

/// How to reach Redis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisConfig {
    /// The server's URL, e.g. `redis://127.0.0.1:6379`.
    pub url: String,
    /// The connect, read and write timeout: no call waits for Redis longer than this per step.
    pub timeout: Duration,
    /// Prepended to every key, so that this cache's keys can be told from others'.
    pub prefix: String,
}

impl Default for RedisConfig {
    fn default() -> Self {
        Self {
            url: DEFAULT_REDIS_URL.to_owned(),
            timeout: DEFAULT_REDIS_TIMEOUT,
            prefix: DEFAULT_REDIS_PREFIX.to_owned(),
        }
    }
}

/// A `CACHE_*` variable with a value the cache cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}={value:?} is not valid: expected {expected}")]
pub struct CacheConfigError {
    /// The variable, e.g. `CACHE_BACKEND`.
    pub variable: &'static str,
    /// The value found (with any password in a URL hidden).
    pub value: String,
    /// The accepted form, and the reason when there is more to say.
    pub expected: String,
}

impl CacheConfig {
    /// The configuration from this process's environment.
    pub fn from_env() -> Result<Self, CacheConfigError> {
        Self::from_vars(std::env::vars())
    }

    /// The configuration from `vars` (for tests and embedding); other variables are ignored.
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Result<Self, CacheConfigError>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut backend = None;
        let mut url = None;
        let mut timeout = None;
        let mut prefix = None;
        for (name, value) in vars {
            let slot = match name.as_ref() {
                CACHE_BACKEND => &mut backend,
                CACHE_REDIS_URL => &mut url,
                CACHE_REDIS_TIMEOUT_MS => &mut timeout,
                CACHE_REDIS_PREFIX => &mut prefix,
                _ => continue,
            };
            *slot = Some(value.as_ref().to_owned());
        }
        match backend.as_deref().map(parse_backend).transpose()? {
            None | Some(Backend::Memory) => Ok(CacheConfig::Memory),
            Some(Backend::Redis) => {
                let defaults = RedisConfig::default();
                Ok(CacheConfig::Redis(RedisConfig {
                    url: url.map_or(Ok(defaults.url), |url| parse_url(&url))?,
                    timeout: timeout.map_or(Ok(defaults.timeout), |ms| parse_timeout(&ms))?,
                    prefix: prefix.map_or(Ok(defaults.prefix), parse_prefix)?,
                }))
            }
        }
    }
}

enum Backend {
    Memory,
    Redis,
}

fn parse_backend(value: &str) -> Result<Backend, CacheConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "memory" => Ok(Backend::Memory),
        "redis" => Ok(Backend::Redis),
        _ => Err(invalid(CACHE_BACKEND, value, BACKEND_FORM.to_owned())),
    }
}

fn parse_url(value: &str) -> Result<String, CacheConfigError> {
    let url = value.trim();
    connection_info(url)?;
    Ok(url.to_owned())
}

/// What the Redis client makes of `url` (it opens no connection), or the error for
/// `CACHE_REDIS_URL`.
pub(super) fn connection_info(url: &str) -> Result<::redis::ConnectionInfo, CacheConfigError> {
    ::redis::IntoConnectionInfo::into_connection_info(url).map_err(|error| CacheConfigError {
        variable: CACHE_REDIS_URL,
        value: redact_url(url),
        expected: format!(
            "a Redis URL such as {DEFAULT_REDIS_URL}, redis://:password@host:6379/0 or \
             redis+unix:///run/redis.sock (TLS, rediss://, is not built in); \
             the Redis client says: {error}"
        ),
    })
}

fn parse_timeout(value: &str) -> Result<Duration, CacheConfigError> {
    value
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|ms| *ms >= 1)
        .map(Duration::from_millis)
        .ok_or_else(|| invalid(CACHE_REDIS_TIMEOUT_MS, value, TIMEOUT_FORM.to_owned()))
}

fn parse_prefix(value: String) -> Result<String, CacheConfigError> {
    if value.is_empty() {
        return Err(invalid(CACHE_REDIS_PREFIX, &value, PREFIX_FORM.to_owned()));
    }
    Ok(value)
}

fn invalid(variable: &'static str, value: &str, expected: String) -> CacheConfigError {
    CacheConfigError {
        variable,
        value: value.to_owned(),
        expected,
    }
}

/// `url` with its password, if any, replaced by `***`, for messages and logs: the one in the
/// user info (`redis://user:password@host`) and the `pass=` of a Unix socket URL.
pub fn redact_url(url: &str) -> String {
    let (before_query, query) = match url.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (url, None),
    };
    let mut redacted = redact_user_info(before_query);
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some(("pass", _)) => "pass=***".to_owned(),
                _ => pair.to_owned(),
            })
            .collect();
        redacted.push('?');
        redacted.push_str(&pairs.join("&"));
    }
    redacted
}

fn redact_user_info(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let Some((user_info, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    let user_info = match user_info.split_once(':') {
        Some((user, _password)) => format!("{user}:***"),
        None => user_info.to_owned(),
    };
    format!("{scheme}://{user_info}@{host}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<CacheConfig, CacheConfigError> {
        CacheConfig::from_vars(pairs.iter().copied())
    }

    fn redis(pairs: &[(&str, &str)]) -> RedisConfig {
        match parse(pairs) {
            Ok(CacheConfig::Redis(config)) => config,
            other => panic!("expected a Redis configuration, got {other:?}"),
        }
    }

    fn error(pairs: &[(&str, &str)]) -> String {
        match parse(pairs) {
            Ok(config) => panic!("expected an error, got {config:?}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn memory_is_the_default_and_ignores_the_redis_variables() {
        assert_eq!(parse(&[]), Ok(CacheConfig::Memory));
        assert_eq!(parse(&[("HOME", "/root")]), Ok(CacheConfig::Memory));
        assert_eq!(
            parse(&[
                (CACHE_BACKEND, "memory"),
                (CACHE_REDIS_TIMEOUT_MS, "soon"),
                (CACHE_REDIS_URL, "nowhere"),
            ]),
            Ok(CacheConfig::Memory),
            "the Redis variables matter only to the Redis backend"
        );
    }

    #[test]
    fn redis_takes_the_defaults_for_what_is_not_set() {
        assert_eq!(redis(&[(CACHE_BACKEND, "redis")]), RedisConfig::default());
        assert_eq!(
            RedisConfig::default(),
            RedisConfig {
                url: "redis://127.0.0.1:6379".into(),
                timeout: Duration::from_secs(1),
                prefix: "cache:".into(),
            }
        );
    }

    #[test]
    fn redis_reads_every_variable() {
        let config = redis(&[
            (CACHE_BACKEND, " Redis "),
            (CACHE_REDIS_URL, "redis://:s3cret@cache.internal:6380/2"),
            (CACHE_REDIS_TIMEOUT_MS, "250"),
            (CACHE_REDIS_PREFIX, "orders:"),
        ]);
        assert_eq!(
            config,
            RedisConfig {
                url: "redis://:s3cret@cache.internal:6380/2".into(),
                timeout: Duration::from_millis(250),
                prefix: "orders:".into(),
            }
        );
        let unix = redis(&[
            (CACHE_BACKEND, "redis"),
            (CACHE_REDIS_URL, "redis+unix:///run/redis.sock"),
        ]);
        assert_eq!(unix.url, "redis+unix:///run/redis.sock");
    }

    #[test]
    fn an_unknown_backend_is_an_error_not_the_default() {
        assert_eq!(
            error(&[(CACHE_BACKEND, "memcached")]),
            r#"CACHE_BACKEND="memcached" is not valid: expected memory or redis"#
        );
        assert_eq!(
            error(&[(CACHE_BACKEND, "")]),
            r#"CACHE_BACKEND="" is not valid: expected memory or redis"#
        );
    }

    #[test]
    fn bad_timeouts_are_errors() {
        for bad in ["0", "-5", "1.5", "1s", ""] {
            assert_eq!(
                error(&[(CACHE_BACKEND, "redis"), (CACHE_REDIS_TIMEOUT_MS, bad)]),
                format!(
                    "CACHE_REDIS_TIMEOUT_MS={bad:?} is not valid: expected a whole number of \
                     milliseconds of at least 1, such as 1000"
                )
            );
        }
    }

    #[test]
    fn an_empty_prefix_is_an_error_since_clear_would_delete_everything() {
        assert_eq!(
            error(&[(CACHE_BACKEND, "redis"), (CACHE_REDIS_PREFIX, "")]),
            r#"CACHE_REDIS_PREFIX="" is not valid: expected a non-empty key prefix, such as cache: (CACHE.clear deletes every key that starts with it)"#
        );
    }

    #[test]
    fn bad_urls_are_errors_that_hide_the_password() {
        let message = error(&[
            (CACHE_BACKEND, "redis"),
            (CACHE_REDIS_URL, "localhost:6379"),
        ]);
        assert!(
            message.starts_with(
                r#"CACHE_REDIS_URL="localhost:6379" is not valid: expected a Redis URL such as redis://127.0.0.1:6379"#
            ),
            "{message}"
        );
        let message = error(&[
            (CACHE_BACKEND, "redis"),
            (CACHE_REDIS_URL, "http://user:hunter2@host:6379"),
        ]);
        assert!(
            message.starts_with(r#"CACHE_REDIS_URL="http://user:***@host:6379" is not valid"#),
            "{message}"
        );
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn redact_url_hides_only_the_password() {
        assert_eq!(
            redact_url("redis://127.0.0.1:6379"),
            "redis://127.0.0.1:6379"
        );
        assert_eq!(
            redact_url("redis://:pw@host:6379/0"),
            "redis://:***@host:6379/0"
        );
        assert_eq!(
            redact_url("redis://ada:p@ss@host/1?protocol=resp3"),
            "redis://ada:***@host/1?protocol=resp3"
        );
        assert_eq!(redact_url("redis://ada@host"), "redis://ada@host");
        assert_eq!(
            redact_url("redis+unix:///run/redis.sock?db=1&pass=pw"),
            "redis+unix:///run/redis.sock?db=1&pass=***"
        );
        assert_eq!(redact_url("not a url"), "not a url");
    }
}
