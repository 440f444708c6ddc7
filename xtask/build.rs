//! Compiles the xtask with `cfg(xtask)`. The xtask mounts the generator
//! (`src/generator/`), whose stage tests are `#[cfg(all(test, not(xtask)))]`:
//! they run once, in the crate's `tests/generator` binary, not a second time
//! in the xtask's own test build.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(xtask)");
    println!("cargo::rustc-cfg=xtask");
}
