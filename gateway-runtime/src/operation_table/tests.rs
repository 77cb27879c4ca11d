use super::*;
use crate::schema_of;

static FULL: &str = r#"
{"name":"KV.get","wrapper":"kv_get","interface":1,"line":12,"description":"Reads \"one\" key.","params":[{"name":"key","type":"string","required":true},{"name":"limit","type":"int","default":10,"description":"At most this many."},{"name":"tags","type":"map<list<string>>","default":{"a":["b"]}},{"name":"point","type":"optional<crate::Point>","schema":0}],"returns":"list<optional<float>>","cacheable":{"ttl_ms":30000},"timeout_ms":1500,"batch":{"operation":"kv_get_many","max_size":100},"internal":true,"critical":true,"async":true}

{"name":"KV.ping","wrapper":"kv_ping","interface":0,"line":30}
"#;

fn point_schema(generator: &mut SchemaGenerator) -> Schema {
    schema_of::<Vec<i64>>(generator)
}

static SCHEMAS: [SchemaFn; 1] = [point_schema];

#[test]
fn every_field_of_a_line_reaches_its_descriptor() {
    let ops = decode(FULL, &SCHEMAS).unwrap();
    assert_eq!(ops.len(), 2);
    let get = &ops[0];
    assert_eq!(
        (get.id, get.name, get.interface, get.operation, get.wrapper),
        (0, "KV.get", "KV", "get", "kv_get")
    );
    assert_eq!((get.interface_index, get.line), (1, 12));
    assert_eq!(get.description, "Reads \"one\" key.");
    assert_eq!(get.returns.to_string(), "list<optional<float>>");
    assert_eq!(get.cacheable, Some(Some(Duration::from_secs(30))));
    assert_eq!(get.timeout, Some(Duration::from_millis(1500)));
    assert_eq!(get.batch, Some(("kv_get_many", Some(100))));
    assert_eq!(get.visibility, Visibility::Internal);
    assert_eq!(get.priority, Priority::Critical);
    assert!(get.is_async);

    let [key, limit, tags, point] = get.params else {
        panic!("four parameters, not {}", get.params.len());
    };
    assert_eq!(
        (key.name, key.ty, key.required, key.default),
        ("key", TypeDesc::String, true, None)
    );
    assert_eq!(
        (limit.default, limit.description),
        (Some("10"), "At most this many.")
    );
    assert!(!limit.required);
    assert_eq!(tags.ty.to_string(), "map<list<string>>");
    assert_eq!(tags.default, Some(r#"{"a":["b"]}"#));
    assert_eq!(point.ty.to_string(), "optional<crate::Point>");
    let schema = point.schema_with.expect("the schema function at index 0");
    assert!(::core::ptr::fn_addr_eq(schema, point_schema as SchemaFn));
    assert!(key.schema_with.is_none());
}

#[test]
fn an_absent_field_takes_the_plain_default() {
    let ops = decode(FULL, &SCHEMAS).unwrap();
    let ping = &ops[1];
    assert_eq!((ping.id, ping.name, ping.line), (1, "KV.ping", 30));
    assert_eq!(ping.description, "");
    assert!(ping.params.is_empty());
    assert_eq!(ping.returns, TypeDesc::None);
    assert_eq!(
        (ping.cacheable, ping.timeout, ping.batch),
        (None, None, None)
    );
    assert_eq!(ping.visibility, Visibility::Public);
    assert_eq!(ping.priority, Priority::Normal);
    assert!(!ping.is_async);
    let cached = decode(
        r#"{"name":"A.b","wrapper":"b","interface":0,"line":1,"cacheable":{}}"#,
        &[],
    );
    assert_eq!(cached.unwrap()[0].cacheable, Some(None));
}

#[test]
fn text_without_escapes_is_borrowed_from_the_table() {
    let ops = decode(FULL, &SCHEMAS).unwrap();
    let inside = |s: &str| FULL.as_bytes().as_ptr_range().contains(&s.as_ptr());
    assert!(inside(ops[0].name) && inside(ops[0].params[0].name));
    assert!(inside(ops[0].params[2].default.unwrap()));
    // `\"` had to be unescaped, so that text is a copy.
    assert!(!inside(ops[0].description));
}

#[test]
fn a_line_that_does_not_decode_is_an_error_naming_it() {
    let cases: [(&str, usize, &str); 5] = [
        ("\n{\"name\":\"A.b\"", 2, "EOF"),
        (
            r#"{"name":"A.b","wrapper":"b","interface":0,"line":1,"colour":1}"#,
            1,
            "unknown field `colour`",
        ),
        (
            r#"{"name":"A.b","wrapper":"b","interface":0}"#,
            1,
            "missing field `line`",
        ),
        (
            r#"{"name":"A.b","wrapper":"b","interface":0,"line":1,"returns":"lst<int>"}"#,
            1,
            "unknown type `lst<int>`",
        ),
        (
            r#"{"name":"A.b","wrapper":"b","interface":0,"line":1,"params":[{"name":"p","type":"crate::P","schema":3}]}"#,
            1,
            "parameter `p` names schema function 3 of 1",
        ),
    ];
    for (text, line, message) in cases {
        let error = decode(text, &SCHEMAS).unwrap_err();
        assert_eq!(error.line, line, "{text}");
        assert!(error.message.contains(message), "{text}: {error}");
    }
}

#[test]
fn a_table_decodes_once() {
    static TABLE: OperationTable = OperationTable::new(FORMAT, FULL, &SCHEMAS);
    let first = TABLE.operations();
    assert!(::core::ptr::eq(first, TABLE.operations()));
    assert_eq!(first[1].wrapper, "kv_ping");
    assert!(format!("{TABLE:?}").contains("lines: 2"));
}

#[test]
#[should_panic(expected = "generated for another version of gateway-runtime")]
fn a_table_of_another_format_is_refused() {
    let _ = OperationTable::new(FORMAT + 1, "", &[]);
}

#[test]
#[should_panic(expected = "cannot read the operation table generated for this gateway (line 1: ")]
fn a_table_that_does_not_decode_panics_naming_the_line() {
    static BROKEN: OperationTable = OperationTable::new(FORMAT, "{", &[]);
    let _ = BROKEN.operations();
}
