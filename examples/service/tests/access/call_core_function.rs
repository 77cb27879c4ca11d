// ARCH-04: another crate cannot call a core function; it goes through the gateway.
fn main() {
    let _ = example_service::interfaces::cache::get_value;
}
