//! [`ParseError`]: the error body of Parse Server's REST API and of a failed
//! `/batch` sub-request.

use alloc::borrow::Cow;
use alloc::string::String;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use super::raw::{self, Captured, Name, TOKEN};
use super::{
    custom, fmt_error, found_members, i32_of_text, write_in_order, Code, ExactJson, Member,
    Members, Message,
};
use crate::{ErrorCode, ErrorKind};

/// An error body from a Parse Server, such as `{"code":101,"error":"Object not found."}`.
///
/// ```
/// use parse_error_codes::{ErrorCode, ErrorKind, ParseError};
///
/// let body = br#"{"code":101,"error":"Object not found."}"#;
/// let error: ParseError = serde_json::from_slice(body)?;
/// assert_eq!(error.code(), Some(ErrorCode::OBJECT_NOT_FOUND));
/// assert_eq!(error.message(), "Object not found.");
/// assert_eq!(error.kinds(), [ErrorKind::UserInvalidLoginParams, ErrorKind::ObjectNotFound]);
/// assert_eq!(error.to_string(), "101 UserInvalidLoginParams/ObjectNotFound: Object not found.");
/// assert_eq!(serde_json::to_vec(&error)?, body);
///
/// // A code that is not a 32-bit integer is kept as it came, not rejected.
/// let body = br#"{"code":"22007","error":"invalid input syntax for type date"}"#;
/// let error: ParseError = serde_json::from_slice(body)?;
/// assert_eq!((error.code(), error.unparsed_code().unwrap().to_string()), (None, r#""22007""#.into()));
///
/// // Anything else is a decode error, never a made-up code.
/// assert!(serde_json::from_slice::<ParseError>(br#"{"results":[]}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # Decoding rules
/// - An error body is a JSON object with a `code` or an `error`, or both,
///   whatever their values (not `{"message":"..."}` alone, which API gateways
///   send). The message is `error`, else `message` (Parse Server's key for
///   internal errors); a `message` next to an `error` is an extra field.
/// - A `code` that is an `i32` is the [`code`](Self::code); any other value (a
///   SQLSTATE string such as `"23505"`, `101.0`, `-0`, `null`...) is the
///   [`unparsed_code`](Self::unparsed_code).
/// - A member name that appears twice is an error: JSON leaves its meaning
///   open, and picking one silently could report the wrong code.
/// - Everything is kept as received ([`ExactJson`]), strings with escapes of
///   unpaired UTF-16 surrogates (`"\ud800"`, which JavaScript writes) included;
///   [`message`](Self::message) reads those as U+FFFD (JavaScript's
///   `toWellFormed`). Member names of the body itself must be Unicode.
/// - Encoding writes the members in the order received, without whitespace.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ParseError {
    pub(super) code: Code,
    pub(super) message: Option<Message>,
    pub(super) message_key: MessageKey,
    /// The order received ([`Member::Message`] under its key; empty: the code,
    /// then the message) and the extra fields.
    pub(super) members: Members,
}

/// The key of the message: `error`, or `message` (Parse Server's internal
/// errors); `Bare`: a `/batch` item's `error` that is not an object, written alone.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum MessageKey {
    Error,
    Message,
    Bare,
}

impl ParseError {
    /// The body `{"code": code, "error": message}`, as Parse Server sends for a
    /// `Parse.Error`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let message = Message::Text(Value::String(message.into()));
        ParseError::usual(Code::Known(code), Some(message))
    }

    /// A body of the code and the message alone, in the usual order.
    pub(super) fn usual(code: Code, message: Option<Message>) -> Self {
        ParseError {
            code,
            message,
            message_key: MessageKey::Error,
            members: Members::default(),
        }
    }

    /// A `/batch` item's `error` that is not an object: the message, alone.
    pub(super) fn bare(message: Message) -> Self {
        ParseError {
            message_key: MessageKey::Bare,
            ..ParseError::usual(Code::Absent, Some(message))
        }
    }

    /// The code; `None` when absent (bad keys, malformed request JSON, oversized
    /// requests) or not an `i32` (see [`unparsed_code`](Self::unparsed_code)).
    #[inline]
    pub fn code(&self) -> Option<ErrorCode> {
        self.code.known()
    }

    /// The `code` member exactly as sent when it is present but not an `i32`:
    /// a PostgreSQL SQLSTATE string such as `"23505"` that a failing `/batch`
    /// sub-request passed through, a value Cloud Code threw as the code, a
    /// float, `null`, an object, an integer beyond `i32`.
    pub fn unparsed_code(&self) -> Option<&ExactJson> {
        self.code.unparsed()
    }

    /// The message as text: the string sent (U+FFFD for each unpaired surrogate
    /// escape), the exact JSON text of any other value, or `""` when absent.
    #[inline]
    pub fn message(&self) -> Cow<'_, str> {
        self.message
            .as_ref()
            .map_or(Cow::Borrowed(""), Message::text)
    }

    /// The message as a JSON value (as [`ExactJson::value`]); `None` when absent.
    #[inline]
    pub fn message_value(&self) -> Option<&Value> {
        self.message.as_ref().map(Message::value)
    }

    /// The documented kinds for the code, in document order; empty when there
    /// is no `i32` code or the document does not list it.
    pub fn kinds(&self) -> &'static [ErrorKind] {
        self.code().map_or(&[], ErrorCode::kinds)
    }

    /// The members other than `code` and the message, in the order received.
    pub fn extra_fields(&self) -> &[(String, ExactJson)] {
        &self.members.extra
    }

    /// The extra field with this name, if the body has one.
    pub fn extra_field(&self, name: &str) -> Option<&ExactJson> {
        super::find(&self.members.extra, name)
    }

    /// The body from the text of the shapes Parse Server writes for almost every
    /// error (`{"code":N,"error":"..."}`, `{"code":N,"message":"..."}`,
    /// `{"code":N}`, `{"error":"..."}`: no whitespace, an `i32` code, a string
    /// without escapes); `None` for any other text. The hot path of the decode
    /// benchmark; `xtask/tests/body_properties.rs` checks that it gives what
    /// the general reader gives.
    #[inline]
    fn from_canonical_text(text: &str) -> Option<ParseError> {
        let (code, rest) = match text.strip_prefix("{\"code\":") {
            Some(rest) => {
                let end = rest.bytes().position(|byte| byte == b',' || byte == b'}')?;
                let code = Code::Known(ErrorCode::new(i32_of_text(&rest[..end])?));
                match &rest[end..] {
                    "}" => return Some(ParseError::usual(code, None)),
                    rest => (code, rest.strip_prefix(',')?),
                }
            }
            None => (Code::Absent, text.strip_prefix('{')?),
        };
        let (message_key, message) = match rest.strip_prefix("\"error\":\"") {
            Some(message) => (MessageKey::Error, message),
            None if code.is_present() => {
                (MessageKey::Message, rest.strip_prefix("\"message\":\"")?)
            }
            None => return None,
        };
        let message = message.strip_suffix("\"}")?;
        if message.bytes().any(|byte| byte == b'"' || byte == b'\\') {
            return None;
        }
        let message = Some(Message::Text(Value::String(message.into())));
        Some(ParseError {
            message_key,
            ..ParseError::usual(code, message)
        })
    }

    /// The number of members encoding writes.
    pub(super) fn member_count(&self) -> usize {
        usize::from(self.code.is_present())
            + usize::from(self.message.is_some())
            + self.members.extra.len()
    }

    /// Writes the members in the order received; `outer` writes the members of
    /// an enclosing LiveQuery message.
    pub(super) fn write_members<M: SerializeMap>(
        &self,
        map: &mut M,
        mut outer: impl FnMut(&mut M, Member) -> Result<(), M::Error>,
    ) -> Result<(), M::Error> {
        let order = match self.members.order.as_slice() {
            [] => &[Member::Code, Member::Message],
            order => order,
        };
        write_in_order(map, order, &self.members.extra, |map, member| {
            match (member, &self.message) {
                (Member::Code, _) if self.code.is_present() => {
                    map.serialize_entry("code", &self.code)
                }
                (Member::Message, Some(message)) => {
                    let key = match self.message_key {
                        MessageKey::Message => "message",
                        MessageKey::Error | MessageKey::Bare => "error",
                    };
                    map.serialize_entry(key, message)
                }
                (Member::Code | Member::Message, _) => Ok(()),
                (other, _) => outer(map, other),
            }
        })
    }
}

/// `101 UserInvalidLoginParams/ObjectNotFound: Object not found.`; the code
/// alone when there is no message, the message alone when there is no code. A
/// code that is not an `i32` is shown as its JSON text: `"23505": duplicate key…`.
impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_error(f, &self.code, self.message.as_ref())
    }
}

impl core::error::Error for ParseError {}

/// Whether a decoded object needs a `code` or an `error`, or may be any
/// object (a `/batch` item's `error`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Rule {
    ErrorBody,
    AnyObject,
}

/// The members of an error body, gathered in one pass.
#[derive(Default)]
pub(super) struct ErrorFields {
    pub(super) members: Members,
    code: Option<Code>,
    error: Option<Message>,
}

impl ErrorFields {
    /// Reads the member `name`: the code, the message, or an extra field.
    pub(super) fn read<E: de::Error>(&mut self, name: Cow<str>, value: Captured) -> Result<(), E> {
        match &*name {
            "code" => {
                self.members.own(Member::Code, "code")?;
                self.code = Some(Code::from_captured(value)?);
            }
            "error" => {
                self.members.own(Member::Message, "error")?;
                self.error = Some(Message::from_captured(value)?);
            }
            _ => self.members.extra(name, value)?,
        }
        Ok(())
    }

    /// The body, once every member is read.
    pub(super) fn finish<E: de::Error>(self, rule: Rule) -> Result<ParseError, E> {
        let mut members = self.members.finish()?;
        let code = self.code.unwrap_or(Code::Absent);
        let mut error = ParseError::usual(code, self.error);
        let has_code = error.code.is_present();
        if error.message.is_none() && (has_code || rule == Rule::AnyObject) {
            // Parse Server's key for internal errors takes the place of `error`.
            if let Some(index) = members.extra.iter().position(|(name, _)| name == "message") {
                let (_, message) = members.extra.remove(index);
                let mut extras = members.order.iter_mut().filter(|m| **m == Member::Extra);
                if let Some(member) = extras.nth(index) {
                    *member = Member::Message;
                }
                error.message = Some(Message::from_exact(message));
                error.message_key = MessageKey::Message;
            }
        }
        if error.message.is_none() && !has_code && rule == Rule::ErrorBody {
            let found = found_members(members.extra.iter().map(|(name, _)| name.as_str()));
            return Err(E::custom(format_args!(
                "not a Parse error body: it has neither `code` nor `error` (found {found})"
            )));
        }
        error.members = members;
        Ok(error)
    }
}

/// Decodes an object under a [`Rule`]. serde_json is asked for the text of the
/// whole object: the shapes Parse Server writes for almost every error are
/// read from it directly (asking for each member in turn costs about half as
/// much again as a derived struct), any other member by member by serde_json
/// again. Other deserializers give the object member by member.
#[derive(Clone, Copy)]
pub(super) struct ErrorObject(pub(super) Rule);

impl ErrorObject {
    /// Reads the text of an object (or of any value, which is then the wrong type).
    pub(super) fn read_text<E: de::Error>(self, text: &str) -> Result<ParseError, E> {
        match ParseError::from_canonical_text(text) {
            Some(error) => Ok(error),
            None => serde_json::Deserializer::from_str(text)
                .deserialize_map(self)
                .map_err(custom),
        }
    }
}

impl<'de> Visitor<'de> for ErrorObject {
    type Value = ParseError;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Rule::ErrorBody => {
                f.write_str("a Parse error body (a JSON object with `code` and/or `error`)")
            }
            Rule::AnyObject => f.write_str("a JSON object"),
        }
    }

    /// serde_json's text of the object, or the members of an object.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ParseError, A::Error> {
        let first = map.next_key::<Name>()?;
        if let Some(text) = raw::text_after(first.as_ref(), &mut map)? {
            return self.read_text(&text);
        }
        let mut fields = ErrorFields::default();
        if let Some(Name(first)) = first {
            fields.read(first, map.next_value()?)?;
        }
        while let Some(name) = map.next_key::<Name>()? {
            fields.read(name.0, map.next_value()?)?;
        }
        fields.finish(self.0)
    }

    // A deserializer that does not know serde_json's marker name.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<ParseError, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Deserialize<'de> for ParseError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(TOKEN, ErrorObject(Rule::ErrorBody))
    }
}

/// The members in the order received; a bare `/batch` error value alone.
impl Serialize for ParseError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let (MessageKey::Bare, Some(message)) = (self.message_key, &self.message) {
            return message.serialize(serializer);
        }
        let mut map = serializer.serialize_map(Some(self.member_count()))?;
        self.write_members(&mut map, |_, _| Ok(()))?;
        map.end()
    }
}
