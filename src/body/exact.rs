//! [`ExactJson`]: a JSON value kept as the exact text it arrived as, next to a
//! `Value` view of it that serde_json parses.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::{String, ToString};
use core::fmt;
use core::str::FromStr;

use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use serde_json::value::{Index, RawValue};
use serde_json::Value;

use super::raw::Captured;

/// A JSON value that the crate keeps without interpreting it, exactly as it
/// arrived: its text, and the [`Value`] that text stands for.
///
/// Encoding with serde_json gives back the text received: numbers as written
/// (`141e23`, `1.50`, `-0`), escapes as written (`"\u00e9"`, `"\ud800"`),
/// members in the order received; only insignificant whitespace is dropped.
///
/// ```
/// use parse_error_codes::ExactJson;
/// use serde_json::json;
///
/// let kept: ExactJson = r#"{"b": 1.50, "a": "\ud800 lone"}"#.parse()?;
/// assert_eq!(kept.to_string(), r#"{"b":1.50,"a":"\ud800 lone"}"#);
/// assert_eq!(kept.value(), &json!({"a": "\u{fffd} lone", "b": 1.5}));
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// [`value`](Self::value) is the kept text as serde_json reads it: numbers as
/// serde_json reads them, like every other `Value` in your program (by default
/// `141e23` is `1.4099999999999999e25`), and U+FFFD for each escape of an
/// unpaired UTF-16 surrogate (JavaScript's `toWellFormed`); the kept text stays
/// exact. A number beyond `f64` (`1e400`) or nesting deeper than 128 is a
/// decode error, as for serde_json. Equality compares the views. Serializing
/// writes the text through serde_json's `RawValue`: verbatim with serde_json;
/// convert to a [`Value`] first for other serde formats.
#[derive(Clone)]
pub struct ExactJson {
    value: Value,
    raw: Box<RawValue>,
}

impl ExactJson {
    /// The value, as serde_json reads the kept text (see [the type](Self)).
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The value, dropping the kept text.
    pub fn into_value(self) -> Value {
        self.value
    }

    /// The exact text, as serde_json's `RawValue`; `as_raw().get()` is the `&str`.
    pub fn as_raw(&self) -> &RawValue {
        &self.raw
    }

    /// The member or element `index` of the value, as [`Value::get`].
    pub fn get<I: Index>(&self, index: I) -> Option<&Value> {
        self.value.get(index)
    }

    /// Keeps `text`, one JSON value, with or without whitespace.
    pub(crate) fn from_text(text: &str) -> Result<ExactJson, serde_json::Error> {
        let text = without_whitespace(text);
        let value = serde_json::from_str(&well_formed(&text))?;
        let raw = RawValue::from_string(text.into_owned())?;
        Ok(ExactJson { value, raw })
    }

    /// Keeps what a deserializer handed over: serde_json's text, or a value.
    pub(crate) fn from_captured<E: de::Error>(captured: Captured<'_>) -> Result<ExactJson, E> {
        match captured {
            Captured::Text(text) => ExactJson::from_text(&text).map_err(custom),
            Captured::Value(value) => Ok(ExactJson::from(value)),
        }
    }
}

/// serde_json's error about a piece of a body as the body's deserializer's,
/// without the position within the piece (the body's deserializer adds its own).
pub(crate) fn custom<E: de::Error>(error: serde_json::Error) -> E {
    let text = error.to_string();
    let suffix = alloc::format!(" at line {} column {}", error.line(), error.column());
    E::custom(text.strip_suffix(&suffix).unwrap_or(&text))
}

/// `text` (valid JSON) with each escape of an unpaired UTF-16 surrogate
/// replaced by `\ufffd`, what JavaScript's `toWellFormed` does, so that
/// serde_json reads it; borrowed when there is none. Backslashes occur only in
/// strings, so every one starts an escape.
fn well_formed(text: &str) -> Cow<'_, str> {
    let unit = |at: usize| {
        let digits = text.get(at..at + 6)?.strip_prefix("\\u")?;
        u16::from_str_radix(digits, 16).ok()
    };
    let (mut fixed, mut copied, mut next) = (String::new(), 0, 0);
    // Forward over the backslashes: a slip below gives a wrong text, never a hang.
    for (at, _) in text.match_indices('\\') {
        if at < next {
            continue; // inside the escape before
        }
        next = match unit(at) {
            Some(0xD800..=0xDBFF) if matches!(unit(at + 6), Some(0xDC00..=0xDFFF)) => at + 12,
            Some(0xD800..=0xDFFF) => {
                fixed.push_str(&text[copied..at]);
                fixed.push_str("\\ufffd");
                copied = at + 6;
                copied
            }
            Some(_) => at + 6,
            None => at + 2,
        };
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    fixed.push_str(&text[copied..]);
    Cow::Owned(fixed)
}

/// `text` (valid JSON) without the whitespace between its tokens; borrowed
/// when it has none.
fn without_whitespace(text: &str) -> Cow<'_, str> {
    let is_space = |byte: u8| matches!(byte, b' ' | b'\t' | b'\n' | b'\r');
    if !text.bytes().any(is_space) {
        return Cow::Borrowed(text);
    }
    let mut kept = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (_, false, '"') => in_string = !in_string,
            (false, _, ' ' | '\t' | '\n' | '\r') => continue,
            _ => {}
        }
        kept.push(c);
    }
    Cow::Owned(kept)
}

/// Parses JSON text, which may hold escapes of unpaired surrogates; the error
/// says what is wrong and where.
impl FromStr for ExactJson {
    type Err = serde_json::Error;

    fn from_str(text: &str) -> Result<ExactJson, serde_json::Error> {
        // serde_json's check of the whole text first, for its errors with a
        // position; it accepts any `\u` escape.
        serde_json::from_str::<&RawValue>(text)?;
        ExactJson::from_text(text)
    }
}

/// The text is serde_json's compact text for the value.
impl From<Value> for ExactJson {
    fn from(value: Value) -> ExactJson {
        // Writing a `Value` cannot fail: its keys are strings and its numbers finite.
        let raw = serde_json::value::to_raw_value(&value)
            .expect("serde_json writes every serde_json::Value");
        ExactJson { value, raw }
    }
}

impl PartialEq for ExactJson {
    fn eq(&self, other: &ExactJson) -> bool {
        self.value == other.value
    }
}

impl Eq for ExactJson {}

impl PartialEq<Value> for ExactJson {
    fn eq(&self, other: &Value) -> bool {
        self.value == *other
    }
}

impl PartialEq<ExactJson> for Value {
    fn eq(&self, other: &ExactJson) -> bool {
        *self == other.value
    }
}

/// The exact text.
impl fmt::Display for ExactJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.raw.get())
    }
}

/// `ExactJson({"a":1})`: the exact text.
impl fmt::Debug for ExactJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExactJson({})", self.raw.get())
    }
}

impl Serialize for ExactJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ExactJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ExactJson::from_captured(Captured::deserialize(deserializer)?)
    }
}
