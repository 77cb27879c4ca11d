gateway_runtime::gateway!();

struct Store;

#[gateway_runtime::operation(CACHE.get)]
fn get(store: &Store, key: &str, default: gateway_runtime::Value) -> gateway_runtime::Value {
    let _ = (store, key);
    default
}

fn main() {}
