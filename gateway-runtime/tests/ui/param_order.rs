gateway_runtime::gateway!();

#[gateway_runtime::operation(CACHE.get)]
fn get(default: gateway_runtime::Value, key: &str) -> gateway_runtime::Value {
    let _ = key;
    default
}

fn main() {}
