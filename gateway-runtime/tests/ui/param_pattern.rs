gateway_runtime::gateway!();

#[gateway_runtime::operation(CACHE.get)]
fn get((key, default): (String, gateway_runtime::Value)) -> gateway_runtime::Value {
    let _ = key;
    default
}

fn main() {}
