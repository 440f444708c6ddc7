//! Every spec the generator accepts compiles, and reads back as written.
//!
//! Valid specs built to be hostile: kind names and anchors that spell
//! prelude, core and std items, trait and associated-type names
//! (`Err`, `Ok`, `Some`, `Iterator`, `Item`, `Target`...), keyword-adjacent
//! words and the crate's own item names; titles and descriptions holding
//! characters of every Unicode general category that a spec may hold
//! (format characters and text-direction controls included), plus a sweep
//! of the whole code space. Each spec goes through the generator, and all of
//! them are compiled for real, in one `rustc` run, as one binary that holds
//! one copy of the library's modules per spec (`src/code.rs`, `src/kind.rs`,
//! `src/text.rs` and the generated items, wired as `src/lib.rs` wires them).
//! Running the binary then checks that every name, code, description, title
//! and anchor comes back exactly as the test wrote it; rustdoc documents the
//! same crate with every warning denied.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::generator::{generate_from_files, render_diagnostics, SpecFile};

/// Names a row may have that could meet something in the generated or
/// hand-written code: std/core prelude items, common traits and their
/// associated types, keyword-adjacent words, the crate's own items and
/// methods, and shapes of identifiers (one letter, acronyms, digits).
#[rustfmt::skip]
const NAMES: &[&str] = &[
    // Prelude variants and types.
    "Err", "Ok", "Some", "None", "Result", "Option", "Box", "String", "Vec", "ToString",
    "ToOwned", "Default", "From", "Into", "TryFrom", "TryInto", "FromIterator", "Iterator",
    "IntoIterator", "DoubleEndedIterator", "ExactSizeIterator", "Extend", "AsRef", "AsMut",
    "Drop", "Fn", "FnMut", "FnOnce", "Send", "Sync", "Sized", "Unpin", "Copy", "Clone", "Eq",
    "PartialEq", "Ord", "PartialOrd", "Hash", "Hasher", "Debug", "Display", "Error", "FromStr",
    "Formatter", "Write", "Read", "Ordering", "Less", "Equal", "Greater", "PhantomData", "Cow",
    "Rc", "Arc", "Cell", "RefCell", "Pin", "Future", "Poll", "Borrow", "Deref", "DerefMut",
    "Index", "Add", "Neg", "Not", "Range", "Duration",
    // Associated types and type-parameter names.
    "Item", "Output", "Target", "Value", "Owned", "Rhs", "Args", "Ok2", "Residual", "Idx", "T",
    "E", "K", "V", "S", "D", "A", "B", "X",
    // Keyword-adjacent (capitalised keywords other than `Self` are plain identifiers).
    "SelfType", "Selfish", "Super", "Crate", "Mod", "Type", "Impl", "Dyn", "Async", "Await",
    "Union", "Static", "Const", "Macro", "MacroRules", "Raw", "Safe", "Gen", "Try", "Yield",
    "Match", "Loop", "Ref", "Mut", "Move", "Return", "Where", "Use", "Pub", "Extern",
    "Abstract", "Final", "Override", "Virtual", "Become", "Typeof", "Unsized", "Do", "Box2",
    "Core", "Std", "Alloc", "Prelude", "Main", "Test", "Cfg", "Doc", "Derive", "Allow", "Deny",
    "Forbid", "Warn", "Path", "Include", "Env", "Concat", "Panic", "Unreachable", "Todo",
    "Assert", "Matches", "Format", "Println", "Str", "Char", "Bool", "I32", "U8", "Usize",
    "F64", "Never",
    // The crate's own items, helpers and methods.
    "ErrorCode", "ErrorKind", "Category", "UnknownCategoryError", "UnknownKindError",
    "InvalidCodeError", "ParseErrorCodeError", "ParseError", "BatchItem", "BatchResponse",
    "ExactJson", "GraphQlError", "GraphQlResponse", "LiveQueryError", "KindRow", "CategoryRow",
    "Excerpt", "Kinds", "Categories", "BytesEq", "Row", "Name", "Code", "Description", "Title",
    "Anchor", "New", "Get", "Kind", "IsKnown", "FromName", "FromAnchor", "All", "Generated",
    "ServerTruth",
    // Shapes: acronyms, digits, long.
    "ABC", "HTTP2", "X509Error", "IOError", "A1", "Z9Z9", "InvalidJSON",
    "AVeryLongNameThatGoesOnAndOnForSixtyFourCharactersOrSoJustToSee",
];

/// Anchors whose category variants spell the same kinds of names.
#[rustfmt::skip]
const ANCHORS: &[&str] = &[
    "err", "ok", "some", "none", "result", "option", "box", "string", "vec", "default", "from",
    "into", "iterator", "item", "output", "target", "value", "error", "debug", "display",
    "hash", "eq", "ord", "copy", "clone", "send", "sync", "sized", "fn", "from-str",
    "to-string", "error-code", "error-kind", "category", "all", "kinds", "categories",
    "kind-row", "category-row", "excerpt", "unknown-category-error", "invalid-code-error",
    "parse-error-code-error", "super", "crate", "type", "mod", "self-type", "core", "std",
    "alloc", "x1", "http2-errors", "a-b-c", "err-errors", "ok-related-errors", "none-issues",
    "t", "e",
];

/// One or more characters of every Unicode general category a title or a
/// description may hold (every one but `Cc`, which the check rejects, and
/// `Cs`, which no Rust string holds), every format character (`Cf`)
/// including the text-direction controls, and the escapes that markdown
/// resolves.
fn category_samples() -> Vec<char> {
    let mut samples = vec![
        'A',
        'Z',
        'Ä',
        'Ω', // Lu
        'a',
        'z',
        'ß',
        'ω', // Ll
        'ǅ',
        'ᾼ', // Lt
        'ʰ',
        'ー', // Lm
        '错',
        'א',
        'ا',
        'ก', // Lo
        '\u{301}',
        '\u{5B0}', // Mn
        'ः',
        '\u{1D165}', // Mc
        '\u{20DD}',
        '\u{488}', // Me
        '0',
        '٣',
        '𝟘', // Nd
        'Ⅻ',
        '〇', // Nl
        '²',
        '½', // No
        '_',
        '‿', // Pc
        '-',
        '—',
        '〜', // Pd
        '(',
        '[',
        '{',
        '「', // Ps
        ')',
        ']',
        '}',
        '」', // Pe
        '«',
        '‘',
        '“', // Pi
        '»',
        '’',
        '”', // Pf
        '!',
        '"',
        '#',
        '%',
        '&',
        '\'',
        '*',
        ',',
        '.',
        '/',
        ':',
        ';',
        '?',
        '@',
        '\\',
        '¡', // Po
        '+',
        '<',
        '=',
        '>',
        '|',
        '~',
        '∑', // Sm
        '$',
        '€',
        '¥', // Sc
        '^',
        '`',
        '¨', // Sk
        '©',
        '°',
        '😀',
        '🏳', // So
        '\u{A0}',
        '\u{2000}',
        '\u{3000}', // Zs
        '\u{2028}', // Zl
        '\u{2029}', // Zp
        '\u{E000}',
        '\u{F0000}',
        '\u{10FFFD}', // Co
        '\u{378}',
        '\u{FFFE}',
        '\u{FFFF}',
        '\u{E0080}', // Cn
    ];
    // Cf, all of them (Unicode 15): text-direction controls among them.
    let format_ranges: &[(u32, u32)] = &[
        (0xAD, 0xAD),
        (0x600, 0x605),
        (0x61C, 0x61C),
        (0x6DD, 0x6DD),
        (0x70F, 0x70F),
        (0x890, 0x891),
        (0x8E2, 0x8E2),
        (0x180E, 0x180E),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x2064),
        (0x2066, 0x206F),
        (0xFEFF, 0xFEFF),
        (0xFFF9, 0xFFFB),
        (0x110BD, 0x110BD),
        (0x110CD, 0x110CD),
        (0x13430, 0x1343F),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0001, 0xE0001),
        (0xE0020, 0xE007F),
    ];
    for &(first, last) in format_ranges {
        samples.extend((first..=last).filter_map(char::from_u32));
    }
    // And a sweep of the whole code space, whatever category each falls in.
    samples.extend(
        (0x20..=0x10FFFF)
            .step_by(997)
            .filter_map(char::from_u32)
            .filter(|c| !c.is_control()),
    );
    samples
}

/// A character as markdown text that a reader sees as that character.
fn markdown_char(c: char) -> String {
    if c.is_ascii_punctuation() {
        format!("\\{c}")
    } else {
        c.to_string()
    }
}

/// Text that reads `plain`, with each sample between two letters so that
/// no markdown rule about the start or end of a cell or title applies.
struct Text {
    plain: String,
    markdown: String,
}

fn text(samples: &[char], with_code_span: bool) -> Text {
    let mut plain = String::from("t");
    let mut markdown = String::from("t");
    for &c in samples {
        plain.push(c);
        plain.push('x');
        markdown.push_str(&markdown_char(c));
        markdown.push('x');
    }
    if with_code_span {
        // Code spans keep their backticks in the text; no escape inside them.
        let inside: String = (samples.iter())
            .filter(|&&c| !matches!(c, '`' | '|' | '\\'))
            .flat_map(|&c| [c, 'y'])
            .collect();
        plain.push_str(&format!(" `y{inside}`"));
        markdown.push_str(&format!(" `y{inside}`"));
    }
    Text { plain, markdown }
}

struct Row {
    name: String,
    code: i32,
    description: Text,
}

struct Section {
    anchor: String,
    title: Text,
    rows: Vec<Row>,
}

/// Codes that are shared, extreme or ordinary.
const CODES: &[i32] = &[i32::MIN, -1, 0, 1, 101, 101, 101, 209, i32::MAX, 7, 7];

/// Splits the names, anchors and samples over `count` specs (each name and
/// anchor once per spec at most), and adds one spec that holds them all.
fn specs(count: usize) -> Vec<Vec<Section>> {
    let samples = category_samples();
    let mut sample_chunks = samples.chunks(7).cycle();
    let mut code = CODES.iter().cycle();
    let mut make_section = |anchor: &str, names: &[&str], index: usize| Section {
        anchor: anchor.to_owned(),
        title: text(sample_chunks.next().unwrap(), index.is_multiple_of(2)),
        rows: (names.iter().enumerate())
            .map(|(row, name)| Row {
                name: (*name).to_owned(),
                code: *code.next().unwrap(),
                description: text(sample_chunks.next().unwrap(), row.is_multiple_of(3)),
            })
            .collect(),
    };
    let mut specs = Vec::new();
    for spec in 0..count {
        let names: Vec<&str> = NAMES.iter().skip(spec).step_by(count).copied().collect();
        let anchors: Vec<&str> = ANCHORS.iter().skip(spec).step_by(count).copied().collect();
        let per_section = names.len().div_ceil(anchors.len()).max(1);
        let sections = (anchors.iter().zip(names.chunks(per_section)).enumerate())
            .map(|(index, (anchor, names))| make_section(anchor, names, index))
            .collect();
        specs.push(sections);
    }
    // Everything at once: every name beside every category variant (but
    // `err-errors` would name the category of `err` again).
    let anchors: Vec<&&str> = (ANCHORS.iter())
        .filter(|anchor| !anchor.ends_with("-errors") && !anchor.ends_with("-issues"))
        .collect();
    let per_section = NAMES.len().div_ceil(anchors.len());
    let all = (anchors
        .into_iter()
        .zip(NAMES.chunks(per_section))
        .enumerate())
    .map(|(index, (anchor, names))| make_section(anchor, names, index))
    .collect();
    specs.push(all);
    // And the smallest spec: one section, one row, one letter.
    specs.push(vec![make_section("e", &["E"], 1)]);
    // One code shared by more kinds than a doc lists by name.
    let names: Vec<String> = (0..40).map(|n| format!("Shared{n}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut shared = make_section("shared", &names, 0);
    shared.rows.iter_mut().for_each(|row| row.code = 251);
    specs.push(vec![shared]);
    specs
}

fn markdown(sections: &[Section]) -> String {
    let mut out = String::from("# Adversarial spec\n\n");
    for section in sections {
        let _ = write!(
            out,
            "## {} {{#{}}}\n\n| Name | Code | Description |\n| --- | --- | --- |\n",
            section.title.markdown, section.anchor
        );
        for row in &section.rows {
            // `\|` needs nothing more in a cell: the table unescapes it to `|`.
            let description = &row.description.markdown;
            let _ = writeln!(out, "| `{}` | {} | {} |", row.name, row.code, description);
        }
        out.push('\n');
    }
    out
}

/// A Rust string literal for `text`, written here (not by the generator):
/// everything but printable ASCII as a `\u{...}` escape.
fn rust_literal(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}

/// The module of one spec, wired as `src/lib.rs` wires the crate.
fn spec_module(index: usize, src: &Path, generated: &Path) -> String {
    let path = |file: &str| rust_literal(&src.join(file).display().to_string());
    format!(
        "pub mod s{index} {{
    #[path = {code}] mod code;
    #[path = {kind}] mod kind;
    #[path = {text}] mod text;
    pub use code::{{ErrorCode, InvalidCodeError}};
    pub use generated::{{Category, ErrorKind}};
    pub use kind::{{UnknownCategoryError, UnknownKindError}};
    mod generated {{
        use super::code::ErrorCode;
        use super::kind::{{bytes_eq, CategoryRow, KindRow}};
        include!({generated});
        pub(super) const KINDS: &[KindRow] = &KIND_ROWS;
        pub(super) const CATEGORIES: &[CategoryRow] = &CATEGORY_ROWS;
    }}
}}
",
        code = path("code.rs"),
        kind = path("kind.rs"),
        text = path("text.rs"),
        generated = rust_literal(&generated.display().to_string()),
    )
}

/// Checks that spec `index` reads back exactly as written.
fn spec_checks(index: usize, sections: &[Section]) -> String {
    let mut out = format!("fn check_s{index}() {{\n    use s{index}::*;\n");
    let kinds: usize = sections.iter().map(|section| section.rows.len()).sum();
    let _ = writeln!(out, "    assert_eq!(ErrorKind::ALL.len(), {kinds});");
    let _ = writeln!(
        out,
        "    assert_eq!(Category::ALL.len(), {});",
        sections.len()
    );
    for section in sections {
        let anchor = rust_literal(&section.anchor);
        let _ = writeln!(
            out,
            "    let c = Category::from_anchor({anchor}).unwrap();
    assert_eq!(c.title(), {title});
    assert_eq!(c.kinds().len(), {rows});
    assert_eq!({anchor}.parse::<Category>(), Ok(c));",
            title = rust_literal(&section.title.plain),
            rows = section.rows.len(),
        );
        for row in &section.rows {
            let name = rust_literal(&row.name);
            let _ = writeln!(
                out,
                "    let k = ErrorKind::from_name({name}).unwrap();
    assert_eq!((k.name(), k.code().get(), k.category()), ({name}, {code}, c));
    assert_eq!(k.description(), {description});
    assert_eq!({name}.parse::<ErrorKind>(), Ok(k));
    assert!(k.code().kinds().contains(&k));
    assert_eq!({name}.parse::<ErrorCode>().map(ErrorCode::get), Ok({code}));",
                code = row.code,
                description = rust_literal(&row.description.plain),
            );
        }
    }
    out.push_str("}\n");
    out
}

#[test]
fn every_adversarial_valid_spec_compiles_and_reads_back_as_written() {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("adversarial-specs");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src");
    let src = src.canonicalize().unwrap();

    let specs = specs(12);
    let mut main = String::from("#![allow(dead_code)]\n");
    let mut calls = String::new();
    for (index, sections) in specs.iter().enumerate() {
        let markdown = markdown(sections);
        let file = SpecFile::from_bytes("spec/adversarial.md", markdown.as_bytes()).unwrap();
        let generated = match generate_from_files(&[file]) {
            Ok(generated) => generated.source,
            Err(diagnostics) => panic!(
                "spec {index} is valid but was rejected:\n{}\n{markdown}",
                render_diagnostics(&diagnostics)
            ),
        };
        let generated_path: PathBuf = work.join(format!("s{index}.rs"));
        fs::write(&generated_path, generated).unwrap();
        fs::write(work.join(format!("s{index}.md")), &markdown).unwrap();
        main.push_str(&spec_module(index, &src, &generated_path));
        main.push_str(&spec_checks(index, sections));
        let _ = writeln!(calls, "    check_s{index}();");
    }
    let _ = write!(
        main,
        "fn main() {{\n{calls}    println!(\"read back\");\n}}\n"
    );
    // `code.rs` links to the crate's `server_truth` module in its docs.
    main.push_str("/// Stands in for the crate's module of that name.\npub mod server_truth {}\n");
    fs::write(work.join("main.rs"), &main).unwrap();

    let binary = work.join("adversarial");
    let compile = ["-C", "opt-level=0", "-C", "debuginfo=0", "-o"];
    run_quietly("RUSTC", "rustc", &work, compile, &binary);
    let ran = Command::new(&binary)
        .output()
        .expect("cannot run the binary");
    assert!(
        ran.status.success() && ran.stdout == b"read back\n",
        "a spec does not read back as written (see {}):\n{}",
        work.display(),
        String::from_utf8_lossy(&ran.stderr)
    );
    // The docs too: every intra-doc link to an adversarial name resolves, and
    // no text breaks rustdoc.
    run_quietly("RUSTDOC", "rustdoc", &work, ["-o"], &work.join("doc"));
}

/// Runs rustc or rustdoc (`$RUSTC`, `$RUSTDOC` if set) on `main.rs` in
/// `work`, every warning denied; it must succeed without a word.
fn run_quietly<const N: usize>(
    variable: &str,
    default: &str,
    work: &Path,
    args: [&str; N],
    output: &Path,
) {
    let program = std::env::var_os(variable).unwrap_or_else(|| default.into());
    let run = Command::new(program)
        .args([
            "--edition",
            "2021",
            "--crate-name",
            "adversarial",
            "-D",
            "warnings",
        ])
        .args(args)
        .arg(output)
        .arg(work.join("main.rs"))
        .output()
        .unwrap_or_else(|error| panic!("cannot run {default}: {error}"));
    assert!(
        run.status.success() && run.stderr.is_empty(),
        "{default} refused what the generator made of valid specs (see {}):\n{}",
        work.display(),
        String::from_utf8_lossy(&run.stderr)
    );
}
