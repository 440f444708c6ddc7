//! [`GraphQlResponse`] and [`GraphQlError`]: the errors of Parse Server's GraphQL
//! API, in GraphQL's response envelope.
//!
//! The names follow Rust's naming convention for acronyms in UpperCamelCase
//! (`GraphQl`, as in `Utf8Error` or `TcpStream`), like this crate's other
//! hand-written names; only the generated names mirror the document's spelling.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use super::raw::{Captured, Name};
use super::{
    custom, find, found_members, write_in_order, Code, ExactJson, List, Member, Members, Message,
    Object, ParseError,
};
use crate::{ErrorCode, ErrorKind};

/// A response of Parse Server's GraphQL API:
/// `{"errors":[{"message":...,"extensions":{"code":N},...}],"data":...}`.
///
/// ```
/// use parse_error_codes::{ErrorCode, GraphQlPathSegment, GraphQlResponse};
///
/// let body = br#"{"errors":[{"message":"Invalid pointer","locations":[{"line":1,"column":12}],"path":["createGame"],"extensions":{"code":106}}],"data":{"createGame":null}}"#;
/// let response: GraphQlResponse = serde_json::from_slice(body)?;
/// let error = &response.errors()[0];
/// assert_eq!(error.code(), Some(ErrorCode::INVALID_POINTER));
/// assert_eq!(error.message(), "Invalid pointer");
/// assert_eq!(error.path(), Some(vec![GraphQlPathSegment::Field("createGame")]));
/// assert_eq!(error.to_parse_error().to_string(), "106 InvalidPointer: Invalid pointer");
/// assert_eq!(serde_json::to_vec(&response)?, body);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// A GraphQL response is a JSON object with `errors` (an array of
/// [`GraphQlError`]s), `data` (any JSON, kept exactly), or both; other members
/// are extra fields, a name that appears twice is an error. Encoding gives
/// back the response received. Requests that fail before reaching GraphQL (bad
/// keys) get a REST error body: decode that as a [`ParseError`].
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GraphQlResponse {
    errors: Option<Vec<GraphQlError>>,
    data: Option<ExactJson>,
    /// Every member in the order received, and the extra fields.
    members: Members,
}

impl GraphQlResponse {
    /// The errors, in the order received; empty when the response has none.
    pub fn errors(&self) -> &[GraphQlError] {
        self.errors.as_deref().unwrap_or_default()
    }

    /// The errors, in the order received.
    pub fn into_errors(self) -> Vec<GraphQlError> {
        self.errors.unwrap_or_default()
    }

    /// The `data` member exactly as sent (`null` for a failed field); `None` when absent.
    pub fn data(&self) -> Option<&ExactJson> {
        self.data.as_ref()
    }

    /// The members other than `errors` and `data`, in the order received.
    pub fn extra_fields(&self) -> &[(String, ExactJson)] {
        &self.members.extra
    }

    /// The extra field with this name, such as `extensions`.
    pub fn extra_field(&self, name: &str) -> Option<&ExactJson> {
        find(&self.members.extra, name)
    }
}

/// One error of a GraphQL response:
/// `{"message":...,"locations":[...],"path":[...],"extensions":{"code":N,...}}`.
///
/// Any JSON object is a GraphQL error, kept whole and encoded as received.
/// `message` is the message, as in [`ParseError::message`]; the `code` of an
/// `extensions` object is the Parse error code (Apollo Server's own string
/// codes, such as `"GRAPHQL_VALIDATION_FAILED"`, are [`unparsed_code`](Self::unparsed_code));
/// `path` and `locations` are extra fields, which [`path`](Self::path) and
/// [`locations`](Self::locations) read when they have GraphQL's shapes.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GraphQlError {
    /// The message, and the code from `extensions.code`.
    error: ParseError,
    /// The members of `extensions`, when it is an object.
    extensions: Option<Members>,
    /// Every member in the order received, and the extra fields.
    members: Members,
}

/// One step of a GraphQL error's `path`: a field name, or an index into a list.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum GraphQlPathSegment<'a> {
    /// A field name (or alias) of the query.
    Field(&'a str),
    /// An index into a list.
    Index(u64),
}

/// The field name, or the index.
impl fmt::Display for GraphQlPathSegment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GraphQlPathSegment::Field(name) => f.write_str(name),
            GraphQlPathSegment::Index(index) => write!(f, "{index}"),
        }
    }
}

/// A position in the query text, as in an error's `locations`, from 1.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct GraphQlLocation {
    /// The line.
    pub line: u64,
    /// The column, in characters.
    pub column: u64,
}

impl GraphQlError {
    /// The Parse error code in `extensions.code`, as [`ParseError::code`].
    pub fn code(&self) -> Option<ErrorCode> {
        self.error.code()
    }

    /// `extensions.code` exactly as sent when it is present but not an `i32`,
    /// such as Apollo Server's `"BAD_USER_INPUT"` or
    /// `"GRAPHQL_VALIDATION_FAILED"`.
    pub fn unparsed_code(&self) -> Option<&ExactJson> {
        self.error.unparsed_code()
    }

    /// The documented kinds for the code, as [`ParseError::kinds`].
    pub fn kinds(&self) -> &'static [ErrorKind] {
        self.error.kinds()
    }

    /// The message as text, as [`ParseError::message`].
    pub fn message(&self) -> Cow<'_, str> {
        self.error.message()
    }

    /// The message as a JSON value; `None` when absent.
    pub fn message_value(&self) -> Option<&Value> {
        self.error.message_value()
    }

    /// The `path` to the field that failed: field names and list indices;
    /// `None` when there is none of that shape (see [`extra_field`](Self::extra_field)).
    pub fn path(&self) -> Option<Vec<GraphQlPathSegment<'_>>> {
        self.extra_field("path")?
            .value()
            .as_array()?
            .iter()
            .map(|segment| match segment {
                Value::String(name) => Some(GraphQlPathSegment::Field(name)),
                Value::Number(index) => index.as_u64().map(GraphQlPathSegment::Index),
                _ => None,
            })
            .collect()
    }

    /// The `locations` in the query text; `None` when there are none of that
    /// shape (see [`extra_field`](Self::extra_field)).
    pub fn locations(&self) -> Option<Vec<GraphQlLocation>> {
        self.extra_field("locations")?
            .value()
            .as_array()?
            .iter()
            .map(|location| {
                Some(GraphQlLocation {
                    line: location.get("line")?.as_u64()?,
                    column: location.get("column")?.as_u64()?,
                })
            })
            .collect()
    }

    /// The members of an `extensions` object, `code` included, in order.
    pub fn extensions(&self) -> &[(String, ExactJson)] {
        self.extensions.as_ref().map_or(&[], |object| &object.extra)
    }

    /// The member of `extensions` with this name, such as `stacktrace`.
    pub fn extension(&self, name: &str) -> Option<&ExactJson> {
        find(self.extensions(), name)
    }

    /// The members other than `message` and an `extensions` object, in order.
    pub fn extra_fields(&self) -> &[(String, ExactJson)] {
        &self.members.extra
    }

    /// The extra field with this name.
    pub fn extra_field(&self, name: &str) -> Option<&ExactJson> {
        find(&self.members.extra, name)
    }

    /// The error as Parse's REST API reports one: `{"code": N, "error": message}`,
    /// each when present, without the GraphQL members.
    pub fn to_parse_error(&self) -> ParseError {
        self.error.clone()
    }
}

/// As [`ParseError`]'s `Display`: the code and the message.
impl fmt::Display for GraphQlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl core::error::Error for GraphQlError {}

/// The members of an object, in order, kept exactly; no name twice.
struct ObjectMembers;

impl<'de> Visitor<'de> for ObjectMembers {
    type Value = Members;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Members::default();
        while let Some(Name(name)) = map.next_key()? {
            members.extra(name, map.next_value()?)?;
        }
        members.finish()
    }
}

/// The members of `extensions` when it is an object; else the value, given back.
fn object_members<E: de::Error>(
    captured: Captured<'_>,
) -> Result<Result<Members, Captured<'_>>, E> {
    let members = match &captured {
        // serde_json hands the object over as text: read it member by member.
        Captured::Text(text) if text.starts_with('{') => {
            serde_json::Deserializer::from_str(text).deserialize_map(ObjectMembers)
        }
        Captured::Value(object @ Value::Object(_)) => object.deserialize_map(ObjectMembers),
        _ => return Ok(Err(captured)),
    };
    members.map(Ok).map_err(custom)
}

impl<'de> Deserialize<'de> for GraphQlError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ErrorVisitor;

        impl<'de> Visitor<'de> for ErrorVisitor {
            type Value = GraphQlError;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a GraphQL error (a JSON object)")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<GraphQlError, A::Error> {
                let mut members = Members::default();
                let (mut message, mut extensions) = (None, None);
                while let Some(Name(name)) = map.next_key()? {
                    match &*name {
                        "message" => {
                            members.own(Member::Message, "message")?;
                            message = Some(Message::from_captured(map.next_value()?)?);
                        }
                        "extensions" => match object_members(map.next_value()?)? {
                            Ok(object) => {
                                members.own(Member::Extensions, "extensions")?;
                                extensions = Some(object);
                            }
                            // Not an object: an ordinary member, in its place.
                            Err(value) => members.extra(name, value)?,
                        },
                        _ => members.extra(name, map.next_value()?)?,
                    }
                }
                let members = members.finish()?;
                if extensions.is_some() && find(&members.extra, "extensions").is_some() {
                    return Err(de::Error::duplicate_field("extensions"));
                }
                let code = extensions
                    .as_ref()
                    .and_then(|object| find(&object.extra, "code"));
                let code = code.map_or(Code::Absent, Code::from_exact);
                Ok(GraphQlError {
                    error: ParseError::usual(code, message),
                    extensions,
                    members,
                })
            }
        }

        deserializer.deserialize_map(ErrorVisitor)
    }
}

/// Every member in the order received.
impl Serialize for GraphQlError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Members { order, extra } = &self.members;
        let mut map = serializer.serialize_map(Some(order.len()))?;
        write_in_order(&mut map, order, extra, |map, member| {
            match (member, &self.error.message, &self.extensions) {
                (Member::Message, Some(message), _) => map.serialize_entry("message", message),
                (Member::Extensions, _, Some(object)) => {
                    map.serialize_entry("extensions", &Object(&object.extra))
                }
                _ => Ok(()),
            }
        })?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for GraphQlResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ResponseVisitor;

        impl<'de> Visitor<'de> for ResponseVisitor {
            type Value = GraphQlResponse;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a GraphQL response (a JSON object with `errors` and/or `data`)")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<GraphQlResponse, A::Error> {
                let mut members = Members::default();
                let (mut errors, mut data) = (None, None);
                while let Some(Name(name)) = map.next_key()? {
                    match &*name {
                        "errors" => {
                            members.own(Member::Errors, "errors")?;
                            let list =
                                List::new("`errors`, an array of GraphQL errors", ["errors[", "]"]);
                            errors = Some(map.next_value_seed(list)?);
                        }
                        "data" => {
                            members.own(Member::Data, "data")?;
                            data = Some(map.next_value()?);
                        }
                        _ => members.extra(name, map.next_value()?)?,
                    }
                }
                let members = members.finish()?;
                if errors.is_none() && data.is_none() {
                    let names = members.extra.iter().map(|(name, _)| name.as_str());
                    return Err(de::Error::custom(format_args!(
                        "not a GraphQL response: it has neither `errors` nor `data` (found {})",
                        found_members(names)
                    )));
                }
                Ok(GraphQlResponse {
                    errors,
                    data,
                    members,
                })
            }
        }

        deserializer.deserialize_map(ResponseVisitor)
    }
}

/// Every member in the order received.
impl Serialize for GraphQlResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Members { order, extra } = &self.members;
        let mut map = serializer.serialize_map(Some(order.len()))?;
        write_in_order(&mut map, order, extra, |map, member| {
            match (member, &self.errors, &self.data) {
                (Member::Errors, Some(errors), _) => map.serialize_entry("errors", errors),
                (Member::Data, _, Some(data)) => map.serialize_entry("data", data),
                _ => Ok(()),
            }
        })?;
        map.end()
    }
}
