//! `cargo xtask e2e`: the end-to-end run against real Parse Servers, one pinned version
//! after the other (all of [`VERSIONS`] by default, `--server 9.10.0` for one).
//!
//! 1. Ensures PostgreSQL 15 with PostGIS (Debian packages, installed with apt-get when
//!    missing) and each version's pinned Node packages (`npm ci` in `tests/e2e/<version>/`),
//!    then builds the tests and the example, before any server starts.
//! 2. Starts one PostgreSQL cluster in a temporary directory on a free port of 127.0.0.1;
//!    per version, a fresh database and Parse Server (`node tests/e2e/server.js`, its
//!    packages found through `NODE_PATH`) on another free port of 127.0.0.1.
//! 3. Runs the `#[ignore]`d tests of `xtask/tests/e2e.rs` and the `rest_client` example
//!    against it, prints the report and every difference from the server-truth table (or,
//!    with `--bless`, rewrites that version's answers in it), whatever failed before.
//! 4. Stops everything it started, by process group, also on failure, Ctrl-C, SIGTERM or
//!    SIGHUP; a watchdog (`sh`, reading a pipe from this process) kills the groups when
//!    this process dies without cleaning up (SIGKILL). Removes the temporary directory.
//!
//! Every wait is bounded. Servers listen on 127.0.0.1 only.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::{chown, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context as _, Result};
use nix::sys::signal::{killpg, Signal};
use nix::unistd::{Pid, User};

use crate::server_truth::{self, Answer, Channel, Document, Origin, Table, TABLE_PATH, VERSIONS};

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";
const POSTGIS_CONTROL: &str = "/usr/share/postgresql/15/extension/postgis.control";
const APT_PACKAGES: [&str; 2] = ["postgresql", "postgresql-15-postgis-3"];
const KEYS: [(&str, &str); 3] = [
    ("PARSE_APP_ID", "e2e-app-id"),
    ("PARSE_REST_KEY", "e2e-rest-key"),
    ("PARSE_MASTER_KEY", "e2e-master-key"),
];
const TEMP_PREFIX: &str = "parse-error-codes-e2e-";
const INSTALL_TIMEOUT: Duration = Duration::from_secs(15 * 60);
const START_TIMEOUT: Duration = Duration::from_secs(90);
const TESTS_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const SHORT_TIMEOUT: Duration = Duration::from_secs(60);

const USAGE: &str =
    "usage: cargo xtask e2e [--server VERSION] [--bless] [--keep] [--serve[=SECONDS]]
  --server V   run against one version (7.5.4, 8.6.94 or 9.10.0); default: all three
  --bless      rewrite the versions' answers in tests/snapshots/server-truth.tsv from a
               passing run, and re-render README.md and src/server_truth.md
  --keep       keep the temporary directory (logs, database)
  --serve[=S]  only start the servers (of --server, default 9.10.0), print their
               environment and keep them up for S seconds (default 3600) or until Ctrl-C";

/// What `cargo xtask e2e` was asked to do.
#[derive(Debug, Default)]
pub struct Options {
    pub server: Option<String>,
    pub bless: bool,
    pub keep: bool,
    pub serve: Option<Duration>,
}

/// `cargo xtask e2e` with its arguments (for the xtask's dispatch).
pub fn main(args: &[String]) -> Result<(), String> {
    let result = parse_args(args).and_then(|options| match options {
        Some(options) => run(&options),
        None => Ok(println!("{USAGE}")),
    });
    result.map_err(|e| format!("e2e: {e:#}"))
}

fn parse_args(args: &[String]) -> Result<Option<Options>> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--server" => {
                options.server = Some(args.next().context("--server needs a version")?.clone())
            }
            "--bless" => options.bless = true,
            "--keep" => options.keep = true,
            "--serve" => options.serve = Some(Duration::from_secs(3600)),
            "-h" | "--help" => return Ok(None),
            other => match other.strip_prefix("--serve=") {
                Some(s) => {
                    options.serve = Some(Duration::from_secs(
                        s.parse()
                            .with_context(|| format!("bad seconds in {other:?}"))?,
                    ))
                }
                None => bail!("unknown argument {other:?}\n{USAGE}"),
            },
        }
    }
    Ok(Some(options))
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

fn check_interrupted() -> Result<()> {
    ensure!(!INTERRUPTED.load(Ordering::SeqCst), "interrupted");
    Ok(())
}

/// Polls `ready` every 100 ms until it says yes, fails, or `timeout` passes.
fn wait_until(
    what: &str,
    timeout: Duration,
    mut ready: impl FnMut() -> Result<bool>,
) -> Result<()> {
    let end = Instant::now() + timeout;
    while !ready()? {
        check_interrupted()?;
        ensure!(Instant::now() < end, "{what}: not done within {timeout:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

fn root() -> PathBuf {
    server_truth::workspace_root()
}

/// The time each part took, printed at the end.
type Timings = Vec<(String, Duration)>;

fn timed<T>(timings: &mut Timings, part: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let started = Instant::now();
    let result = f();
    timings.push((part.to_string(), started.elapsed()));
    result
}

/// Runs the suite as `options` say: the entry point of `cargo xtask e2e`.
pub fn run(options: &Options) -> Result<()> {
    let versions: Vec<&str> = match &options.server {
        Some(v) => vec![*VERSIONS.iter().find(|known| *known == v).with_context(|| {
            format!(
                "unknown version {v:?}: expected one of {}",
                VERSIONS.join(", ")
            )
        })?],
        None if options.serve.is_some() => vec![VERSIONS[VERSIONS.len() - 1]],
        None => VERSIONS.to_vec(),
    };
    // A second handler (a run inside a test) is refused; the first one still stops us.
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
    remove_stale_temp_dirs();
    let mut timings = Timings::new();
    timed(&mut timings, "PostgreSQL packages", ensure_postgres)?;
    for version in &versions {
        timed(&mut timings, &format!("npm ci {version}"), || {
            ensure_node_modules(version)
        })?;
    }
    if options.serve.is_none() {
        timed(&mut timings, "cargo build", build_rust)?;
    }
    let mut session = Session::new(options.keep)?;
    let pg_port = timed(&mut timings, "PostgreSQL start", || {
        session.start_postgres()
    })?;
    let mut closing = Vec::new();
    for version in versions {
        let started = Instant::now();
        let outcome = run_version(&mut session, pg_port, version, options, &mut timings);
        let took = started.elapsed().as_secs_f64();
        closing.push(match &outcome {
            Ok(summary) => {
                format!("e2e: parse-server {version}: passed, {summary}, in {took:.1} s")
            }
            Err(e) => format!(
                "e2e: parse-server {version}: FAILED in {took:.1} s: {}",
                e.to_string().lines().next().unwrap_or_default()
            ),
        });
        if let Err(e) = outcome {
            eprintln!("e2e: parse-server {version}: {e:#}");
            session.print_logs(version);
        }
        if INTERRUPTED.load(Ordering::SeqCst) {
            break;
        }
    }
    session.stop()?;
    for (part, took) in &timings {
        println!("e2e: took {:>6.1} s  {part}", took.as_secs_f64());
    }
    for line in &closing {
        println!("{line}");
    }
    check_interrupted()?;
    ensure!(
        !closing.iter().any(|l| l.contains("FAILED")),
        "{} of {} versions failed",
        closing.iter().filter(|l| l.contains("FAILED")).count(),
        closing.len()
    );
    Ok(())
}

/// One version: a fresh database and server, the tests, the example, the report and the
/// comparison with the table. Returns the closing summary; every problem is printed.
fn run_version(
    session: &mut Session,
    pg_port: u16,
    version: &str,
    options: &Options,
    timings: &mut Timings,
) -> Result<String> {
    let database = format!("parse_{}", version.replace('.', "_"));
    session.psql(pg_port, "postgres", &format!("CREATE DATABASE {database}"))?;
    session.psql(pg_port, &database, "CREATE EXTENSION IF NOT EXISTS postgis")?;
    let port = timed(timings, &format!("parse-server {version} start"), || {
        session.start_parse_server(version, pg_port, &database)
    })?;
    let url = format!("http://127.0.0.1:{port}/parse");
    println!(
        "e2e: parse-server {version} ready at {url} (GraphQL at http://127.0.0.1:{port}/graphql)"
    );
    let work = session.dir.join(version);
    let observed_path = work.join("observed.tsv");
    let mut envs: Vec<(&str, OsString)> = KEYS.iter().map(|(k, v)| (*k, v.into())).collect();
    envs.extend([
        ("PARSE_SERVER_URL", url.into()),
        (
            "PARSE_GRAPHQL_URL",
            format!("http://127.0.0.1:{port}/graphql").into(),
        ),
        ("PARSE_E2E_VERSION", version.into()),
        ("PARSE_E2E_OBSERVED", observed_path.clone().into()),
        ("PARSE_E2E_BODIES", work.join("bodies").into()),
    ]);
    if options.bless {
        envs.push(("PARSE_E2E_BLESS", "1".into()));
    }
    if let Some(duration) = options.serve {
        println!("e2e: serving for {duration:?}; stop with Ctrl-C. Environment for the tests:");
        envs.iter()
            .for_each(|(k, v)| println!("export {k}={}", v.to_string_lossy()));
        let _ = wait_until("serving", duration, || Ok(false));
        return Ok("served".into());
    }
    let mut problems = Vec::new();
    let tests = timed(timings, &format!("tests {version}"), || {
        let mut command = cargo(&[
            "test",
            "--package",
            "xtask",
            "--test",
            "e2e",
            "--",
            "--ignored",
            "--test-threads=2",
        ]);
        command.envs(envs.iter().map(|(k, v)| (k, v)));
        run_command("cargo test --test e2e", command, TESTS_TIMEOUT)
    })?;
    if !tests.success() {
        problems.push(format!("the end-to-end tests failed ({tests})"));
    }
    let observed = read_observed(&observed_path, version);
    let table = Table::load(&root())?;
    let expected = if options.bless {
        observed
            .as_ref()
            .ok()
            .map(|o| Table::from_answers(o.clone()))
    } else {
        Some(table.clone())
    };
    let example = timed(timings, &format!("rest_client {version}"), || {
        run_rest_client(&envs, version, expected.as_ref())
    });
    problems.extend(example.err().map(|e| format!("{e:#}")));
    session.stop_parse_server();
    keep_bodies(&work.join("bodies"), version);
    let summary = match &observed {
        Ok(observed) => {
            let summary = report(&table, observed, version);
            problems.extend(compare(
                &table,
                observed,
                version,
                options.bless && problems.is_empty(),
            )?);
            summary
        }
        Err(e) => format!("no answers ({e:#})"),
    };
    problems.extend(observed.err().map(|e| format!("{e:#}")));
    ensure!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(summary)
}

fn read_observed(path: &Path, version: &str) -> Result<Vec<Answer>> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("no answers recorded in {}", path.display()))?;
    let answers = Table::parse(&text, &path.display().to_string())?.answers;
    ensure!(
        answers.iter().all(|a| a.version == version),
        "{}: an answer of another version",
        path.display()
    );
    Ok(answers)
}

/// Prints what the server itself answered, over which channels; returns the summary.
fn report(table: &Table, observed: &[Answer], version: &str) -> String {
    let document = Document::from_crate();
    let server: Vec<&Answer> = observed
        .iter()
        .filter(|a| a.origin == Origin::Server)
        .collect();
    let codes: BTreeSet<i32> = server.iter().filter_map(|a| a.code).collect();
    let documented: Vec<i32> = codes
        .iter()
        .copied()
        .filter(|c| document.names.contains_key(c))
        .collect();
    let list = |codes: &mut dyn Iterator<Item = i32>| {
        codes.map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
    };
    println!(
        "\ne2e: parse-server {version}: coverage of the document's {} codes",
        document.names.len()
    );
    println!(
        "e2e: answered by the server itself: {} codes",
        documented.len()
    );
    for &code in &documented {
        let channels: BTreeSet<&str> = server
            .iter()
            .filter(|a| a.code == Some(code))
            .map(|a| a.channel.name())
            .collect();
        println!(
            "  {code:>4}  {:<28} {}",
            channels.into_iter().collect::<Vec<_>>().join(", "),
            document.names_of(code)
        );
    }
    let channels: Vec<String> = Channel::ALL
        .iter()
        .map(|ch| {
            let n = server
                .iter()
                .filter(|a| a.channel == *ch)
                .filter_map(|a| a.code)
                .collect::<BTreeSet<_>>()
                .len();
            format!("{} ({n} codes)", ch.name())
        })
        .collect();
    println!("e2e: channels: {}", channels.join(", "));
    let missing: Vec<i32> = document
        .names
        .keys()
        .copied()
        .filter(|c| !codes.contains(c))
        .collect();
    println!(
        "e2e: not answered: {} codes (why, from {TABLE_PATH})",
        missing.len()
    );
    for code in missing {
        let why = table.not_sent.get(&code).map_or(
            "the table explains nothing: see the differences below".into(),
            |n| n.describe(),
        );
        println!("  {code:>4} {}: {why}", document.names_of(code));
    }
    println!(
        "e2e: codes outside the document sent by the server: {}",
        list(
            &mut codes
                .iter()
                .copied()
                .filter(|c| !document.names.contains_key(c))
        )
    );
    let cloud: BTreeSet<i32> = observed
        .iter()
        .filter(|a| a.origin == Origin::Cloud)
        .filter_map(|a| a.code)
        .collect();
    println!(
        "e2e: codes passed through from Cloud Code: {}",
        list(&mut cloud.into_iter())
    );
    format!(
        "{} codes answered by the server itself, {} answers",
        documented.len(),
        observed.len()
    )
}

/// Compares the run with the table (every difference), or blesses it; returns problems.
fn compare(table: &Table, observed: &[Answer], version: &str, bless: bool) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let used: BTreeSet<Channel> = observed
        .iter()
        .filter(|a| a.origin == Origin::Server && a.code.is_some())
        .map(|a| a.channel)
        .collect();
    for channel in Channel::ALL.iter().filter(|c| !used.contains(c)) {
        problems.push(format!(
            "no code came over {}: every channel must be provoked",
            channel.name()
        ));
    }
    if bless {
        let root = root();
        let blessed = table.blessed(version, observed)?;
        let changed = server_truth::sync(&root, &blessed, false)?;
        println!(
            "e2e: --bless {version}: rewrote {}",
            if changed.is_empty() {
                "nothing".into()
            } else {
                changed.join(", ")
            }
        );
        problems.extend(blessed.problems(&Document::from_crate()));
        return Ok(problems);
    }
    let diff = table.diff(version, observed);
    if diff.is_empty() {
        println!(
            "e2e: parse-server {version} answered as {TABLE_PATH} says ({} answers)",
            observed.len()
        );
    } else {
        println!(
            "e2e: parse-server {version}: {} differences from {TABLE_PATH}:",
            diff.len()
        );
        diff.iter().for_each(|d| println!("  {d}"));
        problems.push(format!(
            "{} answers differ from {TABLE_PATH}; if intended, run `{} --server {version}` and review the diff of the table, README.md and src/server_truth.md",
            diff.len(),
            server_truth::BLESS_COMMAND
        ));
    }
    Ok(problems)
}

/// The `rest_client` example on a few failing requests; each must print what the table
/// (or, when blessing, this run) says the same request of the suite answers.
fn run_rest_client(
    envs: &[(&str, OsString)],
    version: &str,
    expected: Option<&Table>,
) -> Result<()> {
    let cases: [(&[&str], &str); 4] = [
        (
            &["GET", "/classes/GameScore/doesNotExist"],
            "objects: a missing object",
        ),
        (
            &["GET", "/classes/GameScore", "where={not json"],
            "internal: a malformed where",
        ),
        (
            &["POST", "/functions/throwCustom", "{}"],
            "cloud: throwCustom",
        ),
        (
            &[
                "POST",
                "/login",
                r#"{"username":"nobody","password":"wrong"}"#,
            ],
            "users: log in with a wrong password",
        ),
    ];
    let mut failures = Vec::new();
    for (args, request) in cases {
        let answer = expected
            .and_then(|t| t.answer(version, request))
            .with_context(|| {
                format!("no answer of {version} to {request:?} to compare the example with")
            })?;
        let mut command = cargo(&[
            "run",
            "--quiet",
            "--package",
            "xtask",
            "--example",
            "rest_client",
            "--",
        ]);
        command.args(args).envs(envs.iter().map(|(k, v)| (k, v)));
        let (status, stdout) = run_capture("rest_client", command)?;
        print!(
            "{}",
            stdout
                .lines()
                .map(|l| format!("    | {l}\n"))
                .collect::<String>()
        );
        let code = answer
            .code
            .context("the example's requests all have a code")?;
        let kinds = parse_error_codes::ErrorCode::new(code)
            .kinds()
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>();
        let kinds = if kinds.is_empty() {
            "(not in the document)".into()
        } else {
            kinds.join(", ")
        };
        let status_line = format!("HTTP {}", answer.status.unwrap_or_default());
        let needles = [
            status_line,
            format!("code: {code}"),
            format!("kinds: {kinds}"),
        ];
        let lacks: Vec<&String> = needles
            .iter()
            .filter(|n| !stdout.lines().any(|l| l == n.as_str()))
            .collect();
        if status.code() != Some(1) || !lacks.is_empty() {
            failures.push(format!(
                "rest_client {}: exit {status}, expected 1; lacks {lacks:?}",
                args.join(" ")
            ));
        }
    }
    println!(
        "e2e: rest_client: {} of {} requests as expected",
        cases.len() - failures.len(),
        cases.len()
    );
    ensure!(
        failures.is_empty(),
        "the rest_client example misbehaved:\n  {}",
        failures.join("\n  ")
    );
    Ok(())
}

/// Copies the raw bodies of odd shapes the tests kept to `target/e2e-bodies/<version>/`.
fn keep_bodies(bodies: &Path, version: &str) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root().join("target"), |dir| root().join(dir));
    let kept = target.join("e2e-bodies").join(version);
    let _ = fs::remove_dir_all(&kept);
    let copied = fs::create_dir_all(&kept)
        .and_then(|()| fs::read_dir(bodies))
        .and_then(|entries| {
            entries
                .map(|e| e.and_then(|e| fs::copy(e.path(), kept.join(e.file_name()))))
                .collect::<std::io::Result<Vec<_>>>()
        });
    match copied {
        Ok(files) => println!(
            "e2e: {} raw bodies of odd shapes kept in {}",
            files.len().saturating_sub(1),
            kept.display()
        ),
        Err(e) => println!("e2e: no raw bodies kept in {} ({e})", kept.display()),
    }
}

fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root()).args(args);
    command
}

fn build_rust() -> Result<()> {
    for args in [
        &["test", "--package", "xtask", "--test", "e2e", "--no-run"][..],
        &["build", "--package", "xtask", "--example", "rest_client"],
    ] {
        let status = run_command("cargo build", cargo(args), TESTS_TIMEOUT)?;
        ensure!(
            status.success(),
            "cargo {} failed ({status})",
            args.join(" ")
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Setup: packages

fn ensure_postgres() -> Result<()> {
    let present = ["initdb", "postgres", "psql", "pg_isready"]
        .iter()
        .all(|b| Path::new(PG_BIN).join(b).exists());
    if present && Path::new(POSTGIS_CONTROL).exists() {
        return Ok(());
    }
    let packages = APT_PACKAGES.join(" ");
    ensure!(nix::unistd::geteuid().is_root(), "PostgreSQL 15 or PostGIS is missing: run as root so that apt-get can install {packages}, or install them yourself");
    println!("e2e: installing {packages} with apt-get");
    let apt = |args: &[&str]| {
        let mut command = Command::new("apt-get");
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    let status = run_command("apt-get update", apt(&["-q", "update"]), INSTALL_TIMEOUT)?;
    ensure!(status.success(), "apt-get update failed ({status})");
    let status = run_command(
        "apt-get install",
        apt(&[
            &["-q", "-y", "--no-install-recommends", "install"][..],
            &APT_PACKAGES,
        ]
        .concat()),
        INSTALL_TIMEOUT,
    )?;
    ensure!(
        status.success() && Path::new(POSTGIS_CONTROL).exists(),
        "apt-get install {packages} failed ({status})"
    );
    Ok(())
}

/// Runs `npm ci` in `tests/e2e/<version>/` unless its node_modules was installed from
/// exactly the committed lock file. npm refuses a Node.js outside the version's `engines`.
fn ensure_node_modules(version: &str) -> Result<()> {
    let dir = root().join("tests/e2e").join(version);
    let lock = fs::read(dir.join("package-lock.json"))
        .with_context(|| format!("cannot read {}/package-lock.json", dir.display()))?;
    let stamp = dir.join("node_modules/.parse-error-codes-e2e.lock");
    if fs::read(&stamp).is_ok_and(|installed| installed == lock) {
        return Ok(());
    }
    println!(
        "e2e: installing parse-server {version} (npm ci in {})",
        dir.display()
    );
    let mut command = Command::new("npm");
    command.current_dir(&dir).args([
        "ci",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--engine-strict",
        "--loglevel=error",
    ]);
    let status = run_command("npm ci", command, INSTALL_TIMEOUT)?;
    ensure!(
        status.success(),
        "npm ci failed in {} ({status})",
        dir.display()
    );
    fs::write(&stamp, &lock).with_context(|| format!("cannot write {}", stamp.display()))
}

// ---------------------------------------------------------------------------
// Processes: each child leads its own process group, registered with the watchdog.

/// A child process whose whole group is stopped when dropped.
struct Guarded {
    name: String,
    child: Child,
    stop_signal: Signal,
}

impl Guarded {
    fn spawn(name: &str, mut command: Command, stop_signal: Signal) -> Result<Guarded> {
        command.process_group(0).stdin(Stdio::null());
        let child = command
            .spawn()
            .with_context(|| format!("cannot start {name}"))?;
        Ok(Guarded {
            name: name.into(),
            child,
            stop_signal,
        })
    }

    /// A server: also stopped by the watchdog if this process dies without cleaning up.
    fn spawn_server(name: &str, command: Command, stop_signal: Signal) -> Result<Guarded> {
        let server = Guarded::spawn(name, command, stop_signal)?;
        watchdog_register(server.child.id(), stop_signal);
        Ok(server)
    }

    fn group(&self) -> Pid {
        Pid::from_raw(self.child.id() as i32)
    }

    fn try_wait(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// `stop_signal` to the group, SIGKILL after 10 s, and SIGKILL in any case so that no
    /// member of the group stays behind.
    fn stop(&mut self) -> Option<ExitStatus> {
        let mut status = self.try_wait();
        if status.is_none() {
            let _ = killpg(self.group(), self.stop_signal);
            let end = Instant::now() + Duration::from_secs(10);
            while status.is_none() && Instant::now() < end {
                std::thread::sleep(Duration::from_millis(20));
                status = self.try_wait();
            }
        }
        let _ = killpg(self.group(), Signal::SIGKILL);
        if status.is_none() {
            eprintln!("e2e: {} did not stop within 10 s; killed", self.name);
            status = self.child.wait().ok();
        }
        status
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The watchdog's stdin: it reads `SIGNAL GROUP` lines, and when the pipe closes (this
/// process exited, however it died) signals every group, then SIGKILLs them 5 s later.
static WATCHDOG: std::sync::Mutex<Option<(Child, ChildStdin)>> = std::sync::Mutex::new(None);
const WATCHDOG_SCRIPT: &str = r#"while read -r s g; do set -- "$@" "$s:$g"; done
for e; do kill -s "${e%%:*}" -- "-${e#*:}"; done 2>/dev/null; sleep 5
for e; do kill -s KILL -- "-${e#*:}"; done 2>/dev/null; exit 0"#;

fn watchdog_register(group: u32, signal: Signal) {
    let mut watchdog = WATCHDOG.lock().unwrap_or_else(|e| e.into_inner());
    if watchdog.is_none() {
        let mut command = Command::new("sh");
        command
            .args(["-c", WATCHDOG_SCRIPT])
            .stdin(Stdio::piped())
            .process_group(0);
        match command.spawn() {
            Ok(mut child) => *watchdog = child.stdin.take().map(|stdin| (child, stdin)),
            Err(e) => eprintln!("e2e: no watchdog ({e}): a killed run may leave servers behind"),
        }
    }
    if let Some((_, stdin)) = watchdog.as_mut() {
        let name = signal.as_str().trim_start_matches("SIG");
        let _ = writeln!(stdin, "{name} {group}");
    }
}

/// After an orderly stop: the watchdog has nothing left to do.
fn watchdog_dismiss() {
    if let Some((mut child, _)) = WATCHDOG.lock().unwrap_or_else(|e| e.into_inner()).take() {
        let _ = killpg(Pid::from_raw(child.id() as i32), Signal::SIGKILL);
        let _ = child.wait();
    }
}

/// Runs a command to completion (stdout and stderr inherited), within `timeout`.
fn run_command(name: &str, command: Command, timeout: Duration) -> Result<ExitStatus> {
    let mut child = Guarded::spawn(name, command, Signal::SIGTERM)?;
    let mut status = None;
    wait_until(name, timeout, || {
        status = child.try_wait();
        Ok(status.is_some())
    })?;
    Ok(status.expect("waited for it"))
}

/// Runs a command to completion within a minute, capturing its stdout.
fn run_capture(name: &str, mut command: Command) -> Result<(ExitStatus, String)> {
    command.stdout(Stdio::piped());
    let mut child = Guarded::spawn(name, command, Signal::SIGTERM)?;
    let mut stdout = child.child.stdout.take().context("stdout")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let mut status = None;
    wait_until(name, SHORT_TIMEOUT, || {
        status = child.try_wait();
        Ok(status.is_some())
    })?;
    let text = reader
        .join()
        .map_err(|_| anyhow::anyhow!("{name}: reader panicked"))??;
    Ok((status.expect("waited for it"), text))
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

// ---------------------------------------------------------------------------
// The session: temporary directory, PostgreSQL, Parse Server

struct Session {
    // Dropped in order: Parse Server, PostgreSQL, then the directory goes.
    parse: Option<Guarded>,
    postgres: Option<Guarded>,
    dir: PathBuf,
    keep: bool,
    /// PostgreSQL runs as `postgres` when we are root (initdb refuses root).
    run_as: Option<User>,
}

impl Session {
    fn new(keep: bool) -> Result<Session> {
        let run_as =
            match nix::unistd::geteuid().is_root() {
                true => Some(User::from_name("postgres")?.context(
                    "running as root, but there is no `postgres` user to run PostgreSQL",
                )?),
                false => None,
            };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .subsec_nanos();
        let dir =
            std::env::temp_dir().join(format!("{TEMP_PREFIX}{}-{nanos:x}", std::process::id()));
        fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))?;
        println!("e2e: temporary directory {}", dir.display());
        Ok(Session {
            parse: None,
            postgres: None,
            dir,
            keep,
            run_as,
        })
    }

    /// A directory (or log file) in the session, owned by PostgreSQL's user.
    fn pg_path(&self, name: &str, mode: Option<u32>) -> Result<PathBuf> {
        let path = self.dir.join(name);
        match mode {
            Some(mode) => {
                fs::create_dir(&path)?;
                fs::set_permissions(&path, fs::Permissions::from_mode(mode))?;
            }
            None => drop(fs::File::create(&path)?),
        }
        if let Some(user) = &self.run_as {
            chown(&path, Some(user.uid.as_raw()), Some(user.gid.as_raw()))?;
        }
        Ok(path)
    }

    fn pg_command(&self, program: &str, log: &str) -> Result<Command> {
        let log = fs::OpenOptions::new()
            .append(true)
            .open(self.pg_path(log, None)?)?;
        let mut command = Command::new(Path::new(PG_BIN).join(program));
        command
            .current_dir(&self.dir)
            .stdout(log.try_clone()?)
            .stderr(log)
            .env("LC_ALL", "C.UTF-8")
            .env_remove("PGDATA");
        if let Some(user) = &self.run_as {
            command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        }
        Ok(command)
    }

    fn start_postgres(&mut self) -> Result<u16> {
        let data = self.pg_path("pgdata", Some(0o700))?;
        let socket = self.pg_path("pgsocket", Some(0o755))?;
        let mut initdb = self.pg_command("initdb", "initdb.log")?;
        initdb.arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ]);
        let status = run_command("initdb", initdb, START_TIMEOUT)?;
        ensure!(
            status.success(),
            "initdb failed ({status}):\n{}",
            self.tail("initdb.log")
        );
        let port = free_port()?;
        let mut postgres = self.pg_command("postgres", "postgres.log")?;
        postgres.arg("-D").arg(&data).args([
            "-p",
            &port.to_string(),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
        ]);
        postgres.arg(format!("unix_socket_directories={}", socket.display()));
        postgres.args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]);
        // SIGINT: a fast shutdown; the watchdog's signal too.
        let mut server = Guarded::spawn_server("postgres", postgres, Signal::SIGINT)?;
        let ready = wait_until("PostgreSQL", START_TIMEOUT, || {
            ensure!(
                server.try_wait().is_none(),
                "postgres exited early:\n{}",
                self.tail("postgres.log")
            );
            Ok(self.psql_status(port, "postgres", "SELECT 1")?.success())
        });
        self.postgres = Some(server);
        ready.map(|()| port)
    }

    fn psql_status(&self, port: u16, database: &str, sql: &str) -> Result<ExitStatus> {
        let mut command = self.pg_command("psql", "psql.log")?;
        command.args([
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-U",
            "postgres",
            "-d",
            database,
            "-c",
            sql,
        ]);
        run_command("psql", command, SHORT_TIMEOUT)
    }

    fn psql(&self, port: u16, database: &str, sql: &str) -> Result<()> {
        let status = self.psql_status(port, database, sql)?;
        ensure!(
            status.success(),
            "psql {sql:?} failed ({status}):\n{}",
            self.tail("psql.log")
        );
        Ok(())
    }

    /// Starts one version's Parse Server on a fresh database; returns its port.
    fn start_parse_server(&mut self, version: &str, pg_port: u16, database: &str) -> Result<u16> {
        let work = self.dir.join(version);
        fs::create_dir_all(&work)?;
        let log = fs::File::create(work.join("parse-server.log"))?;
        let port = free_port()?;
        let e2e = root().join("tests/e2e");
        let mut command = Command::new("node");
        // Parse Server writes ./logs and ./files relative to its working directory.
        command
            .current_dir(&work)
            .arg(e2e.join("server.js"))
            .envs(KEYS)
            .stdout(log.try_clone()?)
            .stderr(log);
        command
            .env("NODE_PATH", e2e.join(version).join("node_modules"))
            .env("NODE_ENV", "production");
        command
            .env("PARSE_E2E_PORT", port.to_string())
            .env("PARSE_E2E_WORK_DIR", &work);
        command.env(
            "PARSE_E2E_DATABASE_URI",
            format!("postgres://postgres@127.0.0.1:{pg_port}/{database}"),
        );
        let mut server = Guarded::spawn_server("parse-server", command, Signal::SIGTERM)?;
        let ready = wait_until("Parse Server", START_TIMEOUT, || {
            ensure!(
                server.try_wait().is_none(),
                "parse-server exited early:\n{}",
                self.tail(&format!("{version}/parse-server.log"))
            );
            Ok(health_ok(port))
        });
        self.parse = Some(server);
        ready.map(|()| port)
    }

    fn stop_parse_server(&mut self) {
        self.parse.take();
    }

    fn tail(&self, log: &str) -> String {
        let text = fs::read_to_string(self.dir.join(log)).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..]
            .iter()
            .map(|l| format!("    {l}\n"))
            .collect()
    }

    fn print_logs(&self, version: &str) {
        for log in [
            "postgres.log".to_string(),
            format!("{version}/parse-server.log"),
        ] {
            eprintln!("e2e: last lines of {log}:\n{}", self.tail(&log));
        }
    }

    /// Stops both servers and removes the directory.
    fn stop(mut self) -> Result<()> {
        self.parse.take();
        let status = self
            .postgres
            .take()
            .and_then(|mut postgres| postgres.stop());
        watchdog_dismiss();
        println!("e2e: servers stopped");
        if self.keep {
            println!("e2e: kept {}", self.dir.display());
        } else {
            fs::remove_dir_all(&self.dir)
                .with_context(|| format!("cannot remove {}", self.dir.display()))?;
        }
        self.keep = true; // done: Drop has nothing left to remove
        ensure!(
            status.is_none_or(|s| s.success()),
            "postgres stopped with {status:?}"
        );
        Ok(())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.parse.take();
        self.postgres.take();
        if !self.keep {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// `GET /parse/health` answers 200 with `{"status":"ok"}` once the server is up.
fn health_ok(port: u16) -> bool {
    let Ok(mut stream) =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1))
    else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!(
        "GET /parse/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    let mut response = Vec::new();
    let _ = stream
        .write_all(request.as_bytes())
        .and_then(|()| stream.take(64 * 1024).read_to_end(&mut response));
    let response = String::from_utf8_lossy(&response);
    response.starts_with("HTTP/1.1 200") && response.contains("\"ok\"")
}

/// Removes temporary directories left by runs whose process no longer exists (SIGKILL).
fn remove_stale_temp_dirs() {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(TEMP_PREFIX)
            .and_then(|rest| rest.split('-').next()?.parse::<u32>().ok());
        if pid.is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists())
            && fs::remove_dir_all(entry.path()).is_ok()
        {
            println!("e2e: removed stale {}", entry.path().display());
        }
    }
}
