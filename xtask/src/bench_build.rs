//! `cargo xtask bench-build`: what the crate costs its users at build time
//! (issues 7 and 13), measured on the machine it runs on.
//!
//! 1. A dependent as users write it: a small Parse REST client that already
//!    uses serde (derive) and serde_json. It is built clean (dev profile)
//!    without the crate, with it (`ErrorCode::new`, `ErrorKind::from_name`),
//!    and with its `serde` feature (it also decodes a `ParseError`). The crate
//!    is the output of `cargo package`, unpacked, as a path dependency; the
//!    packaged `Cargo.lock` pins the versions. The three builds take turns in
//!    each round, the order rotating, each in a fresh target directory, with
//!    `CARGO_INCREMENTAL=0` and no compiler cache. The added cost of a variant
//!    is the median of its per-round differences to "without", so that a slow
//!    spell of the machine hits both sides of a difference. CPU time (user +
//!    sys of cargo and everything it runs) is the verdict's measure; wall
//!    time is printed beside it.
//! 2. One run of the build script: the real `build-script-build` of the
//!    dependent's build, as a whole process, and the generator's stages timed
//!    in this process (the xtask runs with the dev profile, like a user's
//!    build script).
//!
//! Per-unit attribution (which of the build dependencies costs what) needs
//! cargo's `--timings` report, which is HTML only on stable: get it by hand
//! with `--keep`, then `cargo build -j1 --timings` in the kept
//! `dependent-with` and `dependent-without` and compare the two
//! `target/cargo-timings/cargo-timing.html`. That the build script does not
//! rerun on a no-op build or a library edit is `tests/build_script_rerun.rs`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};
use cargo_metadata::{DependencyKind, MetadataCommand};
use xshell::{cmd, Shell};

use crate::bench::{
    self, build_script_binary, cargo_build, measured, median, run_build_script, verdict, Sample,
    PACKAGE,
};
use crate::generator;

/// Issue 13: what the crate adds to a clean build of a dependent, CPU seconds.
const ADDED_CPU_TARGET: f64 = 3.5;
/// Issue 7: one run of the build script with the dev profile, seconds.
const BUILD_SCRIPT_TARGET: f64 = 0.100;
/// The generated dependent's package and binary name.
const DEPENDENT: &str = "parse-rest-client";
/// What the generator needs and the crate keeps in `[build-dependencies]`.
const BUILD_DEPENDENCIES: [&str; 5] = [
    "prettyplease",
    "proc-macro2",
    "pulldown-cmark",
    "quote",
    "syn",
];

/// The three builds of the dependent.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variant {
    Without,
    With,
    WithSerde,
}

impl Variant {
    const ALL: [Variant; 3] = [Variant::Without, Variant::With, Variant::WithSerde];

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

    /// The dependency line, given the packaged crate's path from the dependent.
    fn dependency(self, package: &str) -> String {
        match self {
            Variant::Without => String::new(),
            Variant::With => format!("{PACKAGE} = {{ path = \"{package}\" }}\n"),
            Variant::WithSerde => {
                format!("{PACKAGE} = {{ path = \"{package}\", features = [\"serde\"] }}\n")
            }
        }
    }

    /// What its binary must print: it really uses what it is said to use.
    fn expected_output(self) -> &'static [&'static str] {
        match self {
            Variant::Without => &["Ed1nuqPvcm Sean Plott: 1337"],
            Variant::With => &["Ed1nuqPvcm Sean Plott: 1337", "ObjectNotFound"],
            Variant::WithSerde => &[
                "Ed1nuqPvcm Sean Plott: 1337",
                "ObjectNotFound",
                "Object not found.",
            ],
        }
    }
}

pub fn run(sh: &Shell, runs: usize, keep: bool) -> Result<()> {
    // The stage timings stand for a user's build script, which runs unoptimised.
    ensure!(
        cfg!(debug_assertions),
        "build the xtask with the dev profile (no `--release`)"
    );
    let work = std::env::temp_dir().join(format!("{PACKAGE}-bench-build-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let outcome = measure(sh, &work, runs);
    if keep {
        eprintln!("bench-build: kept {}", work.display());
    } else {
        let _ = std::fs::remove_dir_all(&work);
    }
    let (report, met) = outcome?;
    bench::finish(&report, met)
}

fn measure(sh: &Shell, work: &Path, runs: usize) -> Result<(String, bool)> {
    let started = Instant::now();
    let package = package(sh, work)?;
    let mut notes = String::new();
    let mut dependents = Vec::new();
    for variant in Variant::ALL {
        let dir = write_dependent(work, &package, variant)?;
        notes.push_str(&check_versions(&dir, &package, variant)?);
        dependents.push(dir);
    }
    eprintln!(
        "bench-build: {runs} rounds of 3 clean builds of the dependent, in {}",
        work.display()
    );
    let mut builds: [Vec<Sample>; 3] = Default::default();
    let mut kept_target = None;
    for round in 0..runs {
        for offset in 0..Variant::ALL.len() {
            let index = (round + offset) % Variant::ALL.len();
            let variant = Variant::ALL[index];
            let target = work.join(format!("target-{}-{round}", variant.slug()));
            let _in_dependent = sh.push_dir(&dependents[index]);
            let (sample, _) = measured(cargo_build(sh, &target))?;
            eprintln!(
                "bench-build: round {}: {:<32} cpu {:>6.2} s  wall {:>6.2} s",
                round + 1,
                variant.label(),
                sample.cpu,
                sample.wall
            );
            if round == 0 {
                check_dependent_runs(sh, &target, variant)?;
            }
            builds[index].push(sample);
            // The last "with" build serves the build-script timing.
            if variant == Variant::With {
                if let Some(previous) = kept_target.replace(target) {
                    let _ = std::fs::remove_dir_all(previous);
                }
            } else {
                let _ = std::fs::remove_dir_all(&target);
            }
        }
    }
    let kept_target = kept_target.context("no clean build ran")?;
    eprintln!("bench-build: timing the build script");
    let script = build_script_binary(&kept_target)?;
    let mut stages: Vec<Vec<f64>> = vec![Vec::new(); STAGES.len()];
    let mut script_runs = Vec::new();
    // Interleaved, so that both see the same state of a shared machine.
    for run in 0..2 * runs + 1 {
        for (samples, time) in stages
            .iter_mut()
            .zip(time_stages(&package, &work.join("stages.rs"))?)
        {
            samples.push(time);
        }
        let out_dir = work.join(format!("out-{run}"));
        script_runs.push(run_build_script(sh, &script, &package, &out_dir)?.wall);
    }
    let mut text = format!("\n{}\n{notes}", bench::machine(sh));
    let builds_met = render_builds(&mut text, &builds);
    let script_met = render_script(&mut text, &stages, &script_runs);
    let elapsed = started.elapsed().as_secs();
    let _ = writeln!(
        text,
        "\nthe run took {} min {:02} s",
        elapsed / 60,
        elapsed % 60
    );
    Ok((text, builds_met && script_met))
}

/// `cargo package` of the working tree, unpacked: the crate as a user gets it.
fn package(sh: &Shell, work: &Path) -> Result<PathBuf> {
    let target = work.join("package-target");
    let cargo = crate::cargo();
    let command = cmd!(
        sh,
        "{cargo} package --no-verify --allow-dirty --package {PACKAGE}"
    );
    measured(command.env("CARGO_TARGET_DIR", &target))?;
    let version = cmd!(sh, "{cargo} pkgid --package {PACKAGE}")
        .quiet()
        .read()?;
    let version = version
        .rsplit(['@', '#'])
        .next()
        .unwrap_or_default()
        .to_owned();
    let crate_file = target
        .join("package")
        .join(format!("{PACKAGE}-{version}.crate"));
    let unpacked = work.join("package");
    std::fs::create_dir_all(&unpacked)?;
    measured(cmd!(sh, "tar xzf {crate_file} -C {unpacked}"))?;
    let _ = std::fs::remove_dir_all(&target);
    let dir = unpacked.join(format!("{PACKAGE}-{version}"));
    ensure!(
        dir.join("Cargo.toml").is_file(),
        "the packaged crate has no {}/Cargo.toml",
        dir.display()
    );
    Ok(dir)
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

/// The dependent of one variant, in `work/dependent-<slug>`, with the packaged
/// `Cargo.lock`.
fn write_dependent(work: &Path, package: &Path, variant: Variant) -> Result<PathBuf> {
    let dir = work.join(format!("dependent-{}", variant.slug()));
    let package = package.to_str().filter(|path| !path.contains(['"', '\\']));
    let package = package.context("the temporary directory's path cannot be written in TOML")?;
    // `[workspace]`: never part of a workspace that encloses the temporary directory.
    let manifest = format!(
        "[package]\nname = \"{DEPENDENT}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n{}\n[workspace]\n",
        variant.dependency(package)
    );
    let mut main = DEPENDENT_MAIN.to_owned();
    if variant != Variant::Without {
        main.push_str(USE_OF_THE_CRATE);
    }
    if variant == Variant::WithSerde {
        main.push_str(USE_OF_SERDE);
    }
    main.push_str("}\n");
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    std::fs::write(dir.join("src/main.rs"), main)?;
    std::fs::copy(
        Path::new(package).join("Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .context("cannot copy the packaged Cargo.lock")?;
    Ok(dir)
}

/// A note when the packaged lock does not pin every registry package of the
/// dependent; for "with", also checks that the crate's build dependencies
/// are the five its generator needs, with nothing else.
fn check_versions(dependent: &Path, package: &Path, variant: Variant) -> Result<String> {
    // Settles the dependent's lock (its own root added) before any timed build.
    let metadata = MetadataCommand::new()
        .manifest_path(dependent.join("Cargo.toml"))
        .exec()?;
    // Each registry package has one `checksum` line: a new one is a version
    // the registry chose, not the packaged lock.
    let packaged = std::fs::read_to_string(package.join("Cargo.lock"))?;
    let settled = std::fs::read_to_string(dependent.join("Cargo.lock"))?;
    let unpinned = settled
        .lines()
        .filter(|line| line.starts_with("checksum = ") && !packaged.contains(*line))
        .count();
    let note = match unpinned {
        0 => String::new(),
        n => format!(
            "versions: {n} packages of the dependent {} NOT pinned by the packaged Cargo.lock\n",
            variant.label()
        ),
    };
    if variant == Variant::With {
        let ours = metadata
            .packages
            .iter()
            .find(|package| package.name.as_str() == PACKAGE);
        let ours = ours.context("cargo metadata does not list the crate")?;
        let mut build: Vec<&str> = ours
            .dependencies
            .iter()
            .filter(|dependency| dependency.kind == DependencyKind::Build)
            .map(|dependency| dependency.name.as_str())
            .collect();
        build.sort_unstable();
        if build != BUILD_DEPENDENCIES {
            bail!("the packaged [build-dependencies] are {build:?}, not {BUILD_DEPENDENCIES:?}");
        }
    }
    Ok(note)
}

fn check_dependent_runs(sh: &Shell, target: &Path, variant: Variant) -> Result<()> {
    let binary = target.join("debug").join(DEPENDENT);
    let stdout = cmd!(sh, "{binary}").quiet().read()?;
    match variant
        .expected_output()
        .iter()
        .find(|expected| !stdout.contains(*expected))
    {
        Some(missing) => bail!(
            "the dependent {} did not print {missing:?}; it printed:\n{stdout}",
            variant.label()
        ),
        None => Ok(()),
    }
}

/// The stages of one build-script run, in pipeline order.
const STAGES: [&str; 7] = ["load", "read", "check", "model", "emit", "format", "write"];

/// Runs the pipeline on `crate_root` as `build.rs` does, timing each stage (seconds).
fn time_stages(crate_root: &Path, out: &Path) -> Result<Vec<f64>> {
    let fail = |diagnostics: Vec<generator::Diagnostic>| {
        anyhow::anyhow!(generator::render_diagnostics(&diagnostics))
    };
    let mut times = Vec::with_capacity(STAGES.len());
    let mut clock = Instant::now();
    let mut lap = |times: &mut Vec<f64>| {
        times.push(clock.elapsed().as_secs_f64());
        clock = Instant::now();
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
    let source = generator::format(tokens)?;
    lap(&mut times);
    generator::write_if_changed(out, &source)?;
    lap(&mut times);
    Ok(times)
}

/// Section 1: medians per variant, the added cost, and its verdict.
fn render_builds(text: &mut String, builds: &[Vec<Sample>; 3]) -> bool {
    let rounds = builds[0].len();
    let _ = writeln!(
        text,
        "dependent: a Parse REST client using serde (derive) and serde_json; {PACKAGE} as `cargo package` makes it\n\n\
         1. clean `cargo build` of the dependent (dev profile, CARGO_INCREMENTAL=0), median of {rounds} rounds\n   \
         {:<34} {:>7} {:>7} {:>8} {:>8}   CPU s per round",
        "", "CPU s", "wall s", "+CPU s", "+wall s"
    );
    let added = |variant: usize, of: fn(&Sample) -> f64| -> Vec<f64> {
        builds[variant]
            .iter()
            .zip(&builds[0])
            .map(|(with, without)| of(with) - of(without))
            .collect()
    };
    for (index, variant) in Variant::ALL.iter().enumerate() {
        let column = |of: fn(&Sample) -> f64| builds[index].iter().map(of).collect::<Vec<_>>();
        let (cpu_added, wall_added) = match index {
            0 => ("-".to_owned(), "-".to_owned()),
            _ => (
                format!("{:.2}", median(&added(index, |s| s.cpu))),
                format!("{:.2}", median(&added(index, |s| s.wall))),
            ),
        };
        let per_round: Vec<String> = column(|s| s.cpu)
            .iter()
            .map(|s| format!("{s:.2}"))
            .collect();
        let _ = writeln!(
            text,
            "   {:<34} {:>7.2} {:>7.2} {cpu_added:>8} {wall_added:>8}   {}",
            variant.label(),
            median(&column(|s| s.cpu)),
            median(&column(|s| s.wall)),
            per_round.join(" ")
        );
    }
    let added_cpu = median(&added(1, |s| s.cpu));
    let met = added_cpu <= ADDED_CPU_TARGET;
    let _ = writeln!(
        text,
        "   added CPU with {PACKAGE}: {added_cpu:.2} s   target <= {ADDED_CPU_TARGET} s: {}",
        verdict(met)
    );
    met
}

/// Section 2: the stages' medians and the whole process's, with its verdict.
fn render_script(text: &mut String, stages: &[Vec<f64>], script_runs: &[f64]) -> bool {
    let _ = writeln!(
        text,
        "\n2. one build-script run, dev profile (opt-level 0), median of {} runs\n   {:<38} {:>9}",
        script_runs.len(),
        "stage (in this process)",
        "ms"
    );
    for (stage, samples) in STAGES.iter().zip(stages) {
        let _ = writeln!(text, "   {stage:<38} {:>9.1}", median(samples) * 1e3);
    }
    let totals: Vec<f64> = (0..script_runs.len())
        .map(|run| stages.iter().map(|samples| samples[run]).sum())
        .collect();
    let _ = writeln!(
        text,
        "   {:<38} {:>9.1}",
        "all stages",
        median(&totals) * 1e3
    );
    let process = median(script_runs);
    let met = process <= BUILD_SCRIPT_TARGET;
    let _ = writeln!(
        text,
        "   {:<38} {:>9.1}   target <= {} ms: {}",
        "whole build-script-build process",
        process * 1e3,
        BUILD_SCRIPT_TARGET * 1e3,
        verdict(met)
    );
    met
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(cpu: f64) -> Sample {
        Sample {
            cpu,
            wall: cpu / 2.0,
        }
    }

    #[test]
    fn the_added_cost_is_the_median_of_the_rounds_differences() {
        // Round 2 is a slow spell for every variant: it cancels out.
        let builds = [
            vec![sample(10.0), sample(20.0), sample(10.0)],
            vec![sample(12.0), sample(22.5), sample(13.0)],
            vec![sample(14.0), sample(24.0), sample(14.0)],
        ];
        let mut text = String::new();
        assert!(render_builds(&mut text, &builds));
        assert!(
            text.contains("added CPU with parse-error-codes: 2.50 s   target <= 3.5 s: ok"),
            "{text}"
        );
        let over = [
            builds[0].clone(),
            vec![sample(14.0), sample(24.0), sample(13.0)],
            builds[2].clone(),
        ];
        let mut text = String::new();
        assert!(!render_builds(&mut text, &over));
        assert!(text.contains("4.00 s   target <= 3.5 s: MISSED"), "{text}");
    }

    #[test]
    fn the_build_script_verdict_reads_the_whole_process() {
        let stages = vec![vec![0.001, 0.002, 0.003]; STAGES.len()];
        let mut text = String::new();
        assert!(render_script(&mut text, &stages, &[0.05, 0.2, 0.09]));
        assert!(
            text.contains("all stages                                  14.0"),
            "{text}"
        );
        assert!(!render_script(
            &mut String::new(),
            &stages,
            &[0.15, 0.2, 0.09]
        ));
    }
}
