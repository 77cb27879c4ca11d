//! Arbitrary bytes as an `operations.yaml`: load, validate, generate and document it.
//!
//! Never a panic; a refused manifest has a report with at least one error; an accepted one
//! generates tokens that parse as a Rust file (what `gateway!` emits), the same source twice
//! (what `Builder` writes), API docs, and a model that survives the JSON round trip the
//! build-script path makes through `gateway-model.json`.

#![no_main]

use gateway_codegen::{Manifest, SourceFile, generate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    match Manifest::parse(SourceFile::new("operations.yaml", text)) {
        Ok(manifest) => accepted(&manifest),
        Err(report) => {
            assert!(report.error_count() > 0, "a report without errors");
            let rendered = report.to_string();
            assert!(rendered.contains("error"), "{rendered}");
            let _ = report.one_line_messages();
        }
    }
});

fn accepted(manifest: &Manifest) {
    let tokens = generate::module_tokens(&manifest.model, generate::DEFAULT_MODULE);
    if let Err(error) = syn::parse2::<syn::File>(tokens) {
        panic!(
            "generated tokens do not parse: {error}\nmanifest:\n{}",
            manifest.source.text()
        );
    }
    let source = manifest.generate();
    if let Err(error) = syn::parse_file(&source) {
        panic!("generated source does not parse: {error}\n{source}");
    }
    assert_eq!(
        source,
        manifest.generate(),
        "generation is not deterministic"
    );
    let _ = manifest.docs();
    let json = serde_json::to_string(&manifest.model).expect("the model serialises");
    let back: gateway_codegen::Model = serde_json::from_str(&json).expect("the model reads back");
    assert_eq!(back, manifest.model, "the model changes through JSON");
}
