//! `cargo xtask bench-generator`: how the build script's run time grows with
//! the spec (issue 12).
//!
//! The real `build-script-build` binary, compiled as a user's build compiles
//! it (dev profile, so its dependencies at opt-level 0), runs on the crate's
//! spec plus a second file of 0, 2,000 and 20,000 generated rows. Each sample
//! is one whole process writing into an empty `OUT_DIR`; the sizes take turns
//! so that a busy spell of the machine hits them all. The verdict uses CPU
//! time (user + sys), which other load on a shared machine barely moves; wall
//! time is printed beside it.
//!
//! Targets: the extra time of 20,000 rows is at most 12 times that of 2,000
//! (perfectly linear is 10 times), and 20,000 rows take at most 6 s in all.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use crate::bench::{
    self, build_script_binary, cargo, expect_success, finish, machine, median, run_build_script,
    verdict, Sample,
};

const USAGE: &str = "\
usage: cargo xtask bench-generator [--runs N]
  --runs N   runs of the build script per size (default 5)
exit status: 0 when both targets are met, 1 when one is missed or a step fails";

/// Extra rows measured, besides the spec alone.
const SIZES: [usize; 3] = [0, 2_000, 20_000];
/// Rows per generated section, so that categories grow too.
const ROWS_PER_SECTION: usize = 500;
const GROWTH_TARGET: f64 = 12.0;
const LARGEST_TARGET: Duration = Duration::from_secs(6);

pub fn main(args: &[String]) -> ExitCode {
    let mut runs = 5;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => match args.next().and_then(|n| n.parse::<usize>().ok()) {
                Some(n) if n > 0 => runs = n,
                _ => return usage_error("`--runs` needs a positive integer"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage_error(&format!("unknown argument `{other}`")),
        }
    }
    let work = std::env::temp_dir().join(format!("bench-generator-{}", std::process::id()));
    let outcome = measure(&work, runs);
    let _ = fs::remove_dir_all(&work);
    finish("bench-generator", outcome)
}

fn usage_error(message: &str) -> ExitCode {
    bench::usage_error("bench-generator", message, USAGE)
}

fn measure(work: &Path, runs: usize) -> Result<(String, bool), String> {
    let root = crate::codegen::workspace_root();
    let script = compile_build_script(&root, &work.join("target"))?;
    let spec = fs::read_to_string(root.join("spec/error-codes.md"))
        .map_err(|error| format!("cannot read spec/error-codes.md: {error}"))?;
    let crates: Vec<PathBuf> = SIZES
        .iter()
        .map(|&rows| write_crate_root(&work.join(format!("rows-{rows}")), &spec, rows))
        .collect::<Result<_, _>>()?;

    let mut samples = vec![Vec::new(); SIZES.len()];
    for run in 0..runs {
        eprint!("bench-generator: run {}/{runs}", run + 1);
        for offset in 0..SIZES.len() {
            let size = (run + offset) % SIZES.len();
            let crate_root = &crates[size];
            let sample = run_build_script(&script, crate_root, &crate_root.join("out"))?;
            eprint!("  {}: {:.2} s", SIZES[size], sample.cpu.as_secs_f64());
            samples[size].push(sample);
        }
        eprintln!();
    }
    Ok(render(runs, &samples))
}

/// Builds the crate into its own target directory and returns its compiled
/// build script, as a user's clean dev build would compile it.
fn compile_build_script(root: &Path, target: &Path) -> Result<PathBuf, String> {
    eprintln!("bench-generator: compiling the build script");
    let output = cargo()
        .args(["build", "--lib", "--package", "parse-error-codes"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    expect_success("cargo build", &output)?;
    build_script_binary(target)
}

/// A crate root with the real spec and, beside it, `extra.md` with `rows`
/// generated rows.
fn write_crate_root(dir: &Path, spec: &str, rows: usize) -> Result<PathBuf, String> {
    let spec_dir = dir.join("spec");
    fs::create_dir_all(&spec_dir)
        .and_then(|()| fs::write(spec_dir.join("error-codes.md"), spec))
        .and_then(|()| match rows {
            0 => Ok(()),
            rows => fs::write(spec_dir.join("extra.md"), extra_rows(rows)),
        })
        .map_err(|error| format!("cannot write {}: {error}", spec_dir.display()))?;
    Ok(dir.to_path_buf())
}

/// `rows` rows in sections of [`ROWS_PER_SECTION`], shaped like the real
/// document: names of several lengths, one row in four sharing its code with
/// the row above (the document has 86 codes for 115 rows), descriptions of
/// about its average length (75 characters) with an escape and a code span.
pub fn extra_rows(rows: usize) -> String {
    const WORDS: [&str; 8] = [
        "Quota", "Session", "Token", "Object", "Field", "Schema", "Push", "Install",
    ];
    let mut out = String::with_capacity(rows * 120);
    for row in 0..rows {
        if row % ROWS_PER_SECTION == 0 {
            let section = row / ROWS_PER_SECTION;
            let _ = write!(
                out,
                "\n## Generated section {section} {{#generated-{section}-errors}}\n\n\
                 | Name | Code | Description |\n| --- | --- | --- |\n"
            );
        }
        let (first, second) = (WORDS[row % 8], WORDS[(row / 8) % 8]);
        let code = 100_000 + row - (row + 1) / 4;
        let _ = writeln!(
            out,
            "| `{first}{second}Error{row}` | {code} | Row {row}: the {first} {second} request failed; see `{first}` and a\\_b. |"
        );
    }
    out
}

fn render(runs: usize, samples: &[Vec<Sample>]) -> (String, bool) {
    let cpu: Vec<Duration> = samples
        .iter()
        .map(|s| median(&s.iter().map(|s| s.cpu).collect::<Vec<_>>()))
        .collect();
    let wall: Vec<Duration> = samples
        .iter()
        .map(|s| median(&s.iter().map(|s| s.wall).collect::<Vec<_>>()))
        .collect();
    let extra = |size: usize| cpu[size].saturating_sub(cpu[0]);
    let mut text = format!(
        "\n{}\nbuild script, dev profile, one whole process per run; median of {runs} runs\n",
        machine()
    );
    let _ = writeln!(
        text,
        "   {:>11} {:>9} {:>9} {:>9} {:>16}",
        "extra rows", "CPU ms", "wall ms", "extra ms", "ms / 1,000 rows"
    );
    for (size, &rows) in SIZES.iter().enumerate() {
        let per_thousand = match rows {
            0 => "-".to_owned(),
            rows => format!("{:.0}", millis(extra(size)) * 1000.0 / rows as f64),
        };
        let _ = writeln!(
            text,
            "   {rows:>11} {:>9.0} {:>9.0} {:>9.0} {per_thousand:>16}",
            millis(cpu[size]),
            millis(wall[size]),
            millis(extra(size))
        );
    }
    let growth = extra(2).as_secs_f64() / extra(1).as_secs_f64();
    let growth_met = growth <= GROWTH_TARGET;
    let largest_met = cpu[2] <= LARGEST_TARGET;
    let _ = writeln!(
        text,
        "   extra time, 20,000 rows / 2,000 rows: {growth:.1}x   target <= {GROWTH_TARGET}x (linear: 10x): {}",
        verdict(growth_met)
    );
    let _ = writeln!(
        text,
        "   20,000 extra rows in all: {:.2} s CPU   target <= {} s: {}",
        cpu[2].as_secs_f64(),
        LARGEST_TARGET.as_secs(),
        verdict(largest_met)
    );
    (text, growth_met && largest_met)
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generator::{self, SpecFile};

    #[test]
    fn the_generated_rows_are_a_valid_spec_with_shared_codes_and_new_sections() {
        let spec = fs::read_to_string(crate::codegen::workspace_root().join("spec/error-codes.md"))
            .unwrap();
        let files = [
            SpecFile::from_bytes("spec/error-codes.md", spec.as_bytes()).unwrap(),
            SpecFile::from_bytes("spec/extra.md", extra_rows(1_001).as_bytes()).unwrap(),
        ];
        let generated = match generator::generate_from_files(&files) {
            Ok(generated) => generated,
            Err(diagnostics) => panic!("{}", generator::render_diagnostics(&diagnostics)),
        };
        let catalogue = generated.catalogue;
        assert_eq!(catalogue.kinds.len(), 115 + 1_001);
        assert_eq!(catalogue.categories.len(), 10 + 3);
        // 86 codes of the document; rows 3, 7, ..., 999 share the code above.
        assert_eq!(catalogue.codes.len(), 86 + 1_001 - 250);
        let shared = &catalogue.kinds[115 + 3];
        assert_eq!(shared.name, "ObjectQuotaError3");
        assert_eq!(shared.code, catalogue.kinds[115 + 2].code);
        assert_eq!(
            shared.description,
            "Row 3: the Object Quota request failed; see `Object` and a_b."
        );
    }
}
