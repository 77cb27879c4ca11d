gateway_runtime::gateway!(manifest = "manifests/missing.yaml");

fn main() {}
