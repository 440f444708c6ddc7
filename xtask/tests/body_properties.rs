//! Never a panic, never a lost item, never a changed value: the body types fed
//! generated JSON text. The generators write what serde_json's `Value` cannot
//! keep: numbers in every spelling (`141e23`, `1.50`, `-0`, `1E+2`, integers
//! beyond 64 bits), strings with every escape (unpaired UTF-16 surrogates
//! included, as JavaScript's `JSON.stringify` writes them), object members in
//! any order.

use parse_error_codes::{
    BatchResponse, ErrorCode, ExactJson, GraphQlResponse, LiveQueryError, ParseError,
};
use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::value::RawValue;
use serde_json::Value;

/// A JSON number in one of the spellings JSON allows, within the range of
/// `f64` (beyond it no `Value` exists, and decoding must fail instead).
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i32>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        Just("-0".to_string()),
        // Integers beyond 64 bits.
        "-?[1-9][0-9]{20,30}",
        // Fractions and exponents, with exponents small enough to stay finite.
        "-?(0|[1-9][0-9]{0,19})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,2})?",
        // Edges: serde_json's default parsing rounds some of these wrongly.
        prop::sample::select(vec![
            "141e23",
            "1.7976931348623157e308",
            "5e-324",
            "1e-400",
            "0.30000000000000004",
            "9007199254740993",
            "2.2250738585072011e-308",
            "1E+2",
        ])
        .prop_map(String::from),
    ]
}

/// The text of a JSON string, with every kind of escape.
fn string() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        3 => "[a-zA-Z0-9 .,:;!?'-]{1,6}",
        1 => prop::sample::select(vec![
            "é", "错误", "😀", "“q”", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t",
            "\\u00e9", "\\u0041", "\\ud83d\\ude00", "\\u001f", "\\u2028",
            // Unpaired surrogates: leading, trailing, a reversed pair.
            "\\ud800", "\\uDBFF", "\\udc00", "\\ude00\\ud83d",
        ])
        .prop_map(String::from),
    ];
    prop::collection::vec(fragment, 0..5).prop_map(|parts| format!("\"{}\"", parts.concat()))
}

/// The text of a member name written as serde_json (and JavaScript's
/// `JSON.stringify`) writes it: the only escapes are the ones it must use. The
/// names of the objects the crate reads member by member (a body, a `/batch`
/// item's error, a GraphQL error and its `extensions`) are decoded and written
/// again, which gives back exactly these; names inside kept values may be
/// written any way.
fn written_name() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        3 => "[a-zA-Z0-9 .,:;!?'/-]{1,6}",
        1 => prop::sample::select(vec![
            "é", "错误", "😀", "\\\"", "\\\\", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u001f",
        ])
        .prop_map(String::from),
    ];
    prop::collection::vec(fragment, 0..4).prop_map(|parts| format!("\"{}\"", parts.concat()))
}

/// Any JSON value; an object's own member names as [`written_name`] gives them.
fn value_read_member_by_member() -> impl Strategy<Value = String> {
    prop_oneof![
        value().prop_filter("objects come from the other branch", |text| !text
            .starts_with('{')),
        prop::collection::btree_map(written_name(), value(), 0..4).prop_map(|members| {
            let members: Vec<(String, String)> = members.into_iter().collect();
            object(&members)
        }),
    ]
}

/// The text of any JSON value, nested a few levels.
fn value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        prop::sample::select(vec!["null", "true", "false"]).prop_map(String::from),
        number(),
        string(),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5)
                .prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((string(), inner), 0..5).prop_map(|members| object(&members)),
        ]
    })
}

/// `{"name":value,...}` from member names (as JSON text) and values.
fn object(members: &[(String, String)]) -> String {
    let members: Vec<String> = members
        .iter()
        .map(|(name, value)| format!("{name}:{value}"))
        .collect();
    format!("{{{}}}", members.join(","))
}

/// Distinct member names without escapes, in any order: `own` names (each
/// maybe) and a few others. Top-level names are the one thing re-encoded by
/// serde_json rather than kept as text, so they are written plainly here.
fn names(own: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
    (
        prop::sample::subsequence(own.to_vec(), 0..=own.len()),
        prop::collection::btree_set("[a-z]{1,6}", 0..4),
    )
        .prop_map(move |(own_names, others)| {
            own_names
                .into_iter()
                .map(String::from)
                .chain(
                    others
                        .into_iter()
                        .filter(|name| !own.contains(&name.as_str())),
                )
                .collect::<Vec<String>>()
        })
        .prop_shuffle()
}

/// A value for the member `name` of an error body: mostly what Parse Server
/// sends, often anything.
fn error_member(name: &str) -> BoxedStrategy<String> {
    match name {
        "code" => prop_oneof![
            2 => any::<i32>().prop_map(|code| code.to_string()),
            1 => value(),
        ]
        .boxed(),
        "error" | "message" => prop_oneof![
            4 => "\"[a-zA-Z0-9 .,:-]{0,40}\"",
            1 => string(),
            2 => value(),
        ]
        .boxed(),
        _ => value().boxed(),
    }
}

/// An object whose members are named by `names`, with values from `member`.
fn members_of(
    names: impl Strategy<Value = Vec<String>>,
    member: fn(&str) -> BoxedStrategy<String>,
) -> impl Strategy<Value = (Vec<String>, String)> {
    names
        .prop_flat_map(move |names| {
            let values: Vec<BoxedStrategy<String>> =
                names.iter().map(|name| member(name)).collect();
            (Just(names), values)
        })
        .prop_map(|(names, values)| {
            let members: Vec<(String, String)> = names
                .iter()
                .map(|name| format!("\"{name}\""))
                .zip(values)
                .collect();
            (names, object(&members))
        })
}

/// An error body: `code`, `error`, `message` and others, each maybe, any order.
fn error_body() -> impl Strategy<Value = (Vec<String>, String)> {
    members_of(names(&["code", "error", "message"]), error_member)
}

/// A GraphQL error: Parse Server's members and others, in any order.
fn graphql_error() -> impl Strategy<Value = String> {
    fn member(name: &str) -> BoxedStrategy<String> {
        match name {
            "message" => prop_oneof![2 => string(), 1 => value()].boxed(),
            "extensions" => prop_oneof![
                3 => members_of(names(&["code", "stacktrace"]), |name| match name {
                    "code" => prop_oneof![
                        any::<i32>().prop_map(|code| code.to_string()),
                        Just("\"GRAPHQL_VALIDATION_FAILED\"".to_string()),
                        value(),
                    ]
                    .boxed(),
                    _ => value().boxed(),
                })
                .prop_map(|(_, text)| text),
                1 => value_read_member_by_member(),
            ]
            .boxed(),
            "path" => prop_oneof![
                prop::collection::vec(
                    prop_oneof![string(), any::<u32>().prop_map(|i| i.to_string())],
                    0..4
                )
                .prop_map(|items| format!("[{}]", items.join(","))),
                value(),
            ]
            .boxed(),
            "locations" => prop_oneof![
                prop::collection::vec((1..500u32, 1..200u32), 0..3).prop_map(|locations| {
                    let items: Vec<String> = locations
                        .iter()
                        .map(|(line, column)| format!("{{\"line\":{line},\"column\":{column}}}"))
                        .collect();
                    format!("[{}]", items.join(","))
                }),
                value(),
            ]
            .boxed(),
            _ => value().boxed(),
        }
    }
    members_of(
        names(&["message", "extensions", "path", "locations"]),
        member,
    )
    .prop_map(|(_, text)| text)
}

/// A GraphQL response: `errors`, `data` and others, each maybe, any order.
fn graphql_response() -> impl Strategy<Value = (Vec<String>, String)> {
    fn member(name: &str) -> BoxedStrategy<String> {
        match name {
            "errors" => prop::collection::vec(graphql_error(), 0..4)
                .prop_map(|errors| format!("[{}]", errors.join(",")))
                .boxed(),
            _ => value().boxed(),
        }
    }
    members_of(names(&["errors", "data"]), member)
}

/// A LiveQuery error message: its own members and an error body's, any order.
fn live_query_message() -> impl Strategy<Value = (Vec<String>, String)> {
    fn member(name: &str) -> BoxedStrategy<String> {
        match name {
            "op" => Just("\"error\"".to_string()).boxed(),
            "reconnect" => any::<bool>()
                .prop_map(|reconnect| reconnect.to_string())
                .boxed(),
            "requestId" => prop_oneof![number(), Just("null".to_string())].boxed(),
            other => error_member(other),
        }
    }
    members_of(
        names(&["op", "reconnect", "requestId", "code", "error", "message"]),
        member,
    )
}

/// A `/batch` response: items with `success` or `error`, whatever they hold.
fn batch() -> impl Strategy<Value = (usize, String)> {
    let item = prop_oneof![
        value().prop_map(|value| format!("{{\"success\":{value}}}")),
        error_body().prop_map(|(_, body)| format!("{{\"error\":{body}}}")),
        value_read_member_by_member().prop_map(|value| format!("{{\"error\":{value}}}")),
    ];
    prop::collection::vec(item, 0..6)
        .prop_map(|items| (items.len(), format!("[{}]", items.join(","))))
}

/// Inserts whitespace between tokens (never inside strings).
fn spaced(text: &str, gaps: &[bool]) -> String {
    let mut spaced = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for (index, c) in text.chars().enumerate() {
        let between_tokens = !in_string && matches!(c, '{' | '}' | '[' | ']' | ',' | ':');
        if between_tokens && gaps.get(index % gaps.len().max(1)) == Some(&true) {
            spaced.push_str(" \n");
        }
        spaced.push(c);
        if between_tokens && gaps.get((index + 1) % gaps.len().max(1)) == Some(&true) {
            spaced.push('\t');
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        }
    }
    spaced
}

/// A body in an untagged enum: serde buffers it and hands it over member by
/// member, not as text, which takes the decoders' other path.
#[derive(serde::Deserialize, Debug)]
#[serde(untagged)]
enum Buffered<T> {
    Body(T),
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn an_error_body_decodes_by_the_rule_and_re_encodes_unchanged((names, text) in error_body()) {
        let decoded = serde_json::from_str::<ParseError>(&text);
        let has_code_or_error = names.iter().any(|name| name == "code" || name == "error");
        prop_assert_eq!(decoded.is_ok(), has_code_or_error, "{} -> {:?}", text, decoded);
        if let Ok(error) = decoded {
            prop_assert_eq!(serde_json::to_string(&error).unwrap(), text.clone());
            // The code is the i32 when its text is one as serde_json writes it;
            // anything else is kept as it came.
            let members: BTreeMap<String, Box<RawValue>> = serde_json::from_str(&text).unwrap();
            let code_text = members.get("code").map(|code| code.get().to_string());
            let canonical = code_text
                .as_deref()
                .and_then(|text| text.parse::<i32>().ok().filter(|code| code.to_string() == text));
            prop_assert_eq!(error.code().map(ErrorCode::get), canonical);
            if canonical.is_none() {
                prop_assert_eq!(error.unparsed_code().map(ExactJson::to_string), code_text);
            }
        }
    }

    #[test]
    fn whitespace_is_all_a_re_encoding_drops((_, text) in error_body(), gaps in prop::collection::vec(any::<bool>(), 1..8)) {
        let spaced = spaced(&text, &gaps);
        let compact = serde_json::from_str::<ParseError>(&text);
        let decoded = serde_json::from_str::<ParseError>(&spaced);
        prop_assert_eq!(decoded.is_ok(), compact.is_ok(), "{}", spaced);
        if let (Ok(error), Ok(compact)) = (decoded, compact) {
            prop_assert_eq!(serde_json::to_string(&error).unwrap(), text);
            prop_assert_eq!(error, compact);
        }
    }

    #[test]
    fn the_shapes_parse_server_writes_decode_the_same_on_the_fast_path(
        code in prop::option::of(prop_oneof![any::<i32>(), -2..2_i32]),
        key in prop::sample::select(vec!["error", "message"]),
        message in prop::option::of("[a-zA-Z0-9 .,:é错-]{0,40}"),
        gaps in prop::collection::vec(any::<bool>(), 1..8),
    ) {
        // `{"code":N,"error":"..."}` and its siblings take a fast path when they
        // come exactly as Parse Server writes them; with whitespace, the general
        // reader takes them. Both must give the same body.
        let mut members = Vec::new();
        if let Some(code) = code {
            members.push(("\"code\"".to_string(), code.to_string()));
        }
        if let Some(message) = &message {
            members.push((format!("\"{key}\""), format!("\"{message}\"")));
        }
        let text = object(&members);
        let fast = serde_json::from_str::<ParseError>(&text);
        let general = serde_json::from_str::<ParseError>(&spaced(&text, &gaps));
        prop_assert_eq!(fast.is_ok(), code.is_some() || (message.is_some() && key == "error"));
        prop_assert_eq!(fast.is_ok(), general.is_ok());
        if let (Ok(fast), Ok(general)) = (fast, general) {
            prop_assert_eq!(serde_json::to_string(&fast).unwrap(), text.clone());
            prop_assert_eq!(serde_json::to_string(&general).unwrap(), text);
            prop_assert_eq!(fast, general);
        }
    }

    #[test]
    fn every_batch_decodes_with_every_item_and_re_encodes_unchanged((count, text) in batch()) {
        let batch = serde_json::from_str::<BatchResponse>(&text);
        prop_assert!(batch.is_ok(), "{} -> {:?}", text, batch);
        let batch = batch.unwrap();
        prop_assert_eq!(batch.items().len(), count);
        prop_assert_eq!(serde_json::to_string(&batch).unwrap(), text);
    }

    #[test]
    fn every_graphql_response_decodes_by_the_rule_and_re_encodes_unchanged((names, text) in graphql_response()) {
        let decoded = serde_json::from_str::<GraphQlResponse>(&text);
        let has_errors_or_data = names.iter().any(|name| name == "errors" || name == "data");
        prop_assert_eq!(decoded.is_ok(), has_errors_or_data, "{} -> {:?}", text, decoded);
        if let Ok(response) = decoded {
            prop_assert_eq!(serde_json::to_string(&response).unwrap(), text);
        }
    }

    #[test]
    fn a_live_query_message_decodes_by_the_rule_and_re_encodes_unchanged((names, text) in live_query_message()) {
        let decoded = serde_json::from_str::<LiveQueryError>(&text);
        let has = |wanted: &str| names.iter().any(|name| name == wanted);
        let rule = has("op") && has("reconnect") && (has("code") || has("error"));
        prop_assert_eq!(decoded.is_ok(), rule, "{} -> {:?}", text, decoded);
        if let Ok(message) = decoded {
            prop_assert_eq!(serde_json::to_string(&message).unwrap(), text);
        }
    }

    #[test]
    fn any_json_never_panics_and_what_decodes_keeps_its_value(text in value()) {
        // Any JSON, including member names with escapes: what decodes
        // re-encodes to the same JSON value, and decodes again to the same body.
        // (`ExactJson` compares views, which read unpaired surrogates as U+FFFD.)
        let same_json = |encoded: &str| {
            encoded.parse::<ExactJson>().unwrap() == text.parse::<ExactJson>().unwrap()
        };
        if let Ok(error) = serde_json::from_str::<ParseError>(&text) {
            let encoded = serde_json::to_string(&error).unwrap();
            prop_assert!(same_json(&encoded), "{} -> {}", text, encoded);
            prop_assert_eq!(serde_json::from_str::<ParseError>(&encoded).unwrap(), error);
        }
        if let Ok(batch) = serde_json::from_str::<BatchResponse>(&text) {
            let encoded = serde_json::to_string(&batch).unwrap();
            prop_assert!(same_json(&encoded), "{} -> {}", text, encoded);
        }
        if let Ok(response) = serde_json::from_str::<GraphQlResponse>(&text) {
            let encoded = serde_json::to_string(&response).unwrap();
            prop_assert!(same_json(&encoded), "{} -> {}", text, encoded);
        }
        if let Ok(message) = serde_json::from_str::<LiveQueryError>(&text) {
            let encoded = serde_json::to_string(&message).unwrap();
            prop_assert!(same_json(&encoded), "{} -> {}", text, encoded);
        }
        // And any JSON is kept exactly.
        let kept = serde_json::from_str::<ExactJson>(&text).unwrap();
        prop_assert_eq!(serde_json::to_string(&kept).unwrap(), text.clone());
        prop_assert_eq!(kept.to_string(), text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = serde_json::from_slice::<ParseError>(&bytes);
        let _ = serde_json::from_slice::<BatchResponse>(&bytes);
        let _ = serde_json::from_slice::<GraphQlResponse>(&bytes);
        let _ = serde_json::from_slice::<LiveQueryError>(&bytes);
    }

    #[test]
    fn a_value_decodes_as_exactly_as_the_callers_value((_, text) in error_body()) {
        // From a `serde_json::Value`: the text is serde_json's for that value,
        // so re-encoding gives exactly what the caller's value encodes to.
        // (A `Value` cannot hold an unpaired surrogate: no such body here.)
        let value: Result<Value, _> = serde_json::from_str(&text);
        prop_assume!(value.is_ok());
        let value = value.unwrap();
        if let Ok(error) = serde_json::from_value::<ParseError>(value.clone()) {
            prop_assert_eq!(serde_json::to_string(&error).unwrap(), value.to_string());
        }
    }

    #[test]
    fn buffered_bodies_decode_like_bodies_from_text((_, text) in error_body()) {
        // serde's buffering (untagged enums, flatten) gives members, not text:
        // the same bodies decode, to equal values, except that numbers then come
        // from serde_json's own float parsing.
        // serde buffers strings as Rust strings: a body with an unpaired
        // surrogate, which decodes from text, does not decode buffered.
        let direct = serde_json::from_str::<ParseError>(&text);
        let buffered = serde_json::from_str::<Buffered<ParseError>>(&text);
        let unicode = serde_json::from_str::<Value>(&text).is_ok();
        prop_assert_eq!(direct.is_ok() && unicode, buffered.is_ok(), "{}: {:?} / {:?}", text, direct, buffered);
        if let (Ok(direct), Ok(Buffered::Body(buffered))) = (direct, buffered) {
            prop_assert_eq!(direct.code(), buffered.code());
            prop_assert_eq!(direct.message_value().is_some(), buffered.message_value().is_some());
            prop_assert_eq!(direct.unparsed_code().is_some(), buffered.unparsed_code().is_some());
            if let Some(Value::String(message)) = direct.message_value() {
                prop_assert_eq!(Some(message.as_str()), buffered.message_value().and_then(Value::as_str));
            }
            let names = |error: &ParseError| error.extra_fields().iter().map(|(name, _)| name.clone()).collect::<Vec<_>>();
            prop_assert_eq!(names(&direct), names(&buffered));
        }
    }
}
