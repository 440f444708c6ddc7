//! The generator: the build script's code, which turns the Parse error-code
//! tables under `spec/` into Rust. `build.rs` mounts this tree with
//! `#[path = "src/generator/mod.rs"] mod generator;`; the xtask's library and
//! the fuzz target mount it the same way (the generator's tests use the
//! xtask's mount). The library never declares it: none of it is compiled into
//! the crate users link.
//!
//! A short pipeline of plain functions, one file per stage:
//!
//! | stage | takes | gives |
//! | --- | --- | --- |
//! | [`load`](mod@load) | `spec/` | [`SpecFile`]s: UTF-8 text, `\n` line ends, path order |
//! | [`read`](mod@read) | spec files | [`RawSpec`](read::RawSpec): headings, tables, cells with positions, and the look-alikes markdown shows otherwise |
//! | [`check`](mod@check) | the raw spec | [`CheckedSpec`](check::CheckedSpec), or every [`Diagnostic`] at once |
//! | [`model`](mod@model) | the checked spec | the [`Catalogue`], computed once |
//! | [`emit`](mod@emit) | the catalogue | the generated items as tokens |
//! | [`format`](mod@format) | tokens | the source text of `OUT_DIR/error_codes.rs` |
//!
//! Each stage's unit tests sit beside it, as `#[cfg(test)]`: they run in the
//! unit tests of the xtask's library, the one test build that mounts this tree.

pub mod check;
pub mod diagnostics;
pub mod emit;
pub mod format;
pub mod inline;
pub mod load;
pub mod model;
pub mod naming;
pub mod read;

use std::path::Path;

pub use check::check;
pub use diagnostics::{render_diagnostics, Diagnostic};
pub use emit::emit;
pub use format::format;
pub use load::{load, SpecFile};
pub use model::{model, Catalogue};
pub use read::read;

/// Name of the generated file inside `OUT_DIR`.
pub const GENERATED_FILE_NAME: &str = "error_codes.rs";

/// What one generation produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    pub catalogue: Catalogue,
    pub source: String,
}

/// Runs every stage on already-loaded files.
pub fn generate_from_files(files: &[SpecFile]) -> Result<Generated, Vec<Diagnostic>> {
    let catalogue = model(check(&read(files))?);
    let source = format(emit(&catalogue)).map_err(|error| {
        vec![Diagnostic::in_files(
            files.iter().map(|file| file.path.as_str()),
            format!("internal error: the generated code does not parse: {error}"),
        )
        .help("this is a bug in src/generator/emit.rs, not in the spec: please report it")]
    })?;
    Ok(Generated { catalogue, source })
}

/// Runs every stage on `<crate_root>/spec`.
pub fn generate(crate_root: &Path) -> Result<Generated, Vec<Diagnostic>> {
    generate_from_files(&load(crate_root)?)
}

/// Writes `contents` unless the file already holds exactly these bytes, so that
/// an unchanged spec does not make cargo recompile the crate.
pub fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|existing| existing == contents.as_bytes()) {
        return Ok(());
    }
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests;
