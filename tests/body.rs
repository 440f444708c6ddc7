//! The serde feature: the catalogue types on the wire, and the error bodies a
//! Parse Server sends (shapes from ../shared/notes/wire-format.md and
//! parse-server's own code), each with its expected outcome.
#![cfg(feature = "serde")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use parse_error_codes::{
    BatchItem, BatchResponse, Category, ErrorCode, ErrorKind, ExactJson, LiveQueryError, ParseError,
};
use serde_json::{json, Value};

/// What decoding one input must give.
enum Expect {
    /// Decodes to this body; encoding it again gives `reencoded`.
    Body {
        code: Option<i32>,
        /// The exact text of a `code` that is not an `i32`.
        unparsed: Option<&'static str>,
        message: &'static str,
        extra: &'static [&'static str],
        display: &'static str,
        reencoded: &'static str,
    },
    /// Fails with a message containing this text.
    Fails(&'static str),
}

use Expect::{Body, Fails};

/// Input equals its re-encoding: the server's bytes survive a round trip.
const SAME: &str = "";

const BODY_CASES: &[(&str, &[u8], Expect)] = &[
    // The shapes a Parse Server sends.
    (
        "Parse.Error",
        br#"{"code":101,"error":"Object not found."}"#,
        Body {
            code: Some(101),
            unparsed: None,
            message: "Object not found.",
            extra: &[],
            display: "101 UserInvalidLoginParams/ObjectNotFound: Object not found.",
            reencoded: SAME,
        },
    ),
    (
        "internal server error under `message`",
        br#"{"code":1,"message":"Internal server error."}"#,
        Body {
            code: Some(1),
            unparsed: None,
            message: "Internal server error.",
            extra: &[],
            display: "1 InternalServerError: Internal server error.",
            reencoded: SAME,
        },
    ),
    (
        "bad keys, no code",
        br#"{"error":"unauthorized"}"#,
        Body {
            code: None,
            unparsed: None,
            message: "unauthorized",
            extra: &[],
            display: "unauthorized",
            reencoded: SAME,
        },
    ),
    (
        "an empty message and no code",
        br#"{"error":""}"#,
        Body {
            code: None,
            unparsed: None,
            message: "",
            extra: &[],
            display: "error with an empty message and no code",
            reencoded: SAME,
        },
    ),
    (
        "sanitized master-key error, no code",
        br#"{"error":"Permission denied"}"#,
        Body {
            code: None,
            unparsed: None,
            message: "Permission denied",
            extra: &[],
            display: "Permission denied",
            reencoded: SAME,
        },
    ),
    (
        "malformed request JSON, no code",
        br#"{"error":"Unexpected end of JSON input"}"#,
        Body {
            code: None,
            unparsed: None,
            message: "Unexpected end of JSON input",
            extra: &[],
            display: "Unexpected end of JSON input",
            reencoded: SAME,
        },
    ),
    (
        "rate limit",
        br#"{"code":100,"error":"Too many requests."}"#,
        Body {
            code: Some(100),
            unparsed: None,
            message: "Too many requests.",
            extra: &[],
            display: "100 ConnectionFailed: Too many requests.",
            reencoded: SAME,
        },
    ),
    (
        "Cloud Code threw an object",
        br#"{"code":141,"error":{"reason":"quota","retry":false}}"#,
        Body {
            code: Some(141),
            unparsed: None,
            message: r#"{"reason":"quota","retry":false}"#,
            extra: &[],
            display: r#"141 ScriptFailed/FunctionNotFound/JobNotFound/SuccessErrorNotCalled/MultupleSuccessErrorCalls: {"reason":"quota","retry":false}"#,
            reencoded: SAME,
        },
    ),
    (
        "Cloud Code threw an array",
        br#"{"code":141,"error":[1,"two",null]}"#,
        Body {
            code: Some(141),
            unparsed: None,
            message: r#"[1,"two",null]"#,
            extra: &[],
            display: r#"141 ScriptFailed/FunctionNotFound/JobNotFound/SuccessErrorNotCalled/MultupleSuccessErrorCalls: [1,"two",null]"#,
            reencoded: SAME,
        },
    ),
    (
        "Cloud Code threw a number",
        br#"{"code":141,"error":42}"#,
        Body {
            code: Some(141),
            unparsed: None,
            message: "42",
            extra: &[],
            display: "141 ScriptFailed/FunctionNotFound/JobNotFound/SuccessErrorNotCalled/MultupleSuccessErrorCalls: 42",
            reencoded: SAME,
        },
    ),
    (
        "error is null",
        br#"{"code":141,"error":null}"#,
        Body {
            code: Some(141),
            unparsed: None,
            message: "null",
            extra: &[],
            display: "141 ScriptFailed/FunctionNotFound/JobNotFound/SuccessErrorNotCalled/MultupleSuccessErrorCalls: null",
            reencoded: SAME,
        },
    ),
    (
        "a code without a message",
        br#"{"code":209}"#,
        Body {
            code: Some(209),
            unparsed: None,
            message: "",
            extra: &[],
            display: "209 InvalidSessionToken",
            reencoded: SAME,
        },
    ),
    (
        "custom Cloud Code code",
        br#"{"code":9999,"error":"custom"}"#,
        Body {
            code: Some(9999),
            unparsed: None,
            message: "custom",
            extra: &[],
            display: "9999: custom",
            reencoded: SAME,
        },
    ),
    (
        "code the document lacks",
        br#"{"code":153,"error":"Could not delete file."}"#,
        Body {
            code: Some(153),
            unparsed: None,
            message: "Could not delete file.",
            extra: &[],
            display: "153: Could not delete file.",
            reencoded: SAME,
        },
    ),
    (
        "negative code",
        br#"{"code":-1,"error":"x"}"#,
        Body {
            code: Some(-1),
            unparsed: None,
            message: "x",
            extra: &[],
            display: "-1 OtherCause: x",
            reencoded: SAME,
        },
    ),
    (
        "smallest i32",
        br#"{"code":-2147483648,"error":"x"}"#,
        Body {
            code: Some(i32::MIN),
            unparsed: None,
            message: "x",
            extra: &[],
            display: "-2147483648: x",
            reencoded: SAME,
        },
    ),
    (
        "largest i32",
        br#"{"code":2147483647,"error":"x"}"#,
        Body {
            code: Some(i32::MAX),
            unparsed: None,
            message: "x",
            extra: &[],
            display: "2147483647: x",
            reencoded: SAME,
        },
    ),
    (
        "non-ASCII message as Node writes it",
        "{\"code\":142,\"error\":\"café “quoted” 错误\"}".as_bytes(),
        Body {
            code: Some(142),
            unparsed: None,
            message: "café “quoted” 错误",
            extra: &[],
            display: "142 ValidationFailed: café “quoted” 错误",
            reencoded: SAME,
        },
    ),
    (
        "escapes in the message",
        br#"{"code":142,"error":"a \"b\"\n\\ \u00e9"}"#,
        Body {
            code: Some(142),
            unparsed: None,
            message: "a \"b\"\n\\ é",
            extra: &[],
            display: "142 ValidationFailed: a \"b\"\n\\ é",
            reencoded: SAME,
        },
    ),
    // Every member is written back where it was.
    (
        "extra fields",
        br#"{"code":101,"error":"x","stack":"at y","info":{"a":1,"b":[true]}}"#,
        Body {
            code: Some(101),
            unparsed: None,
            message: "x",
            extra: &["stack", "info"],
            display: "101 UserInvalidLoginParams/ObjectNotFound: x",
            reencoded: SAME,
        },
    ),
    (
        "extra field before code",
        br#"{"stack":"s","code":1,"error":"x"}"#,
        Body {
            code: Some(1),
            unparsed: None,
            message: "x",
            extra: &["stack"],
            display: "1 InternalServerError: x",
            reencoded: SAME,
        },
    ),
    (
        "error before code",
        br#"{"error":"x","code":101}"#,
        Body {
            code: Some(101),
            unparsed: None,
            message: "x",
            extra: &[],
            display: "101 UserInvalidLoginParams/ObjectNotFound: x",
            reencoded: SAME,
        },
    ),
    (
        "`message` next to `error` is an extra field, in its place",
        br#"{"code":1,"message":"m","x":1,"error":"e","y":2}"#,
        Body {
            code: Some(1),
            unparsed: None,
            message: "e",
            extra: &["message", "x", "y"],
            display: "1 InternalServerError: e",
            reencoded: SAME,
        },
    ),
    (
        "`message` after `error` and another extra field",
        br#"{"code":1,"error":"e","x":1,"message":"m"}"#,
        Body {
            code: Some(1),
            unparsed: None,
            message: "e",
            extra: &["x", "message"],
            display: "1 InternalServerError: e",
            reencoded: SAME,
        },
    ),
    (
        "a LiveQuery message read as a plain body keeps op/reconnect/requestId",
        br#"{"code":209,"error":"Invalid session token","op":"error","reconnect":false,"requestId":2}"#,
        Body {
            code: Some(209),
            unparsed: None,
            message: "Invalid session token",
            extra: &["op", "reconnect", "requestId"],
            display: "209 InvalidSessionToken: Invalid session token",
            reencoded: SAME,
        },
    ),
    (
        "whitespace is not kept",
        b" { \"code\" : 101 ,\n \"error\" : \"x\" } \n",
        Body {
            code: Some(101),
            unparsed: None,
            message: "x",
            extra: &[],
            display: "101 UserInvalidLoginParams/ObjectNotFound: x",
            reencoded: r#"{"code":101,"error":"x"}"#,
        },
    ),
    // Not error bodies.
    ("empty body", b"", Fails("EOF while parsing a value at line 1 column 0")),
    (
        "HTML page",
        b"<!DOCTYPE html>\n<html><body>Cannot GET /nope</body></html>",
        Fails("expected value at line 1 column 1"),
    ),
    ("plain text", b"File not found.", Fails("expected value at line 1 column 1")),
    (
        "query results",
        br#"{"results":[]}"#,
        Fails("not a Parse error body: it has neither `code` nor `error` (found `results`)"),
    ),
    (
        "empty object",
        b"{}",
        Fails("not a Parse error body: it has neither `code` nor `error` (found no fields)"),
    ),
    (
        "gateway-style message alone",
        br#"{"message":"Bad Gateway"}"#,
        Fails("not a Parse error body: it has neither `code` nor `error` (found `message`)"),
    ),
    (
        "a /batch success item",
        br#"{"success":{"objectId":"a1"}}"#,
        Fails("neither `code` nor `error` (found `success`)"),
    ),
    (
        "many unrelated keys are listed up to eight",
        br#"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9}"#,
        Fails("(found `a`, `b`, `c`, `d`, `e`, `f`, `g`, `h`, …)"),
    ),
    (
        "array",
        b"[]",
        Fails("invalid type: sequence, expected a Parse error body (a JSON object with `code` and/or `error`)"),
    ),
    (
        "string",
        br#""Object not found.""#,
        Fails("invalid type: string \"Object not found.\", expected a Parse error body"),
    ),
    ("null", b"null", Fails("invalid type: null, expected a Parse error body")),
    // Malformed JSON.
    (
        "truncated in the message",
        br#"{"code":101,"error":"Object not fo"#,
        Fails("EOF while parsing a string at line 1 column 34"),
    ),
    (
        "truncated after a comma",
        br#"{"code":101,"#,
        Fails("EOF while parsing an object at line 1 column 12"),
    ),
    (
        "trailing characters",
        br#"{"code":101,"error":"x"} {}"#,
        Fails("trailing characters at line 1 column 26"),
    ),
    (
        "invalid UTF-8 in the message",
        b"{\"code\":101,\"error\":\"\xff\"}",
        Fails("invalid unicode code point at line 1 column 22"),
    ),
    // A code that is not a 32-bit integer is kept exactly and is not `code()`:
    // PostgreSQL's SQLSTATE strings passed through by a failing sub-request,
    // whatever Cloud Code threw as the code.
    (
        "SQLSTATE string code",
        br#"{"code":"22007","error":"invalid input syntax for type date: \"x\""}"#,
        Body {
            code: None,
            unparsed: Some(r#""22007""#),
            message: "invalid input syntax for type date: \"x\"",
            extra: &[],
            display: r#""22007": invalid input syntax for type date: "x""#,
            reencoded: SAME,
        },
    ),
    (
        "a string code alone (Cloud Code's `new Parse.Error(\"abc\")`)",
        br#"{"code":"abc"}"#,
        Body {
            code: None,
            unparsed: Some(r#""abc""#),
            message: "",
            extra: &[],
            display: r#""abc""#,
            reencoded: SAME,
        },
    ),
    (
        "code as a numeric string",
        br#"{"code":"101","error":"x"}"#,
        Body {
            code: None,
            unparsed: Some(r#""101""#),
            message: "x",
            extra: &[],
            display: r#""101": x"#,
            reencoded: SAME,
        },
    ),
    (
        "code with a fraction",
        br#"{"code":101.5,"error":"x"}"#,
        Body {
            code: None,
            unparsed: Some("101.5"),
            message: "x",
            extra: &[],
            display: "101.5: x",
            reencoded: SAME,
        },
    ),
    (
        "code written as a float",
        br#"{"code":101.0,"error":"x"}"#,
        Body {
            code: None,
            unparsed: Some("101.0"),
            message: "x",
            extra: &[],
            display: "101.0: x",
            reencoded: SAME,
        },
    ),
    (
        "code with an exponent",
        br#"{"code":1E2,"error":"x"}"#,
        Body {
            code: None,
            unparsed: Some("1E2"),
            message: "x",
            extra: &[],
            display: "1E2: x",
            reencoded: SAME,
        },
    ),
    (
        "code -0",
        br#"{"code":-0,"error":"x"}"#,
        Body {
            code: None,
            unparsed: Some("-0"),
            message: "x",
            extra: &[],
            display: "-0: x",
            reencoded: SAME,
        },
    ),
    (
        "code null",
        br#"{"code":null,"error":"x"}"#,
        Body {
            code: None,
            unparsed: Some("null"),
            message: "x",
            extra: &[],
            display: "null: x",
            reencoded: SAME,
        },
    ),
    (
        "code true, no message",
        br#"{"code":true}"#,
        Body {
            code: None,
            unparsed: Some("true"),
            message: "",
            extra: &[],
            display: "true",
            reencoded: SAME,
        },
    ),
    (
        "code as an object, keys not sorted",
        br#"{"code":{"sqlState":"23505","n":1.50},"error":"x"}"#,
        Body {
            code: None,
            unparsed: Some(r#"{"sqlState":"23505","n":1.50}"#),
            message: "x",
            extra: &[],
            display: r#"{"sqlState":"23505","n":1.50}: x"#,
            reencoded: SAME,
        },
    ),
    (
        "code as an array",
        br#"{"code":[101],"error":"x"}"#,
        Body {
            code: None,
            unparsed: Some("[101]"),
            message: "x",
            extra: &[],
            display: "[101]: x",
            reencoded: SAME,
        },
    ),
    (
        "code just above i32",
        br#"{"code":2147483648,"error":"x"}"#,
        Body {
            code: None,
            unparsed: Some("2147483648"),
            message: "x",
            extra: &[],
            display: "2147483648: x",
            reencoded: SAME,
        },
    ),
    (
        "code just below i32",
        br#"{"code":-2147483649,"error":"x"}"#,
        Body {
            code: None,
            unparsed: Some("-2147483649"),
            message: "x",
            extra: &[],
            display: "-2147483649: x",
            reencoded: SAME,
        },
    ),
    (
        "code beyond u64, digits kept",
        br#"{"code":100000000000000000001,"error":"x"}"#,
        Body {
            code: None,
            unparsed: Some("100000000000000000001"),
            message: "x",
            extra: &[],
            display: "100000000000000000001: x",
            reencoded: SAME,
        },
    ),
    (
        "code far below i64",
        br#"{"code":-100000000000000000000,"error":"x"}"#,
        Body {
            code: None,
            unparsed: Some("-100000000000000000000"),
            message: "x",
            extra: &[],
            display: "-100000000000000000000: x",
            reencoded: SAME,
        },
    ),
    // Numbers the crate does not interpret come back as written.
    (
        "a float extra field that serde_json's default parsing rounds wrongly",
        br#"{"x":141e23,"error":"Cloud Code says no"}"#,
        Body {
            code: None,
            unparsed: None,
            message: "Cloud Code says no",
            extra: &["x"],
            display: "Cloud Code says no",
            reencoded: SAME,
        },
    ),
    (
        "a float error",
        br#"{"code":141,"error":141e23}"#,
        Body {
            code: Some(141),
            unparsed: None,
            message: "141e23",
            extra: &[],
            display: "141 ScriptFailed/FunctionNotFound/JobNotFound/SuccessErrorNotCalled/MultupleSuccessErrorCalls: 141e23",
            reencoded: SAME,
        },
    ),
    (
        "an error object with unsorted keys and odd number spellings",
        br#"{"code":141,"error":{"z":1.50,"a":[1E5,-0.0,-0,0.1e-2],"m":{"y":null,"b":"caf\u00e9"}}}"#,
        Body {
            code: Some(141),
            unparsed: None,
            message: r#"{"z":1.50,"a":[1E5,-0.0,-0,0.1e-2],"m":{"y":null,"b":"caf\u00e9"}}"#,
            extra: &[],
            display: r#"141 ScriptFailed/FunctionNotFound/JobNotFound/SuccessErrorNotCalled/MultupleSuccessErrorCalls: {"z":1.50,"a":[1E5,-0.0,-0,0.1e-2],"m":{"y":null,"b":"caf\u00e9"}}"#,
            reencoded: SAME,
        },
    ),
    (
        "whitespace inside a kept value is dropped, not inside its strings",
        b"{\"code\":141,\"error\":{ \"a b\" : [ 1 ,\n\t2 ] } , \"stack\" : \" at x \"}",
        Body {
            code: Some(141),
            unparsed: None,
            message: r#"{"a b":[1,2]}"#,
            extra: &["stack"],
            display: r#"141 ScriptFailed/FunctionNotFound/JobNotFound/SuccessErrorNotCalled/MultupleSuccessErrorCalls: {"a b":[1,2]}"#,
            reencoded: r#"{"code":141,"error":{"a b":[1,2]},"stack":" at x "}"#,
        },
    ),
    (
        "a member name written with escapes is written plainly",
        br#"{"c\u006fde":101,"error":"x"}"#,
        Body {
            code: Some(101),
            unparsed: None,
            message: "x",
            extra: &[],
            display: "101 UserInvalidLoginParams/ObjectNotFound: x",
            reencoded: r#"{"code":101,"error":"x"}"#,
        },
    ),
    (
        "parse-server 7.5.4: the raw PostgreSQL error object as `error`",
        br#"{"code":1,"error":{"length":107,"name":"error","severity":"ERROR","code":"22P02","query":"SELECT \"objectId\" FROM \"GameScore\" WHERE \"score\" = $1"}}"#,
        Body {
            code: Some(1),
            unparsed: None,
            message: r#"{"length":107,"name":"error","severity":"ERROR","code":"22P02","query":"SELECT \"objectId\" FROM \"GameScore\" WHERE \"score\" = $1"}"#,
            extra: &[],
            display: r#"1 InternalServerError: {"length":107,"name":"error","severity":"ERROR","code":"22P02","query":"SELECT \"objectId\" FROM \"GameScore\" WHERE \"score\" = $1"}"#,
            reencoded: SAME,
        },
    ),
    // A number no `serde_json::Value` can hold.
    (
        "a number beyond f64",
        br#"{"code":141,"error":1e400}"#,
        Fails("number out of range"),
    ),
    // Unpaired UTF-16 surrogates, as JavaScript's `JSON.stringify` writes them:
    // kept as sent, read as U+FFFD (JavaScript's `toWellFormed`).
    (
        "an unpaired surrogate in a message",
        br#"{"code":9006,"error":"Cloud Code: \ud800 lone"}"#,
        Body {
            code: Some(9006),
            unparsed: None,
            message: "Cloud Code: \u{fffd} lone",
            extra: &[],
            display: "9006: Cloud Code: \u{fffd} lone",
            reencoded: SAME,
        },
    ),
    (
        "a trailing surrogate first, a reversed pair, a pair",
        br#"{"error":"\udc00x\udc00\ud800 \ud83d\ude00","code":1}"#,
        Body {
            code: Some(1),
            unparsed: None,
            message: "\u{fffd}x\u{fffd}\u{fffd} \u{1f600}",
            extra: &[],
            display: "1 InternalServerError: \u{fffd}x\u{fffd}\u{fffd} \u{1f600}",
            reencoded: SAME,
        },
    ),
    (
        "unpaired surrogates under `message`, in an extra field and in an object `error`",
        br#"{"code":141,"message":"\ud800","stack":["\udfff"],"error":{"why":"\ud800"}}"#,
        Body {
            code: Some(141),
            unparsed: None,
            message: r#"{"why":"\ud800"}"#,
            extra: &["message", "stack"],
            display: r#"141 ScriptFailed/FunctionNotFound/JobNotFound/SuccessErrorNotCalled/MultupleSuccessErrorCalls: {"why":"\ud800"}"#,
            reencoded: SAME,
        },
    ),
    (
        "an unpaired surrogate in a member name of the body",
        br#"{"code":1,"error":"x","\ud800":1}"#,
        Fails("unexpected end of hex escape"),
    ),
    // Duplicate keys are errors: JSON leaves their meaning open.
    (
        "duplicate code",
        br#"{"code":101,"code":102,"error":"x"}"#,
        Fails("duplicate field `code`"),
    ),
    (
        "duplicate code with the same value",
        br#"{"code":101,"error":"x","code":101}"#,
        Fails("duplicate field `code`"),
    ),
    (
        "duplicate error",
        br#"{"code":101,"error":"x","error":"y"}"#,
        Fails("duplicate field `error`"),
    ),
    (
        "duplicate message",
        br#"{"code":1,"message":"x","message":"y"}"#,
        Fails("duplicate field `message`"),
    ),
    (
        "duplicate extra field",
        br#"{"code":1,"error":"x","stack":"a","stack":"b"}"#,
        Fails("duplicate field `stack`"),
    ),
];

fn decode<T: serde::de::DeserializeOwned>(input: &[u8]) -> Result<T, String> {
    serde_json::from_slice(input).map_err(|error| error.to_string())
}

#[test]
fn every_body_shape_decodes_to_its_expected_outcome() {
    let mut failures = Vec::new();
    for (name, input, expect) in BODY_CASES {
        let outcome = decode::<ParseError>(input);
        match (expect, outcome) {
            (
                Body {
                    code,
                    unparsed,
                    message,
                    extra,
                    display,
                    reencoded,
                },
                Ok(error),
            ) => {
                let reencoded = if reencoded.is_empty() {
                    std::str::from_utf8(input).unwrap()
                } else {
                    reencoded
                };
                let extra_names: Vec<&str> = error
                    .extra_fields()
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect();
                let encoded = serde_json::to_string(&error).unwrap();
                let got = (
                    error.code().map(ErrorCode::get),
                    error.unparsed_code().map(ExactJson::to_string),
                    error.message(),
                    extra_names,
                );
                let expected = (
                    *code,
                    unparsed.map(String::from),
                    (*message).into(),
                    extra.to_vec(),
                );
                if got != expected {
                    failures.push(format!("{name}: decoded {got:?}"));
                }
                if error.to_string() != *display {
                    failures.push(format!("{name}: displays {:?}", error.to_string()));
                }
                if encoded != reencoded {
                    failures.push(format!("{name}: re-encodes as {encoded}"));
                }
                // The re-encoded body decodes to the same value.
                if decode::<ParseError>(encoded.as_bytes()).as_ref() != Ok(&error) {
                    failures.push(format!("{name}: re-encoded body decodes differently"));
                }
            }
            (Fails(expected), Err(message)) => {
                if !message.contains(expected) {
                    failures.push(format!("{name}: fails with {message:?}"));
                }
            }
            (Body { .. }, Err(message)) => failures.push(format!("{name}: fails with {message:?}")),
            (Fails(_), Ok(error)) => failures.push(format!("{name}: decodes to {error:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_truncation_of_a_valid_body_is_an_error() {
    for (name, input, expect) in BODY_CASES {
        if let Fails(_) = expect {
            continue;
        }
        let end = input
            .iter()
            .rposition(|byte| !byte.is_ascii_whitespace())
            .unwrap();
        for cut in 0..end {
            if let Ok(error) = decode::<ParseError>(&input[..cut]) {
                panic!("{name}: the first {cut} bytes decode to {error:?}");
            }
        }
    }
}

#[test]
fn kinds_and_values_of_decoded_bodies() {
    let error: ParseError = decode(br#"{"code":101,"error":"x"}"#).unwrap();
    assert_eq!(
        error.kinds(),
        [ErrorKind::UserInvalidLoginParams, ErrorKind::ObjectNotFound]
    );
    let error: ParseError = decode(br#"{"code":9001,"error":"x"}"#).unwrap();
    assert_eq!(error.kinds(), []);
    let error: ParseError = decode(br#"{"error":"unauthorized"}"#).unwrap();
    assert_eq!(error.kinds(), []);

    let error: ParseError = decode(br#"{"code":141,"error":null}"#).unwrap();
    assert_eq!(error.message_value(), Some(&Value::Null));
    let error: ParseError = decode(br#"{"code":141}"#).unwrap();
    assert_eq!(error.message_value(), None);
    let error: ParseError = decode(br#"{"code":141,"error":{"n":[1,2.5]}}"#).unwrap();
    assert_eq!(error.message_value(), Some(&json!({"n": [1, 2.5]})));

    let error: ParseError = decode(br#"{"code":1,"error":"x","info":{"retry":true}}"#).unwrap();
    assert_eq!(
        error.extra_field("info").map(ExactJson::value),
        Some(&json!({"retry": true}))
    );
    assert_eq!(error.extra_field("missing"), None);
}

#[test]
fn a_constructed_error_has_the_server_shape() {
    let error = ParseError::new(ErrorCode::INVALID_SESSION_TOKEN, "Invalid session token");
    assert_eq!(
        serde_json::to_string(&error).unwrap(),
        r#"{"code":209,"error":"Invalid session token"}"#
    );
    assert_eq!(
        error.to_string(),
        "209 InvalidSessionToken: Invalid session token"
    );
    let boxed: Box<dyn std::error::Error> = Box::new(error);
    assert_eq!(
        boxed.to_string(),
        "209 InvalidSessionToken: Invalid session token"
    );
}

#[test]
fn map_keys_given_as_bytes_are_read_as_names() {
    use serde::de::value::{BytesDeserializer, Error, MapDeserializer};

    let entries = [(&b"code"[..], 101), (b"retries", 3)]
        .map(|(key, value)| (BytesDeserializer::<Error>::new(key), value));
    let error: ParseError =
        serde::Deserialize::deserialize(MapDeserializer::new(entries.into_iter())).unwrap();
    assert_eq!(error.code(), Some(ErrorCode::OBJECT_NOT_FOUND));
    assert_eq!(
        error.extra_field("retries").map(ExactJson::value),
        Some(&json!(3))
    );

    let entries = [(BytesDeserializer::<Error>::new(b"\xffcode"), 101)];
    let message =
        <ParseError as serde::Deserialize>::deserialize(MapDeserializer::new(entries.into_iter()))
            .unwrap_err()
            .to_string();
    assert_eq!(message, "invalid value: byte array, expected a string");

    // A value JSON cannot hold, such as bytes from a binary format, is refused.
    let entries = [("blob", BytesDeserializer::<Error>::new(b"\x01"))];
    let message =
        <ParseError as serde::Deserialize>::deserialize(MapDeserializer::new(entries.into_iter()))
            .unwrap_err()
            .to_string();
    assert_eq!(message, "invalid type: byte array, expected any JSON value");
}

#[test]
fn errors_from_other_serde_formats_come_from_values() {
    // Any self-describing deserializer works, not only serde_json's reader.
    let value = json!({"code": 101, "error": "x", "extra": [1]});
    let error: ParseError = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(error.code(), Some(ErrorCode::OBJECT_NOT_FOUND));
    assert_eq!(serde_json::to_value(&error).unwrap(), value);

    // From a `Value`, a body is as exact as that value: its floats are written
    // back as serde_json writes them; the views are that text as serde_json
    // reads it (its default float parsing reads 1.41e25 one unit off).
    let value = json!({"code": "23505", "error": 1.41e25, "n": 0.1});
    let error: ParseError = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(
        error.unparsed_code().map(ExactJson::value),
        Some(&json!("23505"))
    );
    let as_serde_json_reads = |text: &str| serde_json::from_str::<Value>(text).unwrap();
    assert_eq!(error.message_value(), Some(&as_serde_json_reads("1.41e25")));
    assert_eq!(
        serde_json::to_string(&error).unwrap(),
        format!(r#"{{"code":"23505","error":{},"n":0.1}}"#, json!(1.41e25))
    );
}

#[test]
fn exact_json_keeps_text_and_value() {
    let kept: ExactJson = " [141e23, \"caf\\u00e9\", {\"b\":1,\"a\":-0}] "
        .parse()
        .unwrap();
    assert_eq!(kept.to_string(), r#"[141e23,"caf\u00e9",{"b":1,"a":-0}]"#);
    assert_eq!(
        kept.as_raw().get(),
        r#"[141e23,"caf\u00e9",{"b":1,"a":-0}]"#
    );
    assert_eq!(
        format!("{kept:?}"),
        r#"ExactJson([141e23,"caf\u00e9",{"b":1,"a":-0}])"#
    );
    // The view: numbers as serde_json reads them (141e23 one unit off with its
    // default features, -0 the float -0.0), the escape decoded.
    let score = serde_json::from_str::<f64>("141e23").unwrap();
    assert_eq!(kept, json!([score, "café", {"a": -0.0, "b": 1}]));
    assert_eq!(kept.get(0).and_then(Value::as_f64), Some(score));
    assert_eq!(&kept.clone().into_value(), kept.value());
    // Equal as JSON values, whatever the spelling.
    let same: ExactJson = r#"[14.1e24,"café",{"a":-0.0,"b":1}]"#.parse().unwrap();
    assert_eq!(kept, same);
    assert_ne!(kept.to_string(), same.to_string());
    // From a `Value`: serde_json's text for it.
    let from_value = ExactJson::from(json!({"b": [1.5], "a": null}));
    assert_eq!(from_value.to_string(), r#"{"a":null,"b":[1.5]}"#);
    assert_eq!(json!({"a": null, "b": [1.5]}), from_value);

    for (text, expected) in [
        ("", "EOF while parsing a value at line 1 column 0"),
        ("[1,]", "expected value at line 1 column 4"),
        ("1 2", "trailing characters at line 1 column 3"),
        ("1e400", "number out of range"),
        (
            r#""\ud800"#,
            "EOF while parsing a string at line 1 column 7",
        ),
        (r#""\ud80""#, "invalid escape at line 1 column 7"),
    ] {
        match text.parse::<ExactJson>() {
            Ok(kept) => panic!("{text:?} parses to {kept:?}"),
            Err(error) => assert!(error.to_string().contains(expected), "{text:?}: {error}"),
        }
    }
    let deep = "[".repeat(129) + &"]".repeat(129);
    let error = deep.parse::<ExactJson>().unwrap_err().to_string();
    assert!(error.contains("recursion limit exceeded"), "{error}");
    // An unpaired surrogate: kept, and U+FFFD in the view.
    let kept: ExactJson = r#"{"a":"\udc00\ud800x"}"#.parse().unwrap();
    assert_eq!(kept.to_string(), r#"{"a":"\udc00\ud800x"}"#);
    assert_eq!(kept, json!({"a": "\u{fffd}\u{fffd}x"}));
}

/// The expected code, `reconnect` and `requestId`.
type LiveQueryFields = (Option<i32>, bool, Option<u64>);

const LIVE_QUERY_CASES: &[(&str, &[u8], Result<LiveQueryFields, &str>)] = &[
    (
        "parse-server's shape",
        br#"{"op":"error","error":"Invalid session token","code":209,"reconnect":false,"requestId":2}"#,
        Ok((Some(209), false, Some(2))),
    ),
    (
        "requestId null (the server's default)",
        br#"{"op":"error","error":"Invalid session token","code":209,"reconnect":true,"requestId":null}"#,
        Ok((Some(209), true, None)),
    ),
    (
        "no requestId (older servers)",
        br#"{"op":"error","error":"Need to subscribe first","code":1,"reconnect":true}"#,
        Ok((Some(1), true, None)),
    ),
    (
        "an unpaired surrogate in the message",
        br#"{"op":"error","error":"\ud800","code":141,"reconnect":false,"requestId":7}"#,
        Ok((Some(141), false, Some(7))),
    ),
    (
        "an object thrown by a LiveQuery trigger, and extra fields",
        br#"{"op":"error","error":{"why":"nope"},"code":141,"reconnect":false,"requestId":7,"clientId":3}"#,
        Ok((Some(141), false, Some(7))),
    ),
    (
        "a frame that is not an object",
        b"[1]",
        Err("invalid type: sequence, expected a LiveQuery error message (a JSON object with \"op\": \"error\")"),
    ),
    (
        "another op",
        br#"{"op":"subscribed","clientId":1,"requestId":1}"#,
        Err("LiveQuery message has op `subscribed`; only op `error` is an error message"),
    ),
    (
        "missing op",
        br#"{"error":"x","code":1,"reconnect":true}"#,
        Err("missing field `op`"),
    ),
    (
        "missing reconnect",
        br#"{"op":"error","error":"x","code":1}"#,
        Err("missing field `reconnect`"),
    ),
    (
        "reconnect as a string",
        br#"{"op":"error","error":"x","code":1,"reconnect":"yes"}"#,
        Err("invalid type: string \"yes\", expected a boolean"),
    ),
    (
        "requestId as a string",
        br#"{"op":"error","error":"x","code":1,"reconnect":true,"requestId":"2"}"#,
        Err("LiveQuery `requestId` must be a number or null, found \"2\""),
    ),
    (
        "duplicate requestId",
        br#"{"op":"error","error":"x","code":1,"reconnect":true,"requestId":1,"requestId":2}"#,
        Err("duplicate field `requestId`"),
    ),
    (
        "no code and no error",
        br#"{"op":"error","reconnect":true}"#,
        Err("not a Parse error body: it has neither `code` nor `error` (found no fields)"),
    ),
    (
        "code beyond i32, kept",
        br#"{"op":"error","error":"x","code":4294967296,"reconnect":true}"#,
        Ok((None, true, None)),
    ),
    (
        "code thrown by a trigger as a string",
        br#"{"op":"error","error":"x","code":"E_QUOTA","reconnect":false,"requestId":3}"#,
        Ok((None, false, Some(3))),
    ),
    (
        "members in another order than the server's",
        br#"{"requestId":5,"reconnect":true,"code":1,"op":"error","error":"x"}"#,
        Ok((Some(1), true, Some(5))),
    ),
    (
        "`message` next to `error` among LiveQuery's own members",
        br#"{"message":"m","op":"error","code":1,"stack":"s","error":"e","reconnect":true,"requestId":1}"#,
        Ok((Some(1), true, Some(1))),
    ),
    (
        "a requestId that is not an integer is kept as written",
        br#"{"op":"error","error":"x","code":1,"reconnect":true,"requestId":2.50}"#,
        Ok((Some(1), true, None)),
    ),
];

#[test]
fn live_query_messages_decode_and_round_trip() {
    let mut failures = Vec::new();
    for (name, input, expect) in LIVE_QUERY_CASES {
        match (expect, decode::<LiveQueryError>(input)) {
            (Ok(expected), Ok(error)) => {
                let got = (
                    error.code().map(ErrorCode::get),
                    error.reconnect(),
                    error.request_id().and_then(|id| id.as_u64()),
                );
                if got != *expected {
                    failures.push(format!("{name}: decoded {got:?}"));
                }
                let encoded = serde_json::to_vec(&error).unwrap();
                if encoded != *input {
                    failures.push(format!(
                        "{name}: re-encodes as {}",
                        String::from_utf8_lossy(&encoded)
                    ));
                }
            }
            (Err(expected), Err(message)) => {
                if !message.contains(expected) {
                    failures.push(format!("{name}: fails with {message:?}"));
                }
            }
            (Ok(_), Err(message)) => failures.push(format!("{name}: fails with {message:?}")),
            (Err(_), Ok(error)) => failures.push(format!("{name}: decodes to {error:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn live_query_error_gives_the_body_fields() {
    let error: LiveQueryError = decode(
        br#"{"op":"error","error":"Invalid session token","code":209,"reconnect":false,"requestId":2,"clientId":3}"#,
    )
    .unwrap();
    assert_eq!(error.message(), "Invalid session token");
    assert_eq!(error.kinds(), [ErrorKind::InvalidSessionToken]);
    assert_eq!(
        error.to_string(),
        "209 InvalidSessionToken: Invalid session token"
    );
    assert_eq!(
        error
            .parse_error()
            .extra_field("clientId")
            .map(ExactJson::value),
        Some(&json!(3))
    );
    // Without `op`, `reconnect` and `requestId`, the other members stay in order.
    assert_eq!(
        serde_json::to_string(&error.into_parse_error()).unwrap(),
        r#"{"error":"Invalid session token","code":209,"clientId":3}"#
    );
    let error: LiveQueryError =
        decode(br#"{"op":"error","error":"x","code":1,"reconnect":true,"requestId":2.50}"#)
            .unwrap();
    assert_eq!(error.request_id().and_then(|id| id.as_f64()), Some(2.5));
}

/// What one decoded `/batch` item must be.
enum Item {
    /// A success item whose response's exact text is this.
    Success(&'static str),
    /// An error item.
    Error {
        code: Option<i32>,
        /// The exact text of a `code` that is not an `i32`.
        unparsed: Option<&'static str>,
        message: &'static str,
        display: &'static str,
    },
}

/// The same, decoded, for comparison and failure messages.
#[derive(Debug, PartialEq)]
enum Got {
    Success(String),
    Error(Option<i32>, Option<String>, String, String),
}

impl Item {
    fn expected(&self) -> Got {
        match self {
            Item::Success(text) => Got::Success((*text).into()),
            Item::Error {
                code,
                unparsed,
                message,
                display,
            } => Got::Error(
                *code,
                unparsed.map(String::from),
                (*message).into(),
                (*display).into(),
            ),
        }
    }

    fn got(item: &BatchItem) -> Got {
        match item {
            BatchItem::Success(response) => Got::Success(response.to_string()),
            BatchItem::Error(error) => Got::Error(
                error.code().map(ErrorCode::get),
                error.unparsed_code().map(ExactJson::to_string),
                error.message().into(),
                error.to_string(),
            ),
        }
    }
}

use Item::Success;

/// An error item with a code and a string message.
const fn failed(code: i32, message: &'static str, display: &'static str) -> Item {
    Item::Error {
        code: Some(code),
        unparsed: None,
        message,
        display,
    }
}

/// An error item whose code is kept as this text.
const fn odd_code(unparsed: &'static str, message: &'static str, display: &'static str) -> Item {
    Item::Error {
        code: None,
        unparsed: Some(unparsed),
        message,
        display,
    }
}

/// The expected items and the re-encoding (`SAME` when it equals the input).
type Items = (&'static [Item], &'static str);

const BATCH_CASES: &[(&str, &[u8], Result<Items, &str>)] = &[
    (
        "unpaired surrogates in a success and in an error item",
        br#"[{"success":{"name":"\udc00"}},{"error":{"code":9006,"error":"\ud800 lone"}}]"#,
        Ok((
            &[
                Success(r#"{"name":"\udc00"}"#),
                failed(9006, "\u{fffd} lone", "9006: \u{fffd} lone"),
            ],
            SAME,
        )),
    ),
    (
        "success and error items",
        br#"[{"success":{"createdAt":"2026-01-01T00:00:00.000Z","objectId":"a1"}},{"error":{"code":101,"error":"Object not found."}},{"success":{}}]"#,
        Ok((
            &[
                Success(r#"{"createdAt":"2026-01-01T00:00:00.000Z","objectId":"a1"}"#),
                failed(101, "Object not found.", "101 UserInvalidLoginParams/ObjectNotFound: Object not found."),
                Success("{}"),
            ],
            SAME,
        )),
    ),
    (
        "a success object's members keep their order",
        br#"[{"success":{"objectId":"a1","createdAt":"2026-01-01T00:00:00.000Z"}}]"#,
        Ok((
            &[Success(r#"{"objectId":"a1","createdAt":"2026-01-01T00:00:00.000Z"}"#)],
            SAME,
        )),
    ),
    (
        "a success object's numbers keep their spelling",
        br#"[{"success":{"result":{"score":141e23,"ratio":0.50,"n":-0}}}]"#,
        Ok((&[Success(r#"{"result":{"score":141e23,"ratio":0.50,"n":-0}}"#)], SAME)),
    ),
    (
        "error items without codes and with objects",
        br#"[{"error":{"error":"Permission denied"}},{"error":{"code":141,"error":{"a":1}}}]"#,
        Ok((
            &[
                Item::Error {
                    code: None,
                    unparsed: None,
                    message: "Permission denied",
                    display: "Permission denied",
                },
                failed(141, r#"{"a":1}"#, r#"141 ScriptFailed/FunctionNotFound/JobNotFound/SuccessErrorNotCalled/MultupleSuccessErrorCalls: {"a":1}"#),
            ],
            SAME,
        )),
    ),
    // The bodies of issue 14, as parse-server 8.6.94 on PostgreSQL answers them.
    (
        "a create that fails in the database next to one that succeeds",
        br#"[{"success":{"objectId":"a","createdAt":"2026-05-01T10:00:00.000Z"}},{"error":{"code":"23505","error":"duplicate key value violates unique constraint \"GameScore_pkey\""}}]"#,
        Ok((
            &[
                Success(r#"{"objectId":"a","createdAt":"2026-05-01T10:00:00.000Z"}"#),
                odd_code(
                    r#""23505""#,
                    "duplicate key value violates unique constraint \"GameScore_pkey\"",
                    r#""23505": duplicate key value violates unique constraint "GameScore_pkey""#,
                ),
            ],
            SAME,
        )),
    ),
    (
        "an empty error object",
        br#"[{"error":{}}]"#,
        Ok((
            &[Item::Error {
                code: None,
                unparsed: None,
                message: "",
                display: "error without code or message",
            }],
            SAME,
        )),
    ),
    (
        "every shape of code in error items",
        br#"[{"error":{"code":"22P02","error":"a"}},{"error":{"code":1.5,"error":"b"}},{"error":{"code":null,"error":"c"}},{"error":{"code":{"sql":"23505"}}},{"error":{"code":[1,2],"error":"d"}},{"error":{"code":false,"error":"e"}},{"error":{"code":9007199254740993,"error":"f"}},{"error":{"code":-1,"error":"g"}},{"error":{"code":-2147483649,"error":"h"}},{"error":{"code":141e23}}]"#,
        Ok((
            &[
                odd_code(r#""22P02""#, "a", r#""22P02": a"#),
                odd_code("1.5", "b", "1.5: b"),
                odd_code("null", "c", "null: c"),
                odd_code(r#"{"sql":"23505"}"#, "", r#"{"sql":"23505"}"#),
                odd_code("[1,2]", "d", "[1,2]: d"),
                odd_code("false", "e", "false: e"),
                odd_code("9007199254740993", "f", "9007199254740993: f"),
                failed(-1, "g", "-1 OtherCause: g"),
                odd_code("-2147483649", "h", "-2147483649: h"),
                odd_code("141e23", "", "141e23"),
            ],
            SAME,
        )),
    ),
    (
        "an error object that is not a Parse error body is still an error item",
        br#"[{"success":{}},{"success":{}},{"error":{"results":[],"x":1.0}}]"#,
        Ok((
            &[
                Success("{}"),
                Success("{}"),
                Item::Error {
                    code: None,
                    unparsed: None,
                    message: "",
                    display: "error without code or message",
                },
            ],
            SAME,
        )),
    ),
    (
        "an error item whose error is not an object is kept whole",
        br#"[{"error":"x"},{"error":141e23},{"error":null},{"error":["a",{"b":1}]}]"#,
        Ok((
            &[
                Item::Error {
                    code: None,
                    unparsed: None,
                    message: "x",
                    display: "x",
                },
                Item::Error {
                    code: None,
                    unparsed: None,
                    message: "141e23",
                    display: "141e23",
                },
                Item::Error {
                    code: None,
                    unparsed: None,
                    message: "null",
                    display: "null",
                },
                Item::Error {
                    code: None,
                    unparsed: None,
                    message: r#"["a",{"b":1}]"#,
                    display: r#"["a",{"b":1}]"#,
                },
            ],
            SAME,
        )),
    ),
    (
        "members of an error item keep their order and escapes",
        br#"[{"error":{"error":"caf\u00e9","stack":"s","code":"X"}}]"#,
        Ok((&[odd_code(r#""X""#, "café", r#""X": café"#)], SAME)),
    ),
    (
        "whitespace is dropped",
        b" [ { \"success\" : { \"a\" : [ 1 , 2 ] } } ,\n { \"error\" : { \"code\" : 101 } } ] ",
        Ok((
            &[
                Success(r#"{"a":[1,2]}"#),
                failed(101, "", "101 UserInvalidLoginParams/ObjectNotFound"),
            ],
            r#"[{"success":{"a":[1,2]}},{"error":{"code":101}}]"#,
        )),
    ),
    ("empty batch", b"[]", Ok((&[], SAME))),
    // Not a /batch response.
    (
        "a whole-request error body",
        br#"{"code":1,"error":"too many requests"}"#,
        Err("invalid type: map, expected a /batch response (a JSON array of `success` and `error` items)"),
    ),
    (
        "an HTML page",
        b"<!DOCTYPE html>",
        Err("expected value at line 1 column 1"),
    ),
    (
        "an item that is not an object",
        br#"[{"success":{}},1]"#,
        Err("/batch item 1: invalid type: integer `1`, expected a /batch item (a JSON object with `success` or `error`)"),
    ),
    (
        "an item with both keys",
        br#"[{"success":{},"error":{"code":1,"error":"x"}}]"#,
        Err("/batch item 0: a /batch item has both `success` and `error`"),
    ),
    (
        "an item with neither key",
        br#"[{"success":{}},{}]"#,
        Err("/batch item 1: a /batch item has neither `success` nor `error`"),
    ),
    (
        "an item with another key",
        br#"[{"success":{},"warning":"x"}]"#,
        Err("/batch item 0: unexpected field `warning` in a /batch item: expected only `success` or `error`"),
    ),
    (
        "an item with a duplicate key",
        br#"[{"error":{"code":1},"error":{"code":2}}]"#,
        Err("/batch item 0: duplicate field `error`"),
    ),
    (
        "an error object with a duplicate key",
        br#"[{"success":{}},{"error":{"code":1,"error":"x","code":2}}]"#,
        Err("/batch item 1: duplicate field `code` at line 1 column "),
    ),
    (
        "a number no f64 holds",
        br#"[{"success":{"n":1e400}}]"#,
        Err("/batch item 0: number out of range at line 1 column 24"),
    ),
    (
        "truncated",
        br#"[{"success":{}},{"error":{"code":101,"#,
        Err("/batch item 1: EOF while parsing an object at line 1 column 37"),
    ),
];

#[test]
fn batch_responses_decode_and_round_trip() {
    let mut failures = Vec::new();
    for (name, input, expect) in BATCH_CASES {
        match (expect, decode::<BatchResponse>(input)) {
            (Ok((expected, reencoded)), Ok(batch)) => {
                let reencoded = if reencoded.is_empty() {
                    input
                } else {
                    reencoded.as_bytes()
                };
                let got: Vec<Got> = batch.items().iter().map(Item::got).collect();
                let expected: Vec<Got> = expected.iter().map(Item::expected).collect();
                if got != expected {
                    failures.push(format!("{name}: decoded {got:?}"));
                }
                let encoded = serde_json::to_vec(&batch).unwrap();
                if encoded != reencoded {
                    failures.push(format!(
                        "{name}: re-encodes as {}",
                        String::from_utf8_lossy(&encoded)
                    ));
                }
                if decode::<BatchResponse>(&encoded).as_ref() != Ok(&batch) {
                    failures.push(format!("{name}: re-encoded body decodes differently"));
                }
            }
            (Err(expected), Err(message)) => {
                // One position, in the whole body, even for an error found
                // inside a captured value.
                if !message.contains(expected) || message.matches(" at line ").count() > 1 {
                    failures.push(format!("{name}: fails with {message:?}"));
                }
            }
            (Ok(_), Err(message)) => failures.push(format!("{name}: fails with {message:?}")),
            (Err(_), Ok(batch)) => failures.push(format!("{name}: decodes to {batch:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn batch_errors_are_listed_with_their_index() {
    let batch: BatchResponse = decode(
        br#"[{"success":{"objectId":"a1"}},{"error":{"code":101,"error":"Object not found."}},{"error":{"code":137,"error":"dup"}}]"#,
    )
    .unwrap();
    let errors: Vec<(usize, Option<ErrorCode>)> = batch
        .errors()
        .map(|(index, error)| (index, error.code()))
        .collect();
    assert_eq!(
        errors,
        [
            (1, Some(ErrorCode::OBJECT_NOT_FOUND)),
            (2, Some(ErrorCode::DUPLICATE_VALUE))
        ]
    );
    assert_eq!(
        batch.items()[0].success().map(ExactJson::value),
        Some(&json!({"objectId": "a1"}))
    );
    assert_eq!(batch.items()[0].error(), None);
    assert_eq!(batch.into_items().len(), 3);
}

#[test]
fn error_codes_are_bare_integers() {
    let codes = [i32::MIN, -1, 0, 1, 101, 153, 9001, i32::MAX];
    let spec_codes = ErrorKind::ALL.iter().map(|kind| kind.code().get());
    for code in codes.into_iter().chain(spec_codes) {
        let text = serde_json::to_string(&ErrorCode::new(code)).unwrap();
        assert_eq!(text, code.to_string());
        assert_eq!(
            decode::<ErrorCode>(text.as_bytes()),
            Ok(ErrorCode::new(code))
        );
    }
}

const CODE_ERRORS: &[(&str, &str)] = &[
    (
        "\"101\"",
        "invalid type: string \"101\", expected a Parse error code (a 32-bit integer)",
    ),
    (
        "101.5",
        "invalid type: floating point `101.5`, expected a Parse error code",
    ),
    ("null", "invalid type: null, expected a Parse error code"),
    (
        "2147483648",
        "Parse error code 2147483648 is outside the 32-bit range",
    ),
    (
        "-2147483649",
        "Parse error code -2147483649 is outside the 32-bit range",
    ),
    (
        "18446744073709551615",
        "Parse error code 18446744073709551615 is outside the 32-bit range",
    ),
    ("1e300", "Parse error code 1e300 is outside"),
];

#[test]
fn error_codes_outside_i32_or_of_other_types_are_rejected() {
    for (input, expected) in CODE_ERRORS {
        match decode::<ErrorCode>(input.as_bytes()) {
            Ok(code) => panic!("{input} decodes to {code:?}"),
            Err(message) => assert!(message.contains(expected), "{input}: {message}"),
        }
    }
}

#[test]
fn kinds_are_names_and_categories_are_anchors() {
    for kind in ErrorKind::ALL {
        let text = serde_json::to_string(kind).unwrap();
        assert_eq!(text, format!("\"{}\"", kind.name()));
        assert_eq!(decode::<ErrorKind>(text.as_bytes()), Ok(*kind));
    }
    for category in Category::ALL {
        let text = serde_json::to_string(category).unwrap();
        assert_eq!(text, format!("\"{}\"", category.anchor()));
        assert_eq!(decode::<Category>(text.as_bytes()), Ok(*category));
    }
    assert_eq!(
        serde_json::to_string(&Category::Api).unwrap(),
        "\"api-issues\""
    );
    assert_eq!(
        decode::<ErrorKind>(b"\"MultupleSuccessErrorCalls\""),
        Ok(ErrorKind::MultupleSuccessErrorCalls)
    );
}

const NAME_ERRORS: &[(&str, &str)] = &[
    (
        "\"ObjectNotFnd\"",
        "no Parse error kind is named `ObjectNotFnd`",
    ),
    (
        "\"objectnotfound\"",
        "no Parse error kind is named `objectnotfound`",
    ),
    (
        "101",
        "invalid type: integer `101`, expected the name of a Parse error kind",
    ),
    (
        "null",
        "invalid type: null, expected the name of a Parse error kind",
    ),
];

const ANCHOR_ERRORS: &[(&str, &str)] = &[
    ("\"api\"", "no Parse error category has the anchor `api`"),
    (
        "\"API 问题\"",
        "no Parse error category has the anchor `API 问题`",
    ),
    (
        "3",
        "invalid type: integer `3`, expected the anchor of a Parse error category",
    ),
];

#[test]
fn unknown_names_and_anchors_say_what_was_found() {
    for (input, expected) in NAME_ERRORS {
        match decode::<ErrorKind>(input.as_bytes()) {
            Ok(kind) => panic!("{input} decodes to {kind:?}"),
            Err(message) => assert!(message.contains(expected), "{input}: {message}"),
        }
    }
    for (input, expected) in ANCHOR_ERRORS {
        match decode::<Category>(input.as_bytes()) {
            Ok(category) => panic!("{input} decodes to {category:?}"),
            Err(message) => assert!(message.contains(expected), "{input}: {message}"),
        }
    }
}

/// Counts the allocations made by the current thread, so that tests running in
/// parallel do not disturb each other's counts.
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn allocations_to_decode<T: serde::de::DeserializeOwned>(input: &[u8]) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    let decoded = serde_json::from_slice::<T>(input);
    let after = ALLOCATIONS.with(Cell::get);
    assert!(decoded.is_ok());
    drop(decoded);
    after - before
}

#[test]
fn decoding_allocates_only_the_message_and_kept_fields() {
    // The message string.
    assert_eq!(
        allocations_to_decode::<ParseError>(br#"{"code":101,"error":"Object not found."}"#),
        1
    );
    // Nothing: no message, nothing else kept.
    assert_eq!(allocations_to_decode::<ParseError>(br#"{"code":209}"#), 0);
    // The message; the box that holds the extra fields and their order, the
    // list, a key, and the kept value: its exact text and its `Value` view (a
    // string).
    assert_eq!(
        allocations_to_decode::<ParseError>(br#"{"code":101,"error":"x","stack":"at y"}"#),
        6
    );
    // A code that is not an `i32` takes the general reader: its box, its exact
    // text (a number has no string to allocate in its view), the message, and
    // the list of the members' order.
    assert_eq!(
        allocations_to_decode::<ParseError>(br#"{"code":101.5,"error":"x"}"#),
        4
    );
    // A message written with escapes is kept exactly: its box, its text, its
    // view, the buffer serde_json decodes the escapes in, and the order list.
    assert_eq!(
        allocations_to_decode::<ParseError>(br#"{"code":101,"error":"caf\u00e9"}"#),
        5
    );
    // LiveQuery: op and reconnect are read without allocating; the message,
    // the list of the members' order, and the exact text of `requestId`.
    assert_eq!(
        allocations_to_decode::<LiveQueryError>(
            br#"{"op":"error","error":"Invalid session token","code":209,"reconnect":false,"requestId":2}"#
        ),
        3
    );
}

/// Two bodies are equal when they carry the same members with the same values,
/// whatever the order they came in: a cache or a test compares what the server
/// said, not how it laid it out.
#[test]
fn bodies_are_equal_when_their_members_are_whatever_their_order() {
    let body = |text: &str| decode::<ParseError>(text.as_bytes()).unwrap();
    let base = body(r#"{"code":141,"error":"x","a":1,"b":[2]}"#);
    assert_eq!(base, body(r#"{"b":[2],"error":"x","a":1,"code":141}"#));
    for different in [
        r#"{"code":141,"error":"x","a":1,"b":[3]}"#,
        r#"{"code":141,"error":"x","a":1}"#,
        r#"{"code":141,"error":"x","a":1,"b":[2],"c":null}"#,
        r#"{"code":141,"error":"x","a":1,"c":[2]}"#,
        r#"{"code":142,"error":"x","a":1,"b":[2]}"#,
        r#"{"code":141,"error":"y","a":1,"b":[2]}"#,
    ] {
        assert_ne!(base, body(different), "{different}");
    }
}

/// A `/batch` item with a member twice says which member, as serde's derive
/// would: the two halves of the body are not both kept.
#[test]
fn a_batch_item_with_a_member_twice_names_it() {
    for (body, expected) in [
        (
            r#"[{"success":{},"success":{}}]"#,
            "duplicate field `success`",
        ),
        (r#"[{"error":{},"error":{}}]"#, "duplicate field `error`"),
        (
            r#"[{"success":{},"error":{}}]"#,
            "both `success` and `error`",
        ),
    ] {
        let error = decode::<BatchResponse>(body.as_bytes()).unwrap_err();
        assert!(error.contains(expected), "{body}: {error}");
    }
}

/// Runs `work` on its own thread and fails unless it returns within 10 s, so
/// that an input making the decoder loop forever fails instead of hanging.
fn within_ten_seconds<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || sender.send(work()));
    receiver
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("returned within 10 s, without panicking")
}

/// Unpaired surrogates between every other kind of escape: each one reads as
/// U+FFFD, everything else as JSON says, wherever the string is kept.
#[test]
fn unpaired_surrogates_among_other_escapes() {
    for (escaped, expected) in [
        (r"\ud83d\ude00 then \ud800", "😀 then \u{fffd}"),
        (r"\u0041\ud800", "A\u{fffd}"),
        (r"\n\ud800", "\n\u{fffd}"),
        (r"\\\ud800", "\\\u{fffd}"),
        (r"\udc00\ud800x", "\u{fffd}\u{fffd}x"),
        (r"x\ud800\ud800\udc00", "x\u{fffd}\u{10000}"),
        (r#"\"\udbff"#, "\"\u{fffd}"),
    ] {
        let body = format!(r#"{{"code":141,"error":"{escaped}","x":["{escaped}"]}}"#);
        let decoded = within_ten_seconds({
            let body = body.clone();
            move || decode::<ParseError>(body.as_bytes())
        });
        let error = decoded.unwrap_or_else(|e| panic!("{body}: {e}"));
        assert_eq!(error.message(), expected, "{body}");
        let kept = error.extra_field("x").unwrap();
        assert_eq!(kept.value(), &json!([expected]), "{body}");
        assert_eq!(serde_json::to_string(&error).unwrap(), body);
    }
}

/// Only the whitespace between tokens goes; inside strings, after escaped
/// quotes and backslashes, every space stays.
#[test]
fn kept_text_loses_only_the_whitespace_between_tokens() {
    let body = r#"{ "code" : 1, "error" : "a  b", "x" : { "k" : "p \" q  r", "n" : [ 1 , "s\\", " t " ] } }"#;
    let compact = r#"{"code":1,"error":"a  b","x":{"k":"p \" q  r","n":[1,"s\\"," t "]}}"#;
    let error = decode::<ParseError>(body.as_bytes()).unwrap();
    assert_eq!(serde_json::to_string(&error).unwrap(), compact);
}

/// A kept value compares with a `serde_json::Value`, either way round, by value.
#[test]
fn kept_values_compare_with_values_both_ways() {
    let error = decode::<ParseError>(br#"{"code":1,"x":{"a":[1,"b"]}}"#).unwrap();
    let kept = error.extra_field("x").unwrap();
    let same = json!({ "a": [1, "b"] });
    let other = json!({ "a": [1, "c"] });
    assert_eq!(*kept, same);
    assert_eq!(same, *kept);
    assert_ne!(*kept, other);
    assert_ne!(other, *kept);
}

/// Parse Server's `message` key takes the place of `error` wherever a code
/// comes with it, a `/batch` item included, and keeps its place among the
/// other members when the body is written back.
#[test]
fn message_stands_in_for_error_and_keeps_its_place() {
    let body = r#"{"code":1,"x":2,"message":"Internal server error.","y":3}"#;
    let error = decode::<ParseError>(body.as_bytes()).unwrap();
    assert_eq!(error.message(), "Internal server error.");
    assert_eq!(serde_json::to_string(&error).unwrap(), body);

    let batch = r#"[{"error":{"code":1,"message":"Internal server error."}}]"#;
    let response = decode::<BatchResponse>(batch.as_bytes()).unwrap();
    let (_, error) = response.errors().next().unwrap();
    assert_eq!(error.message(), "Internal server error.");
    assert_eq!(serde_json::to_string(&response).unwrap(), batch);
}

/// A serializer that records what a map announces and how many members it
/// writes: formats such as MessagePack and bincode write the count first, so a
/// wrong one corrupts their output (serde_json ignores it). Anything but a map
/// is an error.
struct MapLength;

/// The count a map announced, and the members it wrote.
struct Counted {
    announced: Option<usize>,
    written: usize,
}

type NotMap = serde::ser::Impossible<Counted, serde::de::value::Error>;

fn not_a_map<T>() -> Result<T, serde::de::value::Error> {
    Err(serde::ser::Error::custom("not a map"))
}

impl serde::ser::SerializeMap for Counted {
    type Ok = Counted;
    type Error = serde::de::value::Error;

    fn serialize_key<T: ?Sized + serde::Serialize>(&mut self, _: &T) -> Result<(), Self::Error> {
        self.written += 1;
        Ok(())
    }

    fn serialize_value<T: ?Sized + serde::Serialize>(&mut self, _: &T) -> Result<(), Self::Error> {
        Ok(())
    }

    fn end(self) -> Result<Counted, Self::Error> {
        Ok(self)
    }
}

/// The methods of `Serializer` for anything but a map, each refusing it.
macro_rules! refuse {
    ($($method:ident($($argument:ty),*) -> $returns:ty;)*) => {$(
        fn $method(self, $(_: $argument),*) -> Result<$returns, Self::Error> {
            not_a_map()
        }
    )*};
}

impl serde::Serializer for MapLength {
    type Ok = Counted;
    type Error = serde::de::value::Error;
    type SerializeMap = Counted;
    type SerializeSeq = NotMap;
    type SerializeTuple = NotMap;
    type SerializeTupleStruct = NotMap;
    type SerializeTupleVariant = NotMap;
    type SerializeStruct = NotMap;
    type SerializeStructVariant = NotMap;

    fn serialize_map(self, announced: Option<usize>) -> Result<Counted, Self::Error> {
        Ok(Counted {
            announced,
            written: 0,
        })
    }

    refuse! {
        serialize_bool(bool) -> Counted;
        serialize_i8(i8) -> Counted;
        serialize_i16(i16) -> Counted;
        serialize_i32(i32) -> Counted;
        serialize_i64(i64) -> Counted;
        serialize_u8(u8) -> Counted;
        serialize_u16(u16) -> Counted;
        serialize_u32(u32) -> Counted;
        serialize_u64(u64) -> Counted;
        serialize_f32(f32) -> Counted;
        serialize_f64(f64) -> Counted;
        serialize_char(char) -> Counted;
        serialize_str(&str) -> Counted;
        serialize_bytes(&[u8]) -> Counted;
        serialize_none() -> Counted;
        serialize_unit() -> Counted;
        serialize_unit_struct(&'static str) -> Counted;
        serialize_unit_variant(&'static str, u32, &'static str) -> Counted;
        serialize_seq(Option<usize>) -> NotMap;
        serialize_tuple(usize) -> NotMap;
        serialize_tuple_struct(&'static str, usize) -> NotMap;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> NotMap;
        serialize_struct(&'static str, usize) -> NotMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> NotMap;
    }

    fn serialize_some<T: ?Sized + serde::Serialize>(self, _: &T) -> Result<Counted, Self::Error> {
        not_a_map()
    }

    fn serialize_newtype_struct<T: ?Sized + serde::Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<Counted, Self::Error> {
        not_a_map()
    }

    fn serialize_newtype_variant<T: ?Sized + serde::Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Counted, Self::Error> {
        not_a_map()
    }
}

/// Every body written as a map announces the number of members it writes,
/// whatever members it was decoded with.
#[test]
fn every_body_announces_as_many_members_as_it_writes() {
    fn check<T: serde::Serialize>(name: &str, body: &T, failures: &mut Vec<String>) {
        match body.serialize(MapLength) {
            Ok(Counted { announced, written }) if announced != Some(written) => {
                failures.push(format!("{name}: announces {announced:?}, writes {written}"));
            }
            Ok(_) => {}
            Err(error) => failures.push(format!("{name}: {error}")),
        }
    }
    let mut failures = Vec::new();
    for (name, input, _) in BODY_CASES {
        if let Ok(error) = decode::<ParseError>(input) {
            check(name, &error, &mut failures);
        }
    }
    for (name, input, _) in LIVE_QUERY_CASES {
        if let Ok(error) = decode::<LiveQueryError>(input) {
            check(name, &error, &mut failures);
        }
    }
    for (name, input, _) in BATCH_CASES {
        for item in decode::<BatchResponse>(input)
            .into_iter()
            .flat_map(BatchResponse::into_items)
        {
            check(name, &item, &mut failures);
            // A bare error value (not an object) is written as it came.
            match item.error() {
                Some(error) if serde_json::to_string(error).unwrap().starts_with('{') => {
                    check(name, error, &mut failures)
                }
                _ => {}
            }
        }
    }
    let graphql = br#"{"errors":[{"message":"m","locations":[{"line":1,"column":2}],"path":["x"],"extensions":{"code":141,"n":1},"x":0}],"data":null,"extensions":{}}"#;
    let response: parse_error_codes::GraphQlResponse = decode(graphql).unwrap();
    check("a GraphQL response", &response, &mut failures);
    check("a GraphQL error", &response.errors()[0], &mut failures);
    assert!(failures.is_empty(), "{failures:#?}");
}
