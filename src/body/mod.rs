//! The error bodies a Parse Server sends (REST, `/batch`, LiveQuery, GraphQL;
//! parse-server 7.x to 9.x), decoded losslessly with serde.
//!
//! Every type reads the members it interprets into fields of its own, keeps the
//! others as [`ExactJson`] (exact text, see `raw.rs`) and lists all of them in
//! the order received ([`Member`]) to write them back.

mod batch;
mod exact;
mod graphql;
mod live_query;
mod parse_error;
mod raw;

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::ErrorCode;

pub use batch::{BatchItem, BatchResponse};
pub use exact::ExactJson;
pub use graphql::{GraphQlError, GraphQlLocation, GraphQlPathSegment, GraphQlResponse};
pub use live_query::LiveQueryError;
pub use parse_error::ParseError;

use exact::custom;
use raw::Captured;

/// A member in the order received: one of a type's own, or its next extra field.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Member {
    Extra,
    Code,
    Message,
    Op,
    Reconnect,
    RequestId,
    Errors,
    Data,
    Extensions,
}

/// The order of all members, and the extra fields; equal when those are, in any order.
#[derive(Clone, Debug, Default)]
struct Members {
    order: Vec<Member>,
    extra: Vec<(String, ExactJson)>,
}

impl Members {
    /// Records one of the type's own members; an error if it came before.
    fn own<E: de::Error>(&mut self, member: Member, name: &'static str) -> Result<(), E> {
        if self.order.contains(&member) {
            return Err(duplicate(name));
        }
        self.order.push(member);
        Ok(())
    }

    /// Keeps a member as an extra field.
    fn extra<E: de::Error>(&mut self, name: Cow<'_, str>, value: Captured<'_>) -> Result<(), E> {
        let value = ExactJson::from_captured(value)?;
        self.extra.push((name.into_owned(), value));
        self.order.push(Member::Extra);
        Ok(())
    }

    /// Checks the names of the extra fields for duplicates, once all are read
    /// (sorted: no quadratic time for an object with very many members).
    fn finish<E: de::Error>(self) -> Result<Self, E> {
        if self.extra.len() > 1 {
            let mut names: Vec<&str> = self.extra.iter().map(|(name, _)| name.as_str()).collect();
            names.sort_unstable();
            if let Some(pair) = names.windows(2).find(|pair| pair[0] == pair[1]) {
                return Err(duplicate(pair[0]));
            }
        }
        Ok(self)
    }
}

fn duplicate<E: de::Error>(name: &str) -> E {
    E::custom(format_args!("duplicate field `{name}`"))
}

/// Writes the members in `order`: the next of `extra` for each [`Member::Extra`].
fn write_in_order<M: SerializeMap>(
    map: &mut M,
    order: &[Member],
    extra: &[(String, ExactJson)],
    mut write_own: impl FnMut(&mut M, Member) -> Result<(), M::Error>,
) -> Result<(), M::Error> {
    let mut extra = extra.iter();
    for &member in order {
        if member != Member::Extra {
            write_own(map, member)?;
        } else if let Some((name, value)) = extra.next() {
            map.serialize_entry(name, value)?;
        }
    }
    Ok(())
}

/// An object's members, written in the order given.
struct Object<'a>(&'a [(String, ExactJson)]);

impl Serialize for Object<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(name, value)| (name, value)))
    }
}

/// A JSON array of `T` whose errors name the index of the element at fault
/// (between the two `label`s): serde_json's positions are hard to map back.
struct List<T> {
    expecting: &'static str,
    label: [&'static str; 2],
    item: PhantomData<T>,
}

impl<T> List<T> {
    fn new(expecting: &'static str, label: [&'static str; 2]) -> Self {
        List {
            expecting,
            label,
            item: PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for List<T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for List<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) =
            seq.next_element_seed(Indexed(items.len(), self.label, PhantomData))?
        {
            items.push(item);
        }
        Ok(items)
    }
}

struct Indexed<T>(usize, [&'static str; 2], PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Indexed<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        let Indexed(index, [before, after], _) = self;
        T::deserialize(deserializer)
            .map_err(|error| de::Error::custom(format_args!("{before}{index}{after}: {error}")))
    }
}

impl PartialEq for Members {
    fn eq(&self, other: &Members) -> bool {
        let (a, b) = (&self.extra, &other.extra);
        a.len() == b.len() && a.iter().all(|member| b.contains(member))
    }
}

impl Eq for Members {}

/// The value of the member `name`.
fn find<'a>(members: &'a [(String, ExactJson)], name: &str) -> Option<&'a ExactJson> {
    members
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

/// The `i32` that the text of a JSON value stands for when serde_json writes
/// it back the same way: not `-0`, `1.0` or `1e2`. (JSON has no `+1` or `01`.)
fn i32_of_text(text: &str) -> Option<i32> {
    (text != "-0").then(|| text.parse().ok()).flatten()
}

/// The `code` member of an error: an [`ErrorCode`] when it is an `i32`, else kept.
#[derive(Clone, PartialEq, Eq, Debug)]
enum Code {
    Absent,
    Known(ErrorCode),
    // Boxed: rare, and it would make every body larger to move around.
    Unparsed(Box<ExactJson>),
}

impl Code {
    fn from_captured<E: de::Error>(captured: Captured<'_>) -> Result<Code, E> {
        let code = match &captured {
            Captured::Text(text) => i32_of_text(text),
            Captured::Value(value) => value.as_i64().and_then(|code| code.try_into().ok()),
        };
        match code {
            Some(code) => Ok(Code::Known(ErrorCode::new(code))),
            None => ExactJson::from_captured(captured).map(|code| Code::Unparsed(Box::new(code))),
        }
    }

    fn from_exact(code: &ExactJson) -> Code {
        match i32_of_text(code.as_raw().get()) {
            Some(code) => Code::Known(ErrorCode::new(code)),
            None => Code::Unparsed(Box::new(code.clone())),
        }
    }

    fn known(&self) -> Option<ErrorCode> {
        match self {
            Code::Known(code) => Some(*code),
            Code::Absent | Code::Unparsed(_) => None,
        }
    }

    fn unparsed(&self) -> Option<&ExactJson> {
        match self {
            Code::Unparsed(code) => Some(code),
            Code::Absent | Code::Known(_) => None,
        }
    }

    fn is_present(&self) -> bool {
        !matches!(self, Code::Absent)
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Code::Known(code) => code.serialize(serializer),
            Code::Unparsed(code) => code.serialize(serializer),
            // Never written: an absent code is not a member.
            Code::Absent => serializer.serialize_unit(),
        }
    }
}

/// A message: a string without escapes as a `Value::String` (which serde_json
/// writes as received); anything else exactly.
#[derive(Clone, Debug)]
enum Message {
    /// Always a `Value::String`.
    Text(Value),
    // Boxed: rare, and it would make every body larger to move around.
    Json(Box<ExactJson>),
}

impl Message {
    fn from_captured<E: de::Error>(captured: Captured<'_>) -> Result<Message, E> {
        match captured {
            Captured::Text(text) => match plain_string(&text) {
                Some(plain) => Ok(Message::Text(Value::String(plain.into()))),
                None => ExactJson::from_text(&text)
                    .map(|json| Message::Json(Box::new(json)))
                    .map_err(custom),
            },
            Captured::Value(Value::String(text)) => Ok(Message::Text(Value::String(text))),
            Captured::Value(other) => Ok(Message::Json(Box::new(ExactJson::from(other)))),
        }
    }

    /// A kept value as a message: as [`Message::Text`] when it is a plain string.
    fn from_exact(json: ExactJson) -> Message {
        match plain_string(json.as_raw().get()) {
            Some(_) => Message::Text(json.into_value()),
            None => Message::Json(Box::new(json)),
        }
    }

    fn value(&self) -> &Value {
        match self {
            Message::Text(value) => value,
            Message::Json(json) => json.value(),
        }
    }

    /// The string (U+FFFD for an unpaired surrogate), or the exact JSON text
    /// of any other value.
    fn text(&self) -> Cow<'_, str> {
        match (self, self.value()) {
            (_, Value::String(text)) => Cow::Borrowed(text),
            (Message::Json(json), _) => Cow::Borrowed(json.as_raw().get()),
            (Message::Text(other), _) => Cow::Owned(alloc::string::ToString::to_string(other)),
        }
    }
}

impl PartialEq for Message {
    fn eq(&self, other: &Message) -> bool {
        self.value() == other.value()
    }
}

impl Eq for Message {}

impl Serialize for Message {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Message::Text(value) => value.serialize(serializer),
            Message::Json(json) => json.serialize(serializer),
        }
    }
}

/// The text between the quotes of a JSON string token (checked by serde_json)
/// without escapes, which serde_json writes back the same way.
fn plain_string(token: &str) -> Option<&str> {
    let inner = token.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains('\\')).then_some(inner)
}

/// `101 UserInvalidLoginParams/ObjectNotFound: message`, `"23505": message`
/// (a non-`i32` code as its text), either alone, or words when there is neither.
fn fmt_error(f: &mut fmt::Formatter<'_>, code: &Code, message: Option<&Message>) -> fmt::Result {
    let message = message.map(Message::text);
    match (code, message.as_deref()) {
        (Code::Known(code), None | Some("")) => write!(f, "{code}"),
        (Code::Known(code), Some(message)) => write!(f, "{code}: {message}"),
        (Code::Unparsed(code), None | Some("")) => write!(f, "{code}"),
        (Code::Unparsed(code), Some(message)) => write!(f, "{code}: {message}"),
        (Code::Absent, Some("")) => f.write_str("error with an empty message and no code"),
        (Code::Absent, Some(message)) => f.write_str(message),
        (Code::Absent, None) => f.write_str("error without code or message"),
    }
}

/// Lists the names of the members an object had, up to eight.
fn found_members<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.map(|name| alloc::format!("`{name}`")).collect();
    match names.len() {
        0 => "no fields".into(),
        1..=8 => names.join(", "),
        _ => names[..8].join(", ") + ", …",
    }
}
