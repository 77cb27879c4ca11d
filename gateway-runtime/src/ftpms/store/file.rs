//! Usage in a JSON file, for local runs: it survives restarts of the process.
//!
//! Each addition reads the file, adds, and replaces the file atomically (a temporary file
//! renamed over it). Additions from one process are serialised; several processes sharing one
//! file may lose each other's additions, so share usage between instances with Redis instead.

use super::{StoreError, UsageStore};
use crate::ftpms::usage::{Month, Usage};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// Usage kept in a JSON file: `{"2026-11": {"requests": 12, "mb_ms": 3456}}`.
#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
    lock: Mutex<()>,
}

impl FileStore {
    /// A store in the file at `path` (created on the first addition).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            lock: Mutex::new(()),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self) -> Result<BTreeMap<String, Usage>, StoreError> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                self.error(format!(
                    "{} is not a usage file ({e}); move it away and the next invocation starts a new one",
                    self.path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(self.error(format!("cannot read {}: {e}", self.path.display()))),
        }
    }

    fn write(&self, months: &BTreeMap<String, Usage>) -> Result<(), StoreError> {
        let text = serde_json::to_string_pretty(months).unwrap_or_default();
        let temporary = self.path.with_extension("tmp");
        std::fs::write(&temporary, text)
            .and_then(|()| std::fs::rename(&temporary, &self.path))
            .map_err(|e| self.error(format!("cannot write {}: {e}", self.path.display())))
    }

    fn error(&self, message: String) -> StoreError {
        StoreError {
            store: "file",
            message,
        }
    }
}

impl UsageStore for FileStore {
    fn name(&self) -> &'static str {
        "file"
    }

    fn load(&self, month: Month) -> Result<Usage, StoreError> {
        let _serialised = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(self
            .read()?
            .get(&month.to_string())
            .copied()
            .unwrap_or_default())
    }

    fn add(&self, month: Month, delta: Usage) -> Result<Usage, StoreError> {
        let _serialised = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        let mut months = self.read()?;
        let usage = months.entry(month.to_string()).or_default();
        *usage = usage.plus(delta);
        let total = *usage;
        self.write(&months)?;
        Ok(total)
    }
}
