//! Stage 1, read: markdown -> `##` headings and tables with their positions,
//! before any rule is checked. pulldown-cmark is used here and nowhere else.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::diagnostics::Location;
use super::inline::{plain_text, Inline};
use super::load::SpecFile;
pub use lookalike::{HiddenIn, LookAlike, Shape};

mod lookalike;

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
    /// A line that looks like a heading or a table row but that markdown
    /// shows as something else (code, raw HTML, text) or not at all.
    LookAlike(LookAlike),
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
pub(super) struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, line_starts }
    }

    pub(super) fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    pub(super) fn location(&self, file: &str, offset: usize) -> Location {
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

    pub(super) fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The offset where 1-based `line` starts (the end of the text past the last).
    pub(super) fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The offset of the first character of `line` after indentation and
    /// block-quote markers; lines past the end are the last line.
    pub(super) fn content_start(&self, line: usize) -> usize {
        let start = self.line_start(line.min(self.line_count()));
        let text = self.line_text(start);
        start + text.len() - text.trim_start_matches([' ', '\t', '>']).len()
    }

    /// The location of [`Self::content_start`].
    pub(super) fn line_location(&self, file: &str, line: usize) -> Location {
        self.location(file, self.content_start(line))
    }

    /// The whole source line containing `offset`, without its newline.
    pub(super) fn line_text(&self, offset: usize) -> &'a str {
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
    let options = Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut reader = Reader::new(file);
    for (event, range) in Parser::new_ext(&file.text, options).into_offset_iter() {
        reader.event(event, range);
    }
    reader.finish()
}

/// The state of one file's read: the block being read and the inline content
/// of the cell or heading being read.
struct Reader<'a> {
    path: &'a str,
    index: LineIndex<'a>,
    blocks: Vec<RawBlock>,
    heading: Option<(Range<usize>, Option<String>)>,
    table: Option<RawTable>,
    row: Option<RawRow>,
    inlines: Vec<Inline>,
    cell_range: Range<usize>,
    /// Blocks whose text a reader does not see as headings or tables.
    hidden: lookalike::HiddenBlocks,
}

impl<'a> Reader<'a> {
    fn new(file: &'a SpecFile) -> Self {
        Reader {
            path: &file.path,
            index: LineIndex::new(&file.text),
            blocks: Vec::new(),
            heading: None,
            table: None,
            row: None,
            inlines: Vec::new(),
            cell_range: 0..0,
            hidden: lookalike::HiddenBlocks::default(),
        }
    }

    fn location(&self, offset: usize) -> Location {
        self.index.location(self.path, offset)
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        self.hidden.event(&event, &range);
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => self.start_heading(level, id, range),
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => self.end_heading(),
            Event::Start(Tag::Paragraph) => self.start_paragraph(range),
            Event::Start(Tag::Table(_)) => self.start_table(range),
            Event::End(TagEnd::Table) => self.blocks.extend(self.table.take().map(RawBlock::Table)),
            Event::Start(Tag::TableRow) => {
                self.row = Some(RawRow {
                    location: self.location(range.start),
                    source_cells: count_source_cells(self.index.rest_of_line(range.start)),
                    cells: Vec::new(),
                });
            }
            Event::End(TagEnd::TableRow) => {
                if let (Some(table), Some(row)) = (self.table.as_mut(), self.row.take()) {
                    table.rows.push(row);
                }
            }
            Event::Start(Tag::TableCell) => {
                self.cell_range = range;
                self.inlines.clear();
            }
            Event::End(TagEnd::TableCell) => self.end_cell(),
            Event::Text(text) => push_text(&mut self.inlines, &text),
            Event::Code(code) => self.inlines.push(Inline::Code(code.to_string())),
            Event::Html(html) | Event::InlineHtml(html) => {
                self.inlines.push(Inline::Html(html.to_string()))
            }
            Event::SoftBreak | Event::HardBreak => push_text(&mut self.inlines, " "),
            // Kept everywhere: a heading or a cell starts with no inlines.
            Event::Start(tag) => {
                if let Some(kind) = unsupported_inline(&tag) {
                    self.inlines.push(Inline::Unsupported(kind));
                }
            }
            _ => {}
        }
    }

    fn start_heading(&mut self, level: HeadingLevel, id: Option<CowStr<'_>>, range: Range<usize>) {
        if level == HeadingLevel::H2 {
            self.heading = Some((range, id.map(|id| id.to_string())));
            self.inlines.clear();
        } else if id.is_some() {
            let location = self.location(range.start);
            self.blocks
                .push(RawBlock::AnchoredHeading(location, level as usize));
        }
    }

    fn end_heading(&mut self) {
        if let Some((range, id)) = self.heading.take() {
            self.blocks.push(RawBlock::Section(RawHeading {
                location: self.location(range.start),
                title: plain_text(&self.inlines),
                id,
                source: self.index.line_text(range.start).to_owned(),
                inlines: std::mem::take(&mut self.inlines),
            }));
        }
        self.inlines.clear();
    }

    /// A paragraph whose first line looks like a heading or a table row; the
    /// look-alikes further down a paragraph are `lookalike`'s.
    fn start_paragraph(&mut self, range: Range<usize>) {
        let first_line = self.index.rest_of_line(range.start);
        let block = if looks_like_h2(first_line) {
            RawBlock::HeadingLikeParagraph(self.location(range.start))
        } else if first_line.trim_start().starts_with('|') {
            RawBlock::TableLikeParagraph(self.location(range.start))
        } else {
            return;
        };
        self.blocks.push(block);
        self.hidden.already_reported();
    }

    fn start_table(&mut self, range: Range<usize>) {
        let location = self.location(range.start);
        self.table = Some(RawTable {
            header: RawRow {
                location: location.clone(),
                source_cells: count_source_cells(self.index.rest_of_line(range.start)),
                cells: Vec::new(),
            },
            location,
            rows: Vec::new(),
        });
    }

    fn end_cell(&mut self) {
        let cell = RawCell {
            location: self.index.first_visible(self.path, &self.cell_range),
            inlines: std::mem::take(&mut self.inlines),
        };
        match (self.row.as_mut(), self.table.as_mut()) {
            (Some(row), _) => row.cells.push(cell),
            (None, Some(table)) => table.header.cells.push(cell),
            (None, None) => {}
        }
    }

    fn finish(mut self) -> RawFile {
        let look_alikes = self.hidden.look_alikes(&self.index, self.path);
        self.blocks
            .extend(look_alikes.into_iter().map(RawBlock::LookAlike));
        RawFile {
            path: self.path.to_owned(),
            blocks: self.blocks,
        }
    }
}

/// `##Title`: two `#`s and then text without the space a heading needs.
fn looks_like_h2(line: &str) -> bool {
    line.trim_start()
        .strip_prefix("##")
        .and_then(|rest| rest.chars().next())
        .is_some_and(|next| next != '#' && !next.is_whitespace())
}

/// What an inline tag is called when it is refused; the parser reads no
/// strikethrough, super- or subscript, so `~` and `^` are text.
fn unsupported_inline(tag: &Tag<'_>) -> Option<&'static str> {
    Some(match tag {
        Tag::Emphasis => "emphasis",
        Tag::Strong => "strong emphasis",
        Tag::Link { .. } => "a link",
        Tag::Image { .. } => "an image",
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
