//! The generator's tests, in the one test binary that mounts `src/generator/`
//! (as `build.rs` does), so that the unit tests beside each stage run here,
//! once, next to the suites that drive the whole pipeline:
//!
//! - `diagnostics`: every malformed spec gets its exact rustc-style error;
//!   valid variations give byte-identical code; a bad spec fails a real build.
//! - `spec_properties`: generated valid specs model back to what they say.

#[allow(dead_code)] // The build script and the xtask use parts the tests do not.
#[path = "../../src/generator/mod.rs"]
mod generator;
#[path = "../support/standalone_crate.rs"]
mod standalone_crate;

mod diagnostics;
mod spec_properties;
