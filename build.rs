//! Build script: turns the Parse error-code tables under `spec/` into Rust.
//!
//! The generator is a short pipeline of plain functions in [`codegen`]:
//! [`codegen::load`] (files) -> [`codegen::read`] (markdown -> blocks with
//! source positions) -> [`codegen::check`] (every rule, all errors at once)
//! -> [`codegen::model`] (categories, kinds, shared codes) -> [`codegen::emit`]
//! (tokens) -> [`codegen::format`] (source text).
//!
//! Everything the generator needs lives in this one file: cargo reruns the
//! build script when `build.rs` or `spec/` changes, so generator code kept
//! anywhere else could change without regenerating. The xtask and the tests
//! reuse the same code with `#[path = "../build.rs"] mod build_script;`.

use std::path::PathBuf;
use std::process::ExitCode;

/// Name of the generated file inside `OUT_DIR`.
pub const GENERATED_FILE_NAME: &str = "error_codes.rs";

#[allow(dead_code)] // `main` is dead code where this file is reused as a module.
fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=spec");
    println!("cargo:rerun-if-changed=build.rs");

    let (Some(manifest_dir), Some(out_dir)) = (
        std::env::var_os("CARGO_MANIFEST_DIR"),
        std::env::var_os("OUT_DIR"),
    ) else {
        eprintln!("error: CARGO_MANIFEST_DIR and OUT_DIR must be set (run through cargo)");
        return ExitCode::FAILURE;
    };
    let out_file = PathBuf::from(out_dir).join(GENERATED_FILE_NAME);

    match codegen::generate(&PathBuf::from(manifest_dir)) {
        Ok(generated) => match codegen::write_if_changed(&out_file, &generated.source) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: cannot write {}: {error}", out_file.display());
                ExitCode::FAILURE
            }
        },
        Err(diagnostics) => {
            // No stale or partial output may survive a failed generation.
            let _ = std::fs::remove_file(&out_file);
            eprint!("{}", codegen::render_diagnostics(&diagnostics));
            ExitCode::FAILURE
        }
    }
}

#[allow(dead_code)] // Each user of this module (build script, xtask, tests) needs a different part.
pub mod codegen {
    use std::collections::{BTreeMap, HashMap};
    use std::fmt::{self, Write as _};
    use std::ops::Range;
    use std::path::Path;

    use proc_macro2::{Literal, TokenStream};
    use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

    // ------------------------------------------------------------------
    // Diagnostics
    // ------------------------------------------------------------------

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
        fn at(location: &Location, message: impl Into<String>) -> Self {
            Diagnostic {
                location: Some(location.clone()),
                message: message.into(),
                help: None,
                note: None,
            }
        }

        fn global(message: impl Into<String>) -> Self {
            Diagnostic {
                location: None,
                message: message.into(),
                help: None,
                note: None,
            }
        }

        fn help(mut self, help: impl Into<String>) -> Self {
            self.help = Some(help.into());
            self
        }

        fn note(mut self, location: &Location, note: impl Into<String>) -> Self {
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

    // ------------------------------------------------------------------
    // Stage 0: load the files
    // ------------------------------------------------------------------

    /// The directory, relative to the crate root, that holds the spec.
    pub const SPEC_DIR: &str = "spec";

    /// One spec file: its path as shown in diagnostics (`spec/x.md`) and its text,
    /// with any byte-order mark removed and line endings normalised to `\n`.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct SpecFile {
        pub path: String,
        pub text: String,
    }

    impl SpecFile {
        /// Decodes one file's bytes; `path` is the display path such as `spec/x.md`.
        pub fn from_bytes(path: &str, bytes: &[u8]) -> Result<SpecFile, Diagnostic> {
            let text = match std::str::from_utf8(bytes) {
                Ok(text) => text,
                Err(error) => {
                    let valid = &bytes[..error.valid_up_to()];
                    // The prefix is valid UTF-8 by construction. Positions are those of
                    // the decoded text: without the byte-order mark, any line ending.
                    let prefix = std::str::from_utf8(valid).unwrap_or_default();
                    let prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
                    let prefix = prefix.replace("\r\n", "\n").replace('\r', "\n");
                    let line = prefix.matches('\n').count() + 1;
                    let column = prefix.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                    let location = Location {
                        file: path.to_owned(),
                        line,
                        column,
                    };
                    return Err(Diagnostic::at(&location, "the file is not valid UTF-8")
                        .help("save the spec as UTF-8"));
                }
            };
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let text = if text.contains('\r') {
                text.replace("\r\n", "\n").replace('\r', "\n")
            } else {
                text.to_owned()
            };
            Ok(SpecFile {
                path: path.to_owned(),
                text,
            })
        }
    }

    /// Reads every `*.md` file under `<crate_root>/spec`, recursively, sorted by path.
    pub fn load(crate_root: &Path) -> Result<Vec<SpecFile>, Vec<Diagnostic>> {
        let mut relative_paths = Vec::new();
        let spec_root = crate_root.join(SPEC_DIR);
        if let Err(error) = collect_markdown(&spec_root, "", &mut relative_paths) {
            return Err(vec![Diagnostic::global(format!(
                "cannot read the spec directory: {error}"
            ))]);
        }
        relative_paths.sort();
        if relative_paths.is_empty() {
            return Err(vec![Diagnostic::global("no `*.md` file under `spec/`")
                .help(
                    "the catalogue is generated from markdown tables in `spec/*.md`",
                )]);
        }
        let mut files = Vec::new();
        let mut diagnostics = Vec::new();
        for relative in relative_paths {
            let display = format!("{SPEC_DIR}/{relative}");
            match std::fs::read(spec_root.join(&relative)) {
                Ok(bytes) => match SpecFile::from_bytes(&display, &bytes) {
                    Ok(file) => files.push(file),
                    Err(diagnostic) => diagnostics.push(diagnostic),
                },
                Err(error) => diagnostics.push(Diagnostic::global(format!(
                    "cannot read `{display}`: {error}"
                ))),
            }
        }
        if diagnostics.is_empty() {
            Ok(files)
        } else {
            Err(diagnostics)
        }
    }

    fn collect_markdown(dir: &Path, prefix: &str, out: &mut Vec<String>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = format!("{prefix}{name}");
            if entry.file_type()?.is_dir() {
                collect_markdown(&entry.path(), &format!("{relative}/"), out)?;
            } else if name.ends_with(".md") {
                out.push(relative);
            }
        }
        Ok(())
    }

    // ------------------------------------------------------------------
    // Stage 1: read (markdown -> blocks with positions)
    // ------------------------------------------------------------------

    /// The spec as read from markdown, before any rule is checked.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct RawSpec {
        pub files: Vec<RawFile>,
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct RawFile {
        pub path: String,
        pub blocks: Vec<RawBlock>,
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum RawBlock {
        /// A `##` heading.
        Section(RawHeading),
        Table(RawTable),
        /// A paragraph that starts with `|`: a table the markdown parser did not
        /// recognise (for instance because of its delimiter row), or rows cut
        /// off from their table by a line that ends it.
        TableLikeParagraph(Location),
        /// A paragraph that starts like a `##` heading (`##Title`, no space): its
        /// tables would silently join the section above.
        HeadingLikeParagraph(Location),
        /// A heading of another level than `##` with an `{#anchor}`: it looks like
        /// a section but is not one. The level is the number of `#`s.
        AnchoredHeading(Location, usize),
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct RawHeading {
        pub location: Location,
        /// The heading text as a reader sees it, without the `{#anchor}`.
        pub title: String,
        /// The anchor as pulldown-cmark understood it.
        pub id: Option<String>,
        /// The heading's source line, to catch what pulldown-cmark accepts silently.
        pub source: String,
        /// The heading's inline content, to reject markup the title would lose.
        pub inlines: Vec<Inline>,
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct RawTable {
        pub location: Location,
        pub header: RawRow,
        pub rows: Vec<RawRow>,
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct RawRow {
        pub location: Location,
        /// Cells counted in the source line (pulldown-cmark pads and truncates).
        pub source_cells: usize,
        pub cells: Vec<RawCell>,
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct RawCell {
        pub location: Location,
        pub inlines: Vec<Inline>,
    }

    /// Inline content of a cell or heading.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum Inline {
        Text(String),
        Code(String),
        Html(String),
        /// Markdown the catalogue does not support in cells (emphasis, links, ...).
        Unsupported(&'static str),
    }

    /// Maps byte offsets to 1-based line and character column.
    struct LineIndex<'a> {
        text: &'a str,
        line_starts: Vec<usize>,
    }

    impl<'a> LineIndex<'a> {
        fn new(text: &'a str) -> Self {
            let mut line_starts = vec![0];
            line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
            LineIndex { text, line_starts }
        }

        fn line_of(&self, offset: usize) -> usize {
            self.line_starts.partition_point(|&start| start <= offset)
        }

        fn location(&self, file: &str, offset: usize) -> Location {
            let line = self.line_of(offset);
            let start = self.line_starts[line - 1];
            let column = self.text[start..offset.min(self.text.len())]
                .chars()
                .count()
                + 1;
            Location {
                file: file.to_owned(),
                line,
                column,
            }
        }

        /// The whole source line containing `offset`, without its newline.
        fn line_text(&self, offset: usize) -> &'a str {
            let line = self.line_of(offset);
            let start = self.line_starts[line - 1];
            let end = self
                .line_starts
                .get(line)
                .map_or(self.text.len(), |next| next - 1);
            &self.text[start..end]
        }

        /// The source from `offset` to the end of its line: a table nested in a
        /// block quote or list starts after the container's markers.
        fn rest_of_line(&self, offset: usize) -> &'a str {
            let line = self.line_text(offset);
            let line_start = self.line_starts[self.line_of(offset) - 1];
            line.get(offset.saturating_sub(line_start)..).unwrap_or("")
        }

        /// Location of the first non-blank character at or after `offset` on its line.
        fn first_visible(&self, file: &str, range: &Range<usize>) -> Location {
            let slice = &self.text[range.start..range.end.max(range.start)];
            let skip = slice.len() - slice.trim_start_matches([' ', '\t', '|']).len();
            let offset = if skip < slice.len() {
                range.start + skip
            } else {
                range.start
            };
            self.location(file, offset)
        }
    }

    /// Parses every file's markdown into headings and tables with positions.
    pub fn read(files: &[SpecFile]) -> RawSpec {
        RawSpec {
            files: files.iter().map(read_file).collect(),
        }
    }

    fn read_file(file: &SpecFile) -> RawFile {
        let index = LineIndex::new(&file.text);
        let options = Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES;
        let mut blocks = Vec::new();

        // The block being read and the inline content of the cell or heading being read.
        let mut heading: Option<(Range<usize>, Option<String>)> = None;
        let mut table: Option<RawTable> = None;
        let mut row: Option<RawRow> = None;
        let mut inlines: Vec<Inline> = Vec::new();
        let mut cell_range = 0..0;

        for (event, range) in Parser::new_ext(&file.text, options).into_offset_iter() {
            match event {
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H2,
                    id,
                    ..
                }) => {
                    heading = Some((range, id.map(|id| id.to_string())));
                    inlines.clear();
                }
                Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                    if let Some((range, id)) = heading.take() {
                        blocks.push(RawBlock::Section(RawHeading {
                            location: index.location(&file.path, range.start),
                            title: plain_text(&inlines),
                            id,
                            source: index.line_text(range.start).to_owned(),
                            inlines: std::mem::take(&mut inlines),
                        }));
                    }
                    inlines.clear();
                }
                Event::Start(Tag::Heading {
                    level, id: Some(_), ..
                }) => {
                    blocks.push(RawBlock::AnchoredHeading(
                        index.location(&file.path, range.start),
                        level as usize,
                    ));
                }
                Event::Start(Tag::Paragraph) if looks_like_h2(index.rest_of_line(range.start)) => {
                    blocks.push(RawBlock::HeadingLikeParagraph(
                        index.location(&file.path, range.start),
                    ));
                }
                Event::Start(Tag::Paragraph)
                    if index
                        .rest_of_line(range.start)
                        .trim_start()
                        .starts_with('|') =>
                {
                    blocks.push(RawBlock::TableLikeParagraph(
                        index.location(&file.path, range.start),
                    ));
                }
                Event::Start(Tag::Table(_)) => {
                    let location = index.location(&file.path, range.start);
                    table = Some(RawTable {
                        header: RawRow {
                            location: location.clone(),
                            source_cells: count_source_cells(index.rest_of_line(range.start)),
                            cells: Vec::new(),
                        },
                        location,
                        rows: Vec::new(),
                    });
                }
                Event::End(TagEnd::Table) => {
                    if let Some(table) = table.take() {
                        blocks.push(RawBlock::Table(table));
                    }
                }
                Event::Start(Tag::TableRow) => {
                    row = Some(RawRow {
                        location: index.location(&file.path, range.start),
                        source_cells: count_source_cells(index.rest_of_line(range.start)),
                        cells: Vec::new(),
                    });
                }
                Event::End(TagEnd::TableRow) => {
                    if let (Some(table), Some(row)) = (table.as_mut(), row.take()) {
                        table.rows.push(row);
                    }
                }
                Event::Start(Tag::TableCell) => {
                    cell_range = range;
                    inlines.clear();
                }
                Event::End(TagEnd::TableCell) => {
                    let cell = RawCell {
                        location: index.first_visible(&file.path, &cell_range),
                        inlines: std::mem::take(&mut inlines),
                    };
                    match (row.as_mut(), table.as_mut()) {
                        (Some(row), _) => row.cells.push(cell),
                        (None, Some(table)) => table.header.cells.push(cell),
                        (None, None) => {}
                    }
                }
                Event::Text(text) => push_text(&mut inlines, &text),
                Event::Code(code) => inlines.push(Inline::Code(code.to_string())),
                Event::Html(html) | Event::InlineHtml(html) => {
                    inlines.push(Inline::Html(html.to_string()))
                }
                Event::SoftBreak | Event::HardBreak => push_text(&mut inlines, " "),
                Event::Start(tag) if in_inline_context(&heading, &table) => {
                    if let Some(kind) = unsupported_inline(&tag) {
                        inlines.push(Inline::Unsupported(kind));
                    }
                }
                _ => {}
            }
        }
        RawFile {
            path: file.path.clone(),
            blocks,
        }
    }

    /// `##Title`: two `#`s and then text without the space a heading needs.
    fn looks_like_h2(line: &str) -> bool {
        line.trim_start()
            .strip_prefix("##")
            .and_then(|rest| rest.chars().next())
            .is_some_and(|next| next != '#' && !next.is_whitespace())
    }

    fn in_inline_context(
        heading: &Option<(Range<usize>, Option<String>)>,
        table: &Option<RawTable>,
    ) -> bool {
        heading.is_some() || table.is_some()
    }

    fn unsupported_inline(tag: &Tag<'_>) -> Option<&'static str> {
        Some(match tag {
            Tag::Emphasis => "emphasis",
            Tag::Strong => "strong emphasis",
            Tag::Strikethrough => "strikethrough",
            Tag::Link { .. } => "a link",
            Tag::Image { .. } => "an image",
            Tag::Superscript | Tag::Subscript => "super- or subscript",
            _ => return None,
        })
    }

    fn push_text(inlines: &mut Vec<Inline>, text: &str) {
        if let Some(Inline::Text(last)) = inlines.last_mut() {
            last.push_str(text);
        } else {
            inlines.push(Inline::Text(text.to_owned()));
        }
    }

    /// Counts the cells of a table line as pulldown-cmark splits it: on every `|`
    /// not directly preceded by a backslash (even an escaped one: `\\|` does not
    /// split either), ignoring one leading and one trailing pipe.
    pub fn count_source_cells(line: &str) -> usize {
        // The blanks pulldown-cmark skips around cells; `str::trim` would also strip
        // Unicode spaces, which pulldown-cmark keeps as cell content.
        let line = line.trim_matches([' ', '\t', '\u{b}', '\u{c}']);
        let pipes: Vec<usize> = line
            .match_indices('|')
            .map(|(i, _)| i)
            .filter(|&i| !line[..i].ends_with('\\'))
            .collect();
        if pipes.is_empty() {
            return if line.is_empty() { 0 } else { 1 };
        }
        let mut cells = pipes.len() + 1;
        if pipes.first() == Some(&0) {
            cells -= 1;
        }
        if pipes.last() == Some(&(line.len() - 1)) && line.len() > 1 {
            cells -= 1;
        }
        cells
    }

    /// Text as a reader sees it: escapes resolved, code spans kept with backticks.
    pub fn plain_text(inlines: &[Inline]) -> String {
        let mut out = String::new();
        for inline in inlines {
            match inline {
                Inline::Text(text) => out.push_str(text),
                Inline::Code(code) => push_code_span(&mut out, code),
                Inline::Html(html) => out.push_str(html),
                Inline::Unsupported(_) => {}
            }
        }
        out.trim().to_owned()
    }

    /// The same text as markdown for rustdoc: markup characters escaped, so that
    /// the doc comment renders exactly the plain text with its code spans.
    pub fn doc_markdown(inlines: &[Inline]) -> String {
        let mut out = String::new();
        for inline in inlines {
            match inline {
                Inline::Text(text) => {
                    for c in text.chars() {
                        if matches!(
                            c,
                            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|' | '#'
                        ) {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                }
                Inline::Code(code) => push_code_span(&mut out, code),
                Inline::Html(_) | Inline::Unsupported(_) => {}
            }
        }
        out.trim().to_owned()
    }

    /// `text` as an inline code span, for messages quoting spec source.
    fn code_span(text: &str) -> String {
        let mut out = String::new();
        push_code_span(&mut out, text);
        out
    }

    fn push_code_span(out: &mut String, code: &str) {
        let longest_run = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest_run + 1);
        let pad = if longest_run > 0 { " " } else { "" };
        out.push_str(&fence);
        out.push_str(pad);
        out.push_str(code);
        out.push_str(pad);
        out.push_str(&fence);
    }

    // ------------------------------------------------------------------
    // Stage 2: check (every rule, all problems at once)
    // ------------------------------------------------------------------

    /// The header every catalogue table must have.
    pub const HEADER: [&str; 3] = ["Name", "Code", "Description"];

    /// A spec that passed every rule: sections and rows with typed values.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct CheckedSpec {
        pub sections: Vec<CheckedSection>,
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct CheckedSection {
        pub location: Location,
        pub anchor: String,
        pub title: String,
        pub rows: Vec<CheckedRow>,
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct CheckedRow {
        pub location: Location,
        pub name: String,
        pub code: i32,
        pub description: String,
        pub description_markdown: String,
    }

    /// Checks every rule of the spec format and returns typed sections, or every
    /// problem found, in file order.
    pub fn check(spec: &RawSpec) -> Result<CheckedSpec, Vec<Diagnostic>> {
        let mut diagnostics = Vec::new();
        let mut sections: Vec<CheckedSection> = Vec::new();
        // First location of every anchor, name, constant and category variant.
        let mut anchors: HashMap<String, Location> = HashMap::new();
        let mut variants: HashMap<String, (Location, String)> = HashMap::new();
        let mut names: HashMap<String, Location> = HashMap::new();
        let mut constants: HashMap<String, (Location, String)> = HashMap::new();

        // Anchored sections without a table, reported once every file is read.
        let mut tables_per_section: Vec<usize> = Vec::new();
        for file in &spec.files {
            // The section the next table belongs to, as an index into `sections`,
            // or `None` (with the heading) when the heading itself is invalid.
            let mut current: Option<Result<usize, &RawHeading>> = None;
            // A heading without anchor is reported once, however many tables follow.
            let mut reported_current = false;
            for block in &file.blocks {
                match block {
                    RawBlock::Section(heading) => {
                        reported_current = false;
                        current = Some(
                            check_heading(heading, &mut anchors, &mut variants, &mut diagnostics)
                                .map(|anchor| {
                                    sections.push(CheckedSection {
                                        location: heading.location.clone(),
                                        anchor,
                                        title: heading.title.clone(),
                                        rows: Vec::new(),
                                    });
                                    tables_per_section.push(0);
                                    sections.len() - 1
                                })
                                .ok_or(heading),
                        );
                    }
                    RawBlock::HeadingLikeParagraph(location) => diagnostics.push(
                        Diagnostic::at(location, "this looks like a `##` heading, but it is not read as one")
                            .help("put a space after the `##`: without it the line is text, and the tables below belong to the section above"),
                    ),
                    RawBlock::AnchoredHeading(location, level) => diagnostics.push(
                        Diagnostic::at(
                            location,
                            format!("a level-{level} heading with an anchor: only `##` headings are sections"),
                        )
                        .help(format!(
                            "write `##` instead of `{}`, or remove the anchor",
                            "#".repeat(*level)
                        )),
                    ),
                    RawBlock::TableLikeParagraph(location) => {
                        // The section has a table, if a broken one: one diagnostic is enough.
                        if let Some(Ok(index)) = current {
                            tables_per_section[index] += 1;
                        }
                        diagnostics.push(
                            Diagnostic::at(location, "this looks like a table, but it is not read as one")
                                .help("a table is a header row, a delimiter row such as `| --- | --- | --- |` (spaces, no tabs) and its rows, after a blank line"),
                        );
                    }
                    RawBlock::Table(table) => {
                        let section = match current {
                            None => {
                                diagnostics.push(
                                    Diagnostic::at(
                                        &table.location,
                                        "catalogue table before any `##` section",
                                    )
                                    .help("put a heading such as `## API issues {#api-issues}` above the table"),
                                );
                                None
                            }
                            Some(Err(heading)) => {
                                if heading_anchor(heading).is_none()
                                    && heading.id.is_none()
                                    && !has_closing_hashes(&heading.source)
                                    && !reported_current
                                {
                                    reported_current = true;
                                    diagnostics.push(
                                        Diagnostic::at(
                                            &heading.location,
                                            format!(
                                                "section `{}` has no `{{#anchor}}`",
                                                heading.title
                                            ),
                                        )
                                        .help("end the heading with an anchor such as `{#api-issues}`"),
                                    );
                                }
                                None
                            }
                            Some(Ok(index)) => {
                                tables_per_section[index] += 1;
                                Some(index)
                            }
                        };
                        let rows = check_table(table, &mut names, &mut constants, &mut diagnostics);
                        if let Some(index) = section {
                            sections[index].rows.extend(rows);
                        }
                    }
                }
            }
        }

        for (section, &tables) in sections.iter().zip(&tables_per_section) {
            if tables == 0 {
                diagnostics.push(
                    Diagnostic::at(
                        &section.location,
                        format!(
                            "section `{}` has the anchor `#{}` but no catalogue table",
                            section.title, section.anchor
                        ),
                    )
                    .help("an anchored `##` section is a category: add its table below the heading, or remove the anchor"),
                );
            }
        }
        sections.retain(|section| !section.rows.is_empty());
        if sections.is_empty() && diagnostics.is_empty() {
            diagnostics.push(
                Diagnostic::global("no catalogue table found under `spec/`")
                    .help("add a table with the header `| Name | Code | Description |`"),
            );
        }
        if diagnostics.is_empty() {
            Ok(CheckedSpec { sections })
        } else {
            // File order, then position; problems of the spec as a whole come last.
            diagnostics.sort_by_key(|diagnostic| {
                diagnostic
                    .location
                    .as_ref()
                    .map_or((1, 0, 0, 0), |location| {
                        let file = spec
                            .files
                            .iter()
                            .position(|file| file.path == location.file);
                        (
                            0,
                            file.unwrap_or(usize::MAX),
                            location.line,
                            location.column,
                        )
                    })
            });
            Err(diagnostics)
        }
    }

    /// The anchor written in the heading source (`{#...}` at the end), if any.
    fn heading_anchor(heading: &RawHeading) -> Option<&str> {
        let line = heading.source.trim_end();
        let open = line.rfind('{')?;
        line.ends_with('}').then(|| &line[open + 1..line.len() - 1])
    }

    /// The column of the first closing `#`, when the heading ends with closing hashes.
    fn closing_hashes_column(source: &str) -> Option<usize> {
        let line = source.trim_end();
        let without = line.trim_end_matches('#');
        (without.len() < line.len() && without.ends_with([' ', '\t']) && !without.trim().is_empty())
            .then(|| without.chars().count() + 1)
    }

    fn has_closing_hashes(source: &str) -> bool {
        closing_hashes_column(source).is_some()
    }

    /// Where the `{` of the heading's attribute block is, or the heading itself.
    fn anchor_location(heading: &RawHeading) -> Location {
        let line = heading.source.trim_end();
        let mut location = heading.location.clone();
        if let Some(open) = line.rfind('{') {
            location.column = line[..open].chars().count() + 1;
        }
        location
    }

    /// Checks a `##` heading and returns its anchor when it is usable as a section.
    fn check_heading(
        heading: &RawHeading,
        anchors: &mut HashMap<String, Location>,
        variants: &mut HashMap<String, (Location, String)>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        if let Some(column) = closing_hashes_column(&heading.source) {
            let location = Location {
                column,
                ..heading.location.clone()
            };
            diagnostics.push(
                Diagnostic::at(&location, "heading with closing `#`s")
                    .help("remove the trailing `#`s: with them the `{#anchor}` is not recognised"),
            );
            return None;
        }
        let Some(written) = heading_anchor(heading) else {
            if heading.id.is_some() {
                // A setext heading whose `{#anchor}` is on a later line.
                diagnostics.push(
                    Diagnostic::at(&heading.location, "section heading on several lines")
                        .help("write the heading on one line, as `## Title {#anchor}`"),
                );
            }
            return None;
        };
        let location = anchor_location(heading);
        let inner = written.trim();
        let Some(anchor) = inner.strip_prefix('#') else {
            diagnostics.push(
                Diagnostic::at(
                    &location,
                    format!("heading attribute `{{{written}}}` is not an anchor"),
                )
                .help("write the anchor as `{#section-name}`"),
            );
            return None;
        };
        let before_anchor = heading.source.trim_end();
        let before_anchor = before_anchor[..before_anchor.rfind('{').unwrap_or(0)].trim_end();
        if anchor.contains('#') || (before_anchor.ends_with('}') && before_anchor.contains("{#")) {
            diagnostics.push(
                Diagnostic::at(&location, "more than one anchor in the heading")
                    .help("a section has exactly one anchor, such as `{#api-issues}`"),
            );
            return None;
        }
        if anchor
            .chars()
            .any(|c| c.is_whitespace() || c == '.' || c == '=')
        {
            diagnostics.push(
                Diagnostic::at(
                    &location,
                    format!("junk inside the heading braces `{{{written}}}`"),
                )
                .help("write only the anchor, such as `{#api-issues}`: classes and attributes are not supported"),
            );
            return None;
        }
        if !is_valid_anchor(anchor) {
            diagnostics.push(
                Diagnostic::at(&location, format!("malformed anchor `#{anchor}`")).help(
                    "anchors are lowercase ASCII words joined by single hyphens, such as `api-issues`",
                ),
            );
            return None;
        }
        if heading.id.as_deref() != Some(anchor) {
            diagnostics.push(
                Diagnostic::at(
                    &location,
                    format!("the anchor `#{anchor}` is not recognised by the markdown parser"),
                )
                .help("write the heading on one line, as `## Title {#anchor}`"),
            );
            return None;
        }
        if heading.title.is_empty() {
            diagnostics.push(Diagnostic::at(
                &heading.location,
                "section heading without a title",
            ).help("write the section title before the anchor, as in `## API issues {#api-issues}`"));
            return None;
        }
        if let Some(markup) = heading.inlines.iter().find_map(|inline| match inline {
            Inline::Html(html) => Some(format!("raw HTML {}", code_span(html.trim()))),
            Inline::Unsupported(what) => Some((*what).to_owned()),
            Inline::Text(_) | Inline::Code(_) => None,
        }) {
            diagnostics.push(
                Diagnostic::at(&heading.location, format!("{markup} in a section title"))
                    .help("a title is plain text and code spans: `Category::title()` returns it as written"),
            );
            return None;
        }
        if let Some(control) = heading.title.chars().find(|c| c.is_control()) {
            diagnostics.push(
                Diagnostic::at(
                    &heading.location,
                    format!("the section title contains the control character {control:?}"),
                )
                .help("remove it, or the character entity such as `&#13;` that produces it"),
            );
            return None;
        }
        if let Some(first) = anchors.get(anchor) {
            diagnostics.push(
                Diagnostic::at(&location, format!("duplicate anchor `#{anchor}`"))
                    .note(first, "first used here")
                    .help("every section needs its own anchor"),
            );
            return None;
        }
        anchors.insert(anchor.to_owned(), location.clone());
        let variant = category_variant(anchor);
        if variant == "Self" {
            diagnostics.push(
                Diagnostic::at(
                    &location,
                    format!("the anchor `#{anchor}` names the category `Self`, a Rust keyword"),
                )
                .help("choose another anchor"),
            );
            return None;
        }
        if let Some((first, other)) = variants.get(&variant) {
            diagnostics.push(
                Diagnostic::at(
                    &location,
                    format!("anchors `#{other}` and `#{anchor}` both name the category `{variant}`"),
                )
                .note(first, format!("`#{other}` is here"))
                .help("a category is named from its anchor without a trailing `-errors`, `-issues` or `-related-errors`; choose anchors that differ otherwise"),
            );
            return None;
        }
        variants.insert(variant, (location, anchor.to_owned()));
        Some(anchor.to_owned())
    }

    pub fn is_valid_anchor(anchor: &str) -> bool {
        anchor.starts_with(|c: char| c.is_ascii_lowercase())
            && anchor.split('-').all(|word| {
                !word.is_empty()
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
    }

    /// The `Category` variant for an anchor: a trailing `errors` or `issues` word and
    /// then a trailing `related` word are dropped (never the first word), and the
    /// remaining words are joined in UpperCamelCase:
    /// `api-issues` -> `Api`, `push-related-errors` -> `Push`,
    /// `linked-services-errors` -> `LinkedServices`.
    pub fn category_variant(anchor: &str) -> String {
        let mut words: Vec<&str> = anchor.split('-').collect();
        if words.len() > 1 && matches!(words.last(), Some(&"errors" | &"issues")) {
            words.pop();
        }
        if words.len() > 1 && words.last() == Some(&"related") {
            words.pop();
        }
        words
            .iter()
            .map(|word| {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            })
            .collect()
    }

    fn check_table(
        table: &RawTable,
        names: &mut HashMap<String, Location>,
        constants: &mut HashMap<String, (Location, String)>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<CheckedRow> {
        let header: Vec<String> = table
            .header
            .cells
            .iter()
            .map(|c| plain_text(&c.inlines))
            .collect();
        let expected = "`| Name | Code | Description |`";
        if table.header.source_cells != HEADER.len() {
            diagnostics.push(
                Diagnostic::at(
                    &table.location,
                    format!(
                        "table header has {} columns, expected 3: `Name | Code | Description`",
                        table.header.source_cells
                    ),
                )
                .help(format!(
                    "every table under `spec/` is a catalogue table with the header {expected}"
                )),
            );
            return Vec::new();
        }
        let mut header_ok = true;
        for ((cell, found), wanted) in table.header.cells.iter().zip(&header).zip(HEADER) {
            if found != wanted {
                header_ok = false;
                diagnostics.push(
                    Diagnostic::at(
                        &cell.location,
                        format!("table header column is `{found}`, expected `{wanted}`"),
                    )
                    .help(format!("the header must be exactly {expected}")),
                );
            }
        }
        if !header_ok {
            return Vec::new();
        }
        if table.rows.is_empty() {
            diagnostics.push(Diagnostic::at(
                &table.location,
                "catalogue table without rows",
            ));
        }

        let mut rows = Vec::new();
        for row in &table.rows {
            if row.source_cells <= 1 {
                diagnostics.push(
                    Diagnostic::at(&row.location, "this line is read as a table row")
                        .help("a line right after a table continues it: put a blank line between the table and the text"),
                );
                continue;
            }
            if row.source_cells != HEADER.len() {
                let help = if row.source_cells > HEADER.len() {
                    "a `|` inside a cell must be escaped as `\\|`"
                } else {
                    "every row has a name, a code and a description"
                };
                diagnostics.push(
                    Diagnostic::at(
                        &row.location,
                        format!(
                            "row has {} cells, expected 3 (Name, Code, Description)",
                            row.source_cells
                        ),
                    )
                    .help(help),
                );
                continue;
            }
            let [name_cell, code_cell, description_cell] = &row.cells[..] else {
                continue;
            };
            // A cell with unsupported markup gets that one diagnostic and no other.
            let [name_clean, code_clean, description_clean] =
                [name_cell, code_cell, description_cell]
                    .map(|cell| check_markup(cell, diagnostics));
            let mut row_ok = name_clean && code_clean && description_clean;
            let name = name_clean
                .then(|| check_name(name_cell, diagnostics))
                .flatten();
            let code = code_clean
                .then(|| check_code(code_cell, diagnostics))
                .flatten();
            let description = plain_text(&description_cell.inlines);
            if !description_clean {
                // Already reported.
            } else if description.is_empty() {
                row_ok = false;
                diagnostics.push(
                    Diagnostic::at(&description_cell.location, "empty description")
                        .help("describe when a Parse Server returns this code"),
                );
            } else if let Some(control) = description.chars().find(|c| c.is_control()) {
                // Only an entity such as `&#13;` can put one here; in a doc comment a
                // carriage return does not even compile.
                row_ok = false;
                diagnostics.push(
                    Diagnostic::at(
                        &description_cell.location,
                        format!("the description contains the control character {control:?}"),
                    )
                    .help("remove it, or the character entity such as `&#13;` that produces it"),
                );
            }
            // Duplicates are checked even when the row has other problems, so that
            // every problem is reported in one build.
            let Some(name) = name else {
                continue;
            };
            if let Some(first) = names.get(&name) {
                diagnostics.push(
                    Diagnostic::at(&name_cell.location, format!("duplicate name `{name}`"))
                        .note(first, "first defined here")
                        .help("names must be unique across every file of `spec/`"),
                );
                continue;
            }
            names.insert(name.clone(), name_cell.location.clone());
            let constant = constant_name(&name);
            if let Some((first, other)) = constants.get(&constant) {
                diagnostics.push(
                    Diagnostic::at(
                        &name_cell.location,
                        format!("names `{other}` and `{name}` both become the constant `ErrorCode::{constant}`"),
                    )
                    .note(first, format!("`{other}` is here"))
                    .help("names must differ in more than letter case"),
                );
                continue;
            }
            constants.insert(constant, (name_cell.location.clone(), name.clone()));
            let (Some(code), true) = (code, row_ok) else {
                continue;
            };
            rows.push(CheckedRow {
                location: row.location.clone(),
                name,
                code,
                description,
                description_markdown: doc_markdown(&description_cell.inlines),
            });
        }
        rows
    }

    /// Reports the first raw HTML or unsupported markup of a cell (`<b>` and `</b>`
    /// are one problem); returns whether the cell is free of them.
    fn check_markup(cell: &RawCell, diagnostics: &mut Vec<Diagnostic>) -> bool {
        for inline in &cell.inlines {
            match inline {
                Inline::Html(html) => {
                    diagnostics.push(
                        Diagnostic::at(
                            &cell.location,
                            format!("raw HTML {} in a cell", code_span(html.trim())),
                        )
                        .help("write plain text; escape `<` as `\\<` if it is meant literally"),
                    );
                    return false;
                }
                Inline::Unsupported(what) => {
                    diagnostics.push(
                        Diagnostic::at(&cell.location, format!("{what} in a cell"))
                            .help("cells hold plain text and code spans only"),
                    );
                    return false;
                }
                Inline::Text(_) | Inline::Code(_) => {}
            }
        }
        true
    }

    /// Strict and reserved keywords of Rust 2015-2024 that start with a letter.
    const KEYWORDS: &[&str] = &[
        "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
        "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
        "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv",
        "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "try",
        "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while",
        "yield",
    ];

    /// A name is one code span holding an UpperCamelCase ASCII identifier.
    fn check_name(cell: &RawCell, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
        let location = &cell.location;
        let name = match &cell.inlines[..] {
            [] => {
                diagnostics.push(
                    Diagnostic::at(location, "empty name")
                        .help("write the name as a code span, such as `` `ObjectNotFound` ``"),
                );
                return None;
            }
            // Not trimmed: spaces inside the backticks are part of the name, and wrong.
            [Inline::Code(name)] => name.clone(),
            [Inline::Text(text)] => {
                let text = text.trim();
                diagnostics.push(
                    Diagnostic::at(
                        location,
                        format!("name `{text}` is not written as a code span"),
                    )
                    .help(format!("write every name as a code span: `` `{text}` ``")),
                );
                return None;
            }
            _ => {
                diagnostics.push(
                    Diagnostic::at(
                        location,
                        format!(
                            "the name {} mixes a code span with other text",
                            code_span(&plain_text(&cell.inlines))
                        ),
                    )
                    .help("the whole name is one code span, such as `` `ObjectNotFound` ``"),
                );
                return None;
            }
        };
        let problem = if name.is_empty() {
            Some("empty name".to_owned())
        } else if KEYWORDS.contains(&name.as_str()) {
            Some(format!("name `{name}` is a Rust keyword"))
        } else if name == "ALL" {
            Some(format!(
                "name `{name}` is reserved: `ErrorKind::ALL` lists every kind"
            ))
        } else if let Some(bad) = name.chars().find(|c| !c.is_ascii_alphanumeric()) {
            let what = match bad {
                ' ' => "a space".to_owned(),
                '-' => "a hyphen".to_owned(),
                '_' => "an underscore".to_owned(),
                c if !c.is_ascii() => format!("the non-ASCII character `{c}`"),
                c => format!("the character `{c}`"),
            };
            Some(format!("name `{name}` contains {what}"))
        } else if name.starts_with(|c: char| c.is_ascii_digit()) {
            Some(format!("name `{name}` starts with a digit"))
        } else if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            Some(format!(
                "name `{name}` does not start with an uppercase letter"
            ))
        } else {
            None
        };
        match problem {
            Some(message) => {
                diagnostics.push(Diagnostic::at(location, message).help(
                    "a name becomes a Rust enum variant: an UpperCamelCase ASCII identifier such as `ObjectNotFound`",
                ));
                None
            }
            None => Some(name),
        }
    }

    /// A code is a decimal `i32`: an optional `-`, then digits without leading zeros.
    fn check_code(cell: &RawCell, diagnostics: &mut Vec<Diagnostic>) -> Option<i32> {
        let location = &cell.location;
        let text = match &cell.inlines[..] {
            [] => "",
            [Inline::Text(text)] => text.trim(),
            _ => {
                diagnostics.push(
                    Diagnostic::at(
                        location,
                        format!(
                            "the code {} is not plain text",
                            code_span(&plain_text(&cell.inlines))
                        ),
                    )
                    .help("write the code as a plain decimal number such as `101`"),
                );
                return None;
            }
        };
        let digits = text.strip_prefix('-').unwrap_or(text);
        let problem = if text.is_empty() {
            Some((
                "empty code".to_owned(),
                "every row needs a numeric code".to_owned(),
            ))
        } else if let Some(unsigned) = text.strip_prefix('+') {
            Some((
                format!("code `{text}` has a plus sign"),
                format!("write `{unsigned}`: a code is written as Parse sends it in JSON, where numbers have no plus sign"),
            ))
        } else if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            Some((
                format!("code `{text}` is not a decimal integer"),
                "write the code as a plain decimal number such as `101` or `-1`".to_owned(),
            ))
        } else if digits.len() > 1 && digits.starts_with('0') {
            let significant = digits.trim_start_matches('0');
            // Zero has no sign: `-000` is written `0`.
            let canonical = match (significant, text.starts_with('-')) {
                ("", _) => "0".to_owned(),
                (significant, true) => format!("-{significant}"),
                (significant, false) => significant.to_owned(),
            };
            Some((
                format!("code `{text}` has a leading zero"),
                format!("write `{canonical}`"),
            ))
        } else {
            None
        };
        if let Some((message, help)) = problem {
            diagnostics.push(Diagnostic::at(location, message).help(help));
            return None;
        }
        match text.parse::<i32>() {
            Ok(code) if text != "-0" => Some(code),
            Ok(_) => {
                diagnostics
                    .push(Diagnostic::at(location, "code `-0` has a sign").help("write `0`"));
                None
            }
            Err(_) => {
                diagnostics.push(
                    Diagnostic::at(
                        location,
                        format!("code `{text}` is outside the range of `i32`"),
                    )
                    .help(format!(
                        "Parse error codes are 32-bit: {} to {}",
                        i32::MIN,
                        i32::MAX
                    )),
                );
                None
            }
        }
    }

    /// SCREAMING_SNAKE_CASE of an UpperCamelCase name, keeping acronyms together:
    /// `InvalidJSON` -> `INVALID_JSON`, `MissingAPIKeyError` -> `MISSING_API_KEY_ERROR`.
    pub fn constant_name(name: &str) -> String {
        let chars: Vec<char> = name.chars().collect();
        let mut out = String::with_capacity(name.len() + 8);
        for (i, &c) in chars.iter().enumerate() {
            if i > 0 && c.is_ascii_uppercase() {
                let previous = chars[i - 1];
                let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
                if previous.is_ascii_lowercase()
                    || previous.is_ascii_digit()
                    || (previous.is_ascii_uppercase() && next_is_lower)
                {
                    out.push('_');
                }
            }
            out.push(c.to_ascii_uppercase());
        }
        out
    }

    // ------------------------------------------------------------------
    // Stage 3: model (categories, kinds, shared-code groups)
    // ------------------------------------------------------------------

    /// The catalogue the generated code describes.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Catalogue {
        /// In spec order; each owns a contiguous run of `kinds`.
        pub categories: Vec<CategoryModel>,
        /// Every row, in spec order.
        pub kinds: Vec<KindModel>,
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct CategoryModel {
        pub variant: String,
        pub anchor: String,
        pub title: String,
        pub kinds: Range<usize>,
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct KindModel {
        pub name: String,
        pub constant: String,
        pub code: i32,
        pub description: String,
        pub description_markdown: String,
        pub category: usize,
        pub location: Location,
    }

    impl Catalogue {
        /// Every distinct code with the kinds that carry it, in spec order.
        pub fn codes(&self) -> BTreeMap<i32, Vec<usize>> {
            let mut codes: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
            for (index, kind) in self.kinds.iter().enumerate() {
                codes.entry(kind.code).or_default().push(index);
            }
            codes
        }
    }

    pub fn model(spec: CheckedSpec) -> Catalogue {
        let mut categories = Vec::new();
        let mut kinds = Vec::new();
        for (category, section) in spec.sections.into_iter().enumerate() {
            let start = kinds.len();
            kinds.extend(section.rows.into_iter().map(|row| KindModel {
                constant: constant_name(&row.name),
                name: row.name,
                code: row.code,
                description: row.description,
                description_markdown: row.description_markdown,
                category,
                location: row.location,
            }));
            categories.push(CategoryModel {
                variant: category_variant(&section.anchor),
                anchor: section.anchor,
                title: section.title,
                kinds: start..kinds.len(),
            });
        }
        Catalogue { categories, kinds }
    }

    // ------------------------------------------------------------------
    // Stage 4: emit (tokens)
    // ------------------------------------------------------------------
    //
    // The code is written as text and lexed once at the end. `quote!` would
    // say the same, but its expansion is a function call per token, and
    // compiling those made up about a third of the build script's compile
    // time, paid on every clean build of every user (issue 7).

    /// `write!` into the `String` being emitted, which cannot fail.
    macro_rules! emit {
        ($out:expr, $($format:tt)*) => {
            let _ = write!($out, $($format)*);
        };
    }

    /// A Rust string literal with `text` escaped. `Debug` for `str` writes exactly
    /// that, and runs as optimised standard-library code where
    /// `Literal::string` would run unoptimised, as build dependencies do.
    fn string_literal(text: &str) -> String {
        format!("{text:?}")
    }

    /// One `#[doc = "..."]` per line: multi-line strings would become `/** */` blocks.
    fn emit_doc(out: &mut String, text: &str) {
        for line in text.lines() {
            let line = if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            };
            emit!(out, "#[doc = {}]\n", string_literal(&line));
        }
    }

    /// Names of the other kinds sharing `kind`'s code, as intra-doc links.
    fn shared_with(
        catalogue: &Catalogue,
        index: usize,
        link: fn(&KindModel) -> String,
    ) -> Option<String> {
        let kind = &catalogue.kinds[index];
        let others: Vec<String> = (catalogue.kinds.iter().enumerate())
            .filter(|&(other, other_kind)| other != index && other_kind.code == kind.code)
            .map(|(_, other_kind)| link(other_kind))
            .collect();
        (!others.is_empty())
            .then(|| format!("Code {} is shared with {}.", kind.code, others.join(", ")))
    }

    /// The generated items as tokens. Lexing can only fail through a bug in
    /// this stage; it is then reported like any other diagnostic, so that no
    /// file is written.
    pub fn emit(catalogue: &Catalogue) -> Result<TokenStream, Diagnostic> {
        emit_source(catalogue)
            .parse::<TokenStream>()
            .map_err(|error| {
                Diagnostic::global(format!(
                    "internal error: build.rs emitted code that does not lex: {error}"
                ))
            })
    }

    /// The generated items as Rust source, unformatted.
    pub fn emit_source(catalogue: &Catalogue) -> String {
        let mut out = String::with_capacity(64 * 1024);

        out.push_str(
            "/// One kind of Parse error: one row of the error-code document.
            ///
            /// Several kinds may share one [`ErrorCode`]; [`ErrorCode::kinds`] lists them.
            /// New rows in the document add variants, hence `#[non_exhaustive]`.
            #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
            #[non_exhaustive]
            pub enum ErrorKind {\n",
        );
        for (index, kind) in catalogue.kinds.iter().enumerate() {
            let category = &catalogue.categories[kind.category];
            let mut doc = format!(
                "{}\n\nCode `{}` ([`ErrorCode::{}`]), category [`Category::{}`].",
                kind.description_markdown, kind.code, kind.constant, category.variant
            );
            if let Some(shared) = shared_with(catalogue, index, |k| {
                format!("[`{}`](ErrorKind::{})", k.name, k.name)
            }) {
                doc.push(' ');
                doc.push_str(&shared);
            }
            emit_doc(&mut out, &doc);
            emit!(out, "{},\n", kind.name);
        }

        out.push_str(
            "}
            /// A section of the error-code document.
            #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
            #[non_exhaustive]
            pub enum Category {\n",
        );
        for category in &catalogue.categories {
            emit_doc(
                &mut out,
                &format!(
                    "{} (`#{}`): {} kinds, from [`ErrorKind::{}`] to [`ErrorKind::{}`].",
                    category.title,
                    category.anchor,
                    category.kinds.len(),
                    catalogue.kinds[category.kinds.start].name,
                    catalogue.kinds[category.kinds.end - 1].name,
                ),
            );
            emit!(out, "{},\n", category.variant);
        }

        out.push_str("}\nimpl ErrorCode {\n");
        for (index, kind) in catalogue.kinds.iter().enumerate() {
            let category = &catalogue.categories[kind.category];
            let mut doc = format!(
                "`{}` ({}): {}\n\nKind [`ErrorKind::{}`], category [`Category::{}`].",
                kind.name, kind.code, kind.description_markdown, kind.name, category.variant
            );
            if let Some(shared) = shared_with(catalogue, index, |k| {
                format!("[`{}`](ErrorCode::{})", k.constant, k.constant)
            }) {
                doc.push(' ');
                doc.push_str(&shared);
            }
            emit_doc(&mut out, &doc);
            emit!(
                out,
                "pub const {}: ErrorCode = ErrorCode::new({});\n",
                kind.constant,
                kind.code
            );
        }
        out.push_str(
            "/// Every kind documented with this code, in document order; empty when
            /// the document does not list the code.
            pub const fn kinds(self) -> &'static [ErrorKind] {
                match self.get() {\n",
        );
        // Codes in ascending order, each with its kinds in document order; found
        // by scanning (no map or sort to compile, as in `emit_name_lookup`).
        let next_code = |after: Option<i32>| {
            (catalogue.kinds.iter().map(|kind| kind.code))
                .filter(|&code| after.is_none_or(|after| code > after))
                .min()
        };
        let mut code = next_code(None);
        while let Some(current) = code {
            emit!(out, "{current} => &[");
            for kind in catalogue.kinds.iter().filter(|kind| kind.code == current) {
                emit!(out, "ErrorKind::{},", kind.name);
            }
            out.push_str("],\n");
            code = next_code(Some(current));
        }
        out.push_str(
            "_ => &[],
                }
            }
        }
        impl ErrorKind {
            /// Every kind, in document order.
            pub const ALL: &'static [ErrorKind] = &[",
        );
        for kind in &catalogue.kinds {
            emit!(out, "ErrorKind::{},", kind.name);
        }
        out.push_str(
            "];
            /// The kind with exactly this name (case-sensitive), as written in the document.
            pub const fn from_name(name: &str) -> Option<ErrorKind> {
                let bytes = name.as_bytes();
                let candidate = ",
        );
        emit_name_lookup(&mut out, catalogue);
        out.push_str(
            ";
                if bytes_eq(bytes, candidate.name().as_bytes()) {
                    Some(candidate)
                } else {
                    None
                }
            }
        }
        impl Category {
            /// Every category, in document order.
            pub const ALL: &'static [Category] = &[",
        );
        for category in &catalogue.categories {
            emit!(out, "Category::{},", category.variant);
        }
        emit!(
            out,
            "];\n}}\nconst KIND_ROWS: [KindRow; {}] = [",
            catalogue.kinds.len()
        );
        for kind in &catalogue.kinds {
            emit!(
                out,
                "KindRow {{ code: {}, name: {}, description: {}, category: Category::{} }},\n",
                kind.code,
                string_literal(&kind.name),
                string_literal(&kind.description),
                catalogue.categories[kind.category].variant
            );
        }
        emit!(
            out,
            "];\nconst CATEGORY_ROWS: [CategoryRow; {}] = [",
            catalogue.categories.len()
        );
        for category in &catalogue.categories {
            emit!(
                out,
                "CategoryRow {{ anchor: {}, title: {}, kinds_start: {}, kinds_len: {} }},\n",
                string_literal(&category.anchor),
                string_literal(&category.title),
                category.kinds.start,
                category.kinds.len()
            );
        }
        out.push_str("];\n");
        out
    }

    /// A decision tree over the name's length and then single bytes that picks the
    /// only candidate name, which the caller then compares in full.
    ///
    /// Groups are found by filtering for each length and byte value in turn rather
    /// than with a map or a sort: each map or sort type instantiated here adds to
    /// the build script's compile time, and the sets are small.
    fn emit_name_lookup(out: &mut String, catalogue: &Catalogue) {
        let longest = catalogue.kinds.iter().map(|kind| kind.name.len()).max();
        out.push_str("match bytes.len() {\n");
        for length in 0..=longest.unwrap_or(0) {
            let indices: Vec<usize> = (0..catalogue.kinds.len())
                .filter(|&index| catalogue.kinds[index].name.len() == length)
                .collect();
            if !indices.is_empty() {
                emit!(out, "{length} => ");
                emit_byte_dispatch(out, catalogue, &indices);
                out.push_str(",\n");
            }
        }
        out.push_str("_ => return None,\n}");
    }

    fn emit_byte_dispatch(out: &mut String, catalogue: &Catalogue, indices: &[usize]) {
        if let [index] = indices {
            emit!(out, "ErrorKind::{}", catalogue.kinds[*index].name);
            return;
        }
        let byte_at =
            |index: usize, position: usize| catalogue.kinds[index].name.as_bytes()[position];
        let length = catalogue.kinds[indices[0]].name.len();
        // The position whose byte splits the names into the most groups.
        let position = (0..length)
            .max_by_key(|&position| {
                let mut seen = [false; 256];
                for &index in indices {
                    seen[usize::from(byte_at(index, position))] = true;
                }
                let distinct = seen.iter().filter(|&&seen| seen).count();
                (distinct, std::cmp::Reverse(position))
            })
            .unwrap_or(0);
        emit!(out, "match bytes[{position}] {{\n");
        for byte in 0..=u8::MAX {
            let group: Vec<usize> = indices
                .iter()
                .copied()
                .filter(|&index| byte_at(index, position) == byte)
                .collect();
            if !group.is_empty() {
                emit!(out, "{} => ", Literal::byte_character(byte));
                emit_byte_dispatch(out, catalogue, &group);
                out.push_str(",\n");
            }
        }
        out.push_str("_ => return None,\n}");
    }

    // ------------------------------------------------------------------
    // Stage 5: format
    // ------------------------------------------------------------------

    /// The header of the generated file. No path, time or version: the output
    /// must be byte-identical across machines and checkouts.
    pub const GENERATED_HEADER: &str =
        "// @generated by build.rs from spec/*.md. Do not edit: edit the spec and rebuild.\n\n";

    pub fn format(tokens: TokenStream) -> Result<String, Diagnostic> {
        let file: syn::File = syn::parse2(tokens).map_err(|error| {
            Diagnostic::global(format!(
                "internal error: generated code does not parse: {error}"
            ))
        })?;
        Ok(format!(
            "{GENERATED_HEADER}{}",
            prettyplease::unparse(&file)
        ))
    }

    // ------------------------------------------------------------------
    // The whole pipeline
    // ------------------------------------------------------------------

    /// What one generation produced.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Generated {
        pub catalogue: Catalogue,
        pub source: String,
    }

    /// Runs every stage on already-loaded files.
    pub fn generate_from_files(files: &[SpecFile]) -> Result<Generated, Vec<Diagnostic>> {
        let catalogue = model(check(&read(files))?);
        let source = emit(&catalogue)
            .and_then(format)
            .map_err(|diagnostic| vec![diagnostic])?;
        Ok(Generated { catalogue, source })
    }

    /// Runs every stage on `<crate_root>/spec`.
    pub fn generate(crate_root: &Path) -> Result<Generated, Vec<Diagnostic>> {
        generate_from_files(&load(crate_root)?)
    }

    /// Writes `contents` unless the file already holds exactly these bytes, so that
    /// an unchanged spec does not make cargo recompile the crate.
    pub fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<()> {
        if std::fs::read(path).is_ok_and(|existing| existing == contents.as_bytes()) {
            return Ok(());
        }
        std::fs::write(path, contents)
    }
}
