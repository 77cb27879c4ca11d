//! LMMS configuration: the seed's environment variables, or a builder.

use super::clock::{Clock, SystemClock};
use crate::ftpms::FreeTierConfig;
use crate::ftpms::config::Vars;
use crate::mdoe::CacheConfig;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// How the runtime loads, unloads and fast-paths interface state.
///
/// Defaults are the seed's: lazy loading with critical interfaces preloaded, unloading after a
/// 30 s grace period while more than 8 modules are loaded, and a fast path after 10 calls that
/// also keeps hot modules resident.
///
/// ```
/// use gateway_runtime::Config;
/// use std::time::Duration;
///
/// let config = Config::default().grace_period(Duration::from_secs(5)).min_resident(0);
/// let from_env = Config::from_vars([("FAST_PATH_THRESHOLD", "3")]).unwrap();
/// assert_eq!(from_env.fast_path_threshold, 3);
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// `LAZY_LOADING_ENABLED`: create state on first use; when off, every module at start-up.
    pub lazy_loading: bool,
    /// `PRELOAD_CRITICAL_MODULES`: create at start-up the state of interfaces that have a
    /// `priority: critical` operation.
    pub preload_critical: bool,
    /// `ENABLE_MODULE_UNLOADING`: let maintenance unload idle modules.
    pub unloading: bool,
    /// `UNLOAD_GRACE_PERIOD` (seconds): how long a module stays after its last use.
    pub grace_period: Duration,
    /// `MIN_RESIDENT_MODULES`: unload only while more than this many modules are loaded.
    pub min_resident: usize,
    /// `ENABLE_FAST_PATH`: give hot operations the fast path.
    pub fast_path: bool,
    /// `FAST_PATH_THRESHOLD`: calls after which an operation is hot.
    pub fast_path_threshold: u64,
    /// `HOT_PATH_PROTECTION`: keep modules of hot operations loaded.
    pub hot_path_protection: bool,
    /// After unloading, ask the allocator to give freed memory back to the system (glibc's
    /// `malloc_trim`); not an environment variable.
    pub release_memory: bool,
    /// The clock of grace periods and stats (not an environment variable).
    pub clock: Arc<dyn Clock>,
    /// Free-tier protection (`FREE_TIER_*` variables and `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`).
    pub free_tier: FreeTierConfig,
    /// The result cache of `cacheable` operations (`RESULT_CACHE_*` variables).
    pub result_cache: CacheConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            lazy_loading: true,
            preload_critical: true,
            unloading: true,
            grace_period: Duration::from_secs(30),
            min_resident: 8,
            fast_path: true,
            fast_path_threshold: 10,
            hot_path_protection: true,
            release_memory: true,
            clock: Arc::new(SystemClock::new()),
            free_tier: FreeTierConfig::default(),
            result_cache: CacheConfig::default(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("lazy_loading", &self.lazy_loading)
            .field("preload_critical", &self.preload_critical)
            .field("unloading", &self.unloading)
            .field("grace_period", &self.grace_period)
            .field("min_resident", &self.min_resident)
            .field("fast_path", &self.fast_path)
            .field("fast_path_threshold", &self.fast_path_threshold)
            .field("hot_path_protection", &self.hot_path_protection)
            .field("release_memory", &self.release_memory)
            .field("free_tier", &self.free_tier)
            .field("result_cache", &self.result_cache)
            .finish_non_exhaustive()
    }
}

/// An environment variable with a value the runtime cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}={value:?} is not valid: expected {expected}")]
pub struct ConfigError {
    /// The variable, e.g. `UNLOAD_GRACE_PERIOD`.
    pub variable: &'static str,
    /// The value found.
    pub value: String,
    /// The accepted form.
    pub expected: &'static str,
}

const BOOL: &str = "true or false (also 1/0, yes/no, on/off)";
const SECONDS: &str = "a number of seconds, such as 30 or 0.5";
const COUNT: &str = "a whole number, such as 8";
const THRESHOLD: &str = "a whole number of calls of at least 1, such as 10";

impl Config {
    /// The seed's environment variables over the defaults; unset variables keep the default.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(std::env::vars())
    }

    /// [`Config::from_env`] over any list of variables (for tests and embedding).
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Result<Self, ConfigError>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut config = Self::default();
        let vars = Vars(
            vars.into_iter()
                .map(|(n, v)| (n.as_ref().to_owned(), v.as_ref().to_owned()))
                .collect(),
        );
        for (name, value) in &vars.0 {
            let value = value.as_str();
            if config.free_tier.apply(name, value, &vars)?
                || config.result_cache.apply(name, value)?
            {
                continue;
            }
            match name.as_str() {
                LAZY_LOADING_ENABLED => {
                    config.lazy_loading = parse_bool(LAZY_LOADING_ENABLED, value)?
                }
                PRELOAD_CRITICAL_MODULES => {
                    config.preload_critical = parse_bool(PRELOAD_CRITICAL_MODULES, value)?
                }
                ENABLE_MODULE_UNLOADING => {
                    config.unloading = parse_bool(ENABLE_MODULE_UNLOADING, value)?
                }
                ENABLE_FAST_PATH => config.fast_path = parse_bool(ENABLE_FAST_PATH, value)?,
                HOT_PATH_PROTECTION => {
                    config.hot_path_protection = parse_bool(HOT_PATH_PROTECTION, value)?
                }
                UNLOAD_GRACE_PERIOD => {
                    config.grace_period = parse_seconds(UNLOAD_GRACE_PERIOD, value)?
                }
                MIN_RESIDENT_MODULES => {
                    config.min_resident = parse_count(MIN_RESIDENT_MODULES, value, COUNT, 0)?
                }
                FAST_PATH_THRESHOLD => {
                    config.fast_path_threshold =
                        parse_count(FAST_PATH_THRESHOLD, value, THRESHOLD, 1)? as u64;
                }
                _ => {}
            }
        }
        config.free_tier.validate()?;
        Ok(config)
    }

    /// Sets `lazy_loading`.
    pub fn lazy_loading(mut self, on: bool) -> Self {
        self.lazy_loading = on;
        self
    }

    /// Sets `preload_critical`.
    pub fn preload_critical(mut self, on: bool) -> Self {
        self.preload_critical = on;
        self
    }

    /// Sets `unloading`.
    pub fn unloading(mut self, on: bool) -> Self {
        self.unloading = on;
        self
    }

    /// Sets `grace_period`.
    pub fn grace_period(mut self, period: Duration) -> Self {
        self.grace_period = period;
        self
    }

    /// Sets `min_resident`.
    pub fn min_resident(mut self, modules: usize) -> Self {
        self.min_resident = modules;
        self
    }

    /// Sets `fast_path`.
    pub fn fast_path(mut self, on: bool) -> Self {
        self.fast_path = on;
        self
    }

    /// Sets `fast_path_threshold` (at least 1).
    pub fn fast_path_threshold(mut self, calls: u64) -> Self {
        self.fast_path_threshold = calls.max(1);
        self
    }

    /// Sets `hot_path_protection`.
    pub fn hot_path_protection(mut self, on: bool) -> Self {
        self.hot_path_protection = on;
        self
    }

    /// Sets `release_memory`.
    pub fn release_memory(mut self, on: bool) -> Self {
        self.release_memory = on;
        self
    }

    /// Sets the clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Sets free-tier protection.
    pub fn free_tier(mut self, free_tier: FreeTierConfig) -> Self {
        self.free_tier = free_tier;
        self
    }

    /// Sets the result cache's configuration.
    pub fn result_cache(mut self, result_cache: CacheConfig) -> Self {
        self.result_cache = result_cache;
        self
    }
}

/// `LAZY_LOADING_ENABLED`.
pub const LAZY_LOADING_ENABLED: &str = "LAZY_LOADING_ENABLED";
/// `PRELOAD_CRITICAL_MODULES`.
pub const PRELOAD_CRITICAL_MODULES: &str = "PRELOAD_CRITICAL_MODULES";
/// `ENABLE_MODULE_UNLOADING`.
pub const ENABLE_MODULE_UNLOADING: &str = "ENABLE_MODULE_UNLOADING";
/// `UNLOAD_GRACE_PERIOD`.
pub const UNLOAD_GRACE_PERIOD: &str = "UNLOAD_GRACE_PERIOD";
/// `MIN_RESIDENT_MODULES`.
pub const MIN_RESIDENT_MODULES: &str = "MIN_RESIDENT_MODULES";
/// `ENABLE_FAST_PATH`.
pub const ENABLE_FAST_PATH: &str = "ENABLE_FAST_PATH";
/// `FAST_PATH_THRESHOLD`.
pub const FAST_PATH_THRESHOLD: &str = "FAST_PATH_THRESHOLD";
/// `HOT_PATH_PROTECTION`.
pub const HOT_PATH_PROTECTION: &str = "HOT_PATH_PROTECTION";

fn invalid(variable: &'static str, value: &str, expected: &'static str) -> ConfigError {
    ConfigError {
        variable,
        value: value.to_owned(),
        expected,
    }
}

pub(crate) fn parse_bool(variable: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(invalid(variable, value, BOOL)),
    }
}

pub(crate) fn parse_seconds(variable: &'static str, value: &str) -> Result<Duration, ConfigError> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| invalid(variable, value, SECONDS))
}

fn parse_count(
    variable: &'static str,
    value: &str,
    expected: &'static str,
    min: usize,
) -> Result<usize, ConfigError> {
    value
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| *n >= min)
        .ok_or_else(|| invalid(variable, value, expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_defaults() {
        let config = Config::from_vars(Vec::<(String, String)>::new()).unwrap();
        assert!(config.lazy_loading && config.preload_critical && config.unloading);
        assert_eq!(
            (config.grace_period, config.min_resident),
            (Duration::from_secs(30), 8)
        );
        assert!(config.fast_path && config.hot_path_protection);
        assert_eq!(config.fast_path_threshold, 10);
    }

    #[test]
    fn every_variable_is_read() {
        let config = Config::from_vars([
            ("LAZY_LOADING_ENABLED", "false"),
            ("PRELOAD_CRITICAL_MODULES", "0"),
            ("ENABLE_MODULE_UNLOADING", "off"),
            ("UNLOAD_GRACE_PERIOD", "2.5"),
            ("MIN_RESIDENT_MODULES", "0"),
            ("ENABLE_FAST_PATH", "NO"),
            ("FAST_PATH_THRESHOLD", " 3 "),
            ("HOT_PATH_PROTECTION", "False"),
            ("UNRELATED", "whatever"),
        ])
        .unwrap();
        assert!(!config.lazy_loading && !config.preload_critical && !config.unloading);
        assert_eq!(config.grace_period, Duration::from_millis(2500));
        assert_eq!((config.min_resident, config.fast_path_threshold), (0, 3));
        assert!(!config.fast_path && !config.hot_path_protection);
    }

    #[test]
    fn bad_values_name_the_variable_and_the_accepted_form() {
        let cases = [
            ("LAZY_LOADING_ENABLED", "maybe", BOOL),
            ("HOT_PATH_PROTECTION", "", BOOL),
            ("UNLOAD_GRACE_PERIOD", "30s", SECONDS),
            ("UNLOAD_GRACE_PERIOD", "-1", SECONDS),
            ("UNLOAD_GRACE_PERIOD", "inf", SECONDS),
            ("MIN_RESIDENT_MODULES", "-2", COUNT),
            ("MIN_RESIDENT_MODULES", "eight", COUNT),
            ("FAST_PATH_THRESHOLD", "0", THRESHOLD),
            ("FAST_PATH_THRESHOLD", "1e3", THRESHOLD),
        ];
        for (variable, value, expected) in cases {
            let error = Config::from_vars([(variable, value)]).unwrap_err();
            assert_eq!((error.variable, error.expected), (variable, expected));
            assert_eq!(
                error.to_string(),
                format!("{variable}={value:?} is not valid: expected {expected}")
            );
        }
    }
}
