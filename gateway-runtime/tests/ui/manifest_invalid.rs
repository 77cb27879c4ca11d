// Every error of the manifest is reported, with its line and a caret.
gateway_runtime::gateway!(manifest = "manifests/broken.yaml");

fn main() {}
