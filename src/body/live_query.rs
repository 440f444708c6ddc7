//! [`LiveQueryError`]: an error message on a LiveQuery websocket.

use alloc::borrow::Cow;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Number, Value};

use super::parse_error::{ErrorFields, Rule};
use super::raw::Name;
use super::{ExactJson, Member, ParseError};
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
/// `op` must be `"error"` and `reconnect` present; `requestId` is a number,
/// `null` (the server's default) or absent (older servers). The other members
/// follow [`ParseError`]'s rules; encoding gives back the message received.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LiveQueryError {
    /// The other members; its order lists `op`, `reconnect` and `requestId` too.
    error: ParseError,
    reconnect: bool,
    /// A number or `null`; `None` when absent.
    request_id: Option<ExactJson>,
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

    /// The id of the client request that failed; `None` for `null` or none.
    pub fn request_id(&self) -> Option<&Number> {
        self.request_id.as_ref()?.value().as_number()
    }

    /// The members other than `op`, `reconnect` and `requestId`.
    pub fn parse_error(&self) -> &ParseError {
        &self.error
    }

    /// The members other than `op`, `reconnect` and `requestId`.
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

/// `requestId`: a number or `null`, kept exactly.
fn checked_request_id<E: de::Error>(id: ExactJson) -> Result<ExactJson, E> {
    match id.value() {
        Value::Number(_) | Value::Null => Ok(id),
        _ => Err(E::custom(format_args!(
            "LiveQuery `requestId` must be a number or null, found {id}"
        ))),
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
                let mut fields = ErrorFields::default();
                let (mut reconnect, mut request_id) = (None, None);
                while let Some(Name(name)) = map.next_key()? {
                    match &*name {
                        "op" => {
                            fields.members.own(Member::Op, "op")?;
                            let Name(op) = map.next_value()?;
                            if op != "error" {
                                return Err(de::Error::custom(format_args!(
                                    "LiveQuery message has op `{op}`; only op `error` is an error message"
                                )));
                            }
                        }
                        "reconnect" => {
                            fields.members.own(Member::Reconnect, "reconnect")?;
                            reconnect = Some(map.next_value::<bool>()?);
                        }
                        "requestId" => {
                            fields.members.own(Member::RequestId, "requestId")?;
                            request_id = Some(checked_request_id(map.next_value()?)?);
                        }
                        _ => fields.read(name, map.next_value()?)?,
                    }
                }
                if !fields.members.order.contains(&Member::Op) {
                    return Err(de::Error::missing_field("op"));
                }
                let reconnect = reconnect.ok_or_else(|| de::Error::missing_field("reconnect"))?;
                Ok(LiveQueryError {
                    error: fields.finish(Rule::ErrorBody)?,
                    reconnect,
                    request_id,
                })
            }
        }

        deserializer.deserialize_map(LiveQueryVisitor)
    }
}

/// Every member in the order received.
impl Serialize for LiveQueryError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = self.error.member_count() + 2 + usize::from(self.request_id.is_some());
        let mut map = serializer.serialize_map(Some(len))?;
        self.error
            .write_members(&mut map, |map, member| match (member, &self.request_id) {
                (Member::Op, _) => map.serialize_entry("op", "error"),
                (Member::Reconnect, _) => map.serialize_entry("reconnect", &self.reconnect),
                (Member::RequestId, Some(id)) => map.serialize_entry("requestId", id),
                _ => Ok(()),
            })?;
        map.end()
    }
}
