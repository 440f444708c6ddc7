//! [`ParseError`]: the error body of Parse Server's REST API and of a failed
//! `/batch` sub-request.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use super::exact::{Captured, FirstKey, RawText, RAW_VALUE_TOKEN};
use super::json_text::{invalid_type, ObjectText};
use super::{
    fmt_error, found_members, same_members, write_in_received_order, Code, ExactJson, Key, Members,
    Message, Slot,
};
use crate::{ErrorCode, ErrorKind};

/// An error body from a Parse Server, such as `{"code":101,"error":"Object not found."}`.
///
/// Decoding accepts every shape a Parse Server sends and keeps everything in
/// it: the code whatever its JSON type, the message whatever its JSON type, and
/// any other field. Serializing writes the members back in the order received,
/// so a proxy passes errors through unchanged.
///
/// ```
/// use parse_error_codes::{ErrorCode, ErrorKind, ParseError};
///
/// let body = br#"{"code":101,"error":"Object not found."}"#;
/// let error: ParseError = serde_json::from_slice(body)?;
/// assert_eq!(error.code(), Some(ErrorCode::OBJECT_NOT_FOUND));
/// assert_eq!(error.message(), "Object not found.");
/// assert_eq!(error.kinds(), [ErrorKind::UserInvalidLoginParams, ErrorKind::ObjectNotFound]);
/// assert_eq!(
///     error.to_string(),
///     "101 UserInvalidLoginParams/ObjectNotFound: Object not found."
/// );
/// assert_eq!(serde_json::to_vec(&error)?, body);
///
/// // The server's middleware answers some failures without a code.
/// let error: ParseError = serde_json::from_slice(br#"{"error":"unauthorized"}"#)?;
/// assert_eq!(error.code(), None);
/// assert_eq!(error.kinds(), []);
///
/// // A code that is not a 32-bit integer is kept as it came, not rejected.
/// let body = br#"{"code":"22007","error":"invalid input syntax for type date"}"#;
/// let error: ParseError = serde_json::from_slice(body)?;
/// assert_eq!(error.code(), None);
/// assert_eq!(error.unparsed_code().map(|code| code.to_string()), Some(r#""22007""#.into()));
/// assert_eq!(serde_json::to_vec(&error)?, body);
///
/// // Anything else is a decode error, never a made-up code.
/// assert!(serde_json::from_slice::<ParseError>(br#"{"results":[]}"#).is_err());
/// assert!(serde_json::from_slice::<ParseError>(b"<!DOCTYPE html>").is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # Decoding rules
/// - A body is an error body when it is a JSON object with a `code` or an
///   `error` member, or both, whatever their JSON values. The message is
///   `error`; when `error` is absent, `message` (Parse Server's key for
///   internal errors) takes its place. A `message` next to an `error` is kept
///   as an extra field.
/// - A `code` that is an integer in the `i32` range is the [`code`](Self::code);
///   any other value (a PostgreSQL SQLSTATE string such as `"23505"` passed
///   through by a failing sub-request, a float such as `101.0`, `null`, an
///   object, an integer beyond `i32`, `-0`) leaves `code()` `None` and is kept
///   exactly, as [`unparsed_code`](Self::unparsed_code).
/// - `{"message": "..."}` alone is not a Parse error body (API gateways send
///   that shape), nor is an object without `code` and `error` such as
///   `{"results":[]}` or `{}`, an array, a string, or anything that is not JSON.
///   A `/batch` item is more lenient: its `error` is always an error, see
///   [`BatchItem`](crate::BatchItem).
/// - A member name that appears twice is an error: JSON leaves its meaning open
///   (JavaScript keeps the last one, other decoders the first), and picking one
///   silently could report the wrong code.
/// - A non-string message, a non-`i32` code and the extra fields are kept as
///   [`ExactJson`]: re-encoded as received, numbers and nested member order
///   included. A string message is re-encoded as received too, escapes
///   included.
/// - Encoding writes the members in the order received, without whitespace.
///   Member names are written as serde_json escapes them (a name sent as
///   `"\u0063ode"` is read as `code` and written as `"code"`).
#[derive(Clone)]
pub struct ParseError {
    pub(super) code: Code,
    pub(super) message: Option<Message>,
    pub(super) message_key: MessageKey,
    /// The extra fields, and where the code and the message stood among them
    /// and among a LiveQuery message's own members. `None` for the usual body
    /// (no extra fields, the code before the message): kept out of line so that
    /// a body stays small to move around.
    pub(super) layout: Option<Box<Layout>>,
}

/// See [`ParseError::layout`].
#[derive(Clone, Debug)]
pub(super) struct Layout {
    extra: Vec<(String, ExactJson)>,
    code_slot: Slot,
    message_slot: Slot,
}

/// The slots of the code and of the message without a [`Layout`].
fn usual_slots(has_code: bool) -> (Slot, Slot) {
    if has_code {
        (Slot::FIRST, Slot::SECOND)
    } else {
        (Slot::FIRST, Slot::FIRST)
    }
}

impl ParseError {
    fn with_layout(
        code: Code,
        message: Option<Message>,
        message_key: MessageKey,
        extra: Vec<(String, ExactJson)>,
        code_slot: Slot,
        message_slot: Slot,
    ) -> ParseError {
        let (usual_code_slot, usual_message_slot) = usual_slots(code.is_present());
        let usual = extra.is_empty()
            && (!code.is_present() || code_slot == usual_code_slot)
            && (message.is_none() || message_slot == usual_message_slot);
        let layout = (!usual).then(|| {
            Box::new(Layout {
                extra,
                code_slot,
                message_slot,
            })
        });
        ParseError {
            code,
            message,
            message_key,
            layout,
        }
    }

    fn slots(&self) -> (Slot, Slot) {
        match &self.layout {
            Some(layout) => (layout.code_slot, layout.message_slot),
            None => usual_slots(self.code.is_present()),
        }
    }
}

/// The members, without the bookkeeping of their order.
impl fmt::Debug for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseError")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("message_key", &self.message_key)
            .field("extra", &self.extra_fields())
            .finish()
    }
}

/// The key the message was sent under: Parse Server uses `error` except for
/// unexpected internal failures, which it reports under `message`. `Bare` is a
/// `/batch` item whose `error` is not an object: the whole value is the message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum MessageKey {
    Error,
    Message,
    Bare,
}

impl MessageKey {
    fn as_str(self) -> &'static str {
        match self {
            MessageKey::Error | MessageKey::Bare => "error",
            MessageKey::Message => "message",
        }
    }
}

impl ParseError {
    /// The body `{"code": code, "error": message}`, as Parse Server sends for a
    /// `Parse.Error`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ParseError {
            code: Code::Known(code),
            message: Some(Message::Text(Value::String(message.into()))),
            message_key: MessageKey::Error,
            layout: None,
        }
    }

    /// A `/batch` error item whose `error` is not a JSON object: the value is the
    /// message, and encoding writes it alone.
    pub(super) fn bare(message: Message) -> Self {
        ParseError {
            code: Code::Absent,
            message: Some(message),
            message_key: MessageKey::Bare,
            layout: None,
        }
    }

    /// The code; `None` for the bodies the server sends without one (bad keys,
    /// malformed request JSON, oversized requests) and for a `code` that is not
    /// a 32-bit integer (see [`unparsed_code`](Self::unparsed_code)).
    #[inline]
    pub fn code(&self) -> Option<ErrorCode> {
        self.code.known()
    }

    /// The `code` member exactly as sent when it is present but not an integer
    /// in the `i32` range: a PostgreSQL SQLSTATE string such as `"23505"` that a
    /// failing `/batch` sub-request passed through, a value Cloud Code threw as
    /// the code, a float, `null`, an object, an integer beyond `i32`. `None` when
    /// the code is an `i32` ([`code`](Self::code) is then `Some`) or absent.
    ///
    /// ```
    /// use parse_error_codes::{BatchResponse, ExactJson};
    /// use serde_json::json;
    ///
    /// let body = br#"[{"error":{"code":"23505","error":"duplicate key value violates unique constraint"}}]"#;
    /// let batch: BatchResponse = serde_json::from_slice(body)?;
    /// let error = batch.items()[0].error().unwrap();
    /// assert_eq!(error.code(), None);
    /// let sqlstate = error.unparsed_code().and_then(|code| code.value().as_str());
    /// assert_eq!(sqlstate, Some("23505"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn unparsed_code(&self) -> Option<&ExactJson> {
        self.code.unparsed()
    }

    /// The message as text: the string the server sent, or the exact JSON text
    /// of a non-string `error` (Cloud Code may throw an object or a number), or
    /// `""` when the body has no message.
    #[inline]
    pub fn message(&self) -> Cow<'_, str> {
        match &self.message {
            Some(message) => message.text(),
            None => Cow::Borrowed(""),
        }
    }

    /// The message as a JSON value: `None` when absent, otherwise its value
    /// (`Value::Null` for `"error": null`), numbers parsed as
    /// [`ExactJson::value`] parses them.
    #[inline]
    pub fn message_value(&self) -> Option<&Value> {
        self.message.as_ref().map(Message::value)
    }

    /// The documented kinds for the code, in document order; empty when there
    /// is no `i32` code or the document does not list it.
    pub fn kinds(&self) -> &'static [ErrorKind] {
        match self.code() {
            Some(code) => code.kinds(),
            None => &[],
        }
    }

    /// The members other than `code` and the message, in the order received.
    pub fn extra_fields(&self) -> &[(String, ExactJson)] {
        match &self.layout {
            Some(layout) => &layout.extra,
            None => &[],
        }
    }

    /// The extra field with this name, if the body has one.
    pub fn extra_field(&self, name: &str) -> Option<&ExactJson> {
        self.extra_fields()
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    /// The body from the text of the shapes Parse Server writes for almost every
    /// error, `{"code":N,"error":"..."}`, `{"code":N,"message":"..."}`,
    /// `{"code":N}` and `{"error":"..."}`, written as Parse Server writes them:
    /// no whitespace, an `i32` code, a string without escapes. `None` for any
    /// other text, which the general reader takes. This is the hot path of every
    /// decoded body, and gives the same result as the general reader
    /// (`xtask/tests/body_properties.rs` checks it).
    #[inline]
    fn from_canonical_text(text: &str) -> Option<ParseError> {
        let (code, rest) = match text.strip_prefix("{\"code\":") {
            Some(rest) => {
                let (code, rest) = leading_code(rest)?;
                if rest == "}" {
                    return Some(ParseError {
                        code: Code::Known(ErrorCode::new(code)),
                        message: None,
                        message_key: MessageKey::Error,
                        layout: None,
                    });
                }
                (Some(code), rest.strip_prefix(',')?)
            }
            None => (None, text.strip_prefix('{')?),
        };
        let (message_key, message) = match rest.strip_prefix("\"error\":\"") {
            Some(message) => (MessageKey::Error, message),
            None if code.is_some() => (MessageKey::Message, rest.strip_prefix("\"message\":\"")?),
            None => return None,
        };
        let message = message.strip_suffix("\"}")?;
        if has_quote_or_backslash(message.as_bytes()) {
            return None;
        }
        // The `Code` is built only here, in the result: building it earlier made
        // the compiler move a half-written enum (a store-forwarding stall).
        Some(ParseError {
            code: match code {
                Some(code) => Code::Known(ErrorCode::new(code)),
                None => Code::Absent,
            },
            message: Some(Message::Text(Value::String(message.into()))),
            message_key,
            layout: None,
        })
    }

    /// The number of members encoding writes.
    pub(super) fn member_count(&self) -> usize {
        usize::from(self.code.is_present())
            + usize::from(self.message.is_some())
            + self.extra_fields().len()
    }

    /// The code and the message, as members a type writes itself (ids 0 and 1
    /// for [`ParseError::write_own`]).
    pub(super) fn own_members(&self) -> impl Iterator<Item = (Slot, u8)> {
        let (code_slot, message_slot) = self.slots();
        let code = self.code.is_present().then_some((code_slot, 0));
        let message = self.message.is_some().then_some((message_slot, 1));
        code.into_iter().chain(message)
    }

    pub(super) fn write_own<M: SerializeMap>(&self, map: &mut M, id: u8) -> Result<(), M::Error> {
        match (id, &self.message) {
            (0, _) => map.serialize_entry("code", &self.code),
            (_, Some(message)) => map.serialize_entry(self.message_key.as_str(), message),
            (_, None) => Ok(()),
        }
    }
}

/// The `i32` written canonically (as serde_json writes it) at the start of
/// `text`, and the rest of `text`; `None` for anything else, such as `-0`, a
/// fraction, an exponent or an integer beyond `i32`.
#[inline]
fn leading_code(text: &str) -> Option<(i32, &str)> {
    let bytes = text.as_bytes();
    let negative = bytes.first() == Some(&b'-');
    let start = usize::from(negative);
    let mut end = start;
    let mut magnitude: i64 = 0;
    while let Some(&digit) = bytes.get(end) {
        if !digit.is_ascii_digit() {
            break;
        }
        // `i32::MIN` has ten digits: an eleventh is out of range anyway.
        if end - start == 10 {
            return None;
        }
        magnitude = magnitude * 10 + i64::from(digit - b'0');
        end += 1;
    }
    let digits = end - start;
    // A leading zero is `0` alone; `-0` is not an integer's canonical text.
    if digits == 0 || (bytes[start] == b'0' && (digits > 1 || negative)) {
        return None;
    }
    let code = i32::try_from(if negative { -magnitude } else { magnitude }).ok()?;
    Some((code, text.get(end..)?))
}

/// Whether `bytes` holds a `"` or a `\\`, eight bytes at a time, the last
/// word overlapping the one before it rather than a byte loop for the tail:
/// messages are short, and on them this beats `memchr` twice or a vectorized
/// loop with its scalar tail.
fn has_quote_or_backslash(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // The classic zero-byte test, for each of the two bytes.
    let has = |chunk: &[u8]| {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_ne_bytes(word);
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        ((quote.wrapping_sub(ONES) & !quote) | (backslash.wrapping_sub(ONES) & !backslash)) & HIGHS
            != 0
    };
    match bytes.len().checked_sub(8) {
        None => bytes.iter().any(|&byte| byte == b'"' || byte == b'\\'),
        Some(last) => bytes.chunks_exact(8).any(has) || has(&bytes[last..]),
    }
}

/// Equal when the members are: the same code, message (as JSON values), key of
/// the message and extra fields, in any order.
impl PartialEq for ParseError {
    fn eq(&self, other: &ParseError) -> bool {
        self.code == other.code
            && self.message == other.message
            && self.message_key == other.message_key
            && same_members(self.extra_fields(), other.extra_fields())
    }
}

impl Eq for ParseError {}

/// `101 UserInvalidLoginParams/ObjectNotFound: Object not found.`; the code
/// alone when there is no message, the message alone when there is no code. A
/// code that is not an `i32` is shown as its JSON text: `"23505": duplicate key…`.
impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_error(f, &self.code, self.message.as_ref())
    }
}

impl core::error::Error for ParseError {}

/// Whether a decoded object must be an error body, or may be any object.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Rule {
    /// A `code` or an `error` member is required.
    ErrorBody,
    /// Any object: the `error` member of a `/batch` item.
    AnyObject,
}

/// The members of an error body, gathered in one pass.
#[derive(Default)]
pub(super) struct BodyFields {
    members: Members,
    code: Option<(Code, Slot)>,
    error: Option<(Message, Slot)>,
    message: Option<(Message, Slot)>,
}

impl BodyFields {
    /// The slot of a member the caller reads itself (LiveQuery's `op`...).
    pub(super) fn own_slot(&mut self) -> Slot {
        self.members.own_slot()
    }

    /// Reads the member `key`, which is not one of the caller's own members.
    pub(super) fn read<E: de::Error>(&mut self, key: Key, value: Captured<'_>) -> Result<(), E> {
        match key {
            Key::Code => {
                if self.code.is_some() {
                    return Err(de::Error::duplicate_field("code"));
                }
                let slot = self.members.own_slot();
                self.code = Some((Code::from_captured(value)?, slot));
            }
            Key::Error => {
                if self.error.is_some() {
                    return Err(de::Error::duplicate_field("error"));
                }
                let slot = self.members.own_slot();
                self.error = Some((Message::from_captured(value)?, slot));
            }
            Key::Message => {
                if self.message.is_some() {
                    return Err(de::Error::duplicate_field("message"));
                }
                let slot = self.members.own_slot();
                self.message = Some((Message::from_captured(value)?, slot));
            }
            other => self.members.read_extra(other, value)?,
        }
        Ok(())
    }

    /// The body, once every member is read; `outer` are the slots of the
    /// caller's own members, which move when `message` turns out to be an extra
    /// field.
    pub(super) fn finish<E: de::Error>(
        self,
        rule: Rule,
        outer: &mut [&mut Slot],
    ) -> Result<ParseError, E> {
        let BodyFields {
            members,
            code,
            error,
            message,
        } = self;
        let mut extra = members.finish()?;
        let (code, mut code_slot) = code.unwrap_or((Code::Absent, Slot::default()));
        let (message, message_slot, message_key) = match (error, message) {
            (Some((error, mut error_slot)), Some((message, message_slot))) => {
                // `message` next to `error` is an extra field, in its place.
                let message = match message {
                    Message::Text(value) => ExactJson::from(value),
                    Message::Json(json) => *json,
                };
                extra.insert(
                    message_slot.extras_before as usize,
                    ("message".into(), message),
                );
                let later = |slot: &&mut Slot| slot.order > message_slot.order;
                for slot in [&mut code_slot, &mut error_slot]
                    .into_iter()
                    .chain(outer.iter_mut().map(|slot| &mut **slot))
                    .filter(later)
                {
                    slot.extras_before += 1;
                }
                (Some(error), error_slot, MessageKey::Error)
            }
            (Some((error, slot)), None) => (Some(error), slot, MessageKey::Error),
            (None, message) if rule == Rule::ErrorBody && !code.is_present() => {
                let names = message
                    .is_some()
                    .then_some("message")
                    .into_iter()
                    .chain(extra.iter().map(|(name, _)| name.as_str()));
                return Err(E::custom(format_args!(
                    "not a Parse error body: it has neither `code` nor `error` (found {})",
                    found_members(names)
                )));
            }
            (None, Some((message, slot))) => (Some(message), slot, MessageKey::Message),
            (None, None) => (None, Slot::default(), MessageKey::Error),
        };
        Ok(ParseError::with_layout(
            code,
            message,
            message_key,
            extra,
            code_slot,
            message_slot,
        ))
    }
}

const BODY_EXPECTED: &str = "a Parse error body (a JSON object with `code` and/or `error`)";

/// Decodes an object under a [`Rule`].
///
/// serde_json is asked for the text of the whole object, which is then read
/// member by member in one pass ([`ObjectText`]): asking serde_json for the text
/// of each member in turn, to keep it exactly, costs about half as much again
/// as a derived struct. Other deserializers give the object member by member.
#[derive(Clone, Copy)]
pub(super) struct ErrorObject(pub(super) Rule);

impl ErrorObject {
    /// Reads the text of an object (or of any value, which is then the wrong type).
    pub(super) fn read_text<E: de::Error>(self, text: &str) -> Result<ParseError, E> {
        if let Some(error) = ParseError::from_canonical_text(text) {
            return Ok(error);
        }
        let Some(mut members) = ObjectText::new(text) else {
            return Err(invalid_type(text, &self));
        };
        let mut fields = BodyFields::default();
        while let Some((name, value)) = members.next_member().map_err(E::custom)? {
            let key = match name {
                Cow::Borrowed(name) => Key::from_name(name),
                Cow::Owned(name) => Key::from_owned_name(name),
            };
            fields.read(key, Captured::Text(Cow::Borrowed(value)))?;
        }
        fields.finish(self.0, &mut [])
    }

    fn read_members<'de, A: MapAccess<'de>>(
        self,
        mut fields: BodyFields,
        mut map: A,
    ) -> Result<ParseError, A::Error> {
        while let Some(key) = map.next_key::<Key>()? {
            fields.read(key, map.next_value::<Captured>()?)?;
        }
        fields.finish(self.0, &mut [])
    }
}

impl<'de> DeserializeSeed<'de> for ErrorObject {
    type Value = ParseError;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ParseError, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, self)
    }
}

impl<'de> Visitor<'de> for ErrorObject {
    type Value = ParseError;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Rule::ErrorBody => f.write_str(BODY_EXPECTED),
            Rule::AnyObject => f.write_str("a JSON object"),
        }
    }

    /// serde_json's text of the object, or the first member of an object from
    /// another deserializer.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ParseError, A::Error> {
        let first = match map.next_key::<FirstKey>()? {
            Some(FirstKey::RawValueToken) => {
                let text = map.next_value::<RawText<'de>>()?;
                return self.read_text(&text.0);
            }
            first => first,
        };
        let mut fields = BodyFields::default();
        if let Some(FirstKey::Name(name)) = first {
            fields.read(Key::from_owned_name(name), map.next_value::<Captured>()?)?;
        }
        self.read_members(fields, map)
    }

    // A deserializer that does not know serde_json's marker name.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<ParseError, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Deserialize<'de> for ParseError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ErrorObject(Rule::ErrorBody).deserialize(deserializer)
    }
}

/// The members in the order received; a bare `/batch` error value alone.
impl Serialize for ParseError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let (MessageKey::Bare, Some(message)) = (self.message_key, &self.message) {
            return message.serialize(serializer);
        }
        let mut map = serializer.serialize_map(Some(self.member_count()))?;
        let mut own = [(Slot::default(), 0); 2];
        let mut count = 0;
        for member in self.own_members() {
            own[count] = member;
            count += 1;
        }
        write_in_received_order(
            &mut map,
            self.extra_fields(),
            &mut own[..count],
            |map, id| self.write_own(map, id),
        )?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_backslashes_are_found_at_every_position() {
        for len in 0..40 {
            let plain = alloc::vec![b'a'; len];
            assert!(!has_quote_or_backslash(&plain), "{len}");
            // Bytes next to the ones looked for, and multi-byte UTF-8.
            let near: Vec<u8> = (0..len)
                .map(|i| [b'!', b'#', b'[', b']', 0xc3, 0xa9][i % 6])
                .collect();
            assert!(!has_quote_or_backslash(&near), "{len}");
            for at in 0..len {
                for byte in [b'"', b'\\'] {
                    let mut bytes = plain.clone();
                    bytes[at] = byte;
                    assert!(has_quote_or_backslash(&bytes), "{len} {at} {byte}");
                }
            }
        }
    }

    #[test]
    fn leading_codes_are_canonical_i32s() {
        assert_eq!(leading_code("101,"), Some((101, ",")));
        assert_eq!(leading_code("-1}"), Some((-1, "}")));
        assert_eq!(leading_code("0"), Some((0, "")));
        assert_eq!(leading_code("2147483647,"), Some((i32::MAX, ",")));
        assert_eq!(leading_code("-2147483648,"), Some((i32::MIN, ",")));
        for text in [
            "",
            "-",
            "-0,",
            "01,",
            "2147483648,",
            "-2147483649,",
            "12345678901,",
            "x",
        ] {
            assert_eq!(leading_code(text), None, "{text}");
        }
        // What follows the digits is the caller's to check.
        assert_eq!(leading_code("1.5,"), Some((1, ".5,")));
    }
}
