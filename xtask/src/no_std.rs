//! `cargo xtask no-std`: proves the crate `no_std` by linking a real `no_std`
//! artifact.
//!
//! `xtask/no-std-probe/` is a `#![no_std]` staticlib with its own
//! `#[panic_handler]` and global allocator (`panic = "abort"`) that calls the
//! crate, built with `default-features = false`, once without and once with
//! the `serde` feature (then it also decodes a `ParseError` with serde_json).
//! That build is the proof: if the crate or a dependency links `std`, `std`
//! brings its own panic handler and rustc stops with "duplicate lang item in
//! crate `std`: `panic_impl`". The exported functions call the catalogue and
//! the decoder, so the archive holds the crate's code, not an empty shell.
//!
//! Only the host target is installed here, so the archive is built for the
//! host, not for a bare-metal target.

use anyhow::{bail, Result};
use xshell::{cmd, Shell};

const MANIFEST: &str = "xtask/no-std-probe/Cargo.toml";

pub fn run(sh: &Shell) -> Result<()> {
    let cargo = crate::cargo();
    // Its own target directory: the probe's profile (`panic = "abort"`) and
    // features must not invalidate the workspace's build.
    let target = match sh.var("CARGO_TARGET_DIR") {
        Ok(dir) if !dir.is_empty() => std::path::PathBuf::from(dir),
        _ => crate::project_root().join("target"),
    };
    let target = target.join("no-std-probe");
    for (label, features) in [
        ("without serde", &[][..]),
        ("with serde", &["--features", "serde"][..]),
    ] {
        println!("no-std: the probe {label}");
        let build = cmd!(
            sh,
            "{cargo} build --locked --manifest-path {MANIFEST} {features...}"
        )
        .env("CARGO_TARGET_DIR", &target)
        .ignore_status()
        .output()?;
        let log = String::from_utf8_lossy(&build.stderr);
        eprint!("{log}");
        if !build.status.success() {
            let cause = if log.contains("duplicate lang item") {
                ": `std` is in the crate graph (a dependency enables its `std` feature)"
            } else {
                ""
            };
            bail!("no-std: the probe {label} did not build{cause}");
        }
        println!("no-std: the probe {label} links without std: ok");
    }
    Ok(())
}
