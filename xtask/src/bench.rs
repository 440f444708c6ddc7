//! Helpers shared by the benchmarks `cargo xtask bench-build` and
//! `cargo xtask bench-generator`: running cargo without a compiler cache,
//! CPU time of child processes, one run of a build script, medians, verdicts,
//! the machine line and the exit status.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output, Stdio};
use std::time::{Duration, Instant};

/// The crate the benchmarks measure.
pub(crate) const PACKAGE: &str = "parse-error-codes";

pub(crate) fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // A compiler cache would turn a clean build into a cache hit.
    command
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_BUILD_RUSTC_WRAPPER")
        .stdin(Stdio::null());
    command
}

/// User + system time of every waited-for descendant so far: cargo waits for
/// rustc and the build scripts, so a difference around one `cargo build`
/// covers the whole process tree.
pub(crate) fn children_cpu_time() -> Duration {
    // SAFETY: `getrusage` only writes the struct it is given, which is zeroed
    // plain data of the right type.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) != 0 {
            return Duration::ZERO;
        }
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

pub(crate) fn expect_success(what: &str, output: &Output) -> Result<(), String> {
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{what} failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    ))
}

/// The compiled build script of a finished build into `target`.
pub(crate) fn build_script_binary(target: &Path) -> Result<PathBuf, String> {
    build_dir_file(target, "build-script-build")
}

/// `target/debug/build/parse-error-codes-*/<name>`: cargo keeps the compiled
/// build script in one such directory and its captured output in another.
pub(crate) fn build_dir_file(target: &Path, name: &str) -> Result<PathBuf, String> {
    let build = target.join("debug").join("build");
    fs::read_dir(&build)
        .map_err(|error| format!("cannot list {}: {error}", build.display()))?
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with(&format!("{PACKAGE}-"))
        })
        .map(|entry| entry.path().join(name))
        .find(|path| path.is_file())
        .ok_or_else(|| format!("no {name} under {}", build.display()))
}

pub(crate) fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

pub(crate) fn median_f64(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

pub(crate) fn verdict(met: bool) -> &'static str {
    if met {
        "ok"
    } else {
        "MISSED"
    }
}

/// Cores, CPU model and compiler, for the figures to be comparable.
pub(crate) fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("model name")?.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let rustc = Command::new("rustc")
        .arg("-V")
        .output()
        .ok()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown rustc".into());
    format!("machine: {cores} cores, {cpu}, {rustc}")
}

/// CPU and wall time of one run of a program.
#[derive(Clone, Copy)]
pub(crate) struct Sample {
    pub(crate) cpu: Duration,
    pub(crate) wall: Duration,
}

/// One whole run of a compiled build script on `crate_root`'s spec, writing
/// into `out_dir` (emptied first, as in a clean build).
pub(crate) fn run_build_script(
    script: &Path,
    crate_root: &Path,
    out_dir: &Path,
) -> Result<Sample, String> {
    let _ = fs::remove_dir_all(out_dir);
    fs::create_dir_all(out_dir).map_err(|error| error.to_string())?;
    let cpu_before = children_cpu_time();
    let start = Instant::now();
    let output = Command::new(script)
        .env("CARGO_MANIFEST_DIR", crate_root)
        .env("OUT_DIR", out_dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run {}: {error}", script.display()))?;
    let wall = start.elapsed();
    let cpu = children_cpu_time().saturating_sub(cpu_before);
    expect_success("the build script", &output)?;
    Ok(Sample { cpu, wall })
}

/// Prints a benchmark's report and turns it into the exit status: 0 when
/// every target is met, 1 when one is missed or a step failed.
pub(crate) fn finish(command: &str, outcome: Result<(String, bool), String>) -> ExitCode {
    match outcome {
        Ok((report, all_targets_met)) => {
            print!("{report}");
            if all_targets_met {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(message) => {
            eprintln!("xtask {command}: {message}");
            ExitCode::FAILURE
        }
    }
}

/// A bad command line: the message and the usage on stderr, exit status 2.
pub(crate) fn usage_error(command: &str, message: &str, usage: &str) -> ExitCode {
    eprintln!("xtask {command}: {message}\n{usage}");
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        let ms = |values: &[u64]| {
            values
                .iter()
                .map(|&v| Duration::from_millis(v))
                .collect::<Vec<_>>()
        };
        assert_eq!(median(&ms(&[30, 10, 20])), Duration::from_millis(20));
        assert_eq!(median(&ms(&[40, 10, 30, 20])), Duration::from_millis(25));
        assert_eq!(median_f64(&[1.2, 0.9, 1.1]), 1.1);
        assert_eq!(median_f64(&[1.0, 2.0]), 1.5);
        assert_eq!(median_f64(&[-0.3, 0.1, -0.1]), -0.1);
    }
}
