// ARCH-04: core functions are reached through the gateway, never directly from other crates.
gateway_runtime::gateway!();

#[gateway_runtime::operation(CACHE.get)]
pub fn get(key: &str, default: gateway_runtime::Value) -> gateway_runtime::Value {
    let _ = key;
    default
}

fn main() {}
