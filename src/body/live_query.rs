//! [`LiveQueryError`]: an error message on a LiveQuery websocket.

use alloc::borrow::Cow;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Number, Value};

use super::exact::Captured;
use super::json_text::canonical_integer;
use super::parse_error::{BodyFields, Rule};
use super::{write_in_received_order, ExactJson, Key, ParseError, Slot};
use crate::{ErrorCode, ErrorKind};

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
/// added). The code, the message and the other members follow the rules of
/// [`ParseError`] (a `code` or an `error` is required; a code that is not an
/// `i32` is kept); encoding writes every member in the order received.
#[derive(Clone, Debug)]
pub struct LiveQueryError {
    error: ParseError,
    op_slot: Slot,
    reconnect: bool,
    reconnect_slot: Slot,
    request_id: RequestId,
    request_id_slot: Slot,
}

/// `requestId`: an integer as serde_json writes it is kept as a `Number`; any
/// other number (`1.0`, `2e3`) exactly.
#[derive(Clone, PartialEq, Eq, Debug)]
enum RequestId {
    Absent,
    Null,
    Integer(Number),
    Other(ExactJson),
}

impl LiveQueryError {
    /// The code; `None` when the message has none or it is not an `i32`.
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
            RequestId::Integer(id) => Some(id),
            RequestId::Other(id) => id.value().as_number(),
            RequestId::Absent | RequestId::Null => None,
        }
    }

    /// The code, message and other members (not `op`, `reconnect` and
    /// `requestId`) as an error body.
    pub fn parse_error(&self) -> &ParseError {
        &self.error
    }

    /// The code, message and other members (not `op`, `reconnect` and
    /// `requestId`) as an error body.
    pub fn into_parse_error(self) -> ParseError {
        self.error
    }
}

/// Equal when the members are, in any order.
impl PartialEq for LiveQueryError {
    fn eq(&self, other: &LiveQueryError) -> bool {
        self.error == other.error
            && self.reconnect == other.reconnect
            && self.request_id == other.request_id
    }
}

impl Eq for LiveQueryError {}

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
        fn not_a_number<E: de::Error>(found: impl fmt::Display) -> E {
            E::custom(format_args!(
                "LiveQuery `requestId` must be a number or null, found {found}"
            ))
        }

        match Captured::deserialize(deserializer)? {
            Captured::Text(text) => {
                if &*text == "null" {
                    Ok(RequestId::Null)
                } else if let Some(id) = canonical_integer(&text).and_then(Number::from_i128) {
                    Ok(RequestId::Integer(id))
                } else {
                    let id = ExactJson::from_text(&text).map_err(de::Error::custom)?;
                    match id.value() {
                        Value::Number(_) => Ok(RequestId::Other(id)),
                        _ => Err(not_a_number(id)),
                    }
                }
            }
            Captured::Value(Value::Null) => Ok(RequestId::Null),
            Captured::Value(Value::Number(id)) if !id.is_f64() => Ok(RequestId::Integer(id)),
            Captured::Value(id @ Value::Number(_)) => Ok(RequestId::Other(ExactJson::from(id))),
            Captured::Value(other) => Err(not_a_number(other)),
        }
    }
}

impl Serialize for RequestId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RequestId::Absent | RequestId::Null => serializer.serialize_unit(),
            RequestId::Integer(id) => id.serialize(serializer),
            RequestId::Other(id) => id.serialize(serializer),
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
                            let slot = fields.own_slot();
                            map.next_value::<ErrorOp>()?;
                            op = Some(slot);
                        }
                        Key::Reconnect => {
                            if reconnect.is_some() {
                                return Err(de::Error::duplicate_field("reconnect"));
                            }
                            let slot = fields.own_slot();
                            reconnect = Some((map.next_value::<bool>()?, slot));
                        }
                        Key::RequestId => {
                            if request_id.is_some() {
                                return Err(de::Error::duplicate_field("requestId"));
                            }
                            let slot = fields.own_slot();
                            request_id = Some((map.next_value::<RequestId>()?, slot));
                        }
                        other => fields.read(other, map.next_value::<Captured>()?)?,
                    }
                }
                let mut op_slot = op.ok_or_else(|| de::Error::missing_field("op"))?;
                let (reconnect, mut reconnect_slot) =
                    reconnect.ok_or_else(|| de::Error::missing_field("reconnect"))?;
                let (request_id, mut request_id_slot) =
                    request_id.unwrap_or((RequestId::Absent, Slot::default()));
                let error = fields.finish(
                    Rule::ErrorBody,
                    &mut [&mut op_slot, &mut reconnect_slot, &mut request_id_slot],
                )?;
                Ok(LiveQueryError {
                    error,
                    op_slot,
                    reconnect,
                    reconnect_slot,
                    request_id,
                    request_id_slot,
                })
            }
        }

        deserializer.deserialize_map(LiveQueryVisitor)
    }
}

/// Every member in the order received.
impl Serialize for LiveQueryError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        const OP: u8 = 2;
        const RECONNECT: u8 = 3;
        const REQUEST_ID: u8 = 4;
        let has_request_id = self.request_id != RequestId::Absent;
        let len = self.error.member_count() + 2 + usize::from(has_request_id);
        let mut map = serializer.serialize_map(Some(len))?;
        let mut own = [(Slot::default(), 0); 5];
        let mut count = 0;
        let ours = [
            Some((self.op_slot, OP)),
            Some((self.reconnect_slot, RECONNECT)),
            has_request_id.then_some((self.request_id_slot, REQUEST_ID)),
        ];
        for member in self.error.own_members().chain(ours.into_iter().flatten()) {
            own[count] = member;
            count += 1;
        }
        write_in_received_order(
            &mut map,
            self.error.extra_fields(),
            &mut own[..count],
            |map, id| match id {
                OP => map.serialize_entry("op", "error"),
                RECONNECT => map.serialize_entry("reconnect", &self.reconnect),
                REQUEST_ID => map.serialize_entry("requestId", &self.request_id),
                _ => self.error.write_own(map, id),
            },
        )?;
        map.end()
    }
}
