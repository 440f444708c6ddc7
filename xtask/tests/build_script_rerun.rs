//! The build-script rerun contract, checked through cargo itself on a copy of
//! the crate: editing the library's `src/` recompiles it without rerunning
//! `build.rs`; editing the generator (`src/generator/`, the build script's own
//! sources) reruns it; editing, adding or removing a spec file reruns it and
//! the generated API follows.
//!
//! The copy builds into a persistent directory under the workspace's target
//! directory, so the build dependencies (syn, ...) compile once, not per run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

#[path = "support/standalone_crate.rs"]
mod standalone_crate;

const PACKAGE: &str = "parse-error-codes";
const GENERATED_FILE: &str = "error_codes.rs";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `$CARGO_TARGET_DIR/xtask-tests`, or `<workspace>/target/xtask-tests`.
fn scratch_dir() -> PathBuf {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    };
    target.join("xtask-tests")
}

/// A fresh copy of what the published crate contains.
fn copy_crate(to: &Path) {
    standalone_crate::copy_crate(&workspace_root(), to);
}

/// What one `cargo build` did to the crate under test.
#[derive(Debug)]
struct Build {
    /// Whether the build script ran (its captured output was rewritten).
    script_ran: bool,
    /// Whether the library was up to date.
    library_fresh: bool,
    /// The generated file in `OUT_DIR`.
    generated: String,
    /// When the generated file was last written.
    generated_modified: SystemTime,
}

struct Crate {
    dir: PathBuf,
    target_dir: PathBuf,
    /// When cargo last stored the build script's output, to tell a rerun.
    last_script_output: Option<SystemTime>,
}

impl Crate {
    fn build(&mut self) -> Build {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = Command::new(cargo)
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .args(["build", "--offline", "--message-format=json"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "cargo build failed:\n{}\n{stdout}",
            String::from_utf8_lossy(&output.stderr)
        );
        let ours = |line: &&str| line.contains(&format!("#{PACKAGE}@"));
        let out_dir = stdout
            .lines()
            .filter(ours)
            .filter(|line| line.contains(r#""reason":"build-script-executed""#))
            .find_map(|line| json_string_field(line, "out_dir"))
            .expect("a build-script-executed message with out_dir");
        let library_fresh = stdout
            .lines()
            .filter(ours)
            .find(|line| {
                line.contains(r#""reason":"compiler-artifact""#)
                    && line.contains(r#""kind":["lib"]"#)
            })
            .map(|line| line.contains(r#""fresh":true"#))
            .expect("a compiler-artifact message for the library");

        // Cargo stores the script's stdout next to OUT_DIR each time it runs it.
        let out_dir = PathBuf::from(out_dir);
        let script_output = out_dir.parent().unwrap().join("output");
        let modified = std::fs::metadata(&script_output)
            .and_then(|metadata| metadata.modified())
            .expect("the build script's output file");
        let script_ran = self.last_script_output != Some(modified);
        self.last_script_output = Some(modified);
        let generated_file = out_dir.join(GENERATED_FILE);
        Build {
            script_ran,
            library_fresh,
            generated: std::fs::read_to_string(&generated_file).unwrap(),
            generated_modified: std::fs::metadata(&generated_file)
                .and_then(|metadata| metadata.modified())
                .unwrap(),
        }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }
}

/// The value of `"key":"..."` in one line of cargo's JSON output.
fn json_string_field(line: &str, key: &str) -> Option<String> {
    let start = line.find(&format!(r#""{key}":""#))? + key.len() + 4;
    let mut value = String::new();
    let mut chars = line[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(value),
            '\\' => value.push(chars.next()?),
            c => value.push(c),
        }
    }
    None
}

/// Rewrites a file with new content; mtimes move on so cargo sees the change.
fn rewrite(path: &Path, contents: &str) {
    // Coarse file systems keep one mtime per second or two; cargo compares them.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(path, contents).unwrap();
}

#[test]
fn the_build_script_reruns_for_spec_changes_and_only_for_them() {
    let scratch = scratch_dir();
    let mut krate = Crate {
        dir: scratch.join("crate"),
        target_dir: scratch.join("target"),
        last_script_output: None,
    };
    copy_crate(&krate.dir);

    let first = krate.build();
    let snapshot = std::fs::read_to_string(workspace_root().join("tests/snapshots/error_codes.rs"))
        .unwrap()
        .replace("\r\n", "\n");
    assert!(
        first.generated == snapshot,
        "a checkout at another path generates other bytes than tests/snapshots/error_codes.rs"
    );

    let unchanged = krate.build();
    assert!(
        !unchanged.script_ran,
        "a no-op build reran the build script"
    );
    assert!(unchanged.library_fresh);

    let lib = krate.path("src/lib.rs");
    let lib_source = std::fs::read_to_string(&lib).unwrap();
    rewrite(
        &lib,
        &format!("{lib_source}\n// touched by the rerun-contract test\n"),
    );
    let touched_src = krate.build();
    assert!(
        !touched_src.library_fresh,
        "editing src/ must rebuild the library"
    );
    assert!(
        !touched_src.script_ran,
        "editing src/ must not rerun the build script"
    );
    assert_eq!(touched_src.generated, first.generated);

    // The generator is the build script's source: cargo recompiles the script
    // and reruns it, and the same output keeps its bytes and its mtime.
    let emit = krate.path("src/generator/emit.rs");
    let emit_source = std::fs::read_to_string(&emit).unwrap();
    rewrite(
        &emit,
        &format!("{emit_source}\n// touched by the rerun-contract test\n"),
    );
    let touched_generator = krate.build();
    assert!(
        touched_generator.script_ran,
        "editing src/generator/ must rerun the build script"
    );
    assert_eq!(touched_generator.generated, first.generated);
    assert_eq!(
        touched_generator.generated_modified, touched_src.generated_modified,
        "an unchanged generated file must not be rewritten"
    );

    let spec = krate.path("spec/error-codes.md");
    let spec_text = std::fs::read_to_string(&spec).unwrap();

    // A spec edit that changes nothing generated: the script reruns, but the
    // generated file keeps its bytes and its mtime, so nothing recompiles.
    rewrite(&spec, &format!("{spec_text}\n\n"));
    let blank_lines = krate.build();
    assert!(
        blank_lines.script_ran,
        "editing spec/error-codes.md must rerun the build script"
    );
    assert_eq!(blank_lines.generated, first.generated);
    assert_eq!(
        blank_lines.generated_modified, touched_src.generated_modified,
        "an unchanged generated file must not be rewritten"
    );

    // Any row of the spec: the probe row goes right after it.
    let anchor_row = spec_text
        .lines()
        .find(|line| line.starts_with("| `"))
        .expect("a table row");
    let probe_row = "| `RerunContractProbe` | 9990 | Added by the rerun-contract test. |";
    rewrite(
        &spec,
        &spec_text.replacen(anchor_row, &format!("{anchor_row}\n{probe_row}"), 1),
    );
    let edited_spec = krate.build();
    assert!(
        edited_spec.script_ran,
        "editing spec/error-codes.md must rerun the build script"
    );
    assert!(!edited_spec.library_fresh);
    assert!(!first.generated.contains("RerunContractProbe"));
    assert!(edited_spec.generated.contains("    RerunContractProbe,\n"));
    assert!(edited_spec
        .generated
        .contains("pub const RERUN_CONTRACT_PROBE: ErrorCode = ErrorCode::new(9990);"));

    let extra = krate.path("spec/extra.md");
    rewrite(
        &extra,
        "## Extra probes {#extra-probes}\n\n| Name | Code | Description |\n| --- | --- | --- |\n| `ExtraProbe` | 9991 | From a second spec file. |\n",
    );
    let added_file = krate.build();
    assert!(
        added_file.script_ran,
        "a new spec/*.md must rerun the build script"
    );
    assert!(added_file.generated.contains("    ExtraProbe,\n"));
    assert!(
        added_file.generated.contains("    ExtraProbes,\n"),
        "a new Category variant"
    );
    assert!(added_file.generated.contains("    RerunContractProbe,\n"));

    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::remove_file(&extra).unwrap();
    let removed_file = krate.build();
    assert!(
        removed_file.script_ran,
        "removing a spec file must rerun the build script"
    );
    assert!(!removed_file.generated.contains("ExtraProbe"));

    let _ = std::fs::remove_dir_all(&krate.dir);
}

#[test]
fn the_standalone_manifest_keeps_the_package_and_drops_the_workspace_parts() {
    let manifest = "[package]\nname = \"x\"\n\n[dependencies]\na = \"1\"\n\n[dev-dependencies]\nb = \"1\"\n\n[[test]]\nname = \"e2e\"\n\n[workspace]\nmembers = [\"xtask\"]\n\n[profile.dev.build-override]\ndebug = false\n";
    assert_eq!(
        standalone_crate::standalone_manifest(manifest),
        "[package]\nname = \"x\"\n\n[dependencies]\na = \"1\"\n\n[profile.dev.build-override]\ndebug = false\n\n[workspace]\n"
    );
}
