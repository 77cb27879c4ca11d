//! The exact messages of bad input to the runtime, as `docs/BAD_INPUT.md` quotes them: JSON
//! parameters on the dynamic path, and environment variables read by `Config::from_vars`.
//! Each case is the whole message, so a change of wording fails here and in the table's check.

use super::block_on;
use super::gateway::Gateway;
use gateway_runtime::Config;
use serde_json::{Value, json};

fn call(interface: &str, operation: &str, params: Value) -> String {
    let gateway = Gateway::new();
    match block_on(gateway.execute_operation(interface, operation, params)) {
        Ok(value) => panic!("{interface}.{operation} accepted its parameters: {value}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn bad_parameters_get_these_messages() {
    let deep = (0..200).fold(json!(1), |value, _| json!([value]));
    let cases = [
        (
            ("SQUARE", "of", json!([3])),
            "invalid parameters for `SQUARE.of`: expected an object of named parameters, found a list of 1 items",
        ),
        (
            ("SQUARE", "of", json!({})),
            "invalid parameters for `SQUARE.of`: missing required parameter `x` (int)",
        ),
        (
            ("SQUARE", "of", json!({"x": 2, "y": 3})),
            "invalid parameters for `SQUARE.of`: unexpected parameter `y` (did you mean `x`?); expected: x",
        ),
        (
            ("STORE", "get", json!({"kye": "a"})),
            "invalid parameters for `STORE.get`: unexpected parameter `kye` (did you mean `key`?); expected: key; missing required parameter `key` (string)",
        ),
        (
            ("SQUARE", "of", json!({"x": "2"})),
            "invalid parameters for `SQUARE.of`: parameter `x`: expected int, found string \"2\"",
        ),
        (
            ("SQUARE", "of", json!({"x": 1.5})),
            "invalid parameters for `SQUARE.of`: parameter `x`: expected int, found number 1.5",
        ),
        (
            ("SQUARE", "of", json!({"x": u64::MAX})),
            "invalid parameters for `SQUARE.of`: parameter `x`: expected int, found 18446744073709551615, which is out of range for int (i64)",
        ),
        (
            ("TYPES", "all", json!({"s": "", "o": null, "li": [1, "2"]})),
            "invalid parameters for `TYPES.all`: parameter `li[1]`: expected int, found string \"2\"",
        ),
        (
            ("TYPES", "all", json!({"s": ""})),
            "invalid parameters for `TYPES.all`: missing required parameter `o` (optional<string>)",
        ),
        (
            ("TYPES", "all", json!({"s": "", "o": null, "p": {"x": 1}})),
            "invalid parameters for `TYPES.all`: parameter `p`: missing field `y`",
        ),
        (
            ("TYPES", "all", json!({"s": "", "o": null, "a": deep})),
            "invalid parameters for `TYPES.all`: parameter `a[0][0][0]…[0][0][0][0]` nests lists and objects deeper than 128 levels; send flatter parameters",
        ),
        (
            ("STORE", "putt", json!({})),
            "unknown operation `STORE.putt` (did you mean `put`?); STORE has: put, put_many, get, get_many, remove",
        ),
        (
            ("store", "put", json!({})),
            "unknown interface `store` (did you mean `STORE`?); available: STORE, SQUARE, TYPES",
        ),
    ];
    let mut wrong = Vec::new();
    for ((interface, operation, params), expected) in cases {
        let actual = call(interface, operation, params);
        if actual != expected {
            wrong.push(format!(
                "{interface}.{operation}:\n  expected: {expected}\n  actual:   {actual}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn bad_environment_variables_get_these_messages() {
    let cases = [
        (
            ("UNLOAD_GRACE_PERIOD", "30s"),
            "UNLOAD_GRACE_PERIOD=\"30s\" is not valid: expected a number of seconds, such as 30 or 0.5",
        ),
        (
            ("LAZY_LOADING_ENABLED", "maybe"),
            "LAZY_LOADING_ENABLED=\"maybe\" is not valid: expected true or false (also 1/0, yes/no, on/off)",
        ),
        (
            ("MIN_RESIDENT_MODULES", "-2"),
            "MIN_RESIDENT_MODULES=\"-2\" is not valid: expected a whole number, such as 8",
        ),
        (
            ("FREE_TIER_BASIS", "monthly"),
            "FREE_TIER_BASIS=\"monthly\" is not valid: expected actual, projected or both",
        ),
        (
            ("FREE_TIER_FILE", "/tmp/usage.json"),
            "FREE_TIER_FILE=\"/tmp/usage.json\" is not valid: expected FREE_TIER_STORE to be set too (file or redis), to say which store it configures",
        ),
        (
            ("FAST_PATH_THRESHOLD", "0"),
            "FAST_PATH_THRESHOLD=\"0\" is not valid: expected a whole number of calls of at least 1, such as 10",
        ),
    ];
    let mut wrong = Vec::new();
    for ((variable, value), expected) in cases {
        let actual = match Config::from_vars([(variable, value)]) {
            Ok(_) => format!("{variable}={value:?} was accepted"),
            Err(error) => error.to_string(),
        };
        if actual != expected {
            wrong.push(format!(
                "{variable}:\n  expected: {expected}\n  actual:   {actual}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
