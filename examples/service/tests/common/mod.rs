//! What the entry-point tests share: the fixture events and a child process that is killed when
//! the test ends, however it ends.

#![allow(dead_code)] // Each test crate uses its own part.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The folder of fixture events.
pub fn events_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/events")
}

/// A fixture event, by file stem (`apigw_rest_health`).
pub fn event(name: &str) -> Value {
    let path = events_dir().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The service binary, with no logging filter from the test's environment.
pub fn service() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_example-service"));
    command.env_remove("RUST_LOG");
    command.env_remove("AWS_LAMBDA_RUNTIME_API");
    command.env_remove("GATEWAY_EMF");
    command
}

/// A running service whose output lines are collected as they come; killed on drop.
pub struct Running {
    child: Child,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
    readers: Vec<JoinHandle<()>>,
    stderr_lines: Receiver<String>,
}

impl Running {
    /// Spawns `command` with piped output.
    pub fn spawn(mut command: Command) -> Self {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the service binary starts");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (sender, stderr_lines) = channel();
        let out = collect(child.stdout.take().unwrap(), stdout.clone(), None);
        let err = collect(child.stderr.take().unwrap(), stderr.clone(), Some(sender));
        Self {
            child,
            stdout,
            stderr,
            readers: vec![out, err],
            stderr_lines,
        }
    }

    /// Waits for a stderr line starting with `prefix`, up to `timeout`.
    pub fn wait_for_stderr(&self, prefix: &str, timeout: Duration) -> String {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.stderr_lines.recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return line,
                Ok(_) => continue,
                Err(_) => panic!(
                    "no stderr line starting with {prefix:?} within {timeout:?}; stderr so far:\n{}",
                    self.stderr().join("\n")
                ),
            }
        }
    }

    /// The stdout lines so far.
    pub fn stdout(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    /// The stderr lines so far.
    pub fn stderr(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Kills the process and returns all its stdout and stderr lines.
    pub fn stop(mut self) -> (Vec<String>, Vec<String>) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        (self.stdout(), self.stderr())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect(
    stream: impl Read + Send + 'static,
    lines: Arc<Mutex<Vec<String>>>,
    notify: Option<std::sync::mpsc::Sender<String>>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Some(notify) = &notify {
                let _ = notify.send(line.clone());
            }
            lines.lock().unwrap().push(line);
        }
    })
}
