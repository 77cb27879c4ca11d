gateway_runtime::gateway!();

#[gateway_runtime::operation(CACHE.get)]
async fn get(key: &str, default: gateway_runtime::Value) -> gateway_runtime::Value {
    let _ = key;
    default
}

fn main() {}
