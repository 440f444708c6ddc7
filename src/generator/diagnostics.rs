//! Problems found in the spec, located and rendered like rustc's errors.

use std::fmt;

use super::load::SPEC_DIR;

/// A position in a spec file, 1-based, column counted in characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One problem in the spec, rendered like a rustc error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where the problem is; `None` for problems of the spec as a whole.
    pub location: Option<Location>,
    pub message: String,
    pub help: Option<String>,
    /// A related place, such as the first occurrence of a duplicate.
    pub note: Option<Box<(Location, String)>>,
}

impl Diagnostic {
    pub fn at(location: &Location, message: impl Into<String>) -> Self {
        Diagnostic {
            location: Some(location.clone()),
            message: message.into(),
            help: None,
            note: None,
        }
    }

    pub fn global(message: impl Into<String>) -> Self {
        Diagnostic {
            location: None,
            message: message.into(),
            help: None,
            note: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, location: &Location, note: impl Into<String>) -> Self {
        self.note = Some(Box::new((location.clone(), note.into())));
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{location}: error: {}", self.message)?,
            None => write!(f, "{SPEC_DIR}/: error: {}", self.message)?,
        }
        if let Some(note) = &self.note {
            let (location, note) = &**note;
            write!(f, "\n{location}: note: {note}")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// All diagnostics, one block each, followed by a count.
pub fn render_diagnostics(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&diagnostic.to_string());
        out.push('\n');
    }
    let count = diagnostics.len();
    let plural = if count == 1 { "" } else { "s" };
    out.push_str(&format!(
        "error: the Parse error-code spec has {count} error{plural}; no code was generated\n"
    ));
    out
}
