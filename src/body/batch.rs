//! [`BatchResponse`] and [`BatchItem`]: the answer to a `/batch` request.

use alloc::string::ToString;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use serde_json::Value;

use super::parse_error::{ErrorObject, Rule};
use super::raw::{Captured, Name};
use super::{ExactJson, List, Message, ParseError};

/// One entry of a `/batch` response: `{"success": ...}` or `{"error": {...}}`.
///
/// An item decodes whatever its failing sub-request produced: an object is a
/// [`ParseError`] with or without `code` and `error` (`{}`; a SQLSTATE string
/// code is [`ParseError::unparsed_code`]); any other value is the message of a
/// [`ParseError`] without a code. Any key but one `success` or one `error` is an
/// error: Parse Server writes no other, and guessing would hide a misread body.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum BatchItem {
    /// The sub-request succeeded; the value is its response, kept exactly.
    Success(ExactJson),
    /// The sub-request failed.
    Error(ParseError),
}

impl BatchItem {
    /// The response of a successful sub-request.
    pub fn success(&self) -> Option<&ExactJson> {
        match self {
            BatchItem::Success(value) => Some(value),
            BatchItem::Error(_) => None,
        }
    }

    /// The error of a failed sub-request.
    pub fn error(&self) -> Option<&ParseError> {
        match self {
            BatchItem::Success(_) => None,
            BatchItem::Error(error) => Some(error),
        }
    }
}

/// Decodes the `error` member of a `/batch` item: any JSON value.
fn item_error<E: de::Error>(captured: Captured<'_>) -> Result<ParseError, E> {
    match captured {
        Captured::Text(text) if text.starts_with('{') => {
            ErrorObject(Rule::AnyObject).read_text(&text)
        }
        Captured::Value(value @ Value::Object(_)) => {
            ErrorObject(Rule::AnyObject).read_text(&value.to_string())
        }
        other => Message::from_captured(other).map(ParseError::bare),
    }
}

impl<'de> Deserialize<'de> for BatchItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemVisitor;

        impl<'de> Visitor<'de> for ItemVisitor {
            type Value = BatchItem;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a /batch item (a JSON object with `success` or `error`)")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BatchItem, A::Error> {
                let mut item = None;
                while let Some(Name(name)) = map.next_key()? {
                    let value = match &*name {
                        "success" => BatchItem::Success(map.next_value()?),
                        "error" => BatchItem::Error(item_error(map.next_value()?)?),
                        other => {
                            return Err(de::Error::custom(format_args!(
                                "unexpected field `{other}` in a /batch item: expected only `success` or `error`"
                            )))
                        }
                    };
                    if let Some(first) = &item {
                        return Err(de::Error::custom(match (first, value) {
                            (BatchItem::Success(_), BatchItem::Success(_)) => {
                                "duplicate field `success`"
                            }
                            (BatchItem::Error(_), BatchItem::Error(_)) => "duplicate field `error`",
                            _ => "a /batch item has both `success` and `error`",
                        }));
                    }
                    item = Some(value);
                }
                item.ok_or_else(|| {
                    de::Error::custom("a /batch item has neither `success` nor `error`")
                })
            }
        }

        deserializer.deserialize_map(ItemVisitor)
    }
}

impl Serialize for BatchItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            BatchItem::Success(value) => serializer.collect_map([("success", value)]),
            BatchItem::Error(error) => serializer.collect_map([("error", error)]),
        }
    }
}

/// A whole `/batch` response: one [`BatchItem`] per sub-request, in request order.
///
/// Only a response that is not an array of items with one `success` or one
/// `error` each fails to decode, naming the index of the item at fault; one
/// odd item never sinks the others. A batch request that fails as a whole gets
/// a single error body: decode a non-2xx response as a [`ParseError`].
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct BatchResponse {
    items: Vec<BatchItem>,
}

impl BatchResponse {
    /// Every item, in request order.
    pub fn items(&self) -> &[BatchItem] {
        &self.items
    }

    /// Every item, in request order.
    pub fn into_items(self) -> Vec<BatchItem> {
        self.items
    }

    /// The failed sub-requests with their index in the request.
    pub fn errors(&self) -> impl Iterator<Item = (usize, &ParseError)> {
        self.items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| item.error().map(|error| (index, error)))
    }
}

impl<'de> Deserialize<'de> for BatchResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let expecting = "a /batch response (a JSON array of `success` and `error` items)";
        let items = List::new(expecting, ["/batch item ", ""]).deserialize(deserializer)?;
        Ok(BatchResponse { items })
    }
}

impl Serialize for BatchResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(serializer)
    }
}
