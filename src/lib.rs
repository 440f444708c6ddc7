//! The complete, typed catalogue of Parse Platform error codes.
//!
//! Parse Server and the Parse SDKs report failures as an integer code, such as
//! `101` in `{"code": 101, "error": "Object not found."}`. This crate gives
//! every code of the Parse error-code document a name, a description and a
//! category, generated at build time from the document itself (`spec/`).
//!
//! - [`ErrorCode`] is the wire integer. Every `i32` is a valid `ErrorCode` and
//!   survives a round trip unchanged, including codes the document does not
//!   list (Parse Server sends 153, 161 and 162, and passes through whatever
//!   code Cloud Code throws). Each documented name has an associated constant, such as
//!   [`ErrorCode::OBJECT_NOT_FOUND`].
//! - [`ErrorKind`] is one row of the document. Several kinds can share one code
//!   (code 251 has ten names), so a code maps to a slice of kinds:
//!   [`ErrorCode::kinds`].
//! - [`Category`] is a section of the document.
//!
//! ```
//! use parse_error_codes::{Category, ErrorCode, ErrorKind};
//!
//! let code = ErrorCode::from(101);
//! assert_eq!(code, ErrorCode::OBJECT_NOT_FOUND);
//! assert_eq!(code.kinds(), [ErrorKind::UserInvalidLoginParams, ErrorKind::ObjectNotFound]);
//! assert_eq!(ErrorKind::ObjectNotFound.category(), Category::Api);
//!
//! // Codes the document does not list are kept, not rejected.
//! let custom = ErrorCode::from(9001);
//! assert!(!custom.is_known());
//! assert_eq!(i32::from(custom), 9001);
//! ```
//!
//! The document is mirrored as written, quirks included: the name
//! `MultupleSuccessErrorCalls` keeps its typo and `FileDeleteError` is 131,
//! although current Parse Servers answer 153 for a failed file deletion.
//!
//! # Features
//! - `std` (default): nothing beyond `core` is required; the error types
//!   implement [`core::error::Error`] in every configuration. Implies `alloc`.
//! - `alloc`: links the `alloc` crate; needed by the error-body types.
//! - `serde` (implies `alloc`, works without `std`): `Serialize` and
//!   `Deserialize` for [`ErrorCode`] (a bare integer), [`ErrorKind`] (its
//!   name) and [`Category`] (its anchor), and the types of the bodies a Parse
//!   Server sends: `ParseError` (`{"code":101,"error":"..."}` and every other
//!   REST shape), `LiveQueryError`, `BatchResponse`/`BatchItem`, and
//!   `GraphQlResponse`/`GraphQlError` for the GraphQL API's error envelope.
//!   Brings in `serde` and `serde_json` (both without default features),
//!   because an error body may carry arbitrary JSON, which is kept exactly as
//!   `ExactJson`. serde_json gets its `raw_value` feature, which only adds its
//!   `RawValue` type: how serde_json reads and writes ordinary JSON elsewhere
//!   in your program does not change.

#![no_std]
#![forbid(unsafe_code)]
// docs.rs builds with `--cfg docsrs`: every item and impl that needs `serde` says
// so on its page, from the `cfg` of its module (`doc_cfg` reads it).
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "alloc")]
extern crate alloc;

#[cfg(feature = "serde")]
mod body;
mod code;
mod kind;
#[cfg(feature = "serde")]
mod serde_impls;
pub mod server_truth;
mod text;

#[cfg(feature = "serde")]
pub use body::{
    BatchItem, BatchResponse, ExactJson, GraphQlError, GraphQlLocation, GraphQlPathSegment,
    GraphQlResponse, LiveQueryError, ParseError,
};
pub use code::{ErrorCode, InvalidCodeError};
pub use generated::{Category, ErrorKind};
pub use kind::{UnknownCategoryError, UnknownKindError};

/// The items generated from `spec/`, in a module of their own: `code.rs` and
/// `kind.rs` import them from here as siblings, and whatever names the spec
/// gives can only meet what this module brings into scope.
mod generated {
    use super::code::ErrorCode;
    use super::kind::{bytes_eq, CategoryRow, KindRow};

    // Written by the build script. Its generator, `src/generator/`, is the build
    // script's code alone: this crate never declares it, so users link none of it.
    include!(concat!(env!("OUT_DIR"), "/error_codes.rs"));

    /// The generated rows, for `kind.rs` (the generated arrays are private to
    /// this module).
    pub(super) const KINDS: &[KindRow] = &KIND_ROWS;
    pub(super) const CATEGORIES: &[CategoryRow] = &CATEGORY_ROWS;
}

// The README's examples use the `serde` feature; `cargo xtask ci` tests with all features.
#[cfg(all(doctest, feature = "serde"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
