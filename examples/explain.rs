//! Explains Parse error codes, names, and (with the `serde` feature) the error
//! bodies a Parse Server sends: a REST error body, a `/batch` answer, a
//! LiveQuery error message or a GraphQL response.
//!
//! ```text
//! cargo run --example explain -- 141
//! cargo run --example explain -- ObjectNotFound
//! echo '{"code":209,"error":"Invalid session token"}' | cargo run --example explain --features serde
//! echo '{"errors":[{"message":"Invalid pointer","extensions":{"code":106}}],"data":null}' \
//!   | cargo run --example explain --features serde
//! ```
//!
//! Exit status: 0 when everything was explained; 1 when a code or name is
//! well-formed but not in the Parse error-code document; 2 for a usage error
//! (an unknown option, a code such as `1O2` that is not decimal) or input that
//! cannot be read (not JSON, not one of those bodies).

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};
use std::process::ExitCode;

use parse_error_codes::{ErrorCode, ErrorKind};

#[cfg(feature = "serde")]
use bodies::explain_stdin;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    // Waiting for a body typed by hand would look like a hang: ask for one.
    if args.is_empty() && io::stdin().is_terminal() {
        eprintln!("{USAGE}");
        return ExitCode::from(BAD_INPUT);
    }
    let status = run(
        &args,
        &mut io::stdin().lock(),
        &mut io::stdout().lock(),
        &mut io::stderr().lock(),
    );
    ExitCode::from(status)
}

/// Everything was explained.
pub const EXPLAINED: u8 = 0;
/// A well-formed code or name the document does not list.
pub const NOT_DOCUMENTED: u8 = 1;
/// A usage error, or input that is not what was expected.
pub const BAD_INPUT: u8 = 2;

const USAGE: &str = "\
usage: explain CODE|NAME...   explain error codes (such as 141) or names (such as ObjectNotFound)
       explain [-]            explain the JSON body on stdin: a REST error body, a /batch answer,
                              a LiveQuery error message or a GraphQL response (needs --features serde)";

/// Runs the command with `args` (without the program name) and returns the exit status.
pub fn run(
    args: &[OsString],
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    match try_run(args, stdin, out, err) {
        Ok(status) => status,
        Err(error) => {
            // stderr may be the broken stream too: nothing more can be reported.
            let _ = writeln!(err, "explain: cannot write the explanation: {error}");
            BAD_INPUT
        }
    }
}

fn try_run(
    args: &[OsString],
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let mut texts = Vec::with_capacity(args.len());
    for arg in args {
        match arg.to_str() {
            Some(text) => texts.push(text),
            None => {
                writeln!(err, "explain: argument {arg:?} is not valid UTF-8\n{USAGE}")?;
                return Ok(BAD_INPUT);
            }
        }
    }
    match texts.as_slice() {
        [] | ["-"] => explain_stdin(stdin, out, err),
        ["-h" | "--help"] => {
            writeln!(out, "{USAGE}")?;
            Ok(EXPLAINED)
        }
        _ => match texts.iter().find(|text| is_option(text)) {
            Some(option) => {
                let problem = match *option {
                    "-" | "-h" | "--help" => {
                        format!("`{option}` cannot be mixed with codes or names")
                    }
                    _ => format!("unknown option `{option}`"),
                };
                writeln!(err, "explain: {problem}\n{USAGE}")?;
                Ok(BAD_INPUT)
            }
            None => explain_arguments(&texts, out, err),
        },
    }
}

/// `-`, `-h`, `--help` or any other word starting with `-`, except a negative code such as `-1`.
fn is_option(text: &str) -> bool {
    text.strip_prefix('-')
        .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// Explains each argument in turn; the worst status wins.
fn explain_arguments(texts: &[&str], out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let mut status = EXPLAINED;
    for (index, text) in texts.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        status = status.max(explain_argument(text, out, err)?);
    }
    Ok(status)
}

/// Explains one command-line argument: a decimal code or a name.
fn explain_argument(text: &str, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    if let Ok(code) = text.parse::<i32>() {
        return explain_code(ErrorCode::new(code), out, err);
    }
    // Names start with a letter: anything starting with a digit was meant as a code.
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.starts_with(|c: char| c.is_ascii_digit()) {
        if digits.bytes().all(|byte| byte.is_ascii_digit()) {
            writeln!(
                err,
                "explain: `{text}` is not a Parse error code: codes are 32-bit integers ({}..={})",
                i32::MIN,
                i32::MAX
            )?;
        } else {
            writeln!(
                err,
                "explain: `{text}` is not a decimal code: a code is written in digits 0-9 only, such as 141 or -1\n{USAGE}"
            )?;
        }
        return Ok(BAD_INPUT);
    }
    match text.parse::<ErrorKind>() {
        Ok(kind) => {
            explain_name(kind, out)?;
            Ok(EXPLAINED)
        }
        Err(unknown) => {
            write!(err, "explain: {unknown}")?;
            let near = ErrorKind::ALL
                .iter()
                .find(|kind| kind.name().eq_ignore_ascii_case(text));
            if let Some(kind) = near {
                write!(err, "; did you mean `{kind}`?")?;
            }
            writeln!(err)?;
            Ok(NOT_DOCUMENTED)
        }
    }
}

/// Lists every name of `code`, or says on stderr that the document lacks it.
fn explain_code(code: ErrorCode, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let kinds = code.kinds();
    if kinds.is_empty() {
        writeln!(
            err,
            "explain: code {} is not in the Parse error-code document \
             (Parse Server also sends undocumented codes, such as 153, and Cloud Code may throw any code)",
            code.get()
        )?;
        return Ok(NOT_DOCUMENTED);
    }
    let names = if kinds.len() == 1 { "name" } else { "names" };
    writeln!(
        out,
        "code {}: {} {names} in the Parse error-code document",
        code.get(),
        kinds.len()
    )?;
    for kind in kinds {
        writeln!(out)?;
        write_kind(*kind, out)?;
    }
    Ok(EXPLAINED)
}

/// Explains one name, and names the others that share its code.
fn explain_name(kind: ErrorKind, out: &mut dyn Write) -> io::Result<()> {
    write_kind(kind, out)?;
    let others: Vec<&str> = kind
        .code()
        .kinds()
        .iter()
        .filter(|other| **other != kind)
        .map(|other| other.name())
        .collect();
    if !others.is_empty() {
        writeln!(
            out,
            "  shares code {} with: {}",
            kind.code().get(),
            others.join(", ")
        )?;
    }
    Ok(())
}

fn write_kind(kind: ErrorKind, out: &mut dyn Write) -> io::Result<()> {
    let category = kind.category();
    writeln!(out, "{} ({})", kind.name(), kind.code().get())?;
    writeln!(
        out,
        "  category: {} (#{})",
        category.title(),
        category.anchor()
    )?;
    writeln!(out, "  {}", kind.description())
}

#[cfg(not(feature = "serde"))]
fn explain_stdin(_: &mut dyn Read, _: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    writeln!(
        err,
        "explain: reading a JSON error body from stdin needs the `serde` feature:\n  \
         cargo run --example explain --features serde\n{USAGE}"
    )?;
    Ok(BAD_INPUT)
}

/// Reading bodies: only with the `serde` feature, so that the first command of
/// the README builds no serde.
#[cfg(feature = "serde")]
mod bodies {
    use std::collections::BTreeMap;
    use std::io::{self, Read, Write};

    use parse_error_codes::{BatchResponse, GraphQlResponse, LiveQueryError, ParseError};
    use serde::de::IgnoredAny;

    use super::{explain_code, BAD_INPUT, EXPLAINED, NOT_DOCUMENTED, USAGE};

    /// Decodes the body on stdin, whichever Parse Server sent, and explains its code(s).
    pub fn explain_stdin(
        stdin: &mut dyn Read,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<u8> {
        let mut body = Vec::new();
        if let Err(error) = stdin.read_to_end(&mut body) {
            writeln!(err, "explain: cannot read stdin: {error}")?;
            return Ok(BAD_INPUT);
        }
        let Some(shape) = Shape::of(&body) else {
            writeln!(
                err,
                "explain: stdin is empty: expected a JSON error body such as \
                 {{\"code\":101,\"error\":\"Object not found.\"}}\n{USAGE}"
            )?;
            return Ok(BAD_INPUT);
        };
        // The body's own type reports what is wrong with it, if anything.
        let explained = match shape {
            Shape::Rest => serde_json::from_slice::<ParseError>(&body)
                .map(|error| explain_body(&error, out, err)),
            Shape::Batch => serde_json::from_slice::<BatchResponse>(&body)
                .map(|batch| explain_batch(&batch, out, err)),
            Shape::LiveQuery => serde_json::from_slice::<LiveQueryError>(&body)
                .map(|error| explain_live_query(&error, out, err)),
            Shape::GraphQl => serde_json::from_slice::<GraphQlResponse>(&body)
                .map(|response| explain_graphql(&response, out, err)),
        };
        match explained {
            Ok(status) => status,
            Err(error) => {
                writeln!(
                    err,
                    "explain: stdin is not {}: {error}",
                    shape.description()
                )?;
                Ok(BAD_INPUT)
            }
        }
    }

    /// Which body stdin looks like, from its first character and its members' names.
    #[derive(Clone, Copy)]
    enum Shape {
        Rest,
        Batch,
        LiveQuery,
        GraphQl,
    }

    impl Shape {
        /// `None` for blank input.
        fn of(body: &[u8]) -> Option<Shape> {
            let first = body.iter().find(|byte| !byte.is_ascii_whitespace())?;
            if *first == b'[' {
                return Some(Shape::Batch);
            }
            // Only the names matter here; a body that is not an object reads as a
            // REST body, whose decoding then says what is wrong.
            let members: BTreeMap<String, IgnoredAny> =
                serde_json::from_slice(body).unwrap_or_default();
            let has = |name: &str| members.contains_key(name);
            Some(if has("op") {
                Shape::LiveQuery
            } else if (has("errors") || has("data")) && !has("code") && !has("error") {
                Shape::GraphQl
            } else {
                Shape::Rest
            })
        }

        fn description(self) -> &'static str {
            match self {
                Shape::Rest => "a Parse error body",
                Shape::Batch => "a /batch response",
                Shape::LiveQuery => "a LiveQuery error message",
                Shape::GraphQl => "a GraphQL response",
            }
        }
    }

    fn explain_body(
        error: &ParseError,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<u8> {
        writeln!(out, "error: {error}")?;
        if !error.extra_fields().is_empty() {
            let names: Vec<&str> = error
                .extra_fields()
                .iter()
                .map(|(name, _)| name.as_str())
                .collect();
            writeln!(out, "other fields: {}", names.join(", "))?;
        }
        match (error.code(), error.unparsed_code()) {
            (Some(code), _) => {
                writeln!(out)?;
                explain_code(code, out, err)
            }
            (None, Some(code)) => {
                writeln!(out)?;
                writeln!(
                    err,
                    "explain: code {code} is not a Parse error code (a 32-bit integer): it comes from \
                     elsewhere, such as a PostgreSQL SQLSTATE that /batch or Cloud Code passes \
                     through, or GraphQL's own code for a query that does not validate"
                )?;
                Ok(NOT_DOCUMENTED)
            }
            (None, None) => {
                writeln!(
                    out,
                    "no code: Parse Server sends bodies without a code for bad application \
                     keys, malformed request JSON and oversized requests; see the HTTP status"
                )?;
                Ok(EXPLAINED)
            }
        }
    }

    fn explain_batch(
        batch: &BatchResponse,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<u8> {
        let failed = batch.errors().count();
        writeln!(
            out,
            "/batch response: {} items, {} succeeded, {failed} failed",
            batch.items().len(),
            batch.items().len() - failed
        )?;
        let mut status = EXPLAINED;
        for (index, error) in batch.errors() {
            writeln!(out, "\nitem {index}:")?;
            status = status.max(explain_body(error, out, err)?);
        }
        Ok(status)
    }

    fn explain_live_query(
        error: &LiveQueryError,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<u8> {
        write!(
            out,
            "LiveQuery error message: reconnect {}",
            error.reconnect()
        )?;
        match error.request_id() {
            Some(id) => writeln!(out, ", request {id}\n")?,
            None => writeln!(out, ", no request id\n")?,
        }
        explain_body(error.parse_error(), out, err)
    }

    fn explain_graphql(
        response: &GraphQlResponse,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<u8> {
        let errors = response.errors();
        let noun = if errors.len() == 1 { "error" } else { "errors" };
        writeln!(out, "GraphQL response: {} {noun}", errors.len())?;
        let mut status = EXPLAINED;
        for (index, error) in errors.iter().enumerate() {
            write!(out, "\nerror {index}")?;
            if let Some(path) = error.path() {
                let path: Vec<String> = path.iter().map(ToString::to_string).collect();
                write!(out, " at {}", path.join("."))?;
            }
            writeln!(out, ":")?;
            status = status.max(explain_body(&error.to_parse_error(), out, err)?);
        }
        Ok(status)
    }
}
