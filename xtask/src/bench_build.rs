//! `cargo xtask bench-build`: what the crate costs its users at build time
//! (issues 7 and 13), measured on the machine it runs on.
//!
//! 1. A dependent as users write it: a small Parse REST client that already
//!    uses serde (derive) and serde_json. It is built clean (dev profile)
//!    without the crate, with it (one use: `ErrorCode::new` and
//!    `ErrorKind::from_name`), and with its `serde` feature (it also decodes a
//!    `ParseError`). The crate is the output of `cargo package`, unpacked, as a
//!    path dependency; the packaged `Cargo.lock` pins every version. The three
//!    builds take turns in each round, the order rotating, each in a fresh
//!    target directory, with `CARGO_INCREMENTAL=0` and no compiler cache. The
//!    added cost of a variant is the median of its per-round differences to
//!    "without", so that a slow spell of the machine hits both sides of a
//!    difference.
//!
//!    Each round then builds "with" and "without" once more with
//!    `cargo build -j1 --timings` and compares the two lists of units. One job
//!    at a time, because in a parallel build a unit's duration includes the
//!    contention of its neighbours. Units are matched as a multiset by name,
//!    version, target, mode and features; what is left is the cost of the
//!    crate, split into the five build dependencies its generator needs (with
//!    everything they depend on, read from `cargo metadata`) and its own units.
//! 2. One run of the build script, split into its stages. Each sample is a
//!    fresh process (this binary re-run with `--stages-once`), because a build
//!    script runs once per build, cold; the xtask is built with the dev profile
//!    at opt-level 0, like a user's build script. The real `build-script-build`
//!    binary of the dependent's build is timed as a whole too.
//! 3. A no-op `cargo build` of the dependent and one after touching the
//!    crate's `src/lib.rs` must not rerun the build script.
//!
//! CPU time (user + sys of cargo and everything it runs) is the verdict's
//! measure: the machine may be shared, and CPU time is what a build costs
//! whatever else runs. Wall time is printed beside it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime};

use serde::Deserialize;

use crate::bench::{
    self, build_dir_file, build_script_binary, cargo, children_cpu_time, expect_success, machine,
    median, median_f64, run_build_script, verdict, PACKAGE,
};
use crate::generator;

const USAGE: &str = "\
usage: cargo xtask bench-build [--runs N] [--keep]
  --runs N   rounds (default 5); each round builds the dependent clean five times:
             without the crate, with it, with its `serde` feature, then with and
             without once more one job at a time for the per-unit attribution;
             the build script is timed 2N+1 times
  --keep     keep the temporary directory (its path is printed)
exit status: 0 when every target is met, 1 when one is missed or a step fails";

/// Issue 13: what the crate adds to a clean build of a dependent, CPU time.
const ADDED_CPU_TARGET: Duration = Duration::from_millis(3_500);
/// Issue 13: the crate's own units (build-script compile and run, library, and
/// whatever else it pulls in besides the five build dependencies), in seconds
/// of a one-job build.
const OWN_UNITS_TARGET: f64 = 0.5;
/// Issue 7: one run of the build script with the dev profile.
const BUILD_SCRIPT_TARGET: Duration = Duration::from_millis(100);

const LIB_TARGET: &str = "parse_error_codes";
/// The generated dependent's package and binary name.
const DEPENDENT: &str = "parse-rest-client";
/// What the generator needs and the crate keeps in `[build-dependencies]`
/// (issue 13): their cost is the floor, everything above it is the crate's own.
const BUILD_DEPENDENCIES: [&str; 5] = [
    "pulldown-cmark",
    "quote",
    "proc-macro2",
    "syn",
    "prettyplease",
];

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
    let outcome = result.map(|report| (report.text, report.all_targets_met));
    bench::finish("bench-build", outcome)
}

fn usage_error(message: &str) -> ExitCode {
    bench::usage_error("bench-build", message, USAGE)
}

struct Report {
    text: String,
    all_targets_met: bool,
}

/// The three builds of the dependent.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variant {
    Without,
    With,
    WithSerde,
}

impl Variant {
    const ALL: [Variant; 3] = [Variant::Without, Variant::With, Variant::WithSerde];

    fn index(self) -> usize {
        self as usize
    }

    fn label(self) -> &'static str {
        match self {
            Variant::Without => "without parse-error-codes",
            Variant::With => "with parse-error-codes",
            Variant::WithSerde => "with parse-error-codes, `serde`",
        }
    }

    /// Its directory and target directories.
    fn slug(self) -> &'static str {
        match self {
            Variant::Without => "without",
            Variant::With => "with",
            Variant::WithSerde => "with-serde",
        }
    }
}

/// CPU and wall time of one command.
#[derive(Clone, Copy)]
struct Cost {
    cpu: Duration,
    wall: Duration,
}

/// Everything measured, for [`render`].
struct Measurements {
    runs: usize,
    /// Per variant, one cost per round.
    builds: [Vec<Cost>; 3],
    /// One per round.
    attributions: Vec<Attribution>,
    groups: UnitGroups,
    /// Registry packages of the dependents that the packaged lock does not pin.
    unpinned: BTreeSet<(String, String)>,
    stage_samples: Vec<Vec<Duration>>,
    script_runs: Vec<Duration>,
    rebuilds: Vec<Rebuild>,
    elapsed: Duration,
}

fn measure(work: &Path, runs: usize) -> Result<Report, String> {
    if !cfg!(debug_assertions) {
        return Err(
            "build the xtask with the dev profile (no `--release`): the stage \
                    timings stand for a user's build script, which runs unoptimised"
                .into(),
        );
    }
    let start = Instant::now();
    let package_dir = package(work)?;
    let locked = fs::read_to_string(package_dir.join("Cargo.lock"))
        .map(|lock| locked_packages(&lock))
        .map_err(|error| format!("cannot read the packaged Cargo.lock: {error}"))?;
    let mut dependents = Vec::new();
    let mut unpinned = BTreeSet::new();
    let mut groups = None;
    for variant in Variant::ALL {
        let dir = write_dependent(work, &package_dir, variant)?;
        // Also settles the copied lock file (unused entries dropped) before
        // any timed build.
        let metadata = cargo_metadata(&dir)?;
        unpinned.extend(unpinned_packages(&metadata, &locked));
        if variant == Variant::With {
            check_build_dependencies(&metadata)?;
            groups = Some(UnitGroups::from_metadata(&metadata)?);
        }
        dependents.push(dir);
    }
    let groups = groups.ok_or("no metadata for the dependent with the crate")?;

    eprintln!(
        "bench-build: {runs} rounds of 5 clean builds of the dependent, in {}",
        work.display()
    );
    let mut builds: [Vec<Cost>; 3] = Default::default();
    let mut attributions = Vec::new();
    let mut kept_target = None;
    for round in 0..runs {
        for (variant, cost, target) in time_round(work, &dependents, round)? {
            builds[variant.index()].push(cost);
            // The last "with" build serves the build-script timing and the rebuilds.
            if variant == Variant::With {
                if let Some(previous) = kept_target.replace(target) {
                    let _ = fs::remove_dir_all(previous);
                }
            } else {
                let _ = fs::remove_dir_all(&target);
            }
        }
        attributions.push(attribute_round(work, &dependents, round, &groups)?);
    }
    let kept_target = kept_target.ok_or("no clean build ran")?;

    eprintln!("bench-build: timing the build script");
    let script = build_script_binary(&kept_target)?;
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
        let out_dir = work.join(format!("out-{run}"));
        script_runs.push(run_build_script(&script, &package_dir, &out_dir)?.wall);
    }

    eprintln!("bench-build: rebuilds");
    let rebuilds = check_rebuilds(
        &dependents[Variant::With.index()],
        &package_dir,
        &kept_target,
    )?;

    Ok(render(&Measurements {
        runs,
        builds,
        attributions,
        groups,
        unpinned,
        stage_samples,
        script_runs,
        rebuilds,
        elapsed: start.elapsed(),
    }))
}

/// One round's clean builds of the three variants, each with its target
/// directory. The order rotates, so that a slow spell of the machine hits
/// every variant.
fn time_round(
    work: &Path,
    dependents: &[PathBuf],
    round: usize,
) -> Result<Vec<(Variant, Cost, PathBuf)>, String> {
    let mut builds = Vec::new();
    for offset in 0..Variant::ALL.len() {
        let variant = Variant::ALL[(round + offset) % Variant::ALL.len()];
        let target = work.join(format!("target-{}-{round}", variant.slug()));
        let cost = timed_build(&dependents[variant.index()], &target)?;
        eprintln!(
            "bench-build: round {}: {:<32} cpu {:>6.2} s  wall {:>6.2} s",
            round + 1,
            variant.label(),
            cost.cpu.as_secs_f64(),
            cost.wall.as_secs_f64()
        );
        if round == 0 {
            check_dependent_runs(&target, variant)?;
        }
        builds.push((variant, cost, target));
    }
    Ok(builds)
}

/// One round's one-job builds with and without the crate (which goes first
/// alternates), compared unit by unit.
fn attribute_round(
    work: &Path,
    dependents: &[PathBuf],
    round: usize,
    groups: &UnitGroups,
) -> Result<Attribution, String> {
    let pair = if round.is_multiple_of(2) {
        [Variant::With, Variant::Without]
    } else {
        [Variant::Without, Variant::With]
    };
    let (mut with_units, mut without_units) = (Vec::new(), Vec::new());
    for variant in pair {
        let target = work.join(format!("timings-{}-{round}", variant.slug()));
        let units = units_of_one_job_build(&dependents[variant.index()], &target)?;
        let _ = fs::remove_dir_all(&target);
        match variant {
            Variant::With => with_units = units,
            _ => without_units = units,
        }
    }
    if !with_units.iter().any(|unit| unit.name == PACKAGE) {
        return Err(format!(
            "the timing report of the dependent with the crate has no {PACKAGE} unit"
        ));
    }
    let attribution = Attribution::new(&compare_units(&with_units, &without_units), groups);
    eprintln!(
        "bench-build: round {}: -j1, with minus without: {:.2} s; five packages {:.2} s, own units {:.2} s",
        round + 1,
        attribution.total(),
        attribution.sum(Group::BuildDependencies),
        attribution.sum(Group::Own)
    );
    Ok(attribution)
}

// ----------------------------------------------------------------------
// The packaged crate and its dependent
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

/// The dependent's code before its use of the crate: it decodes a query
/// answer with a derived struct, as any Parse REST client does.
const DEPENDENT_MAIN: &str = r####"//! A small Parse REST client, generated by `cargo xtask bench-build`.

use serde::Deserialize;

/// An object of the Parse guide's `GameScore` class.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GameScore {
    object_id: String,
    score: i64,
    player_name: String,
    cheat_mode: bool,
    created_at: String,
}

/// The answer to `GET /classes/GameScore`.
#[derive(Debug, Deserialize)]
struct Query<T> {
    results: Vec<T>,
}

const SCORES: &str = r#"{"results":[{"objectId":"Ed1nuqPvcm","score":1337,"playerName":"Sean Plott","cheatMode":false,"createdAt":"2011-08-20T02:06:57.931Z"}]}"#;

fn main() {
    let query: Query<GameScore> = serde_json::from_str(SCORES).expect("a GameScore query answer");
    for score in &query.results {
        println!(
            "{} {}: {} (cheat mode {}, created {})",
            score.object_id, score.player_name, score.score, score.cheat_mode, score.created_at
        );
    }
"####;

/// The one use of the crate.
const USE_OF_THE_CRATE: &str = r####"    println!("{}", parse_error_codes::ErrorCode::new(101));
    println!("{:?}", parse_error_codes::ErrorKind::from_name("ObjectNotFound"));
"####;

/// With the `serde` feature: an error body decoded as the crate's `ParseError`.
const USE_OF_SERDE: &str = r####"    let error: parse_error_codes::ParseError =
        serde_json::from_str(r#"{"code":101,"error":"Object not found."}"#).expect("an error body");
    println!("{error}");
"####;

/// What the dependent's binary must print, per variant.
fn expected_output(variant: Variant) -> &'static [&'static str] {
    match variant {
        Variant::Without => &["Ed1nuqPvcm Sean Plott: 1337"],
        Variant::With => &["Ed1nuqPvcm Sean Plott: 1337", "ObjectNotFound"],
        Variant::WithSerde => &[
            "Ed1nuqPvcm Sean Plott: 1337",
            "ObjectNotFound",
            "Object not found.",
        ],
    }
}

/// The dependent of one variant, in `work/dependent-<slug>`, with the packaged
/// `Cargo.lock`.
fn write_dependent(work: &Path, package_dir: &Path, variant: Variant) -> Result<PathBuf, String> {
    let dir = work.join(format!("dependent-{}", variant.slug()));
    let package_path = package_dir
        .strip_prefix(work)
        .ok()
        .and_then(|path| path.to_str())
        .filter(|path| !path.contains(['"', '\\']))
        .ok_or_else(|| format!("unexpected package path {}", package_dir.display()))?;
    let dependency = match variant {
        Variant::Without => String::new(),
        Variant::With => format!("{PACKAGE} = {{ path = \"../{package_path}\" }}\n"),
        Variant::WithSerde => {
            format!("{PACKAGE} = {{ path = \"../{package_path}\", features = [\"serde\"] }}\n")
        }
    };
    // `[workspace]`: never part of a workspace that happens to enclose the
    // temporary directory.
    let manifest = format!(
        "[package]\nname = \"{DEPENDENT}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
         publish = false\n\n[dependencies]\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\n{dependency}\n[workspace]\n"
    );
    let mut main = DEPENDENT_MAIN.to_owned();
    if variant != Variant::Without {
        main.push_str(USE_OF_THE_CRATE);
    }
    if variant == Variant::WithSerde {
        main.push_str(USE_OF_SERDE);
    }
    main.push_str("}\n");
    let lock = fs::read_to_string(package_dir.join("Cargo.lock"))
        .map_err(|error| format!("cannot read the packaged Cargo.lock: {error}"))?;
    for (path, contents) in [
        ("Cargo.toml", manifest.as_str()),
        ("src/main.rs", &main),
        ("Cargo.lock", &lock),
    ] {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap_or(&dir))
            .and_then(|()| fs::write(&path, contents))
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    }
    Ok(dir)
}

/// Runs the binary of a finished build: the dependent really uses what it is
/// said to use.
fn check_dependent_runs(target: &Path, variant: Variant) -> Result<(), String> {
    let binary = target.join("debug").join(DEPENDENT);
    let output = Command::new(&binary)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
    expect_success(&format!("the dependent {}", variant.label()), &output)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    match expected_output(variant)
        .iter()
        .find(|expected| !stdout.contains(*expected))
    {
        Some(missing) => Err(format!(
            "the dependent {} did not print {missing:?}; it printed:\n{stdout}",
            variant.label()
        )),
        None => Ok(()),
    }
}

// ----------------------------------------------------------------------
// Builds
// ----------------------------------------------------------------------

/// A clean `cargo build` (dev profile) of a dependent into a new target directory.
fn timed_build(dependent: &Path, target: &Path) -> Result<Cost, String> {
    let _ = fs::remove_dir_all(target);
    let before = children_cpu_time();
    let start = Instant::now();
    let output = build_command(dependent, target)
        .output()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    let wall = start.elapsed();
    let cpu = children_cpu_time().saturating_sub(before);
    expect_success(&format!("cargo build in {}", dependent.display()), &output)?;
    Ok(Cost { cpu, wall })
}

/// The units of a clean one-job `cargo build --timings`, with their durations.
fn units_of_one_job_build(dependent: &Path, target: &Path) -> Result<Vec<Unit>, String> {
    let _ = fs::remove_dir_all(target);
    let output = build_command(dependent, target)
        .args(["-j1", "--timings"])
        .output()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    expect_success(
        &format!("cargo build -j1 --timings in {}", dependent.display()),
        &output,
    )?;
    let report = target.join("cargo-timings").join("cargo-timing.html");
    let html = fs::read_to_string(&report)
        .map_err(|error| format!("cannot read {}: {error}", report.display()))?;
    parse_unit_data(&html).map_err(|error| format!("{}: {error}", report.display()))
}

fn build_command(dependent: &Path, target: &Path) -> Command {
    let mut command = cargo();
    command
        .arg("build")
        .current_dir(dependent)
        .env("CARGO_TARGET_DIR", target)
        // A dependency is never built incrementally; a path dependency would be.
        .env("CARGO_INCREMENTAL", "0");
    command
}

fn cargo_metadata(dependent: &Path) -> Result<Metadata, String> {
    let output = cargo()
        .args(["metadata", "--format-version", "1"])
        .current_dir(dependent)
        .output()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    expect_success(
        &format!("cargo metadata in {}", dependent.display()),
        &output,
    )?;
    serde_json::from_slice(&output.stdout)
        .map_err(|error| format!("cargo metadata in {}: {error}", dependent.display()))
}

// ----------------------------------------------------------------------
// Attribution: the units of two `cargo build --timings` reports
// ----------------------------------------------------------------------

/// One unit of cargo's timing report (`UNIT_DATA`), duration in seconds.
#[derive(Clone, Debug, Deserialize, PartialEq)]
struct Unit {
    name: String,
    version: String,
    /// `todo` for a compilation, `run-custom-build` for a build-script run.
    mode: String,
    /// `""` for a library, `" build-script"`, `" build-script (run)"`,
    /// `" NAME \"bin\""`...
    target: String,
    features: Vec<String>,
    duration: f64,
}

impl Unit {
    /// Which compilation or run of its package this unit is.
    fn what(&self) -> &str {
        match self.target.trim() {
            "" => "lib",
            target => target,
        }
    }

    fn same_unit_whatever_features(&self, other: &Unit) -> bool {
        self.name == other.name
            && self.version == other.version
            && self.target == other.target
            && self.mode == other.mode
    }

    fn same_unit(&self, other: &Unit) -> bool {
        self.same_unit_whatever_features(other) && self.features == other.features
    }
}

/// The units of the report cargo writes to `target/cargo-timings/cargo-timing.html`:
/// the JSON array after `const UNIT_DATA = `.
fn parse_unit_data(html: &str) -> Result<Vec<Unit>, String> {
    const MARKER: &str = "const UNIT_DATA = ";
    let start = html
        .find(MARKER)
        .ok_or("no `const UNIT_DATA = ` in the timing report")?
        + MARKER.len();
    // The array may span lines and is followed by `;` and more script: read
    // one JSON value and stop.
    let mut values = serde_json::Deserializer::from_str(&html[start..]).into_iter::<Vec<Unit>>();
    match values.next() {
        Some(Ok(mut units)) => {
            for unit in &mut units {
                unit.features.sort_unstable();
            }
            Ok(units)
        }
        Some(Err(error)) => {
            // serde_json counts from the marker; the file counts from its start.
            let before = &html[..start];
            let line = before.matches('\n').count() + error.line();
            let column = match error.line() {
                1 => before.len() - before.rfind('\n').map_or(0, |at| at + 1) + error.column(),
                _ => error.column(),
            };
            let message = error.to_string();
            let message = message
                .strip_suffix(&format!(
                    " at line {} column {}",
                    error.line(),
                    error.column()
                ))
                .unwrap_or(&message);
            Err(format!(
                "UNIT_DATA, line {line}, column {column}: {message} (did cargo's timing format change?)"
            ))
        }
        None => Err("UNIT_DATA holds no value".into()),
    }
}

/// How one unit differs between the build with the crate and the build
/// without it.
#[derive(Clone, Debug, PartialEq)]
struct UnitChange {
    name: String,
    version: String,
    /// `"lib"`, `"build-script (run)"`, `"lib, features +full"`, `"lib, no longer built"`...
    what: String,
    /// Seconds: positive for what the crate adds.
    added: f64,
}

impl UnitChange {
    fn label(&self) -> String {
        format!("{} {} {}", self.name, self.version, self.what)
    }
}

/// The units of two builds, matched.
#[derive(Debug, PartialEq)]
struct Comparison {
    /// Units only one build has, or has with other features.
    changes: Vec<UnitChange>,
    /// Units both builds have (same name, version, target, mode, features).
    shared: usize,
    /// Their durations with the crate minus without it: timing noise, and the
    /// dependent's own code, which uses the crate in one build only.
    shared_added: f64,
}

/// Matches the units of the two builds as a multiset (memchr, say, can be
/// built twice, for the host and for the target). What is left is what the
/// crate changes: a unit left on both sides with other features (syn with
/// `full`) is one change, the difference of its durations.
fn compare_units(with: &[Unit], without: &[Unit]) -> Comparison {
    let mut left_without: Vec<&Unit> = without.iter().collect();
    let mut left_with = Vec::new();
    let (mut shared, mut shared_added) = (0, 0.0);
    for unit in with {
        match left_without.iter().position(|other| other.same_unit(unit)) {
            Some(index) => {
                shared += 1;
                shared_added += unit.duration - left_without.remove(index).duration;
            }
            None => left_with.push(unit),
        }
    }
    let mut changes: Vec<UnitChange> = Vec::new();
    let mut record = |unit: &Unit, what: String, added: f64| {
        // Units that only their features tell apart are one line.
        match changes.iter_mut().find(|change| {
            change.name == unit.name && change.version == unit.version && change.what == what
        }) {
            Some(change) => change.added += added,
            None => changes.push(UnitChange {
                name: unit.name.clone(),
                version: unit.version.clone(),
                what,
                added,
            }),
        }
    };
    for unit in left_with {
        match left_without
            .iter()
            .position(|other| other.same_unit_whatever_features(unit))
        {
            Some(index) => {
                let other = left_without.remove(index);
                let what = format!(
                    "{}, features {}",
                    unit.what(),
                    feature_difference(&unit.features, &other.features)
                );
                record(unit, what, unit.duration - other.duration);
            }
            None => record(unit, unit.what().to_owned(), unit.duration),
        }
    }
    for other in left_without {
        record(
            other,
            format!("{}, no longer built", other.what()),
            -other.duration,
        );
    }
    Comparison {
        changes,
        shared,
        shared_added,
    }
}

/// `+full -printing`: features only `with` has, then features only `without` has.
fn feature_difference(with: &[String], without: &[String]) -> String {
    let added = with
        .iter()
        .filter(|feature| !without.contains(feature))
        .map(|feature| format!("+{feature}"));
    let removed = without
        .iter()
        .filter(|feature| !with.contains(feature))
        .map(|feature| format!("-{feature}"));
    added.chain(removed).collect::<Vec<_>>().join(" ")
}

// ----------------------------------------------------------------------
// Attribution: which package a unit's cost belongs to
// ----------------------------------------------------------------------

/// The parts of `cargo metadata --format-version 1` used here.
#[derive(Debug, Deserialize)]
struct Metadata {
    packages: Vec<MetadataPackage>,
    resolve: Option<Resolve>,
}

#[derive(Debug, Deserialize)]
struct MetadataPackage {
    id: String,
    name: String,
    version: String,
    /// `None` for a path package.
    source: Option<String>,
    /// As declared in the manifest.
    dependencies: Vec<DeclaredDependency>,
}

#[derive(Debug, Deserialize)]
struct DeclaredDependency {
    name: String,
    /// `None` for a normal dependency, `"build"` or `"dev"`.
    kind: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Resolve {
    nodes: Vec<ResolveNode>,
}

#[derive(Debug, Deserialize)]
struct ResolveNode {
    id: String,
    deps: Vec<ResolveDep>,
}

#[derive(Debug, Deserialize)]
struct ResolveDep {
    pkg: String,
    dep_kinds: Vec<DepKind>,
}

#[derive(Debug, Deserialize)]
struct DepKind {
    kind: Option<String>,
}

impl ResolveDep {
    fn is_build(&self) -> bool {
        self.dep_kinds
            .iter()
            .any(|kind| kind.kind.as_deref() == Some("build"))
    }

    /// Whether it is compiled when its dependent is (dev-dependencies are not,
    /// outside the dependent's own tests).
    fn is_compiled(&self) -> bool {
        self.dep_kinds
            .iter()
            .any(|kind| kind.kind.as_deref() != Some("dev"))
    }
}

/// Issue 13 keeps the five in the published `[build-dependencies]`: a
/// saving found by dropping one of them is not a saving this benchmark may
/// report.
fn check_build_dependencies(metadata: &Metadata) -> Result<(), String> {
    let package = metadata
        .packages
        .iter()
        .find(|package| package.name == PACKAGE)
        .ok_or_else(|| format!("cargo metadata of the dependent has no {PACKAGE}"))?;
    let missing: Vec<&str> = BUILD_DEPENDENCIES
        .into_iter()
        .filter(|&name| {
            !package.dependencies.iter().any(|dependency| {
                dependency.name == name && dependency.kind.as_deref() == Some("build")
            })
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the packaged Cargo.toml's [build-dependencies] lack {}: the generator \
         must keep all five of {} (issue 13)",
        missing.join(", "),
        BUILD_DEPENDENCIES.join(", ")
    ))
}

/// Where a unit's cost belongs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    /// The five build dependencies and every package they depend on.
    BuildDependencies,
    /// The crate, and what it pulls in besides the five.
    Own,
    /// Anything else: the dependent and its other dependencies.
    Elsewhere,
}

impl Group {
    fn short(self) -> &'static str {
        match self {
            Group::BuildDependencies => "five",
            Group::Own => "own",
            Group::Elsewhere => "else",
        }
    }
}

/// Packages (name, version) by [`Group`], from the dependent's resolve graph.
#[derive(Debug)]
struct UnitGroups {
    build_dependencies: BTreeSet<(String, String)>,
    own: BTreeSet<(String, String)>,
}

impl UnitGroups {
    fn from_metadata(metadata: &Metadata) -> Result<Self, String> {
        let resolve = metadata
            .resolve
            .as_ref()
            .ok_or("cargo metadata gave no resolve graph")?;
        let packages: HashMap<&str, &MetadataPackage> = metadata
            .packages
            .iter()
            .map(|package| (package.id.as_str(), package))
            .collect();
        let nodes: HashMap<&str, &ResolveNode> = resolve
            .nodes
            .iter()
            .map(|node| (node.id.as_str(), node))
            .collect();
        let ours = metadata
            .packages
            .iter()
            .find(|package| package.name == PACKAGE && package.source.is_none())
            .ok_or_else(|| format!("cargo metadata of the dependent has no {PACKAGE}"))?;
        let our_node = nodes
            .get(ours.id.as_str())
            .ok_or_else(|| format!("the resolve graph has no {PACKAGE}"))?;
        let roots: Vec<&str> = our_node
            .deps
            .iter()
            .filter(|dep| {
                dep.is_build()
                    && packages
                        .get(dep.pkg.as_str())
                        .is_some_and(|package| BUILD_DEPENDENCIES.contains(&package.name.as_str()))
            })
            .map(|dep| dep.pkg.as_str())
            .collect();
        let found: Vec<&str> = roots
            .iter()
            .filter_map(|id| packages.get(id).map(|package| package.name.as_str()))
            .collect();
        let missing: Vec<&str> = BUILD_DEPENDENCIES
            .into_iter()
            .filter(|name| !found.contains(name))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the resolve graph has no build dependency {} of {PACKAGE}",
                missing.join(", ")
            ));
        }
        let reachable = |from: &[&str]| -> Result<BTreeSet<(String, String)>, String> {
            let mut seen = BTreeSet::new();
            let mut stack = from.to_vec();
            let mut keys = BTreeSet::new();
            while let Some(id) = stack.pop() {
                if !seen.insert(id) {
                    continue;
                }
                let package = packages
                    .get(id)
                    .ok_or_else(|| format!("the resolve graph names an unknown package {id}"))?;
                keys.insert((package.name.clone(), package.version.clone()));
                let node = nodes
                    .get(id)
                    .ok_or_else(|| format!("the resolve graph has no node {id}"))?;
                stack.extend(
                    node.deps
                        .iter()
                        .filter(|dep| dep.is_compiled())
                        .map(|dep| dep.pkg.as_str()),
                );
            }
            Ok(keys)
        };
        let build_dependencies = reachable(&roots)?;
        let own = reachable(&[ours.id.as_str()])?
            .difference(&build_dependencies)
            .cloned()
            .collect();
        Ok(UnitGroups {
            build_dependencies,
            own,
        })
    }

    fn group(&self, name: &str, version: &str) -> Group {
        let key = (name.to_owned(), version.to_owned());
        if self.build_dependencies.contains(&key) {
            Group::BuildDependencies
        } else if self.own.contains(&key) {
            Group::Own
        } else {
            Group::Elsewhere
        }
    }

    fn names(set: &BTreeSet<(String, String)>) -> String {
        set.iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The (name, version) of every `[[package]]` of a `Cargo.lock`.
fn locked_packages(lock: &str) -> BTreeSet<(String, String)> {
    let mut packages = BTreeSet::new();
    let mut name = None;
    for line in lock.lines() {
        let quoted = |key: &str| {
            line.strip_prefix(key)?
                .trim_start()
                .strip_prefix('=')?
                .trim()
                .strip_prefix('"')?
                .strip_suffix('"')
        };
        if line.trim() == "[[package]]" {
            name = None;
        } else if let Some(value) = quoted("name") {
            name = Some(value.to_owned());
        } else if let (Some(value), Some(name)) = (quoted("version"), name.take()) {
            packages.insert((name, value.to_owned()));
        }
    }
    packages
}

/// Registry packages a dependent resolved that the lock does not pin: the
/// registry chose their versions, which may differ between invocations.
fn unpinned_packages(
    metadata: &Metadata,
    locked: &BTreeSet<(String, String)>,
) -> Vec<(String, String)> {
    metadata
        .packages
        .iter()
        .filter(|package| package.source.is_some())
        .map(|package| (package.name.clone(), package.version.clone()))
        .filter(|key| !locked.contains(key))
        .collect()
}

/// One round's attribution: the changes by group.
struct Attribution {
    changes: Vec<(Group, UnitChange)>,
    shared: usize,
    shared_added: f64,
}

impl Attribution {
    fn new(comparison: &Comparison, groups: &UnitGroups) -> Self {
        Attribution {
            changes: comparison
                .changes
                .iter()
                .map(|change| (groups.group(&change.name, &change.version), change.clone()))
                .collect(),
            shared: comparison.shared,
            shared_added: comparison.shared_added,
        }
    }

    /// Seconds the group adds; units both builds have count as elsewhere.
    fn sum(&self, group: Group) -> f64 {
        let changes: f64 = self
            .changes
            .iter()
            .filter(|(of, _)| *of == group)
            .map(|(_, change)| change.added)
            .sum();
        match group {
            Group::Elsewhere => changes + self.shared_added,
            _ => changes,
        }
    }

    fn total(&self) -> f64 {
        [Group::BuildDependencies, Group::Own, Group::Elsewhere]
            .into_iter()
            .map(|group| self.sum(group))
            .sum()
    }
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

// ----------------------------------------------------------------------
// Rebuilds
// ----------------------------------------------------------------------

struct Rebuild {
    what: &'static str,
    /// Whether cargo compiled the library again (expected only after a touch).
    lib_recompiled: bool,
    build_script_reran: bool,
}

/// In the target directory of a finished build of the dependent.
fn check_rebuilds(
    dependent: &Path,
    package_dir: &Path,
    target: &Path,
) -> Result<Vec<Rebuild>, String> {
    // Cargo rewrites the script's captured stdout on every run of the script.
    let output_file = build_dir_file(target, "output")?;
    let mut rebuilds = Vec::new();
    for what in [
        "no-op cargo build",
        "cargo build after touching the crate's src/lib.rs",
    ] {
        if what.contains("touching") {
            fs::File::options()
                .append(true)
                .open(package_dir.join("src/lib.rs"))
                .and_then(|file| file.set_modified(SystemTime::now()))
                .map_err(|error| format!("cannot touch src/lib.rs: {error}"))?;
        }
        let before = modified(&output_file)?;
        let output = build_command(dependent, target)
            .arg("--message-format=json")
            .output()
            .map_err(|error| format!("cannot run cargo: {error}"))?;
        expect_success(what, &output)?;
        let lib_fresh = library_fresh(&String::from_utf8_lossy(&output.stdout))
            .ok_or_else(|| format!("{what}: cargo reported no artifact for {LIB_TARGET}"))?;
        rebuilds.push(Rebuild {
            what,
            lib_recompiled: !lib_fresh,
            build_script_reran: modified(&output_file)? != before,
        });
    }
    Ok(rebuilds)
}

/// Whether cargo's JSON messages report the crate's library as fresh.
fn library_fresh(messages: &str) -> Option<bool> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|message| {
            message["reason"] == "compiler-artifact" && message["target"]["name"] == LIB_TARGET
        })
        .and_then(|message| message["fresh"].as_bool())
}

fn modified(path: &Path) -> Result<SystemTime, String> {
    fs::metadata(path)
        .and_then(|metadata| metadata.modified())
        .map_err(|error| format!("cannot stat {}: {error}", path.display()))
}

// ----------------------------------------------------------------------
// Report
// ----------------------------------------------------------------------

fn seconds(samples: &[f64]) -> String {
    samples
        .iter()
        .map(|s| format!("{s:.2}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `1 round`, `5 rounds`.
fn count(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn render(measured: &Measurements) -> Report {
    let mut text = String::new();
    let mut all_met = true;
    let _ = writeln!(text, "\n{}", machine());
    let _ = writeln!(
        text,
        "dependent: a Parse REST client using serde (derive) and serde_json; {PACKAGE} \
         as `cargo package` makes it, a path dependency"
    );
    if measured.unpinned.is_empty() {
        let _ = writeln!(
            text,
            "versions: every registry package is pinned by the packaged Cargo.lock"
        );
    } else {
        let unpinned: Vec<String> = measured
            .unpinned
            .iter()
            .map(|(name, version)| format!("{name} {version}"))
            .collect();
        let _ = writeln!(
            text,
            "versions: NOT pinned by the packaged Cargo.lock (chosen by the registry): {}",
            unpinned.join(", ")
        );
    }

    let _ = writeln!(
        text,
        "\n1. clean `cargo build` of the dependent (dev profile, CARGO_INCREMENTAL=0), \
         median of {}",
        count(measured.runs, "round")
    );
    let _ = writeln!(
        text,
        "   {:<34} {:>7} {:>7} {:>8} {:>8}   CPU s per round",
        "", "CPU s", "wall s", "+CPU s", "+wall s"
    );
    let without = &measured.builds[Variant::Without.index()];
    let differences = |variant: Variant, of: fn(&Cost) -> Duration| -> Vec<f64> {
        measured.builds[variant.index()]
            .iter()
            .zip(without)
            .map(|(with, without)| of(with).as_secs_f64() - of(without).as_secs_f64())
            .collect()
    };
    for variant in Variant::ALL {
        let builds = &measured.builds[variant.index()];
        let cpu: Vec<Duration> = builds.iter().map(|cost| cost.cpu).collect();
        let wall: Vec<Duration> = builds.iter().map(|cost| cost.wall).collect();
        let (added_cpu, added_wall) = match variant {
            Variant::Without => ("-".to_owned(), "-".to_owned()),
            _ => (
                format!("{:.2}", median_f64(&differences(variant, |c| c.cpu))),
                format!("{:.2}", median_f64(&differences(variant, |c| c.wall))),
            ),
        };
        let per_round: Vec<f64> = cpu.iter().map(Duration::as_secs_f64).collect();
        let _ = writeln!(
            text,
            "   {:<34} {:>7.2} {:>7.2} {added_cpu:>8} {added_wall:>8}   {}",
            variant.label(),
            median(&cpu).as_secs_f64(),
            median(&wall).as_secs_f64(),
            seconds(&per_round)
        );
    }
    let added = differences(Variant::With, |c| c.cpu);
    let added_median = median_f64(&added);
    let added_met = added_median <= ADDED_CPU_TARGET.as_secs_f64();
    all_met &= added_met;
    let _ = writeln!(
        text,
        "   added CPU with {PACKAGE}: {added_median:.2} s (median of the rounds' \
         differences {})   target <= {} s: {}",
        seconds(&added),
        ADDED_CPU_TARGET.as_secs_f64(),
        verdict(added_met)
    );

    let (attribution, own_met) = render_attribution(&measured.attributions, &measured.groups);
    text.push_str(&attribution);
    all_met &= own_met;

    let _ = writeln!(
        text,
        "\n2. one build-script run, dev profile (opt-level 0), median of {} cold runs",
        measured.script_runs.len()
    );
    let _ = writeln!(text, "   {:<38} {:>9}", "stage", "ms");
    let mut total = Duration::ZERO;
    for (stage, samples) in STAGES.iter().zip(&measured.stage_samples) {
        total += median(samples);
        let _ = writeln!(text, "   {stage:<38} {:>9.1}", millis(median(samples)));
    }
    let per_run_totals: Vec<Duration> = (0..measured.script_runs.len())
        .map(|run| {
            measured
                .stage_samples
                .iter()
                .map(|samples| samples[run])
                .sum()
        })
        .collect();
    let _ = writeln!(
        text,
        "   {:<38} {:>9.1}   (sum of stage medians {:.1})",
        "all stages",
        millis(median(&per_run_totals)),
        millis(total)
    );
    let process = median(&measured.script_runs);
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

    let _ = writeln!(text, "\n3. rebuilds of the dependent");
    for rebuild in &measured.rebuilds {
        let expect_lib = rebuild.what.contains("touching");
        let met = !rebuild.build_script_reran && rebuild.lib_recompiled == expect_lib;
        all_met &= met;
        let _ = writeln!(
            text,
            "   {:<50} build script {}, library {}: {}",
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
    let elapsed = measured.elapsed.as_secs();
    let _ = writeln!(
        text,
        "\nthe run took {} min {:02} s",
        elapsed / 60,
        elapsed % 60
    );
    Report {
        text,
        all_targets_met: all_met,
    }
}

/// The per-unit table and the group sums, medians over the rounds, and
/// whether the own units meet their target.
fn render_attribution(attributions: &[Attribution], groups: &UnitGroups) -> (String, bool) {
    let mut text = String::new();
    let rounds = attributions.len();
    // Per unit, its added seconds in each round (0 in a round without it).
    let mut rows: BTreeMap<String, (Group, Vec<f64>)> = BTreeMap::new();
    for (round, attribution) in attributions.iter().enumerate() {
        for (group, change) in &attribution.changes {
            rows.entry(change.label())
                .or_insert_with(|| (*group, vec![0.0; rounds]))
                .1[round] += change.added;
        }
    }
    let mut rows: Vec<(String, Group, Vec<f64>, f64)> = rows
        .into_iter()
        .map(|(label, (group, values))| {
            let median = median_f64(&values);
            (label, group, values, median)
        })
        .collect();
    rows.sort_by(|a, b| b.3.total_cmp(&a.3).then_with(|| a.0.cmp(&b.0)));

    let _ = writeln!(
        text,
        "\n   added time per unit: `cargo build -j1 --timings`, with minus without, \
         median of {}",
        count(rounds, "pair")
    );
    let _ = writeln!(
        text,
        "   {:<52} {:>6}  {:<5} seconds per round",
        "unit", "s", "group"
    );
    for (label, group, values, median) in &rows {
        let _ = writeln!(
            text,
            "   {label:<52} {median:>6.2}  {:<5} {}",
            group.short(),
            seconds(values)
        );
    }
    let sums =
        |of: &dyn Fn(&Attribution) -> f64| -> Vec<f64> { attributions.iter().map(of).collect() };
    let shared = attributions.first().map_or(0, |a| a.shared);
    let own = sums(&|a| a.sum(Group::Own));
    let own_median = median_f64(&own);
    let own_met = own_median <= OWN_UNITS_TARGET;
    for (label, values, note) in [
        (
            "five: the five build dependencies and what they use".to_owned(),
            sums(&|a| a.sum(Group::BuildDependencies)),
            String::new(),
        ),
        (
            "own: the crate's own units".to_owned(),
            own,
            format!("   target <= {OWN_UNITS_TARGET} s: {}", verdict(own_met)),
        ),
        (
            format!("else: {shared} units in both builds (incl. the dependent)"),
            sums(&|a| a.sum(Group::Elsewhere)),
            String::new(),
        ),
        (
            "all units, with minus without".to_owned(),
            sums(&Attribution::total),
            String::new(),
        ),
    ] {
        let _ = writeln!(
            text,
            "   {label:<52} {:>6.2}        {}{note}",
            median_f64(&values),
            seconds(&values)
        );
    }
    let _ = writeln!(
        text,
        "   five (from cargo metadata): {}",
        UnitGroups::names(&groups.build_dependencies)
    );
    let _ = writeln!(
        text,
        "   own: {}; else: timing noise, the dependent's own code",
        UnitGroups::names(&groups.own)
    );
    let _ = writeln!(
        text,
        "   the packaged [build-dependencies] hold {}: ok",
        BUILD_DEPENDENCIES.join(", ")
    );
    (text, own_met)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of cargo 1.95's report: the array spans lines, and more
    /// script follows it.
    const TIMING_HTML: &str = r#"<html><body><script>
const UNIT_DATA = [
  {
    "i": 13,
    "name": "proc-macro2",
    "version": "1.0.107",
    "mode": "todo",
    "target": " build-script",
    "features": ["proc-macro"],
    "start": 0.1,
    "duration": 0.17,
    "unblocked_units": [12],
    "unblocked_rmeta_units": [],
    "sections": null
  },
  {
    "i": 12,
    "name": "parse-error-codes",
    "version": "0.1.0",
    "mode": "run-custom-build",
    "target": " build-script (run)",
    "features": ["std", "alloc", "default"],
    "start": 0.27,
    "duration": 0.04,
    "unblocked_units": [],
    "unblocked_rmeta_units": [],
    "sections": [["frontend", {"start": 0.0, "end": 0.03}]]
  }
];
const CONCURRENCY_DATA = [{"t": 0.0, "active": 1}];
</script></body></html>"#;

    fn unit(name: &str, version: &str, target: &str, features: &[&str], duration: f64) -> Unit {
        Unit {
            name: name.into(),
            version: version.into(),
            mode: if target.ends_with("(run)") {
                "run-custom-build"
            } else {
                "todo"
            }
            .into(),
            target: target.into(),
            features: features.iter().map(|&f| f.into()).collect(),
            duration,
        }
    }

    #[test]
    fn unit_data_is_read_out_of_the_timing_report() {
        let units = parse_unit_data(TIMING_HTML).unwrap();
        assert_eq!(
            units,
            [
                unit(
                    "proc-macro2",
                    "1.0.107",
                    " build-script",
                    &["proc-macro"],
                    0.17
                ),
                // Features sorted, so that the order cargo lists them in never matters.
                unit(
                    "parse-error-codes",
                    "0.1.0",
                    " build-script (run)",
                    &["alloc", "default", "std"],
                    0.04
                ),
            ]
        );
        assert_eq!(units[0].what(), "build-script");
        // The same data on one line, as older cargo versions write it.
        let one_line = "<script>const UNIT_DATA = [{\"name\":\"memchr\",\"version\":\"2.8.3\",\
                        \"mode\":\"todo\",\"target\":\"\",\"features\":[],\"duration\":0.5}];\n</script>";
        let units = parse_unit_data(one_line).unwrap();
        assert_eq!(units, [unit("memchr", "2.8.3", "", &[], 0.5)]);
        assert_eq!(units[0].what(), "lib");
    }

    #[test]
    fn a_report_without_unit_data_or_with_other_fields_is_a_clear_error() {
        let error = parse_unit_data("<html>const CPU_USAGE = [];</html>").unwrap_err();
        assert!(error.contains("no `const UNIT_DATA = `"), "{error}");
        let renamed = TIMING_HTML.replacen("\"duration\": 0.04", "\"time\": 0.04", 1);
        let error = parse_unit_data(&renamed).unwrap_err();
        // The second unit ends on line 28 of the file.
        assert_eq!(
            error,
            "UNIT_DATA, line 28, column 3: missing field `duration` (did cargo's timing format change?)"
        );
        let one_line = "<p>x</p><script>const UNIT_DATA = [{\"name\": 5}];</script>";
        let error = parse_unit_data(one_line).unwrap_err();
        assert!(
            error.starts_with("UNIT_DATA, line 1, column 45: invalid type: integer `5`"),
            "{error}"
        );
    }

    fn assert_changes(actual: &[UnitChange], expected: &[(&str, f64)]) {
        let actual: Vec<(String, f64)> = actual
            .iter()
            .map(|change| (change.label(), change.added))
            .collect();
        assert_eq!(actual.len(), expected.len(), "{actual:?}");
        for ((label, added), (expected_label, expected_added)) in actual.iter().zip(expected) {
            assert_eq!(label, expected_label, "{actual:?}");
            assert!(
                (added - expected_added).abs() < 1e-9,
                "{label}: {added} instead of {expected_added}"
            );
        }
    }

    /// Units of a with/without pair, shaped like the real ones.
    fn with_and_without() -> (Vec<Unit>, Vec<Unit>) {
        let syn = ["clone-impls", "derive", "parsing", "printing", "proc-macro"];
        let syn_full = [
            "clone-impls",
            "derive",
            "full",
            "parsing",
            "printing",
            "proc-macro",
        ];
        let without = vec![
            unit("proc-macro2", "1.0.107", "", &["proc-macro"], 0.54),
            unit("syn", "3.0.10", "", &syn, 1.70),
            unit("memchr", "2.8.3", "", &["alloc", "std"], 0.44),
            unit("serde_json", "1.0.154", "", &["default", "std"], 0.94),
            unit("unicode-ident", "1.0.27", "", &[], 0.07),
            unit(
                "parse-rest-client",
                "0.1.0",
                " parse-rest-client \"bin\"",
                &[],
                0.15,
            ),
        ];
        let with = vec![
            unit("proc-macro2", "1.0.107", "", &["proc-macro"], 0.55),
            unit("syn", "3.0.10", "", &syn_full, 2.63),
            // Built twice, for the host (pulldown-cmark) and the target (serde_json).
            unit("memchr", "2.8.3", "", &["alloc", "std"], 0.53),
            unit("memchr", "2.8.3", "", &["alloc", "std"], 0.44),
            unit("pulldown-cmark", "0.13.6", "", &[], 1.38),
            unit("serde_json", "1.0.154", "", &["default", "std"], 0.94),
            unit(
                "parse-error-codes",
                "0.1.0",
                " build-script",
                &["default"],
                0.79,
            ),
            unit(
                "parse-error-codes",
                "0.1.0",
                " build-script (run)",
                &["default"],
                0.04,
            ),
            unit("parse-error-codes", "0.1.0", "", &["default"], 0.15),
            unit(
                "parse-rest-client",
                "0.1.0",
                " parse-rest-client \"bin\"",
                &[],
                0.17,
            ),
        ];
        (with, without)
    }

    #[test]
    fn units_are_matched_as_a_multiset_and_feature_changes_are_one_line() {
        let (with, without) = with_and_without();
        let comparison = compare_units(&with, &without);
        assert_changes(
            &comparison.changes,
            &[
                ("syn 3.0.10 lib, features +full", 2.63 - 1.70),
                // The first memchr matched the one of the build without.
                ("memchr 2.8.3 lib", 0.44),
                ("pulldown-cmark 0.13.6 lib", 1.38),
                ("parse-error-codes 0.1.0 build-script", 0.79),
                ("parse-error-codes 0.1.0 build-script (run)", 0.04),
                ("parse-error-codes 0.1.0 lib", 0.15),
                ("unicode-ident 1.0.27 lib, no longer built", -0.07),
            ],
        );
        // proc-macro2, one memchr, serde_json and the dependent's binary.
        assert_eq!(comparison.shared, 4);
        let shared_added = (0.55 - 0.54) + (0.53 - 0.44) + 0.0 + (0.17 - 0.15);
        assert!((comparison.shared_added - shared_added).abs() < 1e-9);
        // Nothing is lost: the changes and the shared units add up to the difference.
        let total = |units: &[Unit]| units.iter().map(|unit| unit.duration).sum::<f64>();
        let changes: f64 = comparison.changes.iter().map(|c| c.added).sum();
        assert!(
            (changes + comparison.shared_added - (total(&with) - total(&without))).abs() < 1e-9
        );
    }

    #[test]
    fn units_only_features_tell_apart_are_added_up_and_the_same_builds_differ_by_nothing() {
        let with = [
            unit("memchr", "2.8.3", "", &["alloc"], 0.40),
            unit("memchr", "2.8.3", "", &["alloc", "std"], 0.50),
        ];
        let comparison = compare_units(&with, &[]);
        assert_changes(&comparison.changes, &[("memchr 2.8.3 lib", 0.90)]);
        assert_eq!(
            compare_units(&with, &with),
            Comparison {
                changes: Vec::new(),
                shared: 2,
                shared_added: 0.0
            }
        );
        assert_eq!(
            feature_difference(&["a".into(), "b".into()], &["b".into(), "c".into()]),
            "+a -c"
        );
    }

    /// A hand-written `cargo metadata` of the dependent with the crate: its
    /// serde_derive shares syn with the generator; memchr is a dependency of
    /// serde_json and of pulldown-cmark; `itoa` stands for a normal
    /// dependency of the crate, criterion for a dev-dependency.
    const METADATA: &str = r#"{
  "packages": [
    {"id": "path+file:///w/dependent#parse-rest-client@0.1.0", "name": "parse-rest-client", "version": "0.1.0", "source": null,
     "dependencies": [{"name": "serde", "kind": null}, {"name": "serde_json", "kind": null}, {"name": "parse-error-codes", "kind": null}]},
    {"id": "path+file:///w/package#parse-error-codes@0.1.0", "name": "parse-error-codes", "version": "0.1.0", "source": null,
     "dependencies": [
       {"name": "itoa", "kind": null},
       {"name": "criterion", "kind": "dev"},
       {"name": "syn", "kind": "dev"},
       {"name": "prettyplease", "kind": "build"},
       {"name": "proc-macro2", "kind": "build"},
       {"name": "pulldown-cmark", "kind": "build"},
       {"name": "quote", "kind": "build"},
       {"name": "syn", "kind": "build"}
     ]},
    {"id": "reg#serde@1.0.229", "name": "serde", "version": "1.0.229", "source": "reg", "dependencies": []},
    {"id": "reg#serde_derive@1.0.229", "name": "serde_derive", "version": "1.0.229", "source": "reg", "dependencies": []},
    {"id": "reg#serde_json@1.0.154", "name": "serde_json", "version": "1.0.154", "source": "reg", "dependencies": []},
    {"id": "reg#syn@3.0.10", "name": "syn", "version": "3.0.10", "source": "reg", "dependencies": []},
    {"id": "reg#quote@1.0.47", "name": "quote", "version": "1.0.47", "source": "reg", "dependencies": []},
    {"id": "reg#proc-macro2@1.0.107", "name": "proc-macro2", "version": "1.0.107", "source": "reg", "dependencies": []},
    {"id": "reg#unicode-ident@1.0.27", "name": "unicode-ident", "version": "1.0.27", "source": "reg", "dependencies": []},
    {"id": "reg#pulldown-cmark@0.13.6", "name": "pulldown-cmark", "version": "0.13.6", "source": "reg", "dependencies": []},
    {"id": "reg#memchr@2.8.3", "name": "memchr", "version": "2.8.3", "source": "reg", "dependencies": []},
    {"id": "reg#bitflags@2.13.2", "name": "bitflags", "version": "2.13.2", "source": "reg", "dependencies": []},
    {"id": "reg#unicase@2.10.0", "name": "unicase", "version": "2.10.0", "source": "reg", "dependencies": []},
    {"id": "reg#prettyplease@0.3.0", "name": "prettyplease", "version": "0.3.0", "source": "reg", "dependencies": []},
    {"id": "reg#itoa@1.0.19", "name": "itoa", "version": "1.0.19", "source": "reg", "dependencies": []},
    {"id": "reg#criterion@0.8.2", "name": "criterion", "version": "0.8.2", "source": "reg", "dependencies": []}
  ],
  "resolve": {"root": "path+file:///w/dependent#parse-rest-client@0.1.0", "nodes": [
    {"id": "path+file:///w/dependent#parse-rest-client@0.1.0", "features": [], "deps": [
      {"name": "serde", "pkg": "reg#serde@1.0.229", "dep_kinds": [{"kind": null, "target": null}]},
      {"name": "serde_json", "pkg": "reg#serde_json@1.0.154", "dep_kinds": [{"kind": null, "target": null}]},
      {"name": "parse_error_codes", "pkg": "path+file:///w/package#parse-error-codes@0.1.0", "dep_kinds": [{"kind": null, "target": null}]}]},
    {"id": "path+file:///w/package#parse-error-codes@0.1.0", "features": ["default", "std"], "deps": [
      {"name": "itoa", "pkg": "reg#itoa@1.0.19", "dep_kinds": [{"kind": null, "target": null}]},
      {"name": "criterion", "pkg": "reg#criterion@0.8.2", "dep_kinds": [{"kind": "dev", "target": null}]},
      {"name": "prettyplease", "pkg": "reg#prettyplease@0.3.0", "dep_kinds": [{"kind": "build", "target": null}]},
      {"name": "proc_macro2", "pkg": "reg#proc-macro2@1.0.107", "dep_kinds": [{"kind": "build", "target": null}]},
      {"name": "pulldown_cmark", "pkg": "reg#pulldown-cmark@0.13.6", "dep_kinds": [{"kind": "build", "target": null}]},
      {"name": "quote", "pkg": "reg#quote@1.0.47", "dep_kinds": [{"kind": "build", "target": null}]},
      {"name": "syn", "pkg": "reg#syn@3.0.10", "dep_kinds": [{"kind": "dev", "target": null}, {"kind": "build", "target": null}]}]},
    {"id": "reg#serde@1.0.229", "features": [], "deps": [
      {"name": "serde_derive", "pkg": "reg#serde_derive@1.0.229", "dep_kinds": [{"kind": null, "target": null}]}]},
    {"id": "reg#serde_derive@1.0.229", "features": [], "deps": [
      {"name": "proc_macro2", "pkg": "reg#proc-macro2@1.0.107", "dep_kinds": [{"kind": null, "target": null}]},
      {"name": "quote", "pkg": "reg#quote@1.0.47", "dep_kinds": [{"kind": null, "target": null}]},
      {"name": "syn", "pkg": "reg#syn@3.0.10", "dep_kinds": [{"kind": null, "target": null}]}]},
    {"id": "reg#serde_json@1.0.154", "features": [], "deps": [
      {"name": "memchr", "pkg": "reg#memchr@2.8.3", "dep_kinds": [{"kind": null, "target": null}]},
      {"name": "serde", "pkg": "reg#serde@1.0.229", "dep_kinds": [{"kind": null, "target": null}]}]},
    {"id": "reg#syn@3.0.10", "features": [], "deps": [
      {"name": "proc_macro2", "pkg": "reg#proc-macro2@1.0.107", "dep_kinds": [{"kind": null, "target": null}]},
      {"name": "quote", "pkg": "reg#quote@1.0.47", "dep_kinds": [{"kind": null, "target": null}]},
      {"name": "unicode_ident", "pkg": "reg#unicode-ident@1.0.27", "dep_kinds": [{"kind": null, "target": null}]}]},
    {"id": "reg#quote@1.0.47", "features": [], "deps": [
      {"name": "proc_macro2", "pkg": "reg#proc-macro2@1.0.107", "dep_kinds": [{"kind": null, "target": null}]}]},
    {"id": "reg#proc-macro2@1.0.107", "features": [], "deps": [
      {"name": "unicode_ident", "pkg": "reg#unicode-ident@1.0.27", "dep_kinds": [{"kind": null, "target": null}]}]},
    {"id": "reg#unicode-ident@1.0.27", "features": [], "deps": []},
    {"id": "reg#pulldown-cmark@0.13.6", "features": [], "deps": [
      {"name": "bitflags", "pkg": "reg#bitflags@2.13.2", "dep_kinds": [{"kind": null, "target": null}]},
      {"name": "memchr", "pkg": "reg#memchr@2.8.3", "dep_kinds": [{"kind": null, "target": null}]},
      {"name": "unicase", "pkg": "reg#unicase@2.10.0", "dep_kinds": [{"kind": null, "target": null}]}]},
    {"id": "reg#memchr@2.8.3", "features": [], "deps": []},
    {"id": "reg#bitflags@2.13.2", "features": [], "deps": []},
    {"id": "reg#unicase@2.10.0", "features": [], "deps": []},
    {"id": "reg#prettyplease@0.3.0", "features": [], "deps": [
      {"name": "proc_macro2", "pkg": "reg#proc-macro2@1.0.107", "dep_kinds": [{"kind": null, "target": null}]},
      {"name": "syn", "pkg": "reg#syn@3.0.10", "dep_kinds": [{"kind": null, "target": null}]}]},
    {"id": "reg#itoa@1.0.19", "features": [], "deps": []},
    {"id": "reg#criterion@0.8.2", "features": [], "deps": []}
  ]},
  "version": 1
}"#;

    fn metadata(json: &str) -> Metadata {
        serde_json::from_str(json).unwrap()
    }

    fn keys(names: &[(&str, &str)]) -> BTreeSet<(String, String)> {
        names
            .iter()
            .map(|&(name, version)| (name.to_owned(), version.to_owned()))
            .collect()
    }

    #[test]
    fn the_five_and_their_dependencies_come_from_the_resolve_graph() {
        let groups = UnitGroups::from_metadata(&metadata(METADATA)).unwrap();
        assert_eq!(
            groups.build_dependencies,
            keys(&[
                ("bitflags", "2.13.2"),
                ("memchr", "2.8.3"),
                ("prettyplease", "0.3.0"),
                ("proc-macro2", "1.0.107"),
                ("pulldown-cmark", "0.13.6"),
                ("quote", "1.0.47"),
                ("syn", "3.0.10"),
                ("unicase", "2.10.0"),
                ("unicode-ident", "1.0.27"),
            ])
        );
        // criterion is only a dev-dependency: never built for a dependent.
        assert_eq!(
            groups.own,
            keys(&[("itoa", "1.0.19"), ("parse-error-codes", "0.1.0")])
        );
        assert_eq!(groups.group("memchr", "2.8.3"), Group::BuildDependencies);
        assert_eq!(groups.group("memchr", "2.7.0"), Group::Elsewhere);
        assert_eq!(groups.group("serde_derive", "1.0.229"), Group::Elsewhere);
        assert_eq!(groups.group("criterion", "0.8.2"), Group::Elsewhere);
        assert_eq!(groups.group("itoa", "1.0.19"), Group::Own);
    }

    #[test]
    fn the_rounds_changes_are_summed_by_group() {
        let groups = UnitGroups::from_metadata(&metadata(METADATA)).unwrap();
        let (with, without) = with_and_without();
        let attribution = Attribution::new(&compare_units(&with, &without), &groups);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(
            attribution.sum(Group::BuildDependencies),
            (2.63 - 1.70) + 0.44 + 1.38 - 0.07
        ));
        assert!(close(attribution.sum(Group::Own), 0.79 + 0.04 + 0.15));
        assert!(close(
            attribution.sum(Group::Elsewhere),
            (0.55 - 0.54) + (0.53 - 0.44) + (0.17 - 0.15)
        ));
        let total = |units: &[Unit]| units.iter().map(|unit| unit.duration).sum::<f64>();
        assert!(close(attribution.total(), total(&with) - total(&without)));
    }

    #[test]
    fn a_build_dependency_dropped_from_the_package_is_an_error() {
        check_build_dependencies(&metadata(METADATA)).unwrap();
        // syn kept as a dev-dependency only, pulldown-cmark gone.
        let dropped = METADATA
            .replacen(
                r#"{"name": "syn", "kind": "build"}"#,
                r#"{"name": "syn", "kind": "dev"}"#,
                1,
            )
            .replacen(r#"{"name": "pulldown-cmark", "kind": "build"},"#, "", 1);
        let error = check_build_dependencies(&metadata(&dropped)).unwrap_err();
        assert!(
            error.starts_with(
                "the packaged Cargo.toml's [build-dependencies] lack pulldown-cmark, syn:"
            ),
            "{error}"
        );
        // The resolve graph must agree: no build edge to syn, no split.
        let unresolved = METADATA.replacen(
            r#"[{"kind": "dev", "target": null}, {"kind": "build", "target": null}]"#,
            r#"[{"kind": "dev", "target": null}]"#,
            1,
        );
        let error = UnitGroups::from_metadata(&metadata(&unresolved)).unwrap_err();
        assert_eq!(
            error,
            "the resolve graph has no build dependency syn of parse-error-codes"
        );
    }

    #[test]
    fn registry_packages_missing_from_the_packaged_lock_are_reported() {
        let lock = "# This file is automatically @generated by Cargo.\nversion = 4\n\n\
                    [[package]]\nname = \"memchr\"\nversion = \"2.8.3\"\nsource = \"registry+x\"\n\n\
                    [[package]]\nname = \"parse-error-codes\"\nversion = \"0.1.0\"\ndependencies = [\n \"syn\",\n]\n\n\
                    [[package]]\nname = \"syn\"\nversion = \"3.0.10\"\n";
        let locked = locked_packages(lock);
        assert_eq!(
            locked,
            keys(&[
                ("memchr", "2.8.3"),
                ("parse-error-codes", "0.1.0"),
                ("syn", "3.0.10")
            ])
        );
        let unpinned = unpinned_packages(&metadata(METADATA), &locked);
        // Path packages (the dependent, the crate) are never in question.
        assert_eq!(unpinned.len(), 12, "{unpinned:?}");
        assert!(unpinned.contains(&("serde_derive".to_owned(), "1.0.229".to_owned())));
        assert!(!unpinned
            .iter()
            .any(|(name, _)| name == "syn" || name == "memchr"));
    }

    #[test]
    fn the_library_artifact_says_whether_it_was_rebuilt() {
        let messages = [
            r#"{"reason":"compiler-artifact","package_id":"reg#syn@3.0.10","target":{"kind":["lib"],"name":"syn"},"fresh":false}"#,
            r#"{"reason":"build-script-executed","package_id":"path+file:///w/package#parse-error-codes@0.1.0"}"#,
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/package#parse-error-codes@0.1.0","target":{"kind":["lib"],"name":"parse_error_codes"},"fresh":true}"#,
            r#"{"reason":"build-finished","success":true}"#,
        ]
        .join("\n");
        assert_eq!(library_fresh(&messages), Some(true));
        assert_eq!(
            library_fresh(&messages.replace("\"fresh\":true", "\"fresh\":false")),
            Some(false)
        );
        assert_eq!(
            library_fresh(r#"{"reason":"build-finished","success":true}"#),
            None
        );
    }
}
