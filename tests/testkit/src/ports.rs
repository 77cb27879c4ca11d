//! Free loopback ports.

use std::net::{Ipv4Addr, TcpListener};

/// A loopback port that was free a moment ago: bound on port 0, then released. Another
/// process may take it before the caller does, so callers must cope with a collision.
///
/// # Panics
///
/// When the system cannot give a port at all.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap_or_else(|e| panic!("cannot bind a free port on 127.0.0.1: {e}"));
    listener
        .local_addr()
        .unwrap_or_else(|e| panic!("cannot read the address of a bound port: {e}"))
        .port()
}
