//! Why a registration was refused: every problem, each naming the field it is about.

use std::fmt;

/// A registration refused: the operation's wrapper name and every problem found, not just the
/// first, as manifest diagnostics are reported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot register `{wrapper}`: {}", list(problems))]
#[non_exhaustive]
pub struct RegistrationError {
    /// The wrapper name of the refused operation.
    pub wrapper: String,
    /// What is wrong.
    pub problems: Vec<Problem>,
}

impl RegistrationError {
    pub(crate) fn new(wrapper: String, problems: Vec<Problem>) -> Self {
        Self { wrapper, problems }
    }
}

fn list(problems: &[Problem]) -> String {
    let shown: Vec<String> = problems.iter().map(Problem::to_string).collect();
    shown.join("; ")
}

/// One problem of a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// The field, as the manifest's keys name it: `parameters[1].type`; empty for the whole
    /// entry.
    pub field: String,
    /// What is wrong, and what was expected.
    pub message: String,
    /// How to fix it, when there is a likely fix.
    pub help: Option<String>,
}

impl Problem {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.field.is_empty() {
            write!(f, "`{}`: ", self.field)?;
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}
