//! The error bodies a Parse Server sends, decoded losslessly with serde.
//!
//! Shapes, as parse-server 8.6 writes them:
//! - REST: `{"code":101,"error":"Object not found."}`; `{"code":1,"message":"Internal server error."}`;
//!   `{"error":"unauthorized"}` without a code; an `error` that is any JSON value.
//! - `/batch`: an array of `{"success":{...}}` and `{"error":{"code":N,"error":"..."}}`.
//! - LiveQuery: `{"op":"error","error":"...","code":N,"reconnect":true,"requestId":1}`.

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};

use crate::{ErrorCode, ErrorKind};

/// An error body from a Parse Server, such as `{"code":101,"error":"Object not found."}`.
///
/// Decoding accepts every shape a Parse Server sends and keeps everything in
/// it: the code when present, the message whatever its JSON type, and any
/// other field. Serializing writes the server's shape back (`code`, then the
/// message under the key it came with, then the other fields in their
/// original order), so a proxy passes errors through unchanged.
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
/// // Anything else is a decode error, never a made-up code.
/// assert!(serde_json::from_slice::<ParseError>(br#"{"results":[]}"#).is_err());
/// assert!(serde_json::from_slice::<ParseError>(b"<!DOCTYPE html>").is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # Decoding rules
/// - A body is an error body when it is a JSON object with a `code` (a 32-bit
///   integer, any value) or an `error` (any JSON value), or both. The message is
///   `error`; when `error` is absent, `message` (Parse Server's key for
///   internal errors) takes its place. A `message` next to an `error` is kept
///   as an extra field.
/// - `{"message": "..."}` alone is not a Parse error body (API gateways send
///   that shape), nor is an object without `code` and `error`, an array, a
///   string, or anything that is not JSON.
/// - A key that appears twice is an error: JSON leaves its meaning open
///   (JavaScript keeps the last one, other decoders the first), and picking
///   one silently could report the wrong code.
/// - Encoding writes `code` first, then the message, then the other fields
///   in the order received: the order Parse Server uses, whatever order the
///   input had.
/// - A non-string `error` and the extra fields are kept as
///   [`serde_json::Value`]: equal as JSON values, but a nested object's keys
///   come back in `serde_json::Map` order (sorted, or as received when some
///   crate in the build enables serde_json's `preserve_order`), and numbers as
///   serde_json keeps them (exact integers within 64 bits, others as `f64`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ParseError {
    code: Option<ErrorCode>,
    message: Option<Value>,
    message_key: MessageKey,
    extra: Vec<(String, Value)>,
}

/// The key the message was sent under: Parse Server uses `error` except for
/// unexpected internal failures, which it reports under `message`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum MessageKey {
    Error,
    Message,
}

impl MessageKey {
    fn as_str(self) -> &'static str {
        match self {
            MessageKey::Error => "error",
            MessageKey::Message => "message",
        }
    }
}

impl ParseError {
    /// The body `{"code": code, "error": message}`, as Parse Server sends for a
    /// `Parse.Error`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ParseError {
            code: Some(code),
            message: Some(Value::String(message.into())),
            message_key: MessageKey::Error,
            extra: Vec::new(),
        }
    }

    /// The code; `None` for the bodies the server sends without one (bad keys,
    /// malformed request JSON, oversized requests).
    pub fn code(&self) -> Option<ErrorCode> {
        self.code
    }

    /// The message as text: the string the server sent, or the compact JSON of
    /// a non-string `error` (Cloud Code may throw an object or a number), or
    /// `""` when the body has a code but no message.
    pub fn message(&self) -> Cow<'_, str> {
        match &self.message {
            Some(Value::String(text)) => Cow::Borrowed(text),
            Some(other) => Cow::Owned(other.to_string()),
            None => Cow::Borrowed(""),
        }
    }

    /// The message exactly as sent: `None` when absent, otherwise its JSON
    /// value (`Value::Null` for `"error": null`).
    pub fn message_value(&self) -> Option<&Value> {
        self.message.as_ref()
    }

    /// The documented kinds for the code, in document order; empty when there
    /// is no code or the document does not list it.
    pub fn kinds(&self) -> &'static [ErrorKind] {
        match self.code {
            Some(code) => code.kinds(),
            None => &[],
        }
    }

    /// The fields other than `code` and the message, in the order received.
    pub fn extra_fields(&self) -> &[(String, Value)] {
        &self.extra
    }

    /// The extra field with this name, if the body has one.
    pub fn extra_field(&self, name: &str) -> Option<&Value> {
        self.extra
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }
}

/// `101 UserInvalidLoginParams/ObjectNotFound: Object not found.`; the code
/// alone when there is no message, the message alone when there is no code.
impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.message();
        match self.code {
            Some(code) if message.is_empty() => write!(f, "{code}"),
            Some(code) => write!(f, "{code}: {message}"),
            None => f.write_str(&message),
        }
    }
}

impl core::error::Error for ParseError {}

/// A map key, read without allocating unless it has to be kept.
enum Key {
    Code,
    Error,
    Message,
    Op,
    Reconnect,
    RequestId,
    Success,
    Other(String),
}

impl Key {
    fn into_name(self) -> String {
        match self {
            Key::Code => "code".into(),
            Key::Error => "error".into(),
            Key::Message => "message".into(),
            Key::Op => "op".into(),
            Key::Reconnect => "reconnect".into(),
            Key::RequestId => "requestId".into(),
            Key::Success => "success".into(),
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
                Ok(match name {
                    "code" => Key::Code,
                    "error" => Key::Error,
                    "message" => Key::Message,
                    "op" => Key::Op,
                    "reconnect" => Key::Reconnect,
                    "requestId" => Key::RequestId,
                    "success" => Key::Success,
                    other => Key::Other(other.into()),
                })
            }

            fn visit_string<E: de::Error>(self, name: String) -> Result<Key, E> {
                match self.visit_str::<E>(&name)? {
                    Key::Other(_) => Ok(Key::Other(name)),
                    known => Ok(known),
                }
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

/// The fields of an error body, gathered in one pass over its keys.
#[derive(Default)]
struct BodyFields {
    code: Option<ErrorCode>,
    error: Option<Value>,
    /// A `message` value, with the number of extra fields read before it so
    /// that it can take its place among them when `error` is also present.
    message: Option<(Value, usize)>,
    extra: Vec<(String, Value)>,
}

impl BodyFields {
    /// Reads the value of `key`, which is not one of the caller's own keys.
    fn read<'de, A: MapAccess<'de>>(&mut self, key: Key, map: &mut A) -> Result<(), A::Error> {
        match key {
            Key::Code => {
                if self.code.is_some() {
                    return Err(de::Error::duplicate_field("code"));
                }
                self.code = Some(map.next_value()?);
            }
            Key::Error => {
                if self.error.is_some() {
                    return Err(de::Error::duplicate_field("error"));
                }
                self.error = Some(map.next_value()?);
            }
            Key::Message => {
                if self.message.is_some() {
                    return Err(de::Error::duplicate_field("message"));
                }
                self.message = Some((map.next_value()?, self.extra.len()));
            }
            other => {
                let name = other.into_name();
                if self.extra.iter().any(|(key, _)| *key == name) {
                    return Err(de::Error::custom(format_args!("duplicate field `{name}`")));
                }
                let value = map.next_value()?;
                self.extra.push((name, value));
            }
        }
        Ok(())
    }

    fn finish<E: de::Error>(self) -> Result<ParseError, E> {
        let BodyFields {
            code,
            error,
            message,
            mut extra,
        } = self;
        let (message, message_key) = match (error, message) {
            (Some(error), Some((message, position))) => {
                extra.insert(position, ("message".into(), message));
                (Some(error), MessageKey::Error)
            }
            (Some(error), None) => (Some(error), MessageKey::Error),
            (None, message) if code.is_none() => {
                return Err(not_an_error_body(message.is_some(), &extra));
            }
            (None, Some((message, _))) => (Some(message), MessageKey::Message),
            (None, None) => (None, MessageKey::Error),
        };
        Ok(ParseError {
            code,
            message,
            message_key,
            extra,
        })
    }
}

/// Says which keys an object without `code` and `error` had instead.
fn not_an_error_body<E: de::Error>(has_message: bool, extra: &[(String, Value)]) -> E {
    struct Keys<'a>(bool, &'a [(String, Value)]);

    impl fmt::Display for Keys<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            const SHOWN: usize = 8;
            let names = self
                .0
                .then_some("message")
                .into_iter()
                .chain(self.1.iter().map(|(name, _)| name.as_str()));
            let mut count = 0;
            for name in names {
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

    E::custom(format_args!(
        "not a Parse error body: it has neither `code` nor `error` (found {})",
        Keys(has_message, extra)
    ))
}

const BODY_EXPECTED: &str = "a Parse error body (a JSON object with `code` and/or `error`)";

impl<'de> Deserialize<'de> for ParseError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BodyVisitor;

        impl<'de> Visitor<'de> for BodyVisitor {
            type Value = ParseError;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(BODY_EXPECTED)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ParseError, A::Error> {
                let mut fields = BodyFields::default();
                while let Some(key) = map.next_key()? {
                    fields.read(key, &mut map)?;
                }
                fields.finish()
            }
        }

        deserializer.deserialize_map(BodyVisitor)
    }
}

impl ParseError {
    /// The number of map entries the `write_*` methods below write.
    fn field_count(&self) -> usize {
        usize::from(self.code.is_some()) + usize::from(self.message.is_some()) + self.extra.len()
    }

    fn write_code<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        match self.code {
            Some(code) => map.serialize_entry("code", &code),
            None => Ok(()),
        }
    }

    fn write_message<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        match &self.message {
            Some(message) => map.serialize_entry(self.message_key.as_str(), message),
            None => Ok(()),
        }
    }

    fn write_extra<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        for (name, value) in &self.extra {
            map.serialize_entry(name, value)?;
        }
        Ok(())
    }
}

/// The server's shape: `code`, the message under its original key, then the
/// extra fields in the order received.
impl Serialize for ParseError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.field_count()))?;
        self.write_code(&mut map)?;
        self.write_message(&mut map)?;
        self.write_extra(&mut map)?;
        map.end()
    }
}

/// An error message on a LiveQuery websocket:
/// `{"op":"error","error":"...","code":N,"reconnect":bool,"requestId":id}`.
///
/// ```
/// use parse_error_codes::{ErrorCode, LiveQueryError};
///
/// let message = br#"{"op":"error","error":"Invalid session token","code":209,"reconnect":false,"requestId":2}"#;
/// let error: LiveQueryError = serde_json::from_slice(message)?;
/// assert_eq!(error.code(), Some(ErrorCode::INVALID_SESSION_TOKEN));
/// assert!(!error.reconnect());
/// assert_eq!(error.request_id().and_then(|id| id.as_u64()), Some(2));
/// assert_eq!(serde_json::to_vec(&error)?, message);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// `op` must be `"error"` and `reconnect` must be present; `requestId` is a
/// number, `null` (the server's default) or absent (servers before it was
/// added). Other fields are kept as in [`ParseError`].
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LiveQueryError {
    error: ParseError,
    reconnect: bool,
    request_id: RequestId,
}

#[derive(Clone, PartialEq, Eq, Debug)]
enum RequestId {
    Absent,
    Null,
    Number(Number),
}

impl LiveQueryError {
    /// The code; `None` when the message has none.
    pub fn code(&self) -> Option<ErrorCode> {
        self.error.code()
    }

    /// The message as text, as [`ParseError::message`].
    pub fn message(&self) -> Cow<'_, str> {
        self.error.message()
    }

    /// The documented kinds for the code, as [`ParseError::kinds`].
    pub fn kinds(&self) -> &'static [ErrorKind] {
        self.error.kinds()
    }

    /// Whether the server tells the client to reconnect.
    pub fn reconnect(&self) -> bool {
        self.reconnect
    }

    /// The id of the client request that failed; `None` when the server sent
    /// `null` or no `requestId`.
    pub fn request_id(&self) -> Option<&Number> {
        match &self.request_id {
            RequestId::Number(id) => Some(id),
            RequestId::Absent | RequestId::Null => None,
        }
    }

    /// The code, message and other fields (not `op`, `reconnect` and
    /// `requestId`) as an error body.
    pub fn parse_error(&self) -> &ParseError {
        &self.error
    }

    /// The code, message and other fields (not `op`, `reconnect` and
    /// `requestId`) as an error body.
    pub fn into_parse_error(self) -> ParseError {
        self.error
    }
}

/// As [`ParseError`]'s `Display`.
impl fmt::Display for LiveQueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl core::error::Error for LiveQueryError {}

/// Reads `op` and accepts only `"error"`, without allocating.
struct ErrorOp;

impl<'de> Deserialize<'de> for ErrorOp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OpVisitor;

        impl Visitor<'_> for OpVisitor {
            type Value = ErrorOp;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the LiveQuery op \"error\"")
            }

            fn visit_str<E: de::Error>(self, op: &str) -> Result<ErrorOp, E> {
                if op == "error" {
                    Ok(ErrorOp)
                } else {
                    Err(E::custom(format_args!(
                        "LiveQuery message has op `{op}`; only op `error` is an error message"
                    )))
                }
            }
        }

        deserializer.deserialize_str(OpVisitor)
    }
}

impl<'de> Deserialize<'de> for RequestId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Null => Ok(RequestId::Null),
            Value::Number(id) => Ok(RequestId::Number(id)),
            other => Err(de::Error::custom(format_args!(
                "LiveQuery `requestId` must be a number or null, found {other}"
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for LiveQueryError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LiveQueryVisitor;

        impl<'de> Visitor<'de> for LiveQueryVisitor {
            type Value = LiveQueryError;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a LiveQuery error message (a JSON object with \"op\": \"error\")")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LiveQueryError, A::Error> {
                let mut fields = BodyFields::default();
                let mut op = None;
                let mut reconnect = None;
                let mut request_id = None;
                while let Some(key) = map.next_key()? {
                    match key {
                        Key::Op => {
                            if op.is_some() {
                                return Err(de::Error::duplicate_field("op"));
                            }
                            op = Some(map.next_value::<ErrorOp>()?);
                        }
                        Key::Reconnect => {
                            if reconnect.is_some() {
                                return Err(de::Error::duplicate_field("reconnect"));
                            }
                            reconnect = Some(map.next_value::<bool>()?);
                        }
                        Key::RequestId => {
                            if request_id.is_some() {
                                return Err(de::Error::duplicate_field("requestId"));
                            }
                            request_id = Some(map.next_value::<RequestId>()?);
                        }
                        other => fields.read(other, &mut map)?,
                    }
                }
                if op.is_none() {
                    return Err(de::Error::missing_field("op"));
                }
                let reconnect = reconnect.ok_or_else(|| de::Error::missing_field("reconnect"))?;
                Ok(LiveQueryError {
                    error: fields.finish()?,
                    reconnect,
                    request_id: request_id.unwrap_or(RequestId::Absent),
                })
            }
        }

        deserializer.deserialize_map(LiveQueryVisitor)
    }
}

/// The server's order: `op`, the message, `code`, `reconnect`, `requestId`
/// (unless it was absent), then the other fields.
impl Serialize for LiveQueryError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let has_request_id = self.request_id != RequestId::Absent;
        let len = self.error.field_count() + 2 + usize::from(has_request_id);
        let mut map = serializer.serialize_map(Some(len))?;
        map.serialize_entry("op", "error")?;
        self.error.write_message(&mut map)?;
        self.error.write_code(&mut map)?;
        map.serialize_entry("reconnect", &self.reconnect)?;
        match &self.request_id {
            RequestId::Absent => {}
            RequestId::Null => map.serialize_entry("requestId", &())?,
            RequestId::Number(id) => map.serialize_entry("requestId", id)?,
        }
        self.error.write_extra(&mut map)?;
        map.end()
    }
}

/// One entry of a `/batch` response: `{"success": {...}}` or
/// `{"error": {"code": N, "error": "..."}}`.
///
/// An entry must have exactly one of the two keys; any other key is an error,
/// because Parse Server writes no other and guessing would hide a misread body.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum BatchItem {
    /// The sub-request succeeded; the value is its response.
    Success(Value),
    /// The sub-request failed.
    Error(ParseError),
}

impl BatchItem {
    /// The response of a successful sub-request.
    pub fn success(&self) -> Option<&Value> {
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
                while let Some(key) = map.next_key()? {
                    let (name, value) = match key {
                        Key::Success => ("success", BatchItem::Success(map.next_value()?)),
                        Key::Error => ("error", BatchItem::Error(map.next_value()?)),
                        other => {
                            return Err(de::Error::custom(format_args!(
                                "unexpected field `{}` in a /batch item: expected only `success` or `error`",
                                other.into_name()
                            )))
                        }
                    };
                    match item {
                        None => item = Some(value),
                        Some(BatchItem::Success(_)) if name == "success" => {
                            return Err(de::Error::duplicate_field("success"))
                        }
                        Some(BatchItem::Error(_)) if name == "error" => {
                            return Err(de::Error::duplicate_field("error"))
                        }
                        Some(_) => {
                            return Err(de::Error::custom(
                                "a /batch item has both `success` and `error`",
                            ))
                        }
                    }
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
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            BatchItem::Success(value) => map.serialize_entry("success", value)?,
            BatchItem::Error(error) => map.serialize_entry("error", error)?,
        }
        map.end()
    }
}

/// A whole `/batch` response: one [`BatchItem`] per sub-request, in request order.
///
/// ```
/// use parse_error_codes::{BatchResponse, ErrorCode};
///
/// let body = br#"[{"success":{"objectId":"a1"}},{"error":{"code":101,"error":"Object not found."}}]"#;
/// let batch: BatchResponse = serde_json::from_slice(body)?;
/// let failed: Vec<_> = batch.errors().map(|(index, error)| (index, error.code())).collect();
/// assert_eq!(failed, [(1, Some(ErrorCode::OBJECT_NOT_FOUND))]);
/// assert_eq!(serde_json::to_vec(&batch)?, body);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// When the batch request fails as a whole (bad keys, too many requests), the
/// server answers a single error body instead: decode a non-2xx response as a
/// [`ParseError`].
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

impl From<Vec<BatchItem>> for BatchResponse {
    fn from(items: Vec<BatchItem>) -> Self {
        BatchResponse { items }
    }
}

impl<'de> Deserialize<'de> for BatchResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BatchVisitor;

        impl<'de> Visitor<'de> for BatchVisitor {
            type Value = BatchResponse;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a /batch response (a JSON array of `success` and `error` items)")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<BatchResponse, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(item) = seq.next_element_seed(IndexedItem(items.len()))? {
                    items.push(item);
                }
                Ok(BatchResponse { items })
            }
        }

        deserializer.deserialize_seq(BatchVisitor)
    }
}

/// Decodes one batch item and names its index in any error, since serde_json
/// positions alone are hard to map back to a sub-request.
struct IndexedItem(usize);

impl<'de> DeserializeSeed<'de> for IndexedItem {
    type Value = BatchItem;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<BatchItem, D::Error> {
        BatchItem::deserialize(deserializer)
            .map_err(|error| de::Error::custom(format_args!("/batch item {}: {error}", self.0)))
    }
}

impl Serialize for BatchResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.items.len()))?;
        for item in &self.items {
            seq.serialize_element(item)?;
        }
        seq.end()
    }
}
