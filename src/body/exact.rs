//! [`ExactJson`]: a JSON value kept as the exact text it arrived as, next to the
//! value it stands for, and the machinery that captures that text from serde_json.
//!
//! serde_json's `Value` cannot keep a body unchanged: its default float parsing is
//! not correctly rounded (`141e23` comes back as `1.4099999999999999e+25`), and it
//! writes numbers and object keys its own way. Turning on serde_json's
//! `float_roundtrip` or `arbitrary_precision` would fix that for this crate but
//! also change parsing for every other crate of the user's build, because cargo
//! unifies features. serde_json's `raw_value` feature only adds `RawValue`: a
//! deserializer that knows it hands over the text of a value when asked for a
//! newtype struct with a private marker name, and its serializer writes such text
//! back verbatim. This module asks for that text, keeps it, and parses it with a
//! correctly rounded parser of its own for the `Value` view. Deserializers other
//! than serde_json's ignore the marker and give the value itself, which is kept
//! as it is.

use alloc::borrow::{Cow, ToOwned};
use alloc::boxed::Box;
use alloc::string::{String, ToString};
use core::fmt;
use core::str::FromStr;

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use serde_json::value::{Index, RawValue};
use serde_json::{Map, Number, Value};

use super::json_text::{is_json_whitespace_char, parse_value_view, without_whitespace, TextError};

/// The newtype-struct name with which serde_json's deserializers hand over the
/// text of a value instead of the value (serde_json's private
/// `crate::raw::TOKEN`). A unit test checks it against the name serde_json's own
/// `RawValue` asks for; if serde_json ever renamed it, decoding would still work,
/// only through `Value` (numbers as serde_json parses them, keys in `Map` order).
pub(crate) const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// A JSON value that the crate keeps without interpreting it, exactly as it
/// arrived: its text, and the [`Value`] that text stands for.
///
/// A Parse Server body carries JSON the crate does not model: the response of a
/// successful `/batch` sub-request, an `error` that Cloud Code threw as an object,
/// a `code` that is a PostgreSQL SQLSTATE string, extra fields, GraphQL `path`s and
/// `extensions`. `ExactJson` keeps each of them so that encoding the body again
/// with serde_json gives back the same text: numbers as written (`141e23`,
/// `1.50`, `-0`), string escapes as written (`"\u00e9"`), object members in the
/// order received. Only insignificant whitespace is dropped.
///
/// ```
/// use parse_error_codes::ExactJson;
/// use serde_json::json;
///
/// let kept: ExactJson = r#"{"z": 141e23, "a": "caf\u00e9"}"#.parse()?;
/// assert_eq!(kept.to_string(), r#"{"z":141e23,"a":"caf\u00e9"}"#);
/// assert_eq!(kept, json!({"a": "café", "z": 1.41e25}));
/// assert_eq!(kept.get("a"), Some(&json!("café")));
/// assert_eq!(serde_json::to_string(&kept)?, r#"{"z":141e23,"a":"caf\u00e9"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # Where the text comes from
/// - Decoded with serde_json from text (`from_slice`, `from_str`, `from_reader`):
///   the text as received, without insignificant whitespace.
/// - Decoded with serde_json from a [`Value`] (`serde_json::from_value`): the
///   compact text serde_json writes for that `Value`, so the result is exactly as
///   precise as the caller's `Value`.
/// - Decoded with any other deserializer (another format, or serde's buffering for
///   `#[serde(untagged)]` and `#[serde(flatten)]`): the value is read as a `Value`
///   and the text is serde_json's text for it.
///
/// # The `Value` view
/// [`value`](Self::value) is the text parsed with correctly rounded floats (what
/// JavaScript's `JSON.parse` gives the server), whatever serde_json features the
/// build enables: an integer is exact within 64 bits (`-0` is the float `-0.0`,
/// as in serde_json), any other number is the nearest `f64`. A number beyond the
/// `f64` range (`1e400`), a string with an unpaired surrogate escape (`"\ud800"`)
/// or nesting deeper than 128 cannot be a `Value` and is a decode error, as it is
/// for serde_json. An object whose key appears twice keeps both in its text and
/// the last one in its view, as serde_json does.
///
/// Equality compares the `Value` views: the same JSON written with other escapes,
/// another member order or another spelling of a number that rounds to the same
/// `f64` is equal.
///
/// # Encoding
/// Serializing writes the kept text through serde_json's `RawValue`: verbatim with
/// serde_json's serializers (`to_string`, `to_vec`, `to_writer`). `to_value`
/// parses that text with serde_json's own float parsing. Other serde formats are
/// handed `RawValue`'s private representation (a one-field struct holding the
/// text), which this type decodes again, but which is not natural data for those
/// formats: convert to a [`Value`] first to write a body in another format.
#[derive(Clone)]
pub struct ExactJson {
    value: Value,
    raw: Box<RawValue>,
}

impl ExactJson {
    /// The value, parsed from the kept text with correctly rounded floats.
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

    /// Keeps `text`, which is a JSON value with or without whitespace around and
    /// inside it. `text` is known to be valid JSON when it comes from serde_json's
    /// raw capture; it is checked all the same by parsing the view.
    pub(crate) fn from_text(text: &str) -> Result<ExactJson, TextError> {
        let text = text.trim_matches(is_json_whitespace_char);
        let text = without_whitespace(text);
        let value = parse_value_view(&text)?;
        let raw = raw_value(&text)?;
        Ok(ExactJson { value, raw })
    }

    /// Keeps what a deserializer produced: serde_json's text, or a value.
    pub(crate) fn from_captured<E: de::Error>(captured: Captured<'_>) -> Result<ExactJson, E> {
        match captured {
            Captured::Text(text) => ExactJson::from_text(&text).map_err(E::custom),
            Captured::Value(value) => Ok(ExactJson::from(value)),
        }
    }
}

/// Parses JSON text; the error says what is wrong and where (as a byte offset).
impl FromStr for ExactJson {
    type Err = serde_json::Error;

    fn from_str(text: &str) -> Result<ExactJson, serde_json::Error> {
        // serde_json's own check first, for its usual error messages with line
        // and column; then the view, which adds the range and depth checks.
        serde_json::from_str::<&RawValue>(text)?;
        ExactJson::from_text(text).map_err(de::Error::custom)
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

impl From<ExactJson> for Value {
    fn from(json: ExactJson) -> Value {
        json.value
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
        f.debug_tuple("ExactJson")
            .field(&format_args!("{}", self.raw.get()))
            .finish()
    }
}

impl Serialize for ExactJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ExactJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let captured = Captured::deserialize(deserializer)?;
        ExactJson::from_captured(captured)
    }
}

/// A value as a deserializer handed it over: serde_json's exact text of it, or,
/// from deserializers that do not keep text, the value itself.
pub(crate) enum Captured<'de> {
    Text(Cow<'de, str>),
    Value(Value),
}

impl<'de> Deserialize<'de> for Captured<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, CaptureVisitor)
    }
}

struct CaptureVisitor;

impl<'de> Visitor<'de> for CaptureVisitor {
    type Value = Captured<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    /// serde_json's answer to the marker name is a map with one entry, the marker
    /// and the text; any other map is a JSON object from another deserializer.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Captured<'de>, A::Error> {
        let first = match map.next_key::<FirstKey>()? {
            None => return Ok(Captured::Value(Value::Object(Map::new()))),
            Some(FirstKey::RawValueToken) => {
                return map
                    .next_value::<RawText<'de>>()
                    .map(|text| Captured::Text(text.0))
            }
            Some(FirstKey::Name(name)) => name,
        };
        let mut object = Map::new();
        object.insert(first, map.next_value()?);
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            object.insert(key, value);
        }
        Ok(Captured::Value(Value::Object(object)))
    }

    // A deserializer that does not know the marker calls this with itself.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Captured<'de>, D::Error> {
        Value::deserialize(d).map(Captured::Value)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Captured<'de>, D::Error> {
        Captured::deserialize(d)
    }

    fn visit_none<E: de::Error>(self) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::Null))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::Null))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::Bool(value)))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::Number(value.into())))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::Number(value.into())))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Captured<'de>, E> {
        Number::from_i128(value)
            .map(|number| Captured::Value(Value::Number(number)))
            .ok_or_else(|| E::custom("JSON number out of range"))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Captured<'de>, E> {
        Number::from_u128(value)
            .map(|number| Captured::Value(Value::Number(number)))
            .ok_or_else(|| E::custom("JSON number out of range"))
    }

    // As serde_json's `Value`: a NaN or an infinity is `null`.
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(
            Number::from_f64(value).map_or(Value::Null, Value::Number),
        ))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::String(value.into())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::String(value)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Captured<'de>, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Captured::Value)
    }
}

/// The first key of a map given to a visitor that asked for serde_json's text:
/// serde_json's marker, or the name of the first member of an object that
/// another deserializer gives member by member.
pub(crate) enum FirstKey {
    RawValueToken,
    Name(String),
}

impl<'de> Deserialize<'de> for FirstKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FirstKeyVisitor;

        impl Visitor<'_> for FirstKeyVisitor {
            type Value = FirstKey;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<FirstKey, E> {
                Ok(if key == RAW_VALUE_TOKEN {
                    FirstKey::RawValueToken
                } else {
                    FirstKey::Name(key.into())
                })
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<FirstKey, E> {
                Ok(if key == RAW_VALUE_TOKEN {
                    FirstKey::RawValueToken
                } else {
                    FirstKey::Name(key)
                })
            }

            // Some binary formats hand map keys over as bytes.
            fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<FirstKey, E> {
                match core::str::from_utf8(key) {
                    Ok(key) => self.visit_str(key),
                    Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(key), &self)),
                }
            }
        }

        deserializer.deserialize_str(FirstKeyVisitor)
    }
}

/// The text serde_json hands over, borrowed from the input when it can be.
pub(crate) struct RawText<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for RawText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RawTextVisitor;

        impl<'de> Visitor<'de> for RawTextVisitor {
            type Value = RawText<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the text of a JSON value")
            }

            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<RawText<'de>, E> {
                Ok(RawText(Cow::Borrowed(text)))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<RawText<'de>, E> {
                Ok(RawText(Cow::Owned(text.into())))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<RawText<'de>, E> {
                Ok(RawText(Cow::Owned(text)))
            }
        }

        deserializer.deserialize_str(RawTextVisitor)
    }
}

/// A `RawValue` holding `text`, which the caller has checked to be one JSON value
/// without surrounding whitespace. It is built the way serde_json's deserializer
/// builds one, from the marker entry, so that the text is not parsed a third
/// time; should serde_json ever stop accepting that, `RawValue::from_string`
/// (which checks the text again) takes over.
fn raw_value(text: &str) -> Result<Box<RawValue>, TextError> {
    struct MarkerEntry<'a>(Option<&'a str>);

    impl<'de> MapAccess<'de> for MarkerEntry<'de> {
        type Error = de::value::Error;

        fn next_key_seed<K: DeserializeSeed<'de>>(
            &mut self,
            seed: K,
        ) -> Result<Option<K::Value>, Self::Error> {
            match self.0 {
                Some(_) => seed
                    .deserialize(BorrowedStrDeserializer::new(RAW_VALUE_TOKEN))
                    .map(Some),
                None => Ok(None),
            }
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(
            &mut self,
            seed: V,
        ) -> Result<V::Value, Self::Error> {
            let text = self.0.take().unwrap_or_default();
            seed.deserialize(BorrowedStrDeserializer::new(text))
        }
    }

    match Box::<RawValue>::deserialize(MapAccessDeserializer::new(MarkerEntry(Some(text)))) {
        Ok(raw) if raw.get() == text => Ok(raw),
        _ => RawValue::from_string(text.to_owned())
            .map_err(|error| TextError::Invalid(error.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The name `Box<RawValue>` asks its deserializer for, caught by a
    /// deserializer that only records it.
    fn raw_value_token_of_serde_json() -> String {
        #[derive(Debug)]
        struct Sniffed(String);

        impl fmt::Display for Sniffed {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl core::error::Error for Sniffed {}

        impl de::Error for Sniffed {
            fn custom<T: fmt::Display>(message: T) -> Self {
                Sniffed(alloc::format!("not asked for a newtype struct: {message}"))
            }
        }

        struct Sniffer;

        impl<'de> Deserializer<'de> for Sniffer {
            type Error = Sniffed;

            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Sniffed> {
                Err(Sniffed("not asked for a newtype struct".into()))
            }

            fn deserialize_newtype_struct<V: Visitor<'de>>(
                self,
                name: &'static str,
                _: V,
            ) -> Result<V::Value, Sniffed> {
                Err(Sniffed(name.into()))
            }

            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
                bytes byte_buf option unit unit_struct seq tuple tuple_struct map
                struct enum identifier ignored_any
            }
        }

        Box::<RawValue>::deserialize(Sniffer).unwrap_err().0
    }

    #[test]
    fn the_marker_name_is_the_one_serde_json_uses() {
        assert_eq!(raw_value_token_of_serde_json(), RAW_VALUE_TOKEN);
    }

    #[test]
    fn a_raw_value_is_built_without_reparsing_and_keeps_the_text() {
        let raw = raw_value(r#"{"b":1.50,"a":[]}"#).unwrap();
        assert_eq!(raw.get(), r#"{"b":1.50,"a":[]}"#);
    }
}
