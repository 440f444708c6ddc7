//! Helpers shared by the benchmarks `cargo xtask bench-build` and
//! `cargo xtask bench-generator`: a measured command (CPU time of the child
//! processes and wall time), one run of a compiled build script, medians,
//! verdicts and the machine line.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use nix::sys::resource::{getrusage, UsageWho};
use xshell::{cmd, Cmd, Shell};

/// The crate the benchmarks measure.
pub const PACKAGE: &str = "parse-error-codes";

/// CPU time (user + system, of the process tree) and wall time, in seconds.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub cpu: f64,
    pub wall: f64,
}

/// User + system seconds of every waited-for descendant so far: cargo waits
/// for rustc and the build scripts, so a difference around one command
/// covers its whole process tree.
fn children_cpu() -> Result<f64> {
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).context("getrusage")?;
    let seconds =
        |time: nix::sys::time::TimeVal| time.tv_sec() as f64 + time.tv_usec() as f64 / 1e6;
    Ok(seconds(usage.user_time()) + seconds(usage.system_time()))
}

/// Runs `command` quietly and measures it; a failure carries its stderr.
pub fn measured(command: Cmd<'_>) -> Result<(Sample, Output)> {
    let shown = command.to_string();
    let before = children_cpu()?;
    let start = Instant::now();
    let output = command.quiet().ignore_status().output()?;
    let wall = start.elapsed().as_secs_f64();
    let cpu = children_cpu()? - before;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("`{shown}` failed ({}):\n{stderr}", output.status);
    }
    Ok((Sample { cpu, wall }, output))
}

/// `cargo build ...` into `target`, as a clean user build: no compiler cache
/// (it would turn a clean build into a cache hit), nothing incremental.
pub fn cargo_build<'a>(sh: &'a Shell, target: &Path) -> Cmd<'a> {
    let cargo = crate::cargo();
    cmd!(sh, "{cargo} build")
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_BUILD_RUSTC_WRAPPER")
}

/// `target/debug/build/parse-error-codes-*/build-script-build` of a finished build.
pub fn build_script_binary(target: &Path) -> Result<PathBuf> {
    let build = target.join("debug").join("build");
    let entries =
        std::fs::read_dir(&build).with_context(|| format!("cannot list {}", build.display()))?;
    entries
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with(&format!("{PACKAGE}-"))
        })
        .map(|entry| entry.path().join("build-script-build"))
        .find(|path| path.is_file())
        .with_context(|| format!("no build-script-build under {}", build.display()))
}

/// One whole run of a compiled build script on `crate_root`'s spec, writing
/// into `out_dir` (emptied first, as in a clean build).
pub fn run_build_script(
    sh: &Shell,
    script: &Path,
    crate_root: &Path,
    out_dir: &Path,
) -> Result<Sample> {
    let _ = std::fs::remove_dir_all(out_dir);
    std::fs::create_dir_all(out_dir)?;
    let command = cmd!(sh, "{script}")
        .env("CARGO_MANIFEST_DIR", crate_root)
        .env("OUT_DIR", out_dir);
    Ok(measured(command)?.0)
}

pub fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

pub fn verdict(met: bool) -> &'static str {
    if met {
        "ok"
    } else {
        "MISSED"
    }
}

/// Cores, CPU model and compiler, for the figures to be comparable.
pub fn machine(sh: &Shell) -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name")?.split_once(':'));
    let model = model.map_or("unknown CPU", |(_, model)| model.trim());
    let rustc = cmd!(sh, "rustc -V")
        .quiet()
        .read()
        .unwrap_or_else(|_| "unknown rustc".into());
    format!("machine: {cores} cores, {model}, {rustc}")
}

/// Prints a benchmark's report; a missed target fails the command (exit 1).
pub fn finish(report: &str, all_targets_met: bool) -> Result<()> {
    print!("{report}");
    if !all_targets_met {
        bail!("a target was missed (see MISSED above)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[1.2, 0.9, 1.1]), 1.1);
        assert_eq!(median(&[1.0, 2.0]), 1.5);
        assert_eq!(median(&[-0.3, 0.1, -0.1]), -0.1);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn a_measured_command_counts_its_children_cpu_time() {
        let sh = Shell::new().unwrap();
        // A busy loop of about 0.2 s of CPU in a child shell.
        let busy = cmd!(
            sh,
            "sh -c 'i=0; while [ $i -lt 40000 ]; do i=$((i+1)); done'"
        );
        let (sample, _) = measured(busy).unwrap();
        assert!(sample.cpu > 0.01, "{sample:?}");
        assert!(sample.wall >= sample.cpu * 0.5, "{sample:?}");
        let failing = cmd!(sh, "sh -c 'echo oops >&2; exit 3'");
        let error = measured(failing).unwrap_err().to_string();
        assert!(error.contains("oops") && error.contains('3'), "{error}");
    }
}
