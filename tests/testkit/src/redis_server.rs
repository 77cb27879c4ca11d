//! A real `redis-server` for one test.

use crate::ports::free_port;
use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// The environment variable that, set to `1`, makes a missing `redis-server` a test failure
/// rather than a skip (CI sets it).
pub const REQUIRE_REDIS: &str = "GATEWAY_REQUIRE_REDIS";

const BINARY: &str = "redis-server";
/// How long a started server has to answer `PING`.
const READY_WITHIN: Duration = Duration::from_secs(10);
/// How many free ports to try before giving up on collisions.
const PORT_ATTEMPTS: usize = 8;
/// How long `restart` waits for its port to be free again.
const RESTART_WITHIN: Duration = Duration::from_secs(10);
/// The timeout of each probe and of the test connections.
const PROBE_TIMEOUT: Duration = Duration::from_millis(500);

/// A `redis-server` listening on 127.0.0.1 on a port of its own, saving nothing to disk; killed
/// when dropped.
///
/// ```no_run
/// let Some(redis) = testkit::RedisServer::start() else {
///     eprintln!("skipped: redis-server is not installed");
///     return;
/// };
/// println!("Redis at {}", redis.url());
/// ```
#[derive(Debug)]
pub struct RedisServer {
    port: u16,
    child: Option<Child>,
    log: PathBuf,
}

/// Why a server did not come up.
enum LaunchError {
    /// Another process holds the port: try another one.
    PortTaken(String),
    /// Anything else: give up.
    Failed(String),
}

impl RedisServer {
    /// Starts a server on a free port and waits until it answers `PING`.
    ///
    /// Returns `None` when `redis-server` is not installed, unless `GATEWAY_REQUIRE_REDIS=1`.
    ///
    /// # Panics
    ///
    /// When `redis-server` is missing and `GATEWAY_REQUIRE_REDIS=1`; when the server exits or
    /// does not answer within 10 seconds (with its log in the message); when no free port could
    /// be had after several tries.
    pub fn start() -> Option<Self> {
        if !installed() {
            if required() {
                panic!(
                    "{REQUIRE_REDIS}=1 but `{BINARY}` is not installed (not found on PATH): \
                     install it (e.g. `apt-get install -y redis-server`) or unset {REQUIRE_REDIS} \
                     to skip the tests that need it"
                );
            }
            return None;
        }
        let mut collisions = Vec::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port();
            let log = log_path(port);
            match launch(port, &log) {
                Ok(child) => {
                    return Some(Self {
                        port,
                        child: Some(child),
                        log,
                    });
                }
                Err(LaunchError::PortTaken(text)) => {
                    let _ = std::fs::remove_file(&log);
                    collisions.push(text);
                }
                Err(LaunchError::Failed(message)) => panic!("{message}"),
            }
        }
        panic!(
            "`{BINARY}` found its port taken {PORT_ATTEMPTS} times in a row; last log:\n{}",
            collisions.last().map_or("", String::as_str)
        );
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        url(self.port)
    }

    /// The port it listens on (kept across [`RedisServer::restart`]).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A new connection to the server, for a test to look at or change what is stored.
    ///
    /// # Panics
    ///
    /// When the server does not accept it.
    pub fn connection(&self) -> redis::Connection {
        connect(&self.url()).unwrap_or_else(|e| {
            panic!(
                "cannot connect to the test redis-server at {}: {e}",
                self.url()
            )
        })
    }

    /// Kills the server (its data is lost: nothing is saved). Calling it again does nothing.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the server if it runs, then starts a new, empty one on the same port and waits
    /// until it answers `PING`.
    ///
    /// # Panics
    ///
    /// When the port stays taken by another process, or the server does not come up, for
    /// 10 seconds.
    pub fn restart(&mut self) {
        self.stop();
        let deadline = Instant::now() + RESTART_WITHIN;
        loop {
            match launch(self.port, &self.log) {
                Ok(child) => {
                    self.child = Some(child);
                    return;
                }
                Err(LaunchError::PortTaken(log)) if Instant::now() >= deadline => panic!(
                    "cannot restart `{BINARY}` on port {}: the port stayed taken for {:?}; its \
                     log:\n{log}",
                    self.port, RESTART_WITHIN
                ),
                Err(LaunchError::PortTaken(_)) => sleep(Duration::from_millis(100)),
                Err(LaunchError::Failed(message)) => panic!("{message}"),
            }
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_file(&self.log);
    }
}

fn installed() -> bool {
    let probe = Command::new(BINARY)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match probe {
        Ok(_) => true,
        Err(e) if e.kind() == ErrorKind::NotFound => false,
        Err(e) => panic!("cannot run `{BINARY} --version`: {e}"),
    }
}

fn required() -> bool {
    std::env::var(REQUIRE_REDIS).is_ok_and(|value| value.trim() == "1")
}

fn log_path(port: u16) -> PathBuf {
    std::env::temp_dir().join(format!("testkit-redis-{}-{port}.log", std::process::id()))
}

/// Starts `redis-server` on `port`, logging to `log`, and waits until that very process
/// answers; kills it on failure.
fn launch(port: u16, log: &Path) -> Result<Child, LaunchError> {
    let file = File::create(log).map_err(|e| {
        LaunchError::Failed(format!("cannot create the log file {}: {e}", log.display()))
    })?;
    let stderr = file.try_clone().map_err(|e| {
        LaunchError::Failed(format!("cannot share the log file {}: {e}", log.display()))
    })?;
    let mut child = Command::new(BINARY)
        .args(["--bind", "127.0.0.1", "--port"])
        .arg(port.to_string())
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
        .args(["--logfile", ""])
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(stderr)
        .spawn()
        .map_err(|e| LaunchError::Failed(format!("cannot start `{BINARY}`: {e}")))?;
    match wait_until_ready(&mut child, port, log) {
        Ok(()) => Ok(child),
        Err(error) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(error)
        }
    }
}

fn wait_until_ready(child: &mut Child, port: u16, log: &Path) -> Result<(), LaunchError> {
    let url = url(port);
    let deadline = Instant::now() + READY_WITHIN;
    let read_log = || std::fs::read_to_string(log).unwrap_or_default();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let log = read_log();
            return Err(if log.contains("Address already in use") {
                LaunchError::PortTaken(log)
            } else {
                LaunchError::Failed(format!(
                    "`{BINARY}` on port {port} exited with {status} before answering PING; its \
                     log:\n{log}"
                ))
            });
        }
        // Another server may answer on this port (a collision): only our process counts.
        if answering_pid(&url) == Some(child.id()) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(LaunchError::Failed(format!(
                "`{BINARY}` on port {port} did not answer PING within {READY_WITHIN:?}; its \
                 log:\n{}",
                read_log()
            )));
        }
        sleep(Duration::from_millis(20));
    }
}

fn url(port: u16) -> String {
    format!("redis://127.0.0.1:{port}")
}

/// The process id of the server answering at `url`, if one answers `PING`.
fn answering_pid(url: &str) -> Option<u32> {
    let mut connection = connect(url).ok()?;
    let pong: String = redis::cmd("PING").query(&mut connection).ok()?;
    if pong != "PONG" {
        return None;
    }
    let info: String = redis::cmd("INFO")
        .arg("server")
        .query(&mut connection)
        .ok()?;
    info.lines()
        .find_map(|line| line.strip_prefix("process_id:"))
        .and_then(|pid| pid.trim().parse().ok())
}

fn connect(url: &str) -> redis::RedisResult<redis::Connection> {
    let connection = redis::Client::open(url)?.get_connection_with_timeout(PROBE_TIMEOUT)?;
    connection.set_read_timeout(Some(PROBE_TIMEOUT))?;
    connection.set_write_timeout(Some(PROBE_TIMEOUT))?;
    Ok(connection)
}
