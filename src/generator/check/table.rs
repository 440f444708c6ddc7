//! The rules for a catalogue table: its header, and each row's name, code and
//! description.

use super::super::diagnostics::{Diagnostic, Location};
use super::super::inline::{code_span, doc_markdown, plain_text, Inline};
use super::super::naming::{constant_name, KEYWORDS};
use super::super::read::{RawCell, RawRow, RawTable};
use super::{CheckedRow, FirstUses, HEADER};

/// Where each kind name and each `ErrorCode` constant was first used.
pub(super) struct TableUses<'a> {
    pub(super) names: &'a mut FirstUses,
    pub(super) constants: &'a mut FirstUses,
}

/// Checks a table's header and rows; returns the rows that passed every rule.
pub(super) fn check_table(
    table: &RawTable,
    uses: TableUses<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<CheckedRow> {
    if !check_header(table, diagnostics) {
        return Vec::new();
    }
    if table.rows.is_empty() {
        diagnostics.push(Diagnostic::at(
            &table.location,
            "catalogue table without rows",
        ));
    }
    let TableUses { names, constants } = uses;
    (table.rows.iter())
        .filter_map(|row| check_row(row, names, constants, diagnostics))
        .collect()
}

/// The header is exactly `| Name | Code | Description |`.
fn check_header(table: &RawTable, diagnostics: &mut Vec<Diagnostic>) -> bool {
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
        return false;
    }
    let mut header_ok = true;
    for (cell, wanted) in table.header.cells.iter().zip(HEADER) {
        let found = plain_text(&cell.inlines);
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
    header_ok
}

/// The three cells of a row, or why the row does not have three.
fn row_cells(row: &RawRow) -> Result<[&RawCell; 3], Diagnostic> {
    if row.source_cells <= 1 {
        return Err(
            Diagnostic::at(&row.location, "this line is read as a table row")
                .help("a line right after a table continues it: put a blank line between the table and the text"),
        );
    }
    match &row.cells[..] {
        [name, code, description] if row.source_cells == HEADER.len() => {
            Ok([name, code, description])
        }
        _ => {
            let help = if row.source_cells > HEADER.len() {
                "a `|` inside a cell must be escaped as `\\|`"
            } else {
                "every row has a name, a code and a description"
            };
            Err(Diagnostic::at(
                &row.location,
                format!(
                    "row has {} cells, expected 3 (Name, Code, Description)",
                    row.source_cells
                ),
            )
            .help(help))
        }
    }
}

/// Every rule of one row. Duplicates are checked even when the row has other
/// problems, so that every problem is reported in one build.
fn check_row(
    row: &RawRow,
    names: &mut FirstUses,
    constants: &mut FirstUses,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<CheckedRow> {
    let cells = row_cells(row)
        .map_err(|problem| diagnostics.push(problem))
        .ok()?;
    let [name_cell, code_cell, description_cell] = cells;
    // A cell with unsupported markup gets that one diagnostic and no other.
    let [name_clean, code_clean, description_clean] =
        cells.map(|cell| check_markup(cell, diagnostics));
    let name = name_clean
        .then(|| check_name(name_cell, diagnostics))
        .flatten();
    let code = code_clean
        .then(|| check_code(code_cell, diagnostics))
        .flatten();
    let description = description_clean
        .then(|| check_description(description_cell).map_err(|problem| diagnostics.push(problem)))
        .and_then(Result::ok);
    let name = name?;
    let constant = claim_name(&name, &name_cell.location, names, constants)
        .map_err(|problem| diagnostics.push(problem))
        .ok()?;
    Some(CheckedRow {
        location: row.location.clone(),
        name,
        constant,
        code: code?,
        description: description?,
        description_markdown: doc_markdown(&description_cell.inlines),
    })
}

/// A description is non-empty text without control characters.
fn check_description(cell: &RawCell) -> Result<String, Diagnostic> {
    let description = plain_text(&cell.inlines);
    if description.is_empty() {
        return Err(Diagnostic::at(&cell.location, "empty description")
            .help("describe when a Parse Server returns this code"));
    }
    if let Some(control) = description.chars().find(|c| c.is_control()) {
        // Only an entity such as `&#13;` can put one here; in a doc comment a
        // carriage return does not even compile.
        return Err(Diagnostic::at(
            &cell.location,
            format!("the description contains the control character {control:?}"),
        )
        .help("remove it, or the character entity such as `&#13;` that produces it"));
    }
    Ok(description)
}

/// Records the name and its constant as used here, unless either is taken;
/// returns the constant.
fn claim_name(
    name: &str,
    location: &Location,
    names: &mut FirstUses,
    constants: &mut FirstUses,
) -> Result<String, Diagnostic> {
    if let Some((first, _)) = names.get(name) {
        return Err(Diagnostic::at(location, format!("duplicate name `{name}`"))
            .note(first, "first defined here")
            .help("names must be unique across every file of `spec/`"));
    }
    names.insert(name.to_owned(), (location.clone(), name.to_owned()));
    let constant = constant_name(name);
    if let Some((first, other)) = constants.get(&constant) {
        return Err(Diagnostic::at(
            location,
            format!(
                "names `{other}` and `{name}` both become the constant `ErrorCode::{constant}`"
            ),
        )
        .note(first, format!("`{other}` is here"))
        .help("names must differ in more than letter case"));
    }
    constants.insert(constant.clone(), (location.clone(), name.to_owned()));
    Ok(constant)
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
            diagnostics.push(Diagnostic::at(location, "code `-0` has a sign").help("write `0`"));
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

#[cfg(test)]
mod tests;
