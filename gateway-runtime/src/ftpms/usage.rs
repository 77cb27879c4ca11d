//! Usage as AWS bills it: requests, and memory × billed duration.

use chrono::{DateTime, Datelike, Duration as Span, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// A calendar month in UTC: usage is counted per month, as the free tier is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Month {
    /// The year, e.g. 2026.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
}

impl Month {
    /// The month `at` falls in.
    pub fn of(at: DateTime<Utc>) -> Self {
        Self {
            year: at.year(),
            month: at.month(),
        }
    }

    /// Its first instant.
    pub fn start(self) -> DateTime<Utc> {
        Utc.from_utc_datetime(&self.first_day().and_hms_opt(0, 0, 0).unwrap_or_default())
    }

    /// How long it lasts (28 to 31 days).
    pub fn length(self) -> Span {
        self.next().start() - self.start()
    }

    /// The month after.
    pub fn next(self) -> Self {
        match self.month {
            12 => Self {
                year: self.year + 1,
                month: 1,
            },
            month => Self {
                year: self.year,
                month: month + 1,
            },
        }
    }

    fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Usage counted in whole units, so that stores can add it atomically: requests, and
/// megabyte-milliseconds (configured memory in MB × billed milliseconds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Invocations.
    pub requests: u64,
    /// Memory × billed duration, in MB·ms.
    pub mb_ms: u64,
}

/// MB·ms in one GB-second, as AWS counts (1 GB = 1024 MB).
pub const MB_MS_PER_GB_SECOND: f64 = 1024.0 * 1000.0;

impl Usage {
    /// One invocation of `duration` (plus `init` on a cold start) with `memory_mb` configured:
    /// billed durations round up to the millisecond.
    pub fn invocation(memory_mb: u64, duration: Duration, init: Option<Duration>) -> Self {
        let billed_ms = billed_ms(duration) + init.map_or(0, billed_ms);
        Self {
            requests: 1,
            mb_ms: memory_mb.saturating_mul(billed_ms),
        }
    }

    /// GB-seconds.
    pub fn gb_seconds(self) -> f64 {
        self.mb_ms as f64 / MB_MS_PER_GB_SECOND
    }

    /// The sum of two usages.
    pub fn plus(self, other: Usage) -> Usage {
        Usage {
            requests: self.requests.saturating_add(other.requests),
            mb_ms: self.mb_ms.saturating_add(other.mb_ms),
        }
    }
}

/// Milliseconds, rounded up.
fn billed_ms(duration: Duration) -> u64 {
    let nanos = duration.as_nanos();
    u64::try_from(nanos.div_ceil(1_000_000)).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_rounds_up_to_the_millisecond_and_counts_init_on_cold_starts() {
        let warm = Usage::invocation(128, Duration::from_micros(1_200), None);
        assert_eq!(
            warm,
            Usage {
                requests: 1,
                mb_ms: 128 * 2
            }
        );
        let cold = Usage::invocation(
            1024,
            Duration::from_millis(3),
            Some(Duration::from_micros(100)),
        );
        assert_eq!(cold.mb_ms, 1024 * 4);
        let exact = Usage::invocation(512, Duration::from_millis(1000), None);
        assert_eq!(exact.gb_seconds(), 0.5);
    }

    #[test]
    fn months_roll_over_and_know_their_length() {
        let december = Month {
            year: 2026,
            month: 12,
        };
        assert_eq!(
            december.next(),
            Month {
                year: 2027,
                month: 1
            }
        );
        assert_eq!(december.length(), Span::days(31));
        assert_eq!(
            Month {
                year: 2028,
                month: 2
            }
            .length(),
            Span::days(29)
        );
        assert_eq!(december.to_string(), "2026-12");
        let at = Utc.with_ymd_and_hms(2026, 11, 30, 23, 59, 59).unwrap();
        assert_eq!(
            Month::of(at),
            Month {
                year: 2026,
                month: 11
            }
        );
    }
}
