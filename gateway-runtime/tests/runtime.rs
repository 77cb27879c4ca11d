//! The runtime on a registry written by hand: lazy state, panic isolation, parameter checks.

use gateway_runtime::{
    AnyModule, BoxError, Config, FieldError, Fields, GatewayError, InitContext,
    InterfaceDescriptor, InterfaceState, Module, OperationDescriptor, OperationError,
    ParamDescriptor, ParamProblem, Params, Registry, Runtime, TypeDesc, decode_params,
};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

/// Counts creations; the first `FAILURES` attempts fail.
struct Slow;
static SLOW_INITS: AtomicUsize = AtomicUsize::new(0);

impl InterfaceState for Slow {
    fn init(_: &InitContext<'_>) -> Result<Self, BoxError> {
        SLOW_INITS.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(50));
        Ok(Slow)
    }
}

struct Flaky;
static FLAKY_ATTEMPTS: AtomicUsize = AtomicUsize::new(0);

impl InterfaceState for Flaky {
    fn init(_: &InitContext<'_>) -> Result<Self, BoxError> {
        match FLAKY_ATTEMPTS.fetch_add(1, Ordering::SeqCst) {
            0 => Err("the database is not reachable yet".into()),
            1 => panic!("init panicked"),
            _ => Ok(Flaky),
        }
    }
}

struct Preloaded;
static PRELOADS: AtomicUsize = AtomicUsize::new(0);

impl InterfaceState for Preloaded {
    fn init(_: &InitContext<'_>) -> Result<Self, BoxError> {
        PRELOADS.fetch_add(1, Ordering::SeqCst);
        Ok(Preloaded)
    }
}

static INTERFACES: [InterfaceDescriptor; 4] = [
    InterfaceDescriptor::new("SLOW"),
    InterfaceDescriptor::new("FLAKY"),
    InterfaceDescriptor::new("EAGER").preload(),
    InterfaceDescriptor::new("PLAIN"),
];

static PARAMS: [ParamDescriptor; 3] = [
    ParamDescriptor::new("key", TypeDesc::String).required(),
    ParamDescriptor::new("ttl", TypeDesc::Int).default_json("30"),
    ParamDescriptor::new("tags", TypeDesc::ListOf(&TypeDesc::String)),
];

static OPERATIONS: [OperationDescriptor; 4] = [
    OperationDescriptor::new(0, "SLOW.get", "slow_get", 0),
    OperationDescriptor::new(1, "FLAKY.get", "flaky_get", 1),
    OperationDescriptor::new(2, "EAGER.get", "eager_get", 2),
    OperationDescriptor::new(3, "PLAIN.put", "plain_put", 3).params(&PARAMS),
];

static REGISTRY: Registry = Registry::new("test.yaml", &INTERFACES, &OPERATIONS);

/// The runtime and the state slots a generated gateway would own.
struct Fixture {
    runtime: Runtime,
    slow: Module<Slow>,
    flaky: Module<Flaky>,
    eager: Module<Preloaded>,
    plain: Module<()>,
}

impl Fixture {
    fn new() -> Self {
        Self {
            runtime: Runtime::new(&REGISTRY, Config::default()),
            slow: Module::new(&INTERFACES[0]),
            flaky: Module::new(&INTERFACES[1]),
            eager: Module::new(&INTERFACES[2]),
            plain: Module::new(&INTERFACES[3]),
        }
    }

    fn modules(&self) -> [&dyn AnyModule; 4] {
        [&self.slow, &self.flaky, &self.eager, &self.plain]
    }
}

#[test]
fn racing_first_calls_create_the_state_once() {
    let fixture = Arc::new(Fixture::new());
    let barrier = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (fixture, barrier) = (fixture.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                fixture
                    .runtime
                    .call(&fixture.slow, &OPERATIONS[0], |_| Ok(()))
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap().unwrap();
    }
    assert_eq!(SLOW_INITS.load(Ordering::SeqCst), 1);
    assert!(fixture.slow.is_loaded());
}

#[test]
fn failed_and_panicking_inits_are_errors_and_are_retried() {
    let f = Fixture::new();
    let call = || f.runtime.call(&f.flaky, &OPERATIONS[1], |_| Ok(()));
    let error = call().unwrap_err();
    assert_eq!(error.kind(), "init_failed");
    assert_eq!(
        error.to_string(),
        "interface `FLAKY` could not be initialised: the database is not reachable yet"
    );
    let error = call().unwrap_err();
    assert_eq!(
        error.to_string(),
        "interface `FLAKY` could not be initialised: init panicked"
    );
    assert!(!f.flaky.is_loaded());
    call().unwrap();
    assert!(f.flaky.is_loaded());
}

#[test]
fn state_is_lazy_unless_preloaded() {
    let f = Fixture::new();
    assert!(!f.eager.is_loaded());
    gateway_runtime::lmms::preload(&f.runtime, &f.modules()).unwrap();
    assert!(f.eager.is_loaded());
    assert!(
        !f.slow.is_loaded(),
        "preload creates only what the manifest marks"
    );
    assert!(PRELOADS.load(Ordering::SeqCst) >= 1);
}

#[test]
fn an_operation_outside_the_registry_is_an_error_not_a_panic() {
    static STRAY: OperationDescriptor = OperationDescriptor::new(99, "X.y", "x_y", 3);
    let f = Fixture::new();
    let error = f.runtime.call(&f.plain, &STRAY, |_| Ok(())).unwrap_err();
    assert_eq!(error.kind(), "init_failed");
}

#[test]
fn panics_in_sync_and_async_calls_are_caught() {
    let f = Fixture::new();
    let error = f
        .runtime
        .call(
            &f.plain,
            &OPERATIONS[3],
            |_| -> Result<(), OperationError> { panic!("boom {}", 1) },
        )
        .unwrap_err();
    assert_eq!(error.to_string(), "`PLAIN.put` panicked: boom 1");

    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let call = rt
        .block_on(f.runtime.enter_async(&f.plain, &OPERATIONS[3]))
        .unwrap();
    let polled = rt.block_on(call.run(|_| async {
        tokio::task::yield_now().await;
        let result: Result<(), OperationError> = Err(OperationError::msg("unused"));
        if result.is_err() {
            panic!("while polling");
        }
        result
    }));
    assert_eq!(
        polled.unwrap_err().to_string(),
        "`PLAIN.put` panicked: while polling"
    );
    let created = rt.block_on(
        call.run(|_| -> std::future::Ready<Result<(), OperationError>> {
            panic!("while creating")
        }),
    );
    assert_eq!(
        created.unwrap_err().to_string(),
        "`PLAIN.put` panicked: while creating"
    );
    assert_eq!(
        f.runtime.call(&f.plain, &OPERATIONS[3], |_| Ok(7)).unwrap(),
        7,
        "still serving"
    );
}

#[test]
fn operation_errors_keep_their_source_without_nesting() {
    let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such key");
    let error = OperationError::from_source(io);
    assert_eq!(
        error.downcast_ref::<std::io::Error>().map(|e| e.kind()),
        Some(std::io::ErrorKind::NotFound)
    );
    let again = OperationError::from_source(error);
    assert_eq!(again.to_string(), "no such key");
    assert!(
        again.downcast_ref::<std::io::Error>().is_some(),
        "not wrapped twice"
    );
}

/// A hand-written parameter struct, read as its descriptor declares.
#[derive(Debug)]
#[allow(dead_code)]
struct PutParams {
    key: String,
    ttl: i64,
    tags: Option<Vec<String>>,
}

impl<'v> Params<'v> for PutParams {
    fn decode(fields: &mut Fields<'v>) -> Result<Self, FieldError> {
        Ok(PutParams {
            key: fields.declared(0)?,
            ttl: fields.declared(1)?,
            tags: fields.declared(2)?,
        })
    }
}

#[test]
fn parameters_are_checked_before_decoding() {
    let op = &OPERATIONS[3];
    let ok: PutParams =
        decode_params(op, &mut json!({"key": "k", "ttl": null, "tags": null})).unwrap();
    assert_eq!(
        (ok.ttl, ok.tags),
        (30, None),
        "null means omitted for parameters that are not required"
    );
    let problems =
        match decode_params::<PutParams>(op, &mut json!({"key": null, "ttl": 2.5, "tag": []})) {
            Err(GatewayError::InvalidParams { problems, .. }) => problems,
            other => panic!("{other:?}"),
        };
    assert_eq!(
        problems,
        [
            ParamProblem::Unexpected {
                name: "tag".into(),
                suggestion: Some("tags"),
                expected: vec!["key", "ttl", "tags"]
            },
            ParamProblem::WrongType {
                path: "key".into(),
                expected: "string".into(),
                found: "null".into()
            },
            ParamProblem::WrongType {
                path: "ttl".into(),
                expected: "int".into(),
                found: "number 2.5".into()
            },
        ]
    );
    let huge =
        decode_params::<PutParams>(op, &mut json!({"key": "k", "ttl": u64::MAX})).unwrap_err();
    assert!(
        huge.to_string().contains("out of range for int (i64)"),
        "{huge}"
    );
    let long = "x".repeat(100);
    let shown = decode_params::<PutParams>(op, &mut json!({"key": long.clone(), "tags": long}))
        .unwrap_err();
    assert!(
        shown
            .to_string()
            .contains(&format!("\"{}…\"", "x".repeat(40))),
        "long values are shortened: {shown}"
    );
}

#[test]
fn unknown_names_suggest_the_closest() {
    let error = REGISTRY.unknown_operation("PLAIN", "putt");
    assert_eq!(
        error.to_string(),
        "unknown operation `PLAIN.putt` (did you mean `put`?); PLAIN has: put"
    );
    let error = REGISTRY.unknown_interface("plain");
    assert_eq!(
        error.to_string(),
        "unknown interface `plain` (did you mean `PLAIN`?); available: SLOW, FLAKY, EAGER, PLAIN"
    );
}
