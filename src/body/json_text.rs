//! Reading JSON text that serde_json has handed over: the correctly rounded
//! [`Value`] view of a kept value, the members of an object in one pass, the
//! canonical text of an integer.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de;
use serde_json::{Map, Number, Value};

/// The nesting limit of the `Value` view, serde_json's own: deeper values are a
/// decode error rather than a stack overflow.
const MAX_DEPTH: usize = 128;

/// Why a kept text has no `Value` view.
#[derive(Debug)]
pub(crate) enum TextError {
    /// Not JSON; only possible for text that did not come from serde_json.
    Invalid(String),
    /// A number beyond the range of `f64`.
    NumberOutOfRange(String),
    /// Deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextError::Invalid(why) => write!(f, "invalid JSON: {why}"),
            TextError::NumberOutOfRange(number) => {
                write!(f, "JSON number {number} is out of the range of f64")
            }
            TextError::TooDeep => write!(
                f,
                "JSON value nested deeper than {MAX_DEPTH} arrays and objects"
            ),
        }
    }
}

pub(crate) fn is_json_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

pub(crate) fn is_json_whitespace_char(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// `text` without the whitespace between its tokens; borrowed when it has none.
pub(crate) fn without_whitespace(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut kept = String::new();
    let mut copied_up_to = 0;
    let mut in_string = false;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if in_string {
            match byte {
                // Skips the escaped byte, which may be a quote.
                b'\\' => index += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else if byte == b'"' {
            in_string = true;
        } else if is_json_whitespace(byte) {
            kept.push_str(&text[copied_up_to..index]);
            copied_up_to = index + 1;
        }
        index += 1;
    }
    if copied_up_to == 0 {
        return Cow::Borrowed(text);
    }
    kept.push_str(text.get(copied_up_to..).unwrap_or_default());
    Cow::Owned(kept)
}

/// Parses one JSON value, with nothing around it, into a `Value` with correctly
/// rounded floats.
pub(crate) fn parse_value_view(text: &str) -> Result<Value, TextError> {
    let mut parser = ViewParser { text, pos: 0 };
    let value = parser.value(MAX_DEPTH)?;
    parser.skip_whitespace();
    if parser.pos != text.len() {
        return Err(parser.invalid("trailing characters"));
    }
    Ok(value)
}

/// A recursive-descent parser, only for the `Value` view: the text has been
/// checked by serde_json already when it comes from a decoder.
struct ViewParser<'a> {
    text: &'a str,
    pos: usize,
}

impl ViewParser<'_> {
    fn invalid(&self, what: &str) -> TextError {
        TextError::Invalid(alloc::format!("{what} at byte {}", self.pos))
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(is_json_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_whitespace();
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, TextError> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'n') => self.literal("null", Value::Null),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            Some(b'[') => {
                let depth = depth.checked_sub(1).ok_or(TextError::TooDeep)?;
                self.pos += 1;
                let mut items = Vec::new();
                if self.eat(b']') {
                    return Ok(Value::Array(items));
                }
                loop {
                    items.push(self.value(depth)?);
                    if self.eat(b',') {
                        continue;
                    }
                    if self.eat(b']') {
                        return Ok(Value::Array(items));
                    }
                    return Err(self.invalid("expected `,` or `]`"));
                }
            }
            Some(b'{') => {
                let depth = depth.checked_sub(1).ok_or(TextError::TooDeep)?;
                self.pos += 1;
                let mut object = Map::new();
                if self.eat(b'}') {
                    return Ok(Value::Object(object));
                }
                loop {
                    self.skip_whitespace();
                    if self.peek() != Some(b'"') {
                        return Err(self.invalid("expected a string key"));
                    }
                    let key = self.string()?;
                    if !self.eat(b':') {
                        return Err(self.invalid("expected `:`"));
                    }
                    let value = self.value(depth)?;
                    object.insert(key, value);
                    if self.eat(b',') {
                        continue;
                    }
                    if self.eat(b'}') {
                        return Ok(Value::Object(object));
                    }
                    return Err(self.invalid("expected `,` or `}`"));
                }
            }
            _ => Err(self.invalid("expected a JSON value")),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, TextError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.invalid("expected a JSON value"))
        }
    }

    /// A string token, from its opening quote. Without escapes the text between
    /// the quotes is the string; with escapes serde_json decodes the token.
    fn string(&mut self) -> Result<String, TextError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut index = start + 1;
        let mut escaped = false;
        loop {
            match bytes.get(index) {
                None => {
                    self.pos = index;
                    return Err(self.invalid("unterminated string"));
                }
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    index += 2;
                }
                Some(&byte) if byte < 0x20 => {
                    self.pos = index;
                    return Err(self.invalid("control character in a string"));
                }
                Some(_) => index += 1,
            }
        }
        self.pos = index + 1;
        let token = &self.text[start..self.pos];
        if escaped {
            serde_json::from_str::<String>(token).map_err(|error| {
                let why = super::without_position(&error);
                TextError::Invalid(alloc::format!("{why} in the string at byte {start}"))
            })
        } else {
            Ok(token[1..token.len() - 1].into())
        }
    }

    /// A number token: an integer within 64 bits is exact (`-0` is the float
    /// `-0.0`, as serde_json reads it); anything else is the nearest `f64`.
    fn number(&mut self) -> Result<Number, TextError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut index = start;
        let negative = bytes.get(index) == Some(&b'-');
        if negative {
            index += 1;
        }
        let digits = |from: usize| {
            bytes[from..]
                .iter()
                .take_while(|byte| byte.is_ascii_digit())
                .count()
        };
        let integer_digits = digits(index);
        if integer_digits == 0 || (integer_digits > 1 && bytes[index] == b'0') {
            self.pos = index;
            return Err(self.invalid("invalid number"));
        }
        index += integer_digits;
        let mut integer = true;
        if bytes.get(index) == Some(&b'.') {
            let fraction_digits = digits(index + 1);
            if fraction_digits == 0 {
                self.pos = index + 1;
                return Err(self.invalid("invalid number"));
            }
            index += 1 + fraction_digits;
            integer = false;
        }
        if matches!(bytes.get(index), Some(b'e' | b'E')) {
            index += 1;
            if matches!(bytes.get(index), Some(b'+' | b'-')) {
                index += 1;
            }
            let exponent_digits = digits(index);
            if exponent_digits == 0 {
                self.pos = index;
                return Err(self.invalid("invalid number"));
            }
            index += exponent_digits;
            integer = false;
        }
        self.pos = index;
        let token = &self.text[start..index];
        if integer {
            if negative {
                match token.parse::<i64>() {
                    Ok(0) => return Ok(float_number(-0.0)),
                    Ok(value) => return Ok(value.into()),
                    Err(_) => {}
                }
            } else if let Ok(value) = token.parse::<u64>() {
                return Ok(value.into());
            }
        }
        // Rust's float parsing is correctly rounded; the token is valid JSON
        // number syntax, which it accepts.
        match token.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(float_number(value)),
            _ => Err(TextError::NumberOutOfRange(token.into())),
        }
    }
}

fn float_number(value: f64) -> Number {
    // Only called with finite values, which `from_f64` always accepts.
    Number::from_f64(value).unwrap_or_else(|| 0.into())
}

/// The integer whose canonical text (what serde_json writes for it) is `text`:
/// an optional `-` and digits without leading zeros, within 64 bits. Other
/// spellings of a number (`-0`, `1.0`, `1e2`) and other values are `None`. Hand
/// written because it runs for the code of every body.
pub(crate) fn canonical_integer(text: &str) -> Option<i128> {
    let (negative, digits) = match text.as_bytes() {
        [b'-', digits @ ..] => (true, digits),
        digits => (false, digits),
    };
    match digits {
        [] | [b'0', _, ..] => return None,
        [b'0'] if negative => return None,
        // u64::MAX has 20 digits.
        _ if digits.len() > 20 => return None,
        _ => {}
    }
    let mut value: u64 = 0;
    for &digit in digits {
        if !digit.is_ascii_digit() {
            return None;
        }
        value = value
            .checked_mul(10)?
            .checked_add(u64::from(digit - b'0'))?;
    }
    if negative {
        let value = -i128::from(value);
        (value >= i128::from(i64::MIN)).then_some(value)
    } else {
        Some(i128::from(value))
    }
}

/// The members of the text of a JSON object, one by one: each name (decoded)
/// with the exact text of its value. This is how a body that serde_json handed
/// over as text is read: one pass over text serde_json has checked already,
/// much cheaper than asking serde_json for the text of every member in turn.
/// It never panics on other text, and every value it returns is checked again
/// by whoever keeps it (as a code, a message or an [`ExactJson`]).
pub(crate) struct ObjectText<'a> {
    text: &'a str,
    pos: usize,
    first: bool,
}

impl<'a> ObjectText<'a> {
    /// `None` when `text` is not an object.
    pub(crate) fn new(text: &'a str) -> Option<ObjectText<'a>> {
        let start = text.len() - text.trim_start_matches(is_json_whitespace_char).len();
        (text.as_bytes().get(start) == Some(&b'{')).then_some(ObjectText {
            text,
            pos: start + 1,
            first: true,
        })
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(is_json_whitespace) {
            self.pos += 1;
        }
    }

    fn invalid(&self, what: &str) -> TextError {
        TextError::Invalid(alloc::format!("{what} at byte {} of an object", self.pos))
    }

    /// The next member, or `None` after the closing brace (and nothing but
    /// whitespace after it).
    pub(crate) fn next_member(&mut self) -> Result<Option<(Cow<'a, str>, &'a str)>, TextError> {
        self.skip_whitespace();
        if self.first {
            self.first = false;
            if self.peek() == Some(b'}') {
                return self.end();
            }
        } else {
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_whitespace();
                }
                Some(b'}') => return self.end(),
                _ => return Err(self.invalid("expected `,` or `}`")),
            }
        }
        if self.peek() != Some(b'"') {
            return Err(self.invalid("expected a member name"));
        }
        let name = self.string()?;
        let name = match name
            .strip_prefix('"')
            .and_then(|name| name.strip_suffix('"'))
        {
            Some(plain) if !plain.contains('\\') => Cow::Borrowed(plain),
            _ => Cow::Owned(
                serde_json::from_str::<String>(name)
                    .map_err(|error| TextError::Invalid(super::without_position(&error)))?,
            ),
        };
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.invalid("expected `:`"));
        }
        self.pos += 1;
        self.skip_whitespace();
        let start = self.pos;
        self.skip_value()?;
        Ok(Some((name, &self.text[start..self.pos])))
    }

    fn end(&mut self) -> Result<Option<(Cow<'a, str>, &'a str)>, TextError> {
        self.pos += 1;
        self.skip_whitespace();
        if self.pos == self.text.len() {
            Ok(None)
        } else {
            Err(self.invalid("trailing characters"))
        }
    }

    /// A string token from its opening quote, quotes included.
    fn string(&mut self) -> Result<&'a str, TextError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut index = start + 1;
        loop {
            match bytes.get(index) {
                None => {
                    self.pos = index;
                    return Err(self.invalid("unterminated string"));
                }
                Some(b'"') => break,
                Some(b'\\') => index += 2,
                Some(_) => index += 1,
            }
        }
        self.pos = index + 1;
        Ok(&self.text[start..self.pos])
    }

    /// Moves past one value; only its extent matters here.
    fn skip_value(&mut self) -> Result<(), TextError> {
        match self.peek() {
            Some(b'"') => self.string().map(drop),
            Some(b'{' | b'[') => {
                let mut depth = 0_usize;
                loop {
                    match self.peek() {
                        None => return Err(self.invalid("unterminated array or object")),
                        Some(b'"') => {
                            self.string()?;
                            continue;
                        }
                        Some(b'{' | b'[') => depth += 1,
                        Some(b'}' | b']') => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return Ok(());
                            }
                        }
                        Some(_) => {}
                    }
                    self.pos += 1;
                }
            }
            _ => {
                let start = self.pos;
                while self.peek().is_some_and(|byte| {
                    !matches!(byte, b',' | b'}' | b']') && !is_json_whitespace(byte)
                }) {
                    self.pos += 1;
                }
                if self.pos == start {
                    Err(self.invalid("expected a value"))
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// The error of a visitor given `text` when it expected `expected`: what
/// serde_json reports for a value of the wrong type.
pub(crate) fn invalid_type<E: de::Error>(text: &str, expected: &dyn de::Expected) -> E {
    use serde::de::Unexpected;

    let value = match parse_value_view(text) {
        Ok(value) => value,
        Err(error) => return E::custom(error),
    };
    let unexpected = match &value {
        Value::Null => Unexpected::Unit,
        Value::Bool(value) => Unexpected::Bool(*value),
        Value::Number(number) => match (number.as_u64(), number.as_i64(), number.as_f64()) {
            (Some(value), _, _) => Unexpected::Unsigned(value),
            (None, Some(value), _) => Unexpected::Signed(value),
            (None, None, value) => Unexpected::Float(value.unwrap_or_default()),
        },
        Value::String(value) => Unexpected::Str(value),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    };
    E::invalid_type(unexpected, expected)
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;

    #[test]
    fn whitespace_between_tokens_is_dropped_but_not_inside_strings() {
        assert_eq!(
            without_whitespace("{ \"a b\" : [ 1 ,\n\t2 ] , \"c\\\" d\" : \" \" }"),
            "{\"a b\":[1,2],\"c\\\" d\":\" \"}"
        );
        assert!(matches!(
            without_whitespace("[1,2]"),
            Cow::Borrowed("[1,2]")
        ));
        assert_eq!(without_whitespace("\"é \\\\\" , 1"), "\"é \\\\\",1");
    }

    #[test]
    fn canonical_integers_are_the_ones_serde_json_writes() {
        assert_eq!(canonical_integer("101"), Some(101));
        assert_eq!(canonical_integer("-1"), Some(-1));
        assert_eq!(canonical_integer("0"), Some(0));
        assert_eq!(canonical_integer("-2147483648"), Some(-2147483648));
        assert_eq!(canonical_integer("2147483648"), Some(2147483648));
        assert_eq!(
            canonical_integer("18446744073709551615"),
            Some(u64::MAX.into())
        );
        assert_eq!(
            canonical_integer("-9223372036854775808"),
            Some(i64::MIN.into())
        );
        for text in [
            "-0",
            "1.0",
            "1e2",
            "\"1\"",
            "",
            "-",
            "+1",
            "01",
            "-01",
            "18446744073709551616",
            "-9223372036854775809",
            "123456789012345678901",
            "1 ",
        ] {
            assert_eq!(canonical_integer(text), None, "{text}");
        }
    }

    #[test]
    fn the_view_parser_matches_serde_json_where_serde_json_is_exact() {
        for text in [
            "null",
            "true",
            "false",
            "0",
            "-0",
            "-1",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1.5",
            "-0.0",
            "1e2",
            "1E+2",
            "2.5e-3",
            "\"a\\\"b\\u00e9\\ud83d\\ude00\"",
            "[1,[2,{\"a\":[]}],{}]",
            "{\"b\":1,\"a\":2,\"b\":3}",
        ] {
            let expected: Value = serde_json::from_str(text).unwrap();
            assert_eq!(parse_value_view(text).unwrap(), expected, "{text}");
        }
    }

    #[test]
    fn the_view_parser_rounds_floats_correctly() {
        assert_eq!(
            parse_value_view("141e23").unwrap(),
            Value::Number(Number::from_f64(1.41e25).unwrap())
        );
        assert_eq!(
            parse_value_view("0.30000000000000004").unwrap(),
            Value::Number(Number::from_f64(0.1 + 0.2).unwrap())
        );
    }

    #[test]
    fn the_view_parser_rejects_what_a_value_cannot_hold() {
        for (text, expected) in [
            ("1e400", "JSON number 1e400 is out of the range of f64"),
            ("-1e400", "out of the range of f64"),
            (
                "\"\\ud800\"",
                "unexpected end of hex escape in the string at byte 0",
            ),
            (
                "[\"\\ud800\\u0041\"]",
                "lone leading surrogate in hex escape in the string at byte 1",
            ),
            ("[1,", "expected a JSON value at byte 3"),
            ("{\"a\" 1}", "expected `:` at byte 5"),
            ("01", "invalid number at byte 0"),
            ("1.", "invalid number at byte 2"),
            ("\"a\nb\"", "control character in a string at byte 2"),
            ("nul", "expected a JSON value at byte 0"),
        ] {
            let error = parse_value_view(text).unwrap_err().to_string();
            assert!(error.contains(expected), "{text}: {error}");
        }
        let deep = "[".repeat(129) + &"]".repeat(129);
        assert!(matches!(parse_value_view(&deep), Err(TextError::TooDeep)));
        let deepest = "[".repeat(128) + &"]".repeat(128);
        assert!(parse_value_view(&deepest).is_ok());
    }
}
