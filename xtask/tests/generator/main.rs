//! The suites that drive the generator's whole pipeline, through the xtask's
//! mount of `src/generator/` (its stage unit tests run in the xtask library's
//! own unit tests):
//!
//! - `diagnostics`: every malformed spec gets its exact rustc-style error;
//!   valid variations give byte-identical code; a bad spec fails a real build.
//! - `spec_properties`: generated valid specs model back to what they say.

#[path = "../support/standalone_crate.rs"]
mod standalone_crate;

mod diagnostics;
mod spec_properties;

use std::path::{Path, PathBuf};

/// The crate's root: the parent of the xtask's directory.
fn crate_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
