//! What entry points need from a generated gateway, whatever its manifest.

use crate::descriptor::{OperationDescriptor, Registry};
use crate::error::GatewayError;
use crate::ftpms::FreeTier;
use crate::lmms::{MaintenanceReport, Stats};
use crate::ofb::{BatchCall, BatchResult};
use futures_util::future::BoxFuture;
use serde_json::Value;
use std::time::Duration;

/// A gateway as entry points see it; generated gateways implement it.
pub trait Service: Send + Sync + 'static {
    /// The operation registry.
    fn registry(&self) -> &'static Registry;

    /// The operation `interface.operation`, resolved through the generated routers.
    fn resolve(&self, interface: &str, operation: &str) -> Option<&'static OperationDescriptor>;

    /// Every operation: the manifest's, then those registered at runtime.
    fn operations(&self) -> Vec<&'static OperationDescriptor> {
        self.registry().operations().iter().collect()
    }

    /// Runs a resolved operation with JSON parameters.
    fn call(
        &self,
        op: &'static OperationDescriptor,
        params: Value,
    ) -> BoxFuture<'_, Result<Value, GatewayError>>;

    /// Runs many calls, fusing those with a batch partner; one result per call, in input
    /// order ([`crate::ofb::execute_batch`]).
    fn execute_batch(&self, calls: Vec<BatchCall>) -> BoxFuture<'_, Vec<BatchResult>> {
        Box::pin(crate::ofb::execute_batch(self, calls))
    }

    /// Free-tier protection: entry points record each invocation's usage with it.
    fn free_tier(&self) -> &FreeTier;

    /// A stats snapshot.
    fn stats(&self) -> Stats;

    /// Runs maintenance if `interval` passed since the last one.
    fn maintain_if_due(&self, interval: Duration) -> Option<MaintenanceReport>;
}
