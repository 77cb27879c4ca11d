//! A synthetic manifest of any size, and the core functions of a crate implementing it, for
//! the scale measurements (`benches/scale.rs`, `benches/check_time.rs`, `tests/scale.rs`).
//!
//! Operations are spread evenly over the interfaces. They vary the way real manifests do:
//! parameters of every manifest type (required, with defaults, optional), results of every
//! type, and every tenth operation an async one, every fifth cacheable (half of them with a
//! TTL), every sixth with a timeout, every eighth internal, every twentieth critical. Every
//! tenth operation of an interface is a single `get` with a batch partner (`list<string>` in,
//! `list<any>` out), so partners are a fifth of the manifest's batch-linked pairs.

#![allow(dead_code)]

use std::fmt::Write;

/// Parameter shapes, cycled through: (name, type, how it is declared).
const PARAMS: &[(&str, &str, &str)] = &[
    ("key", "string", "required: true"),
    ("count", "int", "default: 10"),
    ("ratio", "float", "default: null"),
    ("enabled", "bool", "required: true"),
    ("payload", "any", "required: true"),
    ("fields", "dict", "default: null"),
    ("tags", "list<string>", "default: []"),
    ("limits", "map<int>", "default: {}"),
    ("note", "optional<string>", "required: true"),
    ("items", "list", "default: null"),
];

/// Result types, cycled through.
const RETURNS: &[&str] = &[
    "any",
    "none",
    "int",
    "string",
    "bool",
    "dict",
    "list<any>",
    "map<string>",
    "float",
    "optional<int>",
];

/// One synthetic operation.
pub struct SyntheticOp {
    /// `IF03`.
    pub interface: String,
    /// `op_017`.
    pub name: String,
    /// Parameters: (name, manifest type, declaration line).
    pub params: Vec<(&'static str, &'static str, &'static str)>,
    /// The result type.
    pub returns: &'static str,
    /// Whether it is async.
    pub is_async: bool,
}

impl SyntheticOp {
    /// The wrapper name: `if03_op_017`.
    pub fn wrapper(&self) -> String {
        format!("{}_{}", self.interface.to_lowercase(), self.name)
    }
}

/// `operations` operations over `interfaces` interfaces, as YAML, and the operations.
pub fn manifest(operations: usize, interfaces: usize) -> (String, Vec<SyntheticOp>) {
    let mut yaml =
        format!("# A synthetic manifest: {operations} operations over {interfaces} interfaces.\n");
    let mut ops = Vec::new();
    let per_interface = operations.div_ceil(interfaces.max(1));
    let mut made = 0;
    for i in 0..interfaces {
        let interface = format!("IF{i:02}");
        let mut k = 0;
        while k < per_interface && made < operations {
            let n = made;
            if k % 10 == 0 && k + 1 < per_interface && made + 1 < operations {
                // A single operation and its batch partner.
                let single = SyntheticOp {
                    interface: interface.clone(),
                    name: format!("get_{k:03}"),
                    params: vec![("key", "string", "required: true")],
                    returns: "any",
                    is_async: false,
                };
                let partner = SyntheticOp {
                    interface: interface.clone(),
                    name: format!("get_{k:03}_batch"),
                    params: vec![("keys", "list<string>", "required: true")],
                    returns: "list<any>",
                    is_async: false,
                };
                let _ = write!(
                    yaml,
                    "\n{}:\n  interface: {interface}\n  operation: {}\n  description: Gets one entry; calls are fused into `{}`.\n  parameters:\n    - {{name: key, type: string, required: true}}\n  returns: any\n  cacheable: true\n  batch: {{operation: {}, max_size: 100}}\n",
                    single.wrapper(),
                    single.name,
                    partner.wrapper(),
                    partner.wrapper()
                );
                let _ = write!(
                    yaml,
                    "\n{}:\n  interface: {interface}\n  operation: {}\n  description: Gets many entries at once, in order.\n  parameters:\n    - {{name: keys, type: list<string>, required: true}}\n  returns: list<any>\n",
                    partner.wrapper(),
                    partner.name
                );
                ops.push(single);
                ops.push(partner);
                made += 2;
                k += 2;
                continue;
            }
            let count = n % 4;
            let params: Vec<_> = (0..count).map(|j| PARAMS[(n + j * 3) % PARAMS.len()]).fold(
                Vec::new(),
                |mut unique, p| {
                    if !unique.iter().any(|(name, _, _)| *name == p.0) {
                        unique.push(p);
                    }
                    unique
                },
            );
            let op = SyntheticOp {
                interface: interface.clone(),
                name: format!("op_{k:03}"),
                params,
                returns: RETURNS[n % RETURNS.len()],
                is_async: n % 10 == 3,
            };
            let _ = write!(
                yaml,
                "\n{}:\n  interface: {interface}\n  operation: {}\n  description: Synthetic operation {n}.\n",
                op.wrapper(),
                op.name
            );
            if !op.params.is_empty() {
                yaml.push_str("  parameters:\n");
                for (name, ty, declaration) in &op.params {
                    let _ = write!(
                        yaml,
                        "    - name: {name}\n      type: {ty}\n      {declaration}\n"
                    );
                }
            }
            let _ = writeln!(yaml, "  returns: {}", op.returns);
            if op.is_async {
                yaml.push_str("  async: true\n");
            }
            match n % 10 {
                0 => yaml.push_str("  cacheable: true\n"),
                5 => yaml.push_str("  cacheable: {ttl: 30s}\n"),
                _ => {}
            }
            if n % 6 == 1 {
                yaml.push_str("  timeout: 500ms\n");
            }
            if n % 8 == 7 {
                yaml.push_str("  visibility: internal\n");
            }
            if n % 20 == 9 {
                yaml.push_str("  priority: critical\n");
            }
            ops.push(op);
            made += 1;
            k += 1;
        }
    }
    (yaml, ops)
}

/// The Rust type a core function takes a parameter as (by value).
fn param_type(ty: &str, declaration: &str) -> String {
    let value = match ty {
        "string" | "optional<string>" => "String",
        "int" => "i64",
        "float" => "f64",
        "bool" => "bool",
        "any" => "gateway_runtime::Value",
        "dict" => "gateway_runtime::Dict",
        "list<string>" => "Vec<String>",
        "map<int>" => "std::collections::BTreeMap<String, i64>",
        "list" => "Vec<gateway_runtime::Value>",
        other => panic!("no Rust type for {other}"),
    };
    if ty.starts_with("optional<") || declaration == "default: null" {
        format!("Option<{value}>")
    } else {
        value.to_owned()
    }
}

/// The Rust type of a result.
fn result_type(ty: &str) -> &'static str {
    match ty {
        "any" => "gateway_runtime::Value",
        "none" => "()",
        "int" => "i64",
        "string" => "String",
        "bool" => "bool",
        "dict" => "gateway_runtime::Dict",
        "list<any>" => "Vec<gateway_runtime::Value>",
        "map<string>" => "std::collections::BTreeMap<String, String>",
        "float" => "f64",
        "optional<int>" => "Option<i64>",
        other => panic!("no Rust type for {other}"),
    }
}

/// One source file per interface: `(file name, text)`, each with a core function per operation.
pub fn core_files(ops: &[SyntheticOp]) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    for op in ops {
        let file = format!("{}.rs", op.interface.to_lowercase());
        if files.last().is_none_or(|(name, _)| *name != file) {
            files.push((
                file.clone(),
                format!("//! {}.\n\nuse gateway_runtime::operation;\n", op.interface),
            ));
        }
        let params: Vec<String> = op
            .params
            .iter()
            .map(|(name, ty, declaration)| format!("_{name}: {}", param_type(ty, declaration)))
            .collect();
        let text = &mut files.last_mut().expect("pushed above").1;
        let _ = write!(
            text,
            "\n#[operation({}.{})]\n{}fn {}({}) -> {} {{\n    Default::default()\n}}\n",
            op.interface,
            op.name,
            if op.is_async { "async " } else { "" },
            op.name,
            params.join(", "),
            result_type(op.returns)
        );
    }
    files
}
