//! `cargo xtask <command>`: the commands live in the library (`src/lib.rs`).

fn main() -> std::process::ExitCode {
    xtask::run(std::env::args().skip(1).collect())
}
