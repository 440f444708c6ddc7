//! Build script: generates `OUT_DIR/error_codes.rs` from the Parse error-code
//! tables under `spec/`, which `src/lib.rs` includes. The generator itself is
//! `src/generator/` (see its module docs); this file only drives it.

use std::path::PathBuf;
use std::process::ExitCode;

// No `allow(dead_code)`: the build script uses every item of the generator, and
// the lint is what tells when one stops being used.
#[path = "src/generator/mod.rs"]
mod generator;

fn main() -> ExitCode {
    // Cargo also reruns the script when a file of the generator changes: they
    // are the script's own sources.
    println!("cargo:rerun-if-changed=spec");
    let (Some(manifest_dir), Some(out_dir)) = (
        std::env::var_os("CARGO_MANIFEST_DIR"),
        std::env::var_os("OUT_DIR"),
    ) else {
        eprintln!("error: CARGO_MANIFEST_DIR and OUT_DIR must be set (run through cargo)");
        return ExitCode::FAILURE;
    };
    let out_file = PathBuf::from(out_dir).join(generator::GENERATED_FILE_NAME);
    let written = match generator::generate(&PathBuf::from(manifest_dir)) {
        Ok(generated) => generator::write_if_changed(&out_file, &generated.source)
            .map_err(|error| format!("error: cannot write {}: {error}\n", out_file.display())),
        // No stale or partial output may survive a failed generation.
        Err(diagnostics) => Err(generator::render_diagnostics(&diagnostics))
            .inspect_err(|_| _ = std::fs::remove_file(&out_file)),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprint!("{message}");
            ExitCode::FAILURE
        }
    }
}
