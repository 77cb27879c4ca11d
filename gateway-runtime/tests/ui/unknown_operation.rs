gateway_runtime::gateway!();

#[gateway_runtime::operation(CACHE.gett)]
fn get(key: &str, default: gateway_runtime::Value) -> gateway_runtime::Value {
    let _ = key;
    default
}

fn main() {}
