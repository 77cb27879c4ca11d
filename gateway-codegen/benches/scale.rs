//! Codegen at scale: a synthetic manifest of 1,000 operations over 20 interfaces (varied
//! parameter types, async operations, batch partners, cache policies, timeouts), from text to
//! formatted code. Prints the generated code's size first.
//!
//! Run: `cargo bench -p gateway-codegen --bench scale`.

#[path = "support/synthetic.rs"]
mod synthetic;

use divan::{Bencher, black_box};
use gateway_codegen::{Manifest, SourceFile, generate};

const OPERATIONS: usize = 1000;
const INTERFACES: usize = 20;

fn main() {
    let (yaml, _) = synthetic::manifest(OPERATIONS, INTERFACES);
    let manifest = Manifest::parse(SourceFile::new("operations.yaml", yaml.as_str()))
        .unwrap_or_else(|report| panic!("{report}"));
    let code = manifest.generate("gateway");
    println!(
        "{OPERATIONS} operations over {INTERFACES} interfaces: manifest {} bytes; generated code {} bytes, {} lines",
        yaml.len(),
        code.len(),
        code.lines().count()
    );
    divan::main();
}

fn yaml() -> String {
    synthetic::manifest(OPERATIONS, INTERFACES).0
}

/// What a build script does: load, validate, generate and format.
#[divan::bench(sample_count = 20)]
fn load_validate_generate_format(bencher: Bencher) {
    let text = yaml();
    bencher.bench_local(|| {
        let manifest = Manifest::parse(SourceFile::new("operations.yaml", text.as_str())).unwrap();
        black_box(manifest.generate("gateway")).len()
    });
}

#[divan::bench(sample_count = 20)]
fn load_and_validate(bencher: Bencher) {
    let text = yaml();
    bencher.bench_local(|| {
        black_box(Manifest::parse(SourceFile::new(
            "operations.yaml",
            text.as_str(),
        )))
        .is_ok()
    });
}

/// Generation alone, as tokens (what `gateway!` hands the compiler: no formatting).
#[divan::bench(sample_count = 20)]
fn generate_tokens(bencher: Bencher) {
    let manifest = Manifest::parse(SourceFile::new("operations.yaml", yaml())).unwrap();
    bencher.bench_local(|| {
        black_box(generate::module_tokens(&manifest.model, "gateway"))
            .into_iter()
            .count()
    });
}

/// Generation and formatting with prettyplease (what `Builder` writes).
#[divan::bench(sample_count = 20)]
fn generate_formatted(bencher: Bencher) {
    let manifest = Manifest::parse(SourceFile::new("operations.yaml", yaml())).unwrap();
    bencher.bench_local(|| black_box(manifest.generate("gateway")).len());
}
