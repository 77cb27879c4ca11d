//! Generates the gateway of the shared test manifest.

fn main() {
    gateway_codegen::Builder::new()
        .manifest("../shared/operations.yaml")
        .compile_or_exit();
}
