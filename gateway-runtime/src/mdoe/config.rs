//! Result-cache settings: `RESULT_CACHE_*` variables, or a builder.

use crate::lmms::ConfigError;
use crate::lmms::config::{parse_bool, parse_seconds};
use std::time::Duration;

/// `RESULT_CACHE_ENABLED`.
pub const RESULT_CACHE_ENABLED: &str = "RESULT_CACHE_ENABLED";
/// `RESULT_CACHE_CAPACITY`.
pub const RESULT_CACHE_CAPACITY: &str = "RESULT_CACHE_CAPACITY";
/// `RESULT_CACHE_TTL`.
pub const RESULT_CACHE_TTL: &str = "RESULT_CACHE_TTL";

const CAPACITY: &str = "a whole number of entries of at least 1, such as 10000";
const TTL: &str = "a number of seconds greater than 0, such as 60 or 0.5";

/// How results of `cacheable` operations are cached.
///
/// ```
/// use gateway_runtime::mdoe::CacheConfig;
/// use std::time::Duration;
///
/// let config = CacheConfig::default().capacity(500).default_ttl(Duration::from_secs(5));
/// assert_eq!(config.capacity, 500);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheConfig {
    /// `RESULT_CACHE_ENABLED`: cache results at all (default true). Off, every call runs.
    pub enabled: bool,
    /// `RESULT_CACHE_CAPACITY`: the most results kept per operation (default 10,000); past
    /// it, the least useful entries are evicted.
    pub capacity: u64,
    /// `RESULT_CACHE_TTL` (seconds): how long results of an operation declared
    /// `cacheable: true`, without a TTL of its own, stay valid (default 60 s).
    pub default_ttl: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            capacity: 10_000,
            default_ttl: Duration::from_secs(60),
        }
    }
}

impl CacheConfig {
    /// Sets `enabled`.
    pub fn enabled(mut self, on: bool) -> Self {
        self.enabled = on;
        self
    }

    /// Sets `capacity` (at least 1).
    pub fn capacity(mut self, entries: u64) -> Self {
        self.capacity = entries.max(1);
        self
    }

    /// Sets `default_ttl` (at least 1 ms).
    pub fn default_ttl(mut self, ttl: Duration) -> Self {
        self.default_ttl = ttl.max(Duration::from_millis(1));
        self
    }

    /// Applies the variable `name` if it is one of `RESULT_CACHE_*`; `Ok(false)` otherwise.
    pub(crate) fn apply(&mut self, name: &str, value: &str) -> Result<bool, ConfigError> {
        match name {
            RESULT_CACHE_ENABLED => self.enabled = parse_bool(RESULT_CACHE_ENABLED, value)?,
            RESULT_CACHE_CAPACITY => {
                self.capacity = value
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| invalid(RESULT_CACHE_CAPACITY, value, CAPACITY))?;
            }
            RESULT_CACHE_TTL => {
                self.default_ttl = parse_seconds(RESULT_CACHE_TTL, value)
                    .ok()
                    .filter(|ttl| !ttl.is_zero())
                    .ok_or_else(|| invalid(RESULT_CACHE_TTL, value, TTL))?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

fn invalid(variable: &'static str, value: &str, expected: &'static str) -> ConfigError {
    ConfigError {
        variable,
        value: value.to_owned(),
        expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_read_and_bad_values_name_the_variable() {
        let mut config = CacheConfig::default();
        assert!(config.apply(RESULT_CACHE_CAPACITY, "25").unwrap());
        assert!(config.apply(RESULT_CACHE_TTL, "0.5").unwrap());
        assert!(config.apply(RESULT_CACHE_ENABLED, "off").unwrap());
        assert!(!config.apply("UNRELATED", "x").unwrap());
        assert_eq!(config.capacity, 25);
        assert_eq!(config.default_ttl, Duration::from_millis(500));
        assert!(!config.enabled);

        let error = config.apply(RESULT_CACHE_CAPACITY, "0").unwrap_err();
        assert_eq!(error.variable, RESULT_CACHE_CAPACITY);
        assert!(error.to_string().contains("at least 1"), "{error}");
        let error = config.apply(RESULT_CACHE_TTL, "0").unwrap_err();
        assert_eq!(error.variable, RESULT_CACHE_TTL);
        assert!(error.to_string().contains("greater than 0"), "{error}");
        let error = config.apply(RESULT_CACHE_ENABLED, "maybe").unwrap_err();
        assert!(error.to_string().contains("true or false"), "{error}");
    }
}
