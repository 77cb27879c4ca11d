//! Free-tier protection settings: environment variables or a builder.

use super::clock::{SystemWallClock, WallClock};
use super::store::{MemoryStore, UsageStore};
use crate::lmms::ConfigError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// What the protection levels are decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The use so far.
    Actual,
    /// The month-end projection.
    Projected,
    /// The higher of the two (the default).
    Both,
}

/// Free-tier limits, thresholds and where usage is kept.
///
/// Defaults: the Lambda free tier (1,000,000 requests and 400,000 GB-seconds a month), levels
/// at 75% (warn), 85% (throttle) and 95% (block) of the higher of actual and projected use,
/// usage kept in memory (per execution environment: an estimate), 128 MB when
/// `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` is not set.
#[derive(Clone)]
#[non_exhaustive]
pub struct FreeTierConfig {
    /// `FREE_TIER_PROTECTION`: whether throttle and block reject calls (usage is tracked
    /// either way).
    pub protection: bool,
    /// `FREE_TIER_OVERRIDE`: the operator's emergency override, which lifts protection and is
    /// logged.
    pub override_protection: bool,
    /// `FREE_TIER_REQUESTS`: requests a month.
    pub requests: u64,
    /// `FREE_TIER_GB_SECONDS`: GB-seconds a month.
    pub gb_seconds: f64,
    /// `FREE_TIER_WARN` (percent): the warning threshold, as a fraction.
    pub warn: f64,
    /// `FREE_TIER_THROTTLE` (percent).
    pub throttle: f64,
    /// `FREE_TIER_BLOCK` (percent).
    pub block: f64,
    /// `FREE_TIER_BASIS`: `actual`, `projected` or `both`.
    pub basis: Basis,
    /// `FREE_TIER_RETRY_AFTER` (seconds): the retry hint of throttled calls.
    pub retry_after: Duration,
    /// `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` (MB): the configured memory invocations are billed for.
    pub memory_mb: u64,
    /// How often the shared store is read again at the start of an invocation, to learn the
    /// other instances' use.
    pub refresh_interval: Duration,
    /// Where usage is kept (`FREE_TIER_STORE`: `memory`, `file`, `redis`).
    pub store: Arc<dyn UsageStore>,
    /// The calendar clock.
    pub clock: Arc<dyn WallClock>,
}

impl Default for FreeTierConfig {
    fn default() -> Self {
        Self {
            protection: true,
            override_protection: false,
            requests: 1_000_000,
            gb_seconds: 400_000.0,
            warn: 0.75,
            throttle: 0.85,
            block: 0.95,
            basis: Basis::Both,
            retry_after: Duration::from_secs(60),
            memory_mb: 128,
            refresh_interval: Duration::from_secs(10),
            store: Arc::new(MemoryStore::default()),
            clock: Arc::new(SystemWallClock),
        }
    }
}

impl fmt::Debug for FreeTierConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FreeTierConfig")
            .field("protection", &self.protection)
            .field("override_protection", &self.override_protection)
            .field("requests", &self.requests)
            .field("gb_seconds", &self.gb_seconds)
            .field("levels", &(self.warn, self.throttle, self.block))
            .field("basis", &self.basis)
            .field("memory_mb", &self.memory_mb)
            .field("store", &self.store.name())
            .finish_non_exhaustive()
    }
}

/// `FREE_TIER_PROTECTION`.
pub const FREE_TIER_PROTECTION: &str = "FREE_TIER_PROTECTION";
/// `FREE_TIER_OVERRIDE`.
pub const FREE_TIER_OVERRIDE: &str = "FREE_TIER_OVERRIDE";
/// `FREE_TIER_REQUESTS`.
pub const FREE_TIER_REQUESTS: &str = "FREE_TIER_REQUESTS";
/// `FREE_TIER_GB_SECONDS`.
pub const FREE_TIER_GB_SECONDS: &str = "FREE_TIER_GB_SECONDS";
/// `FREE_TIER_WARN`.
pub const FREE_TIER_WARN: &str = "FREE_TIER_WARN";
/// `FREE_TIER_THROTTLE`.
pub const FREE_TIER_THROTTLE: &str = "FREE_TIER_THROTTLE";
/// `FREE_TIER_BLOCK`.
pub const FREE_TIER_BLOCK: &str = "FREE_TIER_BLOCK";
/// `FREE_TIER_BASIS`.
pub const FREE_TIER_BASIS: &str = "FREE_TIER_BASIS";
/// `FREE_TIER_RETRY_AFTER`.
pub const FREE_TIER_RETRY_AFTER: &str = "FREE_TIER_RETRY_AFTER";
/// `FREE_TIER_STORE`.
pub const FREE_TIER_STORE: &str = "FREE_TIER_STORE";
/// `FREE_TIER_FILE`.
pub const FREE_TIER_FILE: &str = "FREE_TIER_FILE";
/// `FREE_TIER_REDIS_URL`.
pub const FREE_TIER_REDIS_URL: &str = "FREE_TIER_REDIS_URL";
/// `FREE_TIER_REDIS_KEY`.
pub const FREE_TIER_REDIS_KEY: &str = "FREE_TIER_REDIS_KEY";
/// `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`, set by Lambda.
pub const AWS_LAMBDA_FUNCTION_MEMORY_SIZE: &str = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";

const PERCENT: &str = "a percentage between 0 and 100, such as 85";
const POSITIVE: &str = "a positive whole number, such as 1000000";
const POSITIVE_REAL: &str = "a positive number, such as 400000";
pub(crate) const STORES: &str = "memory, file or redis";
const MEGABYTES: &str = "a memory size in MB, from 128 to 10240";

impl FreeTierConfig {
    /// Applies one environment variable; variables it does not know are left alone (false).
    pub(crate) fn apply(
        &mut self,
        name: &str,
        value: &str,
        vars: &Vars,
    ) -> Result<bool, ConfigError> {
        use crate::lmms::config::parse_bool;
        let trimmed = value.trim();
        match name {
            FREE_TIER_PROTECTION => self.protection = parse_bool(FREE_TIER_PROTECTION, value)?,
            FREE_TIER_OVERRIDE => self.override_protection = parse_bool(FREE_TIER_OVERRIDE, value)?,
            FREE_TIER_REQUESTS => {
                self.requests = trimmed
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| error(FREE_TIER_REQUESTS, value, POSITIVE))?;
            }
            FREE_TIER_GB_SECONDS => {
                self.gb_seconds = trimmed
                    .parse()
                    .ok()
                    .filter(|n: &f64| n.is_finite() && *n > 0.0)
                    .ok_or_else(|| error(FREE_TIER_GB_SECONDS, value, POSITIVE_REAL))?;
            }
            FREE_TIER_WARN => self.warn = percent(FREE_TIER_WARN, value)?,
            FREE_TIER_THROTTLE => self.throttle = percent(FREE_TIER_THROTTLE, value)?,
            FREE_TIER_BLOCK => self.block = percent(FREE_TIER_BLOCK, value)?,
            FREE_TIER_BASIS => {
                self.basis = match trimmed.to_ascii_lowercase().as_str() {
                    "actual" => Basis::Actual,
                    "projected" => Basis::Projected,
                    "both" => Basis::Both,
                    _ => return Err(error(FREE_TIER_BASIS, value, "actual, projected or both")),
                }
            }
            FREE_TIER_RETRY_AFTER => {
                self.retry_after = crate::lmms::config::parse_seconds(FREE_TIER_RETRY_AFTER, value)?
            }
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE => {
                self.memory_mb = trimmed
                    .parse()
                    .ok()
                    .filter(|mb| (128..=10_240).contains(mb))
                    .ok_or_else(|| error(AWS_LAMBDA_FUNCTION_MEMORY_SIZE, value, MEGABYTES))?;
            }
            FREE_TIER_STORE => self.store = super::store::from_vars(value, vars)?,
            FREE_TIER_FILE | FREE_TIER_REDIS_URL | FREE_TIER_REDIS_KEY => {
                if vars.get(FREE_TIER_STORE).is_none() {
                    return Err(ConfigError {
                        variable: name_static(name),
                        value: value.to_owned(),
                        expected: "FREE_TIER_STORE to be set too (file or redis), to say which store it configures",
                    });
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Checks what single variables cannot: the thresholds must rise.
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if !(self.warn <= self.throttle && self.throttle <= self.block) {
            return Err(ConfigError {
                variable: FREE_TIER_THROTTLE,
                value: format!(
                    "warn {}%, throttle {}%, block {}%",
                    self.warn * 100.0,
                    self.throttle * 100.0,
                    self.block * 100.0
                ),
                expected: "FREE_TIER_WARN <= FREE_TIER_THROTTLE <= FREE_TIER_BLOCK",
            });
        }
        Ok(())
    }

    /// Sets the limits.
    pub fn limits(mut self, requests: u64, gb_seconds: f64) -> Self {
        self.requests = requests.max(1);
        self.gb_seconds = if gb_seconds > 0.0 { gb_seconds } else { 1.0 };
        self
    }

    /// Sets the thresholds (fractions, such as 0.85).
    pub fn levels(mut self, warn: f64, throttle: f64, block: f64) -> Self {
        self.warn = warn;
        self.throttle = throttle;
        self.block = block;
        self
    }

    /// Sets the basis.
    pub fn basis(mut self, basis: Basis) -> Self {
        self.basis = basis;
        self
    }

    /// Sets the store.
    pub fn store(mut self, store: Arc<dyn UsageStore>) -> Self {
        self.store = store;
        self
    }

    /// Sets the clock.
    pub fn clock(mut self, clock: Arc<dyn WallClock>) -> Self {
        self.clock = clock;
        self
    }

    /// Sets the memory invocations are billed for, in MB.
    pub fn memory_mb(mut self, mb: u64) -> Self {
        self.memory_mb = mb;
        self
    }

    /// Turns the operator's override on or off.
    pub fn override_protection(mut self, on: bool) -> Self {
        self.override_protection = on;
        self
    }

    /// Turns protection on or off.
    pub fn protection(mut self, on: bool) -> Self {
        self.protection = on;
        self
    }

    /// Sets how often the shared store is read again.
    pub fn refresh_interval(mut self, interval: Duration) -> Self {
        self.refresh_interval = interval;
        self
    }
}

/// The environment variables being read, for settings that depend on one another.
pub(crate) struct Vars(pub Vec<(String, String)>);

impl Vars {
    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn percent(variable: &'static str, value: &str) -> Result<f64, ConfigError> {
    value
        .trim()
        .trim_end_matches('%')
        .parse::<f64>()
        .ok()
        .filter(|p| (0.0..=100.0).contains(p))
        .map(|p| p / 100.0)
        .ok_or_else(|| error(variable, value, PERCENT))
}

pub(crate) fn error(variable: &'static str, value: &str, expected: &'static str) -> ConfigError {
    ConfigError {
        variable,
        value: value.to_owned(),
        expected,
    }
}

fn name_static(name: &str) -> &'static str {
    match name {
        FREE_TIER_FILE => FREE_TIER_FILE,
        FREE_TIER_REDIS_URL => FREE_TIER_REDIS_URL,
        _ => FREE_TIER_REDIS_KEY,
    }
}
