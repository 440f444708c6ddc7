//! Arbitrary bytes through every stage of the generator: no panic, ever.
//!
//! Input is split on NUL bytes into up to four spec files, so that rules across
//! files (duplicate names, anchors) are exercised too. A spec that passes the
//! check must also model, emit and format: a failure there would be a generator
//! bug, not a spec problem.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/generator/mod.rs"]
mod generator;

use generator::diagnostics::Scope;
use generator::format::GENERATED_HEADER;
use generator::{check, emit, format, model, read, render_diagnostics, Diagnostic, SpecFile};

/// Every diagnostic names files that were read, at positions inside them.
fn assert_points_into(diagnostic: &Diagnostic, files: &[SpecFile]) {
    let location = match &diagnostic.scope {
        Scope::At(location) => location,
        Scope::Files(paths) => {
            assert!(!paths.is_empty(), "{diagnostic}");
            for path in paths {
                assert!(files.iter().any(|file| &file.path == path), "{diagnostic}");
            }
            return;
        }
    };
    let file = files
        .iter()
        .find(|file| file.path == location.file)
        .expect("a diagnostic names a file that was not read");
    let lines = file.text.split('\n').count();
    assert!(location.line >= 1 && location.line <= lines, "{diagnostic}");
    assert!(location.column >= 1, "{diagnostic}");
}

fuzz_target!(|data: &[u8]| {
    let mut files = Vec::new();
    for (index, bytes) in data.splitn(4, |&byte| byte == 0).enumerate() {
        match SpecFile::from_bytes(&format!("spec/{index}.md"), bytes) {
            Ok(file) => files.push(file),
            Err(diagnostic) => {
                assert!(diagnostic.location().is_some(), "{diagnostic}");
                return;
            }
        }
    }
    match check(&read(&files)) {
        Ok(spec) => {
            let catalogue = model(spec);
            let source = match format(emit(&catalogue)) {
                Ok(source) => source,
                Err(error) => panic!("a checked spec does not format: {error}"),
            };
            assert!(source.starts_with(GENERATED_HEADER));
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty());
            for diagnostic in &diagnostics {
                assert_points_into(diagnostic, &files);
            }
            render_diagnostics(&diagnostics);
        }
    }
});
