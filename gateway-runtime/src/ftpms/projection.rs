//! Month-end projection and protection levels.
//!
//! The projection extends the month's use so far at its average rate:
//! `projected = used × month length / elapsed`. In the first hours of a month that rate is
//! measured over too short a time to mean anything (one request in the first minute would
//! project to 44,640), so `elapsed` counts as at least one day: until the first day is over, the
//! projection assumes the use so far is a whole day's use. It is never below the actual use.

use super::config::{Basis, FreeTierConfig};
use super::usage::{Month, Usage};
use chrono::{DateTime, Duration as Span, Utc};
use serde::Serialize;

/// The shortest span a rate is measured over.
pub const MIN_ELAPSED: Span = Span::days(1);

/// Month-end usage if the month goes on as it went so far.
pub fn project(used: Usage, now: DateTime<Utc>) -> (f64, f64) {
    let month = Month::of(now);
    let elapsed = (now - month.start()).max(MIN_ELAPSED);
    let factor = (month.length().as_seconds_f64() / elapsed.as_seconds_f64()).max(1.0);
    (used.requests as f64 * factor, used.gb_seconds() * factor)
}

/// How close to the limits a service is, from normal to blocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Below the warning threshold.
    Normal,
    /// Warned (logged once on entering the level).
    Warn,
    /// Non-critical operations are rejected with a retry hint.
    Throttle,
    /// Only critical operations run.
    Block,
}

impl Level {
    /// The level of a fraction of the limits.
    pub fn of(fraction: f64, config: &FreeTierConfig) -> Self {
        if fraction >= config.block {
            Level::Block
        } else if fraction >= config.throttle {
            Level::Throttle
        } else if fraction >= config.warn {
            Level::Warn
        } else {
            Level::Normal
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Level::Normal => "normal",
            Level::Warn => "warn",
            Level::Throttle => "throttle",
            Level::Block => "block",
        }
    }

    /// A number for metrics: 0 to 3.
    pub fn number(self) -> u8 {
        self as u8
    }

    pub(crate) fn from_number(number: u8) -> Self {
        match number {
            0 => Level::Normal,
            1 => Level::Warn,
            2 => Level::Throttle,
            _ => Level::Block,
        }
    }
}

/// Where a month's usage stands.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    /// Fraction of each limit used so far: (requests, GB-seconds).
    pub used: (f64, f64),
    /// Fraction of each limit projected at month end.
    pub projected: (f64, f64),
    /// The fraction the level is decided on (per the configured basis, the higher resource).
    pub fraction: f64,
    /// The level that fraction falls in.
    pub level: Level,
}

/// Where `used` stands at `now` against the limits of `config`.
pub fn standing(used: Usage, now: DateTime<Utc>, config: &FreeTierConfig) -> Standing {
    let (projected_requests, projected_gb_s) = project(used, now);
    let used = (
        used.requests as f64 / config.requests as f64,
        used.gb_seconds() / config.gb_seconds,
    );
    let projected = (
        projected_requests / config.requests as f64,
        projected_gb_s / config.gb_seconds,
    );
    let actual = used.0.max(used.1);
    let expected = projected.0.max(projected.1);
    let fraction = match config.basis {
        Basis::Actual => actual,
        Basis::Projected => expected,
        Basis::Both => actual.max(expected),
    };
    Standing {
        used,
        projected,
        fraction,
        level: Level::of(fraction, config),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn the_projection_extends_the_average_rate_to_month_end() {
        let used = Usage {
            requests: 100_000,
            mb_ms: 0,
        };
        // Day 10 of 30 over: a third of the month.
        let (requests, _) = project(used, at(11, 0));
        assert!((requests - 300_000.0).abs() < 1e-6, "{requests}");
    }

    #[test]
    fn in_the_first_day_the_use_so_far_counts_as_one_days_use() {
        let used = Usage {
            requests: 1_000,
            mb_ms: 0,
        };
        for hour in [0, 1, 6, 23] {
            let (requests, _) = project(used, at(1, hour));
            assert!(
                (requests - 30_000.0).abs() < 1e-6,
                "hour {hour}: {requests}"
            );
        }
        let (requests, _) = project(used, at(3, 0));
        assert!(
            (requests - 15_000.0).abs() < 1e-6,
            "after two days: {requests}"
        );
    }

    #[test]
    fn on_the_last_instant_the_projection_is_the_use() {
        let used = Usage {
            requests: 7,
            mb_ms: 1_024_000,
        };
        let (requests, gb_s) = project(
            used,
            Utc.with_ymd_and_hms(2026, 11, 30, 23, 59, 59).unwrap(),
        );
        assert!((requests - 7.0).abs() < 0.01 && (gb_s - 1.0).abs() < 0.01);
    }

    #[test]
    fn levels_follow_the_thresholds_and_the_basis() {
        let config = FreeTierConfig::default();
        assert_eq!(Level::of(0.749, &config), Level::Normal);
        assert_eq!(Level::of(0.75, &config), Level::Warn);
        assert_eq!(Level::of(0.85, &config), Level::Throttle);
        assert_eq!(Level::of(0.95, &config), Level::Block);
        // 20% used on day 6 of 30 projects to 100%.
        let used = Usage {
            requests: 200_000,
            mb_ms: 0,
        };
        let both = standing(used, at(7, 0), &config);
        assert_eq!(both.level, Level::Block);
        let actual = standing(used, at(7, 0), &config.clone().basis(Basis::Actual));
        assert_eq!(actual.level, Level::Normal);
        // GB-seconds count as much as requests.
        let heavy = Usage {
            requests: 1,
            mb_ms: (380_000.0 * 1024.0 * 1000.0) as u64,
        };
        assert_eq!(
            standing(heavy, at(30, 23), &config.basis(Basis::Actual)).level,
            Level::Block
        );
    }
}
