//! How long the build-time path takes for the reference manifest.
//!
//! Run: `cargo bench -p gateway-codegen --bench codegen`.

use divan::{Bencher, black_box};
use gateway_codegen::{Manifest, SourceFile};

fn main() {
    divan::main();
}

fn reference() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../operations.yaml")).unwrap()
}

#[divan::bench]
fn load_and_validate(bencher: Bencher) {
    let text = reference();
    bencher.bench_local(|| {
        black_box(Manifest::parse(SourceFile::new(
            "operations.yaml",
            text.as_str(),
        )))
        .is_ok()
    });
}

#[divan::bench]
fn generate_formatted_module(bencher: Bencher) {
    let manifest = Manifest::parse(SourceFile::new("operations.yaml", reference())).unwrap();
    bencher.bench_local(|| black_box(manifest.generate()).len());
}

#[divan::bench]
fn generate_api_docs(bencher: Bencher) {
    let manifest = Manifest::parse(SourceFile::new("operations.yaml", reference())).unwrap();
    bencher.bench_local(|| black_box(manifest.docs()).len());
}
