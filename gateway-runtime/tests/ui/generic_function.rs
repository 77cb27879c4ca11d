gateway_runtime::gateway!();

#[gateway_runtime::operation(CACHE.get)]
fn get<K: AsRef<str>>(key: K, default: gateway_runtime::Value) -> gateway_runtime::Value {
    let _ = key.as_ref();
    default
}

fn main() {}
