//! The read stage's tests: what pulldown-cmark's events become, and where.

use super::*;

fn read_one(text: &str) -> Vec<RawBlock> {
    let file = SpecFile::from_bytes("spec/x.md", text.as_bytes()).unwrap();
    read(&[file]).files.remove(0).blocks
}

fn at(line: usize, column: usize) -> Location {
    Location {
        file: "spec/x.md".to_owned(),
        line,
        column,
    }
}

const DOCUMENT: &str = "\
# Title

Intro with a [link](https://example.com).

## API issues {#api-issues}

| Name | Code | Description |
| --- | --- | --- |
| `ObjectNotFound` | 101 | Not a\\_b `x`. |

##Broken

### Deep {#deep}

| not | a table |
";

#[test]
fn headings_and_tables_come_with_their_positions() {
    let blocks = read_one(DOCUMENT);
    assert_eq!(blocks.len(), 5, "{blocks:#?}");

    let RawBlock::Section(heading) = &blocks[0] else {
        panic!("not a section: {:?}", blocks[0]);
    };
    assert_eq!(heading.location, at(5, 1));
    assert_eq!(heading.title, "API issues");
    assert_eq!(heading.id.as_deref(), Some("api-issues"));
    assert_eq!(heading.source, "## API issues {#api-issues}");

    let RawBlock::Table(table) = &blocks[1] else {
        panic!("not a table: {:?}", blocks[1]);
    };
    assert_eq!(table.location, at(7, 1));
    assert_eq!(table.header.source_cells, 3);
    let header: Vec<(String, Location)> = (table.header.cells.iter())
        .map(|cell| (plain_text(&cell.inlines), cell.location.clone()))
        .collect();
    assert_eq!(
        header,
        [
            ("Name".to_owned(), at(7, 3)),
            ("Code".to_owned(), at(7, 10)),
            ("Description".to_owned(), at(7, 17)),
        ]
    );
    assert_eq!(table.rows.len(), 1);
    let row = &table.rows[0];
    assert_eq!((row.location.clone(), row.source_cells), (at(9, 1), 3));
    assert_eq!(
        row.cells[0].inlines,
        [Inline::Code("ObjectNotFound".to_owned())]
    );
    assert_eq!(row.cells[0].location, at(9, 3));
    assert_eq!(row.cells[1].inlines, [Inline::Text("101".to_owned())]);
    assert_eq!(row.cells[1].location, at(9, 22));
    // The escape is resolved and the split text merged back into one piece.
    assert_eq!(plain_text(&row.cells[2].inlines), "Not a_b `x`.");
    assert_eq!(row.cells[2].inlines[0], Inline::Text("Not a_b ".to_owned()));

    assert_eq!(blocks[2], RawBlock::HeadingLikeParagraph(at(11, 1)));
    assert_eq!(blocks[3], RawBlock::AnchoredHeading(at(13, 1), 3));
    assert_eq!(blocks[4], RawBlock::TableLikeParagraph(at(15, 1)));
}

#[test]
fn markup_in_a_cell_is_kept_as_unsupported_or_html() {
    let blocks = read_one(
        "## S {#s}\n\n| Name | Code | Description |\n| --- | --- | --- |\n| `A` | 1 | *x* <b>y</b> **z** ![i](u) [l](u) ~~s~~ |\n",
    );
    let RawBlock::Table(table) = &blocks[1] else {
        panic!("{blocks:#?}");
    };
    let description = &table.rows[0].cells[2].inlines;
    let unsupported: Vec<&str> = description
        .iter()
        .filter_map(|inline| match inline {
            Inline::Unsupported(what) => Some(*what),
            _ => None,
        })
        .collect();
    assert_eq!(
        unsupported,
        ["emphasis", "strong emphasis", "an image", "a link"]
    );
    assert!(
        description.contains(&Inline::Html("<b>".to_owned())),
        "{description:?}"
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let blocks = read_one(
        "## Über {#s}\n\n| Name | Code | Description |\n| --- | --- | --- |\n| `É` | 1 | é |\n",
    );
    let RawBlock::Table(table) = &blocks[1] else {
        panic!("{blocks:#?}");
    };
    // `| \`É\` | ` is 8 characters (9 bytes): the code starts in column 9.
    assert_eq!(table.rows[0].cells[1].location, at(5, 9));
}

#[test]
fn cells_are_counted_in_the_source_line_as_pulldown_cmark_splits_them() {
    for (line, cells) in [
        ("| a | b | c |", 3),
        ("a | b | c", 3),
        ("| a | b |   ", 2),
        ("| a \\| b | c |", 2),
        // An escaped backslash before a pipe still keeps the pipe from splitting.
        ("| a \\\\| b |", 1),
        ("| a |", 1),
        ("plain", 1),
        ("", 0),
    ] {
        assert_eq!(count_source_cells(line), cells, "{line:?}");
    }
}

/// A heading or a table inside a block quote or a list item is one to a
/// reader too: both are read, rows and cells at their own positions.
#[test]
fn headings_and_tables_in_block_quotes_and_lists_are_read() {
    let blocks = read_one(
        "> ## Quoted {#quoted}\n>\n> | Name | Code | Description |\n> | --- | --- | --- |\n> | `A` | 1 | a \\| b |\n\n\
         - | Name | Code | Description |\n  | --- | --- | --- |\n  | `B` | 2 | b |\n",
    );
    let summary: Vec<String> = (blocks.iter())
        .map(|block| match block {
            RawBlock::Section(heading) => {
                format!("section {} at {}", heading.title, heading.location)
            }
            RawBlock::Table(table) => {
                let row = &table.rows[0];
                let cells: Vec<String> = (row.cells.iter())
                    .map(|cell| format!("{}@{}", plain_text(&cell.inlines), cell.location.column))
                    .collect();
                format!(
                    "row at {}: {} cells {}",
                    row.location,
                    row.source_cells,
                    cells.join(" ")
                )
            }
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "section Quoted at spec/x.md:1:3",
            "row at spec/x.md:5:3: 3 cells `A`@5 1@11 a | b@15",
            "row at spec/x.md:9:3: 3 cells `B`@5 2@11 b@15",
        ]
    );
}

/// `##Title` reads as a paragraph that looks like a section heading without
/// its space; three `#`s or a bare `##` are not that look-alike.
#[test]
fn a_paragraph_looks_like_a_spaceless_section_heading_after_exactly_two_hashes() {
    assert_eq!(
        read_one("##Title {#t}\n"),
        [RawBlock::HeadingLikeParagraph(at(1, 1))]
    );
    for text in [
        "###Title\n",
        "#Title\n",
        "##\u{a0}x\n",
        "Title ## x\n",
        "##\n",
    ] {
        let blocks = read_one(text);
        assert!(
            !matches!(blocks[..], [RawBlock::HeadingLikeParagraph(_)]),
            "{text:?}: {blocks:?}"
        );
    }
}

/// A paragraph's lines are judged as shown, code spans with their backticks:
/// a line that starts with a code span is prose, one that starts with `|` is not.
#[test]
fn a_line_starting_with_a_code_span_is_not_a_table_row_look_alike() {
    assert_eq!(read_one("Some prose\n`Name` | 1 | x\n"), []);
    let blocks = read_one("Some prose\n| `Name` | 1 | x |\n");
    let [RawBlock::LookAlike(look_alike)] = &blocks[..] else {
        panic!("{blocks:?}");
    };
    assert_eq!(look_alike.location, at(2, 1));
}

/// One `#` is a heading to a reader only with an anchor at its end.
#[test]
fn a_single_hash_line_looks_like_a_heading_only_when_it_ends_with_an_anchor() {
    let blocks = read_one("    # Title {#a}\n");
    let [RawBlock::LookAlike(look_alike)] = &blocks[..] else {
        panic!("{blocks:?}");
    };
    assert_eq!(look_alike.location, at(1, 5));
    for text in ["    # Title {#a} more\n", "    # Title }\n", "    # C#\n"] {
        assert_eq!(read_one(text), [], "{text:?}");
    }
}
