//! Spec diagnostics: every malformed spec gets a precise, rustc-style error.
//!
//! Each directory under `tests/fixtures/invalid/` is a small `spec/` (its `*.md`
//! files, shown as `spec/<file>`) with `expected.txt`: the rendered diagnostics,
//! written by hand with their line, column, message, note and help. These run the
//! load, read and check stages directly, without a build.
//!
//! The valid variations (CRLF, byte-order mark, blank lines, spacing, alignment,
//! several files) must give byte-identical generated source. One end-to-end test
//! proves that a bad spec fails a real `cargo build` with the message and no panic.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::generator::diagnostics::Scope;
use xtask::generator::{
    check, generate_from_files, load, read, render_diagnostics, Diagnostic, SpecFile,
};

fn fixtures_dir() -> PathBuf {
    crate::crate_root().join("tests/fixtures")
}

/// The `*.md` files of a fixture directory, sorted by name, as `spec/<name>`.
fn fixture_files(dir: &Path) -> Result<Vec<SpecFile>, Vec<Diagnostic>> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".md"))
        .collect();
    names.sort();
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    for name in names {
        let bytes = fs::read(dir.join(&name)).unwrap();
        match SpecFile::from_bytes(&format!("spec/{name}"), &bytes) {
            Ok(file) => files.push(file),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    if diagnostics.is_empty() {
        Ok(files)
    } else {
        Err(diagnostics)
    }
}

/// Runs one invalid fixture through from_bytes + read + check and compares the
/// rendered diagnostics with `expected.txt`.
fn assert_fixture(case: &str) {
    let dir = fixtures_dir().join("invalid").join(case);
    let expected = fs::read_to_string(dir.join("expected.txt"))
        .unwrap_or_else(|error| panic!("{case}: cannot read expected.txt: {error}"));
    let diagnostics = match fixture_files(&dir) {
        Ok(files) => {
            let checked = check(&read(&files));
            // The whole pipeline must fail the same way: no later stage may panic
            // or turn the problem into something else.
            assert_eq!(
                generate_from_files(&files).map(|generated| generated.source),
                checked.clone().map(|_| String::new()),
                "{case}: generate_from_files disagrees with check"
            );
            match checked {
                Ok(spec) => panic!("{case}: the spec passed the check: {spec:#?}"),
                Err(diagnostics) => diagnostics,
            }
        }
        Err(diagnostics) => diagnostics,
    };
    assert!(
        diagnostics.iter().all(|d| !d.message.is_empty()),
        "{case}: empty message"
    );
    let actual = render_diagnostics(&diagnostics);
    assert_eq!(
        actual, expected,
        "{case}: diagnostics differ\n--- actual\n{actual}--- expected\n{expected}"
    );
}

macro_rules! invalid_fixtures {
    ($($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                assert_fixture(stringify!($case));
            }
        )*

        const INVALID_CASES: &[&str] = &[$(stringify!($case)),*];
    };
}

invalid_fixtures! {
    header_wrong_order,
    header_missing_column,
    header_extra_column,
    header_different_word,
    row_too_few_cells,
    row_too_many_cells,
    swallowed_plain_line,
    name_empty,
    name_not_identifier,
    name_keyword,
    name_not_code_span,
    duplicate_name,
    duplicate_name_across_files,
    constant_collision,
    code_empty,
    code_not_integer,
    code_plus_sign,
    code_leading_zero,
    code_out_of_range,
    description_empty,
    raw_html_in_cell,
    markup_in_cell,
    table_before_section,
    section_without_anchor,
    section_without_anchor_help,
    section_without_table,
    anchor_malformed,
    anchor_not_an_anchor,
    anchor_duplicate,
    anchor_category_collision,
    anchor_self,
    anchor_two_ids,
    anchor_junk,
    heading_closing_hashes,
    heading_markup,
    heading_lookalikes,
    heading_several_lines,
    no_catalogue_table,
    not_utf8,
    many_problems_in_two_files,
    table_not_recognised,
    lookalike_indented_code,
    lookalike_escaped,
    lookalike_html_block,
    lookalike_link_reference,
    lookalike_list_item,
}

/// A fixture directory that no test runs would silently test nothing.
#[test]
fn every_invalid_fixture_is_run() {
    let mut on_disk: Vec<String> = fs::read_dir(fixtures_dir().join("invalid"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = INVALID_CASES.iter().map(|case| case.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn no_markdown_file_under_spec() {
    // The fixture's `spec/` holds only `notes.txt`.
    let diagnostics = load(&fixtures_dir().join("no_md_file")).unwrap_err();
    assert_eq!(
        render_diagnostics(&diagnostics),
        "spec/: error: no `*.md` file under `spec/`\n  \
         = help: the catalogue is generated from markdown tables in `spec/*.md`\n\
         error: the Parse error-code spec has 1 error; no code was generated\n"
    );
}

#[test]
fn missing_spec_directory() {
    let diagnostics = load(&fixtures_dir().join("invalid")).unwrap_err();
    assert_eq!(diagnostics.len(), 1);
    // There is no file to name: the folder is named.
    assert_eq!(diagnostics[0].scope, Scope::Files(vec!["spec/".to_owned()]));
    assert!(
        diagnostics[0]
            .message
            .starts_with("cannot read the spec directory: "),
        "{}",
        diagnostics[0]
    );
}

#[test]
fn load_reports_a_file_that_is_not_utf8_with_its_spec_path() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diagnostics-load-not-utf8");
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(root.join("spec/more")).unwrap();
    fs::write(root.join("spec/a.md"), "# Fine\n").unwrap();
    fs::write(root.join("spec/more/b.md"), b"ok\nno \xc3\x28 here\n").unwrap();
    let diagnostics = load(&root).unwrap_err();
    assert_eq!(
        render_diagnostics(&diagnostics),
        "spec/more/b.md:2:4: error: the file is not valid UTF-8\n  \
         = help: save the spec as UTF-8\n\
         error: the Parse error-code spec has 1 error; no code was generated\n"
    );
}

#[test]
fn not_utf8_position_is_that_of_the_decoded_text() {
    // The byte-order mark is not a column; CRLF and a lone CR are one line end each.
    let bytes = b"\xef\xbb\xbfa\r\nb\rcd\xff";
    let diagnostic = SpecFile::from_bytes("spec/x.md", bytes).unwrap_err();
    assert_eq!(
        diagnostic.to_string(),
        "spec/x.md:3:3: error: the file is not valid UTF-8\n  = help: save the spec as UTF-8"
    );
}

/// Odd inputs (nested containers, lone CRs, NULs, entities, pipe-only rows,
/// broken headings) and any crash input a fuzzer finds: they give diagnostics
/// or a catalogue, the same twice, and never a panic.
#[test]
fn edge_inputs_never_panic() {
    let mut paths: Vec<PathBuf> = fs::read_dir(fixtures_dir().join("fuzz"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    for path in paths {
        let bytes = fs::read(&path).unwrap();
        let outcome = |bytes: &[u8]| match SpecFile::from_bytes("spec/edge.md", bytes) {
            Ok(file) => generate_from_files(&[file])
                .map(|generated| generated.source)
                .map_err(|diagnostics| render_diagnostics(&diagnostics)),
            Err(diagnostic) => Err(diagnostic.to_string()),
        };
        let first = outcome(&bytes);
        assert_eq!(first, outcome(&bytes), "{}", path.display());
        if std::env::var_os("SHOW_EDGE_OUTCOMES").is_some() {
            eprintln!("== {}\n{}", path.display(), first.unwrap_or_else(|e| e));
        }
    }
}

// ----------------------------------------------------------------------
// Valid variations: byte-identical output
// ----------------------------------------------------------------------

fn real_spec() -> String {
    fs::read_to_string(crate::crate_root().join("spec/error-codes.md")).unwrap()
}

fn generated_source(files: &[(&str, Vec<u8>)]) -> String {
    let files: Vec<SpecFile> = files
        .iter()
        .map(|(path, bytes)| SpecFile::from_bytes(path, bytes).unwrap())
        .collect();
    match generate_from_files(&files) {
        Ok(generated) => generated.source,
        Err(diagnostics) => panic!("{}", render_diagnostics(&diagnostics)),
    }
}

fn original_source() -> String {
    generated_source(&[("spec/error-codes.md", real_spec().into_bytes())])
}

/// Asserts that a variation really changes the text and still gives the same code.
fn assert_same_output(variation: &str, text: &str) {
    assert_ne!(
        text,
        real_spec(),
        "{variation}: the variation changed nothing"
    );
    let source = generated_source(&[("spec/error-codes.md", text.as_bytes().to_vec())]);
    assert!(
        source == original_source(),
        "{variation}: generated source differs"
    );
}

fn is_table_line(line: &str) -> bool {
    line.starts_with('|')
}

fn is_delimiter_line(line: &str) -> bool {
    is_table_line(line) && line.chars().all(|c| matches!(c, '|' | ':' | '-' | ' '))
}

#[test]
fn crlf_line_endings_give_identical_output() {
    assert_same_output("CRLF", &real_spec().replace('\n', "\r\n"));
}

#[test]
fn byte_order_mark_gives_identical_output() {
    assert_same_output("BOM", &format!("\u{feff}{}", real_spec()));
}

#[test]
fn trailing_blank_lines_give_identical_output() {
    assert_same_output("blank lines", &format!("{}\n\n   \n\t\n\n", real_spec()));
}

#[test]
fn extra_spaces_in_cells_give_identical_output() {
    let spaced: Vec<String> = real_spec()
        .lines()
        .map(|line| {
            if is_delimiter_line(line) {
                // pulldown-cmark does not accept tabs in the delimiter row.
                format!("   {}   ", line.replace(" | ", "    |   "))
            } else if is_table_line(line) {
                format!("  {}   ", line.replace(" | ", "   |  \t "))
            } else {
                line.to_owned()
            }
        })
        .collect();
    assert_same_output("extra spaces", &(spaced.join("\n") + "\n"));
}

#[test]
fn table_without_outer_pipes_gives_identical_output() {
    let bare: Vec<String> = real_spec()
        .lines()
        .map(|line| {
            if is_table_line(line) {
                line.trim_start_matches("| ")
                    .trim_end_matches(" |")
                    .to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect();
    assert_same_output("no outer pipes", &(bare.join("\n") + "\n"));
}

#[test]
fn alignment_markers_give_identical_output() {
    let spec = real_spec();
    let delimiter = "| :--- | :--- | :--- |";
    assert_eq!(
        spec.matches(delimiter).count(),
        10,
        "one delimiter row per section"
    );
    for (variation, replacement) in [
        ("centre", "| :---: | :---: | :---: |"),
        ("right", "| ---: | ---: | ---: |"),
        ("none", "|---|---|---|"),
        ("mixed", "| :-: | --------: | - |"),
    ] {
        assert_same_output(variation, &spec.replace(delimiter, replacement));
    }
}

/// The spec cut before every `## ` heading: the intro and one file per section.
fn split_by_section(spec: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    for line in spec.split_inclusive('\n') {
        if line.starts_with("## ") {
            parts.push(String::new());
        }
        parts.last_mut().unwrap().push_str(line);
    }
    parts
}

#[test]
fn spec_split_over_several_files_gives_identical_output() {
    let parts = split_by_section(&real_spec());
    assert_eq!(parts.len(), 11, "the intro and ten sections");
    let files: Vec<(String, Vec<u8>)> = parts
        .into_iter()
        .enumerate()
        .map(|(index, part)| (format!("spec/part-{index:02}.md"), part.into_bytes()))
        .collect();
    let files: Vec<(&str, Vec<u8>)> = files
        .iter()
        .map(|(path, bytes)| (path.as_str(), bytes.clone()))
        .collect();
    assert!(generated_source(&files) == original_source());
}

#[test]
fn every_variation_at_once_gives_identical_output() {
    let parts = split_by_section(&real_spec());
    let files: Vec<(String, Vec<u8>)> = parts
        .into_iter()
        .enumerate()
        .map(|(index, part)| {
            let part = part.replace("| :--- | :--- | :--- |", "|:---:|---:|---|");
            let part = if index % 2 == 0 {
                format!("\u{feff}{}", part.replace('\n', "\r\n"))
            } else {
                format!("{part}\n\n\n")
            };
            // Nested directories are read too, in path order.
            (format!("spec/{index:02}/part.md"), part.into_bytes())
        })
        .collect();
    let files: Vec<(&str, Vec<u8>)> = files
        .iter()
        .map(|(path, bytes)| (path.as_str(), bytes.clone()))
        .collect();
    assert!(generated_source(&files) == original_source());
}

/// The comparison above can fail: a real change to a row changes the output.
#[test]
fn a_changed_row_changes_the_output() {
    let changed = real_spec().replace(
        "| `MissingObjectId` | 104 |",
        "| `MissingObjectId` | 1040 |",
    );
    assert_ne!(changed, real_spec());
    let source = generated_source(&[("spec/error-codes.md", changed.into_bytes())]);
    assert!(source != original_source());
}

// ----------------------------------------------------------------------
// End to end: a bad spec fails a real `cargo build`
// ----------------------------------------------------------------------

/// Every `error_codes.rs` in an `OUT_DIR` of this package under `target`.
fn generated_files(target: &Path) -> Vec<PathBuf> {
    let build = target.join("debug/build");
    let Ok(entries) = fs::read_dir(&build) else {
        return Vec::new();
    };
    entries
        .map(|entry| entry.unwrap().path())
        .filter(|dir| {
            dir.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("parse-error-codes-"))
        })
        .map(|dir| dir.join("out").join("error_codes.rs"))
        .filter(|file| file.exists())
        .collect()
}

fn cargo_build(crate_dir: &Path, target: &Path) -> std::process::Output {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "--lib", "--color", "never"])
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cannot run cargo")
}

#[test]
fn bad_spec_fails_a_real_cargo_build() {
    let root = &crate::crate_root();
    // Persistent, so that dependencies compile once; the copy keeps one path so
    // that its OUT_DIR is the same from run to run.
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad-spec-build");
    let crate_dir = work.join("crate");
    let target = work.join("target");
    crate::standalone_crate::copy_crate(root, &crate_dir);
    // An earlier run's build script, if the generator has changed since, had
    // an OUT_DIR of its own: its file is not this run's to judge.
    for stale in generated_files(&target) {
        fs::remove_file(stale).unwrap();
    }

    // The good spec builds and leaves its generated file, so that the final check
    // that no file is left is not vacuous.
    let good = cargo_build(&crate_dir, &target);
    assert!(
        good.status.success(),
        "the copy does not build with the real spec:\n{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(
        !generated_files(&target).is_empty(),
        "no error_codes.rs after a good build"
    );

    // Line 13 is `MissingObjectId`; its code starts at column 23.
    let spec_path = crate_dir.join("spec/error-codes.md");
    let spec = fs::read_to_string(&spec_path).unwrap();
    let line = spec.lines().nth(12).unwrap();
    assert!(line.starts_with("| `MissingObjectId` | 104 |"), "{line}");
    let broken = spec.replacen(
        "| `MissingObjectId` | 104 |",
        "| `MissingObjectId` | 1O4 |",
        1,
    );
    // A read-only copy of the seed stays read-only: replace the file.
    fs::remove_file(&spec_path).unwrap();
    fs::write(&spec_path, broken).unwrap();

    let bad = cargo_build(&crate_dir, &target);
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success(), "the build succeeded:\n{stderr}");
    // Cargo indents the build script's stderr.
    let lines: Vec<&str> = stderr.lines().map(str::trim).collect();
    let message = "spec/error-codes.md:13:23: error: code `1O4` is not a decimal integer";
    let at = lines.iter().position(|line| *line == message);
    assert!(
        at.is_some(),
        "the diagnostic is missing from stderr:\n{stderr}"
    );
    assert_eq!(
        lines.get(at.unwrap_or(0) + 1).copied(),
        Some("= help: write the code as a plain decimal number such as `101` or `-1`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: the Parse error-code spec has 1 error; no code was generated"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("panicked at"),
        "the build script panicked:\n{stderr}"
    );
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
    assert_eq!(
        generated_files(&target),
        Vec::<PathBuf>::new(),
        "a generated file was left behind"
    );
}
