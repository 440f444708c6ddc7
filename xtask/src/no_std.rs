//! `cargo xtask no-std`: proves the crate `no_std` on a real `no_std` artifact.
//!
//! `xtask/no-std-probe/` is a `#![no_std]` staticlib with its own panic handler
//! and global allocator (`panic = "abort"`) that calls the crate, built with
//! `default-features = false`. It is built twice, without and with the
//! `serde` feature (which also decodes a `ParseError` with serde_json), and
//! `nm -C` lists every symbol of each archive, defined or undefined. A symbol
//! of `std` (or of a crate only `std` uses) fails the step, as does an archive
//! that lacks the probe's entry points or the crate code they call (an empty
//! archive must not pass). If a dependency pulls `std` into the crate graph,
//! the build itself already fails: `std` brings its own panic handler, which
//! clashes with the probe's.
//!
//! Only the host target is installed here, so the archive is built for the
//! host (`x86_64-unknown-linux-gnu`), not for a bare-metal target.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::codegen;

/// The probe crate, relative to the workspace root.
const PROBE_DIR: &str = "xtask/no-std-probe";

/// The archive cargo writes for the probe (its lib is `no_std_probe`).
const ARCHIVE: &str = "libno_std_probe.a";

/// Crates that exist only for `std`; any of their symbols means `std` is linked.
const STD_ONLY_CRATES: &[&str] = &["std", "std_detect", "panic_unwind", "panic_abort"];

/// Crates whose symbols each build counts, to show what the archive holds.
const REPORTED_CRATES: &[&str] = &[
    "core",
    "alloc",
    "parse_error_codes",
    "serde",
    "serde_core",
    "serde_json",
    "no_std_probe",
    "std",
];

/// How many offending symbols a failure lists.
const SHOWN: usize = 8;

/// A function the archive must define: how a failure names it, and a test
/// on demangled names.
type Required = (&'static str, fn(&str) -> bool);

/// The probe's `#[no_mangle] extern "C"` functions over the catalogue.
const CATALOGUE_ENTRY_POINTS: &[&str] = &[
    "parse_error_codes_probe_kind_count",
    "parse_error_codes_probe_name_code",
    "parse_error_codes_probe_category_kind_count",
    "parse_error_codes_probe_category_title_len",
];

/// The crate's code they call: `ErrorCode::kinds`, `ErrorKind::from_name`,
/// `Category::from_anchor`, `Category::title`. Matched by the last path
/// segment, so that moving them between the crate's modules keeps the check.
const CATALOGUE_FUNCTIONS: &[Required] = &[
    ("parse_error_codes::...::kinds", |name| {
        crate_function(name, "kinds")
    }),
    ("parse_error_codes::...::from_name", |name| {
        crate_function(name, "from_name")
    }),
    ("parse_error_codes::...::from_anchor", |name| {
        crate_function(name, "from_anchor")
    }),
    ("parse_error_codes::...::title", |name| {
        crate_function(name, "title")
    }),
];

/// The entry point of the `serde` build, decoding a body with serde_json.
const SERDE_ENTRY_POINTS: &[&str] = &["parse_error_codes_probe_decode"];

/// The crate's `Deserialize` for `ParseError` and serde_json's `from_slice`:
/// the serde path is linked, not just compiled.
const SERDE_FUNCTIONS: &[Required] = &[
    (
        "<parse_error_codes::...::ParseError as serde::Deserialize>::deserialize",
        |name| {
            name.starts_with("<parse_error_codes::")
                && name.contains("::ParseError as serde")
                && name.ends_with("::Deserialize>::deserialize")
        },
    ),
    ("serde_json::de::from_slice", |name| {
        name == "serde_json::de::from_slice"
    }),
];

/// One build of the probe.
struct Build {
    /// How messages name it.
    label: &'static str,
    /// The probe's (and so the crate's) `serde` feature.
    serde: bool,
}

const BUILDS: [Build; 2] = [
    Build {
        label: "without serde",
        serde: false,
    },
    Build {
        label: "with serde",
        serde: true,
    },
];

impl Build {
    fn entry_points(&self) -> Vec<&'static str> {
        let serde: &[&str] = if self.serde { SERDE_ENTRY_POINTS } else { &[] };
        [CATALOGUE_ENTRY_POINTS, serde].concat()
    }

    fn required(&self) -> Vec<Required> {
        let serde: &[Required] = if self.serde { SERDE_FUNCTIONS } else { &[] };
        [CATALOGUE_FUNCTIONS, serde].concat()
    }
}

/// A function of the crate (not an instantiation of someone else's generic
/// for one of its types) whose last path segment is `function`.
fn crate_function(name: &str, function: &str) -> bool {
    name.starts_with("parse_error_codes::")
        && name
            .strip_suffix(function)
            .is_some_and(|rest| rest.ends_with("::"))
}

pub fn main(args: &[String]) -> ExitCode {
    if let Some(arg) = args.first() {
        eprintln!("no-std: unknown argument `{arg}`\nusage: cargo xtask no-std");
        return ExitCode::from(2);
    }
    match check(&codegen::workspace_root()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("no-std: FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the probe without and with `serde` and checks both archives.
pub fn check(root: &Path) -> Result<(), String> {
    let probe = root.join(PROBE_DIR);
    check_lock_files(root, &probe)?;
    let target_dir = target_dir(root);
    let nm_target = nm_target()?;
    for build in &BUILDS {
        let archive = build_probe(root, &target_dir, build)?;
        let listing = list_symbols(root, &archive, nm_target)?;
        let symbols = parse_nm(&listing)
            .map_err(|error| format!("{}: cannot read nm's output: {error}", build.label))?;
        println!("no-std: {}: {}", build.label, summarize(&symbols));
        check_symbols(build, &symbols)?;
        println!(
            "no-std: {}: ok: no std symbol; the {} entry points and the crate's code they call are defined",
            build.label,
            build.entry_points().len()
        );
    }
    Ok(())
}

/// `<target>/no-std-probe`, where `<target>` is `CARGO_TARGET_DIR` or the
/// workspace's `target/`: the probe writes nothing outside the target dir.
fn target_dir(root: &Path) -> PathBuf {
    let base = match std::env::var_os("CARGO_TARGET_DIR") {
        // Relative to where cargo (and so this xtask) was started, as cargo reads it.
        Some(dir) if !dir.is_empty() => std::env::current_dir()
            .map(|cwd| cwd.join(&dir))
            .unwrap_or_else(|_| PathBuf::from(dir)),
        _ => root.join("target"),
    };
    base.join("no-std-probe")
}

/// The BFD target to read the archive as. Without it, GNU nm hands objects
/// with embedded LLVM bitcode (the precompiled `core`, `alloc` and, were it
/// linked, `std`) to the system's LLVM plugin, which cannot read a newer
/// rustc's bitcode and reports "no symbols": `std` would be invisible.
fn nm_target() -> Result<&'static str, String> {
    if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        Ok("elf64-x86-64")
    } else if cfg!(all(target_os = "linux", target_arch = "aarch64")) {
        Ok("elf64-littleaarch64")
    } else {
        Err(
            "the check reads ELF archives with GNU nm: run it on x86_64 or aarch64 Linux"
                .to_owned(),
        )
    }
}

/// `cargo build` of the probe; returns the archive it wrote.
fn build_probe(root: &Path, target_dir: &Path, build: &Build) -> Result<PathBuf, String> {
    let archive = target_dir.join("debug").join(ARCHIVE);
    // Never check an archive left by an earlier run.
    match std::fs::remove_file(&archive) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(format!("cannot remove {}: {error}", archive.display())),
    }
    let manifest = format!("{PROBE_DIR}/Cargo.toml");
    let mut args = vec!["build", "--locked", "--manifest-path", manifest.as_str()];
    if build.serde {
        args.extend(["--features", "serde"]);
    }
    println!(
        "no-std: {}: CARGO_TARGET_DIR={} cargo {}",
        build.label,
        shown_path(root, target_dir),
        args.join(" ")
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target_dir)
        .args(&args)
        .output()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    eprint!("{log}");
    if !output.status.success() {
        return Err(format!(
            "the probe {} did not build ({}){}",
            build.label,
            output.status,
            build_failure_hint(&log)
        ));
    }
    if !archive.is_file() {
        return Err(format!(
            "cargo built the probe {} but wrote no {}",
            build.label,
            archive.display()
        ));
    }
    Ok(archive)
}

/// What a failed build of the probe most likely means.
fn build_failure_hint(log: &str) -> String {
    if log.contains("duplicate lang item") && log.contains("in crate `std`") {
        let culprit = log
            .lines()
            .find(|line| line.contains("first defined in crate `std`"))
            .map(|line| {
                format!(
                    "; cargo says: {}",
                    line.trim().trim_start_matches("= note: ")
                )
            })
            .unwrap_or_default();
        format!(": `std` is in the crate graph (a dependency enables its `std` feature){culprit}")
    } else if log.contains("--locked") {
        format!(
            ": {PROBE_DIR}/Cargo.lock is out of date; refresh it from the root lock file with\n  \
             cp Cargo.lock {PROBE_DIR}/Cargo.lock && cargo metadata --format-version 1 --manifest-path {PROBE_DIR}/Cargo.toml > /dev/null"
        )
    } else {
        String::new()
    }
}

/// `path` relative to the workspace root when it is inside it.
fn shown_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// `nm -C` of every member of the archive, defined and undefined symbols.
fn list_symbols(root: &Path, archive: &Path, nm_target: &str) -> Result<String, String> {
    let target = format!("--target={nm_target}");
    println!("no-std: nm -C {target} {}", shown_path(root, archive));
    let output = Command::new("nm")
        .arg("-C")
        .arg(&target)
        .arg(archive)
        .output()
        .map_err(|error| format!("cannot run nm (install binutils): {error}"))?;
    let errors = String::from_utf8_lossy(&output.stderr);
    // "no symbols" or "file format not recognized" for a member means that
    // member was not read: its symbols, `std`'s included, would be missed.
    if !output.status.success() || !errors.trim().is_empty() {
        return Err(format!(
            "nm could not read every member of {} ({}):\n{}",
            archive.display(),
            output.status,
            first_lines(&errors, SHOWN)
        ));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| "nm printed something that is not UTF-8".to_owned())
}

fn first_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut shown = lines[..lines.len().min(count)].join("\n");
    if lines.len() > count {
        let _ = write!(shown, "\n... {} more lines", lines.len() - count);
    }
    shown
}

/// One line of `nm` output.
#[derive(Debug, PartialEq)]
struct Symbol<'a> {
    /// The archive member (object file) it belongs to.
    member: &'a str,
    /// nm's type letter: `T` code, `U` undefined, `W` weak, ...
    kind: char,
    /// Demangled, without the legacy hash.
    name: &'a str,
}

impl Symbol<'_> {
    fn is_defined(&self) -> bool {
        !matches!(self.kind, 'U' | 'w' | 'v')
    }
}

/// Reads `nm` output of an archive: a `member.o:` line, then one line per
/// symbol, `<value> <type> <name>` or, undefined, `<spaces> <type> <name>`.
/// Demangled names may contain spaces (`<T as core::fmt::Debug>::fmt`).
fn parse_nm(listing: &str) -> Result<Vec<Symbol<'_>>, String> {
    let mut symbols = Vec::new();
    let mut member = "";
    for line in listing.lines() {
        if line.is_empty() {
            continue;
        }
        if !line.starts_with(' ') && !line.contains(' ') {
            if let Some(name) = line.strip_suffix(':') {
                member = name;
                continue;
            }
        }
        let rest = match line.split_once(' ') {
            Some(("", _)) => line.trim_start(),
            Some((value, rest)) if value.bytes().all(|b| b.is_ascii_hexdigit()) => rest,
            _ => return Err(format!("unexpected line `{line}`")),
        };
        let mut chars = rest.chars();
        let (Some(kind), Some(' ')) = (chars.next(), chars.next()) else {
            return Err(format!("unexpected line `{line}`"));
        };
        let name = chars.as_str();
        if name.is_empty() {
            return Err(format!("unexpected line `{line}`"));
        }
        symbols.push(Symbol { member, kind, name });
    }
    Ok(symbols)
}

/// Whether the demangled `name` names a path of `krate`: `krate::` at the
/// start or after a character that cannot precede a crate root inside a path
/// (`<`, ` `, `&`, `(`, `,`, ...), so `core::ptr::drop_in_place<std::io::Error>`
/// names `std`, while `mystd::x` does not and neither does `core::alloc::Layout`
/// name the `alloc` crate.
fn names_crate(name: &str, krate: &str) -> bool {
    name.match_indices(krate).any(|(at, _)| {
        name[at + krate.len()..].starts_with("::")
            && !name[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
    })
}

fn is_std_symbol(name: &str) -> bool {
    STD_ONLY_CRATES.iter().any(|krate| names_crate(name, krate))
        // A legacy-mangled name nm could not demangle.
        || name.starts_with("_ZN3std")
}

/// `6249 symbols (4417 defined, 1832 undefined) in 394 objects; naming core:: 2947, ...`
fn summarize(symbols: &[Symbol<'_>]) -> String {
    let defined = symbols.iter().filter(|symbol| symbol.is_defined()).count();
    let members: BTreeSet<&str> = symbols.iter().map(|symbol| symbol.member).collect();
    let mut summary = format!(
        "{} symbols ({defined} defined, {} undefined) in {} objects; naming",
        symbols.len(),
        symbols.len() - defined,
        members.len()
    );
    for (index, krate) in REPORTED_CRATES.iter().enumerate() {
        let count = symbols
            .iter()
            .filter(|symbol| names_crate(symbol.name, krate))
            .count();
        let separator = if index == 0 { " " } else { ", " };
        let _ = write!(summary, "{separator}{krate}:: {count}");
    }
    summary
}

/// The archive links no `std`, and holds the probe and the crate code it calls.
fn check_symbols(build: &Build, symbols: &[Symbol<'_>]) -> Result<(), String> {
    let offending: Vec<&Symbol<'_>> = symbols
        .iter()
        .filter(|symbol| is_std_symbol(symbol.name))
        .collect();
    if !offending.is_empty() {
        let defined = offending
            .iter()
            .filter(|symbol| symbol.is_defined())
            .count();
        let mut message = format!(
            "the probe built {} links std: {} symbols name a std-only crate ({defined} defined, {} undefined), for example:",
            build.label,
            offending.len(),
            offending.len() - defined
        );
        for symbol in offending.iter().take(SHOWN) {
            let _ = write!(
                message,
                "\n  {} {}  (in {})",
                symbol.kind, symbol.name, symbol.member
            );
        }
        return Err(message);
    }
    let defined = |accept: &dyn Fn(&str) -> bool| {
        symbols
            .iter()
            .any(|symbol| symbol.is_defined() && accept(symbol.name))
    };
    // nm must see the precompiled sysroot objects, where `std` would come from.
    if !defined(&|name| names_crate(name, "core")) {
        return Err(format!(
            "the probe built {}: nm shows no defined symbol of `core`, so it cannot read the \
             precompiled standard library objects and would miss `std` too",
            build.label
        ));
    }
    let mut missing: Vec<&str> = Vec::new();
    for entry_point in build.entry_points() {
        if !symbols
            .iter()
            .any(|symbol| symbol.kind == 'T' && symbol.name == entry_point)
        {
            missing.push(entry_point);
        }
    }
    for (description, accept) in build.required() {
        if !defined(&accept) {
            missing.push(description);
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "the archive of the probe built {} does not define {}: the crate is not exercised",
            build.label,
            missing.join(", ")
        ));
    }
    Ok(())
}

/// Every registry package of the probe's lock file has a version that the
/// root lock file also has, so the probe builds what users of the crate build.
fn check_lock_files(root: &Path, probe: &Path) -> Result<(), String> {
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))
    };
    let root_lock = read(root.join("Cargo.lock"))?;
    let probe_lock = read(probe.join("Cargo.lock"))?;
    let differences = lock_differences(&root_lock, &probe_lock);
    if differences.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{PROBE_DIR}/Cargo.lock differs from Cargo.lock: {}; refresh it with\n  \
         cp Cargo.lock {PROBE_DIR}/Cargo.lock && cargo metadata --format-version 1 --manifest-path {PROBE_DIR}/Cargo.toml > /dev/null",
        differences.join(", ")
    ))
}

/// `name version` of each registry (or git) package of `probe_lock` that
/// `root_lock` does not have, with the versions it has instead.
fn lock_differences(root_lock: &str, probe_lock: &str) -> Vec<String> {
    let root = locked_packages(root_lock);
    let mut differences = Vec::new();
    for (name, versions) in locked_packages(probe_lock) {
        for version in versions {
            let known = root.get(name).map(Vec::as_slice).unwrap_or_default();
            if !known.contains(&version) {
                let there = if known.is_empty() {
                    "absent".to_owned()
                } else {
                    known.join(", ")
                };
                differences.push(format!("{name} {version} (root: {there})"));
            }
        }
    }
    differences
}

/// Name → versions of the packages with a `source` (not path packages) in a
/// `Cargo.lock`.
fn locked_packages(lock: &str) -> BTreeMap<&str, Vec<&str>> {
    let mut packages: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for block in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block.lines().find_map(|line| {
                let value = line.strip_prefix(key)?.trim_start().strip_prefix('=')?;
                Some(value.trim().trim_matches('"'))
            })
        };
        if let (Some(name), Some(version), Some(_)) =
            (field("name"), field("version"), field("source"))
        {
            packages.entry(name).or_default().push(version);
        }
    }
    packages
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of `nm -C` on the probe's archive, trimmed: members with
    /// defined and undefined symbols, names with spaces and generics.
    const CLEAN: &str = "
core-120cbae4e86ec454.core.c1f1a4ba060b9bfa-cgu.0.rcgu.o:
0000000000000000 T core::panicking::panic_fmt
0000000000000000 T <core::fmt::Error as core::fmt::Debug>::fmt
                 U memcpy

parse_error_codes-0f2a.parse_error_codes.3c1e-cgu.0.rcgu.o:
0000000000000000 T parse_error_codes::<impl parse_error_codes::code::ErrorCode>::kinds
0000000000000000 T parse_error_codes::ErrorKind::from_name
0000000000000000 T parse_error_codes::kind::<impl parse_error_codes::Category>::from_anchor
0000000000000000 T parse_error_codes::kind::<impl parse_error_codes::Category>::title
                 U core::panicking::panic_fmt

no_std_probe-45b5.no_std_probe.9d1c-cgu.0.rcgu.o:
0000000000000000 T parse_error_codes_probe_kind_count
0000000000000000 T parse_error_codes_probe_name_code
0000000000000000 T parse_error_codes_probe_category_kind_count
0000000000000000 T parse_error_codes_probe_category_title_len
                 U parse_error_codes::ErrorKind::from_name
0000000000000000 W __rust_u128_add
                 w __gmon_start__
";

    #[test]
    fn nm_lines_become_symbols_of_their_member() {
        let symbols = parse_nm(CLEAN).unwrap();
        assert_eq!(symbols.len(), 15);
        assert_eq!(
            symbols[1],
            Symbol {
                member: "core-120cbae4e86ec454.core.c1f1a4ba060b9bfa-cgu.0.rcgu.o",
                kind: 'T',
                name: "<core::fmt::Error as core::fmt::Debug>::fmt",
            }
        );
        let undefined = &symbols[2];
        assert_eq!((undefined.kind, undefined.name), ('U', "memcpy"));
        assert!(!undefined.is_defined());
        let weak_undefined = symbols.last().unwrap();
        assert_eq!(
            weak_undefined.member,
            "no_std_probe-45b5.no_std_probe.9d1c-cgu.0.rcgu.o"
        );
        assert!(!weak_undefined.is_defined());
        let weak_defined = &symbols[13];
        assert_eq!(
            (weak_defined.kind, weak_defined.name),
            ('W', "__rust_u128_add")
        );
        assert!(weak_defined.is_defined());
    }

    #[test]
    fn unexpected_nm_output_is_an_error_not_skipped() {
        assert!(parse_nm("0000000000000000 T\n").is_err());
        assert!(parse_nm("nm: lib.o: no symbols here\n").is_err());
        assert!(parse_nm("zzzz T name\n").is_err());
    }

    #[test]
    fn a_crate_is_named_only_as_a_whole_path_segment() {
        assert!(names_crate("std::io::Error::new", "std"));
        assert!(names_crate(
            "<std::io::Error as core::fmt::Debug>::fmt",
            "std"
        ));
        assert!(names_crate(
            "core::ptr::drop_in_place<std::io::Error>",
            "std"
        ));
        assert!(names_crate(
            "<&T as core::fmt::Display>::fmt<&std::path::Path>",
            "std"
        ));
        assert!(!names_crate("mystd::io::x", "std"));
        assert!(!names_crate("serde_json::std_like::x", "std"));
        assert!(!names_crate("core::str::<impl str>::trim", "std"));
        assert!(!names_crate("std", "std"));
        assert!(!names_crate("core::alloc::layout::Layout::size", "alloc"));
        assert!(names_crate(
            "<alloc::string::String as core::fmt::Write>::write_str",
            "alloc"
        ));
        assert!(names_crate(
            "core::ptr::drop_in_place<(u8,std::io::Error)>",
            "std"
        ));
        assert!(is_std_symbol(
            "std_detect::detect::cache::detect_and_initialize"
        ));
        assert!(is_std_symbol("_ZN3std2io5stdio6_print17h0123456789abcdefE"));
        assert!(!is_std_symbol("alloc::string::String::push_str"));
    }

    #[test]
    fn a_clean_archive_with_the_crate_passes() {
        let symbols = parse_nm(CLEAN).unwrap();
        assert_eq!(check_symbols(&BUILDS[0], &symbols), Ok(()));
    }

    /// What `nm -C` shows of an archive into which serde_json's `std` feature
    /// pulled `std`: undefined references from serde_json, defined `std` code.
    #[test]
    fn a_std_symbol_fails_the_check_and_is_listed_with_the_build() {
        let with_std = format!(
            "{CLEAN}
serde_json-85f3.serde_json.6541-cgu.3.rcgu.o:
                 U std::io::error::Error::new
                 U <std::io::error::Error as core::fmt::Display>::fmt
0000000000000000 T <serde_json::error::Error as core::convert::From<std::io::error::Error>>::from

std-d1237ef7159db0a2.std.6f5d-cgu.0.rcgu.o:
0000000000000000 T std::panicking::begin_panic_handler
"
        );
        let symbols = parse_nm(&with_std).unwrap();
        let error = check_symbols(&BUILDS[1], &symbols).unwrap_err();
        assert!(
            error.starts_with(
                "the probe built with serde links std: 4 symbols name a std-only crate (2 defined, 2 undefined), for example:\n"
            ),
            "{error}"
        );
        assert!(
            error.contains("\n  U std::io::error::Error::new  (in serde_json-85f3.serde_json.6541-cgu.3.rcgu.o)"),
            "{error}"
        );
        assert!(
            error.contains("\n  T std::panicking::begin_panic_handler  (in std-d1237ef7159db0a2.std.6f5d-cgu.0.rcgu.o)"),
            "{error}"
        );
    }

    #[test]
    fn at_most_a_few_offending_symbols_are_listed() {
        let many: String = (0..20)
            .map(|n| format!("                 U std::thing{n}\n"))
            .collect();
        let listing = format!("{CLEAN}\nx.o:\n{many}");
        let symbols = parse_nm(&listing).unwrap();
        let error = check_symbols(&BUILDS[0], &symbols).unwrap_err();
        assert!(
            error.contains("20 symbols name a std-only crate"),
            "{error}"
        );
        assert_eq!(error.matches("\n  U std::thing").count(), SHOWN, "{error}");
    }

    #[test]
    fn an_archive_without_the_crate_does_not_pass_vacuously() {
        let symbols = parse_nm("core.o:\n0000000000000000 T core::panicking::panic_fmt\n").unwrap();
        let error = check_symbols(&BUILDS[0], &symbols).unwrap_err();
        assert!(
            error.starts_with("the archive of the probe built without serde does not define parse_error_codes_probe_kind_count, "),
            "{error}"
        );
        assert!(
            error.contains("parse_error_codes::...::from_anchor"),
            "{error}"
        );
        // Referenced but not defined is not enough either.
        let only_undefined = CLEAN.replace(
            "T parse_error_codes::ErrorKind::from_name",
            "U parse_error_codes::ErrorKind::from_name",
        );
        let symbols = parse_nm(&only_undefined).unwrap();
        let error = check_symbols(&BUILDS[0], &symbols).unwrap_err();
        assert!(
            error.ends_with(
                "does not define parse_error_codes::...::from_name: the crate is not exercised"
            ),
            "{error}"
        );
    }

    #[test]
    fn the_serde_build_must_link_the_decoder() {
        let symbols = parse_nm(CLEAN).unwrap();
        let error = check_symbols(&BUILDS[1], &symbols).unwrap_err();
        assert!(
            error.contains("parse_error_codes_probe_decode, ")
                && error.contains(
                    "::ParseError as serde::Deserialize>::deserialize, serde_json::de::from_slice:"
                ),
            "{error}"
        );
        let with_decoder = format!(
            "{CLEAN}
no_std_probe-45b5.no_std_probe.9d1c-cgu.1.rcgu.o:
0000000000000000 T parse_error_codes_probe_decode
0000000000000000 T <parse_error_codes::body::ParseError as serde_core::de::Deserialize>::deserialize
0000000000000000 T serde_json::de::from_slice
"
        );
        let symbols = parse_nm(&with_decoder).unwrap();
        assert_eq!(check_symbols(&BUILDS[1], &symbols), Ok(()));
    }

    /// The plugin failure `nm_target` avoids: the sysroot objects read as
    /// empty, so `core` shows only as undefined references.
    #[test]
    fn an_archive_whose_core_nm_cannot_read_fails() {
        let unread = CLEAN
            .replace("0000000000000000 T core::panicking::panic_fmt\n", "")
            .replace(
                "0000000000000000 T <core::fmt::Error as core::fmt::Debug>::fmt\n",
                "",
            );
        let symbols = parse_nm(&unread).unwrap();
        let error = check_symbols(&BUILDS[0], &symbols).unwrap_err();
        assert!(
            error.contains("nm shows no defined symbol of `core`"),
            "{error}"
        );
    }

    #[test]
    fn the_summary_counts_symbols_per_crate() {
        let symbols = parse_nm(CLEAN).unwrap();
        assert_eq!(
            summarize(&symbols),
            "15 symbols (11 defined, 4 undefined) in 3 objects; naming core:: 3, alloc:: 0, \
             parse_error_codes:: 5, serde:: 0, serde_core:: 0, serde_json:: 0, no_std_probe:: 0, std:: 0"
        );
    }

    #[test]
    fn crate_functions_are_matched_by_their_last_segment() {
        assert!(crate_function(
            "parse_error_codes::<impl parse_error_codes::code::ErrorCode>::kinds",
            "kinds"
        ));
        assert!(crate_function(
            "parse_error_codes::body::ParseError::kinds",
            "kinds"
        ));
        assert!(!crate_function(
            "parse_error_codes::ErrorKind::kinds_of",
            "kinds"
        ));
        assert!(!crate_function(
            "parse_error_codes::ErrorKind::subkinds",
            "kinds"
        ));
        assert!(!crate_function(
            "core::ptr::drop_in_place<parse_error_codes::x::kinds>",
            "kinds"
        ));
    }

    #[test]
    fn a_probe_lock_with_other_versions_than_the_root_is_reported() {
        let root = r#"
version = 4

[[package]]
name = "serde_json"
version = "1.0.154"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "syn"
version = "2.0.100"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "syn"
version = "3.0.10"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "parse-error-codes"
version = "0.1.0"
"#;
        let same = r#"
[[package]]
name = "no-std-probe"
version = "0.0.0"

[[package]]
name = "parse-error-codes"
version = "0.2.0"

[[package]]
name = "serde_json"
version = "1.0.154"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "syn"
version = "3.0.10"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;
        assert_eq!(lock_differences(root, same), Vec::<String>::new());
        let newer = same.replace("1.0.154", "1.0.155")
            + "\n[[package]]\nname = \"zmij\"\nversion = \"1.0.23\"\nsource = \"registry+x\"\n";
        assert_eq!(
            lock_differences(root, &newer),
            [
                "serde_json 1.0.155 (root: 1.0.154)",
                "zmij 1.0.23 (root: absent)"
            ]
        );
    }

    /// The committed probe lock file agrees with the root one today.
    #[test]
    fn the_committed_probe_lock_matches_the_root_lock() {
        let root = codegen::workspace_root();
        assert_eq!(check_lock_files(&root, &root.join(PROBE_DIR)), Ok(()));
    }

    #[test]
    fn a_std_lang_item_clash_is_explained() {
        let log = "error[E0152]: found duplicate lang item `panic_impl`\n   --> src/lib.rs:104:1\n    = note: the lang item is first defined in crate `std` (which `serde_core` depends on)\n";
        assert_eq!(
            build_failure_hint(log),
            ": `std` is in the crate graph (a dependency enables its `std` feature); cargo says: the lang item is first defined in crate `std` (which `serde_core` depends on)"
        );
        assert!(build_failure_hint(
            "error: the lock file needs to be updated but --locked was passed"
        )
        .contains("cp Cargo.lock xtask/no-std-probe/Cargo.lock"));
        assert_eq!(build_failure_hint("error: something else"), "");
    }
}
