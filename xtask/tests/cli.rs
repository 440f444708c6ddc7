//! The `cargo xtask codegen` command line: exit statuses and where reports go,
//! on a copy of the spec (`--root`), through the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

struct TempRoot(PathBuf);

impl Drop for TempRoot {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn codegen_writes_then_checks_with_exit_statuses_0_1_2() {
    let root = TempRoot(std::env::temp_dir().join(format!("xtask-cli-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&root.0);
    std::fs::create_dir_all(root.0.join("spec")).unwrap();
    let spec_path = root.0.join("spec/error-codes.md");
    let spec = std::fs::read_to_string(workspace_root().join("spec/error-codes.md")).unwrap();
    std::fs::write(&spec_path, &spec).unwrap();
    let root_arg = root.0.to_str().unwrap();

    let written = xtask(&["codegen", "--root", root_arg]);
    assert!(written.status.success(), "{}", text(&written.stderr));
    assert!(text(&written.stdout).starts_with(
        "codegen: wrote tests/snapshots/error_codes.rs, tests/snapshots/catalogue.tsv (115 kinds, 86 codes, 10 categories)\n"
    ));

    let in_sync = xtask(&["codegen", "--check", "--root", root_arg]);
    assert_eq!(in_sync.status.code(), Some(0), "{}", text(&in_sync.stderr));
    assert_eq!(
        text(&in_sync.stdout),
        "codegen: up to date (115 kinds, 86 codes, 10 categories)\n"
    );

    let row = spec
        .lines()
        .find(|line| line.starts_with("| `InvalidPointer` |"))
        .unwrap();
    std::fs::write(&spec_path, spec.replacen(&format!("{row}\n"), "", 1)).unwrap();
    let drift = xtask(&["codegen", "--check", "--root", root_arg]);
    assert_eq!(drift.status.code(), Some(1));
    let report = text(&drift.stderr);
    assert!(report.contains("  breaking:  kind `ErrorKind::InvalidPointer` removed (code 106, no longer documented)\n"), "{report}");
    assert!(report.ends_with(
        "fix: run `cargo xtask codegen`, then commit tests/snapshots/ with the change\n"
    ));

    std::fs::write(&spec_path, spec.replacen(row, &format!("{row}\n{row}"), 1)).unwrap();
    let bad = xtask(&["codegen", "--check", "--root", root_arg]);
    assert_eq!(bad.status.code(), Some(2));
    let diagnostics = text(&bad.stderr);
    assert!(
        diagnostics.contains("spec/error-codes.md:"),
        "{diagnostics}"
    );
    assert!(
        diagnostics.ends_with("; no code was generated\n"),
        "{diagnostics}"
    );
    // A bad spec leaves the snapshots alone.
    let bad_write = xtask(&["codegen", "--root", root_arg]);
    assert_eq!(bad_write.status.code(), Some(2));
    std::fs::write(&spec_path, &spec).unwrap();
    assert_eq!(
        xtask(&["codegen", "--check", "--root", root_arg])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn unknown_commands_and_arguments_exit_2_with_usage() {
    for args in [
        &["frobnicate"][..],
        &[],
        &["codegen", "--chek"],
        &["ci", "extra"],
    ] {
        let output = xtask(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            text(&output.stderr).contains("usage: cargo xtask"),
            "{args:?}"
        );
    }
}
