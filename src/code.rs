use core::fmt;
use core::str::FromStr;

use super::generated::ErrorKind;
use super::text::Excerpt;

/// A Parse error code: the integer in `{"code": 101, "error": "..."}`.
///
/// Every `i32` is a valid `ErrorCode`, documented or not: Parse Server sends
/// codes the document lacks (153, 162, 210, ...) and Cloud Code may throw any
/// integer. The associated constants name the documented ones; codes shared by
/// several names have one constant per name, all equal.
///
/// Which codes a real Parse Server actually sends, over which channel and with
/// which HTTP status, and why it never sends the others, is in
/// [`server_truth`](crate::server_truth).
///
/// # Methods
///
/// Beside one associated constant per documented name, `ErrorCode` has:
/// [`new`](ErrorCode::new) and [`get`](ErrorCode::get) convert from and to
/// the wire integer (as do `From<i32>` and `i32::from`),
/// [`kinds`](ErrorCode::kinds) and [`kind`](ErrorCode::kind) give the
/// documented names, [`is_known`](ErrorCode::is_known) whether there is one;
/// [`FromStr`](#impl-FromStr-for-ErrorCode) parses `"101"` or `"ObjectNotFound"`.
///
/// ```
/// use parse_error_codes::{ErrorCode, ErrorKind};
///
/// assert_eq!(ErrorCode::INVALID_LINKED_SESSION, ErrorCode::FACEBOOK_BAD_TOKEN);
/// assert_eq!(ErrorCode::new(251).kinds().len(), 10);
/// assert_eq!(ErrorCode::new(153).kinds(), []);
/// assert_eq!(ErrorCode::new(153).to_string(), "153");
/// assert_eq!(ErrorCode::new(209).to_string(), "209 InvalidSessionToken");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct ErrorCode(i32);

impl ErrorCode {
    /// The code with this wire value.
    pub const fn new(code: i32) -> Self {
        ErrorCode(code)
    }

    /// The wire value.
    pub const fn get(self) -> i32 {
        self.0
    }

    /// Whether the document lists this code.
    pub const fn is_known(self) -> bool {
        !self.kinds().is_empty()
    }

    /// The first kind with this code in document order, which is the canonical
    /// name of a shared code; `None` when the document does not list the code.
    pub const fn kind(self) -> Option<ErrorKind> {
        match self.kinds() {
            [first, ..] => Some(*first),
            [] => None,
        }
    }
}

impl From<i32> for ErrorCode {
    fn from(code: i32) -> Self {
        ErrorCode(code)
    }
}

impl From<ErrorCode> for i32 {
    fn from(code: ErrorCode) -> Self {
        code.0
    }
}

impl From<ErrorKind> for ErrorCode {
    fn from(kind: ErrorKind) -> Self {
        kind.code()
    }
}

impl PartialEq<i32> for ErrorCode {
    fn eq(&self, other: &i32) -> bool {
        self.0 == *other
    }
}

impl PartialEq<ErrorCode> for i32 {
    fn eq(&self, other: &ErrorCode) -> bool {
        *self == other.0
    }
}

/// Writes `name/name/...` for the kinds of a code, in document order.
fn write_names(f: &mut fmt::Formatter<'_>, kinds: &[ErrorKind]) -> fmt::Result {
    for (i, kind) in kinds.iter().enumerate() {
        if i > 0 {
            f.write_str("/")?;
        }
        f.write_str(kind.name())?;
    }
    Ok(())
}

/// The number, then the documented names: `101 UserInvalidLoginParams/ObjectNotFound`;
/// an undocumented code is just its number: `9001`.
impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let kinds = self.kinds();
        if !kinds.is_empty() {
            f.write_str(" ")?;
            write_names(f, kinds)?;
        }
        Ok(())
    }
}

/// `ErrorCode(101: UserInvalidLoginParams/ObjectNotFound)`, or `ErrorCode(9001)`.
impl fmt::Debug for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ErrorCode({}", self.0)?;
        let kinds = self.kinds();
        if !kinds.is_empty() {
            f.write_str(": ")?;
            write_names(f, kinds)?;
        }
        f.write_str(")")
    }
}

/// Parses a decimal code (`"101"`, `"-1"`, `"9001"`) or a documented name
/// (`"ObjectNotFound"`).
impl FromStr for ErrorCode {
    type Err = InvalidCodeError;

    fn from_str(text: &str) -> Result<Self, <Self as FromStr>::Err> {
        if let Ok(code) = text.parse::<i32>() {
            return Ok(ErrorCode(code));
        }
        match ErrorKind::from_name(text) {
            Some(kind) => Ok(kind.code()),
            None => Err(InvalidCodeError {
                input: Excerpt::new(text),
            }),
        }
    }
}

/// The text given to [`ErrorCode::from_str`](FromStr::from_str) is neither a
/// 32-bit decimal integer nor a documented name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct InvalidCodeError {
    input: Excerpt,
}

impl InvalidCodeError {
    /// The rejected input (cut after 64 bytes).
    pub fn input(&self) -> &str {
        self.input.as_str()
    }
}

impl fmt::Display for InvalidCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a Parse error code: expected a 32-bit decimal integer or a documented name",
            self.input
        )
    }
}

impl core::error::Error for InvalidCodeError {}
