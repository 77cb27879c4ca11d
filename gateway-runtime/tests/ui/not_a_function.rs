gateway_runtime::gateway!();

#[gateway_runtime::operation(CACHE.get)]
struct Get;

fn main() {}
