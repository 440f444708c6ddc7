//! `cargo xtask bench-build`: what the crate costs its users at build time
//! (issue 7), measured on the machine it runs on.
//!
//! 1. CPU time (user + sys of cargo and everything it runs) of a clean build of
//!    the crate as published (`cargo package`, so exactly the files a user
//!    downloads), against a clean build of an empty crate with the same
//!    `[build-dependencies]`. The ratio is the crate's own share of the cost.
//! 2. One run of the build script, split into its stages. Each sample is a
//!    fresh process (this binary re-run with `--stages-once`), because a build
//!    script runs once per build, cold; the xtask is built with the dev profile
//!    at opt-level 0, like a user's build script. The real `build-script-build`
//!    binary from the clean build is timed as a whole too.
//! 3. A no-op `cargo build` and one after touching `src/lib.rs` must not rerun
//!    the build script.
//!
//! CPU time rather than wall time for (1): the machine may be shared, and CPU
//! time is what the build costs whatever else runs. Medians of several runs.
//!
//! On a busy machine two clean builds of 5 to 8 s each differ by several
//! tenths of a second, as much as the share being measured. So each run also
//! measures the parts that differ, on top of the baseline's dependencies once
//! they are built: the crate's own units (build script, its run, the library)
//! and the baseline's own units. `(baseline - its own units + the crate's own
//! units) / baseline` is the same ratio with the noise of short builds only;
//! the verdict uses it, and the direct ratio is printed next to it.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime};

use crate::bench::{
    build_dir_file, build_script_binary, cargo, children_cpu_time, expect_success, machine, median,
    median_f64, verdict, PACKAGE,
};
use crate::generator;

const USAGE: &str = "\
usage: cargo xtask bench-build [--runs N] [--keep]
  --runs N   clean builds of each kind (default 5); the build script is timed 2N+1 times
  --keep     keep the temporary directory (its path is printed)
exit status: 0 when every target is met, 1 when one is missed or a step fails";

/// Issue 7: the crate's own share of a clean build, as a ratio of CPU times.
const OWN_SHARE_TARGET: f64 = 1.15;
/// Issue 7: one run of the build script with the dev profile.
const BUILD_SCRIPT_TARGET: Duration = Duration::from_millis(100);

const LIB_TARGET: &str = "parse_error_codes";
const BASELINE_PACKAGE: &str = "build-dependencies-alone";

/// The stages of one build-script run, in pipeline order.
const STAGES: [&str; 8] = [
    "load",
    "read",
    "check",
    "model",
    "emit",
    "syn::parse2",
    "prettyplease",
    "write",
];

pub fn main(args: &[String]) -> ExitCode {
    let mut runs = 5;
    let mut keep = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => match args.next().and_then(|n| n.parse::<usize>().ok()) {
                Some(n) if n > 0 => runs = n,
                _ => return usage_error("`--runs` needs a positive integer"),
            },
            "--keep" => keep = true,
            // Internal: one cold run of the pipeline, printed for the parent process.
            "--stages-once" => {
                let (Some(root), Some(out)) = (args.next(), args.next()) else {
                    return usage_error("`--stages-once` needs a crate root and an output file");
                };
                return match time_stages_in_process(Path::new(root), Path::new(out)) {
                    Ok(times) => {
                        for (stage, time) in STAGES.iter().zip(times) {
                            println!("{stage}\t{}", time.as_nanos());
                        }
                        ExitCode::SUCCESS
                    }
                    Err(message) => {
                        eprintln!("xtask bench-build: {message}");
                        ExitCode::FAILURE
                    }
                };
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage_error(&format!("unknown argument `{other}`")),
        }
    }

    let work = std::env::temp_dir().join(format!("{PACKAGE}-bench-build-{}", std::process::id()));
    let result = fs::create_dir_all(&work)
        .map_err(|error| format!("cannot create {}: {error}", work.display()))
        .and_then(|()| measure(&work, runs));
    if keep {
        eprintln!("kept {}", work.display());
    } else {
        let _ = fs::remove_dir_all(&work);
    }
    match result {
        Ok(report) => {
            print!("{}", report.text);
            if report.all_targets_met {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(message) => {
            eprintln!("xtask bench-build: {message}");
            ExitCode::FAILURE
        }
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("xtask bench-build: {message}\n{USAGE}");
    ExitCode::from(2)
}

struct Report {
    text: String,
    all_targets_met: bool,
}

/// CPU and wall time of one command.
#[derive(Clone, Copy)]
struct Cost {
    cpu: Duration,
    wall: Duration,
}

fn measure(work: &Path, runs: usize) -> Result<Report, String> {
    if !cfg!(debug_assertions) {
        return Err(
            "build the xtask with the dev profile (no `--release`): the stage \
                    timings stand for a user's build script, which runs unoptimised"
                .into(),
        );
    }
    let package_dir = package(work)?;
    let baseline_dir = write_baseline(work, &package_dir)?;

    eprintln!(
        "bench-build: {runs} clean builds of each kind, in {}",
        work.display()
    );
    let mut crate_builds = Vec::new();
    let mut baseline_builds = Vec::new();
    let mut parts = Vec::new();
    let mut last_crate_target = None;
    for run in 0..runs {
        // Alternate the order so that a slow spell of the machine hits both kinds.
        let crate_first = run % 2 == 0;
        for is_crate in [crate_first, !crate_first] {
            let (dir, kind) = if is_crate {
                (&package_dir, "crate")
            } else {
                (&baseline_dir, "baseline")
            };
            let target = work.join(format!("target-{kind}-{run}"));
            let cost = clean_build(dir, &target)?;
            eprintln!(
                "bench-build: run {}: {kind:<8} cpu {:>6.2} s  wall {:>6.2} s",
                run + 1,
                cost.cpu.as_secs_f64(),
                cost.wall.as_secs_f64()
            );
            if is_crate {
                crate_builds.push(cost);
                if let Some(previous) = last_crate_target.replace(target) {
                    let _ = fs::remove_dir_all(previous);
                }
            } else {
                baseline_builds.push(cost);
                parts.push(own_units(&package_dir, &baseline_dir, &target)?);
                let _ = fs::remove_dir_all(&target);
            }
        }
    }
    let crate_target = last_crate_target.ok_or("no clean build ran")?;

    eprintln!("bench-build: timing the build script");
    let script = build_script_binary(&crate_target)?;
    let mut stage_samples = vec![Vec::new(); STAGES.len()];
    let mut script_runs = Vec::new();
    // Interleaved, so that both see the same state of a shared machine.
    for run in 0..2 * runs + 1 {
        for (samples, time) in
            stage_samples
                .iter_mut()
                .zip(time_stages_once(work, &package_dir, run)?)
        {
            samples.push(time);
        }
        script_runs.push(time_build_script_process(work, &script, &package_dir, run)?);
    }

    eprintln!("bench-build: rebuilds");
    let rebuilds = check_rebuilds(&package_dir, &crate_target)?;

    Ok(render(
        runs,
        &crate_builds,
        &baseline_builds,
        &parts,
        &stage_samples,
        &script_runs,
        &rebuilds,
    ))
}

// ----------------------------------------------------------------------
// The two crates
// ----------------------------------------------------------------------

/// `cargo package` of the working tree, unpacked: the crate as a user gets it.
fn package(work: &Path) -> Result<PathBuf, String> {
    let root = crate::codegen::workspace_root();
    let target = work.join("package-target");
    let output = cargo()
        .args([
            "package",
            "--no-verify",
            "--allow-dirty",
            "--package",
            PACKAGE,
        ])
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    expect_success("cargo package", &output)?;
    let crate_file = fs::read_dir(target.join("package"))
        .map_err(|error| format!("cannot list the packaged crate: {error}"))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "crate"))
        .ok_or("cargo package produced no .crate file")?;
    let unpacked = work.join("package");
    fs::create_dir_all(&unpacked).map_err(|error| error.to_string())?;
    let output = Command::new("tar")
        .arg("xzf")
        .arg(&crate_file)
        .arg("-C")
        .arg(&unpacked)
        .output()
        .map_err(|error| format!("cannot run tar: {error}"))?;
    expect_success("tar", &output)?;
    let _ = fs::remove_dir_all(&target);
    fs::read_dir(&unpacked)
        .map_err(|error| error.to_string())?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.join("Cargo.toml").is_file())
        .ok_or_else(|| "the packaged crate has no Cargo.toml".into())
}

/// An empty library whose build script uses the same build dependencies, with
/// the same profile settings and the same lock file.
fn write_baseline(work: &Path, package_dir: &Path) -> Result<PathBuf, String> {
    let manifest = fs::read_to_string(package_dir.join("Cargo.toml"))
        .map_err(|error| format!("cannot read the packaged Cargo.toml: {error}"))?;
    let (sections, build_dependencies) = build_sections(&manifest);
    if build_dependencies.is_empty() {
        return Err("the packaged Cargo.toml has no [build-dependencies]".into());
    }
    let dir = work.join("baseline");
    let write = |path: &str, contents: &str| {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap_or(&dir))
            .and_then(|()| fs::write(&path, contents))
            .map_err(|error| format!("cannot write {}: {error}", path.display()))
    };
    write(
        "Cargo.toml",
        &format!(
            "[package]\nname = \"{BASELINE_PACKAGE}\"\nversion = \"0.0.0\"\n\
             edition = \"2021\"\npublish = false\n\n{sections}"
        ),
    )?;
    let uses: String = build_dependencies
        .iter()
        .map(|name| format!("use {} as _;\n", name.replace('-', "_")))
        .collect();
    write("build.rs", &format!("{uses}\nfn main() {{}}\n"))?;
    write("src/lib.rs", "")?;
    let lock = fs::read_to_string(package_dir.join("Cargo.lock"))
        .map_err(|error| format!("cannot read the packaged Cargo.lock: {error}"))?;
    write("Cargo.lock", &lock)?;
    Ok(dir)
}

/// The `[build-dependencies]` and `[profile]` tables of a manifest normalised by
/// `cargo package` (one `[build-dependencies.NAME]` table per dependency), and
/// the dependency names.
fn build_sections(manifest: &str) -> (String, Vec<String>) {
    let mut sections = String::new();
    let mut names = Vec::new();
    let mut copying = false;
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            let header = trimmed.trim_matches(|c| c == '[' || c == ']');
            copying = header.starts_with("profile") || header.contains("build-dependencies");
            if let Some(name) = header
                .rsplit_once("build-dependencies.")
                .map(|(_, name)| name)
            {
                names.push(name.trim_matches('"').to_owned());
            }
            if copying {
                sections.push('\n');
            }
        }
        if copying {
            sections.push_str(line);
            sections.push('\n');
        }
    }
    (sections, names)
}

// ----------------------------------------------------------------------
// Clean builds
// ----------------------------------------------------------------------

fn clean_build(manifest_dir: &Path, target: &Path) -> Result<Cost, String> {
    let _ = fs::remove_dir_all(target);
    let before = children_cpu_time();
    let start = Instant::now();
    let output = cargo()
        .args(["build", "--lib"])
        .current_dir(manifest_dir)
        .env("CARGO_TARGET_DIR", target)
        // A dependency is never built incrementally.
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    let wall = start.elapsed();
    let cpu = children_cpu_time().saturating_sub(before);
    expect_success(
        &format!("cargo build in {}", manifest_dir.display()),
        &output,
    )?;
    Ok(Cost { cpu, wall })
}

/// CPU time of the units that differ between the two builds.
#[derive(Clone, Copy)]
struct OwnUnits {
    crate_units: Duration,
    baseline_units: Duration,
}

/// In the target directory of a finished baseline build: the crate built on
/// top of the baseline's dependencies, then the baseline's own units again.
fn own_units(package_dir: &Path, baseline_dir: &Path, target: &Path) -> Result<OwnUnits, String> {
    let crate_units = build_only(package_dir, target, PACKAGE)?;
    let output = cargo()
        .args(["clean", "--package", BASELINE_PACKAGE])
        .current_dir(baseline_dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    expect_success("cargo clean of the baseline's own units", &output)?;
    let baseline_units = build_only(baseline_dir, target, BASELINE_PACKAGE)?;
    eprintln!(
        "bench-build:        own units: crate {:.2} s, baseline {:.2} s",
        crate_units.as_secs_f64(),
        baseline_units.as_secs_f64()
    );
    Ok(OwnUnits {
        crate_units,
        baseline_units,
    })
}

/// CPU time of a build in which only `package`'s units may compile; an error
/// when a dependency is rebuilt, which would mean the two crates resolve their
/// build dependencies differently and the parts do not add up.
fn build_only(manifest_dir: &Path, target: &Path, package: &str) -> Result<Duration, String> {
    let before = children_cpu_time();
    let output = cargo()
        .args(["build", "--lib", "--message-format=json"])
        .current_dir(manifest_dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    let cpu = children_cpu_time().saturating_sub(before);
    expect_success(
        &format!("cargo build in {}", manifest_dir.display()),
        &output,
    )?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let own_id = format!("#{package}@");
    let rebuilt: Vec<&str> = stdout
        .lines()
        .filter(|line| {
            line.contains("\"reason\":\"compiler-artifact\"")
                && line.contains("\"fresh\":false")
                && !line.contains(&own_id)
        })
        .collect();
    if !rebuilt.is_empty() {
        return Err(format!(
            "building {package} on the baseline's dependencies rebuilt other units:\n{}",
            rebuilt.join("\n")
        ));
    }
    Ok(cpu)
}

// ----------------------------------------------------------------------
// The build script
// ----------------------------------------------------------------------

/// Runs the pipeline on `crate_root` exactly as `build.rs` does, timing each
/// stage; `format` is split into its two halves.
fn time_stages_in_process(crate_root: &Path, out: &Path) -> Result<Vec<Duration>, String> {
    let fail =
        |diagnostics: Vec<generator::Diagnostic>| generator::render_diagnostics(&diagnostics);
    let mut times = Vec::with_capacity(STAGES.len());
    let mut clock = Instant::now();
    let mut lap = |times: &mut Vec<Duration>| {
        let now = Instant::now();
        times.push(now - clock);
        clock = now;
    };
    let files = generator::load(crate_root).map_err(fail)?;
    lap(&mut times);
    let raw = generator::read(&files);
    lap(&mut times);
    let checked = generator::check(&raw).map_err(fail)?;
    lap(&mut times);
    let catalogue = generator::model(checked);
    lap(&mut times);
    let tokens = generator::emit(&catalogue);
    lap(&mut times);
    let file: syn::File = syn::parse2(tokens).map_err(|error| error.to_string())?;
    lap(&mut times);
    let source = format!(
        "{}{}",
        generator::format::GENERATED_HEADER,
        prettyplease::unparse(&file)
    );
    lap(&mut times);
    generator::write_if_changed(out, &source).map_err(|error| error.to_string())?;
    lap(&mut times);
    Ok(times)
}

/// The stages of one cold run, in a new process.
fn time_stages_once(work: &Path, crate_root: &Path, run: usize) -> Result<Vec<Duration>, String> {
    let exe = std::env::current_exe().map_err(|error| error.to_string())?;
    // A new output file each time: a clean build writes it.
    let out = work.join(format!("stages-{run}.rs"));
    let output = Command::new(&exe)
        .args(["bench-build", "--stages-once"])
        .arg(crate_root)
        .arg(&out)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot rerun the xtask: {error}"))?;
    expect_success("the stage timing run", &output)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    STAGES
        .iter()
        .map(|stage| {
            stdout
                .lines()
                .find_map(|line| line.strip_prefix(stage)?.strip_prefix('\t')?.parse().ok())
                .map(Duration::from_nanos)
                .ok_or_else(|| format!("no time for stage `{stage}` in:\n{stdout}"))
        })
        .collect()
}

/// Wall time of one whole run of the real build script, into an empty `OUT_DIR`.
fn time_build_script_process(
    work: &Path,
    script: &Path,
    crate_root: &Path,
    run: usize,
) -> Result<Duration, String> {
    let out_dir = work.join(format!("out-{run}"));
    fs::create_dir_all(&out_dir).map_err(|error| error.to_string())?;
    let start = Instant::now();
    let output = Command::new(script)
        .env("CARGO_MANIFEST_DIR", crate_root)
        .env("OUT_DIR", &out_dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run {}: {error}", script.display()))?;
    let time = start.elapsed();
    expect_success("the build script", &output)?;
    Ok(time)
}

// ----------------------------------------------------------------------
// Rebuilds
// ----------------------------------------------------------------------

struct Rebuild {
    what: &'static str,
    /// Whether cargo compiled the library again (expected only after a touch).
    lib_recompiled: bool,
    build_script_reran: bool,
}

fn check_rebuilds(package_dir: &Path, target: &Path) -> Result<Vec<Rebuild>, String> {
    let output_file = build_script_output(target)?;
    let mut rebuilds = Vec::new();
    for what in ["no-op cargo build", "cargo build after touching src/lib.rs"] {
        if what.contains("touching") {
            fs::File::options()
                .append(true)
                .open(package_dir.join("src/lib.rs"))
                .and_then(|file| file.set_modified(SystemTime::now()))
                .map_err(|error| format!("cannot touch src/lib.rs: {error}"))?;
        }
        let before = modified(&output_file)?;
        let output = cargo()
            .args(["build", "--lib", "--message-format=json"])
            .current_dir(package_dir)
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_INCREMENTAL", "0")
            .output()
            .map_err(|error| format!("cannot run cargo: {error}"))?;
        expect_success(what, &output)?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let lib_line = stdout
            .lines()
            .find(|line| {
                line.contains("\"reason\":\"compiler-artifact\"")
                    && line.contains(&format!("\"name\":\"{LIB_TARGET}\""))
            })
            .ok_or_else(|| format!("{what}: cargo reported no artifact for the library"))?;
        rebuilds.push(Rebuild {
            what,
            lib_recompiled: lib_line.contains("\"fresh\":false"),
            // Cargo rewrites the captured output on every run of the script.
            build_script_reran: modified(&output_file)? != before,
        });
    }
    Ok(rebuilds)
}

/// The file in which cargo keeps the build script's stdout.
fn build_script_output(target: &Path) -> Result<PathBuf, String> {
    build_dir_file(target, "output")
}

fn modified(path: &Path) -> Result<SystemTime, String> {
    fs::metadata(path)
        .and_then(|metadata| metadata.modified())
        .map_err(|error| format!("cannot stat {}: {error}", path.display()))
}

// ----------------------------------------------------------------------
// Report
// ----------------------------------------------------------------------

fn seconds(samples: &[Duration]) -> String {
    samples
        .iter()
        .map(|d| format!("{:.2}", d.as_secs_f64()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn render(
    runs: usize,
    crate_builds: &[Cost],
    baseline_builds: &[Cost],
    parts: &[OwnUnits],
    stage_samples: &[Vec<Duration>],
    script_runs: &[Duration],
    rebuilds: &[Rebuild],
) -> Report {
    let mut text = String::new();
    let mut all_met = true;
    let _ = writeln!(text, "\n{}", machine());

    let cpu = |costs: &[Cost]| costs.iter().map(|c| c.cpu).collect::<Vec<_>>();
    let wall = |costs: &[Cost]| costs.iter().map(|c| c.wall).collect::<Vec<_>>();
    let (crate_cpu, baseline_cpu) = (cpu(crate_builds), cpu(baseline_builds));
    let ratio_line = |label: &str, ratios: &[f64], judged: bool| {
        let median = median_f64(ratios);
        let runs: Vec<String> = ratios.iter().map(|r| format!("{r:.3}")).collect();
        let verdict = if judged {
            format!(
                "target <= {OWN_SHARE_TARGET}: {}",
                verdict(median <= OWN_SHARE_TARGET)
            )
        } else {
            "(for comparison)".to_owned()
        };
        format!(
            "   {label:<38} {median:>9.3} {:>9}   {}   {verdict}\n",
            "",
            runs.join(" ")
        )
    };
    let _ = writeln!(
        text,
        "1. clean `cargo build` (dev profile), median of {runs} runs"
    );
    let _ = writeln!(
        text,
        "   {:<38} {:>9} {:>9}   runs (CPU s)",
        "", "CPU s", "wall s"
    );
    let own_crate: Vec<Duration> = parts.iter().map(|p| p.crate_units).collect();
    let own_baseline: Vec<Duration> = parts.iter().map(|p| p.baseline_units).collect();
    for (label, cpus, walls) in [
        (
            "crate + build dependencies",
            &crate_cpu,
            Some(wall(crate_builds)),
        ),
        (
            "build dependencies alone",
            &baseline_cpu,
            Some(wall(baseline_builds)),
        ),
        ("  the crate's own units", &own_crate, None),
        ("  the baseline's own units", &own_baseline, None),
    ] {
        let wall = walls.map_or(String::new(), |walls| {
            format!("{:.2}", median(&walls).as_secs_f64())
        });
        let _ = writeln!(
            text,
            "   {label:<38} {:>9.2} {wall:>9}   {}",
            median(cpus).as_secs_f64(),
            seconds(cpus)
        );
    }
    // Each run builds both kinds back to back, so a run's ratio compares builds
    // made under the same load; the medians are of these per-run ratios.
    let direct: Vec<f64> = (crate_cpu.iter().zip(&baseline_cpu))
        .map(|(c, b)| c.as_secs_f64() / b.as_secs_f64())
        .collect();
    let from_parts: Vec<f64> = (baseline_cpu.iter().zip(parts))
        .map(|(b, p)| {
            let b = b.as_secs_f64();
            (b - p.baseline_units.as_secs_f64() + p.crate_units.as_secs_f64()) / b
        })
        .collect();
    all_met &= median_f64(&from_parts) <= OWN_SHARE_TARGET;
    text.push_str(&ratio_line("ratio, from the own units", &from_parts, true));
    text.push_str(&ratio_line("ratio, crate / baseline", &direct, false));

    let _ = writeln!(
        text,
        "\n2. one build-script run, dev profile (opt-level 0), median of {} cold runs",
        script_runs.len()
    );
    let _ = writeln!(text, "   {:<38} {:>9}", "stage", "ms");
    let mut total = Duration::ZERO;
    for (stage, samples) in STAGES.iter().zip(stage_samples) {
        total += median(samples);
        let _ = writeln!(text, "   {stage:<38} {:>9.1}", millis(median(samples)));
    }
    let per_run_totals: Vec<Duration> = (0..script_runs.len())
        .map(|run| stage_samples.iter().map(|samples| samples[run]).sum())
        .collect();
    let _ = writeln!(
        text,
        "   {:<38} {:>9.1}   (sum of stage medians {:.1})",
        "all stages",
        millis(median(&per_run_totals)),
        millis(total)
    );
    let process = median(script_runs);
    let script_met = process <= BUILD_SCRIPT_TARGET;
    all_met &= script_met;
    let _ = writeln!(
        text,
        "   {:<38} {:>9.1}   target <= {} ms: {}",
        "whole build-script-build process",
        millis(process),
        BUILD_SCRIPT_TARGET.as_millis(),
        verdict(script_met)
    );

    let _ = writeln!(text, "\n3. rebuilds");
    for rebuild in rebuilds {
        let expect_lib = rebuild.what.contains("touching");
        let met = !rebuild.build_script_reran && rebuild.lib_recompiled == expect_lib;
        all_met &= met;
        let _ = writeln!(
            text,
            "   {:<38} build script {}, library {}: {}",
            rebuild.what,
            if rebuild.build_script_reran {
                "RERAN"
            } else {
                "not rerun"
            },
            if rebuild.lib_recompiled {
                "recompiled"
            } else {
                "fresh"
            },
            verdict(met)
        );
    }
    Report {
        text,
        all_targets_met: all_met,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape `cargo package` writes: one table per dependency.
    const NORMALISED_MANIFEST: &str = r#"
[package]
edition = "2021"
name = "parse-error-codes"

[features]
serde = ["dep:serde"]

[dependencies.serde]
version = "1.0.229"
optional = true

[dev-dependencies.syn]
version = "3.0.10"
features = ["full", "parsing", "printing"]

[build-dependencies.pulldown-cmark]
version = "0.13.6"
default-features = false

[build-dependencies.syn]
version = "3.0.10"
features = [
    "full",
    "parsing",
]
default-features = false

[target."cfg(unix)".build-dependencies.libc]
version = "0.2"

[profile.dev.build-override]
debug = 0
"#;

    #[test]
    fn the_baseline_gets_the_build_dependencies_and_profiles_only() {
        let (sections, names) = build_sections(NORMALISED_MANIFEST);
        assert_eq!(names, ["pulldown-cmark", "syn", "libc"]);
        for kept in [
            "[build-dependencies.pulldown-cmark]\nversion = \"0.13.6\"\ndefault-features = false\n",
            "[build-dependencies.syn]\nversion = \"3.0.10\"\nfeatures = [\n    \"full\",\n    \"parsing\",\n]\n",
            "[target.\"cfg(unix)\".build-dependencies.libc]\nversion = \"0.2\"\n",
            "[profile.dev.build-override]\ndebug = 0\n",
        ] {
            assert!(sections.contains(kept), "missing {kept:?} in:\n{sections}");
        }
        for dropped in [
            "[package]",
            "[features]",
            "serde",
            "dev-dependencies",
            "printing",
        ] {
            assert!(
                !sections.contains(dropped),
                "kept {dropped:?} in:\n{sections}"
            );
        }
    }
}
