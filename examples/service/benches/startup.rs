//! Cold start of the service binary as built for release: from process exec until its first
//! response is printed (`invoke`), served over HTTP (`serve`), or posted to the Lambda Runtime
//! API (the Lambda loop, against a simulator on loopback); then the peak RSS of each. The
//! seed's Python gateway is measured in the same run: a fresh `python3` importing it and
//! printing one `cache_get`.
//!
//! Run: `cargo bench -p example-service --bench startup`. The Python rows need `python3` and
//! the seed (`PYTHON_SEED`, by default `../shared/anchors/python-seed/seed` beside the
//! repository); without them they are skipped.

use divan::Bencher;
use lambda_simulator::{InvocationStatus, Simulator};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const SERVICE: &str = env!("CARGO_BIN_EXE_example-service");

fn main() {
    divan::main();
    peak_rss_report();
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/events/{name}.json"))
}

fn service() -> Command {
    let mut command = Command::new(SERVICE);
    command
        .env_remove("RUST_LOG")
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// A child killed and reaped on drop, outside the timed region.
struct Reaped(Option<Child>);

impl Drop for Reaped {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `invoke --event`: exec until the response line is read from stdout.
fn invoke_first_line() -> Reaped {
    let event = fixture("apigw_http_cache_get");
    let mut child = service()
        .args(["invoke", "--event"])
        .arg(event)
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("\"statusCode\":200"), "{line}");
    Reaped(Some(child))
}

/// `serve`: exec until the response to `GET /health` is read over loopback.
fn serve_first_response() -> Reaped {
    let mut child = service().args(["serve", "--port", "0"]).spawn().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let addr = loop {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "serve exited");
        if let Some(rest) = line.strip_prefix("listening on http://") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    Reaped(Some(child))
}

/// A fresh Runtime API simulator with one API Gateway event queued.
fn simulator(runtime: &tokio::runtime::Runtime) -> (Simulator, String) {
    runtime.block_on(async {
        let simulator = Simulator::builder().build().await.unwrap();
        let event: Value = serde_json::from_str(
            &std::fs::read_to_string(fixture("apigw_http_cache_get")).unwrap(),
        )
        .unwrap();
        let id = simulator.enqueue_payload(event).await;
        (simulator, id)
    })
}

/// The Lambda loop: exec until the simulator has the first invocation's response.
fn lambda_first_response(
    runtime: &tokio::runtime::Runtime,
    (simulator, id): &(Simulator, String),
) -> Reaped {
    let child = service().envs(simulator.lambda_env_vars()).spawn().unwrap();
    let state = runtime
        .block_on(simulator.wait_for_invocation_complete(id, Duration::from_secs(30)))
        .unwrap();
    assert_eq!(state.status, InvocationStatus::Success);
    Reaped(Some(child))
}

/// The seed's Python gateway: exec until `import gateway` and one `cache_get` printed a line;
/// then it waits on standard input, so that its peak RSS can be read.
fn python_seed(flags: &[&str]) -> Option<Command> {
    let seed = std::env::var_os("PYTHON_SEED").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/anchors/python-seed/seed")
        },
        PathBuf::from,
    );
    if !seed.join("gateway.py").is_file() {
        eprintln!(
            "python seed not found at {}; set PYTHON_SEED",
            seed.display()
        );
        return None;
    }
    // The interpreter itself: a version manager's `python3` may be a shell script that would
    // add its own start-up to every run.
    let interpreter = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    let interpreter = String::from_utf8(interpreter.stdout)
        .ok()?
        .trim()
        .to_owned();
    let script = "import sys; sys.path.insert(0, sys.argv[1]); import gateway; \
                  print(gateway.cache_get('k'), flush=True); sys.stdin.read()";
    let mut command = Command::new(interpreter);
    command
        .args(flags)
        .args(["-c", script])
        .arg(seed)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    Some(command)
}

fn python_first_line(command: &mut Command) -> Reaped {
    let mut child = command.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(!line.is_empty(), "python printed nothing");
    Reaped(Some(child))
}

#[divan::bench(sample_count = 40, sample_size = 1)]
fn invoke_event(bencher: Bencher) {
    bencher.bench_local(invoke_first_line);
}

#[divan::bench(sample_count = 40, sample_size = 1)]
fn serve_health(bencher: Bencher) {
    bencher.bench_local(serve_first_response);
}

#[divan::bench(sample_count = 40, sample_size = 1)]
fn lambda_runtime_api(bencher: Bencher) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    bencher
        .with_inputs(|| simulator(&runtime))
        .bench_local_refs(|input| lambda_first_response(&runtime, input));
}

#[divan::bench(sample_count = 40, sample_size = 1)]
fn python_seed_import_and_call(bencher: Bencher) {
    let Some(mut command) = python_seed(&[]) else {
        return;
    };
    bencher.bench_local(|| python_first_line(&mut command));
}

/// The same without the `site` module (`python3 -S`): no `.pth` files of the installation, the
/// interpreter's floor.
#[divan::bench(sample_count = 40, sample_size = 1)]
fn python_seed_import_and_call_no_site(bencher: Bencher) {
    let Some(mut command) = python_seed(&["-S"]) else {
        return;
    };
    bencher.bench_local(|| python_first_line(&mut command));
}

/// Peak RSS (median of 15 runs) once the first response is out, printed after the timings.
/// `invoke` exits as it answers, so it has no row; it starts as `serve` does.
fn peak_rss_report() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    const RUNS: usize = 15;
    let median = |run: &mut dyn FnMut() -> Reaped| {
        let mut samples: Vec<u64> = (0..RUNS).map(|_| peak_rss(&run())).collect();
        samples.sort_unstable();
        samples[RUNS / 2]
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut rows = vec![
        ("serve_health", median(&mut serve_first_response)),
        (
            "lambda_runtime_api",
            median(&mut || lambda_first_response(&runtime, &simulator(&runtime))),
        ),
    ];
    for (name, flags) in [
        ("python_seed_import_and_call", &[][..]),
        ("python_seed_import_and_call_no_site", &["-S"][..]),
    ] {
        if let Some(mut command) = python_seed(flags) {
            rows.push((name, median(&mut || python_first_line(&mut command))));
        }
    }
    println!("\npeak RSS after the first response (median of {RUNS} runs)");
    for (name, bytes) in rows {
        println!("  {name:<38} {:>6.2} MiB", bytes as f64 / (1024.0 * 1024.0));
    }
}

/// The peak resident set of a running child, in bytes: `VmHWM` in `/proc/PID/status`. (The
/// rusage of a reaped child would not do: on Linux it starts from its parent's peak, this
/// benchmark's own.)
fn peak_rss(child: &Reaped) -> u64 {
    let pid = child.0.as_ref().expect("a running child").id();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmHWM in /proc/{pid}/status"));
    kib * 1024
}
