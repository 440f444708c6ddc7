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
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use xshell::Shell;

use crate::bench::{self, build_script_binary, machine, median, run_build_script, verdict, Sample};

/// Extra rows measured, besides the spec alone.
const SIZES: [usize; 3] = [0, 2_000, 20_000];
/// Rows per generated section, so that categories grow too.
const ROWS_PER_SECTION: usize = 500;
const GROWTH_TARGET: f64 = 12.0;
/// CPU seconds.
const LARGEST_TARGET: f64 = 6.0;

pub fn run(sh: &Shell, runs: usize) -> Result<()> {
    let work = std::env::temp_dir().join(format!("bench-generator-{}", std::process::id()));
    let outcome = measure(sh, &work, runs);
    let _ = std::fs::remove_dir_all(&work);
    let (report, met) = outcome?;
    bench::finish(&report, met)
}

fn measure(sh: &Shell, work: &Path, runs: usize) -> Result<(String, bool)> {
    let root = crate::project_root();
    eprintln!("bench-generator: compiling the build script");
    // A user's clean dev build compiles it so.
    let target = work.join("target");
    let package = bench::PACKAGE;
    bench::measured(bench::cargo_build(sh, &target).args(["--lib", "--package", package]))?;
    let script = build_script_binary(&target)?;
    let spec = std::fs::read_to_string(root.join("spec/error-codes.md"))
        .context("cannot read spec/error-codes.md")?;
    let crates: Vec<PathBuf> = SIZES
        .iter()
        .map(|&rows| write_crate_root(&work.join(format!("rows-{rows}")), &spec, rows))
        .collect::<Result<_>>()?;
    let mut samples = vec![Vec::new(); SIZES.len()];
    for run in 0..runs {
        eprint!("bench-generator: run {}/{runs}", run + 1);
        // The sizes take turns, so a busy spell of the machine hits them all.
        for offset in 0..SIZES.len() {
            let size = (run + offset) % SIZES.len();
            let crate_root = &crates[size];
            let sample = run_build_script(sh, &script, crate_root, &crate_root.join("out"))?;
            eprint!("  {}: {:.2} s", SIZES[size], sample.cpu);
            samples[size].push(sample);
        }
        eprintln!();
    }
    Ok(render(&machine(sh), runs, &samples))
}

/// A crate root with the real spec and, beside it, `extra.md` with `rows`
/// generated rows.
fn write_crate_root(dir: &Path, spec: &str, rows: usize) -> Result<PathBuf> {
    let spec_dir = dir.join("spec");
    std::fs::create_dir_all(&spec_dir)
        .and_then(|()| std::fs::write(spec_dir.join("error-codes.md"), spec))
        .and_then(|()| match rows {
            0 => Ok(()),
            rows => std::fs::write(spec_dir.join("extra.md"), extra_rows(rows)),
        })
        .with_context(|| format!("cannot write {}", spec_dir.display()))?;
    Ok(dir.to_path_buf())
}

/// `rows` rows in sections of [`ROWS_PER_SECTION`], shaped like the real
/// document: names of several lengths, one row in four sharing its code with
/// the row above (the document has 86 codes for 115 rows), descriptions of
/// about its average length (75 characters) with an escape and a code span.
fn extra_rows(rows: usize) -> String {
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

fn render(machine: &str, runs: usize, samples: &[Vec<Sample>]) -> (String, bool) {
    let medians = |of: fn(&Sample) -> f64| -> Vec<f64> {
        samples
            .iter()
            .map(|s| median(&s.iter().map(of).collect::<Vec<_>>()))
            .collect()
    };
    let (cpu, wall) = (medians(|s| s.cpu), medians(|s| s.wall));
    let extra = |size: usize| (cpu[size] - cpu[0]).max(0.0);
    let mut text = format!(
        "\n{machine}\nbuild script, dev profile, one whole process per run; median of {runs} runs\n"
    );
    let _ = writeln!(
        text,
        "   {:>11} {:>9} {:>9} {:>9} {:>16}",
        "extra rows", "CPU ms", "wall ms", "extra ms", "ms / 1,000 rows"
    );
    for (size, &rows) in SIZES.iter().enumerate() {
        let per_thousand = match rows {
            0 => "-".to_owned(),
            rows => format!("{:.0}", extra(size) * 1e6 / rows as f64),
        };
        let _ = writeln!(
            text,
            "   {rows:>11} {:>9.0} {:>9.0} {:>9.0} {per_thousand:>16}",
            cpu[size] * 1e3,
            wall[size] * 1e3,
            extra(size) * 1e3
        );
    }
    let growth = extra(2) / extra(1);
    let growth_met = growth <= GROWTH_TARGET;
    let largest_met = cpu[2] <= LARGEST_TARGET;
    let _ = writeln!(
        text,
        "   extra time, 20,000 rows / 2,000 rows: {growth:.1}x   target <= {GROWTH_TARGET}x (linear: 10x): {}",
        verdict(growth_met)
    );
    let _ = writeln!(
        text,
        "   20,000 extra rows in all: {:.2} s CPU   target <= {LARGEST_TARGET} s: {}",
        cpu[2],
        verdict(largest_met)
    );
    (text, growth_met && largest_met)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generator::{self, Catalogue, SpecFile};

    fn catalogue(files: &[SpecFile]) -> Catalogue {
        match generator::generate_from_files(files) {
            Ok(generated) => generated.catalogue,
            Err(diagnostics) => panic!("{}", generator::render_diagnostics(&diagnostics)),
        }
    }

    #[test]
    fn the_generated_rows_are_a_valid_spec_with_shared_codes_and_new_sections() {
        let spec = std::fs::read(crate::project_root().join("spec/error-codes.md")).unwrap();
        let spec = SpecFile::from_bytes("spec/error-codes.md", &spec).unwrap();
        let extra = SpecFile::from_bytes("spec/extra.md", extra_rows(1_001).as_bytes()).unwrap();
        let alone = catalogue(std::slice::from_ref(&spec));
        let grown = catalogue(&[spec, extra]);
        let first = alone.kinds.len();
        assert_eq!(grown.kinds.len(), first + 1_001);
        assert_eq!(grown.categories.len(), alone.categories.len() + 3);
        // Rows 3, 7, ..., 999 share the code of the row above.
        assert_eq!(grown.codes.len(), alone.codes.len() + 1_001 - 250);
        let shared = &grown.kinds[first + 3];
        assert_eq!(shared.name, "ObjectQuotaError3");
        assert_eq!(shared.code, grown.kinds[first + 2].code);
        assert_eq!(
            shared.description,
            "Row 3: the Object Quota request failed; see `Object` and a_b."
        );
    }
}
