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
use super::read::{RawBlock, RawHeading, RawSpec};
use heading::{check_heading, has_closing_hashes, heading_anchor};
use table::check_table;

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
    let mut diagnostics = Vec::new();
    let mut sections: Vec<CheckedSection> = Vec::new();
    // First location of every anchor, name, constant and category variant.
    let mut anchors = FirstUses::new();
    let mut variants = FirstUses::new();
    let mut names = FirstUses::new();
    let mut constants = FirstUses::new();

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
                            .map(|(anchor, variant)| {
                                sections.push(CheckedSection {
                                    location: heading.location.clone(),
                                    anchor,
                                    variant,
                                    title: heading.title.clone(),
                                    title_markdown: doc_markdown(&heading.inlines),
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
                                    .help(anchor_help(&heading.title)),
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
            Diagnostic::in_files(
                spec.files.iter().map(|file| file.path.as_str()),
                "no catalogue table found under `spec/`",
            )
            .help("add a table with the header `| Name | Code | Description |`"),
        );
    }
    if diagnostics.is_empty() {
        Ok(CheckedSpec { sections })
    } else {
        // File order, then position; problems of whole files come last.
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
        Err(diagnostics)
    }
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
