//! Look-alikes: lines that a person reads as a `##` heading or a table row but
//! that markdown shows as something else, so that they never vanish silently.
//!
//! One mechanism for every construct: each block markdown does not show as a
//! heading or a table (a paragraph's text, an indented code block, an HTML
//! block) is kept with its text as shown, and its first line shaped like a
//! heading or a table row is reported; so is a line of that shape that no
//! block shows at all (a link reference definition swallows it). Fenced code
//! blocks and HTML comments are not reported: a reader sees code, or nothing,
//! and so does the generator, as the author evidently meant.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

use super::super::diagnostics::Location;
use super::LineIndex;

/// What a line looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Heading,
    TableRow,
}

/// What markdown makes of it instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HiddenIn {
    /// Text of a paragraph: an escaped `#` or `|`, or rows without their table.
    Paragraph,
    /// An indented code block: four spaces or a tab before the line.
    IndentedCode,
    /// An HTML block, which runs to the next blank line.
    Html,
    /// Nothing shown: part of a link reference definition.
    Unrendered,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookAlike {
    pub location: Location,
    pub shape: Shape,
    pub hidden_in: HiddenIn,
}

/// A block whose text is shown as something other than headings and tables.
struct HiddenBlock {
    start: usize,
    /// `None` for a block shown as a heading, a table or fenced code, whose
    /// text is not a look-alike's (and must not join an enclosing item's).
    hidden_in: Option<HiddenIn>,
    /// The text as shown, one line per source line.
    text: String,
    /// Already reported by the reader (a paragraph starting with `|` or `##`).
    reported: bool,
}

/// Collects, from the parser's events, the blocks markdown shows.
#[derive(Default)]
pub(super) struct HiddenBlocks {
    /// The blocks being read, innermost last.
    open: Vec<HiddenBlock>,
    done: Vec<HiddenBlock>,
    /// Every block markdown shows, to find the lines it does not show.
    shown: Vec<Range<usize>>,
}

impl HiddenBlocks {
    pub(super) fn event(&mut self, event: &Event<'_>, range: &Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::Item
                | TagEnd::Heading(_)
                | TagEnd::Table,
            ) => {
                let block = self.open.pop();
                self.done
                    .extend(block.filter(|block| block.hidden_in.is_some()));
            }
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => self.push(text),
            Event::Code(code) => self.push(&format!("`{code}`")),
            Event::SoftBreak | Event::HardBreak => self.push("\n"),
            _ => {}
        }
    }

    fn start(&mut self, tag: &Tag<'_>, range: &Range<usize>) {
        let hidden_in = match tag {
            // The text of a tight list item is not in a paragraph of its own.
            Tag::Paragraph | Tag::Item => Some(HiddenIn::Paragraph),
            Tag::CodeBlock(CodeBlockKind::Indented) => Some(HiddenIn::IndentedCode),
            Tag::HtmlBlock => Some(HiddenIn::Html),
            Tag::CodeBlock(CodeBlockKind::Fenced(_)) | Tag::Heading { .. } | Tag::Table(_) => None,
            _ => return,
        };
        self.shown.push(range.clone());
        self.open.push(HiddenBlock {
            start: range.start,
            hidden_in,
            text: String::new(),
            reported: false,
        });
    }

    fn push(&mut self, text: &str) {
        if let Some(block) = self.open.last_mut() {
            block.text.push_str(text);
        }
    }

    /// The reader reported the block being read already.
    pub(super) fn already_reported(&mut self) {
        if let Some(block) = self.open.last_mut() {
            block.reported = true;
        }
    }

    /// The first look-alike line of every hidden block, and every first line
    /// of a run of look-alike lines that no block shows, in source order.
    pub(super) fn look_alikes(&self, index: &LineIndex<'_>, file: &str) -> Vec<LookAlike> {
        let mut found = Vec::new();
        for block in &self.done {
            let Some(hidden_in) = block.hidden_in else {
                continue;
            };
            let deliberate =
                hidden_in == HiddenIn::Html && block.text.trim_start().starts_with("<!--");
            if block.reported || deliberate {
                continue;
            }
            let first_line = index.line_of(block.start);
            let mut lines = block.text.split('\n').enumerate();
            if let Some((k, shape)) = lines.find_map(|(k, line)| Some((k, shape_of(line)?))) {
                found.push(LookAlike {
                    location: index.line_location(file, first_line + k),
                    shape,
                    hidden_in,
                });
            }
        }
        found.extend(self.unrendered(index, file));
        found.sort_by_key(|look_alike| (look_alike.location.line, look_alike.location.column));
        found
    }

    fn unrendered(&self, index: &LineIndex<'_>, file: &str) -> Vec<LookAlike> {
        let shown = Shown::new(&self.shown);
        let mut found = Vec::new();
        let mut previous_found = false;
        for line in 1..=index.line_count() {
            let offset = index.content_start(line);
            let shape = shape_of(index.line_text(offset)).filter(|_| !shown.contains(offset));
            if let (Some(shape), false) = (shape, previous_found) {
                found.push(LookAlike {
                    location: index.location(file, offset),
                    shape,
                    hidden_in: HiddenIn::Unrendered,
                });
            }
            previous_found = shape.is_some();
        }
        found
    }
}

/// The shown ranges sorted by start, each with the furthest end of it and
/// the ranges before it: an offset is shown when the last range starting at
/// or before it, or one before that, reaches past it. A binary search per
/// line keeps a spec of many blocks linear in practice.
struct Shown {
    starts: Vec<usize>,
    furthest_ends: Vec<usize>,
}

impl Shown {
    fn new(ranges: &[Range<usize>]) -> Self {
        let mut ranges = ranges.to_vec();
        ranges.sort_by_key(|range| range.start);
        let mut furthest = 0;
        let furthest_ends = (ranges.iter())
            .map(|range| {
                furthest = furthest.max(range.end);
                furthest
            })
            .collect();
        let starts = ranges.iter().map(|range| range.start).collect();
        Shown {
            starts,
            furthest_ends,
        }
    }

    fn contains(&self, offset: usize) -> bool {
        let started = self.starts.partition_point(|&start| start <= offset);
        started > 0 && self.furthest_ends[started - 1] > offset
    }
}

/// `##...` or `# ... {#anchor}` is a heading to a reader; `|...` a table row.
/// Block-quote markers and indentation are not part of the shape, nor is one
/// backslash in front.
fn shape_of(line: &str) -> Option<Shape> {
    let line = line.trim_start_matches([' ', '\t', '>']);
    let line = line.strip_prefix('\\').unwrap_or(line);
    let anchored = line.contains("{#") && line.trim_end().ends_with('}');
    if line.starts_with('|') {
        Some(Shape::TableRow)
    } else if line.starts_with("##") || (line.starts_with('#') && anchored) {
        Some(Shape::Heading)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_is_shown_inside_any_range_nested_or_not() {
        // An item 0..50 holding a paragraph 10..20; a table 60..70.
        let shown = Shown::new(&[0..50, 10..20, 60..70]);
        for (offset, inside) in [(0, true), (15, true), (30, true), (49, true)] {
            assert_eq!(shown.contains(offset), inside, "{offset}");
        }
        for offset in [50, 55, 70, 100] {
            assert!(!shown.contains(offset), "{offset}");
        }
        assert!(shown.contains(65));
        assert!(!Shown::new(&[]).contains(0));
    }

    #[test]
    fn shapes_ignore_quote_markers_indentation_and_one_escape() {
        for (line, shape) in [
            ("## Title {#a}", Some(Shape::Heading)),
            ("    ## Title", Some(Shape::Heading)),
            ("> \\## Title", Some(Shape::Heading)),
            ("# Title {#a}", Some(Shape::Heading)),
            ("# Title", None),
            ("#hashtag", None),
            ("| a | b |", Some(Shape::TableRow)),
            ("\\| a | b |", Some(Shape::TableRow)),
            ("> > | a |", Some(Shape::TableRow)),
            ("a | b", None),
            ("", None),
        ] {
            assert_eq!(shape_of(line), shape, "{line:?}");
        }
    }
}
