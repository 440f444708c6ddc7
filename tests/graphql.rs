//! GraphQL's error envelope as Parse Server's GraphQL API (Apollo Server) writes
//! it: `{"errors":[{"message":...,"locations":[...],"path":[...],"extensions":{"code":N}}],"data":...}`.
//! Every expected value is written by hand from the JSON of its case.
#![cfg(feature = "serde")]

use parse_error_codes::{
    ErrorCode, ErrorKind, ExactJson, GraphQlError, GraphQlLocation, GraphQlPathSegment,
    GraphQlResponse, ParseError,
};
use serde_json::{json, Value};

use GraphQlPathSegment::{Field, Index};

/// What one error of a decoded response must give.
struct Error {
    code: Option<i32>,
    /// The exact text of an `extensions.code` that is not an `i32`.
    unparsed: Option<&'static str>,
    message: &'static str,
    path: Option<&'static [GraphQlPathSegment<'static>]>,
    locations: Option<&'static [(u64, u64)]>,
    display: &'static str,
    /// `to_parse_error()`, encoded.
    as_parse_error: &'static str,
}

/// What decoding one input must give.
enum Expect {
    /// The errors in order, and the exact text of `data` (`None`: no `data`).
    Response {
        errors: &'static [Error],
        data: Option<&'static str>,
    },
    /// Fails with a message containing this text.
    Fails(&'static str),
}

use Expect::{Fails, Response};

const CASES: &[(&str, &str, Expect)] = &[
    (
        "unpaired surrogates in a message, an extension and data",
        r#"{"errors":[{"message":"\ud800 lone","extensions":{"code":141,"why":"\udc00"}}],"data":{"f":"\ud83d"}}"#,
        Response {
            errors: &[Error {
                code: Some(141),
                unparsed: None,
                message: "\u{fffd} lone",
                path: None,
                locations: None,
                display: "141 ScriptFailed/FunctionNotFound/JobNotFound/SuccessErrorNotCalled/MultupleSuccessErrorCalls: \u{fffd} lone",
                as_parse_error: r#"{"code":141,"error":"\ud800 lone"}"#,
            }],
            data: Some(r#"{"f":"\ud83d"}"#),
        },
    ),
    (
        "a pointer field given {} in a mutation (code 106, only sent over GraphQL)",
        r#"{"errors":[{"message":"Invalid pointer","locations":[{"line":1,"column":12}],"path":["createGame"],"extensions":{"code":106}}],"data":{"createGame":null}}"#,
        Response {
            errors: &[Error {
                code: Some(106),
                unparsed: None,
                message: "Invalid pointer",
                path: Some(&[Field("createGame")]),
                locations: Some(&[(1, 12)]),
                display: "106 InvalidPointer: Invalid pointer",
                as_parse_error: r#"{"code":106,"error":"Invalid pointer"}"#,
            }],
            data: Some(r#"{"createGame":null}"#),
        },
    ),
    (
        "no data",
        r#"{"errors":[{"message":"unauthorized: master key is required","extensions":{"code":119}}]}"#,
        Response {
            errors: &[Error {
                code: Some(119),
                unparsed: None,
                message: "unauthorized: master key is required",
                path: None,
                locations: None,
                display: "119 OperationForbidden: unauthorized: master key is required",
                as_parse_error: r#"{"code":119,"error":"unauthorized: master key is required"}"#,
            }],
            data: None,
        },
    ),
    (
        "data null",
        r#"{"errors":[{"message":"Object not found.","path":["game"],"extensions":{"code":101}}],"data":null}"#,
        Response {
            errors: &[Error {
                code: Some(101),
                unparsed: None,
                message: "Object not found.",
                path: Some(&[Field("game")]),
                locations: None,
                display: "101 UserInvalidLoginParams/ObjectNotFound: Object not found.",
                as_parse_error: r#"{"code":101,"error":"Object not found."}"#,
            }],
            data: Some("null"),
        },
    ),
    (
        "a syntax error: no extensions",
        r#"{"errors":[{"message":"Syntax Error: Expected Name, found <EOF>.","locations":[{"line":1,"column":8}]}]}"#,
        Response {
            errors: &[Error {
                code: None,
                unparsed: None,
                message: "Syntax Error: Expected Name, found <EOF>.",
                path: None,
                locations: Some(&[(1, 8)]),
                display: "Syntax Error: Expected Name, found <EOF>.",
                as_parse_error: r#"{"error":"Syntax Error: Expected Name, found <EOF>."}"#,
            }],
            data: None,
        },
    ),
    (
        "Apollo's string code, a message with escaped quotes",
        r#"{"errors":[{"message":"Cannot query field \"x\" on type \"Query\".","locations":[{"line":1,"column":3}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}"#,
        Response {
            errors: &[Error {
                code: None,
                unparsed: Some(r#""GRAPHQL_VALIDATION_FAILED""#),
                message: r#"Cannot query field "x" on type "Query"."#,
                path: None,
                locations: Some(&[(1, 3)]),
                display: r#""GRAPHQL_VALIDATION_FAILED": Cannot query field "x" on type "Query"."#,
                as_parse_error: r#"{"code":"GRAPHQL_VALIDATION_FAILED","error":"Cannot query field \"x\" on type \"Query\"."}"#,
            }],
            data: None,
        },
    ),
    (
        "several errors, paths with list indices, a stacktrace in extensions",
        r#"{"errors":[{"message":"a","path":["objects",0,"owner"],"extensions":{"code":101}},{"message":"b","path":["objects",1,"owner"],"extensions":{"code":"INTERNAL_SERVER_ERROR","stacktrace":["Error: b","    at x (y.js:1:2)"]}}],"data":{"objects":[null,null]}}"#,
        Response {
            errors: &[
                Error {
                    code: Some(101),
                    unparsed: None,
                    message: "a",
                    path: Some(&[Field("objects"), Index(0), Field("owner")]),
                    locations: None,
                    display: "101 UserInvalidLoginParams/ObjectNotFound: a",
                    as_parse_error: r#"{"code":101,"error":"a"}"#,
                },
                Error {
                    code: None,
                    unparsed: Some(r#""INTERNAL_SERVER_ERROR""#),
                    message: "b",
                    path: Some(&[Field("objects"), Index(1), Field("owner")]),
                    locations: None,
                    display: r#""INTERNAL_SERVER_ERROR": b"#,
                    as_parse_error: r#"{"code":"INTERNAL_SERVER_ERROR","error":"b"}"#,
                },
            ],
            data: Some(r#"{"objects":[null,null]}"#),
        },
    ),
    (
        "codes that are not an i32",
        r#"{"errors":[{"message":"a","extensions":{"code":106.0}},{"message":"b","extensions":{"code":null}},{"message":"c","extensions":{"code":2147483648}},{"message":"d","extensions":{"code":-0}}]}"#,
        Response {
            errors: &[
                Error {
                    code: None,
                    unparsed: Some("106.0"),
                    message: "a",
                    path: None,
                    locations: None,
                    display: "106.0: a",
                    as_parse_error: r#"{"code":106.0,"error":"a"}"#,
                },
                Error {
                    code: None,
                    unparsed: Some("null"),
                    message: "b",
                    path: None,
                    locations: None,
                    display: "null: b",
                    as_parse_error: r#"{"code":null,"error":"b"}"#,
                },
                Error {
                    code: None,
                    unparsed: Some("2147483648"),
                    message: "c",
                    path: None,
                    locations: None,
                    display: "2147483648: c",
                    as_parse_error: r#"{"code":2147483648,"error":"c"}"#,
                },
                Error {
                    code: None,
                    unparsed: Some("-0"),
                    message: "d",
                    path: None,
                    locations: None,
                    display: "-0: d",
                    as_parse_error: r#"{"code":-0,"error":"d"}"#,
                },
            ],
            data: None,
        },
    ),
    (
        "members in another order, a top-level extensions with an odd number",
        r#"{"data":null,"extensions":{"tracing":{"duration":1.50e6}},"errors":[{"extensions":{"code":141,"why":{"z":1,"a":2}},"path":["run"],"message":"Script failed."}]}"#,
        Response {
            errors: &[Error {
                code: Some(141),
                unparsed: None,
                message: "Script failed.",
                path: Some(&[Field("run")]),
                locations: None,
                display: "141 ScriptFailed/FunctionNotFound/JobNotFound/SuccessErrorNotCalled/MultupleSuccessErrorCalls: Script failed.",
                as_parse_error: r#"{"code":141,"error":"Script failed."}"#,
            }],
            data: Some("null"),
        },
    ),
    (
        "shapes GraphQL does not specify are kept, not read",
        r#"{"errors":[{"message":{"a":1},"extensions":"odd","path":[1.5,"a"],"locations":[{"line":1}]},{"path":["a",-1],"locations":"x"}]}"#,
        Response {
            errors: &[
                Error {
                    code: None,
                    unparsed: None,
                    message: r#"{"a":1}"#,
                    path: None,
                    locations: None,
                    display: r#"{"a":1}"#,
                    as_parse_error: r#"{"error":{"a":1}}"#,
                },
                Error {
                    code: None,
                    unparsed: None,
                    message: "",
                    path: None,
                    locations: None,
                    display: "error without code or message",
                    as_parse_error: "{}",
                },
            ],
            data: None,
        },
    ),
    (
        "a successful response",
        r#"{"data":{"health":true}}"#,
        Response {
            errors: &[],
            data: Some(r#"{"health":true}"#),
        },
    ),
    (
        "errors empty",
        r#"{"errors":[],"data":{}}"#,
        Response {
            errors: &[],
            data: Some("{}"),
        },
    ),
    // Not GraphQL responses.
    (
        "empty object",
        "{}",
        Fails("not a GraphQL response: it has neither `errors` nor `data` (found no fields)"),
    ),
    (
        "a REST error body",
        r#"{"code":101,"error":"Object not found."}"#,
        Fails("not a GraphQL response: it has neither `errors` nor `data` (found `code`, `error`)"),
    ),
    (
        "an HTML page",
        "<!DOCTYPE html>",
        Fails("expected value at line 1 column 1"),
    ),
    (
        "an array",
        "[]",
        Fails("invalid type: sequence, expected a GraphQL response (a JSON object with `errors` and/or `data`)"),
    ),
    (
        "errors is not an array",
        r#"{"errors":"x"}"#,
        Fails("invalid type: string \"x\", expected `errors`, an array of GraphQL errors"),
    ),
    (
        "an error that is not an object",
        r#"{"errors":[{"message":"a"},1]}"#,
        Fails("errors[1]: invalid type: integer `1`, expected a GraphQL error (a JSON object)"),
    ),
    (
        "a duplicate member in an error",
        r#"{"errors":[{"message":"a","message":"b"}]}"#,
        Fails("errors[0]: duplicate field `message`"),
    ),
    (
        "a duplicate member in extensions",
        r#"{"errors":[{"message":"a","extensions":{"code":1,"code":2}}]}"#,
        Fails("errors[0]: duplicate field `code`"),
    ),
    (
        "a duplicate errors",
        r#"{"errors":[],"errors":[]}"#,
        Fails("duplicate field `errors`"),
    ),
    (
        "a number no f64 holds",
        r#"{"data":{"n":1e400}}"#,
        Fails("number out of range at line 1 column 20"),
    ),
];

#[test]
fn graphql_responses_decode_to_their_expected_outcome_and_re_encode_unchanged() {
    let mut failures = Vec::new();
    for (name, input, expect) in CASES {
        match (expect, serde_json::from_str::<GraphQlResponse>(input)) {
            (Response { errors, data }, Ok(response)) => {
                if response.errors().len() != errors.len() {
                    failures.push(format!("{name}: {} errors", response.errors().len()));
                }
                for (index, (error, expected)) in response.errors().iter().zip(*errors).enumerate()
                {
                    let got = (
                        error.code().map(ErrorCode::get),
                        error.unparsed_code().map(ExactJson::to_string),
                        error.message().into_owned(),
                        error.path(),
                        error.locations(),
                        error.to_string(),
                        serde_json::to_string(&error.to_parse_error()).unwrap(),
                    );
                    let want = (
                        expected.code,
                        expected.unparsed.map(String::from),
                        expected.message.to_string(),
                        expected.path.map(<[_]>::to_vec),
                        expected.locations.map(|locations| {
                            locations
                                .iter()
                                .map(|&(line, column)| GraphQlLocation { line, column })
                                .collect()
                        }),
                        expected.display.to_string(),
                        expected.as_parse_error.to_string(),
                    );
                    if got != want {
                        failures.push(format!("{name}: error {index} decoded {got:?}"));
                    }
                }
                let got_data = response.data().map(ExactJson::to_string);
                if got_data.as_deref() != *data {
                    failures.push(format!("{name}: data {got_data:?}"));
                }
                let encoded = serde_json::to_string(&response).unwrap();
                if encoded != *input {
                    failures.push(format!("{name}: re-encodes as {encoded}"));
                }
                if serde_json::from_str::<GraphQlResponse>(&encoded)
                    .ok()
                    .as_ref()
                    != Some(&response)
                {
                    failures.push(format!("{name}: re-encoded body decodes differently"));
                }
            }
            (Fails(expected), Err(error)) => {
                if !error.to_string().contains(expected) {
                    failures.push(format!("{name}: fails with {error}"));
                }
            }
            (Response { .. }, Err(error)) => failures.push(format!("{name}: fails with {error}")),
            (Fails(_), Ok(response)) => failures.push(format!("{name}: decodes to {response:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The names of members, in order.
fn names(members: &[(String, ExactJson)]) -> Vec<&str> {
    members.iter().map(|(name, _)| name.as_str()).collect()
}

#[test]
fn the_members_of_an_error_are_reachable_exactly() {
    let response: GraphQlResponse = serde_json::from_str(
        r#"{"errors":[{"message":"b","path":["objects",1],"extensions":{"code":"INTERNAL_SERVER_ERROR","stacktrace":["Error: b"],"n":1.50}}],"data":null,"extensions":{"cost":2}}"#,
    )
    .unwrap();
    let error = &response.errors()[0];
    assert_eq!(error.kinds(), []);
    assert_eq!(error.message_value(), Some(&json!("b")));
    let extension_names: Vec<&str> = error
        .extensions()
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(extension_names, ["code", "stacktrace", "n"]);
    assert_eq!(
        error.extension("n").map(ExactJson::to_string),
        Some("1.50".into())
    );
    assert_eq!(
        error.extension("stacktrace").map(ExactJson::value),
        Some(&json!(["Error: b"]))
    );
    assert_eq!(error.extension("missing"), None);
    assert_eq!(names(error.extra_fields()), ["path"]);
    assert_eq!(
        error.extra_field("path").map(ExactJson::to_string),
        Some(r#"["objects",1]"#.into())
    );
    assert_eq!(response.data().map(ExactJson::value), Some(&Value::Null));
    assert_eq!(
        response.extra_field("extensions").map(ExactJson::to_string),
        Some(r#"{"cost":2}"#.into())
    );
    assert_eq!(names(response.extra_fields()), ["extensions"]);
    assert_eq!(
        response.errors()[0]
            .path()
            .map(|path| path.iter().map(ToString::to_string).collect::<Vec<_>>()),
        Some(vec!["objects".to_string(), "1".to_string()])
    );

    let error: GraphQlError =
        serde_json::from_str(r#"{"message":"Invalid pointer","extensions":{"code":106}}"#).unwrap();
    assert_eq!(error.kinds(), [ErrorKind::InvalidPointer]);
    assert_eq!(
        error.to_parse_error(),
        ParseError::new(ErrorCode::INVALID_POINTER, "Invalid pointer")
    );
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(error);
    assert_eq!(boxed.to_string(), "106 InvalidPointer: Invalid pointer");

    let errors = response.into_errors();
    assert_eq!(errors.len(), 1);
}

#[test]
fn responses_decode_from_a_value_too() {
    let value = json!({
        "errors": [{"message": "a", "path": ["x", 0], "extensions": {"code": 101, "n": 2.5}}],
        "data": {"x": [null]}
    });
    let response: GraphQlResponse = serde_json::from_value(value.clone()).unwrap();
    let error = &response.errors()[0];
    assert_eq!(error.code(), Some(ErrorCode::OBJECT_NOT_FOUND));
    assert_eq!(error.path(), Some(vec![Field("x"), Index(0)]));
    assert_eq!(
        error.extension("n").map(ExactJson::value),
        Some(&json!(2.5))
    );
    // A `Value` has sorted keys: the text is serde_json's text for it.
    assert_eq!(serde_json::to_string(&response).unwrap(), value.to_string());
}

/// A document in a format that hands values over, not text: what serde
/// buffers for `#[serde(untagged)]` and `flatten`, or what YAML or MessagePack
/// give. serde_json, even from a `Value`, hands text over instead.
enum Doc {
    Text(&'static str),
    Int(i64),
    List(Vec<Doc>),
    Map(Vec<(&'static str, Doc)>),
}

impl<'de> serde::Deserializer<'de> for Doc {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        use serde::de::value::{MapDeserializer, SeqDeserializer};
        match self {
            Doc::Text(text) => visitor.visit_borrowed_str(text),
            Doc::Int(n) => visitor.visit_i64(n),
            Doc::List(items) => visitor.visit_seq(SeqDeserializer::new(items.into_iter())),
            Doc::Map(members) => visitor.visit_map(MapDeserializer::new(members.into_iter())),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de> serde::de::IntoDeserializer<'de, serde::de::value::Error> for Doc {
    type Deserializer = Doc;

    fn into_deserializer(self) -> Doc {
        self
    }
}

/// From such a format, an error's `extensions` is still read as an object:
/// its code, its members, and the error written back as JSON.
#[test]
fn a_response_from_a_format_without_text_reads_extensions() {
    use Doc::{Int, List, Map, Text};
    let error = Map(vec![
        ("message", Text("Invalid pointer")),
        ("extensions", Map(vec![("code", Int(106)), ("n", Int(2))])),
    ]);
    let response = Map(vec![("errors", List(vec![error])), ("data", Int(0))]);
    let response: GraphQlResponse = serde::Deserialize::deserialize(response).unwrap();
    let error = &response.errors()[0];
    assert_eq!(error.code(), Some(ErrorCode::INVALID_POINTER));
    assert_eq!(error.extension("n").map(ExactJson::value), Some(&json!(2)));
    assert_eq!(error.extra_fields(), &[]);
    assert_eq!(
        serde_json::to_string(&response).unwrap(),
        r#"{"errors":[{"message":"Invalid pointer","extensions":{"code":106,"n":2}}],"data":0}"#
    );
}
