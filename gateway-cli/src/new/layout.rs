//! Where things are in a crate that uses the gateway, and where `gateway new` puts new code.
//!
//! - **The manifest**: `--manifest`, else the path `build.rs` gives `Builder::manifest("...")`,
//!   else the one the crate root gives `gateway!(manifest = "...")`, else `operations.yaml` at
//!   the crate root.
//! - **The core function** of `INTERFACE.operation`: appended to the first file under `src/`
//!   (in path order) that already holds an `#[operation(INTERFACE.…)]`. For an interface
//!   without one, a module named for the interface in lower case: `src/interfaces/<name>.rs`
//!   when `src/interfaces` is a module (`src/interfaces/mod.rs` or `src/interfaces.rs`), else
//!   `src/<name>.rs`; a new file gets a `mod <name>;` line in its parent, after the parent's
//!   last `mod` line (with that line's visibility).
//! - **The test**: `tests/<name>.rs` for a library crate (calling `<crate>::gateway`); in a
//!   binary-only crate, a `#[cfg(test)]` module after the core function.

use crate::output::Message;
use std::path::{Component, Path, PathBuf};

/// The crate `gateway new` edits.
#[derive(Debug, Clone)]
pub struct CrateLayout {
    /// The folder holding `Cargo.toml`.
    pub dir: PathBuf,
    /// The crate root: `src/lib.rs`, else `src/main.rs`.
    pub root: PathBuf,
    /// The library's name as Rust code writes it (`my_service`), when there is a library.
    pub lib: Option<String>,
    /// The generated module's name (`Builder::module`, default `gateway`).
    pub module: String,
}

impl CrateLayout {
    /// Reads the crate at `dir`.
    pub fn open(dir: &Path) -> Result<Self, Message> {
        // `--crate .` (the default) is left out of the paths shown.
        let dir = if dir == Path::new(".") {
            Path::new("")
        } else {
            dir
        };
        let cargo_toml = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&cargo_toml).map_err(|error| {
            Message::new(format!("cannot read `{}`: {error}", cargo_toml.display()))
                .help("run `gateway new` in the crate's folder, or name it with `--crate DIR`")
        })?;
        let table: toml::Table = text.parse().map_err(|error| {
            Message::new(format!(
                "`{}` is not valid TOML: {error}",
                cargo_toml.display()
            ))
        })?;
        let Some(package) = table.get("package").and_then(|p| p.get("name")?.as_str()) else {
            return Err(Message::new(format!(
                "`{}` has no `[package]`: it is not a crate",
                cargo_toml.display()
            ))
            .help("name the member crate that uses the gateway with `--crate DIR`"));
        };
        let src = dir.join("src");
        let (root, lib) = if src.join("lib.rs").is_file() {
            let name = table
                .get("lib")
                .and_then(|l| l.get("name")?.as_str())
                .unwrap_or(package);
            (src.join("lib.rs"), Some(name.replace('-', "_")))
        } else if src.join("main.rs").is_file() {
            (src.join("main.rs"), None)
        } else {
            return Err(Message::new(format!(
                "`{}` has neither `src/lib.rs` nor `src/main.rs`",
                dir.display()
            ))
            .help("`gateway new` edits crates with the standard layout"));
        };
        let build_rs = std::fs::read_to_string(dir.join("build.rs")).unwrap_or_default();
        let module = string_argument(&build_rs, ".module(").unwrap_or_else(|| "gateway".into());
        Ok(Self {
            dir: dir.to_owned(),
            root,
            lib,
            module,
        })
    }

    /// The manifest the crate generates its gateway from (see the module docs).
    pub fn manifest(&self) -> PathBuf {
        normalize(&self.named_manifest())
    }

    fn named_manifest(&self) -> PathBuf {
        let build_rs = std::fs::read_to_string(self.dir.join("build.rs")).unwrap_or_default();
        if let Some(path) = string_argument(&build_rs, ".manifest(") {
            return self.dir.join(path);
        }
        let root = std::fs::read_to_string(&self.root).unwrap_or_default();
        if let Some(at) = root.find("gateway!(")
            && let Some(path) = string_argument(&root[at..], "manifest =")
        {
            return self.root.parent().unwrap_or(&self.dir).join(path);
        }
        self.dir.join("operations.yaml")
    }

    /// The first file under `src/` holding an `#[operation(INTERFACE.…)]`.
    pub fn file_with_operations_of(&self, interface: &str) -> Option<PathBuf> {
        rust_files(&self.dir.join("src"))
            .into_iter()
            .find(|path| std::fs::read_to_string(path).is_ok_and(|text| attaches(&text, interface)))
    }

    /// Where a new interface's module goes: `(file, parent, module name)`.
    pub fn new_module(&self, interface: &str) -> Result<(PathBuf, PathBuf, String), Message> {
        let name = interface.to_lowercase();
        let src = self.dir.join("src");
        let interfaces = src.join("interfaces");
        let parent = if interfaces.join("mod.rs").is_file() {
            Some(interfaces.join("mod.rs"))
        } else if src.join("interfaces.rs").is_file() && interfaces.is_dir() {
            Some(src.join("interfaces.rs"))
        } else {
            None
        };
        let (folder, parent) = match parent {
            Some(parent) => (interfaces, parent),
            None => {
                if name == self.module {
                    return Err(Message::new(format!(
                        "the interface `{interface}` would get the module `{name}`, which the generated gateway already is"
                    ))
                    .help("give the interface another name"));
                }
                (src, self.root.clone())
            }
        };
        let nested = folder.join(&name).join("mod.rs");
        let file = if nested.is_file() {
            nested
        } else {
            folder.join(format!("{name}.rs"))
        };
        Ok((file, parent, name))
    }

    /// The integration test file of an interface, for a library crate.
    pub fn test_file(&self, interface: &str) -> PathBuf {
        self.dir
            .join("tests")
            .join(format!("{}.rs", interface.to_lowercase()))
    }
}

/// `path` without `.` and with `dir/..` pairs removed, as far as that is possible lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// Whether `text` attaches a core function to an operation of `interface`.
fn attaches(text: &str, interface: &str) -> bool {
    text.match_indices("operation(").any(|(at, marker)| {
        let rest = text[at + marker.len()..].trim_start();
        rest.strip_prefix(interface)
            .is_some_and(|rest| rest.trim_start().starts_with('.'))
    })
}

/// The string literal after `marker` in `text` (`.manifest("ops.yaml")` -> `ops.yaml`).
fn string_argument(text: &str, marker: &str) -> Option<String> {
    let at = text.find(marker)?;
    let rest = text[at + marker.len()..].trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    let value = &rest[..end];
    (!value.contains('\\')).then(|| value.to_owned())
}

/// Every `.rs` file under `dir`, in path order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(|e| Some(e.ok()?.path())).collect(),
        Err(_) => return files,
    };
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// Whether `parent` declares `mod <name>` (with any visibility, inline or not).
pub fn declares_module(parent: &str, name: &str) -> bool {
    parent.lines().any(|line| {
        let line = line.trim_start();
        let line = line
            .strip_prefix("pub(crate) ")
            .or_else(|| line.strip_prefix("pub "))
            .unwrap_or(line);
        line.strip_prefix("mod ")
            .map(str::trim_start)
            .and_then(|rest| rest.strip_prefix(name))
            .is_some_and(|rest| rest.trim_start().starts_with([';', '{']))
    })
}

/// `parent` with `mod <name>;` after its last top-level `mod` line (copying that line's
/// visibility), or at its end when it has none.
pub fn add_module(parent: &str, name: &str) -> String {
    let lines: Vec<&str> = parent.lines().collect();
    let last_mod = lines.iter().rposition(|line| {
        let rest = line
            .strip_prefix("pub(crate) ")
            .or_else(|| line.strip_prefix("pub "))
            .unwrap_or(line);
        rest.starts_with("mod ") && rest.trim_end().ends_with(';')
    });
    match last_mod {
        Some(index) => {
            let visibility = &lines[index][..lines[index].find("mod ").unwrap_or(0)];
            let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
            out.insert(index + 1, format!("{visibility}mod {name};"));
            let mut text = out.join("\n");
            if parent.ends_with('\n') || parent.is_empty() {
                text.push('\n');
            }
            text
        }
        None => {
            let mut text = parent.to_owned();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&format!("mod {name};\n"));
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_attached_functions() {
        assert!(attaches("#[operation(CACHE.get)]\nfn f() {}", "CACHE"));
        assert!(attaches(
            "#[gateway_runtime::operation( CACHE . get )]",
            "CACHE"
        ));
        assert!(!attaches("#[operation(CACHE_X.get)]", "CACHE"));
        assert!(!attaches("#[operation(NOTES.get)]", "CACHE"));
    }

    #[test]
    fn string_arguments() {
        let build = "gateway_codegen::Builder::new()\n    .manifest(\"../shared/operations.yaml\")\n    .module(\"api\")";
        assert_eq!(
            string_argument(build, ".manifest(").as_deref(),
            Some("../shared/operations.yaml")
        );
        assert_eq!(string_argument(build, ".module(").as_deref(), Some("api"));
        assert_eq!(string_argument("Builder::new()", ".manifest("), None);
    }

    #[test]
    fn paths_are_normalised() {
        assert_eq!(
            normalize(Path::new("src/../api/./operations.yaml")),
            Path::new("api/operations.yaml")
        );
        assert_eq!(
            normalize(Path::new("../../operations.yaml")),
            Path::new("../../operations.yaml")
        );
    }

    #[test]
    fn module_lines() {
        let parent = "//! Docs.\n\npub mod cache;\npub mod config;\n\nfn helper() {}\n";
        assert_eq!(
            add_module(parent, "jobs"),
            "//! Docs.\n\npub mod cache;\npub mod config;\npub mod jobs;\n\nfn helper() {}\n"
        );
        assert_eq!(
            add_module("gateway_runtime::include_gateway!();\n", "jobs"),
            "gateway_runtime::include_gateway!();\n\nmod jobs;\n"
        );
        assert!(declares_module(parent, "cache"));
        assert!(!declares_module(parent, "cach"));
        assert!(declares_module("mod jobs {\n}", "jobs"));
    }
}
