//! Entry points (feature `entry`): how a gateway meets the outside world.
//!
//! One [`EventRouter`] takes any Lambda payload (API Gateway REST and HTTP APIs, function URLs,
//! EventBridge events, direct invokes) or a local HTTP request, and answers through the
//! gateway. Three ways to run a service binary share it ([`run`]): on AWS Lambda through
//! `lambda_runtime`, as a local HTTP server on a loopback address, and from the command line.

mod batch;
mod cli;
pub mod cold;
pub mod errors;
mod events;
pub mod http;
pub mod kind;
pub mod lambda;
pub mod metrics;
mod router;
pub mod serve;

pub use cli::run;
pub use events::MalformedEvent;
pub use http::{HttpRequest, HttpResponse};
pub use kind::{EventKind, probe};
pub use metrics::MetricsSink;
pub use router::{EventRouter, InvocationError, RouterOptions};
