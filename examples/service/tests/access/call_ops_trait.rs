// ARCH-04: nor can it reach a core function through the operation's implementation trait.
use example_service::gateway::ops::CacheGet;

fn main() {}
