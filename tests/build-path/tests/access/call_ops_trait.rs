// ARCH-04: nor can it reach a core function through the operation's implementation trait.
use build_path::gateway::ops::CacheGet;

fn main() {}
