//! FTPMS on a generated gateway, with a wall clock set by hand: month rollover, the first-day
//! projection, each level's behaviour (critical operations run under block), the operator's
//! override, concurrent callers at the block boundary, a failing store, and configuration
//! from the environment.

use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use gateway_runtime::ftpms::{
    Basis, FileStore, FreeTierConfig, Level, ManualWallClock, MemoryStore, Month, StoreError,
    Usage, UsageStore,
};
use gateway_runtime::{Config, GatewayError, operation};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

gateway_runtime::gateway!();

use gateway::Gateway;

#[operation(JOBS.work)]
fn work() -> i64 {
    1
}

#[operation(JOBS.alert)]
fn alert() -> i64 {
    2
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
}

/// A gateway whose free tier allows `requests` a month, deciding on actual use only.
fn gateway(requests: u64, clock: &ManualWallClock) -> Gateway {
    gateway_with(
        FreeTierConfig::default()
            .limits(requests, 400_000.0)
            .basis(Basis::Actual)
            .clock(Arc::new(clock.clone())),
    )
}

fn gateway_with(free_tier: FreeTierConfig) -> Gateway {
    Gateway::with_config(Config::default().free_tier(free_tier))
}

/// Records `n` invocations of 1 ms.
fn invocations(gateway: &Gateway, n: u64) {
    for _ in 0..n {
        gateway
            .runtime()
            .free_tier()
            .record(Duration::from_millis(1), None);
    }
}

fn level(gateway: &Gateway) -> Level {
    gateway.runtime().free_tier().report().level
}

#[test]
fn each_level_does_what_it_says() {
    let clock = ManualWallClock::new(at(15, 12));
    let gateway = gateway(100, &clock);

    invocations(&gateway, 74);
    assert_eq!(level(&gateway), Level::Normal);
    invocations(&gateway, 1);
    assert_eq!(level(&gateway), Level::Warn);
    assert_eq!(gateway.work().unwrap(), 1, "warn only logs");

    invocations(&gateway, 10);
    assert_eq!(level(&gateway), Level::Throttle);
    match gateway.work() {
        Err(GatewayError::Throttled {
            operation,
            retry_after,
            reason,
        }) => {
            assert_eq!(operation, "JOBS.work");
            assert_eq!(retry_after, Duration::from_secs(60));
            assert_eq!(
                reason,
                "the free tier is 85% used (176% projected at month end); throttle starts at 85%"
            );
        }
        other => panic!("expected throttled, got {other:?}"),
    }
    assert_eq!(
        gateway.alert().unwrap(),
        2,
        "critical operations are not throttled"
    );

    invocations(&gateway, 10);
    assert_eq!(level(&gateway), Level::Block);
    let error = gateway.work().unwrap_err();
    assert_eq!(error.kind(), "blocked");
    assert_eq!(
        error.to_string(),
        "`JOBS.work` is blocked: the free tier is 95% used (197% projected at month end); block starts at 95%"
    );
    assert_eq!(
        gateway.alert().unwrap(),
        2,
        "critical operations run under block"
    );
}

#[tokio::test]
async fn the_dynamic_path_is_guarded_too() {
    let clock = ManualWallClock::new(at(15, 12));
    let gateway = gateway(10, &clock);
    invocations(&gateway, 10);
    let error = gateway
        .execute_operation("JOBS", "work", serde_json::Value::Null)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "blocked");
    let alert = gateway
        .execute_operation("JOBS", "alert", serde_json::Value::Null)
        .await;
    assert_eq!(alert.unwrap(), serde_json::json!(2));
}

#[test]
fn a_level_change_is_logged_once() {
    let clock = ManualWallClock::new(at(15, 12));
    let gateway = gateway(100, &clock);
    let logs = capture_logs(|| invocations(&gateway, 80));
    let warnings: Vec<&String> = logs.iter().filter(|l| l.contains("WARN")).collect();
    assert_eq!(warnings.len(), 1, "{logs:#?}");
    assert!(
        warnings[0].contains("free-tier use reached a protection level"),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].contains(r#"level="warn""#), "{}", warnings[0]);
}

#[test]
fn a_new_month_starts_from_zero() {
    let clock = ManualWallClock::new(at(30, 23));
    let store = Arc::new(MemoryStore::default());
    let gateway = gateway_with(
        FreeTierConfig::default()
            .limits(100, 400_000.0)
            .basis(Basis::Actual)
            .store(store.clone())
            .clock(Arc::new(clock.clone())),
    );
    invocations(&gateway, 96);
    assert_eq!(level(&gateway), Level::Block);
    clock.advance(Span::hours(2));
    // The level is decided again at the next invocation (or refresh) of the new month.
    gateway.runtime().free_tier().refresh();
    let report = gateway.runtime().free_tier().report();
    assert_eq!((report.month.as_str(), report.requests), ("2026-12", 0));
    assert_eq!(report.level, Level::Normal);
    assert_eq!(gateway.work().unwrap(), 1);
    invocations(&gateway, 1);
    assert_eq!(
        store
            .load(Month {
                year: 2026,
                month: 11
            })
            .unwrap()
            .requests,
        96
    );
    assert_eq!(
        store
            .load(Month {
                year: 2026,
                month: 12
            })
            .unwrap()
            .requests,
        1
    );
}

#[test]
fn the_first_day_projects_the_use_so_far_as_a_whole_days_use() {
    let clock = ManualWallClock::new(at(1, 1));
    let gateway = gateway_with(
        FreeTierConfig::default()
            .limits(30_000, 400_000.0)
            .clock(Arc::new(clock.clone())),
    );
    invocations(&gateway, 100);
    let report = gateway.runtime().free_tier().report();
    // 100 in the first hour: projected as 100 a day for 30 days, not 100 an hour for 720 hours.
    assert!(
        (report.projected.requests - 3_000.0).abs() < 1e-6,
        "{report:?}"
    );
    assert_eq!(report.level, Level::Normal);
    // 800 requests in the first hour would be 80% of the month by day's-rate projection.
    invocations(&gateway, 700);
    assert_eq!(level(&gateway), Level::Warn);
    // By day 16 the same use projects to half as much.
    clock.set(at(16, 1));
    gateway.runtime().free_tier().refresh();
    assert_eq!(level(&gateway), Level::Normal);
}

#[test]
fn the_override_lifts_protection_and_says_so() {
    let clock = ManualWallClock::new(at(15, 12));
    let mut logs = Vec::new();
    let gateway = {
        let mut gateway = None;
        logs.extend(capture_logs(|| {
            let created = gateway_with(
                FreeTierConfig::default()
                    .limits(10, 400_000.0)
                    .basis(Basis::Actual)
                    .override_protection(true)
                    .clock(Arc::new(clock.clone())),
            );
            invocations(&created, 10);
            gateway = Some(created);
        }));
        gateway.unwrap()
    };
    let report = gateway.runtime().free_tier().report();
    assert_eq!((report.level, report.enforced), (Level::Block, false));
    assert_eq!(gateway.work().unwrap(), 1, "blocked usage, but overridden");
    assert!(logs[0].contains("FREE_TIER_OVERRIDE is set"), "{logs:#?}");
    assert!(
        logs.iter()
            .any(|l| l.contains("protection is lifted: calls run") && l.contains("block")),
        "{logs:#?}"
    );
}

#[test]
fn concurrent_callers_at_the_block_boundary_overshoot_by_no_more_than_those_in_flight() {
    const THREADS: u64 = 8;
    let clock = ManualWallClock::new(at(15, 12));
    // No throttle level below block, so calls run until the block boundary.
    let gateway = Arc::new(gateway_with(
        FreeTierConfig::default()
            .limits(1_000, 400_000.0)
            .levels(0.75, 0.95, 0.95)
            .basis(Basis::Actual)
            .clock(Arc::new(clock.clone())),
    ));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let gateway = gateway.clone();
            std::thread::spawn(move || {
                // An invocation: the guarded call, then its usage.
                while gateway.work().is_ok() {
                    gateway
                        .runtime()
                        .free_tier()
                        .record(Duration::from_millis(1), None);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    let requests = gateway.runtime().free_tier().report().requests;
    assert!(
        (950..=950 + THREADS).contains(&requests),
        "blocked at 95% of 1000 with {THREADS} callers: {requests} requests"
    );
}

/// A store that fails while `down` is set.
#[derive(Debug, Default)]
struct Flaky {
    inner: MemoryStore,
    down: AtomicBool,
    additions: Mutex<Vec<u64>>,
}

impl UsageStore for Flaky {
    fn name(&self) -> &'static str {
        "flaky"
    }

    fn load(&self, month: Month) -> Result<Usage, StoreError> {
        self.fail()?;
        self.inner.load(month)
    }

    fn add(&self, month: Month, delta: Usage) -> Result<Usage, StoreError> {
        self.fail()?;
        self.additions.lock().unwrap().push(delta.requests);
        self.inner.add(month, delta)
    }
}

impl Flaky {
    fn fail(&self) -> Result<(), StoreError> {
        match self.down.load(Ordering::SeqCst) {
            true => Err(StoreError {
                store: "flaky",
                message: "connection refused".into(),
            }),
            false => Ok(()),
        }
    }
}

#[test]
fn a_failing_store_degrades_to_the_local_estimate_and_catches_up() {
    let clock = ManualWallClock::new(at(15, 12));
    let store = Arc::new(Flaky::default());
    let gateway = gateway_with(
        FreeTierConfig::default()
            .limits(10, 400_000.0)
            .basis(Basis::Actual)
            .store(store.clone())
            .clock(Arc::new(clock.clone())),
    );
    invocations(&gateway, 2);
    store.down.store(true, Ordering::SeqCst);
    let logs = capture_logs(|| invocations(&gateway, 8));
    let report = gateway.runtime().free_tier().report();
    assert_eq!(report.requests, 10, "the estimate goes on counting");
    assert_eq!(
        report.degraded.as_deref(),
        Some("the flaky usage store failed: connection refused")
    );
    assert_eq!(
        report.level,
        Level::Block,
        "protection goes on from the estimate"
    );
    assert_eq!(
        logs.iter()
            .filter(|l| l.contains("the usage store failed"))
            .count(),
        1,
        "one warning per failure streak: {logs:#?}"
    );
    assert_eq!(
        gateway.alert().unwrap(),
        2,
        "no call fails because of the store"
    );

    store.down.store(false, Ordering::SeqCst);
    invocations(&gateway, 1);
    assert_eq!(
        *store.additions.lock().unwrap(),
        [1, 1, 9],
        "the 8 kept go in with the next"
    );
    let report = gateway.runtime().free_tier().report();
    assert_eq!((report.requests, report.degraded), (11, None));
}

#[test]
fn the_file_store_keeps_usage_across_restarts() {
    let dir = std::env::temp_dir().join(format!("ftpms-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("usage.json");
    let clock = ManualWallClock::new(at(15, 12));
    for _ in 0..2 {
        let gateway = gateway_with(
            FreeTierConfig::default()
                .store(Arc::new(FileStore::new(&path)))
                .clock(Arc::new(clock.clone())),
        );
        invocations(&gateway, 3);
    }
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let months: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(months["2026-11"]["requests"], 6);
    assert_eq!(months["2026-11"]["mb_ms"], 6 * 128);
}

#[test]
fn a_corrupt_usage_file_is_a_clear_store_error() {
    let dir = std::env::temp_dir().join(format!("ftpms-corrupt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("usage.json");
    std::fs::write(&path, "{not json").unwrap();
    let error = FileStore::new(&path)
        .load(Month {
            year: 2026,
            month: 11,
        })
        .unwrap_err()
        .to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        error.starts_with("the file usage store failed: "),
        "{error}"
    );
    assert!(error.contains("is not a usage file"), "{error}");
    assert!(error.contains("move it away"), "{error}");
}

#[test]
fn gb_seconds_count_as_aws_bills_them() {
    let clock = ManualWallClock::new(at(15, 12));
    let gateway = gateway_with(
        FreeTierConfig::default()
            .memory_mb(1024)
            .clock(Arc::new(clock.clone())),
    );
    let free_tier = gateway.runtime().free_tier();
    free_tier.record(Duration::from_micros(1_500), None);
    free_tier.record(Duration::from_millis(998), Some(Duration::from_micros(500)));
    let report = free_tier.report();
    // 2 ms + (998 + 1) ms at 1 GB: 1.001 GB-s.
    assert!(
        (report.gb_seconds - 1.001).abs() < 1e-9,
        "{}",
        report.gb_seconds
    );
}

#[test]
fn the_stats_carry_the_free_tier() {
    let clock = ManualWallClock::new(at(15, 12));
    let gateway = gateway(100, &clock);
    invocations(&gateway, 5);
    let stats = gateway.stats().to_json();
    assert_eq!(stats["free_tier"]["requests"], 5);
    assert_eq!(stats["free_tier"]["level"], "normal");
    assert_eq!(stats["free_tier"]["store"], "memory");
}

mod environment {
    use super::*;

    fn error(vars: &[(&str, &str)]) -> String {
        Config::from_vars(vars.iter().copied())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn every_variable_is_read() {
        let config = Config::from_vars([
            ("FREE_TIER_REQUESTS", "5000"),
            ("FREE_TIER_GB_SECONDS", "1000.5"),
            ("FREE_TIER_WARN", "50"),
            ("FREE_TIER_THROTTLE", "60%"),
            ("FREE_TIER_BLOCK", "70"),
            ("FREE_TIER_BASIS", "projected"),
            ("FREE_TIER_OVERRIDE", "yes"),
            ("FREE_TIER_RETRY_AFTER", "30"),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"),
        ])
        .unwrap();
        let free_tier = &config.free_tier;
        assert_eq!((free_tier.requests, free_tier.gb_seconds), (5000, 1000.5));
        assert_eq!(
            (free_tier.warn, free_tier.throttle, free_tier.block),
            (0.5, 0.6, 0.7)
        );
        assert_eq!(free_tier.basis, Basis::Projected);
        assert!(free_tier.override_protection);
        assert_eq!(free_tier.retry_after, Duration::from_secs(30));
        assert_eq!(free_tier.memory_mb, 512);
        let file = Config::from_vars([("FREE_TIER_STORE", "file"), ("FREE_TIER_FILE", "u.json")]);
        assert_eq!(file.unwrap().free_tier.store.name(), "file");
    }

    #[test]
    fn bad_values_are_clear_errors() {
        assert_eq!(
            error(&[("FREE_TIER_WARN", "lots")]),
            "FREE_TIER_WARN=\"lots\" is not valid: expected a percentage between 0 and 100, such as 85"
        );
        assert_eq!(
            error(&[("FREE_TIER_REQUESTS", "0")]),
            "FREE_TIER_REQUESTS=\"0\" is not valid: expected a positive whole number, such as 1000000"
        );
        assert_eq!(
            error(&[("FREE_TIER_STORE", "dynamo")]),
            "FREE_TIER_STORE=\"dynamo\" is not valid: expected memory, file or redis"
        );
        assert_eq!(
            error(&[("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "64")]),
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=\"64\" is not valid: expected a memory size in MB, from 128 to 10240"
        );
        assert_eq!(
            error(&[("FREE_TIER_BLOCK", "80")]),
            "FREE_TIER_THROTTLE=\"warn 75%, throttle 85%, block 80%\" is not valid: expected FREE_TIER_WARN <= FREE_TIER_THROTTLE <= FREE_TIER_BLOCK"
        );
        assert_eq!(
            error(&[("FREE_TIER_FILE", "u.json")]),
            "FREE_TIER_FILE=\"u.json\" is not valid: expected FREE_TIER_STORE to be set too (file or redis), to say which store it configures"
        );
        assert_eq!(
            error(&[("FREE_TIER_BASIS", "median")]),
            "FREE_TIER_BASIS=\"median\" is not valid: expected actual, projected or both"
        );
    }
}

/// The log lines `f` writes, as text.
fn capture_logs(f: impl FnOnce()) -> Vec<String> {
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, f);
    let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    text.lines().map(str::to_owned).collect()
}
