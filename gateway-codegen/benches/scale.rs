//! Codegen at scale: a synthetic manifest of 1,000 operations over 20 interfaces (varied
//! parameter types, async operations, batch partners, cache policies, timeouts), from text to
//! formatted code, against the same generator's 10 operations over 2 interfaces measured in
//! the same run. Prints the generated code's size of each first.
//!
//! Run: `cargo bench -p gateway-codegen --bench scale`.

#[path = "support/synthetic.rs"]
mod synthetic;

use divan::{Bencher, black_box};
use gateway_codegen::{Manifest, SourceFile, generate};

/// The manifest sizes measured: the baseline and the target's.
const OPERATIONS: [usize; 2] = [10, 1000];

fn main() {
    for operations in OPERATIONS {
        let yaml = yaml(operations);
        let manifest = Manifest::parse(SourceFile::new("operations.yaml", yaml.as_str()))
            .unwrap_or_else(|report| panic!("{report}"));
        let code = manifest.generate();
        println!(
            "{operations} operations over {} interfaces: manifest {} bytes; generated code {} bytes, {} lines",
            interfaces(operations),
            yaml.len(),
            code.len(),
            code.lines().count()
        );
    }
    divan::main();
}

/// 50 operations an interface: 10 over 2, 1,000 over 20.
fn interfaces(operations: usize) -> usize {
    operations.div_ceil(50).max(2)
}

fn yaml(operations: usize) -> String {
    synthetic::manifest(operations, interfaces(operations)).0
}

/// What a build script does: load, validate, generate and format.
#[divan::bench(sample_count = 20, args = OPERATIONS)]
fn load_validate_generate_format(bencher: Bencher, operations: usize) {
    let text = yaml(operations);
    bencher.bench_local(|| {
        let manifest = Manifest::parse(SourceFile::new("operations.yaml", text.as_str())).unwrap();
        black_box(manifest.generate()).len()
    });
}

/// Loading and validating the manifest alone.
#[divan::bench(sample_count = 20, args = OPERATIONS)]
fn load_and_validate(bencher: Bencher, operations: usize) {
    let text = yaml(operations);
    bencher.bench_local(|| {
        black_box(Manifest::parse(SourceFile::new(
            "operations.yaml",
            text.as_str(),
        )))
        .is_ok()
    });
}

/// Generation alone, as tokens (what `gateway!` hands the compiler: no formatting).
#[divan::bench(sample_count = 20, args = OPERATIONS)]
fn generate_tokens(bencher: Bencher, operations: usize) {
    let manifest = Manifest::parse(SourceFile::new("operations.yaml", yaml(operations))).unwrap();
    bencher.bench_local(|| {
        black_box(generate::contents_tokens(&manifest.model))
            .into_iter()
            .count()
    });
}

/// Generation, then the whole file formatted at once on this thread: how `Builder`
/// formatted before it formatted the module's sections in parallel. The baseline for that.
#[divan::bench(sample_count = 20, args = OPERATIONS)]
fn generate_formatted_whole_on_one_thread(bencher: Bencher, operations: usize) {
    let manifest = Manifest::parse(SourceFile::new("operations.yaml", yaml(operations))).unwrap();
    bencher.bench_local(|| {
        let tokens = generate::contents_tokens(&manifest.model);
        let file = syn::parse2::<syn::File>(tokens).unwrap();
        black_box(prettyplease::unparse(&file)).len()
    });
}

/// Generation and formatting with prettyplease (what `Builder` writes).
#[divan::bench(sample_count = 20, args = OPERATIONS)]
fn generate_formatted(bencher: Bencher, operations: usize) {
    let manifest = Manifest::parse(SourceFile::new("operations.yaml", yaml(operations))).unwrap();
    bencher.bench_local(|| black_box(manifest.generate()).len());
}
