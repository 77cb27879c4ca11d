//! Compile errors of `#[operation]` and `gateway!` are UI: one case per file under `tests/ui`,
//! each with the exact messages in its `.stderr`.

#[test]
fn compile_errors() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
