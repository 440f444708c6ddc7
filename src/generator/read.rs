//! Stage 1, read: markdown -> `##` headings and tables with their positions,
//! before any rule is checked. pulldown-cmark is used here and nowhere else.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::diagnostics::Location;
use super::inline::{plain_text, Inline};
use super::load::SpecFile;

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

#[cfg(test)]
mod tests;
