//! What decoding a generated gateway's operation table costs at start-up: the first read of
//! the registry (at `Gateway::new`) decodes every line once.
//!
//! The tables are made here, in the generator's format, of operations like the reference
//! manifest's: a description, two or three parameters (a string, an int with a default, an
//! optional map), a result type and, on every other one, a cache policy. 17 operations is the
//! reference manifest's size, 1,000 the scale target's. Each iteration decodes a new table; its
//! descriptors live for the process, as a gateway's do.
//!
//! Run: `cargo bench -p gateway-runtime --bench operation_table`.

use divan::{Bencher, black_box};
use gateway_runtime::{OperationTable, TABLE_FORMAT};

fn main() {
    divan::main();
}

/// A table of `operations` lines over interfaces of 50.
fn table(operations: usize) -> &'static str {
    let mut text = String::from("\n");
    for i in 0..operations {
        let interface = i / 50;
        let cache = if i % 2 == 0 {
            r#","cacheable":{"ttl_ms":30000}"#
        } else {
            ""
        };
        text.push_str(&format!(
            concat!(
                r#"{{"name":"IF{interface:02}.op_{i:03}","wrapper":"if{interface:02}_op_{i:03}","#,
                r#""interface":{interface},"line":{line},"description":"Synthetic operation {i}.","#,
                r#""params":[{{"name":"key","type":"string","required":true}},"#,
                r#"{{"name":"limit","type":"int","default":10,"description":"At most this many."}},"#,
                r#"{{"name":"tags","type":"map<list<string>>"}}],"#,
                r#""returns":"list<optional<float>>"{cache}}}"#,
                "\n"
            ),
            interface = interface,
            i = i,
            line = 3 + i * 12,
            cache = cache,
        ));
    }
    Box::leak(text.into_boxed_str())
}

#[divan::bench(args = [17, 1000], sample_count = 20, sample_size = 1)]
fn decode(bencher: Bencher, operations: usize) {
    let text = table(operations);
    bencher.bench_local(|| {
        let table = OperationTable::new(TABLE_FORMAT, black_box(text), &[]);
        table.operations().len()
    });
}
