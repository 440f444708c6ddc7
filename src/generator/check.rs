//! Stage 2, check: every rule of the spec format, all problems at once.
//! Takes what `read` found and gives typed sections and rows, or every
//! diagnostic in file and position order. The rules for headings and for
//! tables live in their own files.

mod heading;
mod table;

use std::collections::HashMap;

use super::diagnostics::{Diagnostic, Location};
use super::inline::doc_markdown;
use super::naming::anchor_from_title;
use super::read::{HiddenIn, LookAlike, RawBlock, RawHeading, RawSpec, RawTable, Shape};
use heading::{check_heading, has_closing_hashes, heading_anchor, HeadingUses};
use table::{check_table, TableUses};

/// Where each anchor, category variant, kind name and constant was first
/// used, and the spec text it came from. One map type for all four, so that
/// every user's build script compiles one set of hash-map code.
pub(super) type FirstUses = HashMap<String, (Location, String)>;

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
    /// The `Category` variant, as the collision check computed it.
    pub variant: String,
    pub title: String,
    /// The title as markdown that rustdoc renders as `title`.
    pub title_markdown: String,
    pub rows: Vec<CheckedRow>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRow {
    pub location: Location,
    pub name: String,
    /// The `ErrorCode` constant, as the collision check computed it.
    pub constant: String,
    pub code: i32,
    pub description: String,
    pub description_markdown: String,
}

/// Checks every rule of the spec format and returns typed sections, or every
/// problem found, in file order.
pub fn check(spec: &RawSpec) -> Result<CheckedSpec, Vec<Diagnostic>> {
    let mut checker = Checker::default();
    for file in &spec.files {
        // The section the next table belongs to, per file.
        let mut current = Current::None;
        for block in &file.blocks {
            checker.block(block, &mut current);
        }
    }
    checker.finish(spec)
}

/// The section the next table belongs to.
enum Current<'a> {
    /// No `##` heading yet in this file.
    None,
    /// A valid section: its index in `Checker::sections`.
    Section(usize),
    /// An invalid heading; `reported` once a table under it was reported.
    Invalid {
        heading: &'a RawHeading,
        reported: bool,
    },
}

/// What the rules have found so far, across files.
#[derive(Default)]
struct Checker {
    diagnostics: Vec<Diagnostic>,
    sections: Vec<CheckedSection>,
    /// Tables per section, to report anchored sections without one.
    tables_per_section: Vec<usize>,
    // First location of every anchor, category variant, name and constant.
    anchors: FirstUses,
    variants: FirstUses,
    names: FirstUses,
    constants: FirstUses,
}

impl Checker {
    fn block<'a>(&mut self, block: &'a RawBlock, current: &mut Current<'a>) {
        match block {
            RawBlock::Section(heading) => *current = self.section(heading),
            RawBlock::HeadingLikeParagraph(location) => self.diagnostics.push(
                Diagnostic::at(location, "this looks like a `##` heading, but it is not read as one")
                    .help("put a space after the `##`: without it the line is text, and the tables below belong to the section above"),
            ),
            RawBlock::AnchoredHeading(location, level) => self.diagnostics.push(
                Diagnostic::at(
                    location,
                    format!("a level-{level} heading with an anchor: only `##` headings are sections"),
                )
                .help(format!("write `##` instead of `{}`, or remove the anchor", "#".repeat(*level))),
            ),
            RawBlock::TableLikeParagraph(location) => {
                // The section has a table, if a broken one: one diagnostic is enough.
                if let Current::Section(index) = current {
                    self.tables_per_section[*index] += 1;
                }
                self.diagnostics.push(
                    Diagnostic::at(location, "this looks like a table, but it is not read as one")
                        .help("a table is a header row, a delimiter row such as `| --- | --- | --- |` (spaces, no tabs) and its rows, after a blank line"),
                );
            }
            RawBlock::LookAlike(look_alike) => self.diagnostics.push(look_alike_diagnostic(look_alike)),
            RawBlock::Table(table) => self.table(table, current),
        }
    }

    fn section<'a>(&mut self, heading: &'a RawHeading) -> Current<'a> {
        let uses = HeadingUses {
            anchors: &mut self.anchors,
            variants: &mut self.variants,
        };
        let checked = check_heading(heading, uses, &mut self.diagnostics);
        let Some((anchor, variant)) = checked else {
            return Current::Invalid {
                heading,
                reported: false,
            };
        };
        self.sections.push(CheckedSection {
            location: heading.location.clone(),
            anchor,
            variant,
            title: heading.title.clone(),
            title_markdown: doc_markdown(&heading.inlines),
            rows: Vec::new(),
        });
        self.tables_per_section.push(0);
        Current::Section(self.sections.len() - 1)
    }

    fn table(&mut self, table: &RawTable, current: &mut Current<'_>) {
        let section = match current {
            Current::None => {
                self.diagnostics.push(
                    Diagnostic::at(&table.location, "catalogue table before any `##` section")
                        .help(
                            "put a heading such as `## API issues {#api-issues}` above the table",
                        ),
                );
                None
            }
            Current::Invalid { heading, reported } => {
                // A heading without anchor is reported once, however many tables follow.
                if !*reported && lacks_anchor(heading) {
                    *reported = true;
                    self.diagnostics.push(
                        Diagnostic::at(
                            &heading.location,
                            format!("section `{}` has no `{{#anchor}}`", heading.title),
                        )
                        .help(anchor_help(&heading.title)),
                    );
                }
                None
            }
            Current::Section(index) => {
                self.tables_per_section[*index] += 1;
                Some(*index)
            }
        };
        let uses = TableUses {
            names: &mut self.names,
            constants: &mut self.constants,
        };
        let rows = check_table(table, uses, &mut self.diagnostics);
        if let Some(index) = section {
            self.sections[index].rows.extend(rows);
        }
    }

    fn finish(mut self, spec: &RawSpec) -> Result<CheckedSpec, Vec<Diagnostic>> {
        for (section, &tables) in self.sections.iter().zip(&self.tables_per_section) {
            if tables == 0 {
                self.diagnostics.push(
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
        self.sections.retain(|section| !section.rows.is_empty());
        if self.sections.is_empty() && self.diagnostics.is_empty() {
            self.diagnostics.push(
                Diagnostic::in_files(
                    spec.files.iter().map(|file| file.path.as_str()),
                    "no catalogue table found under `spec/`",
                )
                .help("add a table with the header `| Name | Code | Description |`"),
            );
        }
        if !self.diagnostics.is_empty() {
            return Err(in_file_order(self.diagnostics, spec));
        }
        Ok(CheckedSpec {
            sections: self.sections,
        })
    }
}

/// A heading that is not a section only because it has no anchor at all.
fn lacks_anchor(heading: &RawHeading) -> bool {
    heading_anchor(heading).is_none()
        && heading.id.is_none()
        && !has_closing_hashes(&heading.source)
}

/// File order, then position; problems of whole files come last.
fn in_file_order(mut diagnostics: Vec<Diagnostic>, spec: &RawSpec) -> Vec<Diagnostic> {
    diagnostics.sort_by_key(|diagnostic| {
        diagnostic.location().map_or((1, 0, 0, 0), |location| {
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
    diagnostics
}

/// A line that looks like a heading or a table row but is shown otherwise.
fn look_alike_diagnostic(look_alike: &LookAlike) -> Diagnostic {
    let shape = match look_alike.shape {
        Shape::Heading => "a `##` heading",
        Shape::TableRow => "a table row",
    };
    let (shown_as, help) = match (look_alike.hidden_in, look_alike.shape) {
        (HiddenIn::Paragraph, Shape::Heading) => ("it is read as text", "a `#` escaped as `\\#` or `&#35;` is shown as text: remove the escape to make the line a heading"),
        (HiddenIn::Paragraph, Shape::TableRow) => ("it is read as text", "a table is a header row, a delimiter row such as `| --- | --- | --- |` and its rows, after a blank line; a `\\|` at the start of a line is shown as text"),
        (HiddenIn::IndentedCode, _) => ("it is inside an indented code block", "four spaces or a tab before a line make it code: remove the indentation, or fence the block with ``` if it is meant as code"),
        (HiddenIn::Html, _) => ("it is inside an HTML block, which markdown passes through as raw HTML", "an HTML block runs to the next blank line: put a blank line between the HTML and the markdown"),
        (HiddenIn::Unrendered, _) => ("markdown does not show it: it continues a link reference definition", "put a blank line after the `[label]: url` line above"),
    };
    Diagnostic::at(
        &look_alike.location,
        format!("this looks like {shape}, but {shown_as}"),
    )
    .help(help)
}

/// Suggests the anchor of this heading's own title.
fn anchor_help(title: &str) -> String {
    match anchor_from_title(title) {
        Some(anchor) => format!("end the heading with an anchor such as `{{#{anchor}}}`"),
        None => "end the heading with an anchor of lowercase ASCII words joined by hyphens, such as `{#linked-services-errors}`".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::diagnostics::render_diagnostics;
    use super::super::load::SpecFile;
    use super::super::read::read;
    use super::*;

    fn check_files(files: &[(&str, &str)]) -> Result<CheckedSpec, Vec<Diagnostic>> {
        let files: Vec<SpecFile> = files
            .iter()
            .map(|(path, text)| SpecFile::from_bytes(path, text.as_bytes()).unwrap())
            .collect();
        check(&read(&files))
    }

    const TABLE_HEAD: &str = "| Name | Code | Description |\n| --- | --- | --- |\n";

    #[test]
    fn sections_collect_their_tables_rows_across_files_in_order() {
        let a = format!(
            "## A {{#a-errors}}\n\n{TABLE_HEAD}| `X` | 1 | x |\n\n{TABLE_HEAD}| `Y` | -1 | y |\n"
        );
        let b = format!("# Prose\n\n## B {{#b}}\n\n{TABLE_HEAD}| `Z` | 1 | z `c` |\n");
        let spec = check_files(&[("spec/a.md", &a), ("spec/b.md", &b)]).unwrap();
        let sections: Vec<String> = (spec.sections.iter())
            .map(|section| {
                let rows: Vec<String> = (section.rows.iter())
                    .map(|row| format!("{} {}", row.name, row.code))
                    .collect();
                format!("{} {}: {}", section.anchor, section.title, rows.join(", "))
            })
            .collect();
        assert_eq!(sections, ["a-errors A: X 1, Y -1", "b B: Z 1"]);
        let z = &spec.sections[1].rows[0];
        assert_eq!(
            (z.location.file.as_str(), z.location.line),
            ("spec/b.md", 7)
        );
        assert_eq!(z.description, "z `c`");
    }

    #[test]
    fn every_problem_is_reported_in_file_then_position_order() {
        let a = format!("## A {{#a-errors}}\n\n{TABLE_HEAD}| `X` | 1O | bad code |\n");
        let b = format!("{TABLE_HEAD}| `Y` | 2 | too early |\n\n## B {{#b}}\n\n{TABLE_HEAD}| `X` | 3 | duplicate |\n");
        let diagnostics = check_files(&[("spec/a.md", &a), ("spec/b.md", &b)]).unwrap_err();
        assert_eq!(
            render_diagnostics(&diagnostics),
            "spec/a.md:5:9: error: code `1O` is not a decimal integer\n  \
             = help: write the code as a plain decimal number such as `101` or `-1`\n\
             spec/b.md:1:1: error: catalogue table before any `##` section\n  \
             = help: put a heading such as `## API issues {#api-issues}` above the table\n\
             spec/b.md:9:3: error: duplicate name `X`\n\
             spec/a.md:5:3: note: first defined here\n  \
             = help: names must be unique across every file of `spec/`\n\
             error: the Parse error-code spec has 3 errors; no code was generated\n"
        );
    }

    #[test]
    fn a_spec_without_any_table_names_every_file_read() {
        let diagnostics =
            check_files(&[("spec/a.md", "# Title\n"), ("spec/b/c.md", "Text.\n")]).unwrap_err();
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(
            diagnostics[0].to_string(),
            "spec/a.md, spec/b/c.md: error: no catalogue table found under `spec/`\n  \
             = help: add a table with the header `| Name | Code | Description |`"
        );
    }
}
