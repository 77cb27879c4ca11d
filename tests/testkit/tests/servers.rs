//! The test servers themselves: a real redis-server that starts, answers, restarts on its port
//! and stops (skipped, with a line on stderr, when redis-server is not installed), and a silent
//! server that accepts and never answers.

use std::io::{ErrorKind, Read};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use testkit::{RedisServer, SilentServer};

fn redis_or_skip(test: &str) -> Option<RedisServer> {
    let server = RedisServer::start();
    if server.is_none() {
        eprintln!("{test}: skipped: redis-server is not installed");
    }
    server
}

#[test]
fn a_redis_server_answers_restarts_empty_on_its_port_and_stops() {
    let Some(mut server) = redis_or_skip("a_redis_server_answers_restarts_empty_on_its_port")
    else {
        return;
    };
    let port = server.port();
    assert_eq!(server.url(), format!("redis://127.0.0.1:{port}"));
    let mut connection = server.connection();
    redis::cmd("SET")
        .arg("k")
        .arg("v")
        .exec(&mut connection)
        .unwrap();

    server.restart();
    assert_eq!(server.port(), port);
    let mut connection = server.connection();
    let value: Option<String> = redis::cmd("GET").arg("k").query(&mut connection).unwrap();
    assert_eq!(value, None, "nothing is saved across a restart");
    let saving: Vec<String> = redis::cmd("CONFIG")
        .arg("GET")
        .arg("save")
        .query(&mut connection)
        .unwrap();
    assert_eq!(saving, ["save", ""]);

    server.stop();
    server.stop();
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err(), "stopped");
    server.restart();
    let pong: String = redis::cmd("PING").query(&mut server.connection()).unwrap();
    assert_eq!(pong, "PONG");
}

#[test]
fn servers_started_together_get_ports_of_their_own() {
    let started: Vec<Option<RedisServer>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4).map(|_| scope.spawn(RedisServer::start)).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let servers: Vec<RedisServer> = started.into_iter().flatten().collect();
    if servers.is_empty() {
        eprintln!(
            "servers_started_together_get_ports_of_their_own: skipped: redis-server is not installed"
        );
        return;
    }
    let mut ports: Vec<u16> = servers.iter().map(RedisServer::port).collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), servers.len());
    let port = servers[0].port();
    drop(servers);
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "dropping a server kills it"
    );
}

#[test]
fn a_silent_server_accepts_and_never_answers() {
    let silent = SilentServer::start();
    let mut stream = TcpStream::connect(("127.0.0.1", silent.port())).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut buffer = [0; 1];
    let error = stream.read(&mut buffer).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{error}"
    );
    assert_eq!(
        silent.redis_url(),
        format!("redis://127.0.0.1:{}", silent.port())
    );
    let dropping = Instant::now();
    drop(silent);
    assert!(dropping.elapsed() < Duration::from_secs(2));
}
