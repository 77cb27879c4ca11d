//! `gateway new INTERFACE.operation`: adds an operation to a crate that uses the gateway, in
//! one step: the manifest entry, a core function stub that compiles, and a test calling it
//! through the gateway.
//!
//! Nothing is written unless everything checks: the name is new, the manifest with the new
//! entry validates (with the loader's own diagnostics), and every Rust file parses.

mod entry;
mod layout;
mod rust;
mod spec;

use crate::output::{self, Failure, Message, Outcome};
use gateway_codegen::model::Operation;
use gateway_codegen::{Diagnostic, Manifest, Severity, SourceFile};
use layout::CrateLayout;
use std::fmt::Write;
use std::path::{Component, Path, PathBuf};

/// Arguments of `gateway new`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The operation to add, e.g. `CACHE.touch`; a new interface gets its own module.
    #[arg(value_name = "INTERFACE.operation")]
    name: String,
    /// A parameter, in call order: `name:type` (required), `name?:type` (optional: the core
    /// function gets an `Option`) or `name:type=default` (a JSON value, or else a string).
    #[arg(long = "param", value_name = "NAME:TYPE")]
    params: Vec<String>,
    /// The result type.
    #[arg(long, default_value = "none", value_name = "TYPE")]
    returns: String,
    /// What the operation does: the wrapper's rustdoc and the API docs.
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    /// The typed wrapper's name [default: the interface in lower case, `_`, the operation:
    /// `CACHE.touch` -> `cache_touch`].
    #[arg(long, value_name = "NAME")]
    wrapper: Option<String>,
    /// The core function is `async` (`async: true`).
    #[arg(long = "async")]
    is_async: bool,
    /// Only callable from inside the service (`visibility: internal`).
    #[arg(long)]
    internal: bool,
    /// Still served under free-tier throttling (`priority: critical`).
    #[arg(long)]
    critical: bool,
    /// Results may be cached (`cacheable: true`).
    #[arg(long)]
    cacheable: bool,
    /// Results may be cached for this long, e.g. `30s` (`cacheable: {ttl: 30s}`).
    #[arg(long, value_name = "DURATION")]
    ttl: Option<String>,
    /// How long a call may run: seconds, or e.g. `500ms`, `5s`.
    #[arg(long, value_name = "DURATION")]
    timeout: Option<String>,
    /// The crate that uses the gateway (a build.rs `Builder` or the `gateway!` macro).
    #[arg(long = "crate", value_name = "DIR", default_value = ".")]
    crate_dir: PathBuf,
    /// The manifest [default: the one the crate's build.rs or `gateway!` names, else
    /// `operations.yaml` in the crate].
    #[arg(long, value_name = "PATH")]
    manifest: Option<PathBuf>,
    /// Print what would be written, and write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// One file to write.
struct Edit {
    path: PathBuf,
    text: String,
    /// What the edit adds, for the summary.
    what: String,
    created: bool,
}

/// Runs `gateway new`.
pub fn run(args: Args) -> Outcome {
    let (interface, operation) = spec::qualified(&args.name)?;
    let params = args
        .params
        .iter()
        .map(|p| spec::param(p))
        .collect::<Result<Vec<_>, _>>()?;
    let layout = CrateLayout::open(&args.crate_dir)?;
    let manifest_path = args.manifest.clone().unwrap_or_else(|| layout.manifest());
    let wrapper = args
        .wrapper
        .clone()
        .unwrap_or_else(|| spec::default_wrapper(&interface, &operation));
    let old_text = std::fs::read_to_string(&manifest_path).map_err(|error| {
        Message::new(format!(
            "cannot read the manifest `{}`: {error}",
            manifest_path.display()
        ))
        .note("without --manifest, `gateway new` uses the manifest build.rs or `gateway!` names, else `operations.yaml` in the crate")
        .help("name it with `--manifest PATH`, or create it (an empty file will do)")
    })?;
    // A manifest of only comments is a crate's starting point: there is nothing to check yet.
    let blank = old_text
        .lines()
        .all(|line| line.trim().is_empty() || line.trim_start().starts_with('#'));
    if !blank {
        let current = output::load(&manifest_path).map_err(|failure| match failure {
            Failure::Manifest(report) => Failure::Rendered(format!(
                "{}\n  = help: fix the manifest first: `gateway new` adds to a valid one; nothing was written",
                report.render(output::styled())
            )),
            other => other,
        })?;
        refuse_existing(&current, &interface, &operation, &wrapper)?;
    }

    let yaml = entry::Entry {
        wrapper: &wrapper,
        interface: &interface,
        operation: &operation,
        description: args.description.as_deref(),
        params: &params,
        returns: &args.returns,
        is_async: args.is_async,
        internal: args.internal,
        critical: args.critical,
        cacheable: (args.cacheable || args.ttl.is_some()).then_some(args.ttl.as_deref()),
        timeout: args.timeout.as_deref(),
    }
    .yaml();
    let new_text = entry::append(&old_text, &yaml);
    let entry_offset = new_text.len() - yaml.len();
    let entry_line = new_text[..entry_offset].matches('\n').count() + 1;
    let name = manifest_path.display().to_string();
    let updated = Manifest::parse(SourceFile::new(name, new_text.clone()))
        .map_err(|report| {
            Failure::Rendered(format!(
                "{}\n  = note: the lines shown from {} on are the entry `gateway new` would append; nothing was written\n  = help: fix the arguments (`gateway new --help` shows their forms)",
                report.render(output::styled()),
                entry_line
            ))
        })?;
    for warning in updated
        .warnings
        .iter()
        .filter(|w| w.span.is_some_and(|s| s.start >= entry_offset))
    {
        eprintln!(
            "{}\n",
            warning.render_styled(&updated.source, output::styled())
        );
    }
    let Some(op) = updated.model.operation(&interface, &operation) else {
        return Err(Message::new(format!(
            "the manifest validated, but `{interface}.{operation}` is not in it"
        ))
        .note("this is a bug in `gateway new`")
        .into());
    };

    let mut edits = rust_edits(&layout, &updated, op)?;
    edits.push(Edit {
        path: manifest_path.clone(),
        text: new_text,
        what: format!("the manifest entry `{wrapper}`, from line {entry_line}"),
        created: false,
    });
    if args.dry_run {
        return output::print(&dry_run(&edits));
    }
    write(&edits)?;
    output::print(&summary(op, &edits))
}

/// Refuses an operation or wrapper that exists, pointing at its entry.
fn refuse_existing(
    manifest: &Manifest,
    interface: &str,
    operation: &str,
    wrapper: &str,
) -> Result<(), Failure> {
    let (existing, message, help) = if let Some(op) = manifest.model.operation(interface, operation)
    {
        (
            op,
            format!("`{interface}.{operation}` already exists"),
            "choose another operation name, or edit the existing entry".to_owned(),
        )
    } else if let Some(op) = manifest.model.by_wrapper(wrapper) {
        (
            op,
            format!(
                "the wrapper name `{wrapper}` is taken by `{}`",
                op.qualified_name()
            ),
            "name the wrapper with `--wrapper NAME`".to_owned(),
        )
    } else {
        return Ok(());
    };
    let source = &manifest.source;
    let span = source.span_at(
        existing.location.line as usize,
        existing.location.column.saturating_sub(1) as usize,
        existing.wrapper.chars().count(),
    );
    let mut diagnostic = Diagnostic::new(Severity::Error, Some(span), message);
    diagnostic.label("declared here").help(help);
    Err(Failure::Rendered(format!(
        "{}\n\nerror: nothing was written",
        diagnostic.render_styled(source, output::styled())
    )))
}

/// The core function (and its module, if new) and the test.
fn rust_edits(
    layout: &CrateLayout,
    manifest: &Manifest,
    op: &Operation,
) -> Result<Vec<Edit>, Failure> {
    let mut edits = Vec::new();
    let (file, created) = match layout.file_with_operations_of(&op.interface) {
        Some(file) => (file, false),
        None => {
            let (file, parent, module) = layout.new_module(&op.interface)?;
            let parent_text = read(&parent)?;
            if !layout::declares_module(&parent_text, &module) {
                let text = layout::add_module(&parent_text, &module);
                edits.push(Edit {
                    path: parent,
                    text,
                    what: format!("`mod {module};`"),
                    created: false,
                });
            }
            let exists = file.is_file();
            (file, !exists)
        }
    };
    let mut text = if created {
        module_header(manifest, &op.interface)
    } else {
        read(&file)?
    };
    let parsed = parse(&file, &text)?;
    let taken = item_names(&parsed);
    let attribute = if imports_operation(&parsed) {
        "operation"
    } else {
        "gateway_runtime::operation"
    };
    let Some(function) = rust::function_name(op, &taken) else {
        return Err(Message::new(format!(
            "`{}` already has items named `{}` and `{}`",
            file.display(),
            op.name,
            op.wrapper
        ))
        .help("rename one of them, or move the new core function by hand")
        .into());
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&formatted(&file, &rust::stub(op, &function, attribute))?);
    let mut what = format!("the core function `{function}` (a stub answering \"not implemented\")");
    match &layout.lib {
        Some(lib) => {
            let test_file = layout.test_file(&op.interface);
            let test_exists = test_file.is_file();
            let mut test_text = if test_exists {
                read(&test_file)?
            } else {
                format!(
                    "//! `{}` through the gateway: the tests `gateway new` wrote.\n",
                    op.interface
                )
            };
            let name = format!("{}_through_the_gateway", op.wrapper);
            if item_names(&parse(&test_file, &test_text)?).contains(&name) {
                return Err(Message::new(format!(
                    "`{}` already has a test named `{name}`",
                    test_file.display()
                ))
                .help("rename or remove it")
                .into());
            }
            if !test_text.ends_with('\n') {
                test_text.push('\n');
            }
            let gateway = format!("{lib}::{}", layout.module);
            test_text.push_str(&formatted(&test_file, &rust::test(op, &gateway, &name))?);
            parse(&test_file, &test_text)?;
            edits.push(Edit {
                path: test_file,
                text: test_text,
                what: format!("the test `{name}`"),
                created: !test_exists,
            });
        }
        None => {
            let module = format!("{}_tests", op.wrapper);
            let gateway = format!("crate::{}", layout.module);
            let tests = format!(
                "#[cfg(test)]\nmod {module} {{{}}}\n",
                rust::test(op, &gateway, "through_the_gateway")
            );
            text.push_str(&formatted(&file, &tests)?);
            what.push_str(&format!(" and its test, `{module}::through_the_gateway`"));
        }
    }
    parse(&file, &text)?;
    edits.insert(
        0,
        Edit {
            path: file,
            text,
            what,
            created,
        },
    );
    Ok(edits)
}

/// The first lines of a new interface module.
fn module_header(manifest: &Manifest, interface: &str) -> String {
    let about = manifest
        .model
        .interface(interface)
        .and_then(|i| i.description.clone())
        .unwrap_or_else(|| format!("the core functions of the `{interface}` interface."));
    format!(
        "//! {interface}: {about}\n//!\n//! Each function implements one operation of `{}`, attached with `#[operation]`.\n\nuse gateway_runtime::operation;\n",
        manifest.source.name()
    )
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|error| {
        Message::new(format!("cannot read `{}`: {error}", path.display()))
            .help("check that the crate's files are readable")
            .into()
    })
}

/// `items` formatted by prettyplease, after a blank line. They must parse: `gateway new` wrote
/// them, so an error here is a bug, reported before anything is written.
fn formatted(path: &Path, items: &str) -> Result<String, Failure> {
    match syn::parse_file(items) {
        Ok(file) => Ok(format!("\n{}", prettyplease::unparse(&file))),
        Err(error) => Err(Message::new(format!(
            "the code `gateway new` would add to `{}` does not parse: {error}",
            path.display()
        ))
        .note(items.to_owned())
        .help("this is a bug in `gateway new`; nothing was written")
        .into()),
    }
}

fn parse(path: &Path, text: &str) -> Result<syn::File, Failure> {
    syn::parse_file(text).map_err(|error| {
        Message::new(format!(
            "`{}` does not parse as Rust: {error}",
            path.display()
        ))
        .help("fix the file so that it compiles, then run `gateway new` again; nothing was written")
        .into()
    })
}

/// The names of a file's top-level items that a new function could clash with.
fn item_names(file: &syn::File) -> Vec<String> {
    file.items
        .iter()
        .flat_map(|item| match item {
            syn::Item::Fn(f) => vec![f.sig.ident.to_string()],
            syn::Item::Mod(m) => vec![m.ident.to_string()],
            syn::Item::Static(s) => vec![s.ident.to_string()],
            syn::Item::Const(c) => vec![c.ident.to_string()],
            syn::Item::Use(u) => use_names(&u.tree),
            _ => Vec::new(),
        })
        .collect()
}

/// The names a `use` brings into scope.
fn use_names(tree: &syn::UseTree) -> Vec<String> {
    match tree {
        syn::UseTree::Path(path) => use_names(&path.tree),
        syn::UseTree::Name(name) => vec![name.ident.to_string()],
        syn::UseTree::Rename(rename) => vec![rename.rename.to_string()],
        syn::UseTree::Glob(_) => Vec::new(),
        syn::UseTree::Group(group) => group.items.iter().flat_map(use_names).collect(),
    }
}

/// Whether the file has `operation` in scope: `use gateway_runtime::{operation, ...}`.
fn imports_operation(file: &syn::File) -> bool {
    file.items.iter().any(|item| match item {
        syn::Item::Use(u) => use_names(&u.tree).iter().any(|n| n == "operation"),
        _ => false,
    })
}

fn write(edits: &[Edit]) -> Outcome {
    let mut written = Vec::new();
    for edit in edits {
        let result = edit
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&edit.path, &edit.text));
        if let Err(error) = result {
            let mut message =
                Message::new(format!("cannot write `{}`: {error}", edit.path.display()));
            if !written.is_empty() {
                message = message.note(format!("already written: {}", written.join(", ")));
            }
            return Err(message
                .help("check the permissions, then undo the writes listed (if any) and run again")
                .into());
        }
        written.push(shown(&edit.path));
    }
    Ok(())
}

/// What was added where.
fn summary(op: &Operation, edits: &[Edit]) -> String {
    let mut out = format!("added {} (`{}`):\n", op.qualified_name(), op.wrapper);
    let width = edits
        .iter()
        .map(|e| shown(&e.path).len())
        .max()
        .unwrap_or(0);
    for edit in edits {
        let _ = writeln!(
            out,
            "  {:width$}  {}{}",
            shown(&edit.path),
            if edit.created { "new: " } else { "" },
            edit.what
        );
    }
    let _ = writeln!(
        out,
        "next: write the core function's body in {}, then the test's assertion; `cargo test` runs it",
        shown(&edits[0].path)
    );
    out
}

/// Each edit, with the text it adds (or the whole file, if new).
fn dry_run(edits: &[Edit]) -> String {
    let mut out = String::from("would write (nothing was written: --dry-run):\n");
    for edit in edits {
        let _ = writeln!(out, "\n== {}: {}", shown(&edit.path), edit.what);
        let old = std::fs::read_to_string(&edit.path).unwrap_or_default();
        let diff = similar::TextDiff::from_lines(old.as_str(), edit.text.as_str());
        for change in diff.iter_all_changes() {
            if change.tag() == similar::ChangeTag::Insert {
                let _ = write!(out, "+{change}");
            }
        }
    }
    out
}

/// A path as the user wrote it, without a leading `./`.
fn shown(path: &Path) -> String {
    let parts: PathBuf = path
        .components()
        .skip_while(|c| matches!(c, Component::CurDir))
        .collect();
    parts.display().to_string()
}
