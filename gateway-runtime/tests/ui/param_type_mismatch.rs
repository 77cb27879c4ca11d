gateway_runtime::gateway!();

#[gateway_runtime::operation(CACHE.get)]
fn get(key: i64, default: gateway_runtime::Value) -> gateway_runtime::Value {
    let _ = key;
    default
}

fn main() {}
