// ARCH-04: the type the core functions are attached to is private to the crate too.
fn main() {
    let _ = build_path::gateway::Core;
}
