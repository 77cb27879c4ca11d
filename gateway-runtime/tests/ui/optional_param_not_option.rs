gateway_runtime::gateway!(manifest = "manifests/stateful.yaml");

struct Store;

impl gateway_runtime::InterfaceState for Store {
    fn init(_: &gateway_runtime::InitContext<'_>) -> Result<Self, gateway_runtime::BoxError> {
        Ok(Store)
    }
}

#[gateway_runtime::operation(CACHE.set, manifest = "manifests/stateful.yaml")]
fn set(store: &Store, key: &str, ttl: i64) -> i64 {
    let _ = (store, key);
    ttl
}

fn main() {}
