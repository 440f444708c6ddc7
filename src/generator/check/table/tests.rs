//! The cell rules on single cells: what is accepted, and the exact message
//! and help of what is not.

use super::super::super::diagnostics::Location;
use super::*;

fn cell(inlines: Vec<Inline>) -> RawCell {
    RawCell {
        location: Location {
            file: "spec/x.md".to_owned(),
            line: 3,
            column: 5,
        },
        inlines,
    }
}

fn text(text: &str) -> RawCell {
    cell(vec![Inline::Text(text.to_owned())])
}

fn code(code: &str) -> RawCell {
    cell(vec![Inline::Code(code.to_owned())])
}

/// The code, or the message and help of its one diagnostic.
fn code_of(cell: &RawCell) -> Result<i32, (String, Option<String>)> {
    let mut diagnostics = Vec::new();
    match check_code(cell, &mut diagnostics) {
        Some(code) => {
            assert_eq!(diagnostics, []);
            Ok(code)
        }
        None => {
            let [diagnostic] = &diagnostics[..] else {
                panic!("expected one diagnostic: {diagnostics:?}");
            };
            Err((diagnostic.message.clone(), diagnostic.help.clone()))
        }
    }
}

fn name_of(cell: &RawCell) -> Result<String, String> {
    let mut diagnostics = Vec::new();
    match check_name(cell, &mut diagnostics) {
        Some(name) => Ok(name),
        None => Err(diagnostics.remove(0).message),
    }
}

#[test]
fn codes_are_plain_decimal_i32s() {
    assert_eq!(code_of(&text("101")), Ok(101));
    assert_eq!(code_of(&text(" -1 ")), Ok(-1));
    assert_eq!(code_of(&text("0")), Ok(0));
    assert_eq!(code_of(&text("-2147483648")), Ok(i32::MIN));
    assert_eq!(code_of(&text("2147483647")), Ok(i32::MAX));
}

#[test]
fn every_malformed_code_says_what_to_write_instead() {
    let rejected = |text: &str| code_of(&self::text(text)).unwrap_err();
    assert_eq!(
        rejected("+5"),
        (
            "code `+5` has a plus sign".to_owned(),
            Some("write `5`: a code is written as Parse sends it in JSON, where numbers have no plus sign".to_owned())
        )
    );
    assert_eq!(rejected("007").1.as_deref(), Some("write `7`"));
    assert_eq!(rejected("-007").1.as_deref(), Some("write `-7`"));
    assert_eq!(rejected("-000").1.as_deref(), Some("write `0`"));
    assert_eq!(rejected("-0").0, "code `-0` has a sign");
    assert_eq!(rejected("1O4").0, "code `1O4` is not a decimal integer");
    assert_eq!(rejected("0x10").0, "code `0x10` is not a decimal integer");
    assert_eq!(rejected("1,000").0, "code `1,000` is not a decimal integer");
    assert_eq!(rejected("-").0, "code `-` is not a decimal integer");
    assert_eq!(rejected("").0, "empty code");
    assert_eq!(
        rejected("2147483648"),
        (
            "code `2147483648` is outside the range of `i32`".to_owned(),
            Some("Parse error codes are 32-bit: -2147483648 to 2147483647".to_owned())
        )
    );
    assert_eq!(
        code_of(&code("101")).unwrap_err().0,
        // The cell is quoted as written: a code span, backticks included.
        "the code `` `101` `` is not plain text"
    );
}

#[test]
fn names_are_one_code_span_holding_an_upper_camel_case_identifier() {
    assert_eq!(
        name_of(&code("ObjectNotFound")),
        Ok("ObjectNotFound".to_owned())
    );
    assert_eq!(name_of(&code("InvalidJSON")), Ok("InvalidJSON".to_owned()));
    for (cell, message) in [
        (
            text("ObjectNotFound"),
            "name `ObjectNotFound` is not written as a code span",
        ),
        (cell(vec![]), "empty name"),
        (code(""), "empty name"),
        (code("Self"), "name `Self` is a Rust keyword"),
        (
            code("ALL"),
            "name `ALL` is reserved: `ErrorKind::ALL` lists every kind",
        ),
        (code("Bad-Name"), "name `Bad-Name` contains a hyphen"),
        (code("Bad Name"), "name `Bad Name` contains a space"),
        (code("Bad_Name"), "name `Bad_Name` contains an underscore"),
        (
            code("Ünicode"),
            "name `Ünicode` contains the non-ASCII character `Ü`",
        ),
        (
            code("Bad.Name"),
            "name `Bad.Name` contains the character `.`",
        ),
        (code("9Lives"), "name `9Lives` starts with a digit"),
        (
            code("lower"),
            "name `lower` does not start with an uppercase letter",
        ),
        (
            cell(vec![
                Inline::Code("Object".to_owned()),
                Inline::Text("NotFound".to_owned()),
            ]),
            "the name `` `Object`NotFound `` mixes a code span with other text",
        ),
    ] {
        assert_eq!(name_of(&cell), Err(message.to_owned()), "{cell:?}");
    }
}
