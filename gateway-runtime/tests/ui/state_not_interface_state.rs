// The manifest names `crate::Store` as CACHE's state, but `Store` does not say how to create it.
gateway_runtime::gateway!(manifest = "manifests/stateful.yaml");

struct Store;

#[gateway_runtime::operation(CACHE.set, manifest = "manifests/stateful.yaml")]
fn set(store: &Store, key: &str, ttl: Option<i64>) -> i64 {
    let _ = (store, key);
    ttl.unwrap_or(0)
}

fn main() {}
