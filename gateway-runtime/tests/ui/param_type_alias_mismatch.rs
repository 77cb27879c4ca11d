// An alias cannot be judged from its name: the compiler checks it, at the same parameter.
gateway_runtime::gateway!();

type Key = u32;

#[gateway_runtime::operation(CACHE.get)]
fn get(key: Key, default: gateway_runtime::Value) -> gateway_runtime::Value {
    let _ = key;
    default
}

fn main() {}
