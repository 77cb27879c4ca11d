//! Diagnostics: every problem found in a manifest, with where it is and how to fix it.
//!
//! Loading and validation never stop at the first problem. They push into a [`Diagnostics`]
//! collector, which must be consumed with [`Diagnostics::finish`]; the result is either the
//! value with its warnings or a [`Report`] holding every error, rendered like rustc does.

use crate::source::{SourceFile, Span};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The manifest is usable, but something deserves a look.
    Warning,
    /// The manifest cannot be used until this is fixed.
    Error,
}

/// One problem in a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// Where it is; `None` for problems of the file as a whole (e.g. it cannot be read).
    pub span: Option<Span>,
    /// A short label shown under the caret.
    pub label: Option<String>,
    /// Other places that explain this one (e.g. "first defined here").
    pub related: Vec<(Span, String)>,
    /// Facts that explain the error, such as "expected one of: ...".
    pub notes: Vec<String>,
    /// How to fix it, such as "did you mean `parameters`?".
    pub help: Option<String>,
}

impl Diagnostic {
    /// Creates a diagnostic with only a severity, a message and a position.
    pub fn new(severity: Severity, span: Option<Span>, message: impl Into<String>) -> Self {
        Self {
            severity,
            message: message.into(),
            span,
            label: None,
            related: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// Sets the label shown under the caret.
    pub fn label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a note.
    pub fn note(&mut self, note: impl Into<String>) -> &mut Self {
        self.notes.push(note.into());
        self
    }

    /// Sets the help line.
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the help line when there is one.
    pub fn help_opt(&mut self, help: Option<String>) -> &mut Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Points at a second place that explains this diagnostic.
    pub fn related(&mut self, span: Span, label: impl Into<String>) -> &mut Self {
        self.related.push((span, label.into()));
        self
    }

    /// `file:line:col` of this diagnostic in `source`, or just the file name.
    pub fn location(&self, source: &SourceFile) -> String {
        match self.span {
            Some(span) => format!("{}:{}:{}", source.name(), span.line, span.column),
            None => source.name().to_owned(),
        }
    }

    /// One line: `file:line:col: message (help)`, for `cargo::error=` and logs.
    pub fn one_line(&self, source: &SourceFile) -> String {
        let mut line = format!("{}: {}", self.location(source), self.message);
        if let Some(help) = &self.help {
            line.push_str(&format!(" ({help})"));
        }
        line
    }

    /// Renders this diagnostic with the source line and a caret, like rustc.
    pub fn render(&self, source: &SourceFile) -> String {
        self.render_styled(source, false)
    }

    /// [`Diagnostic::render`], with terminal colours when `styled`.
    pub fn render_styled(&self, source: &SourceFile, styled: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(self.message.as_str());
        let mut group = match self.span {
            Some(span) => {
                let mut primary = AnnotationKind::Primary.span(span.range());
                if let Some(label) = &self.label {
                    primary = primary.label(label.as_str());
                }
                let snippet = Snippet::source(source.text())
                    .path(source.name())
                    .annotation(primary)
                    .annotations(self.related.iter().map(|(span, label)| {
                        AnnotationKind::Context
                            .span(span.range())
                            .label(label.as_str())
                    }));
                title.element(snippet)
            }
            None => Group::with_title(title),
        };
        for note in &self.notes {
            group = group.element(Level::NOTE.message(note.as_str()));
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&[group])
    }
}

/// Collects diagnostics while a manifest is loaded and validated.
///
/// It must be consumed with [`Diagnostics::finish`], which turns it into the loaded value or a
/// [`Report`] of every error; dropping it with errors inside is a bug in this crate.
#[derive(Debug, Default)]
#[must_use = "diagnostics must be consumed with `finish`"]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error at `span` and returns it for labels, notes and help.
    pub fn error(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Diagnostic::new(Severity::Error, Some(span), message))
    }

    /// Records an error about the whole file.
    pub fn file_error(&mut self, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Diagnostic::new(Severity::Error, None, message))
    }

    /// Records a warning at `span`.
    pub fn warning(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Diagnostic::new(Severity::Warning, Some(span), message))
    }

    /// Records a diagnostic built elsewhere.
    pub fn push(&mut self, diagnostic: Diagnostic) -> &mut Diagnostic {
        self.items.push(diagnostic);
        self.items.last_mut().expect("just pushed")
    }

    /// Whether any error (not warning) was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Consumes the collector: `value` with the warnings if there was no error, or a report of
    /// every diagnostic, in the order of their position in the file.
    pub fn finish<T>(
        mut self,
        source: &SourceFile,
        value: T,
    ) -> Result<(T, Vec<Diagnostic>), Report> {
        let items = std::mem::take(&mut self.items);
        if items.iter().any(|d| d.severity == Severity::Error) {
            Err(Report::new(source.clone(), items))
        } else {
            Ok((value, items))
        }
    }
}

impl Drop for Diagnostics {
    fn drop(&mut self) {
        debug_assert!(
            std::thread::panicking() || !self.has_errors(),
            "Diagnostics dropped with errors that nobody reported"
        );
    }
}

/// Every diagnostic of a manifest that failed to load or validate.
#[derive(Debug, Clone)]
pub struct Report {
    source: SourceFile,
    diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// A report of `diagnostics` about `source`, sorted by position (file-level ones first).
    pub fn new(source: SourceFile, mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by_key(|d| d.span.map(|s| (s.start, s.end)));
        Self {
            source,
            diagnostics,
        }
    }

    /// The manifest the diagnostics are about.
    pub fn source(&self) -> &SourceFile {
        &self.source
    }

    /// All diagnostics, errors and warnings.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The number of errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Every diagnostic as one line each (`file:line:col: message`).
    pub fn one_line_messages(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .map(|d| d.one_line(&self.source))
            .collect()
    }
}

impl Report {
    /// Every diagnostic rendered like rustc, then a summary line; coloured when `styled`.
    pub fn render(&self, styled: bool) -> String {
        let mut out = String::new();
        for diagnostic in &self.diagnostics {
            out.push_str(&diagnostic.render_styled(&self.source, styled));
            out.push_str("\n\n");
        }
        let errors = self.error_count();
        let plural = if errors == 1 { "" } else { "s" };
        out.push_str(&format!(
            "error: could not load `{}` due to {errors} previous error{plural}",
            self.source.name()
        ));
        out
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Report {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc_with_caret_note_and_help() {
        let source = SourceFile::new("operations.yaml", "cache_get:\n  paramters: []\n");
        let mut diags = Diagnostics::new();
        diags
            .error(source.span(13..22), "unknown key `paramters`")
            .label("unknown key")
            .note("expected one of: interface, operation, parameters")
            .help("did you mean `parameters`?");
        let report = diags.finish(&source, ()).unwrap_err();
        let text = report.to_string();
        assert!(text.contains("error: unknown key `paramters`"), "{text}");
        assert!(text.contains("--> operations.yaml:2:3"), "{text}");
        assert!(text.contains("^^^^^^^^^ unknown key"), "{text}");
        assert!(text.contains("did you mean `parameters`?"), "{text}");
        assert!(text.ends_with("due to 1 previous error"), "{text}");
    }

    #[test]
    fn warnings_alone_do_not_fail() {
        let source = SourceFile::new("m.yaml", "a: 1\n");
        let mut diags = Diagnostics::new();
        diags.warning(source.span(0..1), "odd");
        let (value, warnings) = diags.finish(&source, 7).unwrap();
        assert_eq!((value, warnings.len()), (7, 1));
    }
}
