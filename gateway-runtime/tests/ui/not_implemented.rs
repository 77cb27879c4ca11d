// CACHE.get is declared in operations.yaml, but no function implements it.
gateway_runtime::gateway!();

fn main() {}
