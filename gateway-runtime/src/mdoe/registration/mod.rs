//! Runtime registration, the seed's "Dynamic Extensions": operations added while the service
//! runs, with a manifest entry's metadata ([`OperationSpec`]) and a closure as handler.
//!
//! A registration is validated like a manifest entry (name shapes, types, defaults against
//! their types, a required parameter with a default, unknown keys when read from data) and is
//! refused when its wrapper name or its `INTERFACE.operation` already exists, in the manifest
//! or among earlier registrations. Every problem is reported at once ([`RegistrationError`]).
//!
//! A registered operation is then an operation like the others: listed with them
//! ([`Runtime::operations`], `/operations`), counted in stats, reachable by
//! `execute_operation` and, when public, from the entry points; its parameters are checked
//! against its declaration, its defaults applied, its `cacheable` and `timeout` enforced and
//! free-tier protection applied. It has no interface state of its own: its handler receives
//! the gateway it runs in, and calls the gateway's typed operations (a `cache_get_or_compute`
//! calls `cache_get`, then the computation and `cache_set` on a miss).
//!
//! Registrations last for the rest of the process (their descriptors are `'static`, as
//! generated ones are); register at start-up, not per request.

mod check;
mod error;
mod spec;

pub use error::{Problem, RegistrationError};
pub use spec::{Cacheable, OperationSpec, ParamSpec};

use crate::descriptor::OperationDescriptor;
use crate::error::{BoxError, GatewayError, OperationError, ParamProblem};
use crate::lmms::counters::{Counters, Outcome};
use crate::mdoe::cache::{Slot, key_with};
use crate::mdoe::timeout;
use crate::params::{MAX_PARAMS_DEPTH, check_params, too_deep};
use crate::runtime::{Runtime, panic_message};
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{PoisonError, RwLock};

/// The gateway a registered operation runs in, as handlers receive it before downcasting.
type AnyGateway = dyn Any + Send + Sync;
type SyncHandler = Box<dyn Fn(&AnyGateway, Value) -> Result<Value, GatewayError> + Send + Sync>;
type AsyncHandler = Box<
    dyn for<'g> Fn(&'g AnyGateway, Value) -> BoxFuture<'g, Result<Value, GatewayError>>
        + Send
        + Sync,
>;

/// The operations registered with one runtime.
#[derive(Default)]
pub(crate) struct Extensions {
    registered: RwLock<Vec<&'static Registered>>,
}

impl std::fmt::Debug for Extensions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.all().iter().map(|r| r.descriptor.name).collect();
        f.debug_struct("Extensions")
            .field("registered", &names)
            .finish()
    }
}

impl Extensions {
    pub(crate) fn all(&self) -> Vec<&'static Registered> {
        self.registered
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The first registered operation `matches` accepts, looked up under the lock rather than
    /// in a copy of the list: every call of a registered operation, and every unknown name
    /// given to `execute_operation`, looks one up.
    pub(crate) fn find(
        &self,
        matches: impl Fn(&Registered) -> bool,
    ) -> Option<&'static Registered> {
        self.registered
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .copied()
            .find(|registered| matches(registered))
    }
}

/// One registered operation: its descriptor, handler, counters and result cache.
pub(crate) struct Registered {
    pub(crate) descriptor: &'static OperationDescriptor,
    handler: Handler,
    pub(crate) counters: Counters,
    pub(crate) slot: Slot,
}

enum Handler {
    Sync(SyncHandler),
    Async(AsyncHandler),
}

impl Runtime {
    /// Registers a synchronous operation: `spec` declares it as a manifest entry would, and
    /// `handler` runs it with the gateway it runs in (`G`, the generated `Gateway`) and its
    /// parameters decoded into `P` (a struct with the declared parameters as fields, or a
    /// [`Value`]), returning a result that serializes to JSON.
    ///
    /// With a generated gateway, `G` is its `Gateway` and the handler can call its typed
    /// operations; `execute_operation` and the entry points find the registered operation.
    /// Here a bare runtime shows the mechanics:
    ///
    /// ```
    /// use gateway_runtime::mdoe::{OperationSpec, ParamSpec};
    /// use gateway_runtime::{Config, Registry, Runtime};
    /// use serde::Deserialize;
    /// use serde_json::json;
    /// use std::convert::Infallible;
    ///
    /// static REGISTRY: Registry = Registry::new("operations.yaml", &[], &[]);
    ///
    /// /// What handlers receive as the gateway.
    /// struct App {
    ///     factor: i64,
    /// }
    ///
    /// #[derive(Deserialize)]
    /// struct Scale {
    ///     n: i64,
    /// }
    ///
    /// let runtime = Runtime::new(&REGISTRY, Config::default());
    /// let spec = OperationSpec::new("math_scale", "MATH", "scale")
    ///     .param(ParamSpec::new("n", "int").required())
    ///     .returns("int");
    /// let op = runtime
    ///     .register(spec, |app: &App, p: Scale| Ok::<_, Infallible>(p.n * app.factor))
    ///     .unwrap();
    /// assert!(runtime.find_registered("MATH", "scale").is_some_and(|found| found.name == op.name));
    ///
    /// let app = App { factor: 2 };
    /// let call = runtime.call_registered(&app, op, json!({"n": 21}));
    /// let executor = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// let result = executor.block_on(call);
    /// assert_eq!(result.unwrap(), json!(42));
    /// ```
    pub fn register<G, P, R, E, F>(
        &self,
        spec: OperationSpec,
        handler: F,
    ) -> Result<&'static OperationDescriptor, RegistrationError>
    where
        G: Any + Send + Sync,
        P: DeserializeOwned + 'static,
        R: Serialize + 'static,
        E: Into<BoxError> + 'static,
        F: Fn(&G, P) -> Result<R, E> + Send + Sync + 'static,
    {
        self.add(&spec, false, |op| {
            Handler::Sync(Box::new(move |gateway, params| {
                let gateway = downcast::<G>(op, gateway)?;
                let params = decode::<P>(op, params)?;
                let result = handler(gateway, params).map_err(|error| failed(op, error))?;
                encode(op, result)
            }))
        })
    }

    /// Registers an asynchronous operation ([`Runtime::register`] for handlers returning a
    /// boxed future, `|gateway, params| Box::pin(async move { ... })`); its `timeout` drops
    /// the future when it passes.
    pub fn register_async<G, P, R, E, F>(
        &self,
        spec: OperationSpec,
        handler: F,
    ) -> Result<&'static OperationDescriptor, RegistrationError>
    where
        G: Any + Send + Sync,
        P: DeserializeOwned + Send + 'static,
        R: Serialize + 'static,
        E: Into<BoxError> + 'static,
        F: for<'g> Fn(&'g G, P) -> BoxFuture<'g, Result<R, E>> + Send + Sync + 'static,
    {
        self.add(&spec, true, |op| {
            Handler::Async(Box::new(move |gateway, params| {
                let started = downcast::<G>(op, gateway)
                    .and_then(|gateway| Ok(handler(gateway, decode::<P>(op, params)?)));
                Box::pin(async move {
                    let result = started?.await.map_err(|error| failed(op, error))?;
                    encode(op, result)
                })
            }))
        })
    }

    fn add(
        &self,
        spec: &OperationSpec,
        is_async: bool,
        handler: impl FnOnce(&'static OperationDescriptor) -> Handler,
    ) -> Result<&'static OperationDescriptor, RegistrationError> {
        let mut registered = self
            .extensions
            .registered
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let existing: Vec<&'static OperationDescriptor> =
            registered.iter().map(|r| r.descriptor).collect();
        let id = self.registry().operations().len() + registered.len();
        let existing = check::Existing {
            registry: self.registry(),
            registered: &existing,
        };
        let op = check::check(spec, is_async, &existing, id)?;
        let entry: &'static Registered = Box::leak(Box::new(Registered {
            descriptor: op,
            handler: handler(op),
            counters: Counters::new(1),
            slot: Slot::for_operation(op, &self.caches.config),
        }));
        registered.push(entry);
        tracing::debug!(
            operation = op.name,
            wrapper = op.wrapper,
            "operation registered"
        );
        Ok(op)
    }

    /// Every operation: the manifest's in manifest order, then those registered at runtime
    /// in registration order.
    pub fn operations(&self) -> Vec<&'static OperationDescriptor> {
        let mut all: Vec<&'static OperationDescriptor> =
            self.registry().operations().iter().collect();
        all.extend(self.extensions.all().iter().map(|r| r.descriptor));
        all
    }

    /// The operation `interface.operation` among those registered at runtime.
    pub fn find_registered(
        &self,
        interface: &str,
        operation: &str,
    ) -> Option<&'static OperationDescriptor> {
        self.extensions
            .find(|r| r.descriptor.interface == interface && r.descriptor.operation == operation)
            .map(|r| r.descriptor)
    }

    /// Runs an operation registered with this runtime, in `gateway` (the generated gateway
    /// that owns this runtime), with JSON parameters: they are checked against its
    /// declaration and its defaults applied, then its result cache, timeout and free-tier
    /// protection apply as for any operation.
    pub async fn call_registered<G: Any + Send + Sync>(
        &self,
        gateway: &G,
        op: &'static OperationDescriptor,
        params: Value,
    ) -> Result<Value, GatewayError> {
        let Some(entry) = self.extensions.find(|r| std::ptr::eq(r.descriptor, op)) else {
            return Err(self.registry().unknown(op.interface, op.operation));
        };
        self.free_tier.check(op)?;
        let params = prepare(op, params)?;
        let generation = self.caches.generation(op.interface_index);
        match key_with(&self.caches.config, generation, || Some(params.to_string()))
            .filter(|_| op.cacheable.is_some())
        {
            Some(key) => {
                let now = self.config.clock.now();
                let capacity = self.caches.config.capacity;
                let run = self.run_registered(gateway, entry, params);
                entry
                    .slot
                    .get_or_compute_async(key, now, capacity, run)
                    .await
            }
            None => self.run_registered(gateway, entry, params).await,
        }
    }

    async fn run_registered(
        &self,
        gateway: &AnyGateway,
        entry: &'static Registered,
        params: Value,
    ) -> Result<Value, GatewayError> {
        let op = entry.descriptor;
        let start = Counters::sample_start();
        let began = self.config.clock.now();
        let mut overran = false;
        let outcome = match &entry.handler {
            Handler::Sync(handler) => {
                let outcome = catch_unwind(AssertUnwindSafe(|| handler(gateway, params)));
                overran = op
                    .timeout
                    .is_some_and(|limit| self.config.clock.now().saturating_sub(began) > limit);
                outcome
            }
            Handler::Async(handler) => match catch_unwind(AssertUnwindSafe(|| {
                handler(gateway, params)
            })) {
                Ok(future) => {
                    let future = AssertUnwindSafe(future).catch_unwind();
                    match op.timeout {
                        None => future.await,
                        Some(limit) => timeout::race(future, limit).await.unwrap_or_else(|| {
                            overran = true;
                            Ok(Ok(Value::Null))
                        }),
                    }
                }
                Err(payload) => Err(payload),
            },
        };
        let result = match (overran, op.timeout, outcome) {
            (true, Some(after), _) => Err(GatewayError::Timeout {
                operation: op.name,
                after,
            }),
            (_, _, Ok(result)) => result,
            (_, _, Err(payload)) => Err(GatewayError::Panicked {
                operation: op.name,
                message: panic_message(payload.as_ref()),
            }),
        };
        entry.counters.record(
            0,
            Outcome {
                fast: false,
                failed: result.is_err(),
                latency: start.map(|start| start.elapsed()),
            },
        );
        if op.cacheable.is_none() {
            self.caches.bump(op.interface_index);
        }
        result
    }
}

/// The parameters object, checked against the declaration, with defaults applied.
fn prepare(op: &'static OperationDescriptor, params: Value) -> Result<Value, GatewayError> {
    let mut params = match params {
        Value::Null => Value::Object(serde_json::Map::new()),
        other => other,
    };
    if let Some(path) = too_deep(&params, MAX_PARAMS_DEPTH) {
        return Err(GatewayError::InvalidParams {
            operation: op.name,
            problems: vec![ParamProblem::TooDeep {
                path,
                limit: MAX_PARAMS_DEPTH,
            }],
        });
    }
    let problems = check_params(op, &params);
    if !problems.is_empty() {
        return Err(GatewayError::InvalidParams {
            operation: op.name,
            problems,
        });
    }
    if let Value::Object(object) = &mut params {
        for param in op.params {
            let missing = object.get(param.name).is_none_or(Value::is_null);
            if let (true, Some(default)) = (missing, param.default)
                && let Ok(value) = serde_json::from_str(default)
            {
                object.insert(param.name.to_owned(), value);
            }
        }
    }
    Ok(params)
}

/// The gateway as the handler's type; another type means the operation was registered with
/// the runtime of a different gateway.
fn downcast<'g, G: Any>(
    op: &'static OperationDescriptor,
    gateway: &'g AnyGateway,
) -> Result<&'g G, GatewayError> {
    gateway
        .downcast_ref::<G>()
        .ok_or_else(|| GatewayError::OperationFailed {
            operation: op.name,
            error: OperationError::msg(format!(
                "its handler expects a `{}`, but it was called from another gateway",
                std::any::type_name::<G>()
            )),
        })
}

fn decode<P: DeserializeOwned>(
    op: &'static OperationDescriptor,
    params: Value,
) -> Result<P, GatewayError> {
    serde_path_to_error::deserialize(params).map_err(|error| GatewayError::InvalidParams {
        operation: op.name,
        problems: vec![ParamProblem::Invalid {
            path: error.path().to_string(),
            message: error.into_inner().to_string(),
        }],
    })
}

fn encode<R: Serialize>(
    op: &'static OperationDescriptor,
    result: R,
) -> Result<Value, GatewayError> {
    serde_json::to_value(result).map_err(|error| GatewayError::ResultEncoding {
        operation: op.name,
        error,
    })
}

fn failed(op: &'static OperationDescriptor, error: impl Into<BoxError>) -> GatewayError {
    GatewayError::OperationFailed {
        operation: op.name,
        error: OperationError::from_source(error),
    }
}
