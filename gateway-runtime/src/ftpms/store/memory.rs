//! Usage in this process's memory: per execution environment, so an estimate of a service's use
//! (every instance counts only its own invocations, and a cold start begins at zero).

use super::{StoreError, UsageStore};
use crate::ftpms::usage::{Month, Usage};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// Usage kept in memory.
#[derive(Debug, Default)]
pub struct MemoryStore {
    months: Mutex<HashMap<Month, Usage>>,
}

impl UsageStore for MemoryStore {
    fn name(&self) -> &'static str {
        "memory"
    }

    fn load(&self, month: Month) -> Result<Usage, StoreError> {
        let months = self.months.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(months.get(&month).copied().unwrap_or_default())
    }

    fn add(&self, month: Month, delta: Usage) -> Result<Usage, StoreError> {
        let mut months = self.months.lock().unwrap_or_else(PoisonError::into_inner);
        let usage = months.entry(month).or_default();
        *usage = usage.plus(delta);
        Ok(*usage)
    }
}
