//! `cargo xtask <command>`: the project's maintenance commands, and the home of
//! the suites that need heavy dependencies (the generator's, the end-to-end
//! run's, the body property tests) so that the crate's own first build stays
//! quick. `src/main.rs` only calls [`run`].
//!
//! To add a command: a module with an entry point, one `match` arm in `run`
//! and one line in `USAGE`.

/// The generator itself, mounted as the build script mounts it: one
/// implementation. Its stage tests run in this library's unit tests, once;
/// `tests/generator/` drives the whole pipeline through it.
#[path = "../../src/generator/mod.rs"]
pub mod generator;

mod api_diff;
mod bench;
mod bench_build;
mod bench_generator;
mod catalogue;
mod ci;
mod codegen;
mod diff;
mod e2e;
mod no_std;
/// The server-truth table, and the observation lines `tests/e2e.rs` writes for it.
pub mod server_truth;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [args]
commands:
  bench-build  build cost in a dependent: added CPU and wall, per-unit attribution,
             build-script stages, rebuilds
  bench-generator  how the build script's run time grows with the spec
  ci         the whole quality gate, step by step (what .ci/run and CI run)
  codegen    regenerate tests/snapshots/ from spec/; `--check` compares instead
  e2e        end-to-end tests against a real Parse Server; `--bless` rewrites the
             server-truth table from the run
  no-std     build a #![no_std] staticlib of the crate, without and with serde; nm finds no std
  server-truth  render tests/snapshots/server-truth.tsv into README.md and
             src/server_truth.md; `--check` compares instead";

/// Runs one command with its arguments (the program name excluded).
pub fn run(args: Vec<String>) -> ExitCode {
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("", &[][..]),
    };
    match command {
        "bench-build" => bench_build::main(rest),
        "bench-generator" => bench_generator::main(rest),
        "ci" => ci::main(rest),
        "codegen" => codegen::main(rest),
        "e2e" => exit_with(e2e::main(rest)),
        "no-std" => no_std::main(rest),
        "server-truth" => server_truth::main(rest),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// For commands that return their failure as a message: print it, exit 1.
fn exit_with(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
