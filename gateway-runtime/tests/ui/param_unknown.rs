gateway_runtime::gateway!();

#[gateway_runtime::operation(CACHE.get)]
fn get(key: &str, defualt: gateway_runtime::Value) -> gateway_runtime::Value {
    let _ = key;
    defualt
}

fn main() {}
