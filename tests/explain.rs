//! `examples/explain.rs`: its logic in-process for every case (fast, exact
//! stdout/stderr/status), and the real binary through `cargo run` for the
//! process plumbing (arguments, stdin, exit status).

use std::ffi::OsString;
use std::io::Write;
use std::process::{Command, Stdio};

#[allow(dead_code)] // `main` is the binary's; the tests call `run`.
#[path = "../examples/explain.rs"]
mod explain;

struct Outcome {
    status: u8,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], stdin: &str) -> Outcome {
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let status = explain::run(&args, &mut stdin.as_bytes(), &mut stdout, &mut stderr);
    Outcome {
        status,
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

// Rows of spec/error-codes.md, as the example must print them.
const INVALID_SESSION_TOKEN: &str = "\
InvalidSessionToken (209)
  category: User 相关问题 (#user-related-errors)
  The device’s session token is no longer valid. The application should ask the user to log in again.
";

const OBJECT_NOT_FOUND: &str = "\
ObjectNotFound (101)
  category: API 问题 (#api-issues)
  The specified object or session doesn’t exist or could not be found. Can also indicate that you do not have the necessary permissions to read or write this object. Check error message for more details.
";

const USER_INVALID_LOGIN_PARAMS: &str = "\
UserInvalidLoginParams (101)
  category: API 问题 (#api-issues)
  Invalid login parameters. Check error message for more details.
";

// The command of issue 24, as a GraphQL client receives it.
const GRAPHQL_INVALID_POINTER: &str =
    r#"{"errors":[{"message":"Invalid pointer","extensions":{"code":106}}],"data":null}"#;

const INVALID_POINTER: &str = "\
InvalidPointer (106)
  category: API 问题 (#api-issues)
  A malformed pointer was used. You would typically only see this if you have modified a client SDK.
";

const UNKNOWN_9001: &str = "explain: code 9001 is not in the Parse error-code document \
(Parse Server also sends undocumented codes, such as 153, and Cloud Code may throw any code)\n";

#[test]
fn a_code_lists_every_name_with_category_and_description() {
    let outcome = run(&["141"], "");
    assert_eq!((outcome.status, outcome.stderr.as_str()), (0, ""));
    let names = [
        "ScriptFailed",
        "FunctionNotFound",
        "JobNotFound",
        "SuccessErrorNotCalled",
        "MultupleSuccessErrorCalls",
    ];
    let headings: Vec<&str> = outcome
        .stdout
        .lines()
        .filter(|line| line.ends_with(" (141)"))
        .collect();
    let expected: Vec<String> = names.iter().map(|name| format!("{name} (141)")).collect();
    assert_eq!(headings, expected);
    assert!(outcome
        .stdout
        .starts_with("code 141: 5 names in the Parse error-code document\n"));
    assert_eq!(
        outcome
            .stdout
            .matches("\n  category: API 问题 (#api-issues)\n")
            .count(),
        5
    );
    // Escapes resolved, typographic apostrophe kept.
    assert!(outcome.stdout.contains(
        "\n  Can’t call success/error multiple times. A cloud function will return once response.success() or response.error() is called."
    ));

    let outcome = run(&["209"], "");
    assert_eq!(
        outcome.stdout,
        format!("code 209: 1 name in the Parse error-code document\n\n{INVALID_SESSION_TOKEN}")
    );
}

#[test]
fn a_name_is_explained_with_the_names_sharing_its_code() {
    let outcome = run(&["ObjectNotFound"], "");
    assert_eq!(outcome.status, 0);
    assert_eq!(
        outcome.stdout,
        format!("{OBJECT_NOT_FOUND}  shares code 101 with: UserInvalidLoginParams\n")
    );
    assert_eq!(outcome.stderr, "");

    let outcome = run(&["UserInvalidLoginParams"], "");
    assert_eq!(
        outcome.stdout,
        format!("{USER_INVALID_LOGIN_PARAMS}  shares code 101 with: ObjectNotFound\n")
    );

    let outcome = run(&["OtherCause"], "");
    assert_eq!(
        outcome.stdout,
        "OtherCause (-1)\n  category: 其他问题 (#other-issues)\n  An unknown error or an error unrelated to Parse occurred.\n"
    );
}

#[test]
fn several_arguments_are_explained_in_turn() {
    let outcome = run(&["-1", "ObjectNotFound"], "");
    assert_eq!(outcome.status, 0);
    assert!(outcome
        .stdout
        .starts_with("code -1: 1 name in the Parse error-code document\n\nOtherCause (-1)\n"));
    assert!(outcome.stdout.ends_with(&format!(
        "\n\n{OBJECT_NOT_FOUND}  shares code 101 with: UserInvalidLoginParams\n"
    )));

    // The worst status wins; the known argument is still explained.
    let outcome = run(&["9001", "209"], "");
    assert_eq!(outcome.status, 1);
    assert_eq!(outcome.stderr, UNKNOWN_9001);
    assert!(outcome.stdout.ends_with(INVALID_SESSION_TOKEN));
}

/// Arguments that are not explained: (args, status, stderr).
const REJECTED_ARGUMENTS: &[(&[&str], u8, &str)] = &[
    (&["9001"], 1, UNKNOWN_9001),
    (
        &["ObjectNotFnd"],
        1,
        "explain: no Parse error kind is named `ObjectNotFnd` (names are case-sensitive, such as `ObjectNotFound`)\n",
    ),
    (
        &["objectnotfound"],
        1,
        "explain: no Parse error kind is named `objectnotfound` (names are case-sensitive, such as `ObjectNotFound`); did you mean `ObjectNotFound`?\n",
    ),
    (
        &["2147483648"],
        2,
        "explain: `2147483648` is not a Parse error code: codes are 32-bit integers (-2147483648..=2147483647)\n",
    ),
    (
        &["-99999999999"],
        2,
        "explain: `-99999999999` is not a Parse error code: codes are 32-bit integers (-2147483648..=2147483647)\n",
    ),
];

#[test]
fn unknown_codes_and_names_are_reported_on_stderr() {
    for (args, status, stderr) in REJECTED_ARGUMENTS {
        let outcome = run(args, "");
        assert_eq!(
            (
                outcome.status,
                outcome.stdout.as_str(),
                outcome.stderr.as_str()
            ),
            (*status, "", *stderr),
            "{args:?}"
        );
    }
}

/// Usage errors: (args, the start of stderr). Each exits 2 with nothing on stdout.
const USAGE_ERRORS: &[(&[&str], &str)] = &[
    (&["--verbose"], "explain: unknown option `--verbose`\nusage: explain CODE|NAME..."),
    (&["-v", "141"], "explain: unknown option `-v`\nusage: "),
    (&["141", "--features"], "explain: unknown option `--features`\nusage: "),
    (&["101", "-"], "explain: `-` cannot be mixed with codes or names\nusage: "),
    (&["--help", "101"], "explain: `--help` cannot be mixed with codes or names\nusage: "),
    // A letter O for a zero: meant as a code, so not looked up as a name.
    (&["1O2"], "explain: `1O2` is not a decimal code: a code is written in digits 0-9 only, such as 141 or -1\nusage: "),
    (&["-1O2"], "explain: `-1O2` is not a decimal code: "),
    (&["0x8D"], "explain: `0x8D` is not a decimal code: "),
    (&["141", "1.5"], "explain: `1.5` is not a decimal code: "),
];

#[test]
fn usage_errors_exit_2() {
    for (args, stderr) in USAGE_ERRORS {
        let outcome = run(args, "");
        assert_eq!(outcome.status, 2, "{args:?}");
        assert!(
            outcome.stderr.starts_with(stderr),
            "{args:?}: {}",
            outcome.stderr
        );
        assert_eq!(outcome.stderr.matches("explain: ").count(), 1, "{args:?}");
    }
    // Options are rejected before any argument is explained.
    assert_eq!(run(&["141", "--verbose"], "").stdout, "");

    for help in ["--help", "-h"] {
        let outcome = run(&[help], "");
        assert_eq!((outcome.status, outcome.stderr.as_str()), (0, ""));
        assert!(outcome.stdout.starts_with("usage: explain CODE|NAME..."));
    }
}

#[cfg(unix)]
#[test]
fn non_utf8_arguments_are_a_usage_error() {
    use std::os::unix::ffi::OsStringExt;

    let args = [OsString::from_vec(vec![b'1', 0xff])];
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let status = explain::run(&args, &mut &b""[..], &mut stdout, &mut stderr);
    assert_eq!(status, 2);
    assert!(String::from_utf8(stderr)
        .unwrap()
        .starts_with("explain: argument \"1\\xFF\" is not valid UTF-8\n"));
}

#[cfg(not(feature = "serde"))]
#[test]
fn stdin_needs_the_serde_feature() {
    for args in [&[][..], &["-"]] {
        let outcome = run(args, r#"{"code":209,"error":"Invalid session token"}"#);
        assert_eq!(outcome.status, 2);
        assert_eq!(outcome.stdout, "");
        assert!(outcome.stderr.starts_with(
            "explain: reading a JSON error body from stdin needs the `serde` feature:\n  cargo run --example explain --features serde\n"
        ));
    }
}

#[cfg(feature = "serde")]
mod stdin {
    use super::*;

    #[test]
    fn an_error_body_is_explained() {
        for args in [&[][..], &["-"]] {
            let outcome = run(args, "{\"code\":209,\"error\":\"Invalid session token\"}\n");
            assert_eq!(outcome.status, 0);
            assert_eq!(outcome.stderr, "");
            assert_eq!(
                outcome.stdout,
                format!(
                    "error: 209 InvalidSessionToken: Invalid session token\n\n\
                     code 209: 1 name in the Parse error-code document\n\n{INVALID_SESSION_TOKEN}"
                )
            );
        }
    }

    #[test]
    fn bodies_without_code_with_extra_fields_or_undocumented_codes() {
        let outcome = run(&[], r#"{"error":"unauthorized"}"#);
        assert_eq!(outcome.status, 0);
        assert!(outcome.stdout.starts_with("error: unauthorized\nno code: "));

        let outcome = run(&[], r#"{"code":101,"error":{"why":"gone"},"stack":"at x"}"#);
        assert_eq!(outcome.status, 0);
        assert!(outcome.stdout.starts_with(
            "error: 101 UserInvalidLoginParams/ObjectNotFound: {\"why\":\"gone\"}\nother fields: stack\n\n\
             code 101: 2 names in the Parse error-code document\n\n"
        ));
        assert!(outcome
            .stdout
            .ends_with(&format!("{USER_INVALID_LOGIN_PARAMS}\n{OBJECT_NOT_FOUND}")));

        let outcome = run(&[], r#"{"code":9001,"error":"custom"}"#);
        assert_eq!(outcome.status, 1);
        assert_eq!(outcome.stdout, "error: 9001: custom\n\n");
        assert_eq!(outcome.stderr, UNKNOWN_9001);

        // A code that is not an i32 is kept, not rejected.
        let outcome = run(&[], r#"{"code":"23505","error":"duplicate key"}"#);
        assert_eq!(outcome.status, 1);
        assert_eq!(outcome.stdout, "error: \"23505\": duplicate key\n\n");
        assert_eq!(outcome.stderr, not_a_parse_code("\"23505\""));
    }

    fn not_a_parse_code(code: &str) -> String {
        format!(
            "explain: code {code} is not a Parse error code (a 32-bit integer): it comes from \
             elsewhere, such as a PostgreSQL SQLSTATE that /batch or Cloud Code passes \
             through, or GraphQL's own code for a query that does not validate\n"
        )
    }

    #[test]
    fn a_graphql_error_envelope_is_explained() {
        let outcome = run(&[], GRAPHQL_INVALID_POINTER);
        assert_eq!((outcome.status, outcome.stderr.as_str()), (0, ""));
        assert_eq!(
            outcome.stdout,
            format!(
                "GraphQL response: 1 error\n\nerror 0:\n\
                 error: 106 InvalidPointer: Invalid pointer\n\n\
                 code 106: 1 name in the Parse error-code document\n\n{INVALID_POINTER}"
            )
        );
    }

    #[test]
    fn every_error_of_a_graphql_response_is_explained_with_its_path() {
        let body = r#"{"errors":[
            {"message":"Invalid session token","path":["viewer","sessions",0],"extensions":{"code":209}},
            {"message":"Cannot query field \"x\"","locations":[{"line":1,"column":3}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}
        ],"data":{"viewer":null}}"#;
        let outcome = run(&[], body);
        // The Apollo string code is not a Parse code: the worst status wins.
        assert_eq!(outcome.status, 1);
        assert_eq!(
            outcome.stdout,
            format!(
                "GraphQL response: 2 errors\n\nerror 0 at viewer.sessions.0:\n\
                 error: 209 InvalidSessionToken: Invalid session token\n\n\
                 code 209: 1 name in the Parse error-code document\n\n{INVALID_SESSION_TOKEN}\n\
                 error 1:\nerror: \"GRAPHQL_VALIDATION_FAILED\": Cannot query field \"x\"\n\n"
            )
        );
        assert_eq!(
            outcome.stderr,
            not_a_parse_code("\"GRAPHQL_VALIDATION_FAILED\"")
        );

        // A successful response has no error to explain.
        let outcome = run(&[], r#"{"data":{"viewer":{"username":"a"}}}"#);
        assert_eq!((outcome.status, outcome.stderr.as_str()), (0, ""));
        assert_eq!(outcome.stdout, "GraphQL response: 0 errors\n");
    }

    #[test]
    fn a_livequery_error_message_is_explained() {
        let body = r#"{"op":"error","error":"Invalid session token","code":209,"reconnect":false,"requestId":2}"#;
        let outcome = run(&[], body);
        assert_eq!((outcome.status, outcome.stderr.as_str()), (0, ""));
        assert_eq!(
            outcome.stdout,
            format!(
                "LiveQuery error message: reconnect false, request 2\n\n\
                 error: 209 InvalidSessionToken: Invalid session token\n\n\
                 code 209: 1 name in the Parse error-code document\n\n{INVALID_SESSION_TOKEN}"
            )
        );

        // Servers before `requestId` existed leave it out; `null` is the default.
        for body in [
            r#"{"op":"error","code":1,"error":"Internal server error.","reconnect":true}"#,
            r#"{"op":"error","code":1,"error":"Internal server error.","reconnect":true,"requestId":null}"#,
        ] {
            let outcome = run(&[], body);
            assert_eq!(outcome.status, 0, "{body}");
            assert!(
                outcome.stdout.starts_with(
                    "LiveQuery error message: reconnect true, no request id\n\n\
                     error: 1 InternalServerError: Internal server error.\n"
                ),
                "{body}: {}",
                outcome.stdout
            );
        }
    }

    #[test]
    fn a_batch_response_explains_its_failed_items() {
        let outcome = run(
            &[],
            r#"[{"success":{"objectId":"a1"}},{"error":{"code":209,"error":"Invalid session token"}}]"#,
        );
        assert_eq!(outcome.status, 0);
        assert_eq!(
            outcome.stdout,
            format!(
                "/batch response: 2 items, 1 succeeded, 1 failed\n\nitem 1:\n\
                 error: 209 InvalidSessionToken: Invalid session token\n\n\
                 code 209: 1 name in the Parse error-code document\n\n{INVALID_SESSION_TOKEN}"
            )
        );
    }

    /// Input that is not an error body: (stdin, stderr, or its start when the
    /// rest is the decoder's own account).
    const GARBAGE: &[(&str, &str)] = &[
        (
            "<!DOCTYPE html><html></html>",
            "explain: stdin is not a Parse error body: expected value at line 1 column 1\n",
        ),
        (
            r#"{"code":209,"error":"Invalid sess"#,
            "explain: stdin is not a Parse error body: EOF while parsing a string at line 1 column 33\n",
        ),
        (
            r#"{"results":[]}"#,
            "explain: stdin is not a Parse error body: not a Parse error body: it has neither `code` nor `error` (found `results`)\n",
        ),
        (
            r#"{"code":101,"code":102,"error":"x"}"#,
            "explain: stdin is not a Parse error body: duplicate field `code`\n",
        ),
        (
            r#"{"op":"connected","clientId":"c1"}"#,
            "explain: stdin is not a LiveQuery error message: LiveQuery message has op `connected`; only op `error` is an error message at line 1 column 17\n",
        ),
        (
            r#"{"errors":{"message":"x"}}"#,
            "explain: stdin is not a GraphQL response: ",
        ),
        (
            r#"[{"error":{},"success":{}}]"#,
            "explain: stdin is not a /batch response: /batch item 0: a /batch item has both `success` and `error` at line 1 column 26\n",
        ),
    ];

    #[test]
    fn garbage_exits_2_with_the_reason() {
        for (stdin, stderr) in GARBAGE {
            let outcome = run(&[], stdin);
            assert_eq!(
                (outcome.status, outcome.stdout.as_str()),
                (2, ""),
                "{stdin}"
            );
            assert!(
                outcome.stderr.starts_with(stderr),
                "{stdin}: {}",
                outcome.stderr
            );
            assert_eq!(outcome.stderr.lines().count(), 1, "{stdin}");
        }
        for blank in ["", " \n\t"] {
            let outcome = run(&[], blank);
            assert_eq!(outcome.status, 2);
            assert!(outcome.stderr.starts_with("explain: stdin is empty: expected a JSON error body such as {\"code\":101,\"error\":\"Object not found.\"}\n"));
        }
    }
}

/// Runs the real example binary through `cargo run`, with the features this
/// test was built with so that cargo reuses the library already built.
fn run_binary(args: &[&str], stdin: &str) -> (Option<i32>, String, String) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let features: Vec<&str> = [
        (cfg!(feature = "default"), "default"),
        (cfg!(feature = "std"), "std"),
        (cfg!(feature = "alloc"), "alloc"),
        (cfg!(feature = "serde"), "serde"),
    ]
    .into_iter()
    .filter_map(|(enabled, name)| enabled.then_some(name))
    .collect();
    let mut command = Command::new(cargo);
    command.args([
        "run",
        "--quiet",
        "--example",
        "explain",
        "--no-default-features",
    ]);
    if !features.is_empty() {
        command.args(["--features", &features.join(",")]);
    }
    let mut child = command
        .arg("--")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cargo runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

// One test, so that its `cargo run`s do not queue on cargo's build lock.
#[test]
fn the_binary_passes_arguments_stdin_and_exit_status() {
    let (status, stdout, stderr) = run_binary(&["ObjectNotFound"], "");
    assert_eq!((status, stderr.as_str()), (Some(0), ""));
    assert!(stdout.starts_with(OBJECT_NOT_FOUND));

    let (status, stdout, stderr) = run_binary(&["9001"], "");
    assert_eq!(
        (status, stdout.as_str(), stderr.as_str()),
        (Some(1), "", UNKNOWN_9001)
    );

    let (status, stdout, stderr) =
        run_binary(&[], r#"{"code":209,"error":"Invalid session token"}"#);
    if cfg!(feature = "serde") {
        assert_eq!((status, stderr.as_str()), (Some(0), ""));
        assert!(stdout.ends_with(INVALID_SESSION_TOKEN));
        // Issue 24's command: a GraphQL envelope piped in.
        let (status, stdout, stderr) = run_binary(&[], GRAPHQL_INVALID_POINTER);
        assert_eq!((status, stderr.as_str()), (Some(0), ""));
        assert!(stdout.ends_with(INVALID_POINTER), "{stdout}");
        let (status, stdout, stderr) = run_binary(&["-"], "not json");
        assert_eq!(
            (status, stdout.as_str(), stderr.as_str()),
            (
                Some(2),
                "",
                "explain: stdin is not a Parse error body: expected ident at line 1 column 2\n"
            )
        );
    } else {
        assert_eq!((status, stdout.as_str()), (Some(2), ""));
        assert!(stderr.contains("needs the `serde` feature"));
    }

    let (status, stdout, stderr) = run_binary(&["1O2"], "");
    assert_eq!((status, stdout.as_str()), (Some(2), ""));
    assert!(
        stderr.starts_with("explain: `1O2` is not a decimal code"),
        "{stderr}"
    );
}
