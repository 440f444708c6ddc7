//! The body types inside a user's own derived types: serde buffers untagged
//! enums and flattened fields and hands a body over member by member rather
//! than as text, and a client reads GraphQL errors into a response type of its
//! own. These need serde's `derive`, which the crate's own tests do without so
//! that its first build stays quick.

use parse_error_codes::{ErrorCode, ExactJson, GraphQlError, ParseError};
use serde_json::{json, Value};

fn decode<T: serde::de::DeserializeOwned>(input: &[u8]) -> Result<T, String> {
    serde_json::from_slice(input).map_err(|error| error.to_string())
}

#[test]
fn bodies_work_inside_derived_types() {
    // serde buffers untagged enums and flattened fields, and hands the body
    // over member by member rather than as text.
    #[derive(serde::Deserialize, Debug)]
    #[serde(untagged)]
    enum Answer {
        Created {
            #[serde(rename = "objectId")]
            object_id: String,
        },
        Failed(ParseError),
    }

    #[derive(serde::Deserialize)]
    struct Logged {
        status: u16,
        #[serde(flatten)]
        body: ParseError,
    }

    let answer: Answer =
        decode(br#"{"code":"22P02","error":"invalid input syntax","hint":null}"#).unwrap();
    let Answer::Failed(error) = answer else {
        panic!("decoded as {answer:?}")
    };
    assert_eq!(error.code(), None);
    assert_eq!(
        error.unparsed_code().map(ExactJson::value),
        Some(&json!("22P02"))
    );
    assert_eq!(error.message(), "invalid input syntax");
    assert_eq!(
        error.extra_field("hint").map(ExactJson::value),
        Some(&Value::Null)
    );
    assert!(matches!(
        decode::<Answer>(br#"{"objectId":"a1"}"#),
        Ok(Answer::Created { object_id }) if object_id == "a1"
    ));

    let logged: Logged =
        decode(br#"{"status":404,"code":101,"error":"Object not found.","x":[1]}"#).unwrap();
    assert_eq!(logged.status, 404);
    assert_eq!(logged.body.code(), Some(ErrorCode::OBJECT_NOT_FOUND));
    assert_eq!(
        serde_json::to_string(&logged.body).unwrap(),
        r#"{"code":101,"error":"Object not found.","x":[1]}"#
    );
}

#[test]
fn graphql_errors_fit_in_a_response_type_of_ones_own() {
    // A client with its own typed `data` reads the errors with this crate.
    #[derive(serde::Deserialize)]
    struct Response {
        data: Option<Value>,
        #[serde(default)]
        errors: Vec<GraphQlError>,
    }

    let response: Response = serde_json::from_str(
        r#"{"errors":[{"message":"Invalid pointer","extensions":{"code":106}}],"data":{"createGame":null}}"#,
    )
    .unwrap();
    assert_eq!(response.data, Some(json!({"createGame": null})));
    assert_eq!(response.errors[0].code(), Some(ErrorCode::INVALID_POINTER));
    assert_eq!(
        serde_json::to_string(&response.errors[0]).unwrap(),
        r#"{"message":"Invalid pointer","extensions":{"code":106}}"#
    );
}
