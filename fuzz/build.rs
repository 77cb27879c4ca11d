//! Generates the gateway the `params` and `router` targets call, from `operations.yaml`.

fn main() {
    gateway_codegen::Builder::new()
        .manifest("operations.yaml")
        .compile_or_exit();
}
