//! A copy of the crate as it is published, built on its own as a user's build
//! would: shared by the tests that run a real `cargo build` of it
//! (`tests/generator/diagnostics.rs` and `tests/build_script_rerun.rs`).

use std::fs;
use std::path::Path;

/// The root manifest without what only the workspace needs (members, tests,
/// examples, benches and their dependencies), as its own workspace.
pub fn standalone_manifest(manifest: &str) -> String {
    let mut out = String::new();
    let mut keep = true;
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            let table = trimmed.trim_matches(|c| c == '[' || c == ']');
            keep = matches!(
                table,
                "package" | "lib" | "features" | "dependencies" | "build-dependencies" | "lints"
            ) || ["dependencies.", "build-dependencies.", "profile.", "lints."]
                .iter()
                .any(|prefix| table.starts_with(prefix));
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str("\n[workspace]\n");
    out
}

/// Replaces `to` with a copy of the crate at `root`: what the package ships
/// (build.rs, spec/, src/, README.md), its Cargo.lock so the copy builds the
/// locked versions, and the standalone manifest.
pub fn copy_crate(root: &Path, to: &Path) {
    let _ = fs::remove_dir_all(to);
    fs::create_dir_all(to).unwrap();
    copy_dir(&root.join("spec"), &to.join("spec"));
    copy_dir(&root.join("src"), &to.join("src"));
    for file in ["build.rs", "Cargo.lock", "README.md"] {
        fs::copy(root.join(file), to.join(file)).unwrap();
    }
    let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
    fs::write(to.join("Cargo.toml"), standalone_manifest(&manifest)).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}
