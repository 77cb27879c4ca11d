gateway_runtime::gateway!(manifest = "manifests/asynchronous.yaml");

#[gateway_runtime::operation(HTTP.get, manifest = "manifests/asynchronous.yaml")]
fn get(url: &str) -> String {
    url.to_owned()
}

fn main() {}
