//! ARCH-04: core functions cannot be reached from outside the crate except through the
//! gateway. Each case under `tests/access` tries one way around it and must not compile.

#[test]
fn core_functions_are_private_to_the_crate() {
    trybuild::TestCases::new().compile_fail("tests/access/*.rs");
}

#[test]
fn the_gateway_is_the_way_in() {
    use build_path::gateway::Gateway;
    let gateway = Gateway::new();
    gateway.cache_put("k", serde_json::json!(1)).unwrap();
    assert_eq!(gateway.cache_get("k", None).unwrap(), serde_json::json!(1));
}
