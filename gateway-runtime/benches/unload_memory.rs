//! How much memory unloading a module returns to the system, read from the process's own
//! accounting (`VmRSS` in `/proc/self/status`), for a module of about 50 MB held in large
//! (1 MiB) or small (1 KiB) buffers, with and without giving freed memory back to the system
//! after the unload (`Config::release_memory`).
//!
//! Run: `cargo bench -p gateway-runtime --bench unload_memory`.

use gateway_runtime::{BoxError, Config, InitContext, Interface, operation};
use std::time::Duration;

gateway_runtime::gateway!(manifest = "unload_memory.yaml");

const MODULE_BYTES: usize = 50 << 20;

/// About 50 MB in 1 MiB buffers, every byte written.
#[derive(Interface)]
#[interface(init = Big::open)]
pub struct Big(Vec<Vec<u8>>);

impl Big {
    fn open(_: &InitContext<'_>) -> Result<Self, BoxError> {
        Ok(Big(buffers(1 << 20)))
    }
}

/// About 50 MB in 1 KiB buffers, every byte written.
#[derive(Interface)]
#[interface(init = Small::open)]
pub struct Small(Vec<Vec<u8>>);

impl Small {
    fn open(_: &InitContext<'_>) -> Result<Self, BoxError> {
        Ok(Small(buffers(1 << 10)))
    }
}

fn buffers(size: usize) -> Vec<Vec<u8>> {
    (0..MODULE_BYTES / size)
        .map(|i| vec![(i % 251) as u8 | 1; size])
        .collect()
}

#[operation(BIG.len, manifest = "unload_memory.yaml")]
fn len_big(big: &Big) -> i64 {
    big.0.iter().map(|b| b.len() as i64).sum()
}

#[operation(SMALL.len, manifest = "unload_memory.yaml")]
fn len_small(small: &Small) -> i64 {
    small.0.iter().map(|b| b.len() as i64).sum()
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The median share (%) of the module's memory returned by unloading it, over `rounds`.
fn measure(release_memory: bool, small: bool, rounds: usize) -> f64 {
    let config = Config::default()
        .grace_period(Duration::ZERO)
        .min_resident(0)
        .hot_path_protection(false)
        .release_memory(release_memory);
    let gateway = gateway::Gateway::with_config(config);
    let mut shares = Vec::new();
    for _ in 0..rounds {
        let before = rss_kib();
        let bytes = if small {
            gateway.small_len()
        } else {
            gateway.big_len()
        }
        .unwrap_or(0);
        let loaded = rss_kib();
        let report = gateway.maintain();
        assert_eq!(report.unloaded.len(), 1, "the module unloads");
        let after = rss_kib();
        let grown = loaded.saturating_sub(before).max(1);
        let freed = loaded.saturating_sub(after);
        assert!(bytes as usize >= MODULE_BYTES);
        shares.push(100.0 * freed as f64 / grown as f64);
    }
    shares.sort_by(f64::total_cmp);
    shares[shares.len() / 2]
}

fn main() {
    println!(
        "| module of 50 MB in | release_memory | median share of its memory returned on unload (5 rounds) |"
    );
    println!("|---|---|---|");
    for small in [false, true] {
        for release in [false, true] {
            let share = measure(release, small, 5);
            let buffers = if small {
                "1 KiB buffers"
            } else {
                "1 MiB buffers"
            };
            println!("| {buffers} | {release} | {share:.1}% |");
        }
    }
}
