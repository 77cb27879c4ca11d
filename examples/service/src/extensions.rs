//! Operations registered at runtime, beside the manifest's: the seed's "Dynamic Extensions".
//!
//! `CACHE.get_or_compute` is the seed's `cache_get_or_compute`. Over JSON the computation
//! cannot be a closure, so it is another operation, named in the parameters: on a miss it runs
//! that operation through the dynamic path and stores its result with `cache_set`.

use crate::gateway::Gateway;
use gateway_runtime::GatewayError;
use gateway_runtime::mdoe::{OperationSpec, ParamSpec, RegistrationError};
use serde::Deserialize;
use serde_json::{Value, json};

/// The parameters of `CACHE.get_or_compute`.
#[derive(Debug, Deserialize)]
struct GetOrCompute {
    key: String,
    compute: Computation,
    ttl: Option<i64>,
}

/// The operation that computes a missing value.
#[derive(Debug, Deserialize)]
struct Computation {
    interface: String,
    operation: String,
    #[serde(default)]
    params: Value,
}

/// The declaration of `CACHE.get_or_compute`, as a manifest entry would write it.
pub fn get_or_compute_spec() -> OperationSpec {
    OperationSpec::new("cache_get_or_compute", "CACHE", "get_or_compute")
        .describe(
            "Returns the cached value of `key`; on a miss, runs the operation `compute` \
             names and caches its result for `ttl` seconds.",
        )
        .param(ParamSpec::new("key", "string").required())
        .param(
            ParamSpec::new("compute", "dict")
                .required()
                .describe("`{\"interface\", \"operation\", \"params\"}` of the computation."),
        )
        .param(ParamSpec::new("ttl", "int").describe("Seconds the computed value is kept."))
        .returns("any")
}

/// Registers the example's runtime operations with `gateway`.
pub fn register(gateway: &Gateway) -> Result<(), RegistrationError> {
    gateway.runtime().register_async(
        get_or_compute_spec(),
        |gateway: &Gateway, p: GetOrCompute| {
            Box::pin(async move {
                let cached = gateway.cache_get(p.key.as_str(), None)?;
                if !cached.is_null() {
                    return Ok::<_, GatewayError>(json!({"value": cached, "computed": false}));
                }
                let c = p.compute;
                let value = gateway
                    .execute_operation(&c.interface, &c.operation, c.params)
                    .await?;
                gateway.cache_set(p.key.as_str(), value.clone(), p.ttl)?;
                Ok(json!({"value": value, "computed": true}))
            })
        },
    )?;
    Ok(())
}

/// Starts the gateway as [`Gateway::start_async`] does, then registers the runtime
/// operations: what the service binary runs.
pub async fn start(config: gateway_runtime::Config) -> Result<Gateway, GatewayError> {
    let gateway = Gateway::start_async(config).await?;
    register(&gateway).map_err(|error| GatewayError::StartFailed {
        reason: error.to_string(),
    })?;
    Ok(gateway)
}
