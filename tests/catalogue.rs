//! The generated API against the spec, row by row.
//!
//! The spec is read here with a deliberately simple line reader, independent of
//! the generator in src/generator/, so that a generator bug cannot hide itself.

use std::collections::BTreeMap;
use std::str::FromStr;

use parse_error_codes::{Category, ErrorCode, ErrorKind, InvalidCodeError, UnknownKindError};

const SPEC: &str = include_str!("../spec/error-codes.md");
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/error_codes.rs"));

#[derive(Debug)]
struct SpecRow {
    line: usize,
    name: String,
    code: i32,
    description: String,
    anchor: String,
    title: String,
}

/// Removes markdown backslash escapes (`\_` -> `_`); code spans stay as written.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(next)) if next.is_ascii_punctuation() => {
                out.push(*next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

fn spec_rows() -> Vec<SpecRow> {
    let mut rows = Vec::new();
    let mut section: Option<(String, String)> = None;
    for (index, line) in SPEC.lines().enumerate() {
        if let Some(heading) = line.strip_prefix("## ") {
            let (title, anchor) = heading
                .trim_end()
                .strip_suffix('}')
                .and_then(|h| h.rsplit_once(" {#"))
                .unwrap_or_else(|| panic!("line {}: heading without anchor", index + 1));
            section = Some((title.to_owned(), anchor.to_owned()));
            continue;
        }
        let Some(body) = line.strip_prefix("| `") else {
            continue;
        };
        let cells: Vec<&str> = body.trim_end().trim_end_matches('|').split('|').collect();
        assert_eq!(cells.len(), 3, "line {}: {line}", index + 1);
        let (title, anchor) = section.clone().expect("row before any section");
        rows.push(SpecRow {
            line: index + 1,
            name: cells[0].trim().trim_end_matches('`').to_owned(),
            code: cells[1].trim().parse().expect("integer code"),
            description: unescape(cells[2].trim()),
            anchor,
            title,
        });
    }
    rows
}

#[test]
fn counts_match_the_document() {
    let rows = spec_rows();
    assert_eq!(rows.len(), 115);
    assert_eq!(ErrorKind::ALL.len(), rows.len());

    let spec_codes: BTreeMap<i32, usize> = rows.iter().fold(BTreeMap::new(), |mut codes, row| {
        *codes.entry(row.code).or_default() += 1;
        codes
    });
    assert_eq!(spec_codes.len(), 86);
    let api_codes: BTreeMap<i32, usize> =
        ErrorKind::ALL
            .iter()
            .fold(BTreeMap::new(), |mut codes, kind| {
                *codes.entry(kind.code().get()).or_default() += 1;
                codes
            });
    assert_eq!(api_codes, spec_codes);

    assert_eq!(Category::ALL.len(), 10);
}

#[test]
fn every_row_matches_its_kind_in_order() {
    let rows = spec_rows();
    for (row, &kind) in rows.iter().zip(ErrorKind::ALL) {
        let at = format!("spec/error-codes.md:{}", row.line);
        assert_eq!(kind.name(), row.name, "{at}");
        assert_eq!(kind.code().get(), row.code, "{at}: {}", row.name);
        assert_eq!(kind.description(), row.description, "{at}: {}", row.name);
        assert_eq!(kind.category().anchor(), row.anchor, "{at}: {}", row.name);
        assert_eq!(kind.category().title(), row.title, "{at}: {}", row.name);
        assert_eq!(ErrorKind::from_name(&row.name), Some(kind), "{at}");
        assert!(kind.code().kinds().contains(&kind), "{at}");
        assert!(kind.category().kinds().contains(&kind), "{at}");
    }
}

#[test]
fn every_row_has_a_constant_with_its_code() {
    for row in spec_rows() {
        let constant = screaming_snake(&row.name);
        let declaration = format!(
            "pub const {constant}: ErrorCode = ErrorCode::new({});",
            row.code
        );
        assert!(
            GENERATED.contains(&declaration),
            "spec/error-codes.md:{}: missing `{declaration}`",
            row.line
        );
    }
    assert_eq!(
        GENERATED.matches(": ErrorCode = ErrorCode::new(").count(),
        115
    );
}

/// An independent spelling of the constant naming rule.
fn screaming_snake(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let starts_word = i == 0
            || (c.is_uppercase()
                && (chars[i - 1].is_lowercase()
                    || chars.get(i + 1).is_some_and(|n| n.is_lowercase())));
        if starts_word {
            words.push(String::new());
        }
        words.last_mut().unwrap().push(c.to_ascii_uppercase());
    }
    words.join("_")
}

#[test]
fn constants_follow_the_naming_rule_for_acronyms() {
    assert_eq!(ErrorCode::INVALID_JSON, 107);
    assert_eq!(ErrorCode::INVALID_ACL, 123);
    assert_eq!(ErrorCode::MISSING_API_KEY_ERROR, 902);
    assert_eq!(ErrorCode::INVALID_API_KEY_ERROR, 903);
    assert_eq!(ErrorCode::CLIENT_PUSH_WITH_URI, 115);
    assert_eq!(ErrorCode::BAD_ANONYMOUS_ID, 251);
    assert_eq!(ErrorCode::FACEBOOK_WRONG_APP_ID, 251);
    assert_eq!(ErrorCode::X_DOMAIN_REQUEST, 602);
    assert_eq!(
        ErrorCode::OBJECT_NOT_FOUND,
        ErrorCode::USER_INVALID_LOGIN_PARAMS
    );
}

#[test]
fn categories_are_the_sections_in_order() {
    let rows = spec_rows();
    let mut sections: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for row in &rows {
        match sections.last_mut() {
            Some((anchor, _, names)) if *anchor == row.anchor => names.push(&row.name),
            _ => sections.push((&row.anchor, &row.title, vec![&row.name])),
        }
    }
    assert_eq!(sections.len(), Category::ALL.len());
    for ((anchor, title, names), &category) in sections.iter().zip(Category::ALL) {
        assert_eq!(category.anchor(), *anchor);
        assert_eq!(category.title(), *title);
        assert_eq!(category.to_string(), *title);
        assert_eq!(Category::from_anchor(anchor), Some(category));
        assert_eq!(anchor.parse::<Category>(), Ok(category));
        let kinds: Vec<&str> = category.kinds().iter().map(|k| k.name()).collect();
        assert_eq!(&kinds, names, "{anchor}");
    }
    assert!("API-issues".parse::<Category>().is_err());
}

#[test]
fn category_names_follow_the_anchor_rule() {
    assert_eq!(Category::Api.anchor(), "api-issues");
    assert_eq!(Category::Push.anchor(), "push-related-errors");
    assert_eq!(Category::LinkedServices.anchor(), "linked-services-errors");
    assert_eq!(Category::ClientOnly.anchor(), "client-only-errors");
    assert_eq!(Category::Operational.anchor(), "operational-issues");
    assert_eq!(Category::Other.title(), "其他问题");
}

#[test]
fn kinds_of_every_code_are_its_rows_in_document_order() {
    let rows = spec_rows();
    let mut by_code: BTreeMap<i32, Vec<&str>> = BTreeMap::new();
    for row in &rows {
        by_code.entry(row.code).or_default().push(&row.name);
    }
    for (code, names) in by_code {
        let kinds: Vec<&str> = ErrorCode::new(code)
            .kinds()
            .iter()
            .map(|k| k.name())
            .collect();
        assert_eq!(kinds, names, "code {code}");
        assert!(ErrorCode::new(code).is_known());
        assert_eq!(
            ErrorCode::new(code).kind().map(ErrorKind::name),
            Some(names[0])
        );
    }
}

#[test]
fn specific_rows() {
    assert_eq!(ErrorKind::OtherCause.code().get(), -1);
    assert_eq!(ErrorCode::OTHER_CAUSE.kinds(), [ErrorKind::OtherCause]);

    let names_251: Vec<&str> = ErrorCode::new(251)
        .kinds()
        .iter()
        .map(|k| k.name())
        .collect();
    assert_eq!(
        names_251,
        [
            "InvalidLinkedSession",
            "InvalidGeneralAuthData",
            "BadAnonymousID",
            "FacebookBadToken",
            "FacebookBadID",
            "FacebookWrongAppID",
            "TwitterVerificationFailed",
            "TwitterWrongID",
            "TwitterWrongScreenName",
            "TwitterConnectFailure",
        ]
    );
    assert_eq!(ErrorCode::new(115).kinds().len(), 9);

    let categories_143: Vec<Category> = ErrorCode::new(143)
        .kinds()
        .iter()
        .map(|k| k.category())
        .collect();
    assert_eq!(categories_143, [Category::Api, Category::Purchase]);

    assert!(ErrorKind::RequestTimeout
        .description()
        .ends_with("or when a`Parse.Cloud.httpRequest`connection times out."));
    assert!(ErrorKind::InvalidClassName
        .description()
        .contains("a-zA-Z0-9_ are the only"));
    assert!(ErrorKind::SuccessErrorNotCalled
        .description()
        .contains("once response.success() or response.error() is called"));
    assert!(ErrorKind::InvalidChannelName
        .description()
        .contains("(the broadcast channel)"));
    assert!(!ErrorKind::ALL
        .iter()
        .any(|k| k.description().contains('\\')));
    assert!(ErrorKind::ObjectNotFound
        .description()
        .contains("doesn’t exist"));
    assert!(ErrorKind::ClientPushWithURI.description().contains("“uri”"));

    assert_eq!(
        ErrorKind::MultupleSuccessErrorCalls.name(),
        "MultupleSuccessErrorCalls"
    );
    assert_eq!(ErrorKind::from_name("MultipleSuccessErrorCalls"), None);
    assert_eq!(ErrorKind::FileDeleteError.code().get(), 131);
}

#[test]
fn name_lookup_is_exact_and_case_sensitive() {
    assert_eq!(
        ErrorKind::from_name("ObjectNotFound"),
        Some(ErrorKind::ObjectNotFound)
    );
    for miss in [
        "",
        "objectNotFound",
        "OBJECT_NOT_FOUND",
        "ObjectNotFoun",
        "ObjectNotFoundX",
        " ObjectNotFound",
        "InvalidJson",
        "ÖbjectNotFound",
    ] {
        assert_eq!(ErrorKind::from_name(miss), None, "{miss:?}");
    }
    // Same length and same distinguishing bytes as real names, other bytes differ.
    for kind in ErrorKind::ALL {
        let mut altered = kind.name().as_bytes().to_vec();
        for i in 0..altered.len() {
            let original = altered[i];
            altered[i] = if original == b'z' { b'y' } else { b'z' };
            let text = std::str::from_utf8(&altered).unwrap();
            assert_ne!(ErrorKind::from_name(text), Some(*kind), "{text}");
            altered[i] = original;
        }
    }
}

#[test]
fn every_kind_round_trips_through_display_and_from_str() {
    for &kind in ErrorKind::ALL {
        let text = kind.to_string();
        assert_eq!(text, kind.name());
        assert_eq!(ErrorKind::from_str(&text), Ok(kind));
        assert_eq!(text.parse::<ErrorCode>(), Ok(kind.code()));
    }
    let error: UnknownKindError = "NoSuchKind".parse::<ErrorKind>().unwrap_err();
    assert_eq!(error.name(), "NoSuchKind");
    assert!(error.to_string().contains("`NoSuchKind`"), "{error}");
}

#[test]
fn every_i32_round_trips_through_error_code() {
    let spec_codes = spec_rows().into_iter().map(|row| row.code);
    let unknown = [
        153, 159, 161, 162, 210, 211, 9000, 9001, 9999, 0, 3, -2, 1000, 65535,
    ];
    for value in spec_codes
        .chain(unknown)
        .chain([i32::MIN, i32::MAX, i32::MIN + 1, i32::MAX - 1])
    {
        let code = ErrorCode::from(value);
        assert_eq!(i32::from(code), value);
        assert_eq!(ErrorCode::new(value).get(), value);
        assert_eq!(code, value);
        assert_eq!(value.to_string().parse::<ErrorCode>(), Ok(code));
        let shown = code.to_string();
        let number = shown.split(' ').next().unwrap();
        assert_eq!(number.parse::<i32>(), Ok(value), "{shown}");
    }
    for value in [153, 162, 9001, 0, i32::MIN, i32::MAX] {
        assert!(!ErrorCode::new(value).is_known(), "{value}");
        assert_eq!(ErrorCode::new(value).kinds(), []);
        assert_eq!(ErrorCode::new(value).to_string(), value.to_string());
        assert_eq!(
            format!("{:?}", ErrorCode::new(value)),
            format!("ErrorCode({value})")
        );
    }
}

#[test]
fn display_and_debug_name_the_kinds() {
    assert_eq!(
        ErrorCode::new(101).to_string(),
        "101 UserInvalidLoginParams/ObjectNotFound"
    );
    assert_eq!(ErrorCode::new(-1).to_string(), "-1 OtherCause");
    assert_eq!(
        format!("{:?}", ErrorCode::new(143)),
        "ErrorCode(143: WebhookError/ReceiptMissing)"
    );
}

#[test]
fn error_code_from_str_rejects_garbage_clearly() {
    for bad in ["", "12a", "1.5", "0x10", "2147483648", "objectNotFound"] {
        let error: InvalidCodeError = bad.parse::<ErrorCode>().unwrap_err();
        assert_eq!(error.input(), bad);
        assert!(error.to_string().contains(&format!("`{bad}`")), "{error}");
    }
}

#[test]
fn lookups_are_usable_in_const_context() {
    const KINDS: &[ErrorKind] = ErrorCode::new(116).kinds();
    const KIND: Option<ErrorKind> = ErrorKind::from_name("CacheMiss");
    const CODE: ErrorCode = ErrorKind::CacheMiss.code();
    const CATEGORY_KINDS: &[ErrorKind] = Category::Other.kinds();
    // Misses too: a lookup that never ended would stop the build here.
    const NO_KIND: Option<ErrorKind> = ErrorKind::from_name("NoSuchKind");
    const NO_CATEGORY: Option<Category> = Category::from_anchor("no-such-anchor");
    const OTHER_CATEGORY: Option<Category> = Category::from_anchor("other-issues");
    assert_eq!(
        KINDS,
        [
            ErrorKind::ObjectTooLarge,
            ErrorKind::ExceededConfigParamsError
        ]
    );
    assert_eq!(KIND, Some(ErrorKind::CacheMiss));
    assert_eq!(CODE, 120);
    assert_eq!(CATEGORY_KINDS.len(), 4);
    assert_eq!(NO_KIND, None);
    assert_eq!(NO_CATEGORY, None);
    assert_eq!(OTHER_CATEGORY, Some(Category::Other));
}

/// `ErrorCode == i32` and `i32 == ErrorCode` are two impls: each is checked
/// on its own, equal and unequal.
#[test]
fn codes_compare_with_integers_in_both_directions() {
    let spec_codes = spec_rows().into_iter().map(|row| row.code);
    for value in spec_codes.chain([i32::MIN, -1, 0, 9001, i32::MAX]) {
        let code = ErrorCode::new(value);
        let other = value.wrapping_add(1);
        assert!(code == value, "{value}");
        assert!(value == code, "{value}");
        assert!(code != other, "{value}");
        assert!(other != code, "{value}");
    }
}

#[test]
fn a_kind_converts_to_the_integer_of_its_row() {
    for (row, &kind) in spec_rows().iter().zip(ErrorKind::ALL) {
        assert_eq!(i32::from(kind), row.code, "{}", row.name);
    }
    let code: i32 = ErrorKind::OtherCause.into();
    assert_eq!(code, -1);
}

#[test]
fn an_unknown_anchor_is_kept_in_its_error() {
    for miss in ["API-issues", "", "api-issues ", "问题"] {
        let error = miss.parse::<Category>().unwrap_err();
        assert_eq!(error.anchor(), miss);
        assert!(error.to_string().contains(&format!("`{miss}`")), "{error}");
    }
}

#[test]
fn a_long_input_is_kept_up_to_64_bytes_cut_at_a_character_boundary() {
    // The 64th byte is the first half of an `é`.
    let long = format!("{}{}", "a".repeat(63), "é".repeat(10));
    let (anchor, shown, debug) = within_seconds(10, move || {
        let error = long.parse::<Category>().unwrap_err();
        (
            error.anchor().to_owned(),
            error.to_string(),
            format!("{error:?}"),
        )
    });
    assert_eq!(anchor, "a".repeat(63));
    assert!(shown.contains(&format!("`{}…`", "a".repeat(63))), "{shown}");
    assert!(
        debug.contains(&format!("\"{}\"…", "a".repeat(63))),
        "{debug}"
    );
}

/// What `unwrap()` prints: the rejected input, quoted.
#[test]
fn errors_show_the_rejected_input_when_debug_printed() {
    let shown = [
        format!("{:?}", "NoSuchKind".parse::<ErrorKind>().unwrap_err()),
        format!("{:?}", "no-such-anchor".parse::<Category>().unwrap_err()),
        format!("{:?}", "12a".parse::<ErrorCode>().unwrap_err()),
    ];
    for (debug, input) in shown.iter().zip(["NoSuchKind", "no-such-anchor", "12a"]) {
        assert!(debug.contains(&format!("\"{input}\"")), "{debug}");
    }
}

/// Runs `work` on its own thread and fails unless it returns within `seconds`:
/// an input that makes a function loop forever fails the test instead of
/// hanging the run.
fn within_seconds<T: Send + 'static>(seconds: u64, work: impl FnOnce() -> T + Send + 'static) -> T {
    use std::sync::mpsc::{self, RecvTimeoutError};
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || sender.send(work()));
    match receiver.recv_timeout(std::time::Duration::from_secs(seconds)) {
        Ok(value) => value,
        Err(RecvTimeoutError::Timeout) => panic!("did not return within {seconds} s"),
        Err(RecvTimeoutError::Disconnected) => panic!("panicked (see above)"),
    }
}

/// How `ErrorCode` reads a JSON number: every integer in the `i32` range, and
/// nothing else; a float is out of range when it lies beyond the range, and
/// otherwise not an integer.
#[cfg(feature = "serde")]
mod code_from_json {
    use parse_error_codes::ErrorCode;
    use serde::de::value::Error;
    use serde::de::IntoDeserializer;
    use serde::Deserialize;

    const OUT_OF_RANGE: &str = "is outside the 32-bit range of error codes";
    const NOT_AN_INTEGER: &str = "invalid type: floating point";

    fn from_json(text: &str) -> Result<ErrorCode, String> {
        serde_json::from_str(text).map_err(|error| error.to_string())
    }

    /// Through serde's own deserializers: the widths serde_json never uses.
    fn from_value<T: IntoDeserializer<'static, Error>>(value: T) -> Result<ErrorCode, String> {
        ErrorCode::deserialize(value.into_deserializer()).map_err(|error| error.to_string())
    }

    fn assert_rejected(result: Result<ErrorCode, String>, reason: &str, input: &str) {
        match result {
            Ok(code) => panic!("{input} reads as {code:?}"),
            Err(message) => assert!(message.contains(reason), "{input}: {message}"),
        }
    }

    #[test]
    fn the_range_ends_are_exactly_the_i32_ends() {
        let (min, max) = (ErrorCode::new(i32::MIN), ErrorCode::new(i32::MAX));
        assert_eq!(from_json("-2147483648"), Ok(min));
        assert_eq!(from_json("2147483647"), Ok(max));
        for beyond in ["2147483648", "-2147483649", "18446744073709551615"] {
            assert_rejected(from_json(beyond), OUT_OF_RANGE, beyond);
        }
        // Every integer width serde has, one step inside and one outside each end.
        assert_eq!(from_value(i64::from(i32::MIN)), Ok(min));
        assert_eq!(from_value(u64::from(i32::MAX.unsigned_abs())), Ok(max));
        assert_eq!(from_value(i128::from(i32::MIN)), Ok(min));
        assert_eq!(from_value(i128::from(i32::MAX)), Ok(max));
        assert_eq!(from_value(u128::from(i32::MAX.unsigned_abs())), Ok(max));
        let beyond: [(Result<ErrorCode, String>, &str); 5] = [
            (from_value(i64::from(i32::MIN) - 1), "i64 -2^31-1"),
            (from_value(1_u64 << 31), "u64 2^31"),
            (from_value(i128::from(i32::MIN) - 1), "i128 -2^31-1"),
            (from_value(i128::from(i32::MAX) + 1), "i128 2^31"),
            (from_value(1_u128 << 31), "u128 2^31"),
        ];
        for (result, input) in beyond {
            assert_rejected(result, OUT_OF_RANGE, input);
        }
    }

    #[test]
    fn a_float_is_never_a_code() {
        // Integral floats inside the range, the ends included, are still floats.
        for inside in [
            "-2147483648.0",
            "2147483647.0",
            "101.0",
            "-1.0",
            "0.0",
            "1e2",
        ] {
            assert_rejected(from_json(inside), NOT_AN_INTEGER, inside);
        }
        // Non-integral floats inside the range.
        for fraction in ["101.5", "-0.5", "-2147483647.5", "2147483646.5"] {
            assert_rejected(from_json(fraction), NOT_AN_INTEGER, fraction);
        }
    }

    #[test]
    fn a_float_beyond_the_range_is_out_of_range() {
        let cases = [
            ("2147483648.0", "Parse error code 2.147483648e9 is outside"),
            (
                "-2147483649.0",
                "Parse error code -2.147483649e9 is outside",
            ),
            ("-1e10", "Parse error code -1e10 is outside"),
            ("1e300", "Parse error code 1e300 is outside"),
            // Beyond u64: serde_json reads such an integer literal as a float.
            ("-99999999999999999999", "Parse error code -1e20 is outside"),
        ];
        for (input, message) in cases {
            assert_rejected(from_json(input), message, input);
        }
    }

    #[test]
    fn infinity_and_nan_are_not_integers() {
        for value in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
            assert_rejected(from_value(value), NOT_AN_INTEGER, &value.to_string());
        }
    }
}
