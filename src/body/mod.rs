//! The error bodies a Parse Server sends, decoded losslessly with serde.
//!
//! Shapes, as parse-server 8.6 writes them:
//! - REST: `{"code":101,"error":"Object not found."}`; `{"code":1,"message":"Internal server error."}`;
//!   `{"error":"unauthorized"}` without a code; an `error` that is any JSON value; a `code`
//!   that Cloud Code threw as something other than an integer.
//! - `/batch`: an array of `{"success":{...}}` and `{"error":{...}}`, where the error object
//!   is whatever the failing sub-request produced: `{"code":N,"error":"..."}`, a database
//!   error with a SQLSTATE string as its code, or `{}`.
//! - LiveQuery: `{"op":"error","error":"...","code":N,"reconnect":true,"requestId":1}`.
//! - GraphQL: `{"errors":[{"message":"...","locations":[...],"path":[...],"extensions":{"code":N}}],"data":...}`.
//!
//! Every type keeps what it does not interpret as [`ExactJson`] and writes the
//! members of an object back in the order received, so that a body re-encodes to
//! the text it came as.

mod batch;
mod exact;
mod graphql;
mod json_text;
mod live_query;
mod parse_error;

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::ErrorCode;

pub use batch::{BatchItem, BatchResponse};
pub use exact::ExactJson;
pub use graphql::{GraphQlError, GraphQlLocation, GraphQlPathSegment, GraphQlResponse};
pub use live_query::LiveQueryError;
pub use parse_error::ParseError;

use exact::Captured;
use json_text::canonical_integer;

/// A member name, read without allocating unless it has to be kept.
enum Key {
    Code,
    Error,
    Message,
    Op,
    Reconnect,
    RequestId,
    Success,
    Errors,
    Data,
    Extensions,
    Other(String),
}

impl Key {
    fn from_name(name: &str) -> Key {
        match name {
            "code" => Key::Code,
            "error" => Key::Error,
            "message" => Key::Message,
            "op" => Key::Op,
            "reconnect" => Key::Reconnect,
            "requestId" => Key::RequestId,
            "success" => Key::Success,
            "errors" => Key::Errors,
            "data" => Key::Data,
            "extensions" => Key::Extensions,
            other => Key::Other(other.into()),
        }
    }

    fn from_owned_name(name: String) -> Key {
        match Key::from_name(&name) {
            Key::Other(_) => Key::Other(name),
            known => known,
        }
    }

    fn into_name(self) -> String {
        match self {
            Key::Code => "code".into(),
            Key::Error => "error".into(),
            Key::Message => "message".into(),
            Key::Op => "op".into(),
            Key::Reconnect => "reconnect".into(),
            Key::RequestId => "requestId".into(),
            Key::Success => "success".into(),
            Key::Errors => "errors".into(),
            Key::Data => "data".into(),
            Key::Extensions => "extensions".into(),
            Key::Other(name) => name,
        }
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl Visitor<'_> for KeyVisitor {
            type Value = Key;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
                Ok(Key::from_name(name))
            }

            fn visit_string<E: de::Error>(self, name: String) -> Result<Key, E> {
                Ok(Key::from_owned_name(name))
            }

            // Some binary formats hand map keys over as bytes.
            fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Key, E> {
                match core::str::from_utf8(name) {
                    Ok(name) => self.visit_str(name),
                    Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(name), &self)),
                }
            }
        }

        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Where a member that a type reads into a field of its own stood among the
/// members it keeps as extra fields, so that encoding restores the received
/// order.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
struct Slot {
    /// How many extra fields came before it.
    extras_before: u32,
    /// Its index among all the members of the object.
    order: u32,
}

impl Slot {
    /// The first and second member of a body the crate builds itself.
    const FIRST: Slot = Slot {
        extras_before: 0,
        order: 0,
    };
    const SECOND: Slot = Slot {
        extras_before: 0,
        order: 1,
    };
}

/// A count of members, as kept in a [`Slot`]: no object in memory has more than
/// `u32::MAX` members, and saturating keeps the order right should one have.
fn count_u32(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// The members of an object being read: the ones kept as extra fields, and a
/// count of all of them to give each of a type's own members its [`Slot`].
#[derive(Default)]
struct Members {
    extra: Vec<(String, ExactJson)>,
    count: usize,
}

/// Up to this many extra fields, a duplicate name is looked for as each one is
/// read; beyond it, once at the end by sorting, so that an object with very
/// many members costs no quadratic time.
const LINEAR_DUPLICATE_CHECK: usize = 32;

impl Members {
    /// The slot of the member being read, which the type keeps itself.
    fn own_slot(&mut self) -> Slot {
        let slot = Slot {
            extras_before: count_u32(self.extra.len()),
            order: count_u32(self.count),
        };
        self.count += 1;
        slot
    }

    /// Keeps a member as an extra field, when the caller has ruled out a
    /// duplicate name.
    fn push_extra(&mut self, name: String, value: ExactJson) {
        self.extra.push((name, value));
        self.count += 1;
    }

    /// Keeps the member `key` as an extra field.
    fn read_extra<E: de::Error>(&mut self, key: Key, value: Captured<'_>) -> Result<(), E> {
        let name = key.into_name();
        if self.extra.len() < LINEAR_DUPLICATE_CHECK
            && self.extra.iter().any(|(key, _)| *key == name)
        {
            return Err(duplicate(&name));
        }
        let value = ExactJson::from_captured(value)?;
        self.push_extra(name, value);
        Ok(())
    }

    /// The extra fields, once every member is read.
    fn finish<E: de::Error>(self) -> Result<Vec<(String, ExactJson)>, E> {
        if self.extra.len() > LINEAR_DUPLICATE_CHECK {
            let mut names: Vec<&str> = self.extra.iter().map(|(name, _)| name.as_str()).collect();
            names.sort_unstable();
            if let Some(pair) = names.windows(2).find(|pair| pair[0] == pair[1]) {
                return Err(duplicate(pair[0]));
            }
        }
        Ok(self.extra)
    }
}

/// The message of an error serde_json reports about a piece of text the crate
/// hands it (a string token with escapes): its position is within that piece,
/// not within the body, so it is left out.
fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    if error.line() == 0 {
        return text;
    }
    let suffix = alloc::format!(" at line {} column {}", error.line(), error.column());
    match text.strip_suffix(&suffix) {
        Some(message) => message.into(),
        None => text,
    }
}

fn duplicate<E: de::Error>(name: &str) -> E {
    E::custom(format_args!("duplicate field `{name}`"))
}

/// Writes the extra fields and, between them where they stood, a type's own
/// members (`own`: a slot and an id that `write_own` writes).
fn write_in_received_order<M, F>(
    map: &mut M,
    extra: &[(String, ExactJson)],
    own: &mut [(Slot, u8)],
    mut write_own: F,
) -> Result<(), M::Error>
where
    M: SerializeMap,
    F: FnMut(&mut M, u8) -> Result<(), M::Error>,
{
    own.sort_unstable_by_key(|(slot, _)| slot.order);
    let mut next = 0;
    for (index, (name, value)) in extra.iter().enumerate() {
        while let Some(&(slot, id)) = own.get(next) {
            if slot.extras_before as usize > index {
                break;
            }
            write_own(map, id)?;
            next += 1;
        }
        map.serialize_entry(name, value)?;
    }
    for &(_, id) in own.get(next..).unwrap_or_default() {
        write_own(map, id)?;
    }
    Ok(())
}

/// Whether two lists of extra fields hold the same members, in any order.
fn same_members(a: &[(String, ExactJson)], b: &[(String, ExactJson)]) -> bool {
    a.len() == b.len()
        && a.iter().all(|(name, value)| {
            b.iter()
                .any(|(other_name, other)| other_name == name && other == value)
        })
}

/// The `code` member of an error: a 32-bit integer is an [`ErrorCode`]; any other
/// value (a SQLSTATE string, a float, `null`, an object, an integer beyond
/// `i32`) is kept as it came.
#[derive(Clone, PartialEq, Eq, Debug)]
enum Code {
    Absent,
    Known(ErrorCode),
    // Boxed: rare, and it would make every body larger to move around.
    Unparsed(Box<ExactJson>),
}

impl Code {
    fn from_captured<E: de::Error>(captured: Captured<'_>) -> Result<Code, E> {
        match captured {
            Captured::Text(text) => {
                match canonical_integer(&text).and_then(|code| i32::try_from(code).ok()) {
                    Some(code) => Ok(Code::Known(ErrorCode::new(code))),
                    None => ExactJson::from_text(&text)
                        .map(|code| Code::Unparsed(Box::new(code)))
                        .map_err(E::custom),
                }
            }
            Captured::Value(value) => {
                match value.as_i64().and_then(|code| i32::try_from(code).ok()) {
                    Some(code) => Ok(Code::Known(ErrorCode::new(code))),
                    None => Ok(Code::Unparsed(Box::new(ExactJson::from(value)))),
                }
            }
        }
    }

    #[inline]
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

/// A message: most often a plain string, which is kept as a `Value` (its
/// serde_json encoding is the text received); anything else, including a string
/// written with escapes, is kept exactly.
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
                    .map_err(E::custom),
            },
            Captured::Value(Value::String(text)) => Ok(Message::Text(Value::String(text))),
            Captured::Value(other) => Ok(Message::Json(Box::new(ExactJson::from(other)))),
        }
    }

    #[inline]
    fn value(&self) -> &Value {
        match self {
            Message::Text(value) => value,
            Message::Json(json) => json.value(),
        }
    }

    /// The string, or the exact JSON text of any other value.
    #[inline]
    fn text(&self) -> Cow<'_, str> {
        match self {
            Message::Text(Value::String(text)) => Cow::Borrowed(text),
            Message::Text(other) => Cow::Owned(alloc::string::ToString::to_string(other)),
            Message::Json(json) => match json.value() {
                Value::String(text) => Cow::Borrowed(text),
                _ => Cow::Borrowed(json.as_raw().get()),
            },
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

/// The text between the quotes of a JSON string token without escapes, which
/// serde_json writes back the same way. The token comes from serde_json, which
/// has checked that it has no unescaped quote or control character, so only the
/// backslash is looked for (a fast `memchr`): this runs for many bodies. (Text
/// from another deserializer that mimics serde_json's could put a raw quote or
/// control character into the message; serde_json escapes it when writing.)
fn plain_string(token: &str) -> Option<&str> {
    let inner = token.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains('\\')).then_some(inner)
}

/// `101 UserInvalidLoginParams/ObjectNotFound: message`; a code that is not an
/// `i32` as its JSON text (`"23505": message`); the code alone without a message
/// (or with an empty one), the message alone without a code, and words rather
/// than nothing when there is neither.
fn fmt_error(f: &mut fmt::Formatter<'_>, code: &Code, message: Option<&Message>) -> fmt::Result {
    let message = message.map(Message::text);
    let message = message.as_deref();
    match (code, message) {
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
fn found_members<'a>(names: impl Iterator<Item = &'a str> + Clone) -> impl fmt::Display {
    struct Found<I>(I);

    impl<'a, I: Iterator<Item = &'a str> + Clone> fmt::Display for Found<I> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            const SHOWN: usize = 8;
            let mut count = 0;
            for name in self.0.clone() {
                if count == SHOWN {
                    return f.write_str(", …");
                }
                let separator = if count == 0 { "" } else { ", " };
                write!(f, "{separator}`{name}`")?;
                count += 1;
            }
            if count == 0 {
                f.write_str("no fields")?;
            }
            Ok(())
        }
    }

    Found(names)
}
