//! Every kind of bad manifest, with the full message a user sees, snapshotted under
//! `snapshots/diagnostics/`.

use gateway_codegen::load::yaml::{MAX_MANIFEST_BYTES, MAX_NODES};
use gateway_codegen::{Manifest, SourceFile};
use std::time::{Duration, Instant};

/// (snapshot name, manifest text).
const BAD_MANIFESTS: &[(&str, &str)] = &[
    (
        "yaml_syntax_error",
        "cache_get:\n  interface: [CACHE\n  operation: get\n",
    ),
    ("tab_indentation", "cache_get:\n\tinterface: CACHE\n"),
    ("empty_file", ""),
    ("only_comments", "# nothing declared yet\n"),
    ("empty_mapping", "{}\n"),
    (
        "only_interface_settings",
        "$interfaces:\n  CACHE:\n    preload: true\n",
    ),
    ("not_a_mapping", "- cache_get\n- cache_set\n"),
    (
        "second_document",
        "a:\n  interface: A\n  operation: a\n---\nb: 1\n",
    ),
    (
        "unknown_key",
        "cache_get:\n  interface: CACHE\n  operation: get\n  paramters:\n    - name: key\n      type: string\n  returns: any\n",
    ),
    (
        "unknown_parameter_key",
        "cache_get:\n  interface: CACHE\n  operation: get\n  parameters:\n    - name: key\n      typ: string\n      requird: true\n",
    ),
    (
        "unknown_type",
        "cache_get:\n  interface: CACHE\n  operation: get\n  parameters:\n    - {name: key, type: strng, required: true}\n  returns: lst<any>\n",
    ),
    (
        "unknown_capitalised_type",
        "user_get:\n  interface: USERS\n  operation: get\n  returns: User\n",
    ),
    (
        "malformed_type_expressions",
        "op:\n  interface: A\n  operation: op\n  parameters:\n    - {name: a, type: 'list<int'}\n    - {name: b, type: 'list[int]'}\n    - {name: c, type: 'int<str>'}\n    - {name: d, type: 'map<int, str>'}\n    - {name: e, type: none}\n    - {name: f, type: 'self::Local'}\n    - {name: g, type: 'crate::Page<int>'}\n",
    ),
    (
        "duplicate_wrapper",
        "cache_get:\n  interface: CACHE\n  operation: get\ncache_get:\n  interface: CACHE\n  operation: fetch\n",
    ),
    (
        "duplicate_operation",
        "cache_get:\n  interface: CACHE\n  operation: get\ncache_fetch:\n  interface: CACHE\n  operation: get\n",
    ),
    (
        "duplicate_parameter",
        "op:\n  interface: A\n  operation: op\n  parameters:\n    - {name: key, type: string}\n    - {name: key, type: int}\n",
    ),
    (
        "too_many_parameters",
        "op:\n  interface: A\n  operation: op\n  parameters:\n    - {name: p00, type: int}\n    - {name: p01, type: int}\n    - {name: p02, type: int}\n    - {name: p03, type: int}\n    - {name: p04, type: int}\n    - {name: p05, type: int}\n    - {name: p06, type: int}\n    - {name: p07, type: int}\n    - {name: p08, type: int}\n    - {name: p09, type: int}\n    - {name: p10, type: int}\n    - {name: p11, type: int}\n    - {name: p12, type: int}\n    - {name: p13, type: int}\n    - {name: p14, type: int}\n    - {name: p15, type: int}\n    - {name: p16, type: int}\n    - {name: p17, type: int}\n",
    ),
    (
        "invalid_identifiers",
        "cache-get:\n  interface: Cache\n  operation: getValue\n  parameters:\n    - {name: 2fast, type: int}\n",
    ),
    (
        "rust_keywords",
        "match:\n  interface: TYPE\n  operation: loop\n  parameters:\n    - {name: type, type: string}\n",
    ),
    (
        "reserved_wrapper_name",
        "execute_operation:\n  interface: A\n  operation: run\n",
    ),
    (
        "colliding_type_names",
        "cache_get:\n  interface: CACHE\n  operation: get\ncache__get:\n  interface: CACHE\n  operation: get2\n",
    ),
    (
        "default_does_not_match_type",
        "op:\n  interface: A\n  operation: op\n  parameters:\n    - {name: ttl, type: int, default: soon}\n    - {name: tags, type: list<string>, default: [a, 2]}\n    - {name: ratio, type: float, default: .nan}\n    - {name: user, type: crate::User, default: {id: 1}}\n",
    ),
    (
        "required_with_default",
        "op:\n  interface: A\n  operation: op\n  parameters:\n    - name: ttl\n      type: int\n      required: true\n      default: 30\n",
    ),
    (
        "batch_partner_missing",
        "cache_get:\n  interface: CACHE\n  operation: get\n  parameters:\n    - {name: key, type: string, required: true}\n  returns: any\n  batch: cache_get_bacth\ncache_get_batch:\n  interface: CACHE\n  operation: get_batch\n  parameters:\n    - {name: keys, type: list<string>, required: true}\n  returns: list<any>\n",
    ),
    (
        "batch_partner_ill_shaped",
        "cache_get:\n  interface: CACHE\n  operation: get\n  parameters:\n    - {name: key, type: string, required: true}\n  returns: any\n  batch: {operation: cache_get_batch, max_size: 0}\ncache_get_batch:\n  interface: CACHE\n  operation: get_batch\n  parameters:\n    - {name: keys, type: list<int>, required: true}\n  returns: list<any>\ncache_del:\n  interface: CACHE\n  operation: del\n  parameters:\n    - {name: key, type: string, required: true}\n  returns: bool\n  batch: cache_get_batch\nlog_info:\n  interface: LOGGING\n  operation: info\n  parameters:\n    - {name: message, type: string, required: true}\n  batch: cache_get_batch\n",
    ),
    (
        "wrong_value_kinds",
        "op:\n  interface: [A]\n  operation: 7\n  parameters: {name: key}\n  cacheable: maybe\n  timeout: -5\n  visibility: private\n  priority: high\n  async: yes\n",
    ),
    (
        "entry_not_a_mapping",
        "cache_get: CACHE.get\nlog_info:\n  interface: LOGGING\n  operation: info\n  parameters:\n    - message\n",
    ),
    (
        "missing_required_keys",
        "cache_get:\n  returns: any\n  parameters:\n    - type: string\n    - name: key\n",
    ),
    (
        "interface_settings",
        "$interface:\n  CACHE: {}\n$interfaces:\n  CACHEE:\n    preload: true\n  LOGGING:\n    state: self::Logger\n    unload: sometimes\n    preloaded: true\ncache_get:\n  interface: CACHE\n  operation: get\nlog_info:\n  interface: LOGGING\n  operation: info\n",
    ),
    (
        "non_string_keys",
        "123:\n  interface: A\n  operation: a\nop:\n  interface: A\n  operation: op\n  true: 1\n",
    ),
    (
        "unsupported_tag",
        "op: !operation\n  interface: A\n  operation: op\n",
    ),
    (
        "many_errors_at_once",
        "cache_get:\n  interface: CACHE\n  operation: get\n  paramters: []\n  returns: anything\ncache_set:\n  interface: cache\n  operation: set\n  parameters:\n    - {name: key, type: string, required: true, default: x}\n  timeout: 0s\n  batch: nothing\n",
    ),
    (
        "event_routes",
        "$events:\n  - source: aws.events\n    detail_type: Tick\n    operation: CACHE.clera\n  - source: aws.events\n    detail_type: Scheduled Event\n    operation: CONFIG.reload\n  - source: app.orders\n    operation: clear\n  - source: app.billing\n    operation: CACHE.clear\n    params: everything\n  - source: app.users\n    operation: CACHE.clear\n  - source: app.users\n    operation: CACHE.clear\n  - source: app.users\n    detail_type: Signed Up\n    operation: CACHE.clear\n  - operation: CACHE.clear\n    detail-type: X\ncache_clear:\n  interface: CACHE\n  operation: clear\nconfig_reload:\n  interface: CONFIG\n  operation: reload\n  visibility: internal\n",
    ),
    (
        "events_not_a_list",
        "$events:\n  source: aws.events\nop:\n  interface: A\n  operation: op\n",
    ),
    // Found by the `manifest` fuzz target: an error inside a type with a multi-byte character
    // cut the character in two, and rendering the report panicked.
    (
        "non_ascii_type",
        "op:\n  interface: A\n  operation: op\n  parameters:\n    - {name: a, type: \u{fffd}\u{fffd}ring}\n    - {name: b, type: 'list<\u{ef}nt>'}\n    - {name: c, type: 'list<int>\u{e9}'}\n",
    ),
    // The loader's limits (gateway_codegen::load::yaml): nesting, and aliases expanded.
    (
        "nested_too_deep",
        "op:\n  interface: A\n  operation: op\n  description: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
    ),
    (
        "alias_bomb",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
    ),
];

fn report(text: &str) -> String {
    match Manifest::parse(SourceFile::new("operations.yaml", text)) {
        Ok(_) => panic!("this manifest should not validate:\n{text}"),
        Err(report) => report.to_string(),
    }
}

#[test]
fn every_bad_manifest_gets_a_clear_report() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/diagnostics");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (name, text) in BAD_MANIFESTS {
            let report = report(text);
            insta::assert_snapshot!(*name, report, text);
        }
    });
}

#[test]
fn every_error_is_collected_not_just_the_first() {
    let text = BAD_MANIFESTS
        .iter()
        .find(|(name, _)| *name == "many_errors_at_once")
        .unwrap()
        .1;
    let report = Manifest::parse(SourceFile::new("operations.yaml", text)).unwrap_err();
    assert!(report.error_count() >= 6, "{report}");
    let lines = report.one_line_messages();
    for expected in [
        "operations.yaml:4:3: unknown key `paramters`",
        "operations.yaml:5:12: unknown type `anything`",
        "operations.yaml:7:14: `cache` is not a valid interface name",
        "operations.yaml:10:58: parameter `key` is required but has a default",
        "operations.yaml:11:12: `timeout` must be a positive duration",
        "operations.yaml:12:10: no operation `nothing` to batch `cache_set`",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(expected)),
            "missing {expected:?} in {lines:#?}"
        );
    }
}

#[test]
fn the_seed_fragment_loads_verbatim() {
    let seed = "cache_get:\n  interface: CACHE\n  operation: get\n  parameters:\n    - name: key\n      type: string\n      required: true\n    - name: default\n      type: any\n      default: null\n  returns: any\n  cacheable: true\n";
    let manifest = Manifest::parse(SourceFile::new("operations.yaml", seed)).unwrap();
    let op = manifest.model.operation("CACHE", "get").unwrap();
    assert_eq!(op.wrapper, "cache_get");
    assert!(op.params[0].required && op.params[1].is_optional());
    assert!(op.cacheable.is_some());
}

/// Text past the size limit is refused before the YAML parser sees it.
#[test]
fn a_manifest_over_the_size_limit_is_refused_at_once() {
    let text = format!("# {}\n", "x".repeat(MAX_MANIFEST_BYTES));
    let started = Instant::now();
    let report = Manifest::parse(SourceFile::new("operations.yaml", text)).unwrap_err();
    assert_eq!(
        report.one_line_messages(),
        [
            "operations.yaml: the manifest is 8388611 bytes long; the limit is 8388608 bytes (split the service, or move large descriptions out of the manifest)"
        ]
    );
    assert!(started.elapsed() < Duration::from_secs(1));
}

/// The worst manifest within the limits, for the validator: as many operations as the node
/// limit allows (about 25,000), each naming a batch partner that does not exist, whose
/// suggestion searched every other name. That took hours; the search is now bounded
/// (`suggest::MAX_SUGGESTION_CANDIDATES`) and the time linear: about 15 s in a debug build
/// on a busy two-core machine, so the bound below only catches a return to quadratic time.
#[test]
fn the_largest_manifests_are_checked_in_bounded_time() {
    let mut text = String::new();
    let mut operations = 0;
    // Eight nodes an operation: its key, its mapping, three keys and three values.
    while (operations + 1) * 8 < MAX_NODES {
        text.push_str(&format!(
            "op_{operations}: {{interface: A, operation: o{operations}, batch: batch_of_{operations}}}\n"
        ));
        operations += 1;
    }
    assert!(text.len() < MAX_MANIFEST_BYTES);
    let started = Instant::now();
    let report = Manifest::parse(SourceFile::new("operations.yaml", text)).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(report.error_count(), operations);
    assert!(
        report.one_line_messages()[0].ends_with("no operation `batch_of_0` to batch `op_0`"),
        "{}",
        report.one_line_messages()[0]
    );
    println!("{operations} operations with an error each: checked in {elapsed:?}");
    assert!(elapsed < Duration::from_secs(90), "took {elapsed:?}");
}

/// The runtime reads parameters as tuples of up to `gateway_runtime::MAX_PARAMS` (16)
/// elements, and its own test reads a tuple of that many: exactly that many is accepted here,
/// one more is refused (the `too_many_parameters` snapshot).
#[test]
fn the_parameter_limit_is_the_longest_tuple_the_runtime_reads() {
    use gateway_codegen::validate::MAX_PARAMS;
    assert_eq!(MAX_PARAMS, 16);
    let manifest = |count: usize| {
        let params: String = (0..count)
            .map(|i| format!("    - {{name: p{i}, type: int}}\n"))
            .collect();
        format!("op:\n  interface: A\n  operation: op\n  parameters:\n{params}")
    };
    let parse = |text: String| Manifest::parse(SourceFile::new("operations.yaml", text.as_str()));
    let accepted = parse(manifest(MAX_PARAMS)).unwrap_or_else(|report| panic!("{report}"));
    assert_eq!(
        accepted.model.operations().next().map(|op| op.params.len()),
        Some(MAX_PARAMS)
    );
    let Err(refused) = parse(manifest(MAX_PARAMS + 1)) else {
        panic!("17 parameters are accepted");
    };
    assert!(
        refused
            .to_string()
            .contains("an operation takes at most 16"),
        "{refused}"
    );
}
