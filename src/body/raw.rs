//! The one place that uses serde_json's private name for its `RawValue`: it
//! gets the exact text of a value from serde_json, the value itself from any
//! other deserializer, in one pass. serde_json hands text only to a visitor that
//! asks for a newtype struct of that name; `Box<RawValue>` itself fails on other
//! deserializers (serde's buffering in `#[serde(untagged)]`/`flatten` types),
//! and a type cannot try twice. The canary test checks the name.

use alloc::borrow::Cow;
use alloc::string::String;
use core::fmt;

use serde::de::value::SeqAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The name serde_json's `RawValue` asks its deserializer for.
pub(crate) const TOKEN: &str = "$serde_json::private::RawValue";

/// A value as a deserializer handed it over: serde_json's exact text of it, or,
/// from deserializers that do not keep text, the value itself.
pub(crate) enum Captured<'de> {
    Text(Cow<'de, str>),
    Value(Value),
}

impl<'de> Deserialize<'de> for Captured<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(TOKEN, CaptureVisitor)
    }
}

/// A string (a member name, a piece of text), borrowed from the input when it can be.
pub(crate) struct Name<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;

        impl<'de> Visitor<'de> for NameVisitor {
            type Value = Name<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Borrowed(name)))
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(name.into())))
            }

            // Some binary formats hand map keys over as bytes.
            fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Name<'de>, E> {
                match core::str::from_utf8(name) {
                    Ok(name) => self.visit_str(name),
                    Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(name), &self)),
                }
            }
        }

        deserializer.deserialize_str(NameVisitor)
    }
}

/// The text serde_json hands over after its marker key (`first`); else `None`.
pub(crate) fn text_after<'de, A: MapAccess<'de>>(
    first: Option<&Name<'de>>,
    map: &mut A,
) -> Result<Option<Cow<'de, str>>, A::Error> {
    match first {
        Some(Name(name)) if name == TOKEN => map.next_value::<Name>().map(|text| Some(text.0)),
        _ => Ok(None),
    }
}

struct CaptureVisitor;

/// Visits that give a `Value` through its `From` (a NaN or an infinity is `null`).
macro_rules! visit_into {
    ($($visit:ident($type:ty)),*) => {$(
        fn $visit<E: de::Error>(self, value: $type) -> Result<Captured<'de>, E> {
            Ok(Captured::Value(value.into()))
        }
    )*};
}

impl<'de> Visitor<'de> for CaptureVisitor {
    type Value = Captured<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Captured<'de>, A::Error> {
        let first = map.next_key::<Name>()?;
        if let Some(text) = text_after(first.as_ref(), &mut map)? {
            return Ok(Captured::Text(text));
        }
        let mut object = Map::new();
        if let Some(Name(first)) = first {
            object.insert(first.into_owned(), map.next_value()?);
        }
        while let Some((name, value)) = map.next_entry::<String, Value>()? {
            object.insert(name, value);
        }
        Ok(Captured::Value(Value::Object(object)))
    }

    // A deserializer that does not know the marker calls this with itself.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Captured<'de>, D::Error> {
        Value::deserialize(d).map(Captured::Value)
    }

    fn visit_none<E: de::Error>(self) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::Null))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::Null))
    }

    visit_into!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_str(&str)
    );

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Captured<'de>, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Captured::Value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::value::RawValue;

    /// The canary: should serde_json rename its marker, `Captured` would get
    /// values instead of text, and this fails.
    #[test]
    fn serde_json_hands_over_the_text_its_raw_value_gets() {
        let text = r#"{"b" :1.50,"a":"\ud800"}"#;
        let raw: &RawValue = serde_json::from_str(text).unwrap();
        match serde_json::from_str::<Captured>(text).unwrap() {
            Captured::Text(captured) => assert_eq!(captured, raw.get()),
            Captured::Value(value) => panic!("serde_json gave the value {value}, not its text"),
        }
    }
}
