//! `cargo xtask <command>`: the project's maintenance commands, and the home of
//! the suites that need heavy dependencies (the generator's, the end-to-end
//! run's, the body property tests) so that the crate's own first build stays
//! quick. `src/main.rs` only calls [`main`].
//!
//! This file holds what every command shares: the flags (one `xflags`
//! grammar, which also writes `--help`), the project root, the cargo command
//! and the error handling (`anyhow`; a command that fails returns an error,
//! printed once here). To add a command: a `cmd` in [`flags`], a module, one
//! `match` arm in `run`.

// The generator itself, mounted as the build script mounts it: one
// implementation. Its stage tests run in this library's unit tests, once;
// `tests/generator/` drives the whole pipeline through it. A plain comment:
// rustdoc would resolve the links of the module's own docs from here.
#[path = "../../src/generator/mod.rs"]
pub mod generator;

mod bench;
mod bench_build;
mod bench_generator;
/// The catalogue listing `tests/snapshots/catalogue.tsv` (read by server-truth too).
pub mod catalogue;
mod ci;
mod codegen;
mod e2e;
mod mutants;
mod no_std;
/// The server-truth table, and the observation lines `tests/e2e.rs` writes for it.
pub mod server_truth;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use xshell::Shell;

/// The command line. `xflags` (rust-analyzer's xtask uses it too) rather than
/// `lexopt`: the grammar below is also the help text, so usage is never
/// written by hand.
pub mod flags {
    use std::path::PathBuf;

    use crate::mutants::Group;

    xflags::xflags! {
        /// The project's maintenance commands.
        cmd xtask {
            /// The whole quality gate, step by step (what .ci/run runs).
            cmd ci {}
            /// Regenerate tests/snapshots/ from spec/; --check reports drift as breaking, additive or docs-only.
            cmd codegen {
                /// Compare instead of writing: exit 1 on drift or a bad spec.
                optional --check
                /// Work on this copy of the crate instead of the workspace (for tests).
                optional --root root: PathBuf
            }
            /// Build the #![no_std] staticlib probe, without and with serde.
            cmd no-std {}
            /// What the crate costs a dependent's clean build: CPU, wall, build-script stages.
            cmd bench-build {
                /// Rounds of clean builds (default 5).
                optional --runs runs: usize
                /// Keep the temporary directory (its path is printed).
                optional --keep
            }
            /// The build script's run time with 0, 2,000 and 20,000 extra rows.
            cmd bench-generator {
                /// Runs per size (default 5).
                optional --runs runs: usize
            }
            /// End-to-end tests against real Parse Servers on 127.0.0.1.
            cmd e2e {
                /// Only this parse-server version.
                optional --server version: String
                /// Rewrite the server-truth table from the run.
                optional --bless
                /// Keep the temporary directory (logs, databases).
                optional --keep
                /// Only start the servers and print how to reach them, for SECONDS (default 3600).
                optional --serve seconds: u64
            }
            /// Render tests/snapshots/server-truth.tsv into README.md and src/server_truth.md.
            cmd server-truth {
                /// Compare instead of writing: exit 1 when stale.
                optional --check
            }
            /// Mutation testing with cargo-mutants (slow; not a gate step).
            cmd mutants {
                /// One group: catalogue, bodies or generator.
                optional --group group: Group
                /// Only the mutants of this shard, `K/N` (a quick slice).
                optional --shard shard: String
            }
        }
    }
}

/// Parses `args` (the program name excluded), runs the command and turns the
/// outcome into the exit status: 0 done, 1 failed, 2 bad command line (or,
/// for codegen, a bad spec).
pub fn main(args: Vec<OsString>) -> ExitCode {
    let first = args.first().map(|arg| arg.to_string_lossy().into_owned());
    let flags = match flags::Xtask::from_vec(args) {
        Ok(flags) => flags,
        // `cargo xtask --help`: one line per command; `<command> --help`: every flag.
        Err(error) if error.is_help() && matches!(first.as_deref(), Some("-h" | "--help")) => {
            println!("usage: cargo xtask <command> [flags]\ncommands:");
            for (name, about) in commands(&error.to_string()) {
                println!("  {name:<16} {about}");
            }
            println!("`cargo xtask <command> --help` shows the flags of each.");
            return ExitCode::SUCCESS;
        }
        Err(error) if error.is_help() => {
            println!("{error}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            let help = flags::Xtask::from_vec(vec!["--help".into()])
                .err()
                .map(|help| help.to_string());
            let known = commands(&help.unwrap_or_default());
            match first.filter(|first| !first.starts_with('-')) {
                Some(name) if !known.iter().any(|(known, _)| *known == name) => {
                    eprintln!("xtask: unknown command `{name}`")
                }
                _ => eprintln!("xtask: {error}"),
            }
            eprintln!("run `cargo xtask --help` for the commands");
            return ExitCode::from(2);
        }
    };
    match run(flags) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.is::<codegen::BadSpec>() => {
            eprint!("{error}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// (name, first line of its doc) of each command, read from the help that
/// `xflags` writes from [`flags`]: the grammar stays the one list of commands.
fn commands(help: &str) -> Vec<(String, String)> {
    let mut lines = help.lines();
    let mut found = Vec::new();
    while let Some(line) = lines.next() {
        if let Some(name) = line
            .strip_prefix("xtask ")
            .filter(|name| !name.contains(' '))
        {
            let about = lines.next().unwrap_or_default().trim().to_owned();
            found.push((name.to_owned(), about));
        }
    }
    found
}

fn run(flags: flags::Xtask) -> Result<()> {
    use flags::XtaskCmd;
    let sh = shell()?;
    match flags.subcommand {
        XtaskCmd::Ci(_) => ci::run(&sh),
        XtaskCmd::Codegen(flags) => {
            let root = flags.root.unwrap_or_else(project_root);
            codegen::run(&root, flags.check)
        }
        XtaskCmd::NoStd(_) => no_std::run(&sh),
        XtaskCmd::BenchBuild(flags) => bench_build::run(&sh, runs(flags.runs)?, flags.keep),
        XtaskCmd::BenchGenerator(flags) => bench_generator::run(&sh, runs(flags.runs)?),
        XtaskCmd::E2e(flags) => e2e::run(&flags),
        XtaskCmd::ServerTruth(flags) => server_truth::run(flags.check),
        XtaskCmd::Mutants(flags) => mutants::run(&sh, flags.group, flags.shard.as_deref()),
    }
}

/// A benchmark's `--runs`: 5 unless given, never 0.
fn runs(runs: Option<usize>) -> Result<usize> {
    match runs.unwrap_or(5) {
        0 => anyhow::bail!("--runs must be at least 1"),
        runs => Ok(runs),
    }
}

/// The workspace root: the parent of this crate's directory.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ lives inside the workspace")
        .to_path_buf()
}

/// A shell in the project root, where every command runs.
pub fn shell() -> Result<Shell> {
    let sh = Shell::new()?;
    sh.change_dir(project_root());
    Ok(sh)
}

/// The cargo that runs this xtask (`cargo xtask` sets `CARGO`), else `cargo`.
pub fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}
