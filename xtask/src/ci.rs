//! `cargo xtask ci`: every quality gate, in order, stopping at the first failure.
//!
//! Steps inherit the environment (`CARGO_TARGET_DIR`, `RUSTFLAGS`, ...), so CI
//! and a maintainer's machine run the same commands.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use crate::{codegen, no_std};

/// Files the published tarball must contain for the crate to build from it.
const REQUIRED_IN_PACKAGE: &[&str] = &[
    "Cargo.toml",
    "build.rs",
    "src/generator/mod.rs",
    "src/lib.rs",
];

enum Action {
    /// `cargo <args>`, with extra environment variables.
    Cargo(
        &'static [&'static str],
        &'static [(&'static str, &'static str)],
    ),
    /// The drift check, in-process: the same code as `cargo xtask codegen --check`.
    CodegenCheck,
    /// `cargo package`, after checking that the file list ships the generator's inputs.
    Package,
    /// `cargo xtask no-std`, in-process: the `#![no_std]` staticlib probe.
    NoStd,
}

struct Step {
    name: &'static str,
    action: Action,
}

fn steps() -> Vec<Step> {
    use Action::{Cargo, CodegenCheck, NoStd, Package};
    vec![
        Step {
            name: "cargo fmt --all -- --check",
            action: Cargo(&["fmt", "--all", "--", "--check"], &[]),
        },
        Step {
            name: "cargo clippy --workspace --all-targets --all-features -- -D warnings",
            action: Cargo(
                &[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--all-features",
                    "--",
                    "-D",
                    "warnings",
                ],
                &[],
            ),
        },
        // The crate with its default features. In a workspace build the xtask's
        // dev-dependency on the crate turns on `serde`, so this runs on its own.
        Step {
            name: "cargo test --locked --package parse-error-codes",
            action: Cargo(&["test", "--locked", "--package", "parse-error-codes"], &[]),
        },
        // Everything: the crate with every feature, the xtask's suites (the
        // generator's, the body property tests, the e2e tests' build), the benches'.
        Step {
            name: "cargo test --workspace --locked --all-features",
            action: Cargo(&["test", "--workspace", "--locked", "--all-features"], &[]),
        },
        // The no_std builds are the library's; the other packages have no features.
        Step {
            name: "cargo test --locked --no-default-features --package parse-error-codes",
            action: Cargo(
                &[
                    "test",
                    "--locked",
                    "--no-default-features",
                    "--package",
                    "parse-error-codes",
                ],
                &[],
            ),
        },
        // The error-body types without `std`: `serde` only implies `alloc`.
        Step {
            name: "cargo test --locked --no-default-features --features serde --package parse-error-codes",
            action: Cargo(
                &[
                    "test",
                    "--locked",
                    "--no-default-features",
                    "--features",
                    "serde",
                    "--package",
                    "parse-error-codes",
                ],
                &[],
            ),
        },
        // The library alone: in the test build above, dev-dependencies turn on
        // serde_json's `std` feature, which would hide a use of it.
        Step {
            name: "cargo check --locked --no-default-features --features serde --package parse-error-codes --lib",
            action: Cargo(
                &[
                    "check",
                    "--locked",
                    "--no-default-features",
                    "--features",
                    "serde",
                    "--package",
                    "parse-error-codes",
                    "--lib",
                ],
                &[],
            ),
        },
        // Compiling without `std` is not linking without it: a real no_std
        // artifact, whose symbols are checked.
        Step {
            name: "cargo xtask no-std (no_std staticlib, without and with serde; nm -C finds no std symbol)",
            action: NoStd,
        },
        Step {
            name: "cargo xtask codegen --check",
            action: CodegenCheck,
        },
        Step {
            name: "RUSTDOCFLAGS=\"-D warnings\" cargo doc --no-deps --all-features",
            action: Cargo(
                &["doc", "--no-deps", "--all-features"],
                &[("RUSTDOCFLAGS", "-D warnings")],
            ),
        },
        // `cargo package` verifies by building the crate unpacked from its own
        // tarball: the proof that `spec/` and `build.rs` ship. `--allow-dirty`
        // because the gate is meant to run before committing.
        Step {
            name: "cargo package --locked --allow-dirty (builds the crate from its tarball)",
            action: Package,
        },
    ]
}

pub fn main(args: &[String]) -> ExitCode {
    if let Some(arg) = args.first() {
        eprintln!("ci: unknown argument `{arg}`\nusage: cargo xtask ci");
        return ExitCode::from(2);
    }
    let root = codegen::workspace_root();
    let steps = steps();
    let total = steps.len();
    let started = Instant::now();
    let mut timings = Vec::new();
    for (index, step) in steps.iter().enumerate() {
        let number = index + 1;
        println!("ci [{number}/{total}] {}", step.name);
        let step_started = Instant::now();
        let result = run(&root, &step.action);
        let elapsed = step_started.elapsed();
        match result {
            Ok(()) => {
                println!("ci [{number}/{total}] ok in {}", human(elapsed));
                timings.push((step.name, elapsed));
            }
            Err(error) => {
                eprintln!(
                    "ci: FAILED at step {number}/{total}: {} ({error}) after {}; total {}",
                    step.name,
                    human(elapsed),
                    human(started.elapsed())
                );
                return ExitCode::FAILURE;
            }
        }
    }
    println!("ci: summary");
    for (name, elapsed) in &timings {
        println!("  {:>8}  {name}", human(*elapsed));
    }
    println!(
        "ci: all {total} steps passed in {}",
        human(started.elapsed())
    );
    ExitCode::SUCCESS
}

fn cargo() -> Command {
    // `cargo xtask` sets CARGO to the cargo that runs it; use the same one.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
}

fn run(root: &Path, action: &Action) -> Result<(), String> {
    match action {
        Action::Cargo(args, env) => {
            let mut command = cargo();
            command.current_dir(root).args(*args);
            for (key, value) in *env {
                // Keep what the caller already set (RUSTDOCFLAGS="--cfg docsrs", ...).
                let value = match std::env::var(key) {
                    Ok(existing) if !existing.trim().is_empty() => format!("{existing} {value}"),
                    _ => (*value).to_owned(),
                };
                command.env(key, value);
            }
            run_command(&mut command)
        }
        Action::CodegenCheck => {
            let outcome = codegen::check(root);
            outcome.print();
            match outcome.exit_status() {
                0 => Ok(()),
                status => Err(format!("exit status {status}")),
            }
        }
        Action::Package => package(root),
        Action::NoStd => no_std::check(root),
    }
}

fn run_command(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|error| format!("cannot start {:?}: {error}", command.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(status.to_string())
    }
}

fn package(root: &Path) -> Result<(), String> {
    let output = cargo()
        .current_dir(root)
        .args(["package", "--list", "--locked", "--allow-dirty"])
        .output()
        .map_err(|error| format!("cannot run cargo package --list: {error}"))?;
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        return Err(format!("cargo package --list: {}", output.status));
    }
    let listed = String::from_utf8_lossy(&output.stdout);
    let listed: Vec<&str> = listed.lines().collect();
    let missing = missing_from_package(root, &listed)?;
    if !missing.is_empty() {
        return Err(format!(
            "the package would not contain {}; check `include` in Cargo.toml",
            missing.join(", ")
        ));
    }
    println!(
        "ci: the package lists {} files, including build.rs, src/generator/ and every spec file",
        listed.len()
    );
    let output = cargo()
        .current_dir(root)
        .args(["package", "--locked", "--allow-dirty"])
        .output()
        .map_err(|error| format!("cannot run cargo package: {error}"))?;
    print!("{}", String::from_utf8_lossy(&output.stdout));
    let log = String::from_utf8_lossy(&output.stderr);
    eprint!("{log}");
    if !output.status.success() {
        return Err(format!("cargo package: {}", output.status));
    }
    if !built_from_tarball(&log) {
        return Err("cargo package did not build the crate from its tarball".to_owned());
    }
    Ok(())
}

/// Whether cargo's log shows the verify step compiling the unpacked tarball
/// (`target/package/<name>-<version>/`) rather than the working tree.
fn built_from_tarball(log: &str) -> bool {
    log.lines().any(|line| {
        line.trim_start()
            .starts_with("Verifying parse-error-codes ")
    }) && log.lines().any(|line| {
        let line = line.trim_start();
        line.starts_with("Compiling parse-error-codes ")
            && (line.contains("/package/parse-error-codes-")
                || line.contains("\\package\\parse-error-codes-"))
    })
}

/// The files the build needs that `listed` lacks: the manifest, the build
/// script, the generator's root, the library root and every `*.md` under `spec/`.
fn missing_from_package(root: &Path, listed: &[&str]) -> Result<Vec<String>, String> {
    let mut required: Vec<String> = REQUIRED_IN_PACKAGE
        .iter()
        .map(|path| (*path).to_owned())
        .collect();
    let mut spec_files = Vec::new();
    collect_markdown(&root.join("spec"), "spec", &mut spec_files)
        .map_err(|error| format!("cannot list spec/: {error}"))?;
    if spec_files.is_empty() {
        return Err("no *.md file under spec/".to_owned());
    }
    required.extend(spec_files);
    Ok(required
        .into_iter()
        .filter(|path| !listed.contains(&path.as_str()))
        .collect())
}

fn collect_markdown(dir: &Path, prefix: &str, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = format!("{prefix}/{name}");
        if entry.file_type()?.is_dir() {
            collect_markdown(&entry.path(), &relative, out)?;
        } else if name.ends_with(".md") {
            out.push(relative);
        }
    }
    Ok(())
}

/// `4.2s`, or `2m05s` from a minute on.
fn human(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds < 60.0 {
        format!("{seconds:.1}s")
    } else {
        let whole = duration.as_secs();
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_seconds_then_minutes() {
        assert_eq!(human(Duration::from_millis(4_240)), "4.2s");
        assert_eq!(human(Duration::from_secs(125)), "2m05s");
    }

    #[test]
    fn the_package_check_names_what_is_missing() {
        let root = codegen::workspace_root();
        let complete: Vec<&str> = vec![
            "Cargo.toml",
            "build.rs",
            "src/generator/mod.rs",
            "src/lib.rs",
            "spec/error-codes.md",
        ];
        assert_eq!(missing_from_package(&root, &complete), Ok(vec![]));
        let without_spec = &complete[..4];
        assert_eq!(
            missing_from_package(&root, without_spec),
            Ok(vec!["spec/error-codes.md".to_owned()])
        );
    }

    #[test]
    fn only_a_build_of_the_unpacked_tarball_counts_as_verified() {
        let verified = "   Packaging parse-error-codes v0.1.0 (/w)\n    Packaged 14 files\n   Verifying parse-error-codes v0.1.0 (/w)\n   Compiling parse-error-codes v0.1.0 (/w/target/package/parse-error-codes-0.1.0)\n    Finished `dev` profile\n";
        assert!(built_from_tarball(verified));
        let not_verified = "   Packaging parse-error-codes v0.1.0 (/w)\n    Packaged 14 files\n";
        assert!(!built_from_tarball(not_verified));
        let from_the_tree = "   Verifying parse-error-codes v0.1.0 (/w)\n   Compiling parse-error-codes v0.1.0 (/w)\n";
        assert!(!built_from_tarball(from_the_tree));
    }

    #[test]
    fn the_steps_run_in_the_documented_order() {
        let names: Vec<&str> = steps().iter().map(|step| step.name).collect();
        let position = |prefix: &str| {
            names
                .iter()
                .position(|name| name.starts_with(prefix))
                .unwrap_or_else(|| panic!("no step `{prefix}`"))
        };
        let order = [
            position("cargo fmt"),
            position("cargo clippy"),
            position("cargo test --locked --package parse-error-codes"),
            position("cargo test --workspace --locked --all-features"),
            position("cargo test --locked --no-default-features"),
            position("cargo check --locked --no-default-features"),
            position("cargo xtask no-std"),
            position("cargo xtask codegen --check"),
            position("RUSTDOCFLAGS"),
            position("cargo package"),
        ];
        assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "{names:?}");
    }
}
