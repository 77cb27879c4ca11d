gateway_runtime::gateway!();

#[gateway_runtime::operation(CACHE.get)]
fn get(key: &str) -> gateway_runtime::Value {
    key.into()
}

fn main() {}
