//! `example-service`: the example service, three ways.
//!
//! ```text
//! example-service serve                      a local HTTP server on 127.0.0.1:3000
//! example-service invoke --event e.json      one Lambda event through the router
//! example-service invoke CACHE.set '{"key": "greeting", "value": "hello"}' CACHE.get '{"key": "greeting"}'
//! example-service list                       the operations
//! example-service                            AWS Lambda, when AWS_LAMBDA_RUNTIME_API is set
//! ```
//!
//! The seed's LMMS variables (`UNLOAD_GRACE_PERIOD`, ...) configure the gateway; an invalid one
//! stops the service with exit status 2 and a message naming it.

use std::process::ExitCode;

fn main() -> ExitCode {
    gateway_runtime::entry::run(
        example_service::extensions::start,
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
    )
}
