//! End-to-end tests against a real Parse Server (parse-server 8.6.94 on PostgreSQL).
//!
//! Every test is `#[ignore]`d: a plain `cargo test` has no server. `cargo xtask e2e`
//! starts one on 127.0.0.1 and runs them with `--ignored` and these variables set:
//! `PARSE_SERVER_URL` (e.g. `http://127.0.0.1:1337/parse`), `PARSE_GRAPHQL_URL`
//! (e.g. `http://127.0.0.1:1337/graphql`), `PARSE_APP_ID`, `PARSE_REST_KEY`,
//! `PARSE_MASTER_KEY`, and optionally:
//! - `PARSE_E2E_OBSERVED`, a file to which each test appends every error code it saw,
//!   one observation per line: `code<TAB>origin<TAB>channel<TAB>HTTP status<TAB>route`
//!   (see [`record`]). `cargo xtask e2e` compares them with the server-truth table
//!   `tests/snapshots/server-truth.tsv`.
//! - `PARSE_E2E_BODIES`, a directory where the tests keep the raw bodies of odd
//!   shapes, as the server sent them (see [`keep_body`]).
//!
//! For every error response the tests decode the body with the crate's type for it
//! ([`ParseError`], [`BatchResponse`], [`LiveQueryError`], [`GraphQlResponse`]), check
//! the code, check that a documented code's `kinds()` contains the expected name (and
//! that an undocumented code survives unchanged with no kinds), and check that encoding
//! the decoded value gives the server's body back byte for byte.
//!
//! The server and the Cloud Code it runs are in `tests/e2e/` (`server.js`, `cloud/main.js`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use parse_error_codes::{
    BatchItem, BatchResponse, ErrorCode, ErrorKind, GraphQlPathSegment, GraphQlResponse,
    LiveQueryError, ParseError,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::OnceLock;
use xtask::project_root as workspace_root;
use xtask::server_truth::{shape, Answer, Channel, Origin, Table, TABLE_PATH};

// ---------------------------------------------------------------------------
// A tiny REST client: a fresh connection per request, every request bounded.

struct Server {
    url: String,
    graphql_url: String,
    app_id: String,
    rest_key: String,
    master_key: String,
}

fn server() -> Server {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!("{name} is not set: these tests need a Parse Server; run `cargo xtask e2e`")
        })
    };
    Server {
        url: var("PARSE_SERVER_URL").trim_end_matches('/').to_string(),
        graphql_url: var("PARSE_GRAPHQL_URL"),
        app_id: var("PARSE_APP_ID"),
        rest_key: var("PARSE_REST_KEY"),
        master_key: var("PARSE_MASTER_KEY"),
    }
}

/// Who sends the request.
#[derive(Clone)]
enum As {
    /// Application id and REST API key.
    Client,
    /// Application id and master key.
    Master,
    /// Application id, REST API key and a session token.
    User(String),
    /// Exactly these headers (and nothing else), to send wrong keys.
    Headers(Vec<(&'static str, String)>),
}

enum Body<'a> {
    None,
    Json(Value),
    Raw(&'a str, Vec<u8>),
}

struct Response {
    status: u16,
    body: Vec<u8>,
    /// What was sent, for failure messages.
    request: String,
    /// How the answer came, and the request's route (see [`route`]), for [`record`].
    channel: Channel,
    route: String,
}

impl Response {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{}: body is not JSON ({e}): {}", self.request, self.text()))
    }
}

/// Sends a request to a route under the Parse mount (`path` is relative to it).
fn send(who: &As, method: &str, path: &str, body: Body) -> Response {
    let url = format!("{}{}", server().url, path);
    let channel = if path.starts_with("/files") {
        Channel::Files
    } else {
        Channel::Rest
    };
    let request = format!("{method} {path}");
    send_to(
        who,
        method,
        &url,
        request,
        channel,
        route(method, path),
        body,
    )
}

/// Sends a GraphQL operation to `/graphql`. `operation` names it in the table of
/// routes, such as `mutation create<Class>`.
fn send_graphql(who: &As, query: &str, operation: &str) -> Response {
    let url = server().graphql_url;
    send_to(
        who,
        "POST",
        &url,
        format!("POST /graphql {query}"),
        Channel::GraphQL,
        format!("POST /graphql {operation}"),
        Body::Json(json!({ "query": query })),
    )
}

fn send_to(
    who: &As,
    method: &str,
    url: &str,
    request_text: String,
    channel: Channel,
    route: String,
    body: Body,
) -> Response {
    let server = server();
    let mut builder = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Connection", "close");
    let headers: Vec<(&str, String)> = match who {
        As::Client => vec![
            ("X-Parse-Application-Id", server.app_id.clone()),
            ("X-Parse-REST-API-Key", server.rest_key.clone()),
        ],
        As::Master => vec![
            ("X-Parse-Application-Id", server.app_id.clone()),
            ("X-Parse-Master-Key", server.master_key.clone()),
        ],
        As::User(token) => vec![
            ("X-Parse-Application-Id", server.app_id.clone()),
            ("X-Parse-REST-API-Key", server.rest_key.clone()),
            ("X-Parse-Session-Token", token.clone()),
        ],
        As::Headers(headers) => headers.clone(),
    };
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    // A new agent per request: no connection is ever reused.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .max_idle_connections(0)
        .build()
        .into();
    let result = match body {
        Body::None => agent.run(builder.body(()).expect("valid request")),
        Body::Json(value) => agent.run(
            builder
                .header("Content-Type", "application/json")
                .body(serde_json::to_vec(&value).expect("JSON"))
                .expect("valid request"),
        ),
        Body::Raw(content_type, bytes) => agent.run(
            builder
                .header("Content-Type", content_type)
                .body(bytes)
                .expect("valid request"),
        ),
    };
    let mut response = result.unwrap_or_else(|e| panic!("{request_text}: request failed: {e}"));
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(16 * 1024 * 1024)
        .read_to_vec()
        .unwrap_or_else(|e| panic!("{request_text}: cannot read the body: {e}"));
    Response {
        status,
        body,
        request: request_text,
        channel,
        route,
    }
}

fn get(who: &As, path: &str) -> Response {
    send(who, "GET", path, Body::None)
}

fn post(who: &As, path: &str, body: Value) -> Response {
    send(who, "POST", path, Body::Json(body))
}

fn put(who: &As, path: &str, body: Value) -> Response {
    send(who, "PUT", path, Body::Json(body))
}

fn delete(who: &As, path: &str) -> Response {
    send(who, "DELETE", path, Body::None)
}

/// A suffix that makes names unique across tests and runs against the same server.
fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}{:x}{:x}{}",
        std::process::id(),
        nanos % 0xffff_ffff,
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

// ---------------------------------------------------------------------------
// Observations for the server-truth table

/// The parse-server version under test (`PARSE_E2E_VERSION`, set by `cargo xtask e2e`).
fn version() -> String {
    std::env::var("PARSE_E2E_VERSION").unwrap_or_else(|_| "unknown".into())
}

/// Appends one answer to the file named by `PARSE_E2E_OBSERVED`, if any, as a line of the
/// server-truth table ([`Answer::line`]), which `cargo xtask e2e` compares with the table.
/// `request` names the request in the suite; `route` is the request with the parts a test
/// makes up replaced by the router's parameter names (see [`route`]).
#[allow(clippy::too_many_arguments)]
fn record(
    request: &str,
    origin: Origin,
    channel: Channel,
    status: Option<u16>,
    route: &str,
    code: Option<i32>,
    body: &[u8],
) {
    let Ok(path) = std::env::var("PARSE_E2E_OBSERVED") else {
        return;
    };
    let (version, shape) = (version(), shape(body));
    let answer = Answer::new(
        code, &version, request, origin, channel, status, route, shape,
    );
    let line = answer
        .line()
        .unwrap_or_else(|e| panic!("{request}: cannot record {answer:?}: {e:#}"));
    // One write per line: the tests run in parallel and append to one file.
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut file| file.write_all(line.as_bytes()))
        .unwrap_or_else(|e| panic!("cannot record an answer in {path}: {e}"));
}

fn record_response(request: &str, response: &Response, origin: Origin, code: Option<i32>) {
    let status = Some(response.status);
    record(
        request,
        origin,
        response.channel,
        status,
        &response.route,
        code,
        &response.body,
    );
}

/// The answer the server-truth table gives for `request` on this version; `None` while
/// `cargo xtask e2e --bless` records answers to rewrite the table.
fn truth(request: &str) -> Option<Answer> {
    static TABLE: OnceLock<Table> = OnceLock::new();
    if std::env::var_os("PARSE_E2E_BLESS").is_some() {
        return None;
    }
    let table = TABLE.get_or_init(|| {
        Table::load(&workspace_root()).unwrap_or_else(|e| panic!("{TABLE_PATH}: {e:#}"))
    });
    let version = version();
    let answer = table.answer(&version, request).unwrap_or_else(|| {
        panic!("{TABLE_PATH} has no answer of {version} to {request:?}: run `cargo xtask e2e --bless --server {version}`")
    });
    Some(answer.clone())
}

/// For a request whose answer differs between versions: the HTTP status, code and body
/// shape are the table's for this version. A success body must not decode as an error;
/// any other body decodes as a [`ParseError`] (whatever its `error` holds), re-encodes byte
/// for byte, and a documented code has its kinds. Returns the decoded error, if any.
fn versioned(request: &str, response: &Response, origin: Origin) -> Option<ParseError> {
    let error = if (200..300).contains(&response.status) {
        assert_not_an_error_body(response);
        None
    } else {
        let error: ParseError = decode_exact(response);
        if let Some(code) = error.code() {
            assert_eq!(error.kinds(), code.kinds(), "{request}");
        }
        Some(error)
    };
    let code = error
        .as_ref()
        .and_then(ParseError::code)
        .map(ErrorCode::get);
    // Recorded first: a difference from the table is then also in the run's report.
    record_response(request, response, origin, code);
    if let Some(expected) = truth(request) {
        let observed = (Some(response.status), code, shape(&response.body));
        assert_eq!(
            observed,
            (expected.status, expected.code, expected.shape),
            "{request}: (status, code, shape) differ from {TABLE_PATH} for {}: {}",
            version(),
            response.text()
        );
    }
    error
}

/// A request as Parse Server's router names it: the query string dropped, and the
/// parts a test makes up (class names, object ids, file, function and job names)
/// replaced by the router's own parameter names, so that every run gives the same
/// routes. `path` is relative to the Parse mount (`/classes/X/y`).
fn route(method: &str, path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let normalized: Vec<&str> = match segments.as_slice() {
        ["classes", _] => vec!["classes", ":className"],
        ["classes", _, _] => vec!["classes", ":className", ":objectId"],
        ["schemas", _] => vec!["schemas", ":className"],
        [collection @ ("users" | "sessions" | "installations" | "roles"), id] if *id != "me" => {
            vec![collection, ":objectId"]
        }
        ["functions", _] => vec!["functions", ":functionName"],
        ["jobs", _] => vec!["jobs", ":jobName"],
        ["hooks", "functions", _] => vec!["hooks", "functions", ":functionName"],
        ["files", name] if !name.is_empty() => vec!["files", ":filename"],
        ["files", _, _] => vec!["files", ":appId", ":filename"],
        other => other.to_vec(),
    };
    format!("{method} /{}", normalized.join("/"))
}

/// Keeps a raw body in the directory named by `PARSE_E2E_BODIES`, if any, as
/// `<name>.json` (the bytes as received), and lists it in `index.tsv` there
/// (`name<TAB>HTTP status<TAB>request`). For the odd shapes (batch items whose
/// `error` is not a Parse error, GraphQL envelopes): what a real server sent, to
/// reproduce a decoding problem without a server.
fn keep_body(name: &str, response: &Response) {
    let Ok(dir) = std::env::var("PARSE_E2E_BODIES") else {
        return;
    };
    let dir = std::path::Path::new(&dir);
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(dir.join(format!("{name}.json")), &response.body))
        .and_then(|()| {
            std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(dir.join("index.tsv"))
        })
        .and_then(|mut index| {
            let line = format!("{name}\t{}\t{}\n", response.status, response.request);
            index.write_all(line.as_bytes())
        });
    written.unwrap_or_else(|e| panic!("cannot keep the body {name} in {}: {e}", dir.display()));
}

// ---------------------------------------------------------------------------
// Checks

/// Encoding the decoded value gives the server's body back byte for byte. Parse
/// Server writes bodies with `JSON.stringify` (no insignificant whitespace); only
/// the newline Apollo puts after a GraphQL body is not part of the JSON.
fn assert_round_trip<T: Serialize>(request: &str, decoded: &T, body: &[u8]) {
    let encoded = serde_json::to_vec(decoded).expect("the decoded body serializes");
    let body = body.strip_suffix(b"\n").unwrap_or(body);
    assert!(
        encoded == body,
        "{request}: re-encoding changed the body:\n  server:     {}\n  re-encoded: {}",
        String::from_utf8_lossy(body),
        String::from_utf8_lossy(&encoded)
    );
}

/// Decodes a whole response body as `T`, and checks that it encodes back unchanged.
fn decode_exact<T: DeserializeOwned + Serialize>(response: &Response) -> T {
    let request = &response.request;
    let decoded: T = serde_json::from_slice(&response.body).unwrap_or_else(|e| {
        panic!(
            "{request}: the body does not decode ({e}): {}",
            response.text()
        )
    });
    assert_round_trip(request, &decoded, &response.body);
    decoded
}

/// The expected code: a documented one with the name its `kinds()` must contain, or
/// one the document lacks.
#[derive(Clone, Copy, Debug)]
enum Expect {
    Documented(i32, &'static str),
    Undocumented(i32),
}

impl Expect {
    fn code(self) -> i32 {
        match self {
            Expect::Documented(code, _) | Expect::Undocumented(code) => code,
        }
    }
}

/// Checks an error response: HTTP status, body decodes, code, kinds, round trip.
/// Records the code as chosen by `origin`, with the response's channel, status and route.
fn check_error(
    request_name: &str,
    response: &Response,
    status: u16,
    expect: Expect,
    origin: Origin,
) -> ParseError {
    let request = &response.request;
    assert_eq!(
        response.status,
        status,
        "{request}: HTTP status (body: {})",
        response.text()
    );
    let error: ParseError = serde_json::from_slice(&response.body).unwrap_or_else(|e| {
        panic!(
            "{request}: the body does not decode as ParseError ({e}): {}",
            response.text()
        )
    });
    check_decoded(request, &error, expect);
    assert_round_trip(request, &error, &response.body);
    let code = error.code().map(ErrorCode::get);
    record_response(request_name, response, origin, code);
    error
}

fn check_decoded(request: &str, error: &ParseError, expect: Expect) {
    let code = error
        .code()
        .unwrap_or_else(|| panic!("{request}: no code in {error:?}"));
    assert_eq!(code.get(), expect.code(), "{request}: code in {error:?}");
    assert_eq!(code, ErrorCode::new(expect.code()));
    match expect {
        Expect::Documented(_, name) => {
            assert!(code.is_known(), "{request}: {code:?} should be documented");
            let names: Vec<&str> = error.kinds().iter().map(|k| k.name()).collect();
            assert!(
                names.contains(&name),
                "{request}: kinds of {} are {names:?}, expected {name}",
                code.get()
            );
            assert_eq!(error.kinds(), code.kinds());
            for kind in error.kinds() {
                assert_eq!(
                    kind.code(),
                    code,
                    "{request}: {} has another code",
                    kind.name()
                );
            }
        }
        Expect::Undocumented(_) => {
            assert!(
                !code.is_known(),
                "{request}: {code:?} should be undocumented"
            );
            assert!(error.kinds().is_empty(), "{request}: {:?}", error.kinds());
        }
    }
}

/// Checks a body without a code, such as `{"error":"unauthorized"}`.
fn check_codeless(
    request_name: &str,
    response: &Response,
    status: u16,
    message: &str,
) -> ParseError {
    let request = &response.request;
    assert_eq!(
        response.status,
        status,
        "{request}: body {}",
        response.text()
    );
    let error: ParseError = serde_json::from_slice(&response.body)
        .unwrap_or_else(|e| panic!("{request}: does not decode ({e}): {}", response.text()));
    assert_eq!(error.code(), None, "{request}: {error:?}");
    assert!(error.kinds().is_empty());
    assert_eq!(error.message(), message, "{request}");
    assert_round_trip(request, &error, &response.body);
    record_response(request_name, response, Origin::Server, None);
    error
}

/// A body that is not a Parse error body must not decode (never a made-up code).
fn check_not_an_error_body(request: &str, response: &Response) {
    assert_not_an_error_body(response);
    record_response(request, response, Origin::Server, None);
}

fn assert_not_an_error_body(response: &Response) {
    let decoded = serde_json::from_slice::<ParseError>(&response.body);
    assert!(
        decoded.is_err(),
        "{}: {:?} decoded as {decoded:?}",
        response.request,
        response.text()
    );
}

fn server_error(
    request: &str,
    response: &Response,
    status: u16,
    code: i32,
    name: &'static str,
) -> ParseError {
    check_error(
        request,
        response,
        status,
        Expect::Documented(code, name),
        Origin::Server,
    )
}

// ---------------------------------------------------------------------------
// Fixtures

/// Creates a class with the master key (clients may not create classes).
fn create_class(name: &str, fields: Value) {
    let response = post(
        &As::Master,
        &format!("/schemas/{name}"),
        json!({ "className": name, "fields": fields }),
    );
    assert!(
        response.status == 200 || response.text().contains("already exists"),
        "cannot create class {name}: {} {}",
        response.status,
        response.text()
    );
    wait_until_clients_see_class(name);
}

/// Parse Server keeps its schemas in one in-memory cache that concurrent requests
/// reload: a reload that started before a class was created can finish after it
/// and put back a list without the class. Clients then get 119 ("non-existent
/// class") until something reloads the cache, which a master-key read of the
/// schema does. Tests run in parallel, so wait (bounded) until a client sees it.
fn wait_until_clients_see_class(name: &str) {
    for _ in 0..50 {
        if get(&As::Client, &format!("/classes/{name}?limit=0")).status == 200 {
            return;
        }
        get(&As::Master, &format!("/schemas/{name}"));
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("class {name} still unknown to clients after 5 s");
}

struct User {
    id: String,
    token: String,
}

fn sign_up(username: &str, password: &str, email: Option<&str>) -> User {
    let mut body = json!({ "username": username, "password": password });
    if let Some(email) = email {
        body["email"] = json!(email);
    }
    let response = post(&As::Client, "/users", body);
    assert_eq!(
        response.status,
        201,
        "sign up {username}: {}",
        response.text()
    );
    let value = response.json();
    User {
        id: value["objectId"].as_str().expect("objectId").to_string(),
        token: value["sessionToken"]
            .as_str()
            .expect("sessionToken")
            .to_string(),
    }
}

// ---------------------------------------------------------------------------
// Objects, queries, schemas

#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn objects_and_queries() {
    let class = unique("Obj");
    create_class(
        &class,
        json!({ "name": { "type": "String" }, "n": { "type": "Number" } }),
    );
    let c = As::Client;

    // 101: a missing object (404).
    let error = server_error(
        "objects: a missing object",
        &get(&c, &format!("/classes/{class}/doesNotExist")),
        404,
        101,
        "ObjectNotFound",
    );
    assert!(error.kinds().contains(&ErrorKind::ObjectNotFound));
    server_error(
        "objects: deleting a missing object",
        &delete(&As::Master, &format!("/classes/{class}/doesNotExist")),
        404,
        101,
        "ObjectNotFound",
    );

    // 102: an improper $inQuery.
    let path = format!("/classes/{class}?where=%7B%22n%22%3A%7B%22%24inQuery%22%3A5%7D%7D");
    server_error(
        "objects: an improper $inQuery",
        &get(&c, &path),
        400,
        102,
        "InvalidQuery",
    );

    // 105: a field name that starts with a digit.
    server_error(
        "objects: a field name that starts with a digit",
        &post(&c, &format!("/classes/{class}"), json!({ "1bad": 1 })),
        400,
        105,
        "InvalidFieldName",
    );
    // 104: an empty objectId (the server lets clients choose objectIds).
    server_error(
        "objects: an empty objectId",
        &post(&c, &format!("/classes/{class}"), json!({ "objectId": "" })),
        400,
        104,
        "MissingObjectId",
    );
    // 105 in a query key.
    server_error(
        "objects: a query key that starts with a digit",
        &get(
            &c,
            &format!("/classes/{class}?where=%7B%22%241bad%22%3A1%7D"),
        ),
        400,
        105,
        "InvalidFieldName",
    );

    // 107: an Add operation whose objects are not an array.
    server_error(
        "objects: an Add whose objects are not an array",
        &post(
            &c,
            &format!("/classes/{class}"),
            json!({ "tags": { "__op": "Add", "objects": 5 } }),
        ),
        400,
        107,
        "InvalidJSON",
    );

    // 108: an operator the server does not support on create.
    server_error(
        "objects: a Batch operation on create",
        &post(
            &c,
            &format!("/classes/{class}"),
            json!({ "n": { "__op": "Batch", "ops": [{ "__op": "Increment", "amount": 1 }] } }),
        ),
        400,
        108,
        "CommandUnavailable",
    );

    // 111: a value of the wrong type for the field.
    server_error(
        "objects: a string for a number field",
        &post(&c, &format!("/classes/{class}"), json!({ "n": "text" })),
        400,
        111,
        "IncorrectType",
    );
    server_error(
        "objects: a pointer for a string field",
        &post(
            &c,
            &format!("/classes/{class}"),
            json!({ "name": { "__type": "Pointer", "className": "X", "objectId": "y" } }),
        ),
        400,
        111,
        "IncorrectType",
    );

    // 119: a client may not create a class.
    server_error(
        "objects: a client creates a class",
        &post(
            &c,
            &format!("/classes/{}", unique("New")),
            json!({ "a": 1 }),
        ),
        400,
        119,
        "OperationForbidden",
    );

    // 121: a nested key with a dot.
    server_error(
        "objects: a nested key with a dot",
        &post(
            &c,
            &format!("/classes/{class}"),
            json!({ "obj": { "a.b": 1 } }),
        ),
        400,
        121,
        "InvalidNestedKey",
    );

    // 123: an ACL the server cannot resolve.
    server_error(
        "objects: an ACL the server cannot resolve",
        &post(
            &c,
            &format!("/classes/{class}"),
            json!({ "ACL": { "*unresolved": { "read": true } } }),
        ),
        400,
        123,
        "InvalidACL",
    );
}

#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn schemas() {
    let m = As::Master;
    let class = unique("Sch");
    create_class(&class, json!({ "n": { "type": "Number" } }));

    // 103: invalid class names, an existing class, a missing class.
    server_error(
        "schemas: an invalid class name",
        &post(&m, "/schemas/1bad", json!({})),
        400,
        103,
        "InvalidClassName",
    );
    server_error(
        "schemas: creating an existing class",
        &post(
            &m,
            &format!("/schemas/{class}"),
            json!({ "className": class }),
        ),
        400,
        103,
        "InvalidClassName",
    );
    server_error(
        "schemas: a missing class",
        &get(&m, &format!("/schemas/{}", unique("Missing"))),
        400,
        103,
        "InvalidClassName",
    );

    // 111: an unknown field type.
    server_error(
        "schemas: an unknown field type",
        &post(
            &m,
            &format!("/schemas/{}", unique("Bad")),
            json!({ "fields": { "x": { "type": "Bogus" } } }),
        ),
        400,
        111,
        "IncorrectType",
    );
    // 135: a pointer field without its target class.
    server_error(
        "schemas: a pointer field without its target class",
        &post(
            &m,
            &format!("/schemas/{}", unique("Bad")),
            json!({ "fields": { "x": { "type": "Pointer" } } }),
        ),
        400,
        135,
        "MissingRequiredFieldError",
    );
    // 136: a default field cannot be deleted.
    server_error(
        "schemas: deleting a default field",
        &put(
            &m,
            &format!("/schemas/{class}"),
            json!({ "fields": { "createdAt": { "__op": "Delete" } } }),
        ),
        400,
        136,
        "ChangedImmutableFieldError",
    );
    // 102: an index on a missing field.
    server_error(
        "schemas: an index on a missing field",
        &put(
            &m,
            &format!("/schemas/{class}"),
            json!({ "indexes": { "idx": { "nosuch": 1 } } }),
        ),
        400,
        102,
        "InvalidQuery",
    );
    // 255: deleting a field that does not exist; dropping a class that has objects.
    server_error(
        "schemas: deleting a field that does not exist",
        &put(
            &m,
            &format!("/schemas/{class}"),
            json!({ "fields": { "nosuch": { "__op": "Delete" } } }),
        ),
        400,
        255,
        "ClassNotEmpty",
    );
    let created = post(&m, &format!("/classes/{class}"), json!({ "n": 1 }));
    assert_eq!(created.status, 201, "{}", created.text());
    server_error(
        "schemas: dropping a class that has objects",
        &delete(&m, &format!("/schemas/{class}")),
        400,
        255,
        "ClassNotEmpty",
    );
}

// ---------------------------------------------------------------------------
// Users and sessions

#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn users_and_sessions() {
    let c = As::Client;
    let name = unique("user");
    let email = format!("{name}@example.test");
    let user = sign_up(&name, "pw-1", Some(&email));
    let other = sign_up(&unique("other"), "pw-2", None);

    // 200, 201: sign-up and log-in without a username or a password.
    server_error(
        "users: sign-up without a username",
        &post(&c, "/users", json!({ "password": "x" })),
        400,
        200,
        "UsernameMissing",
    );
    server_error(
        "users: sign-up without a password",
        &post(&c, "/users", json!({ "username": unique("u") })),
        400,
        201,
        "PasswordMissing",
    );
    server_error(
        "users: log in without a username",
        &post(&c, "/login", json!({ "password": "x" })),
        400,
        200,
        "UsernameMissing",
    );
    server_error(
        "users: log in without a password",
        &post(&c, "/login", json!({ "username": name })),
        400,
        201,
        "PasswordMissing",
    );
    // 202, 203: taken username and email.
    server_error(
        "users: a taken username",
        &post(&c, "/users", json!({ "username": name, "password": "x" })),
        400,
        202,
        "UsernameTaken",
    );
    server_error(
        "users: a taken email",
        &post(
            &c,
            "/users",
            json!({ "username": unique("u"), "password": "x", "email": email }),
        ),
        400,
        203,
        "UserEmailTaken",
    );
    // 125: a malformed email address.
    server_error(
        "users: a malformed email address",
        &post(
            &c,
            "/users",
            json!({ "username": unique("u"), "password": "x", "email": "not an email" }),
        ),
        400,
        125,
        "InvalidEmailAddress",
    );
    // 142: the password policy rejects a password.
    server_error(
        "users: the password policy rejects a password",
        &post(
            &c,
            "/users",
            json!({ "username": unique("u"), "password": "forbidden-password" }),
        ),
        400,
        142,
        "ValidationFailed",
    );
    // 101: wrong password (404).
    server_error(
        "users: log in with a wrong password",
        &post(
            &c,
            "/login",
            json!({ "username": name, "password": "wrong" }),
        ),
        404,
        101,
        "UserInvalidLoginParams",
    );

    // 204, 125, 205: password reset and verification email requests.
    server_error(
        "users: a password reset without an email",
        &post(&c, "/requestPasswordReset", json!({})),
        400,
        204,
        "UserEmailMissing",
    );
    server_error(
        "users: a password reset with a number as email",
        &post(&c, "/requestPasswordReset", json!({ "email": 5 })),
        400,
        125,
        "InvalidEmailAddress",
    );
    server_error(
        "users: a verification email without an email",
        &post(&c, "/verificationEmailRequest", json!({})),
        400,
        204,
        "UserEmailMissing",
    );
    server_error(
        "users: a verification email for an unknown email",
        &post(
            &c,
            "/verificationEmailRequest",
            json!({ "email": format!("{}@example.test", unique("nobody")) }),
        ),
        400,
        205,
        "UserWithEmailNotFound",
    );

    // 209: an invalid session token; none where one is required.
    server_error(
        "users: /users/me with an invalid session token",
        &get(&As::User("r:bogus".into()), "/users/me"),
        400,
        209,
        "InvalidSessionToken",
    );
    server_error(
        "users: log out with an invalid session token",
        &post(&As::User("r:bogus".into()), "/logout", json!({})),
        400,
        209,
        "InvalidSessionToken",
    );
    server_error(
        "users: /sessions/me without a session token",
        &get(&c, "/sessions/me"),
        400,
        209,
        "InvalidSessionToken",
    );

    // 206: modifying or deleting another user.
    server_error(
        "users: modifying another user",
        &put(
            &As::User(other.token.clone()),
            &format!("/users/{}", user.id),
            json!({ "username": unique("x") }),
        ),
        400,
        206,
        "SessionMissing",
    );
    server_error(
        "users: deleting a user without a session",
        &delete(&c, &format!("/users/{}", user.id)),
        400,
        206,
        "SessionMissing",
    );

    // -1: the challenge endpoint without what it needs.
    server_error(
        "users: /challenge with nothing",
        &post(&c, "/challenge", json!({})),
        400,
        -1,
        "OtherCause",
    );
    server_error(
        "users: /challenge with only a username",
        &post(&c, "/challenge", json!({ "username": name })),
        400,
        -1,
        "OtherCause",
    );

    // 137: a role name is unique.
    let role = unique("role");
    let acl = json!({ "*": { "read": true } });
    let created = post(&As::Master, "/roles", json!({ "name": role, "ACL": acl }));
    assert_eq!(created.status, 201, "{}", created.text());
    server_error(
        "users: a taken role name",
        &post(&As::Master, "/roles", json!({ "name": role, "ACL": acl })),
        400,
        137,
        "DuplicateValue",
    );

    // 162 (INVALID_VALUE upstream, not in the document): loginAs without a user id.
    check_error(
        "users: loginAs without a user id",
        &post(&As::Master, "/loginAs", json!({})),
        400,
        Expect::Undocumented(162),
        Origin::Server,
    );
}

#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn linked_accounts() {
    let c = As::Client;
    let id = unique("anon");
    // An anonymous user with this id.
    let created = post(
        &c,
        "/users",
        json!({ "authData": { "anonymous": { "id": id } } }),
    );
    assert_eq!(created.status, 201, "{}", created.text());
    // 208: another user links the same anonymous id.
    let user = sign_up(&unique("linker"), "pw", None);
    server_error(
        "linked accounts: linking a taken anonymous id",
        &put(
            &As::User(user.token.clone()),
            &format!("/users/{}", user.id),
            json!({ "authData": { "anonymous": { "id": id } } }),
        ),
        400,
        208,
        "AccountAlreadyLinked",
    );
    // 252: an auth provider the server does not know.
    server_error(
        "linked accounts: an unknown auth provider",
        &post(
            &c,
            "/users",
            json!({ "authData": { "no_such_provider": { "id": "x" } } }),
        ),
        400,
        252,
        "UnsupportedService",
    );
    // An auth data id that is not a string: 162 (not in the document), or (7.5.4) a user.
    let body = json!({ "authData": { "anonymous": { "id": 5 } } });
    let response = post(&c, "/users", body);
    let request = "linked accounts: an anonymous id that is a number";
    if let Some(error) = versioned(request, &response, Origin::Server) {
        assert_eq!(error.code(), Some(ErrorCode::new(162)), "{request}");
    }
}

// ---------------------------------------------------------------------------
// Files, push, installations, hooks, rate limit, idempotency

#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn files() {
    let c = As::Client;
    let text = |path: &str, content_type: &'static str| {
        send(&c, "POST", path, Body::Raw(content_type, b"hello".to_vec()))
    };
    let ok = text("/files/hello.txt", "text/plain");
    assert_eq!(ok.status, 201, "{}", ok.text());

    // 122: invalid, too long, missing file names.
    server_error(
        "files: an invalid file name",
        &text("/files/bad%24name.txt", "text/plain"),
        400,
        122,
        "InvalidFileName",
    );
    server_error(
        "files: a too long file name",
        &text(&format!("/files/{}.txt", "a".repeat(200)), "text/plain"),
        400,
        122,
        "InvalidFileName",
    );
    server_error(
        "files: no file name",
        &text("/files/", "text/plain"),
        400,
        122,
        "InvalidFileName",
    );
    // 130: a forbidden extension; an upload without a body.
    server_error(
        "files: a forbidden extension",
        &text("/files/page.html", "text/html"),
        400,
        130,
        "FileSaveError",
    );
    server_error(
        "files: an upload without a body",
        &send(&c, "POST", "/files/empty.txt", Body::None),
        400,
        130,
        "FileSaveError",
    );

    // 153 (FileDeleteError upstream; the document says 131): deleting a missing file.
    let error = check_error(
        "files: deleting a missing file",
        &delete(&As::Master, &format!("/files/{}.txt", unique("missing"))),
        400,
        Expect::Undocumented(153),
        Origin::Server,
    );
    assert_eq!(error.code(), Some(ErrorCode::new(153)));

    // A missing file is plain text, not an error body.
    let missing = get(&c, &format!("/files/{}/nothing.txt", server().app_id));
    assert_eq!(missing.status, 404);
    check_not_an_error_body("files: getting a missing file", &missing);
}

/// 132: a new installation names a device token that several installations share,
/// and no installation id. A create removes older installations with its token, an
/// update does not: so two installations come to share one by an update.
#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn installations_sharing_a_device_token() {
    let c = As::Client;
    // Not 64 characters long: the server lowercases 64-character (iOS) tokens.
    let token = unique("token-");
    let other_token = unique("token-");
    let create = |body: Value| {
        let response = post(&c, "/installations", body);
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["objectId"]
            .as_str()
            .expect("objectId")
            .to_string()
    };
    create(json!({
        "installationId": unique("inst-a-"), "deviceType": "ios", "deviceToken": token
    }));
    let second = create(json!({
        "installationId": unique("inst-b-"), "deviceType": "ios", "deviceToken": other_token
    }));
    let updated = put(
        &c,
        &format!("/installations/{second}"),
        json!({ "deviceToken": token }),
    );
    assert_eq!(updated.status, 200, "{}", updated.text());
    // Two installations now have `token`; a third without an installation id is refused.
    server_error(
        "installations: a shared device token without an installation id",
        &post(
            &c,
            "/installations",
            json!({ "deviceType": "ios", "deviceToken": token }),
        ),
        400,
        132,
        "InvalidInstallationIdError",
    );
}

#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn push_installations_hooks() {
    let m = As::Master;
    // 115: no push adapter configured; a push without channels or where.
    server_error(
        "push: no push adapter",
        &post(
            &m,
            "/push",
            json!({ "channels": ["a"], "data": { "alert": "x" } }),
        ),
        400,
        115,
        "PushMisconfigured",
    );
    // 135: an installation without an id.
    server_error(
        "push: an installation without an id",
        &post(&As::Client, "/installations", json!({})),
        400,
        135,
        "MissingRequiredFieldError",
    );
    // 111: channels that are not an array.
    server_error(
        "push: channels that are not an array",
        &post(
            &As::Client,
            "/installations",
            json!({ "installationId": unique("inst"), "deviceType": "ios", "channels": "not an array" }),
        ),
        400,
        111,
        "IncorrectType",
    );
    // 143: webhooks.
    server_error(
        "push: a webhook without a URL",
        &post(&m, "/hooks/functions", json!({ "functionName": "f" })),
        400,
        143,
        "WebhookError",
    );
    server_error(
        "push: a missing webhook",
        &get(&m, &format!("/hooks/functions/{}", unique("nope"))),
        400,
        143,
        "WebhookError",
    );
}

#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn rate_limit_and_idempotency() {
    let c = As::Client;
    // 100: the rate limit on /functions/rateLimited allows one request per hour.
    let first = post(&c, "/functions/rateLimited", json!({}));
    let limited = if first.status == 429 {
        first
    } else {
        assert_eq!(first.status, 200, "{}", first.text());
        post(&c, "/functions/rateLimited", json!({}))
    };
    server_error(
        "rate limit: a second request within the limit's window",
        &limited,
        429,
        100,
        "ConnectionFailed",
    );

    // 159: a repeated request id on an idempotent path.
    let id = unique("req");
    let headers = |id: &str| {
        let server = server();
        As::Headers(vec![
            ("X-Parse-Application-Id", server.app_id),
            ("X-Parse-REST-API-Key", server.rest_key),
            ("X-Parse-Request-Id", id.to_string()),
        ])
    };
    let first = post(&headers(&id), "/functions/idempotent", json!({}));
    assert_eq!(first.status, 200, "{}", first.text());
    server_error(
        "rate limit: a repeated request id",
        &post(&headers(&id), "/functions/idempotent", json!({})),
        400,
        159,
        "TemporaryRejectionError",
    );
}

// ---------------------------------------------------------------------------
// Cloud Code

#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn cloud_code() {
    let c = As::Client;
    let call = |name: &str, params: Value| post(&c, &format!("/functions/{name}"), params);

    // A Parse.Error with a documented code, thrown by Cloud Code.
    check_error(
        "cloud: throwDocumented",
        &call("throwDocumented", json!({})),
        400,
        Expect::Documented(142, "ValidationFailed"),
        Origin::Cloud,
    );
    // A custom code (9000-9999) comes back unchanged.
    let error = check_error(
        "cloud: throwCustom",
        &call("throwCustom", json!({})),
        400,
        Expect::Undocumented(9001),
        Origin::Cloud,
    );
    assert_eq!(error.code().map(ErrorCode::get), Some(9001));
    for code in [9999, 4242, 0, -42] {
        let error = check_error(
            &format!("cloud: throwCode {code}"),
            &call("throwCode", json!({ "code": code })),
            400,
            Expect::Undocumented(code),
            Origin::Cloud,
        );
        assert_eq!(error.code(), Some(ErrorCode::new(code)));
    }
    // Documented codes thrown by Cloud Code keep their kinds.
    check_error(
        "cloud: throwCode 209",
        &call("throwCode", json!({ "code": 209 })),
        400,
        Expect::Documented(209, "InvalidSessionToken"),
        Origin::Cloud,
    );

    // 141: a plain JS error, a thrown object, string and number, a missing function.
    server_error(
        "cloud: a plain JS error",
        &call("throwPlainError", json!({})),
        400,
        141,
        "ScriptFailed",
    );
    let error = server_error(
        "cloud: a thrown object",
        &call("throwObject", json!({})),
        400,
        141,
        "ScriptFailed",
    );
    assert_eq!(
        error.message_value(),
        Some(&json!({ "reason": "thrown plain object", "detail": { "n": 1 } }))
    );
    let error = server_error(
        "cloud: a thrown string",
        &call("throwString", json!({})),
        400,
        141,
        "ScriptFailed",
    );
    assert_eq!(error.message(), "thrown string from Cloud Code");
    let error = server_error(
        "cloud: a thrown number",
        &call("throwNumber", json!({})),
        400,
        141,
        "ScriptFailed",
    );
    assert_eq!(error.message_value(), Some(&json!(42)));
    server_error(
        "cloud: a missing function",
        &call(&unique("missingFunction"), json!({})),
        400,
        141,
        "FunctionNotFound",
    );
    server_error(
        "cloud: a missing job",
        &post(&As::Master, "/jobs/noSuchJob", json!({})),
        400,
        141,
        "JobNotFound",
    );

    // 142: the Cloud Code validator (missing parameter, missing user).
    server_error(
        "cloud: a validator's missing parameter",
        &call("needsParam", json!({})),
        400,
        142,
        "ValidationFailed",
    );
    server_error(
        "cloud: a validator's missing user",
        &call("needsUser", json!({})),
        400,
        142,
        "ValidationFailed",
    );

    // beforeSave triggers that reject.
    for class in ["Rejected", "RejectedPlain"] {
        create_class(class, json!({}));
        server_error(
            &format!("cloud: a rejecting beforeSave of {class}"),
            &post(&c, &format!("/classes/{class}"), json!({ "a": 1 })),
            400,
            141,
            "ScriptFailed",
        );
    }
}

/// A Cloud Code message that holds a lone UTF-16 surrogate arrives as the escape `\ud800`
/// (valid JSON): it must decode as a [`ParseError`] and encode back byte for byte. Fails
/// until the body types of issue 22 (which keep such a message) are merged: on purpose, the
/// end-to-end code does not work around body decoding.
#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn cloud_code_lone_surrogate_decodes_after_issue_22() {
    let response = post(&As::Client, "/functions/throwLoneSurrogate", json!({}));
    keep_body("lone-surrogate", &response);
    assert_eq!(response.status, 400, "{}", response.text());
    assert!(response.text().contains("\\ud800"), "{}", response.text());
    let error: ParseError = decode_exact(&response);
    assert_eq!(error.code(), Some(ErrorCode::new(141)), "{error:?}");
}

/// Codes that the Parse SDK running inside Cloud Code picks, where the function's
/// author names no code: they reach clients as the server's answer.
#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn cloud_code_sdk_codes() {
    let c = As::Client;
    // 600: `Parse.Object.destroyAll` of an object that does not exist rejects with the
    // SDK's AggregateError, which has a code and no message.
    let response = post(&c, "/functions/destroyMissing", json!({}));
    let error = server_error(
        "cloud SDK: destroyAll of a missing object",
        &response,
        400,
        600,
        "AggregateError",
    );
    assert_eq!(
        response.json(),
        json!({ "code": 600 }),
        "{}",
        response.text()
    );
    assert_eq!(error.message(), "");
    assert_eq!(error.message_value(), None);

    // 161 (FileDeleteUnnamedError upstream, not in the document): destroying a
    // `Parse.File` that has no name.
    let error = check_error(
        "cloud SDK: destroying an unnamed file",
        &post(&c, "/functions/destroyUnnamedFile", json!({})),
        400,
        Expect::Undocumented(161),
        Origin::Server,
    );
    assert_eq!(error.code(), Some(ErrorCode::new(161)));
}

// ---------------------------------------------------------------------------
// Bodies without a code, internal errors, non-error bodies

#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn bodies_without_a_code() {
    let server = server();
    // 403 {"error":"unauthorized"}: a wrong application id, a wrong REST key.
    let wrong_app = As::Headers(vec![
        ("X-Parse-Application-Id", "wrong".into()),
        ("X-Parse-REST-API-Key", server.rest_key.clone()),
    ]);
    check_codeless(
        "no code: a wrong application id",
        &get(&wrong_app, "/classes/GameScore"),
        403,
        "unauthorized",
    );
    let wrong_key = As::Headers(vec![
        ("X-Parse-Application-Id", server.app_id.clone()),
        ("X-Parse-REST-API-Key", "wrong".into()),
    ]);
    check_codeless(
        "no code: a wrong REST key",
        &get(&wrong_key, "/classes/GameScore"),
        403,
        "unauthorized",
    );
    // 403 {"error":"Permission denied"} (sanitized; 7.5.4 says why): the master key is
    // required.
    for (request, response) in [
        (
            "no code: /schemas without the master key",
            get(&As::Client, "/schemas"),
        ),
        (
            "no code: deleting a file without the master key",
            delete(&As::Client, "/files/x.txt"),
        ),
    ] {
        let error = versioned(request, &response, Origin::Server).expect("an error");
        assert!(
            !error.message().is_empty() && error.code().is_none(),
            "{request}: {error:?}"
        );
    }
    // 400: malformed request JSON.
    let malformed = send(
        &As::Client,
        "POST",
        "/classes/GameScore",
        Body::Raw("application/json", b"{\"a\":".to_vec()),
    );
    check_codeless(
        "no code: malformed request JSON",
        &malformed,
        400,
        "Unexpected end of JSON input",
    );
    // 413: a request larger than the server accepts.
    let big = format!("{{\"big\":\"{}\"}}", "a".repeat(2_000_000));
    let too_large = send(
        &As::Client,
        "POST",
        "/classes/GameScore",
        Body::Raw("application/json", big.into_bytes()),
    );
    check_codeless(
        "no code: a too large request",
        &too_large,
        413,
        "request entity too large",
    );
}

#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn internal_server_errors() {
    let c = As::Client;
    let m = As::Master;
    // Answers that differ between versions: a `where` that is not JSON (up to 8.x an
    // unexpected failure, `{"code":1,"message":"Internal server error."}`), a negative
    // limit (7.5.4 puts PostgreSQL's error object under `error`). Whichever key carries the
    // message, and whatever it holds, the crate reads it.
    let response = get(&c, "/classes/GameScore?where=%7Bnot");
    let error = versioned("internal: a malformed where", &response, Origin::Server);
    let error = error.expect("an error");
    let body = response.json();
    assert_eq!(
        error.message_value(),
        body.get("message").or(body.get("error"))
    );
    let class = unique("Lim");
    create_class(&class, json!({}));
    let response = get(&m, &format!("/classes/{class}?limit=-5"));
    let error = versioned("internal: a negative limit", &response, Origin::Server);
    let error = error.expect("an error");
    keep_body("negative-limit", &response);
    assert_eq!(error.message_value(), response.json().get("error"));
}

#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn non_error_bodies_do_not_decode() {
    // An unknown route answers an HTML page.
    let html = send(
        &As::Client,
        "PUT",
        "/classes/GameScore",
        Body::Json(json!({})),
    );
    assert_eq!(html.status, 404);
    assert!(html.text().contains("<html"), "{}", html.text());
    check_not_an_error_body("not an error: an unknown route", &html);
    // A successful query.
    let class = unique("Empty");
    create_class(&class, json!({}));
    let results = get(&As::Client, &format!("/classes/{class}"));
    assert_eq!(results.status, 200, "{}", results.text());
    assert_eq!(results.json(), json!({ "results": [] }));
    check_not_an_error_body("not an error: a successful query", &results);
    // The health check.
    let health = get(&As::Client, "/health");
    assert_eq!(health.status, 200);
    check_not_an_error_body("not an error: the health check", &health);
}

// ---------------------------------------------------------------------------
// Batch

/// The path at which Parse Server is mounted (`/parse`): batch items name their
/// route from the root of the server.
fn mount() -> String {
    let url = server().url;
    let after_scheme = url
        .split_once("://")
        .map(|(_, rest)| rest.to_string())
        .unwrap_or(url);
    after_scheme
        .split_once('/')
        .map(|(_, path)| format!("/{path}"))
        .unwrap_or_default()
}

/// A `/batch` body of `(method, path under the mount, body)` items, and each item's
/// route (see [`route`]).
fn batch_requests(items: &[(&str, String, Option<Value>)]) -> (Value, Vec<String>) {
    let mount = mount();
    let requests: Vec<Value> = items
        .iter()
        .map(|(method, path, body)| {
            let mut request = json!({ "method": method, "path": format!("{mount}{path}") });
            if let Some(body) = body {
                request["body"] = body.clone();
            }
            request
        })
        .collect();
    let routes = items
        .iter()
        .map(|(method, path, _)| route(method, path))
        .collect();
    (json!({ "requests": requests }), routes)
}

#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn batch_with_mixed_results() {
    let class = unique("Bat");
    create_class(&class, json!({ "n": { "type": "Number" } }));
    let (requests, routes) = batch_requests(&[
        ("POST", format!("/classes/{class}"), Some(json!({ "n": 1 }))),
        ("GET", format!("/classes/{class}/doesNotExist"), None),
        (
            "POST",
            format!("/classes/{class}"),
            Some(json!({ "n": "text" })),
        ),
        ("POST", "/functions/throwCustom".into(), Some(json!({}))),
        ("POST", "/functions/throwObject".into(), Some(json!({}))),
    ]);
    let response = post(&As::Client, "/batch", requests);
    assert_eq!(response.status, 200, "{}", response.text());
    let batch: BatchResponse = serde_json::from_slice(&response.body)
        .unwrap_or_else(|e| panic!("/batch does not decode ({e}): {}", response.text()));
    let items = batch.items();
    assert_eq!(items.len(), 5, "{}", response.text());
    assert!(matches!(&items[0], BatchItem::Success(v) if v.get("objectId").is_some()));
    let items_answers = [
        (1, "batch: mixed, GET of a missing object", Origin::Server),
        (
            2,
            "batch: mixed, a string for a number field",
            Origin::Server,
        ),
        (3, "batch: mixed, throwCustom", Origin::Cloud),
        (4, "batch: mixed, a thrown object", Origin::Server),
    ];
    for (index, request, origin) in items_answers {
        let error = versioned_item(request, &response, index, &routes[index], origin);
        assert_eq!(error.as_ref(), items[index].error(), "{request}");
    }
    let errors: Vec<usize> = batch.errors().map(|(i, _)| i).collect();
    assert_eq!(errors, [1, 2, 3, 4]);
    // The whole response re-encodes to the server's body.
    assert_round_trip(&response.request, &batch, &response.body);
    // Each error item also decodes alone as a ParseError from its `error` member.
    for (index, item) in response
        .json()
        .as_array()
        .expect("array")
        .iter()
        .enumerate()
        .skip(1)
    {
        let inner = serde_json::to_vec(&item["error"]).expect("JSON");
        let error: ParseError = serde_json::from_slice(&inner).expect("an error item decodes");
        assert_eq!(Some(&error), items[index].error());
    }
}

#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn batch_errors_of_the_whole_batch() {
    let c = As::Client;
    // 107: `requests` is not an array; an item's path is outside the Parse mount. The
    // whole batch fails, with a plain error body.
    server_error(
        "batch: requests that are not an array",
        &post(&c, "/batch", json!({ "requests": 5 })),
        400,
        107,
        "InvalidJSON",
    );
    server_error(
        "batch: an item outside the Parse mount",
        &post(
            &c,
            "/batch",
            json!({ "requests": [{ "method": "GET", "path": "/elsewhere/classes/GameScore" }] }),
        ),
        400,
        107,
        "InvalidJSON",
    );

    // A transaction whose second item fails: the server aborts the transaction and
    // rejects with the items' results, which is not a Parse error, so the whole batch
    // answers HTTP 500 `{"code":1,"message":"Internal server error."}` and no item is
    // reported; the first create was rolled back.
    let class = unique("Tx");
    create_class(&class, json!({ "n": { "type": "Number" } }));
    let (mut requests, _) = batch_requests(&[
        ("POST", format!("/classes/{class}"), Some(json!({ "n": 1 }))),
        (
            "POST",
            format!("/classes/{class}"),
            Some(json!({ "n": "text" })),
        ),
    ]);
    requests["transaction"] = json!(true);
    let response = post(&c, "/batch", requests);
    let error = server_error(
        "batch: a transaction whose item fails",
        &response,
        500,
        1,
        "InternalServerError",
    );
    assert_eq!(error.message(), "Internal server error.");
    assert_eq!(response.json().get("error"), None, "{}", response.text());
    let count = get(&As::Master, &format!("/classes/{class}?count=1&limit=0"));
    assert_eq!(count.status, 200, "{}", count.text());
    assert_eq!(count.json()["count"], json!(0), "{}", count.text());
}

/// The item at `index` of a `/batch` answer, which must be an array of `count` items.
fn batch_item(response: &Response, count: usize, index: usize) -> Value {
    let body = response.json();
    let items = body
        .as_array()
        .unwrap_or_else(|| panic!("/batch answer is not an array: {}", response.text()));
    assert_eq!(items.len(), count, "{}", response.text());
    items[index].clone()
}

/// Item 0 of the batch is a success with an `objectId`, and the object exists.
fn check_created(response: &Response, count: usize, class: &str) {
    let success = batch_item(response, count, 0);
    let id = success["success"]["objectId"]
        .as_str()
        .unwrap_or_else(|| panic!("item 0 is not a success with an objectId: {success}"));
    let fetched = get(&As::Client, &format!("/classes/{class}/{id}"));
    assert_eq!(
        fetched.status,
        200,
        "the created object: {}",
        fetched.text()
    );
}

/// More requests whose answers differ between versions: the expected answers are the
/// server-truth table's for the version under test.
#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn answers_that_differ_between_versions() {
    // The maintenance key, beside the REST key, from an address it is not allowed from
    // (server.js allows it from 192.0.2.1 only).
    let key = std::env::var("PARSE_MAINTENANCE_KEY").expect("PARSE_MAINTENANCE_KEY is set");
    let maintenance = As::Headers(vec![
        ("X-Parse-Application-Id", server().app_id),
        ("X-Parse-REST-API-Key", server().rest_key),
        ("X-Parse-Maintenance-Key", key),
    ]);
    let response = get(&maintenance, "/classes/GameScore");
    let request = "keys: the maintenance key from a disallowed address";
    versioned(request, &response, Origin::Server);
    // A number as a device token.
    let installation = json!({
        "installationId": unique("inst"), "deviceType": "ios", "deviceToken": 5
    });
    let response = post(&As::Client, "/installations", installation);
    versioned(
        "installations: a number as deviceToken",
        &response,
        Origin::Server,
    );
    let installation = json!({ "deviceType": "ios", "deviceToken": 5 });
    let response = post(&As::Client, "/installations", installation);
    let request = "installations: a number as deviceToken, no installationId";
    versioned(request, &response, Origin::Server);
    let installation = json!({ "installationId": unique("inst"), "deviceType": "ios" });
    let created = post(&As::Client, "/installations", installation);
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["objectId"]
        .as_str()
        .expect("objectId")
        .to_string();
    let path = format!("/installations/{id}");
    let response = put(&As::Client, &path, json!({ "deviceToken": 5 }));
    let request = "installations: updating deviceToken to a number";
    versioned(request, &response, Origin::Server);
}

/// The item at `index` of a `/batch` answer, for a request whose answer differs between
/// versions: like [`versioned`], with the item's shape, the batch's HTTP status and the
/// item's route. An error item decodes as a [`ParseError`] whatever its `error` holds (an
/// integer code, a database's SQLSTATE string, no code at all).
fn versioned_item(
    request: &str,
    response: &Response,
    index: usize,
    route: &str,
    origin: Origin,
) -> Option<ParseError> {
    let body = response.json();
    let item = body
        .as_array()
        .and_then(|items| items.get(index))
        .unwrap_or_else(|| panic!("{request}: no item {index} in {}", response.text()));
    let batch: BatchResponse = decode_exact(response);
    let error = batch.items()[index].error().cloned();
    if let (Some(error), Some(raw)) = (&error, item.get("error")) {
        match raw.get("code") {
            Some(Value::Number(n)) if n.is_i64() => assert!(error.code().is_some(), "{request}"),
            Some(other) => assert_eq!(
                error.unparsed_code().map(|c| c.to_string()),
                Some(other.to_string()),
                "{request}"
            ),
            None => assert_eq!((error.code(), error.unparsed_code()), (None, None)),
        }
    }
    let code = error
        .as_ref()
        .and_then(ParseError::code)
        .map(ErrorCode::get);
    let item_body = serde_json::to_vec(item).expect("JSON");
    let status = Some(response.status);
    record(
        request,
        origin,
        Channel::Batch,
        status,
        route,
        code,
        &item_body,
    );
    if let Some(expected) = truth(request) {
        assert_eq!(
            (code, shape(&item_body)),
            (expected.code, expected.shape),
            "{request}: (code, shape) differ from {TABLE_PATH} for {}: {item}",
            version()
        );
    }
    error
}

/// A batch item's `error` is whatever the failing sub-request produced: the database's
/// own error (a date PostgreSQL refuses), or what an unknown `__op` makes the schema code
/// throw; the answers differ between versions. The crate reads every batch whole.
#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn batch_items_with_odd_errors() {
    let class = unique("Odd");
    create_class(
        &class,
        json!({ "n": { "type": "Number" }, "when": { "type": "Date" } }),
    );
    let (requests, routes) = batch_requests(&[
        ("POST", format!("/classes/{class}"), Some(json!({ "n": 1 }))),
        (
            "POST",
            format!("/classes/{class}"),
            Some(json!({ "when": { "__type": "Date", "iso": "not a date" } })),
        ),
    ]);
    let response = post(&As::Client, "/batch", requests);
    assert_eq!(response.status, 200, "{}", response.text());
    keep_body("batch-database-error", &response);
    check_created(&response, 2, &class);
    let batch: BatchResponse = decode_exact(&response);
    let error = versioned_item(
        "batch: a date the database refuses",
        &response,
        1,
        &routes[1],
        Origin::Server,
    );
    assert_eq!(batch.items()[1].error(), error.as_ref());
    let id = batch_item(&response, 2, 0)["success"]["objectId"].clone();
    assert_eq!(
        batch.items()[0].success().and_then(|s| s.get("objectId")),
        Some(&id)
    );

    let (requests, routes) = batch_requests(&[
        ("POST", format!("/classes/{class}"), Some(json!({ "n": 2 }))),
        (
            "POST",
            format!("/classes/{class}"),
            Some(json!({ "n": { "__op": "Bogus" } })),
        ),
        ("GET", format!("/classes/{class}/doesNotExist"), None),
    ]);
    let response = post(&As::Client, "/batch", requests);
    assert_eq!(response.status, 200, "{}", response.text());
    keep_body("batch-empty-error", &response);
    check_created(&response, 3, &class);
    let batch: BatchResponse = decode_exact(&response);
    for (index, request) in [
        (1, "batch: an unknown __op"),
        (2, "batch: GET of a missing object beside an unknown __op"),
    ] {
        let error = versioned_item(request, &response, index, &routes[index], Origin::Server);
        assert_eq!(batch.items()[index].error(), error.as_ref(), "{request}");
    }
}

/// A `/batch` inside a `/batch` item, and a `GET` of a missing object through `/batch`:
/// answers that differ between versions (a whole-batch 400, or an item whose `error` is
/// not a Parse error).
#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn batch_answers_that_differ_between_versions() {
    let inner = json!({ "requests": [{ "method": "GET", "path": format!("{}/classes/GameScore", mount()) }] });
    let (requests, _) = batch_requests(&[("POST", "/batch".into(), Some(inner))]);
    let response = post(&As::Client, "/batch", requests);
    keep_body("batch-nested", &response);
    if versioned("batch: a nested /batch", &response, Origin::Server).is_none() {
        let batch: BatchResponse = decode_exact(&response);
        assert_eq!(batch.items().len(), 1, "{}", response.text());
        let request = "batch: the item of a nested /batch";
        let error = versioned_item(request, &response, 0, "POST /batch", Origin::Server);
        assert_eq!(batch.items()[0].error(), error.as_ref());
    }
}

/// Decodes a GraphQL envelope with one error whose code is `code`, a resolver's
/// failure on `field`: the message, path, locations and `data` are the body's.
fn decode_graphql(response: &Response, code: ErrorCode, field: &str) -> GraphQlResponse {
    let envelope: GraphQlResponse = decode_exact(response);
    let body = response.json();
    let [error] = envelope.errors() else {
        panic!("one error: {envelope:?}");
    };
    assert_eq!(error.code(), Some(code));
    assert_eq!(
        &*error.message(),
        body["errors"][0]["message"].as_str().unwrap()
    );
    assert_eq!(error.path(), Some(vec![GraphQlPathSegment::Field(field)]));
    let locations = error.locations().expect("locations");
    assert_eq!(
        locations.len(),
        body["errors"][0]["locations"].as_array().unwrap().len()
    );
    assert_eq!(
        envelope.data().map(|data| data.to_string()),
        Some(format!("{{\"{field}\":null}}"))
    );
    envelope
}

// ---------------------------------------------------------------------------
// GraphQL: Parse Server's GraphQL API (mounted by tests/e2e/server.js at /graphql)
// answers errors in GraphQL's envelope, `{"errors":[{"message":...,"locations":...,
// "path":...,"extensions":{"code":...}}],"data":...}`, with the Parse code (or
// GraphQL's own string code) in `extensions.code`.

/// Checks a GraphQL error envelope with one error: the HTTP status, its
/// `extensions.code`, a string message and its locations. Returns the body.
fn check_graphql_error(response: &Response, status: u16, code: &Value) -> Value {
    let request = &response.request;
    assert_eq!(response.status, status, "{request}: {}", response.text());
    let body = response.json();
    let errors = body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{request}: no `errors` array: {body}"));
    assert_eq!(errors.len(), 1, "{request}: {body}");
    let error = &errors[0];
    assert_eq!(&error["extensions"]["code"], code, "{request}: {body}");
    assert!(error["message"].is_string(), "{request}: {body}");
    assert!(error["locations"].is_array(), "{request}: {body}");
    body
}

/// Checks a GraphQL error whose code is a documented Parse code, and records it.
fn check_graphql_parse_error(
    request_name: &str,
    response: &Response,
    code: i32,
    name: &str,
    field: &str,
) -> Value {
    let body = check_graphql_error(response, 200, &json!(code));
    let request = &response.request;
    // A resolver failed: the error names its field, which is null in `data`.
    assert_eq!(
        body["errors"][0]["path"],
        json!([field]),
        "{request}: {body}"
    );
    assert_eq!(body["data"], json!({ field: null }), "{request}: {body}");
    let names: Vec<&str> = ErrorCode::new(code)
        .kinds()
        .iter()
        .map(|k| k.name())
        .collect();
    assert!(names.contains(&name), "{request}: {code} is {names:?}");
    record_response(request_name, response, Origin::Server, Some(code));
    body
}

#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn graphql_errors() {
    // 106, only over GraphQL: a pointer field given `{}` (neither `link` nor
    // `createAndLink`) and a relation field given `{}` (no operation), in a create
    // mutation of the class `Team` that server.js defines.
    let pointer = send_graphql(
        &As::Master,
        "mutation { createTeam(input: { fields: { captain: {} } }) { team { objectId } } }",
        "mutation create<Class>",
    );
    check_graphql_parse_error(
        "graphql: a pointer field given {}",
        &pointer,
        106,
        "InvalidPointer",
        "createTeam",
    );
    keep_body("graphql-106-pointer", &pointer);
    let relation = send_graphql(
        &As::Client,
        "mutation { createTeam(input: { fields: { members: {} } }) { team { objectId } } }",
        "mutation create<Class>",
    );
    check_graphql_parse_error(
        "graphql: a relation field given {}",
        &relation,
        106,
        "InvalidPointer",
        "createTeam",
    );
    keep_body("graphql-106-relation", &relation);
    for response in [&pointer, &relation] {
        decode_graphql(response, ErrorCode::INVALID_POINTER, "createTeam");
    }

    // 101 from a resolver: logging in with a wrong password.
    let login = send_graphql(
        &As::Client,
        &format!(
            "mutation {{ logIn(input: {{ username: \"{}\", password: \"wrong\" }}) \
             {{ viewer {{ sessionToken }} }} }}",
            unique("nobody")
        ),
        "mutation logIn",
    );
    check_graphql_parse_error(
        "graphql: log in with a wrong password",
        &login,
        101,
        "UserInvalidLoginParams",
        "logIn",
    );
    keep_body("graphql-101-login", &login);
    let envelope = decode_graphql(&login, ErrorCode::OBJECT_NOT_FOUND, "logIn");
    let error = envelope.errors()[0].to_parse_error();
    assert_eq!(error.code(), Some(ErrorCode::OBJECT_NOT_FOUND));
    assert_eq!(error.message(), envelope.errors()[0].message());

    // GraphQL's own validation: HTTP 400, a string code, and no `data` at all.
    let invalid = send_graphql(&As::Client, "query { noSuchField }", "query");
    let body = check_graphql_error(&invalid, 400, &json!("GRAPHQL_VALIDATION_FAILED"));
    assert_eq!(body.get("data"), None, "{body}");
    assert_eq!(body["errors"][0].get("path"), None, "{body}");
    keep_body("graphql-validation-failed", &invalid);
    record_response("graphql: an unknown field", &invalid, Origin::Server, None);
    let envelope: GraphQlResponse = decode_exact(&invalid);
    let [error] = envelope.errors() else {
        panic!("one error: {envelope:?}");
    };
    assert_eq!(error.code(), None);
    assert_eq!(
        error.unparsed_code().map(|code| code.to_string()),
        Some("\"GRAPHQL_VALIDATION_FAILED\"".to_owned())
    );
    assert_eq!((envelope.data(), error.path()), (None, None));

    // Before any GraphQL runs, /graphql checks the session token like a REST route and
    // answers a plain Parse error body.
    let server = server();
    let bad_session = As::Headers(vec![
        ("X-Parse-Application-Id", server.app_id.clone()),
        ("X-Parse-REST-API-Key", server.rest_key.clone()),
        ("X-Parse-Session-Token", "r:bogus".into()),
    ]);
    let response = send_graphql(&bad_session, "query { health }", "(any operation)");
    server_error(
        "graphql: an invalid session token",
        &response,
        400,
        209,
        "InvalidSessionToken",
    );
}

// ---------------------------------------------------------------------------
// LiveQuery: errors arrive as websocket messages. A minimal websocket client
// (RFC 6455: handshake, masked text frames out, unfragmented frames in), enough for
// Parse Server's LiveQuery protocol, on a fresh connection with timeouts.

struct WebSocket {
    stream: TcpStream,
}

impl WebSocket {
    fn connect() -> WebSocket {
        let url = server().url;
        let rest = url
            .strip_prefix("http://")
            .expect("PARSE_SERVER_URL is http://");
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let address: std::net::SocketAddr = host
            .parse()
            .unwrap_or_else(|e| panic!("PARSE_SERVER_URL host {host:?} is not ip:port: {e}"));
        let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5))
            .unwrap_or_else(|e| panic!("cannot connect to {address}: {e}"));
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream
            .set_write_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let request = format!(
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        );
        stream
            .write_all(request.as_bytes())
            .expect("handshake sent");
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            assert!(head.len() < 16 * 1024, "handshake answer too long");
            stream.read_exact(&mut byte).expect("handshake answer");
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head);
        assert!(
            head.starts_with("HTTP/1.1 101"),
            "no websocket upgrade: {head}"
        );
        WebSocket { stream }
    }

    fn send(&mut self, message: &Value) {
        let payload = serde_json::to_vec(message).expect("JSON");
        let mask = [0x5a, 0x17, 0xc3, 0x81];
        let mut frame = vec![0x81u8]; // FIN + text
        match payload.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n < 65536 => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.stream.write_all(&frame).expect("frame sent");
    }

    /// The next text message (pings are answered, other frames skipped).
    fn receive(&mut self) -> Vec<u8> {
        loop {
            let mut head = [0u8; 2];
            self.stream
                .read_exact(&mut head)
                .expect("a websocket frame (timed out?)");
            let opcode = head[0] & 0x0f;
            let masked = head[1] & 0x80 != 0;
            let mut len = u64::from(head[1] & 0x7f);
            if len == 126 {
                let mut ext = [0u8; 2];
                self.stream.read_exact(&mut ext).expect("length");
                len = u64::from(u16::from_be_bytes(ext));
            } else if len == 127 {
                let mut ext = [0u8; 8];
                self.stream.read_exact(&mut ext).expect("length");
                len = u64::from_be_bytes(ext);
            }
            assert!(len < 16 * 1024 * 1024, "frame too large");
            let mut mask = [0u8; 4];
            if masked {
                self.stream.read_exact(&mut mask).expect("mask");
            }
            let mut payload = vec![0u8; len as usize];
            self.stream.read_exact(&mut payload).expect("payload");
            if masked {
                for (i, b) in payload.iter_mut().enumerate() {
                    *b ^= mask[i % 4];
                }
            }
            match opcode {
                0x1 => return payload,
                0x8 => panic!("the server closed the websocket"),
                0x9 => {
                    let mut pong = vec![0x8a, 0x80 | payload.len() as u8, 0, 0, 0, 0];
                    pong.extend_from_slice(&payload);
                    self.stream.write_all(&pong).expect("pong");
                }
                _ => {}
            }
        }
    }

    /// Sends a message and checks the answer: a LiveQuery error with `expect`'s code or,
    /// for a request whose answer differs between versions (`expect` is `None`), what the
    /// server-truth table says (an error, or another message). Records the answer.
    fn answer(
        &mut self,
        request: &str,
        message: Value,
        expect: Option<Expect>,
    ) -> Option<LiveQueryError> {
        self.send(&message);
        let answer = self.receive();
        let raw: Value = serde_json::from_slice(&answer).expect("JSON");
        let error = (raw["op"] == json!("error")).then(|| {
            let error: LiveQueryError = serde_json::from_slice(&answer)
                .unwrap_or_else(|e| panic!("{request}: not a LiveQuery error ({e}): {raw}"));
            assert_eq!(
                Some(error.reconnect()),
                raw["reconnect"].as_bool(),
                "{request}"
            );
            assert_eq!(
                error.request_id(),
                raw["requestId"].as_number(),
                "{request}"
            );
            assert_eq!(error.code(), error.parse_error().code());
            // Re-encoding gives the server's message back.
            assert_round_trip(request, &error, &answer);
            error
        });
        let code = error
            .as_ref()
            .and_then(LiveQueryError::code)
            .map(ErrorCode::get);
        // The route of a LiveQuery message is its operation.
        let route = match raw_op(&message) {
            Some(op @ ("connect" | "subscribe" | "update" | "unsubscribe")) => format!("op {op}"),
            _ => "a message outside the protocol".to_string(),
        };
        let channel = Channel::LiveQuery;
        record(
            request,
            Origin::Server,
            channel,
            None,
            &route,
            code,
            &answer,
        );
        match (expect, &error) {
            (Some(expect), Some(error)) => check_decoded(request, error.parse_error(), expect),
            (Some(_), None) => panic!("{request}: not an error: {raw}"),
            (None, _) => {
                if let Some(expected) = truth(request) {
                    assert_eq!(
                        (code, shape(&answer)),
                        (expected.code, expected.shape),
                        "{request}: {raw}"
                    );
                }
            }
        }
        error
    }
}

fn raw_op(message: &Value) -> Option<&str> {
    message.get("op").and_then(Value::as_str)
}

#[test]
#[ignore = "needs a Parse Server: run `cargo xtask e2e`"]
fn live_query_errors() {
    let server = server();
    // 4: a wrong REST API key.
    let mut ws = WebSocket::connect();
    let error = ws.answer(
        "live query: connect with a wrong REST key",
        json!({ "op": "connect", "applicationId": server.app_id, "restAPIKey": "wrong" }),
        Some(Expect::Documented(4, "ClientDisconnected")),
    );
    assert_eq!(error.and_then(|e| e.request_id().cloned()), None);

    // 2: subscribing before connecting.
    let mut ws = WebSocket::connect();
    let subscribe = json!({
        "op": "subscribe", "requestId": 7,
        "query": { "className": "LiveScore", "where": {} }
    });
    ws.answer(
        "live query: subscribe before connect",
        subscribe.clone(),
        Some(Expect::Documented(2, "ServiceUnavailable")),
    );

    // 1: a message that does not match the protocol's schema.
    ws.answer(
        "live query: a message outside the protocol",
        json!({ "op": "bogus" }),
        Some(Expect::Documented(1, "InternalServerError")),
    );

    // 119: subscribing to a class only the master key may read ("Permission denied");
    // the error names the request.
    ws.send(&json!({
        "op": "connect", "applicationId": server.app_id, "restAPIKey": server.rest_key
    }));
    let connected: Value = serde_json::from_slice(&ws.receive()).expect("JSON");
    assert_eq!(connected["op"], json!("connected"), "{connected}");
    let mut locked = subscribe;
    locked["query"]["className"] = json!("Locked");
    // The answer differs between versions (7.5.4 accepts the subscription).
    let request = "live query: subscribe to a master-only class";
    if let Some(error) = ws.answer(request, locked, None) {
        assert_eq!(error.request_id().and_then(|n| n.as_i64()), Some(7));
        assert!(!error.reconnect());
    }
}

// ---------------------------------------------------------------------------
// Without a server

/// The routes recorded for the server-truth table do not depend on a run's made-up
/// names.
#[test]
fn routes_name_the_router_parameters() {
    let cases = [
        (
            "GET",
            "/classes/Obj1a2b/doesNotExist",
            "GET /classes/:className/:objectId",
        ),
        (
            "GET",
            "/classes/Obj1a2b?where=%7B%7D",
            "GET /classes/:className",
        ),
        ("POST", "/schemas/1bad", "POST /schemas/:className"),
        ("GET", "/users/me", "GET /users/me"),
        ("PUT", "/users/abc", "PUT /users/:objectId"),
        ("GET", "/sessions/me", "GET /sessions/me"),
        ("PUT", "/installations/xyz", "PUT /installations/:objectId"),
        (
            "POST",
            "/functions/throwCode",
            "POST /functions/:functionName",
        ),
        ("POST", "/jobs/noSuchJob", "POST /jobs/:jobName"),
        (
            "GET",
            "/hooks/functions/nope1",
            "GET /hooks/functions/:functionName",
        ),
        ("POST", "/files/hello.txt", "POST /files/:filename"),
        ("POST", "/files/", "POST /files/"),
        ("GET", "/files/app/x.txt", "GET /files/:appId/:filename"),
        ("POST", "/login", "POST /login"),
        ("POST", "/batch", "POST /batch"),
    ];
    for (method, path, expected) in cases {
        assert_eq!(route(method, path), expected, "{method} {path}");
    }
}
