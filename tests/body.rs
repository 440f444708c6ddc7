//! The serde feature: the catalogue types on the wire, and the error bodies a
//! Parse Server sends (shapes from ../shared/notes/wire-format.md and
//! parse-server's own code), each with its expected outcome.
#![cfg(feature = "serde")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use parse_error_codes::{
    BatchItem, BatchResponse, Category, ErrorCode, ErrorKind, LiveQueryError, ParseError,
};
use serde_json::{json, Value};

/// What decoding one input must give.
enum Expect {
    /// Decodes to this body; encoding it again gives `reencoded`.
    Body {
        code: Option<i32>,
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
            message: "unauthorized",
            extra: &[],
            display: "unauthorized",
            reencoded: SAME,
        },
    ),
    (
        "sanitized master-key error, no code",
        br#"{"error":"Permission denied"}"#,
        Body {
            code: None,
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
            message: "a \"b\"\n\\ é",
            extra: &[],
            display: "142 ValidationFailed: a \"b\"\n\\ é",
            reencoded: "{\"code\":142,\"error\":\"a \\\"b\\\"\\n\\\\ é\"}",
        },
    ),
    // Extra fields are kept in order and written back after code and message.
    (
        "extra fields",
        br#"{"code":101,"error":"x","stack":"at y","info":{"a":1,"b":[true]}}"#,
        Body {
            code: Some(101),
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
            message: "x",
            extra: &["stack"],
            display: "1 InternalServerError: x",
            reencoded: r#"{"code":1,"error":"x","stack":"s"}"#,
        },
    ),
    (
        "error before code",
        br#"{"error":"x","code":101}"#,
        Body {
            code: Some(101),
            message: "x",
            extra: &[],
            display: "101 UserInvalidLoginParams/ObjectNotFound: x",
            reencoded: r#"{"code":101,"error":"x"}"#,
        },
    ),
    (
        "`message` next to `error` is an extra field, in its place",
        br#"{"code":1,"message":"m","x":1,"error":"e","y":2}"#,
        Body {
            code: Some(1),
            message: "e",
            extra: &["message", "x", "y"],
            display: "1 InternalServerError: e",
            reencoded: r#"{"code":1,"error":"e","message":"m","x":1,"y":2}"#,
        },
    ),
    (
        "`message` after `error` and another extra field",
        br#"{"code":1,"error":"e","x":1,"message":"m"}"#,
        Body {
            code: Some(1),
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
        Fails("not a Parse error body: it has neither `code` nor `error` (found `results`) at line 1 column 14"),
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
        Fails("EOF while parsing a value at line 1 column 12"),
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
    // Wrong types.
    (
        "code as a string",
        br#"{"code":"101","error":"x"}"#,
        Fails("invalid type: string \"101\", expected a Parse error code (a 32-bit integer) at line 1 column 13"),
    ),
    (
        "code with a fraction",
        br#"{"code":101.5,"error":"x"}"#,
        Fails("invalid type: floating point `101.5`, expected a Parse error code (a 32-bit integer)"),
    ),
    (
        "code written as a float",
        br#"{"code":101.0,"error":"x"}"#,
        Fails("invalid type: floating point `101.0`, expected a Parse error code"),
    ),
    (
        "code null",
        br#"{"code":null,"error":"x"}"#,
        Fails("invalid type: null, expected a Parse error code"),
    ),
    (
        "code true",
        br#"{"code":true}"#,
        Fails("invalid type: boolean `true`, expected a Parse error code"),
    ),
    // Numbers beyond i32.
    (
        "code just above i32",
        br#"{"code":2147483648,"error":"x"}"#,
        Fails("Parse error code 2147483648 is outside the 32-bit range of error codes (-2147483648..=2147483647)"),
    ),
    (
        "code just below i32",
        br#"{"code":-2147483649,"error":"x"}"#,
        Fails("Parse error code -2147483649 is outside the 32-bit range"),
    ),
    (
        "code beyond u64",
        br#"{"code":100000000000000000000,"error":"x"}"#,
        Fails("Parse error code 1e20 is outside the 32-bit range"),
    ),
    (
        "code far below i64",
        br#"{"code":-100000000000000000000,"error":"x"}"#,
        Fails("Parse error code -1e20 is outside the 32-bit range"),
    ),
    // Duplicate keys are errors: JSON leaves their meaning open.
    (
        "duplicate code",
        br#"{"code":101,"code":102,"error":"x"}"#,
        Fails("duplicate field `code` at line 1 column 18"),
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
                    error.message(),
                    extra_names,
                );
                if got != (*code, (*message).into(), extra.to_vec()) {
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
    assert_eq!(error.extra_field("info"), Some(&json!({"retry": true})));
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
    assert_eq!(error.extra_field("retries"), Some(&json!(3)));

    let entries = [(BytesDeserializer::<Error>::new(b"\xffcode"), 101)];
    let message =
        <ParseError as serde::Deserialize>::deserialize(MapDeserializer::new(entries.into_iter()))
            .unwrap_err()
            .to_string();
    assert_eq!(message, "invalid value: byte array, expected a field name");
}

#[test]
fn errors_from_other_serde_formats_come_from_values() {
    // Any self-describing deserializer works, not only serde_json's reader.
    let value = json!({"code": 101, "error": "x", "extra": [1]});
    let error: ParseError = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(error.code(), Some(ErrorCode::OBJECT_NOT_FOUND));
    assert_eq!(serde_json::to_value(&error).unwrap(), value);
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
        "an object thrown by a LiveQuery trigger, and extra fields",
        br#"{"op":"error","error":{"why":"nope"},"code":141,"reconnect":false,"requestId":7,"clientId":3}"#,
        Ok((Some(141), false, Some(7))),
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
        "code beyond i32",
        br#"{"op":"error","error":"x","code":4294967296,"reconnect":true}"#,
        Err("Parse error code 4294967296 is outside the 32-bit range"),
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
    assert_eq!(error.parse_error().extra_field("clientId"), Some(&json!(3)));
    assert_eq!(
        serde_json::to_string(&error.into_parse_error()).unwrap(),
        r#"{"code":209,"error":"Invalid session token","clientId":3}"#
    );
}

/// The expected items (`Ok(code)` for an error item, `Err(())` for a success
/// item) and the re-encoding (`SAME` when it equals the input).
type Items = (&'static [Result<Option<i32>, ()>], &'static str);

const BATCH_CASES: &[(&str, &[u8], Result<Items, &str>)] = &[
    (
        "success and error items",
        br#"[{"success":{"createdAt":"2026-01-01T00:00:00.000Z","objectId":"a1"}},{"error":{"code":101,"error":"Object not found."}},{"success":{}}]"#,
        Ok((&[Err(()), Ok(Some(101)), Err(())], SAME)),
    ),
    (
        // serde_json::Map sorts keys unless serde_json's `preserve_order` is on.
        "a success object's keys come back sorted",
        br#"[{"success":{"objectId":"a1","createdAt":"2026-01-01T00:00:00.000Z"}}]"#,
        Ok((
            &[Err(())],
            r#"[{"success":{"createdAt":"2026-01-01T00:00:00.000Z","objectId":"a1"}}]"#,
        )),
    ),
    (
        "error items without codes and with objects",
        br#"[{"error":{"error":"Permission denied"}},{"error":{"code":141,"error":{"a":1}}}]"#,
        Ok((&[Ok(None), Ok(Some(141))], SAME)),
    ),
    ("empty batch", b"[]", Ok((&[], SAME))),
    (
        "a whole-request error body",
        br#"{"code":1,"error":"too many requests"}"#,
        Err("invalid type: map, expected a /batch response (a JSON array of `success` and `error` items)"),
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
        "an item whose error is a string",
        br#"[{"error":"x"}]"#,
        Err("/batch item 0: invalid type: string \"x\", expected a Parse error body"),
    ),
    (
        "an item whose error is not an error body",
        br#"[{"success":{}},{"success":{}},{"error":{"results":[]}}]"#,
        Err("/batch item 2: not a Parse error body: it has neither `code` nor `error` (found `results`)"),
    ),
    (
        "an item with a duplicate key",
        br#"[{"error":{"code":1},"error":{"code":2}}]"#,
        Err("/batch item 0: duplicate field `error`"),
    ),
    (
        "truncated",
        br#"[{"success":{}},{"error":{"code":101,"#,
        Err("/batch item 1: EOF while parsing a value at line 1 column 37"),
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
                let got: Vec<Result<Option<i32>, ()>> = batch
                    .items()
                    .iter()
                    .map(|item| match item {
                        BatchItem::Success(_) => Err(()),
                        BatchItem::Error(error) => Ok(error.code().map(ErrorCode::get)),
                    })
                    .collect();
                if got != *expected {
                    failures.push(format!("{name}: decoded {got:?}"));
                }
                let encoded = serde_json::to_vec(&batch).unwrap();
                if encoded != reencoded {
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
    assert_eq!(batch.items()[0].success(), Some(&json!({"objectId": "a1"})));
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
    // The message, then the extra-field list, a key and a string value.
    assert_eq!(
        allocations_to_decode::<ParseError>(br#"{"code":101,"error":"x","stack":"at y"}"#),
        4
    );
    // LiveQuery: op, reconnect and requestId are read without allocating.
    assert_eq!(
        allocations_to_decode::<LiveQueryError>(
            br#"{"op":"error","error":"Invalid session token","code":209,"reconnect":false,"requestId":2}"#
        ),
        1
    );
}
