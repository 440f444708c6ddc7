//! Problems found in the spec, located and rendered like rustc's errors:
//! `spec/x.md:LINE:COL: error: ...`, or `spec/x.md: error: ...` for a problem
//! of whole files.

use std::fmt;

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

/// What a diagnostic is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One place in one file.
    At(Location),
    /// Whole files, such as every file read when none holds a table; the
    /// spec folder itself (`spec/`) only when there is no file to name.
    Files(Vec<String>),
}

/// One problem in the spec, rendered like a rustc error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub scope: Scope,
    pub message: String,
    pub help: Option<String>,
    /// A related place, such as the first occurrence of a duplicate.
    pub note: Option<Box<(Location, String)>>,
}

impl Diagnostic {
    pub fn at(location: &Location, message: impl Into<String>) -> Self {
        Diagnostic::new(Scope::At(location.clone()), message)
    }

    /// A problem of whole files (or of the spec folder, when it has none).
    pub fn in_files<'a>(
        files: impl IntoIterator<Item = &'a str>,
        message: impl Into<String>,
    ) -> Self {
        let files = files.into_iter().map(str::to_owned).collect();
        Diagnostic::new(Scope::Files(files), message)
    }

    fn new(scope: Scope, message: impl Into<String>) -> Self {
        Diagnostic {
            scope,
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

    /// The position, for a problem at one place.
    pub fn location(&self) -> Option<&Location> {
        match &self.scope {
            Scope::At(location) => Some(location),
            Scope::Files(_) => None,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.scope {
            Scope::At(location) => write!(f, "{location}")?,
            Scope::Files(files) => f.write_str(&files.join(", "))?,
        }
        write!(f, ": error: {}", self.message)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn location(line: usize, column: usize) -> Location {
        Location {
            file: "spec/a.md".to_owned(),
            line,
            column,
        }
    }

    #[test]
    fn a_located_problem_renders_like_rustc_with_its_note_and_help() {
        let diagnostic = Diagnostic::at(&location(7, 3), "duplicate name `X`")
            .note(&location(2, 3), "first defined here")
            .help("names must be unique");
        assert_eq!(
            diagnostic.to_string(),
            "spec/a.md:7:3: error: duplicate name `X`\n\
             spec/a.md:2:3: note: first defined here\n  \
             = help: names must be unique"
        );
        assert_eq!(diagnostic.location(), Some(&location(7, 3)));
    }

    #[test]
    fn a_problem_of_whole_files_names_every_file() {
        let diagnostic = Diagnostic::in_files(["spec/a.md", "spec/b/c.md"], "no table");
        assert_eq!(
            diagnostic.to_string(),
            "spec/a.md, spec/b/c.md: error: no table"
        );
        assert_eq!(diagnostic.location(), None);
    }

    #[test]
    fn the_summary_counts_the_problems() {
        let one = [Diagnostic::in_files(["spec/"], "no file")];
        assert_eq!(
            render_diagnostics(&one),
            "spec/: error: no file\n\
             error: the Parse error-code spec has 1 error; no code was generated\n"
        );
        let two = [one[0].clone(), one[0].clone()];
        assert!(render_diagnostics(&two)
            .ends_with("error: the Parse error-code spec has 2 errors; no code was generated\n"));
    }
}
