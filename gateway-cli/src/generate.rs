//! `gateway generate`: writes the generated gateway module's file into the source tree, for
//! teams that check generated code in, or checks that the file there is current. The crate
//! declares it like any module file (`pub mod gateway;`).

use crate::output::{self, Message, Outcome};
use gateway_codegen::Manifest;
use std::path::{Path, PathBuf};

/// How many lines of diff `--check` shows at most.
const DIFF_LINES: usize = 40;

/// Arguments of `gateway generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The manifest to generate from.
    #[arg(default_value = "operations.yaml")]
    manifest: PathBuf,
    /// The file to write [default: `src/gateway.rs` in the manifest's folder].
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Write nothing; exit 1 if the file differs from what the manifest generates.
    #[arg(long)]
    check: bool,
}

/// Runs `gateway generate`.
pub fn run(args: Args) -> Outcome {
    let out = args.out.clone().unwrap_or_else(|| {
        args.manifest
            .parent()
            .unwrap_or(Path::new(""))
            .join("src")
            .join("gateway.rs")
    });
    // Named by its file name, so that the code does not depend on the working directory.
    let name = args.manifest.file_name().map_or_else(
        || args.manifest.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let manifest = match Manifest::read(&args.manifest, &name) {
        Ok(manifest) => manifest,
        // Read again under the path as given, so diagnostics point at the file the user named.
        Err(_) => output::load(&args.manifest)?,
    };
    output::warn(&manifest);
    let code = manifest.generate();
    let on_disk = std::fs::read_to_string(&out);
    if args.check {
        return check(&args, &out, &code, on_disk);
    }
    if on_disk.as_deref().is_ok_and(|old| *old == code) {
        return output::print(&format!("{} is up to date\n", out.display()));
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|error| {
            Message::new(format!("cannot create `{}`: {error}", parent.display()))
                .help("check the path given to --out and its permissions")
        })?;
    }
    std::fs::write(&out, &code).map_err(|error| {
        Message::new(format!("cannot write `{}`: {error}", out.display()))
            .help("check the path given to --out and its permissions")
    })?;
    output::print(&format!(
        "wrote {} ({} bytes) from {}\n",
        out.display(),
        code.len(),
        args.manifest.display()
    ))
}

/// `--check`: compares without writing.
fn check(args: &Args, out: &Path, code: &str, on_disk: std::io::Result<String>) -> Outcome {
    let fix = format!(
        "run `gateway generate {} --out {}` and commit the result",
        args.manifest.display(),
        out.display(),
    );
    let old = match on_disk {
        Ok(old) => old,
        Err(error) => {
            return Err(
                Message::new(format!("cannot read `{}`: {error}", out.display()))
                    .note(format!(
                        "`{}` generates {} bytes of code for it",
                        args.manifest.display(),
                        code.len()
                    ))
                    .help(fix)
                    .into(),
            );
        }
    };
    if old == code {
        return output::print(&format!(
            "{} is up to date with {}\n",
            out.display(),
            args.manifest.display()
        ));
    }
    let diff = similar::TextDiff::from_lines(old.as_str(), code);
    let (mut removed, mut added) = (0, 0);
    let mut first = None;
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Equal => continue,
        }
        first = first.or(change.old_index().or(change.new_index()));
    }
    let first_line = first.map_or(1, |index| index + 1);
    let unified = diff
        .unified_diff()
        .context_radius(2)
        .header(&out.display().to_string(), "generated")
        .to_string();
    let lines: Vec<&str> = unified.lines().collect();
    let mut shown = lines[..lines.len().min(DIFF_LINES)].join("\n");
    if lines.len() > DIFF_LINES {
        shown.push_str(&format!(
            "\n... ({} more diff lines)",
            lines.len() - DIFF_LINES
        ));
    }
    let message = Message::new(format!(
        "`{}` is out of date: `{}` generates different code",
        out.display(),
        args.manifest.display()
    ))
    .note(format!(
        "first difference at {}:{first_line}; {removed} line{} to remove, {added} to add",
        out.display(),
        if removed == 1 { "" } else { "s" },
    ))
    .help(fix);
    Err(crate::output::Failure::Rendered(format!(
        "{}\n\n{shown}",
        message.render()
    )))
}
