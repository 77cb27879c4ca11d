//! Unit tests of the CACHE core functions on each backend, and of choosing the backend.

mod memory;
mod redis;

use super::config::{CacheConfig, RedisConfig};
use super::*;

#[test]
fn the_configuration_chooses_the_backend() {
    let memory = CacheStore::from_config(&CacheConfig::Memory).unwrap();
    assert!(!memory.is_shared());
    let redis = CacheStore::from_config(&CacheConfig::Redis(RedisConfig::default())).unwrap();
    assert!(redis.is_shared(), "no connection is needed to create it");
}

#[test]
fn a_hand_made_config_with_a_bad_url_is_refused() {
    let config = CacheConfig::Redis(RedisConfig {
        url: "redis://:pw@host:notaport".into(),
        ..RedisConfig::default()
    });
    let error = CacheStore::from_config(&config).err().unwrap().to_string();
    assert!(
        error.starts_with(r#"CACHE_REDIS_URL="redis://:***@host:notaport" is not valid"#),
        "{error}"
    );
}

#[test]
fn ttls_are_checked_before_any_backend() {
    assert_eq!(checked_ttl("k", None).unwrap(), None);
    assert_eq!(checked_ttl("k", Some(30)).unwrap(), Some(30));
    for bad in [0, -1, i64::MIN] {
        let error = checked_ttl("k", Some(bad)).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("ttl for `k` must be a positive number of seconds, got {bad}")
        );
    }
}
