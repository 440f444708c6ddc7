//! The xtask's command line through the real binary: the help, unknown
//! commands, and `codegen` on a small spec of its own (`--root`): exit
//! statuses, where reports go, and the drift classification users rely on.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A small spec: two sections, a code shared by two names.
const SPEC: &str = "\
# Error codes

## API issues {#api-issues}

| Name | Code | Description |
| :--- | :--- | :--- |
| `ObjectNotFound` | 101 | The object was not found. |
| `MissingObject` | 101 | Another name for 101. |
| `InvalidQuery` | 102 | The query is invalid. |

## File issues {#file-issues}

| Name | Code | Description |
| :--- | :--- | :--- |
| `InvalidFileName` | 122 | The file name is invalid. |
";

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A crate root with `spec/error-codes.md`, removed on drop.
struct TempRoot(PathBuf);

impl TempRoot {
    fn new(label: &str) -> TempRoot {
        let root = std::env::temp_dir().join(format!("xtask-cli-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("spec")).unwrap();
        let root = TempRoot(root);
        root.set_spec(SPEC);
        root
    }

    fn set_spec(&self, spec: &str) {
        std::fs::write(self.0.join("spec/error-codes.md"), spec).unwrap();
    }

    fn codegen(&self, check: bool) -> Output {
        let root = self.0.to_str().unwrap();
        match check {
            true => xtask(&["codegen", "--check", "--root", root]),
            false => xtask(&["codegen", "--root", root]),
        }
    }

    fn snapshot(&self) -> String {
        std::fs::read_to_string(Path::new(&self.0).join("tests/snapshots/error_codes.rs")).unwrap()
    }
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `--check` after `edit`: exit 1, the API summary's class line, the whole stderr.
fn drift_after(root: &TempRoot, edit: (&str, &str)) -> String {
    assert_eq!(SPEC.matches(edit.0).count(), 1, "`{}` occurs once", edit.0);
    root.set_spec(&SPEC.replace(edit.0, edit.1));
    let drift = root.codegen(true);
    assert_eq!(drift.status.code(), Some(1), "{}", text(&drift.stderr));
    root.set_spec(SPEC);
    text(&drift.stderr)
}

#[test]
fn codegen_writes_then_checks_and_classifies_drift() {
    let root = TempRoot::new("codegen");
    let written = root.codegen(false);
    assert!(written.status.success(), "{}", text(&written.stderr));
    assert!(
        text(&written.stdout).starts_with(
            "codegen: wrote error_codes.rs, catalogue.tsv (4 kinds, 3 codes, 2 categories)\n"
        ),
        "{}",
        text(&written.stdout)
    );
    assert!(root.snapshot().contains("InvalidFileName"));
    let in_sync = root.codegen(true);
    assert_eq!(in_sync.status.code(), Some(0), "{}", text(&in_sync.stderr));
    assert_eq!(
        text(&in_sync.stdout),
        "codegen: up to date (4 kinds, 3 codes, 2 categories)\n"
    );

    let changed_code = drift_after(
        &root,
        ("| `InvalidQuery` | 102 |", "| `InvalidQuery` | 103 |"),
    );
    assert!(
        changed_code.contains("API changes: breaking\n"),
        "{changed_code}"
    );
    assert!(
        changed_code.contains("code of `ErrorKind::InvalidQuery` changed 102 -> 103"),
        "{changed_code}"
    );
    // The unified diff of the generated code comes first, from `similar`.
    assert!(changed_code.contains("--- tests/snapshots/error_codes.rs (committed)\n+++ tests/snapshots/error_codes.rs (from spec/)\n@@ "), "{changed_code}");
    assert!(
        changed_code
            .trim_end()
            .ends_with("fix: run `cargo xtask codegen` and commit it with the change"),
        "{changed_code}"
    );

    let renamed = drift_after(&root, ("`InvalidQuery`", "`BadQuery`"));
    assert!(renamed.contains("API changes: breaking\n"), "{renamed}");
    let new_row = "| `InvalidFileName` | 122 | The file name is invalid. |\n| `FileTooLarge` | 130 | Too large. |\n";
    let added = drift_after(
        &root,
        (
            "| `InvalidFileName` | 122 | The file name is invalid. |\n",
            new_row,
        ),
    );
    assert!(
        added.contains(
            "API changes: additive\n  additive:  new `ErrorKind::FileTooLarge` (code 130)"
        ),
        "{added}"
    );
    let described = drift_after(&root, ("The query is invalid.", "The query was refused."));
    assert!(
        described.contains("API changes: docs-only\n"),
        "{described}"
    );
    // Each check restored the spec: the snapshots were never written.
    assert_eq!(root.codegen(true).status.code(), Some(0));
}

#[test]
fn a_bad_spec_exits_2_with_the_generator_diagnostics_and_writes_nothing() {
    let root = TempRoot::new("bad");
    assert!(root.codegen(false).status.success());
    let before = root.snapshot();
    let row = "| `InvalidQuery` | 102 | The query is invalid. |\n";
    root.set_spec(&SPEC.replace(row, &format!("{row}{row}")));
    for check in [true, false] {
        let bad = root.codegen(check);
        assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
        let diagnostics = text(&bad.stderr);
        assert!(
            diagnostics.contains("spec/error-codes.md:"),
            "{diagnostics}"
        );
        assert!(diagnostics.contains("InvalidQuery"), "{diagnostics}");
    }
    assert_eq!(root.snapshot(), before);
}

#[test]
fn the_help_lists_every_command_on_one_line() {
    let help = xtask(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let help = text(&help.stdout);
    for command in [
        "ci",
        "codegen",
        "no-std",
        "bench-build",
        "bench-generator",
        "e2e",
        "server-truth",
        "mutants",
    ] {
        let lines: Vec<&str> = help
            .lines()
            .filter(|line| line.trim_start().starts_with(&format!("{command} ")))
            .collect();
        assert_eq!(lines.len(), 1, "{command}:\n{help}");
        assert!(
            lines[0].len() > command.len() + 20,
            "{command} has a description: {help}"
        );
    }
}

#[test]
fn unknown_commands_and_flags_exit_2() {
    let unknown = xtask(&["frobnicate"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains("unknown command `frobnicate`"),
        "{}",
        text(&unknown.stderr)
    );
    for args in [
        &[][..],
        &["codegen", "--chek"],
        &["ci", "extra"],
        &["mutants", "--group", "nope"],
    ] {
        let output = xtask(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            text(&output.stderr).contains("cargo xtask --help"),
            "{args:?}"
        );
    }
}
