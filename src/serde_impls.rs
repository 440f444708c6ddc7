//! serde support for the catalogue types: an [`ErrorCode`] is the bare wire
//! integer, an [`ErrorKind`] its name, a [`Category`] its anchor.

use core::fmt;

use serde::de::{self, Deserialize, Deserializer, Unexpected, Visitor};
use serde::ser::{Serialize, Serializer};

use super::{Category, ErrorCode, ErrorKind};

/// A bare integer, as in `{"code": 101}`.
impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(self.get())
    }
}

/// Any integer that fits an `i32`, documented or not; other integers are an
/// error naming the number, and non-integers (`101.0`, `"101"`) are rejected.
impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_i32(CodeVisitor)
    }
}

struct CodeVisitor;

const CODE_EXPECTED: &str = "a Parse error code (a 32-bit integer)";

fn out_of_range<E: de::Error>(value: impl fmt::Display) -> E {
    E::custom(format_args!(
        "Parse error code {value} is outside the 32-bit range of error codes ({}..={})",
        i32::MIN,
        i32::MAX
    ))
}

impl Visitor<'_> for CodeVisitor {
    type Value = ErrorCode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(CODE_EXPECTED)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<ErrorCode, E> {
        i32::try_from(value)
            .map(ErrorCode::new)
            .map_err(|_| out_of_range(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<ErrorCode, E> {
        i32::try_from(value)
            .map(ErrorCode::new)
            .map_err(|_| out_of_range(value))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<ErrorCode, E> {
        i32::try_from(value)
            .map(ErrorCode::new)
            .map_err(|_| out_of_range(value))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<ErrorCode, E> {
        i32::try_from(value)
            .map(ErrorCode::new)
            .map_err(|_| out_of_range(value))
    }

    // serde_json reads an integer literal beyond the 64-bit range as a float:
    // report such a number as out of range rather than as "not an integer"
    // (in exponent form, since its low digits are already lost).
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<ErrorCode, E> {
        if value.is_finite() && (value < f64::from(i32::MIN) || value > f64::from(i32::MAX)) {
            Err(out_of_range(format_args!("{value:e}")))
        } else {
            Err(E::invalid_type(Unexpected::Float(value), &self))
        }
    }
}

/// The name as written in the document, such as `"ObjectNotFound"`.
impl Serialize for ErrorKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Exact, case-sensitive name; an unknown name is an error that quotes it.
impl<'de> Deserialize<'de> for ErrorKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KindVisitor)
    }
}

struct KindVisitor;

impl Visitor<'_> for KindVisitor {
    type Value = ErrorKind;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the name of a Parse error kind, such as \"ObjectNotFound\"")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<ErrorKind, E> {
        name.parse().map_err(E::custom)
    }
}

/// The section's anchor, such as `"api-issues"`.
impl Serialize for Category {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.anchor())
    }
}

/// Exact anchor; an unknown anchor is an error that quotes it.
impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(CategoryVisitor)
    }
}

struct CategoryVisitor;

impl Visitor<'_> for CategoryVisitor {
    type Value = Category;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the anchor of a Parse error category, such as \"api-issues\"")
    }

    fn visit_str<E: de::Error>(self, anchor: &str) -> Result<Category, E> {
        anchor.parse().map_err(E::custom)
    }
}
