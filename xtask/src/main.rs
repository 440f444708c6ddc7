//! `cargo xtask <command>`: the commands live in the library (`src/lib.rs`).

fn main() -> std::process::ExitCode {
    xtask::main(std::env::args_os().skip(1).collect())
}
