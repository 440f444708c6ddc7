//! Lookup speed of the generated code against the alternatives a user would
//! otherwise write (issue 7). Every benchmark runs one batch over every spec
//! code or name plus a few unknown ones, in a fixed shuffled order, so one
//! iteration is one pass over the batch and criterion's throughput line is
//! lookups per second.
//!
//! Targets: code -> kinds at least 5x faster than the linear scan and no slower
//! than the `HashMap`; name -> kind no slower than `phf`; decoding an error body
//! with `ParseError` no slower than a plain `#[derive(Deserialize)]` struct
//! (issue 14), although `ParseError` also keeps everything else exactly.
//!
//! Run with `cargo bench -p parse-error-codes-benches` (or `cargo bench
//! --workspace`); criterion keeps the estimates in
//! `target/criterion/<group>/<function>/new/estimates.json`.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use parse_error_codes::{ErrorCode, ErrorKind};

/// Codes the document does not list: some Parse Server sends, a custom Cloud
/// Code one, gaps between listed codes, and the extremes.
const UNKNOWN_CODES: &[i32] = &[
    0,
    3,
    110,
    153,
    159,
    162,
    210,
    211,
    9001,
    -2,
    i32::MIN,
    i32::MAX,
];

/// Names that are not in the document: wrong case, one byte off at the start,
/// middle or end (so a byte dispatch has to compare the whole name), too long,
/// too short, empty.
const UNKNOWN_NAMES: &[&str] = &[
    "objectNotFound",
    "ObjectNotFounD",
    "ObjectNotFoundX",
    "PbjectNotFound",
    "InvalidJSOM",
    "CacheMis",
    "",
    "x",
    "InvalidSessionTokens",
    "AVeryLongNameThatNoParseErrorKindEverHadInAnyDocument",
];

/// Deterministic shuffle (a fixed linear congruential generator), so that the
/// inputs are not in document order, which is also the order of the generated
/// `match` arms, and every run sees the same order.
fn shuffled<T>(mut items: Vec<T>) -> Vec<T> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for i in (1..items.len()).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let j = ((state >> 33) % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
    items
}

fn spec_codes() -> Vec<i32> {
    let mut codes: Vec<i32> = ErrorKind::ALL
        .iter()
        .map(|kind| kind.code().get())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

fn code_inputs() -> Vec<i32> {
    let mut codes = spec_codes();
    codes.extend_from_slice(UNKNOWN_CODES);
    shuffled(codes)
}

fn name_inputs() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = ErrorKind::ALL.iter().map(|kind| kind.name()).collect();
    names.extend_from_slice(UNKNOWN_NAMES);
    shuffled(names)
}

/// What a user without the generated `match` would scan: every kind, keeping
/// the ones with this code.
fn kinds_by_linear_scan(code: i32) {
    for &kind in ErrorKind::ALL {
        if kind.code().get() == code {
            black_box(kind);
        }
    }
}

fn kinds_by_code_map() -> HashMap<i32, Vec<ErrorKind>> {
    let mut map: HashMap<i32, Vec<ErrorKind>> = HashMap::new();
    for &kind in ErrorKind::ALL {
        map.entry(kind.code().get()).or_default().push(kind);
    }
    map
}

/// A `phf::Map` holding every name, built the way `phf_codegen` and `phf_map!`
/// build theirs (same generator, same seed, same table layout), only at run
/// time so that the bench does not repeat the list of names. Lookups run the
/// same `phf::Map::get` as a map generated at build time.
fn kinds_by_name_phf() -> phf::Map<&'static str, ErrorKind> {
    let names: Vec<&'static str> = ErrorKind::ALL.iter().map(|kind| kind.name()).collect();
    let state = phf_generator::generate_hash(&names);
    let entries: Vec<(&'static str, ErrorKind)> = state
        .map
        .iter()
        .map(|&index| (names[index], ErrorKind::ALL[index]))
        .collect();
    phf::Map {
        key: state.key,
        disps: Vec::leak(state.disps),
        entries: Vec::leak(entries),
    }
}

fn code_to_kinds(c: &mut Criterion) {
    let inputs = code_inputs();
    let map = kinds_by_code_map();
    for &code in &inputs {
        let expected = ErrorCode::new(code).kinds();
        let from_map = map.get(&code).map_or(&[][..], Vec::as_slice);
        assert_eq!(expected, from_map, "code {code}");
    }

    let mut group = c.benchmark_group("code_to_kinds");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("generated_match", |b| {
        b.iter(|| {
            for &code in &inputs {
                black_box(ErrorCode::new(black_box(code)).kinds());
            }
        })
    });
    group.bench_function("hashmap", |b| {
        b.iter(|| {
            for &code in &inputs {
                black_box(map.get(&black_box(code)).map_or(&[][..], Vec::as_slice));
            }
        })
    });
    group.bench_function("linear_scan", |b| {
        b.iter(|| {
            for &code in &inputs {
                kinds_by_linear_scan(black_box(code));
            }
        })
    });
    group.finish();
}

fn name_to_kind(c: &mut Criterion) {
    let inputs = name_inputs();
    let map: HashMap<&'static str, ErrorKind> = ErrorKind::ALL
        .iter()
        .map(|&kind| (kind.name(), kind))
        .collect();
    let phf_map = kinds_by_name_phf();
    for &name in &inputs {
        let expected = ErrorKind::from_name(name);
        assert_eq!(expected, map.get(name).copied(), "name {name:?}");
        assert_eq!(expected, phf_map.get(name).copied(), "name {name:?}");
    }

    let mut group = c.benchmark_group("name_to_kind");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("generated_from_name", |b| {
        b.iter(|| {
            for &name in &inputs {
                black_box(ErrorKind::from_name(black_box(name)));
            }
        })
    });
    group.bench_function("hashmap", |b| {
        b.iter(|| {
            for &name in &inputs {
                black_box(map.get(black_box(name)).copied());
            }
        })
    });
    group.bench_function("phf", |b| {
        b.iter(|| {
            for &name in &inputs {
                black_box(phf_map.get(black_box(name)).copied());
            }
        })
    });
    group.finish();
}

fn parse_code(c: &mut Criterion) {
    let decimals: Vec<String> = code_inputs().iter().map(i32::to_string).collect();
    let names = name_inputs();

    let mut group = c.benchmark_group("parse_code");
    group.throughput(Throughput::Elements(decimals.len() as u64));
    group.bench_function("error_code_from_decimal", |b| {
        b.iter(|| {
            for text in &decimals {
                black_box(black_box(text.as_str()).parse::<ErrorCode>()).ok();
            }
        })
    });
    // The floor: `ErrorCode::from_str` tries `i32` first.
    group.bench_function("i32_from_decimal", |b| {
        b.iter(|| {
            for text in &decimals {
                black_box(black_box(text.as_str()).parse::<i32>()).ok();
            }
        })
    });
    group.throughput(Throughput::Elements(names.len() as u64));
    group.bench_function("error_code_from_name", |b| {
        b.iter(|| {
            for &name in &names {
                black_box(black_box(name).parse::<ErrorCode>()).ok();
            }
        })
    });
    group.finish();
}

/// Bodies as Parse Server sends them: a `Parse.Error`, an internal failure
/// reported under `message`, a code the document does not list.
const BODIES: &[&str] = &[
    r#"{"code":101,"error":"Object not found."}"#,
    r#"{"code":209,"error":"Invalid session token"}"#,
    r#"{"code":137,"error":"A duplicate value for a field with unique values was provided"}"#,
    r#"{"code":1,"message":"Internal server error."}"#,
    r#"{"code":9001,"error":"Cloud Code says no"}"#,
];

/// What a user without the crate would write to read an error body: a plain
/// derived struct, which keeps the code and the message only (no extra fields,
/// no exact text, a code that must be an integer).
#[derive(serde::Deserialize)]
struct DerivedBody {
    code: Option<i32>,
    error: Option<String>,
    message: Option<String>,
}

/// Decoding an error body and reading its code and message: the crate's
/// `ParseError` against a plain `#[derive(Deserialize)]` struct (the target:
/// no slower) and an untyped `serde_json::Value`.
fn decode_body(c: &mut Criterion) {
    use parse_error_codes::ParseError;
    use serde_json::Value;

    let mut group = c.benchmark_group("decode_body");
    group.throughput(Throughput::Elements(BODIES.len() as u64));
    group.bench_function("parse_error", |b| {
        b.iter(|| {
            for &body in BODIES {
                let error: ParseError = serde_json::from_str(black_box(body)).unwrap();
                black_box((error.code(), error.message().len()));
            }
        })
    });
    group.bench_function("derived_struct", |b| {
        b.iter(|| {
            for &body in BODIES {
                let body: DerivedBody = serde_json::from_str(black_box(body)).unwrap();
                let message = body.error.as_deref().or(body.message.as_deref());
                black_box((body.code, message.map(str::len)));
            }
        })
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            for &body in BODIES {
                let value: Value = serde_json::from_str(black_box(body)).unwrap();
                let code = value.get("code").and_then(Value::as_i64);
                let message = value
                    .get("error")
                    .or_else(|| value.get("message"))
                    .and_then(Value::as_str);
                black_box((code, message.map(str::len)));
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // Short runs: the batches are large enough for stable medians, and the
    // machine is shared.
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(60);
    targets = code_to_kinds, name_to_kind, parse_code, decode_body
}
criterion_main!(benches);
