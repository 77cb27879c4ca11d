//! Generates the gateway from the workspace's reference manifest.

fn main() {
    gateway_codegen::Builder::new()
        .manifest("../../operations.yaml")
        .compile_or_exit();
}
