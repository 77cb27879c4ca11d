//! Creating state at start-up: interfaces marked `preload`, critical ones under
//! `PRELOAD_CRITICAL_MODULES`, and every one when lazy loading is off.

use super::module::AnyModule;
use crate::error::GatewayError;
use crate::runtime::Runtime;
use std::sync::atomic::Ordering;

/// Whether start-up should create `module`'s state.
pub fn wanted(runtime: &Runtime, module: &dyn AnyModule) -> bool {
    let config = runtime.config();
    let interface = module.descriptor();
    module.has_state()
        && (!config.lazy_loading
            || interface.preload
            || (config.preload_critical && interface.critical))
}

/// Creates, synchronously, the state start-up wants; stops at the first failure.
pub fn preload(runtime: &Runtime, modules: &[&dyn AnyModule]) -> Result<(), GatewayError> {
    let epoch = runtime.epoch.load(Ordering::Relaxed);
    for module in modules.iter().filter(|m| wanted(runtime, **m)) {
        module.load(epoch, runtime.config().clock.now())?;
    }
    Ok(())
}

/// Creates, asynchronously, the state start-up wants; stops at the first failure.
pub async fn preload_async(
    runtime: &Runtime,
    modules: &[&dyn AnyModule],
) -> Result<(), GatewayError> {
    let epoch = runtime.epoch.load(Ordering::Relaxed);
    for module in modules.iter().filter(|m| wanted(runtime, **m)) {
        module
            .load_async(epoch, runtime.config().clock.now())
            .await?;
    }
    Ok(())
}
