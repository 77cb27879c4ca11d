//! How the command answers: what it prints, how it fails, and with which exit status.

use gateway_codegen::{Manifest, Report};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// Why a command failed; each variant is printed on stderr by [`finish`].
#[derive(Debug)]
pub enum Failure {
    /// The manifest did not load or validate: every diagnostic, rendered like rustc.
    Manifest(Report),
    /// A problem outside the manifest: what, and how to fix it.
    Message(Message),
    /// Diagnostics already rendered (e.g. pointing into a manifest), then a closing line.
    Rendered(String),
    /// The command already printed what it had to say (e.g. JSON on stdout).
    Quiet,
}

/// An error message in rustc's shape: `error: what`, then `= note:` and `= help:` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// What is wrong, and where.
    pub what: String,
    /// Facts that explain it.
    pub notes: Vec<String>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Message {
    /// An error saying `what`.
    pub fn new(what: impl Into<String>) -> Self {
        Self {
            what: what.into(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Sets how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `error: ...` with its notes and help, one per line.
    pub fn render(&self) -> String {
        let mut text = format!("error: {}", self.what);
        for note in &self.notes {
            text.push_str(&format!("\n  = note: {note}"));
        }
        if let Some(help) = &self.help {
            text.push_str(&format!("\n  = help: {help}"));
        }
        text
    }
}

impl From<Message> for Failure {
    fn from(message: Message) -> Self {
        Failure::Message(message)
    }
}

impl From<Report> for Failure {
    fn from(report: Report) -> Self {
        Failure::Manifest(report)
    }
}

/// What a command returns.
pub type Outcome = Result<(), Failure>;

/// Prints a failure, if any, and gives the exit status: 0, or 1 on failure.
pub fn finish(outcome: Outcome) -> ExitCode {
    let text = match outcome {
        Ok(()) => return ExitCode::SUCCESS,
        Err(Failure::Manifest(report)) => report.render(styled()),
        Err(Failure::Message(message)) => message.render(),
        Err(Failure::Rendered(text)) => text,
        Err(Failure::Quiet) => return ExitCode::FAILURE,
    };
    let _ = writeln!(anstream::stderr(), "{text}");
    ExitCode::FAILURE
}

/// Loads and validates the manifest at `path`, printing its warnings on stderr.
pub fn load(path: &Path) -> Result<Manifest, Failure> {
    let manifest = Manifest::read(path, &path.display().to_string())?;
    warn(&manifest);
    Ok(manifest)
}

/// Prints the manifest's warnings on stderr, rendered like rustc.
pub fn warn(manifest: &Manifest) {
    let mut stderr = anstream::stderr();
    for warning in &manifest.warnings {
        let _ = writeln!(
            stderr,
            "{}\n",
            warning.render_styled(&manifest.source, styled())
        );
    }
}

/// Writes `text` to stdout as it is.
pub fn print(text: &str) -> Outcome {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        // A closed pipe (`gateway list | head`) is the reader's choice, not an error.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(Message::new(format!("cannot write to stdout: {error}")).into()),
    }
}

/// Writes `value` to stdout as pretty JSON with a final newline.
pub fn print_json(value: &impl serde::Serialize) -> Outcome {
    match serde_json::to_string_pretty(value) {
        Ok(mut text) => {
            text.push('\n');
            print(&text)
        }
        Err(error) => {
            Err(Message::new(format!("cannot encode the output as JSON: {error}")).into())
        }
    }
}

/// Colours when stderr is a terminal and `NO_COLOR` is unset.
pub fn styled() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// `n thing` or `n things`.
pub fn plural(n: usize, thing: &str) -> String {
    format!("{n} {thing}{}", if n == 1 { "" } else { "s" })
}
