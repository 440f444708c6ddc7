//! A small Parse Server REST client that prints the typed error of a failing request.
//!
//! ```sh
//! export PARSE_SERVER_URL=http://127.0.0.1:1337/parse PARSE_APP_ID=myAppId PARSE_REST_KEY=myRestKey
//! cargo run -p xtask --example rest_client -- GET /classes/GameScore/doesNotExist
//! cargo run -p xtask --example rest_client -- GET /classes/GameScore 'where={"score":{"$inQuery":5}}'
//! cargo run -p xtask --example rest_client -- POST /login '{"username":"nobody","password":"x"}'
//! ```
//!
//! Arguments: a method, a path below the server URL, and optionally a body (JSON, for
//! POST and PUT) or, for GET and DELETE, a query string (`key=value&...`, values are
//! percent-encoded here). A session token can be given in `PARSE_SESSION_TOKEN`.
//!
//! Prints the HTTP status and then either the typed error (`code:`, `kinds:`,
//! `message:`, and the `Display` form) or the successful response. Exit status: 0 when
//! the request succeeded, 1 when the server answered an error, 2 for usage or
//! transport errors.

use std::process::ExitCode;
use std::time::Duration;

use parse_error_codes::ParseError;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("rest_client: {message}");
            ExitCode::from(2)
        }
    }
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name)
        .map_err(|_| format!("set {name} (PARSE_SERVER_URL, PARSE_APP_ID, PARSE_REST_KEY)"))
}

fn run() -> Result<ExitCode, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (method, path, extra) = match args.as_slice() {
        [method, path] => (method.to_ascii_uppercase(), path.as_str(), None),
        [method, path, extra] => (
            method.to_ascii_uppercase(),
            path.as_str(),
            Some(extra.as_str()),
        ),
        _ => return Err("usage: rest_client METHOD PATH [BODY-OR-QUERY]".into()),
    };
    let base = env("PARSE_SERVER_URL")?;
    let mut url = format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    let sends_body = matches!(method.as_str(), "POST" | "PUT");
    let mut body = Vec::new();
    match extra {
        Some(extra) if sends_body => body = extra.as_bytes().to_vec(),
        Some(query) => {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&encode_query(query));
        }
        None if sends_body => body = b"{}".to_vec(),
        None => {}
    }

    let mut request = ureq::http::Request::builder()
        .method(method.as_str())
        .uri(&url)
        .header("X-Parse-Application-Id", env("PARSE_APP_ID")?)
        .header("X-Parse-REST-API-Key", env("PARSE_REST_KEY")?);
    if let Ok(token) = std::env::var("PARSE_SESSION_TOKEN") {
        request = request.header("X-Parse-Session-Token", token);
    }
    if sends_body {
        request = request.header("Content-Type", "application/json");
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let result = if sends_body {
        agent.run(
            request
                .body(body)
                .map_err(|e| format!("bad request: {e}"))?,
        )
    } else {
        agent.run(request.body(()).map_err(|e| format!("bad request: {e}"))?)
    };
    let mut response = result.map_err(|e| format!("{method} {url}: {e}"))?;
    let status = response.status();
    let bytes = response
        .body_mut()
        .read_to_vec()
        .map_err(|e| format!("cannot read the response: {e}"))?;

    println!("HTTP {}", status.as_u16());
    if status.is_success() {
        println!("{}", String::from_utf8_lossy(&bytes));
        return Ok(ExitCode::SUCCESS);
    }
    match serde_json::from_slice::<ParseError>(&bytes) {
        Ok(error) => {
            match error.code() {
                Some(code) => println!("code: {}", code.get()),
                None => println!("code: (none)"),
            }
            let kinds: Vec<&str> = error.kinds().iter().map(|kind| kind.name()).collect();
            if kinds.is_empty() {
                println!("kinds: (not in the document)");
            } else {
                println!("kinds: {}", kinds.join(", "));
            }
            println!("message: {}", error.message());
            println!("error: {error}");
        }
        Err(e) => {
            println!("not a Parse error body ({e}):");
            println!("{}", String::from_utf8_lossy(&bytes));
        }
    }
    Ok(ExitCode::from(1))
}

/// Percent-encodes the values of `key=value&key=value` (keys are left as given).
fn encode_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => format!("{key}={}", percent_encode(value)),
            None => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
