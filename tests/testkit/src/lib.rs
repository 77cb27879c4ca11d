//! Test support shared by the workspace's tests.
//!
//! [`RedisServer`] runs a real `redis-server` on a free loopback port for one test, without
//! persistence, and kills it when dropped. Without the binary, [`RedisServer::start`] returns
//! `None` so that the test can say it was skipped, unless `GATEWAY_REQUIRE_REDIS=1` (as in CI),
//! where a missing binary fails the test instead. [`SilentServer`] accepts connections and
//! never answers, for timeout tests.

mod ports;
mod redis_server;
mod silent_server;

pub use ports::free_port;
pub use redis_server::{REQUIRE_REDIS, RedisServer};
pub use silent_server::SilentServer;
