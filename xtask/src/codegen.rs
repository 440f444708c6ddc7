//! `cargo xtask codegen [--check]`: the committed snapshot of the generator's
//! output, and the drift check that keeps it honest.
//!
//! The snapshot is `tests/snapshots/error_codes.rs`, byte for byte what
//! `build.rs` writes to `OUT_DIR`, so a reviewer sees in a pull request exactly
//! how a spec edit changes the generated code. `tests/snapshots/catalogue.tsv`
//! lists the catalogue behind it (see [`crate::catalogue`]) so that the check
//! can say what a drift does to the API.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::api_diff::{self, Change};
use crate::catalogue::Listing;
use crate::diff::unified_diff;
use crate::generator::{self, Diagnostic, GENERATED_FILE_NAME};

/// Where the snapshots live, relative to the workspace root.
pub const SNAPSHOT_DIR: &str = "tests/snapshots";
/// The catalogue listing next to the generated-code snapshot.
pub const LISTING_FILE_NAME: &str = "catalogue.tsv";
/// The command that brings the snapshots back in sync.
pub const FIX_COMMAND: &str = "cargo xtask codegen";

/// Lines of unified diff shown at most, so a rewrite of the whole file does not
/// bury the API summary.
const MAX_DIFF_LINES: usize = 80;
const DIFF_CONTEXT: usize = 3;

const USAGE: &str = "\
usage: cargo xtask codegen [--check]
  (no flag)  regenerate tests/snapshots/ from spec/ with the generator in build.rs
  --check    compare instead of writing: exit 0 in sync, 1 on drift, 2 on a bad spec";

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn main(args: &[String]) -> ExitCode {
    let mut check_only = false;
    // `--root` is for the xtask's own tests, which work on copies of the crate.
    let mut root = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check_only = true,
            "--root" => match args.next() {
                Some(path) => root = Some(PathBuf::from(path)),
                None => return usage_error("`--root` needs a directory"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage_error(&format!("unknown argument `{other}`")),
        }
    }
    let root = root.unwrap_or_else(workspace_root);
    let outcome = check(&root);
    if check_only {
        outcome.print();
        return outcome.exit_code();
    }
    match outcome {
        Outcome::BadSpec(_) => {
            outcome.print();
            outcome.exit_code()
        }
        Outcome::UpToDate(counts) => {
            println!("codegen: {SNAPSHOT_DIR}/ already up to date ({counts})");
            ExitCode::SUCCESS
        }
        Outcome::Drift(drift) => match write(&root, &drift.expected) {
            Ok(()) => {
                println!(
                    "codegen: wrote {} ({})",
                    drift
                        .stale
                        .iter()
                        .map(|stale| stale.path.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    drift.counts
                );
                print!("{}", drift.api_summary());
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("codegen: {error}");
                ExitCode::FAILURE
            }
        },
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("codegen: {message}\n{USAGE}");
    ExitCode::from(2)
}

/// Sizes of a catalogue, for the one-line reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub kinds: usize,
    pub codes: usize,
    pub categories: usize,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} kinds, {} codes, {} categories",
            self.kinds, self.codes, self.categories
        )
    }
}

/// One snapshot file: its path relative to the root and the text it must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotFile {
    pub path: String,
    pub contents: String,
}

/// A snapshot file that does not hold what it must.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stale {
    pub path: String,
    /// Its committed text, line endings normalised; `None` when unreadable.
    pub committed: Option<String>,
    pub reason: String,
}

#[derive(Clone, Debug)]
pub struct Drift {
    pub counts: Counts,
    pub stale: Vec<Stale>,
    pub expected: Vec<SnapshotFile>,
    /// The API changes from the committed listing, or why they are unknown.
    pub changes: Result<Vec<Change>, String>,
}

#[derive(Clone, Debug)]
pub enum Outcome {
    UpToDate(Counts),
    Drift(Drift),
    BadSpec(Vec<Diagnostic>),
}

impl Outcome {
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.exit_status())
    }

    pub fn exit_status(&self) -> u8 {
        match self {
            Outcome::UpToDate(_) => 0,
            Outcome::Drift(_) => 1,
            Outcome::BadSpec(_) => 2,
        }
    }

    /// The report of `--check`.
    pub fn report(&self) -> String {
        match self {
            Outcome::UpToDate(counts) => format!("codegen: up to date ({counts})\n"),
            Outcome::BadSpec(diagnostics) => generator::render_diagnostics(diagnostics),
            Outcome::Drift(drift) => drift.report(),
        }
    }

    /// Prints the report: on stdout when in sync, on stderr otherwise.
    pub fn print(&self) {
        match self {
            Outcome::UpToDate(_) => print!("{}", self.report()),
            _ => eprint!("{}", self.report()),
        }
    }
}

impl Drift {
    fn report(&self) -> String {
        let mut out = String::new();
        for stale in &self.stale {
            let _ = writeln!(out, "codegen: {} is stale: {}", stale.path, stale.reason);
        }
        // One diff is enough: the code snapshot when it drifted, else the listing.
        // A missing file gets no diff: it would be the whole file.
        if let Some((committed, stale, expected)) = self.stale.iter().find_map(|stale| {
            let committed = stale.committed.as_deref()?;
            let expected = self.expected.iter().find(|file| file.path == stale.path)?;
            Some((committed, stale, expected))
        }) {
            let diff = unified_diff(
                committed,
                &expected.contents,
                &format!("{} (committed)", stale.path),
                &format!("{} (generated from spec/)", stale.path),
                DIFF_CONTEXT,
                MAX_DIFF_LINES,
            );
            out.push('\n');
            out.push_str(&diff);
        }
        out.push('\n');
        out.push_str(&self.api_summary());
        let _ = writeln!(
            out,
            "\nfix: run `{FIX_COMMAND}`, then commit {SNAPSHOT_DIR}/ with the change"
        );
        out
    }

    /// What the drift does to the API, one classified line per change.
    pub fn api_summary(&self) -> String {
        match &self.changes {
            Err(reason) => format!("API changes: unknown ({reason})\n"),
            Ok(changes) => match api_diff::overall(changes) {
                None => "API changes: none; the catalogue is the same, only the generated code \
                         differs (src/generator/ emits or formats it differently, or the snapshot was \
                         edited by hand)\n"
                    .to_owned(),
                Some(class) => {
                    let mut out =
                        format!("API changes from the committed snapshot to spec/: {class}\n");
                    // Most severe first: that is what decides the version bump.
                    let mut changes: Vec<&Change> = changes.iter().collect();
                    changes.sort_by_key(|change| std::cmp::Reverse(change.class()));
                    for change in changes {
                        let _ = writeln!(out, "  {:<10} {change}", format!("{}:", change.class()));
                    }
                    out
                }
            },
        }
    }
}

/// The snapshot files as the generator produces them from `<root>/spec`.
pub fn expected_snapshots(
    root: &Path,
) -> Result<(Counts, Listing, Vec<SnapshotFile>), Vec<Diagnostic>> {
    let generated = generator::generate(root)?;
    let counts = Counts {
        kinds: generated.catalogue.kinds.len(),
        codes: generated.catalogue.codes.len(),
        categories: generated.catalogue.categories.len(),
    };
    let listing = Listing::from_catalogue(&generated.catalogue);
    let files = vec![
        SnapshotFile {
            path: format!("{SNAPSHOT_DIR}/{GENERATED_FILE_NAME}"),
            contents: generated.source,
        },
        SnapshotFile {
            path: format!("{SNAPSHOT_DIR}/{LISTING_FILE_NAME}"),
            contents: listing.render(),
        },
    ];
    Ok((counts, listing, files))
}

/// A committed text file with CRLF line endings read as LF, so that a checkout
/// with `core.autocrlf` does not look like drift.
fn read_committed(path: &Path) -> Result<String, String> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok(text.replace("\r\n", "\n")),
            Err(_) => Err("it is not valid UTF-8".to_owned()),
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            Err("it does not exist".to_owned())
        }
        Err(error) => Err(format!("it cannot be read: {error}")),
    }
}

/// Regenerates in memory and compares with the committed snapshots.
pub fn check(root: &Path) -> Outcome {
    let (counts, listing, expected) = match expected_snapshots(root) {
        Ok(expected) => expected,
        Err(diagnostics) => return Outcome::BadSpec(diagnostics),
    };
    let mut stale = Vec::new();
    for file in &expected {
        match read_committed(&root.join(&file.path)) {
            Ok(committed) if committed == file.contents => {}
            Ok(committed) => stale.push(Stale {
                path: file.path.clone(),
                committed: Some(committed),
                reason: "it differs from what build.rs generates from spec/".to_owned(),
            }),
            Err(reason) => stale.push(Stale {
                path: file.path.clone(),
                committed: None,
                reason,
            }),
        }
    }
    if stale.is_empty() {
        return Outcome::UpToDate(counts);
    }
    let listing_path = format!("{SNAPSHOT_DIR}/{LISTING_FILE_NAME}");
    let changes = read_committed(&root.join(&listing_path))
        .and_then(|text| Listing::parse(&text))
        .map(|committed| api_diff::compare(&committed, &listing))
        .map_err(|reason| format!("{listing_path}: {reason}"));
    Outcome::Drift(Drift {
        counts,
        stale,
        expected,
        changes,
    })
}

/// Writes the snapshot files that differ.
pub fn write(root: &Path, files: &[SnapshotFile]) -> Result<(), String> {
    let dir = root.join(SNAPSHOT_DIR);
    std::fs::create_dir_all(&dir)
        .map_err(|error| format!("cannot create {SNAPSHOT_DIR}/: {error}"))?;
    for file in files {
        generator::write_if_changed(&root.join(&file.path), &file.contents)
            .map_err(|error| format!("cannot write {}: {error}", file.path))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api_diff::Class;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const SPEC: &str = "spec/error-codes.md";
    const INVALID_POINTER_ROW: &str = "| `InvalidPointer` | 106 | A malformed pointer was used. You would typically only see this if you have modified a client SDK. |\n";
    const INVALID_IMAGE_DATA_ROW: &str = "| `InvalidImageData` | 150 | Invalid image data. |\n";
    const USER_INVALID_LOGIN_PARAMS_ROW: &str = "| `UserInvalidLoginParams` | 101 | Invalid login parameters. Check error message for more details. |\n";
    const INVALID_QUERY_ROW_START: &str = "| `InvalidQuery` | 102 |";
    const INVALID_CLASS_NAME_ROW_START: &str = "| `InvalidClassName` | 103 |";
    const OBJECT_NOT_FOUND_ROW_START: &str = "| `ObjectNotFound` | 101 |";

    /// A copy of the workspace's `spec/` with its snapshots, in a fresh
    /// directory that is removed on drop.
    struct Fixture {
        root: PathBuf,
        original_spec: String,
    }

    impl Fixture {
        fn new(label: &str) -> Fixture {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let root = std::env::temp_dir().join(format!(
                "xtask-codegen-{label}-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&root);
            copy_dir(&workspace_root().join("spec"), &root.join("spec"));
            let (_, _, files) = expected_snapshots(&root).expect("the workspace spec is valid");
            write(&root, &files).expect("write the snapshots");
            let original_spec = std::fs::read_to_string(root.join(SPEC)).expect("read spec");
            let fixture = Fixture {
                root,
                original_spec,
            };
            fixture.assert_clean();
            fixture
        }

        fn set_spec(&self, text: &str) {
            std::fs::write(self.root.join(SPEC), text).expect("write spec");
        }

        fn check(&self) -> Outcome {
            check(&self.root)
        }

        fn assert_clean(&self) {
            match self.check() {
                Outcome::UpToDate(counts) => assert_eq!(
                    counts,
                    Counts {
                        kinds: 115,
                        codes: 86,
                        categories: 10
                    }
                ),
                other => panic!("expected no drift, got:\n{}", other.report()),
            }
        }

        /// Applies `edit` to the spec, checks, restores the spec and checks again.
        fn changes_after(&self, edit: impl FnOnce(&str) -> String) -> (Vec<Change>, String) {
            self.set_spec(&edit(&self.original_spec));
            let outcome = self.check();
            assert_eq!(outcome.exit_status(), 1, "{}", outcome.report());
            let report = outcome.report();
            let Outcome::Drift(drift) = outcome else {
                unreachable!("exit status 1 is drift")
            };
            let changes = drift.changes.expect("the committed listing is readable");
            self.set_spec(&self.original_spec);
            self.assert_clean();
            (changes, report)
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("create dir");
        for entry in std::fs::read_dir(from).expect("read dir") {
            let entry = entry.expect("dir entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("file type").is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).expect("copy file");
            }
        }
    }

    /// `text` with the single occurrence of `from` replaced by `to`.
    fn replace_once(text: &str, from: &str, to: &str) -> String {
        assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
        text.replacen(from, to, 1)
    }

    /// The whole line starting with `start`, newline included.
    fn line_starting(text: &str, start: &str) -> String {
        let line = text
            .lines()
            .find(|line| line.starts_with(start))
            .unwrap_or_else(|| panic!("no line starts with `{start}`"));
        format!("{line}\n")
    }

    fn classes(changes: &[Change]) -> Vec<Class> {
        changes.iter().map(Change::class).collect()
    }

    #[test]
    fn adding_a_row_with_a_new_code_is_additive() {
        let fixture = Fixture::new("add");
        let new_row = "| `BrandNewError` | 9999 | A row added by a test. |\n";
        let (changes, report) = fixture.changes_after(|spec| {
            replace_once(
                spec,
                INVALID_POINTER_ROW,
                &format!("{INVALID_POINTER_ROW}{new_row}"),
            )
        });
        assert_eq!(
            changes,
            [Change::KindAdded {
                name: "BrandNewError".into(),
                code: 9999,
                category: "Api".into(),
                code_is_new: true,
            }]
        );
        assert_eq!(api_diff::overall(&changes), Some(Class::Additive));
        assert!(report.contains("API changes from the committed snapshot to spec/: additive\n"));
        assert!(report.contains(
            "  additive:  new kind `ErrorKind::BrandNewError` (code 9999, a new code) in `Category::Api`\n"
        ));
    }

    #[test]
    fn adding_a_row_with_an_existing_code_is_additive_after_and_breaking_before() {
        let fixture = Fixture::new("add-shared");
        let new_row = "| `ObjectMissing` | 101 | Another name for 101. |\n";
        let added = Change::KindAdded {
            name: "ObjectMissing".into(),
            code: 101,
            category: "Api".into(),
            code_is_new: false,
        };

        let (changes, _) = fixture.changes_after(|spec| {
            let object_not_found = line_starting(spec, OBJECT_NOT_FOUND_ROW_START);
            replace_once(
                spec,
                &object_not_found,
                &format!("{object_not_found}{new_row}"),
            )
        });
        assert_eq!(changes, std::slice::from_ref(&added));
        assert_eq!(api_diff::overall(&changes), Some(Class::Additive));

        // Listed first, the new name becomes the canonical name of code 101.
        let (changes, _) = fixture.changes_after(|spec| {
            replace_once(
                spec,
                USER_INVALID_LOGIN_PARAMS_ROW,
                &format!("{new_row}{USER_INVALID_LOGIN_PARAMS_ROW}"),
            )
        });
        assert_eq!(
            changes,
            [
                added,
                Change::CanonicalKindChanged {
                    code: 101,
                    from: "UserInvalidLoginParams".into(),
                    to: "ObjectMissing".into(),
                },
            ]
        );
        assert_eq!(classes(&changes), [Class::Additive, Class::Breaking]);
    }

    #[test]
    fn removing_a_row_is_breaking() {
        let fixture = Fixture::new("remove");
        let (changes, _) =
            fixture.changes_after(|spec| replace_once(spec, INVALID_POINTER_ROW, ""));
        assert_eq!(
            changes,
            [Change::KindRemoved {
                name: "InvalidPointer".into(),
                code: 106,
                code_still_documented: false,
            }]
        );
        assert_eq!(classes(&changes), [Class::Breaking]);
    }

    #[test]
    fn renaming_a_name_is_one_breaking_rename() {
        let fixture = Fixture::new("rename");
        let (changes, report) = fixture.changes_after(|spec| {
            replace_once(
                spec,
                "| `InvalidPointer` | 106 |",
                "| `MalformedPointer` | 106 |",
            )
        });
        assert_eq!(
            changes,
            [Change::KindRenamed {
                from: "InvalidPointer".into(),
                to: "MalformedPointer".into(),
                code: 106,
            }]
        );
        assert_eq!(classes(&changes), [Class::Breaking]);
        // The whole report, in the order a reviewer reads it.
        let stale = report
            .find("codegen: tests/snapshots/error_codes.rs is stale: it differs from what build.rs generates from spec/\n")
            .expect("names the stale snapshot");
        let diff = report
            .find("--- tests/snapshots/error_codes.rs (committed)\n+++ tests/snapshots/error_codes.rs (generated from spec/)\n@@ ")
            .expect("a unified diff");
        let removed = report
            .find("\n-    InvalidPointer,\n")
            .expect("the old variant");
        let added = report
            .find("\n+    MalformedPointer,\n")
            .expect("the new variant");
        let summary = report
            .find("API changes from the committed snapshot to spec/: breaking\n  breaking:  kind renamed `ErrorKind::InvalidPointer` -> `ErrorKind::MalformedPointer` (code 106)\n")
            .expect("the API summary");
        assert!(stale < diff && diff < removed && removed < added && added < summary);
        assert!(
            report.ends_with(
                "\nfix: run `cargo xtask codegen`, then commit tests/snapshots/ with the change\n"
            ),
            "{report}"
        );
        let diff_lines = report[diff..summary].lines().count();
        assert!(
            diff_lines <= MAX_DIFF_LINES + 4,
            "diff of {diff_lines} lines"
        );
    }

    #[test]
    fn changing_a_code_is_breaking() {
        let fixture = Fixture::new("code");
        let (changes, _) = fixture.changes_after(|spec| {
            replace_once(
                spec,
                "| `InvalidPointer` | 106 |",
                "| `InvalidPointer` | 9106 |",
            )
        });
        assert_eq!(
            changes,
            [Change::CodeChanged {
                name: "InvalidPointer".into(),
                from: 106,
                to: 9106,
            }]
        );
        assert_eq!(classes(&changes), [Class::Breaking]);
    }

    #[test]
    fn moving_a_row_to_another_section_is_breaking_and_not_a_reorder() {
        let fixture = Fixture::new("move");
        let (changes, _) = fixture.changes_after(|spec| {
            let spec = replace_once(spec, INVALID_IMAGE_DATA_ROW, "");
            let file_table_first_row = line_starting(&spec, "| `InvalidFileName` | 122 |");
            replace_once(
                &spec,
                &file_table_first_row,
                &format!("{file_table_first_row}{INVALID_IMAGE_DATA_ROW}"),
            )
        });
        assert_eq!(
            changes,
            [Change::KindMoved {
                name: "InvalidImageData".into(),
                from: "Api".into(),
                to: "File".into(),
            }]
        );
        assert_eq!(classes(&changes), [Class::Breaking]);
    }

    #[test]
    fn editing_a_description_is_docs_only() {
        let fixture = Fixture::new("description");
        let (changes, _) = fixture.changes_after(|spec| {
            replace_once(
                spec,
                "A malformed pointer was used.",
                "A malformed pointer was sent.",
            )
        });
        assert_eq!(
            changes,
            [Change::DescriptionChanged {
                name: "InvalidPointer".into()
            }]
        );
        assert_eq!(classes(&changes), [Class::DocsOnly]);
    }

    #[test]
    fn renaming_a_heading_title_is_docs_only() {
        let fixture = Fixture::new("title");
        let (changes, _) = fixture.changes_after(|spec| {
            replace_once(
                spec,
                "## API 问题 {#api-issues}",
                "## API 错误 {#api-issues}",
            )
        });
        assert_eq!(
            changes,
            [Change::TitleChanged {
                anchor: "api-issues".into(),
                from: "API 问题".into(),
                to: "API 错误".into(),
            }]
        );
        assert_eq!(classes(&changes), [Class::DocsOnly]);
    }

    #[test]
    fn changing_an_anchor_is_one_breaking_change() {
        let fixture = Fixture::new("anchor");
        let (changes, report) =
            fixture.changes_after(|spec| replace_once(spec, "{#api-issues}", "{#api-problems}"));
        assert_eq!(
            changes,
            [Change::AnchorChanged {
                from: "api-issues".into(),
                to: "api-problems".into(),
                variant_from: "Api".into(),
                variant_to: "ApiProblems".into(),
            }]
        );
        assert_eq!(classes(&changes), [Class::Breaking]);
        assert!(report.contains(
            "  breaking:  category anchor changed #api-issues -> #api-problems, `Category::Api` -> `Category::ApiProblems`\n"
        ));
    }

    #[test]
    fn reordering_rows_is_order_only_unless_a_canonical_name_changes() {
        let fixture = Fixture::new("reorder");
        let swap = |spec: &str, first: &str, second: &str| {
            let first = line_starting(spec, first);
            let second = line_starting(spec, second);
            replace_once(
                spec,
                &format!("{first}{second}"),
                &format!("{second}{first}"),
            )
        };

        let (changes, report) = fixture.changes_after(|spec| {
            swap(spec, INVALID_QUERY_ROW_START, INVALID_CLASS_NAME_ROW_START)
        });
        assert_eq!(
            changes,
            [Change::KindsReordered {
                names: vec!["InvalidClassName".into()]
            }]
        );
        assert_eq!(classes(&changes), [Class::DocsOnly]);
        assert!(report.contains("API changes from the committed snapshot to spec/: docs only\n"));
        assert!(report.contains("  docs only: order only: rows reordered"));

        // Code 101's rows swapped: `ErrorCode::new(101).kind()` changes.
        let (changes, _) = fixture.changes_after(|spec| {
            swap(
                spec,
                "| `UserInvalidLoginParams` | 101 |",
                OBJECT_NOT_FOUND_ROW_START,
            )
        });
        assert_eq!(
            changes,
            [
                Change::CanonicalKindChanged {
                    code: 101,
                    from: "UserInvalidLoginParams".into(),
                    to: "ObjectNotFound".into(),
                },
                Change::KindsReordered {
                    names: vec!["ObjectNotFound".into()]
                },
            ]
        );
        assert_eq!(api_diff::overall(&changes), Some(Class::Breaking));
    }

    #[test]
    fn a_bad_spec_exits_2_with_the_generator_diagnostics() {
        let fixture = Fixture::new("bad");
        let line = fixture
            .original_spec
            .lines()
            .position(|line| line.starts_with("| `InvalidPointer` |"))
            .expect("the row")
            + 2;
        fixture.set_spec(&replace_once(
            &fixture.original_spec,
            INVALID_POINTER_ROW,
            &format!("{INVALID_POINTER_ROW}{INVALID_POINTER_ROW}"),
        ));
        let outcome = fixture.check();
        assert_eq!(outcome.exit_status(), 2);
        let Outcome::BadSpec(diagnostics) = &outcome else {
            panic!("expected diagnostics, got:\n{}", outcome.report())
        };
        assert_eq!(outcome.report(), generator::render_diagnostics(diagnostics));
        assert!(
            outcome
                .report()
                .contains(&format!("spec/error-codes.md:{line}:")),
            "{}",
            outcome.report()
        );
        assert!(outcome.report().contains("InvalidPointer"));
        fixture.set_spec(&fixture.original_spec);
        fixture.assert_clean();
    }

    #[test]
    fn crlf_snapshots_are_not_drift() {
        let fixture = Fixture::new("crlf");
        for name in [GENERATED_FILE_NAME, LISTING_FILE_NAME] {
            let path = fixture.root.join(SNAPSHOT_DIR).join(name);
            let text = std::fs::read_to_string(&path).expect("read snapshot");
            assert!(!text.contains('\r'));
            std::fs::write(&path, text.replace('\n', "\r\n")).expect("write snapshot");
        }
        fixture.assert_clean();
        // A real difference still shows through the normalisation.
        let (changes, _) =
            fixture.changes_after(|spec| replace_once(spec, INVALID_POINTER_ROW, ""));
        assert_eq!(classes(&changes), [Class::Breaking]);
    }

    #[test]
    fn a_missing_snapshot_is_drift_without_a_diff() {
        let fixture = Fixture::new("missing");
        std::fs::remove_file(fixture.root.join(SNAPSHOT_DIR).join(GENERATED_FILE_NAME))
            .expect("remove snapshot");
        let outcome = fixture.check();
        assert_eq!(outcome.exit_status(), 1);
        let report = outcome.report();
        assert!(report
            .starts_with("codegen: tests/snapshots/error_codes.rs is stale: it does not exist\n"));
        assert!(!report.contains("\n--- "), "{report}");
        assert!(report.contains("API changes: none;"), "{report}");
    }

    #[test]
    fn generation_is_deterministic_across_runs_and_checkout_paths() {
        let first = Fixture::new("determinism-a");
        let second_root = first.root.with_file_name(format!(
            "{}-a-much-longer-checkout-path",
            first
                .root
                .file_name()
                .and_then(|n| n.to_str())
                .expect("utf-8 name")
        ));
        let _ = std::fs::remove_dir_all(&second_root);
        copy_dir(&first.root.join("spec"), &second_root.join("spec"));

        let (_, _, once) = expected_snapshots(&first.root).expect("generate");
        let (_, _, twice) = expected_snapshots(&first.root).expect("generate again");
        let (_, _, elsewhere) = expected_snapshots(&second_root).expect("generate elsewhere");
        let _ = std::fs::remove_dir_all(&second_root);
        assert_eq!(once, twice);
        assert_eq!(once, elsewhere);
        for file in &once {
            assert!(!file.contents.contains(&*first.root.to_string_lossy()));
        }
    }
}
