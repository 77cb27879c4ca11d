//! JSON parameters through the dynamic path: `execute_operation` on every operation of the fuzz
//! gateway (every parameter type), and the same calls through `execute_batch`.
//!
//! Input that is JSON text is used as it is (as every operation's parameters, and as a batch
//! when it is a list); other input builds calls structurally, values up to 1,000 levels deep
//! included. Never a panic; every error is one the gateway's checks give (core functions
//! cannot fail); and a batch answers each call as the call alone would.

#![no_main]

use arbitrary::{Result, Unstructured};
use gateway_fuzz::gateway::Gateway;
use gateway_fuzz::{EXPECTED_ERRORS, block_on, json, operations};
use gateway_runtime::ofb::BatchCall;
use gateway_runtime::{GatewayError, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(value) = json::from_text(data) {
        from_text(value);
    } else {
        let _ = structured(data);
    }
});

fn from_text(value: Value) {
    let gateway = Gateway::new();
    for (interface, operation) in operations() {
        let result = block_on(gateway.execute_operation(interface, operation, value.clone()));
        check(&result);
    }
    if let Value::Array(items) = &value {
        let calls = items
            .iter()
            .filter_map(|item| serde_json::from_value::<BatchCall>(item.clone()).ok())
            .collect();
        for result in block_on(gateway.execute_batch(calls)) {
            check(&result);
        }
    }
}

/// Calls built from `data`: the same bytes build the same calls, so each run gets its own copy
/// without cloning values thousands of levels deep (a recursive clone or drop in this harness
/// would overflow the stack before the gateway is reached).
fn calls(data: &[u8]) -> Result<Vec<BatchCall>> {
    let u = &mut Unstructured::new(data);
    let ops = operations();
    let count = u.int_in_range(1..=8)?;
    let mut calls = Vec::with_capacity(count);
    for _ in 0..count {
        match call(u, &ops) {
            Ok(call) => calls.push(call),
            Err(error) => {
                calls
                    .into_iter()
                    .for_each(|call| json::dismantle(call.params));
                return Err(error);
            }
        }
    }
    Ok(calls)
}

fn call(u: &mut Unstructured<'_>, ops: &[(&str, &str)]) -> Result<BatchCall> {
    let (interface, operation) = if u.ratio(1, 16)? {
        (json::string(u)?, json::string(u)?)
    } else {
        let (i, o) = *u.choose(ops)?;
        (i.to_owned(), o.to_owned())
    };
    let params = if u.ratio(1, 8)? {
        json::value(u, 3)?
    } else {
        json::object(u, 3)?
    };
    Ok(BatchCall::new(interface, operation, params))
}

fn structured(data: &[u8]) -> Result<()> {
    let (alone_calls, batch_calls) = (calls(data)?, calls(data)?);
    let names: Vec<String> = alone_calls
        .iter()
        .map(|call| format!("{}.{}", call.interface, call.operation))
        .collect();
    // One by one on one gateway, as a batch on another: the same answers.
    let alone = Gateway::new();
    let one_by_one: Vec<_> = alone_calls
        .into_iter()
        .map(|call| {
            block_on(alone.execute_operation(&call.interface, &call.operation, call.params))
        })
        .collect();
    let batched = block_on(Gateway::new().execute_batch(batch_calls));
    assert_eq!(batched.len(), names.len(), "a batch lost calls");
    for ((name, single), fused) in names.iter().zip(&one_by_one).zip(&batched) {
        check(single);
        check(fused);
        match (single, fused) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}"),
            (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "{name}: {a} / {b}"),
            (a, b) => panic!("{name}: alone {a:?}, in a batch {b:?}"),
        }
    }
    Ok(())
}

fn check(result: &std::result::Result<Value, GatewayError>) {
    if let Err(error) = result {
        assert!(
            EXPECTED_ERRORS.contains(&error.kind()),
            "unexpected error: {error}"
        );
        assert!(!error.to_string().is_empty());
    }
}
