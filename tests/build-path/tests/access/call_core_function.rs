// ARCH-04: another crate cannot call a core function; it goes through the gateway.
fn main() {
    let _ = build_path::core::get_value;
}
