gateway_runtime::gateway!(manifest = "manifests/stateful.yaml");

struct Store;

impl gateway_runtime::InterfaceState for Store {
    fn init(_: &gateway_runtime::InitContext<'_>) -> Result<Self, gateway_runtime::BoxError> {
        Ok(Store)
    }
}

#[gateway_runtime::operation(CACHE.set, manifest = "manifests/stateful.yaml")]
fn set(store: &mut Store, key: &str, ttl: Option<i64>) -> i64 {
    let _ = (store, key);
    ttl.unwrap_or(0)
}

fn main() {}
