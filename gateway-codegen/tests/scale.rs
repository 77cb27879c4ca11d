//! Scale: the size of the generated code of 1,000 operations over 20 interfaces, against its
//! target (1.5 MB, counted as 1,500,000 bytes), so that a change that bloats the code fails:
//! `cargo test -p gateway-codegen --test scale -- --nocapture` prints the size.
//!
//! Times are measured by benchmarks, not here: `cargo bench -p gateway-codegen --bench scale`
//! (codegen) and `cargo bench -p gateway-codegen --bench check_time` (the added `cargo check`
//! time); see docs/PERFORMANCE.md, "Scale: 1,000 operations".

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

use gateway_codegen::{Manifest, SourceFile};

/// The target for the generated code of 1,000 operations: 1.5 MB.
const SIZE_TARGET_BYTES: usize = 1_500_000;

/// The generated code of the synthetic 1,000 operations, checked to be what it claims.
fn generated_code_of_1000_operations() -> String {
    let (yaml, ops) = synthetic::manifest(1000, 20);
    assert_eq!(ops.len(), 1000);
    let manifest = Manifest::parse(SourceFile::new("operations.yaml", yaml.as_str()))
        .unwrap_or_else(|report| panic!("{report}"));
    assert_eq!(manifest.model.interfaces.len(), 20);
    assert_eq!(manifest.model.operations().count(), 1000);
    assert!(manifest.model.operations().any(|op| op.batch.is_some()));
    assert!(manifest.model.operations().any(|op| op.is_async));
    let code = manifest.generate();
    println!(
        "1000 operations over 20 interfaces: generated code {} bytes ({} lines)",
        code.len(),
        code.lines().count()
    );
    code
}

#[test]
fn formatting_1000_operations_in_sections_gives_the_text_of_formatting_the_whole_file() {
    let (yaml, _) = synthetic::manifest(1000, 20);
    let manifest = Manifest::parse(SourceFile::new("operations.yaml", yaml.as_str()))
        .unwrap_or_else(|report| panic!("{report}"));
    let code = manifest.generate();
    let tokens = gateway_codegen::generate::contents_tokens(&manifest.model);
    let whole = prettyplease::unparse(&syn::parse2(tokens).expect("the tokens parse"));
    assert!(
        code.split_once("\n\n")
            .is_some_and(|(_header, body)| body == whole),
        "the file formatted in sections differs from the file formatted whole"
    );
}

#[test]
fn generated_code_of_1000_operations_meets_size_target() {
    let code = generated_code_of_1000_operations();
    assert!(
        code.len() < SIZE_TARGET_BYTES,
        "the generated code of 1,000 operations is {} bytes, over the target of {SIZE_TARGET_BYTES}",
        code.len()
    );
}
