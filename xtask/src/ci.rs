//! `cargo xtask ci`: every quality gate, in order, stopping at the first failure.
//!
//! Steps inherit the environment (`CARGO_TARGET_DIR`, `RUSTFLAGS`, ...), so CI
//! and a maintainer's machine run the same commands.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use xshell::{cmd, Cmd, Shell};

use crate::{codegen, no_std, project_root, server_truth};

/// One step: a command, or an xtask command run in-process.
enum Step<'a> {
    Run(Cmd<'a>),
    Xtask(&'static str, fn(&Shell) -> Result<()>),
}

/// The gate, in order: cheap checks first, then the tests, then the builds
/// that prove a property (no_std, in sync, packaged).
fn steps(sh: &Shell) -> Vec<Step<'_>> {
    let cargo = crate::cargo();
    // Keep what the caller set (`--cfg docsrs`, ...) and deny warnings on top.
    let rustdocflags = format!("{} -D warnings", sh.var("RUSTDOCFLAGS").unwrap_or_default());
    vec![
        Step::Run(cmd!(sh, "{cargo} fmt --all -- --check")),
        Step::Run(cmd!(sh, "{cargo} clippy --workspace --all-targets --all-features -- -D warnings")),
        // The crate with its default features on its own: in a workspace build
        // the xtask's dev-dependency on the crate turns on `serde`.
        Step::Run(cmd!(sh, "{cargo} test --locked --package parse-error-codes")),
        // Everything: the crate with every feature, the xtask's suites, the benches'.
        Step::Run(cmd!(sh, "{cargo} test --workspace --locked --all-features")),
        Step::Run(cmd!(sh, "{cargo} test --locked --no-default-features --package parse-error-codes")),
        // The error-body types without `std`: `serde` only implies `alloc`.
        Step::Run(cmd!(sh, "{cargo} test --locked --no-default-features --features serde --package parse-error-codes")),
        // The library alone: the test build's dev-dependencies turn on
        // serde_json's `std`, which would hide a use of it.
        Step::Run(cmd!(sh, "{cargo} check --locked --no-default-features --features serde --package parse-error-codes --lib")),
        // Compiling without `std` is not linking without it.
        Step::Xtask("cargo xtask no-std", no_std::run),
        Step::Xtask("cargo xtask codegen --check", |_| codegen::run(&project_root(), true)),
        Step::Xtask("cargo xtask server-truth --check", |_| server_truth::run(true)),
        Step::Run(cmd!(sh, "{cargo} doc --workspace --no-deps --all-features").env("RUSTDOCFLAGS", rustdocflags)),
        // Verifies by building the crate unpacked from its own tarball: the
        // proof that `spec/` and `build.rs` ship. `--allow-dirty`: the gate
        // runs before committing.
        Step::Run(cmd!(sh, "{cargo} package --locked --allow-dirty")),
    ]
}

pub fn run(sh: &Shell) -> Result<()> {
    let steps = steps(sh);
    let cargo = crate::cargo().to_string_lossy().into_owned();
    let total = steps.len();
    let started = Instant::now();
    let mut timings = Vec::new();
    for (index, step) in steps.into_iter().enumerate() {
        let name = match &step {
            // `cargo`, not the full path of the toolchain's cargo.
            Step::Run(command) => command.to_string().replacen(&*cargo, "cargo", 1),
            Step::Xtask(name, _) => (*name).to_owned(),
        };
        let number = index + 1;
        println!("ci [{number}/{total}] {name}");
        let step_started = Instant::now();
        match step {
            Step::Run(command) => command.quiet().run().map_err(anyhow::Error::from),
            Step::Xtask(_, run) => run(sh),
        }
        .with_context(|| format!("ci: FAILED at step {number}/{total}: {name}"))?;
        println!(
            "ci [{number}/{total}] ok in {}",
            human(step_started.elapsed())
        );
        timings.push((name, step_started.elapsed()));
    }
    println!("ci: summary");
    for (name, elapsed) in &timings {
        println!("  {:>8}  {name}", human(*elapsed));
    }
    println!(
        "ci: all {total} steps passed in {}",
        human(started.elapsed())
    );
    Ok(())
}

/// `4.2s`, or `2m05s` from a minute on.
fn human(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds < 60 {
        format!("{:.1}s", duration.as_secs_f64())
    } else {
        format!("{}m{:02}s", seconds / 60, seconds % 60)
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
}
