//! `cargo xtask e2e`: the end-to-end run against a real Parse Server.
//!
//! 1. Ensures PostgreSQL 15 with PostGIS (Debian packages, installed with apt-get when
//!    missing) and the pinned Node dependencies of `tests/e2e` (`npm ci`).
//!    Then builds the end-to-end tests and the example, before any server starts.
//! 2. Starts a fresh PostgreSQL cluster in a temporary directory, on a free port of
//!    127.0.0.1, and Parse Server (`node tests/e2e/server.js`) on another.
//! 3. Runs the `#[ignore]`d tests of `xtask/tests/e2e.rs` and the `rest_client` example
//!    (`xtask/examples/rest_client.rs`) against it.
//! 4. Prints which of the document's codes the run observed.
//! 5. Stops everything it started, by process id (and process group), also on failure,
//!    SIGINT, SIGTERM or SIGHUP, and removes the temporary directory.
//!
//! Every wait is bounded. Servers listen on 127.0.0.1 only.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::CString;
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use crate::server_truth::{self, Channel, TABLE_PATH};

type Result<T, E = String> = std::result::Result<T, E>;

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";
const POSTGIS_CONTROL: &str = "/usr/share/postgresql/15/extension/postgis.control";
const APT_PACKAGES: &[&str] = &["postgresql", "postgresql-15-postgis-3"];
const APP_ID: &str = "e2e-app-id";
const REST_KEY: &str = "e2e-rest-key";
const MASTER_KEY: &str = "e2e-master-key";
const DATABASE: &str = "parse";
const TEMP_PREFIX: &str = "parse-error-codes-e2e-";
/// The fewest distinct document codes the server itself must answer in a run: all 41
/// that parse-server 8.6.94 can send (the others are client-only, legacy or never
/// thrown: see tests/snapshots/server-truth.tsv).
const MIN_PROVOKED: usize = 41;

const APT_TIMEOUT: Duration = Duration::from_secs(15 * 60);
const NPM_TIMEOUT: Duration = Duration::from_secs(10 * 60);
const PG_SETUP_TIMEOUT: Duration = Duration::from_secs(120);
const PG_READY_TIMEOUT: Duration = Duration::from_secs(60);
const PARSE_READY_TIMEOUT: Duration = Duration::from_secs(90);
const TESTS_TIMEOUT: Duration = Duration::from_secs(40 * 60);
const EXAMPLE_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// The signal that interrupted the run, or 0.
static INTERRUPTED: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(signal: libc::c_int) {
    INTERRUPTED.store(signal, Ordering::SeqCst);
}

fn install_signal_handlers() {
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

fn check_interrupted() -> Result<()> {
    match INTERRUPTED.load(Ordering::SeqCst) {
        0 => Ok(()),
        signal => Err(format!("interrupted by signal {signal}")),
    }
}

/// Sleeps in short steps, returning early with an error when the run is interrupted.
fn pause(duration: Duration) -> Result<()> {
    let end = Instant::now() + duration;
    while Instant::now() < end {
        check_interrupted()?;
        std::thread::sleep(Duration::from_millis(20).min(end - Instant::now()));
    }
    check_interrupted()
}

pub fn run(args: &[String]) -> Result<()> {
    let mut options = Options::default();
    for arg in args {
        match arg.as_str() {
            "--keep" => options.keep = true,
            "--bless" => options.bless = true,
            "--no-install" => options.no_install = true,
            "--serve" => options.serve = Some(Duration::from_secs(3600)),
            other if other.starts_with("--serve=") => {
                let seconds = other["--serve=".len()..]
                    .parse()
                    .map_err(|_| format!("e2e: bad number of seconds in {other:?}"))?;
                options.serve = Some(Duration::from_secs(seconds));
            }
            "-h" | "--help" => {
                println!("{}", USAGE);
                return Ok(());
            }
            other => return Err(format!("e2e: unknown argument {other:?}\n{USAGE}")),
        }
    }
    install_signal_handlers();
    let started = Instant::now();
    let result = run_all(&options);
    println!("e2e: finished in {:.1} s", started.elapsed().as_secs_f64());
    result
}

const USAGE: &str = "usage: cargo xtask e2e [--keep] [--no-install] [--bless]
  --keep        keep the temporary directory (logs, database) after the run
  --bless       rewrite the `sent` lines of tests/snapshots/server-truth.tsv from what
                the run observed (keeping the hand-written lines), and re-render the
                README section and src/server_truth.md; only when every test passed
  --no-install  never run apt-get; fail if PostgreSQL 15 or PostGIS is missing
  --serve[=S]   only start the servers, print their environment, and keep them up for
                S seconds (default 3600) or until interrupted; runs no tests";

#[derive(Default)]
struct Options {
    keep: bool,
    no_install: bool,
    bless: bool,
    serve: Option<Duration>,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn step(message: &str) {
    println!("e2e: {message}");
    let _ = std::io::stdout().flush();
}

fn run_all(options: &Options) -> Result<()> {
    let root = workspace_root();
    let e2e_dir = root.join("tests").join("e2e");
    remove_stale_temp_dirs();

    let t = Instant::now();
    ensure_postgres(options)?;
    let node = ensure_node()?;
    ensure_node_modules(&e2e_dir)?;
    println!("e2e: setup checked in {:.1} s", t.elapsed().as_secs_f64());
    if options.serve.is_none() {
        // Compile before any server starts: a build error fails fast, and the servers
        // never wait idle through a long compilation.
        build_rust(&root)?;
    }

    let mut session = Session::new(options.keep)?;
    let result = run_with_servers(&root, &e2e_dir, &node, &mut session, options);
    if result.is_err() {
        session.print_logs();
    }
    let stopped = session.stop();
    result.and(stopped)
}

fn run_with_servers(
    root: &Path,
    e2e_dir: &Path,
    node: &Path,
    session: &mut Session,
    options: &Options,
) -> Result<()> {
    let t = Instant::now();
    let pg_port = session.start_postgres()?;
    println!(
        "e2e: PostgreSQL ready on 127.0.0.1:{pg_port} in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let port = session.start_parse_server(node, e2e_dir, pg_port)?;
    let url = format!("http://127.0.0.1:{port}/parse");
    let graphql_url = format!("http://127.0.0.1:{port}/graphql");
    println!(
        "e2e: Parse Server ready at {url} (GraphQL at {graphql_url}) in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let observed = session.dir.join("observed-codes.txt");
    fs::write(&observed, "").map_err(|e| format!("cannot create {}: {e}", observed.display()))?;
    let bodies = session.dir.join("bodies");
    let envs = [
        ("PARSE_SERVER_URL", url.as_str()),
        ("PARSE_GRAPHQL_URL", graphql_url.as_str()),
        ("PARSE_APP_ID", APP_ID),
        ("PARSE_REST_KEY", REST_KEY),
        ("PARSE_MASTER_KEY", MASTER_KEY),
        (
            "PARSE_E2E_OBSERVED",
            observed.to_str().ok_or("temporary path is not UTF-8")?,
        ),
        (
            "PARSE_E2E_BODIES",
            bodies.to_str().ok_or("temporary path is not UTF-8")?,
        ),
    ];
    if let Some(duration) = options.serve {
        println!("e2e: serving for {duration:?}; stop with Ctrl-C. Environment for the tests:");
        for (name, value) in envs {
            println!("export {name}={value}");
        }
        let _ = std::io::stdout().flush();
        return match pause(duration) {
            Ok(()) => Ok(()),
            Err(_) => {
                println!("e2e: interrupted; stopping");
                Ok(())
            }
        };
    }
    let cargo = cargo();

    step("running the end-to-end tests");
    let mut tests = Command::new(&cargo);
    tests
        .current_dir(root)
        .args(["test", "--package", "xtask", "--test", "e2e", "--"])
        .args(["--ignored", "--test-threads=2"])
        .envs(envs);
    let status = run_command(
        "cargo test --package xtask --test e2e",
        tests,
        TESTS_TIMEOUT,
    )?;
    let tests_result = if status.success() {
        Ok(())
    } else {
        Err(format!("the end-to-end tests failed ({status})"))
    };

    step("running xtask/examples/rest_client.rs against the server");
    let example_result = run_rest_client(root, &cargo, &envs, &observed);
    let kept = keep_bodies(root, &bodies);

    let run_passed = tests_result.is_ok() && example_result.is_ok();
    let coverage_result = report_coverage(root, &observed, run_passed, options.bless);
    tests_result
        .and(example_result)
        .and(kept)
        .and(coverage_result)
}

/// Copies the raw bodies the tests kept (the odd shapes: batch items whose `error` is
/// not a Parse error, GraphQL envelopes) out of the temporary directory, to
/// `target/e2e-bodies/`, replacing an older copy: what a real server sent, to
/// reproduce a decoding problem without a server.
fn keep_bodies(root: &Path, bodies: &Path) -> Result<()> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        })
        .unwrap_or_else(|| root.join("target"));
    let kept = target.join("e2e-bodies");
    if kept.exists() {
        fs::remove_dir_all(&kept).map_err(|e| format!("cannot remove {}: {e}", kept.display()))?;
    }
    let Ok(entries) = fs::read_dir(bodies) else {
        println!("e2e: the tests kept no raw bodies");
        return Ok(());
    };
    fs::create_dir_all(&kept).map_err(|e| format!("cannot create {}: {e}", kept.display()))?;
    let mut count = 0;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", bodies.display()))?;
        let to = kept.join(entry.file_name());
        fs::copy(entry.path(), &to).map_err(|e| format!("cannot copy to {}: {e}", to.display()))?;
        count += usize::from(entry.path().extension().is_some_and(|e| e == "json"));
    }
    println!(
        "e2e: {count} raw bodies of odd shapes kept in {} (listed in index.tsv)",
        kept.display()
    );
    Ok(())
}

fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

fn build_rust(root: &Path) -> Result<()> {
    let t = Instant::now();
    step("building the end-to-end tests and the rest_client example");
    let builds: [(&str, &[&str]); 2] = [
        (
            "cargo test --package xtask --test e2e --no-run",
            &["test", "--package", "xtask", "--test", "e2e", "--no-run"],
        ),
        (
            "cargo build --package xtask --example rest_client",
            &["build", "--package", "xtask", "--example", "rest_client"],
        ),
    ];
    for (name, args) in builds {
        let mut command = Command::new(cargo());
        command.current_dir(root).args(args);
        let status = run_command(name, command, TESTS_TIMEOUT)?;
        if !status.success() {
            return Err(format!("{name} failed ({status})"));
        }
    }
    println!("e2e: built in {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

/// One request for the `rest_client` example.
struct RestClientCase {
    args: &'static [&'static str],
    /// The example's expected exit code.
    exit_code: i32,
    /// Lines its output must contain.
    needles: &'static [&'static str],
    /// Who chose the code (`server` or `cloud`), and the route, for the server-truth table.
    origin: &'static str,
    route: &'static str,
}

/// Runs the example for a few failing requests and checks what it prints.
fn run_rest_client(
    root: &Path,
    cargo: &std::ffi::OsStr,
    envs: &[(&str, &str)],
    observed: &Path,
) -> Result<()> {
    let cases = [
        RestClientCase {
            args: &["GET", "/classes/GameScore/doesNotExist"],
            exit_code: 1,
            needles: &["HTTP 404", "code: 101", "ObjectNotFound", "message: "],
            origin: "server",
            route: "GET /classes/:className/:objectId",
        },
        RestClientCase {
            args: &["GET", "/classes/GameScore", "where={not json"],
            exit_code: 1,
            needles: &["HTTP 500", "code: 1", "kinds: InternalServerError"],
            origin: "server",
            route: "GET /classes/:className",
        },
        RestClientCase {
            args: &["POST", "/functions/throwCustom", "{}"],
            exit_code: 1,
            needles: &["HTTP 400", "code: 9001", "kinds: (not in the document)"],
            origin: "cloud",
            route: "POST /functions/:functionName",
        },
        RestClientCase {
            args: &[
                "POST",
                "/login",
                r#"{"username":"nobody","password":"wrong"}"#,
            ],
            exit_code: 1,
            needles: &["HTTP 404", "code: 101", "UserInvalidLoginParams"],
            origin: "server",
            route: "POST /login",
        },
    ];
    let mut failures = Vec::new();
    for RestClientCase {
        args,
        exit_code: expected_code,
        needles,
        origin,
        route,
    } in &cases
    {
        let mut command = Command::new(cargo);
        command
            .current_dir(root)
            .args([
                "run",
                "--quiet",
                "--package",
                "xtask",
                "--example",
                "rest_client",
                "--",
            ])
            .args(*args)
            .envs(envs.iter().copied());
        let (status, stdout) = run_command_capture("rest_client", command, EXAMPLE_TIMEOUT)?;
        print!("{}", indent(&stdout, "    | "));
        let mut problems = Vec::new();
        if status.code() != Some(*expected_code) {
            problems.push(format!(
                "exit status {status}, expected code {expected_code}"
            ));
        }
        for needle in *needles {
            if !stdout.contains(needle) {
                problems.push(format!("output lacks {needle:?}"));
            }
        }
        let field = |prefix: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(prefix))
                .map(str::trim)
        };
        match (field("code: "), field("HTTP ")) {
            (Some(code), Some(http)) if problems.is_empty() => {
                append_observed(
                    observed,
                    &format!("{code}\t{origin}\tREST\t{http}\t{route}"),
                )?;
            }
            _ => failures.push(format!(
                "rest_client {}: {}",
                args.join(" "),
                problems.join("; ")
            )),
        }
    }
    if failures.is_empty() {
        println!("e2e: rest_client: {} requests as expected", cases.len());
        Ok(())
    } else {
        Err(format!(
            "the rest_client example misbehaved:\n  {}",
            failures.join("\n  ")
        ))
    }
}

/// Appends one line in the format of `xtask/tests/e2e.rs`'s `record`.
fn append_observed(path: &Path, line: &str) -> Result<()> {
    fs::OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut file| writeln!(file, "{line}"))
        .map_err(|e| format!("cannot record an observation in {}: {e}", path.display()))
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines().map(|l| format!("{prefix}{l}\n")).collect()
}

// ---------------------------------------------------------------------------
// Coverage report and the server-truth table

/// Reads what the run observed, prints the report, and compares it with the
/// server-truth table (or rewrites the table with `--bless`).
fn report_coverage(root: &Path, observed_file: &Path, run_passed: bool, bless: bool) -> Result<()> {
    let document = server_truth::Document::load(root)?;
    let table = server_truth::load_table(root)?;
    let text = fs::read_to_string(observed_file)
        .map_err(|e| format!("cannot read {}: {e}", observed_file.display()))?;
    let observed = server_truth::parse_observed(&text)?;
    print_report(&document, &table, &observed);

    let provoked: BTreeSet<i32> = observed
        .server
        .iter()
        .map(|o| o.code)
        .filter(|c| document.names.contains_key(c))
        .collect();
    let mut problems = Vec::new();
    if provoked.len() < MIN_PROVOKED {
        problems.push(format!(
            "the server itself answered only {} of the document's codes; at least {MIN_PROVOKED} are expected",
            provoked.len()
        ));
    }
    let channels: BTreeSet<Channel> = observed.server.iter().map(|o| o.channel).collect();
    for channel in Channel::ALL {
        if !channels.contains(&channel) {
            problems.push(format!(
                "no code came over {}: every channel must be provoked",
                channel.name()
            ));
        }
    }

    if bless {
        if !run_passed {
            problems.push(format!(
                "not blessing {TABLE_PATH}: the run failed, so its observations are incomplete"
            ));
        } else {
            let blessed = table.blessed(&observed.server);
            let rewrote_table = server_truth::write_table(root, &blessed)?;
            let rewrote = server_truth::write_renders(root, &blessed, &document)?;
            println!(
                "e2e: --bless: {}; {}",
                if rewrote_table {
                    format!("rewrote {TABLE_PATH}")
                } else {
                    format!("{TABLE_PATH} unchanged")
                },
                if rewrote.is_empty() {
                    "README.md and the doc page unchanged".to_string()
                } else {
                    format!("rewrote {}", rewrote.join(" and "))
                }
            );
            let left = blessed.problems(&document);
            if !left.is_empty() {
                problems.push(format!(
                    "{TABLE_PATH} needs a person now:\n  {}",
                    left.join("\n  ")
                ));
            }
        }
    } else {
        let diff = table.diff(&observed.server);
        if diff.is_empty() {
            println!(
                "e2e: the run matches {TABLE_PATH} ({} observations of {} codes)",
                observed.server.len(),
                observed
                    .server
                    .iter()
                    .map(|o| o.code)
                    .collect::<BTreeSet<_>>()
                    .len()
            );
        } else {
            problems.push(diff.explain(&document));
        }
    }
    println!();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

fn print_report(
    document: &server_truth::Document,
    table: &server_truth::Table,
    observed: &server_truth::Observed,
) {
    // code -> channels it came over, chosen by the server / by Cloud Code.
    let by_code = |set: &BTreeSet<server_truth::Observation>| {
        let mut map: BTreeMap<i32, BTreeSet<Channel>> = BTreeMap::new();
        for o in set {
            map.entry(o.code).or_default().insert(o.channel);
        }
        map
    };
    let server = by_code(&observed.server);
    let cloud = by_code(&observed.cloud);
    let channels_of = |code: i32| -> String {
        server[&code]
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let documented = |code: &i32| document.names.contains_key(code);
    let provoked: Vec<i32> = server.keys().copied().filter(documented).collect();
    let cloud_only: Vec<i32> = cloud
        .keys()
        .copied()
        .filter(|c| documented(c) && !server.contains_key(c))
        .collect();
    let missing: Vec<i32> = document
        .names
        .keys()
        .copied()
        .filter(|c| !server.contains_key(c))
        .collect();
    let outside: Vec<i32> = server.keys().copied().filter(|c| !documented(c)).collect();
    let passed_through: Vec<i32> = cloud.keys().copied().filter(|c| !documented(c)).collect();
    let list = |codes: &[i32]| {
        codes
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };

    println!();
    println!(
        "e2e: coverage of the document's {} codes",
        document.names.len()
    );
    println!(
        "e2e: answered by the server itself: {} codes",
        provoked.len()
    );
    for &code in &provoked {
        println!(
            "  {code:>4}  {:<28} {}",
            channels_of(code),
            document.names_of(code)
        );
    }
    let per_channel: Vec<String> = Channel::ALL
        .iter()
        .map(|channel| {
            let codes = server.values().filter(|set| set.contains(channel)).count();
            format!("{} ({codes} codes)", channel.name())
        })
        .collect();
    println!("e2e: channels: {}", per_channel.join(", "));
    if !cloud_only.is_empty() {
        println!(
            "e2e: seen only as thrown by Cloud Code: {} codes: {}",
            cloud_only.len(),
            list(&cloud_only)
        );
    }
    println!(
        "e2e: could not be provoked: {} codes (why, from {TABLE_PATH})",
        missing.len()
    );
    for &code in &missing {
        let why = table.not_sent.get(&code).map_or_else(
            || "the table says the server sends it: see the difference below".to_string(),
            server_truth::NotSent::describe,
        );
        println!("  {code:>4} {}: {why}", document.names_of(code));
    }
    println!(
        "e2e: codes outside the document sent by the server: {}",
        list(&outside)
    );
    println!(
        "e2e: codes outside the document passed through from Cloud Code: {}",
        list(&passed_through)
    );
}

// ---------------------------------------------------------------------------
// Setup: packages

fn ensure_postgres(options: &Options) -> Result<()> {
    let missing: Vec<&str> = ["initdb", "postgres", "psql", "pg_isready"]
        .into_iter()
        .filter(|b| !Path::new(PG_BIN).join(b).exists())
        .chain((!Path::new(POSTGIS_CONTROL).exists()).then_some("postgis"))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let what = format!(
        "PostgreSQL 15 / PostGIS is missing ({})",
        missing.join(", ")
    );
    if options.no_install {
        return Err(format!(
            "{what}; install the Debian packages {} (or run without --no-install as root)",
            APT_PACKAGES.join(" ")
        ));
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Err(format!(
            "{what}; run as root so that apt-get can install {}, or install them yourself",
            APT_PACKAGES.join(" ")
        ));
    }
    step(&format!(
        "{what}: installing {} with apt-get",
        APT_PACKAGES.join(" ")
    ));
    let t = Instant::now();
    let apt = |args: &[&str]| {
        let mut command = Command::new("apt-get");
        command
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .env("NEEDRESTART_MODE", "a");
        command
    };
    let status = run_command("apt-get update", apt(&["-q", "update"]), APT_TIMEOUT)?;
    if !status.success() {
        return Err(format!("apt-get update failed ({status})"));
    }
    let mut install_args = vec!["-q", "-y", "--no-install-recommends", "install"];
    install_args.extend_from_slice(APT_PACKAGES);
    let status = run_command("apt-get install", apt(&install_args), APT_TIMEOUT)?;
    if !status.success() {
        return Err(format!("apt-get install failed ({status})"));
    }
    if !Path::new(POSTGIS_CONTROL).exists() || !Path::new(PG_BIN).join("initdb").exists() {
        return Err(format!(
            "apt-get installed {} but {PG_BIN}/initdb or {POSTGIS_CONTROL} is still missing",
            APT_PACKAGES.join(" ")
        ));
    }
    println!("e2e: apt-get took {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

fn ensure_node() -> Result<PathBuf> {
    let node = find_in_path("node").ok_or(
        "Node.js is not installed (parse-server 8.6.94 needs node 20.18+ or 22.12+ and npm)",
    )?;
    let (status, version) = run_command_capture(
        "node --version",
        {
            let mut c = Command::new(&node);
            c.arg("--version");
            c
        },
        Duration::from_secs(30),
    )?;
    if !status.success() {
        return Err(format!("{} --version failed", node.display()));
    }
    let version = version.trim();
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if !matches!(major, 20 | 22 | 24) {
        return Err(format!(
            "Node.js {version} found; parse-server 8.6.94 supports node 20.18+, 22.12+ or 24.11+"
        ));
    }
    Ok(node)
}

fn find_in_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// Runs `npm ci` unless node_modules was installed from exactly the committed lock file.
fn ensure_node_modules(e2e_dir: &Path) -> Result<()> {
    let lock_path = e2e_dir.join("package-lock.json");
    let lock =
        fs::read(&lock_path).map_err(|e| format!("cannot read {}: {e}", lock_path.display()))?;
    let stamp = e2e_dir
        .join("node_modules")
        .join(".parse-error-codes-e2e.lock");
    if fs::read(&stamp).is_ok_and(|installed| installed == lock)
        && e2e_dir
            .join("node_modules/parse-server/package.json")
            .exists()
    {
        return Ok(());
    }
    let npm = find_in_path("npm").ok_or("npm is not installed")?;
    step("installing the pinned Node dependencies (npm ci)");
    let t = Instant::now();
    let mut command = Command::new(npm);
    command.current_dir(e2e_dir).args([
        "ci",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
    ]);
    let status = run_command("npm ci", command, NPM_TIMEOUT)?;
    if !status.success() {
        return Err(format!("npm ci failed in {} ({status})", e2e_dir.display()));
    }
    fs::write(&stamp, &lock).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    println!("e2e: npm ci took {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

// ---------------------------------------------------------------------------
// Processes

/// The user that runs PostgreSQL: `postgres` when we are root (initdb refuses root).
#[derive(Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
}

fn postgres_user() -> Result<Option<RunAs>> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    let name = CString::new("postgres").expect("no NUL");
    // SAFETY: getpwnam gets a valid C string; the result is read at once, before any
    // other call that could overwrite the static buffer.
    unsafe {
        let entry = libc::getpwnam(name.as_ptr());
        if entry.is_null() {
            return Err("running as root, but there is no `postgres` system user to run PostgreSQL (the Debian package creates it)".into());
        }
        Ok(Some(RunAs {
            uid: (*entry).pw_uid,
            gid: (*entry).pw_gid,
        }))
    }
}

/// Prepares a command to run in its own process group, to get `death_signal` when this
/// process dies, and optionally as another user.
fn isolate(command: &mut Command, death_signal: libc::c_int, run_as: Option<RunAs>) {
    if let Some(user) = run_as {
        command.uid(user.uid).gid(user.gid);
    }
    command.process_group(0).stdin(Stdio::null());
    // SAFETY: the closure runs between fork and exec and only makes async-signal-safe
    // system calls. std applies uid/gid before pre_exec closures, so the death signal
    // (which a credential change clears) is set after them.
    let parent = std::process::id() as libc::pid_t;
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(
                libc::PR_SET_PDEATHSIG,
                death_signal as libc::c_ulong,
                0,
                0,
                0,
            ) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died before prctl: then nobody would signal us.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
}

/// A child process that is stopped (its whole process group) when dropped.
struct Guarded {
    name: String,
    child: Child,
    /// The signal for an orderly stop, sent to the process itself.
    stop_signal: libc::c_int,
    grace: Duration,
}

impl Guarded {
    fn spawn(name: &str, mut command: Command, stop_signal: libc::c_int) -> Result<Guarded> {
        isolate(&mut command, libc::SIGKILL, None);
        Self::spawn_isolated(name, command, stop_signal)
    }

    fn spawn_isolated(
        name: &str,
        mut command: Command,
        stop_signal: libc::c_int,
    ) -> Result<Guarded> {
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        Ok(Guarded {
            name: name.to_string(),
            child,
            stop_signal,
            grace: Duration::from_secs(10),
        })
    }

    fn pid(&self) -> libc::pid_t {
        self.child.id() as libc::pid_t
    }

    fn try_wait(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Stops the process: `stop_signal` to it, then SIGKILL to its process group after the
    /// grace period, and SIGKILL to the group in any case to leave no stray member behind.
    fn stop(&mut self) -> Option<ExitStatus> {
        let pid = self.pid();
        let mut status = self.try_wait();
        if status.is_none() {
            // SAFETY: kill has no memory-safety preconditions; the pid is our own child,
            // not yet reaped, so it cannot have been reused.
            unsafe { libc::kill(pid, self.stop_signal) };
            let end = Instant::now() + self.grace;
            while status.is_none() && Instant::now() < end {
                std::thread::sleep(Duration::from_millis(20));
                status = self.try_wait();
            }
        }
        // SAFETY: as above; the process group id is the child's pid (process_group(0)).
        unsafe { libc::killpg(pid, libc::SIGKILL) };
        if status.is_none() {
            eprintln!(
                "e2e: {} (pid {pid}) did not stop within {:?}; killed",
                self.name, self.grace
            );
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

/// Runs a command to completion with a timeout (its process group is killed on timeout
/// or interruption); stdout and stderr are inherited.
fn run_command(name: &str, command: Command, timeout: Duration) -> Result<ExitStatus> {
    let mut child = Guarded::spawn(name, command, libc::SIGTERM)?;
    wait_child(&mut child, timeout)
}

/// Like [`run_command`], but captures stdout (stderr is inherited).
fn run_command_capture(
    name: &str,
    mut command: Command,
    timeout: Duration,
) -> Result<(ExitStatus, String)> {
    let path = std::env::temp_dir().join(format!(
        "{TEMP_PREFIX}{}-out-{}",
        std::process::id(),
        NEXT_ID.fetch_add(1, Ordering::SeqCst)
    ));
    let file =
        fs::File::create(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    command.stdout(file);
    let result = run_command(name, command, timeout);
    let output = fs::read_to_string(&path).unwrap_or_default();
    let _ = fs::remove_file(&path);
    Ok((result?, output))
}

static NEXT_ID: AtomicI32 = AtomicI32::new(0);

fn wait_child(child: &mut Guarded, timeout: Duration) -> Result<ExitStatus> {
    let end = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait() {
            return Ok(status);
        }
        if let Err(e) = check_interrupted() {
            child.stop();
            return Err(format!("{}: {e}", child.name));
        }
        if Instant::now() >= end {
            child.stop();
            return Err(format!(
                "{} did not finish within {timeout:?}; stopped",
                child.name
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn free_port() -> Result<u16> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot bind 127.0.0.1:0: {e}"))?;
    let port = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound port: {e}"))?
        .port();
    Ok(port)
}

// ---------------------------------------------------------------------------
// The session: temporary directory, PostgreSQL, Parse Server

struct Session {
    // Fields drop in order: Parse Server first, then PostgreSQL, then the directory.
    parse: Option<Guarded>,
    postgres: Option<Guarded>,
    dir: PathBuf,
    keep: bool,
    run_as: Option<RunAs>,
}

impl Session {
    fn new(keep: bool) -> Result<Session> {
        let run_as = postgres_user()?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir =
            std::env::temp_dir().join(format!("{TEMP_PREFIX}{}-{nanos:x}", std::process::id()));
        fs::create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let session = Session {
            parse: None,
            postgres: None,
            dir,
            keep,
            run_as,
        };
        // Readable by the postgres user (it needs to reach its own subdirectories).
        fs::set_permissions(&session.dir, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("cannot chmod {}: {e}", session.dir.display()))?;
        println!("e2e: temporary directory {}", session.dir.display());
        Ok(session)
    }

    fn make_pg_dir(&self, name: &str, mode: u32) -> Result<PathBuf> {
        let path = self.dir.join(name);
        fs::create_dir(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        fs::set_permissions(&path, fs::Permissions::from_mode(mode))
            .map_err(|e| format!("cannot chmod {}: {e}", path.display()))?;
        if let Some(user) = self.run_as {
            std::os::unix::fs::chown(&path, Some(user.uid), Some(user.gid))
                .map_err(|e| format!("cannot chown {} to postgres: {e}", path.display()))?;
        }
        Ok(path)
    }

    fn log_file(&self, name: &str) -> Result<fs::File> {
        let path = self.dir.join(name);
        let file = fs::File::create(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        if let Some(user) = self.run_as {
            let _ = std::os::unix::fs::chown(&path, Some(user.uid), Some(user.gid));
        }
        Ok(file)
    }

    fn pg_command(&self, program: &str, log: &str) -> Result<Command> {
        let mut command = Command::new(Path::new(PG_BIN).join(program));
        let out = self.log_file(log)?;
        let err = out
            .try_clone()
            .map_err(|e| format!("cannot dup a log file: {e}"))?;
        command
            .current_dir(&self.dir)
            .stdout(out)
            .stderr(err)
            .env("LC_ALL", "C.UTF-8")
            .env_remove("PGDATA");
        Ok(command)
    }

    fn pg_run(&self, program: &str, args: &[&str], log: &str) -> Result<()> {
        let mut command = self.pg_command(program, log)?;
        command.args(args);
        isolate(&mut command, libc::SIGKILL, self.run_as);
        let mut child = Guarded::spawn_isolated(program, command, libc::SIGTERM)?;
        let status = wait_child(&mut child, PG_SETUP_TIMEOUT)?;
        if status.success() {
            Ok(())
        } else {
            let text = fs::read_to_string(self.dir.join(log)).unwrap_or_default();
            Err(format!(
                "{program} {} failed ({status}):\n{}",
                args.join(" "),
                indent(&text, "    ")
            ))
        }
    }

    fn start_postgres(&mut self) -> Result<u16> {
        let data = self.make_pg_dir("pgdata", 0o700)?;
        let socket = self.make_pg_dir("pgsocket", 0o755)?;
        let data = data
            .to_str()
            .ok_or("temporary path is not UTF-8")?
            .to_string();
        let socket = socket
            .to_str()
            .ok_or("temporary path is not UTF-8")?
            .to_string();

        step("initdb (fresh cluster)");
        self.pg_run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            "initdb.log",
        )?;

        // A free port can be taken between our probe and postgres's bind: try a few.
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_port()?;
            let mut command = self.pg_command("postgres", "postgres.log")?;
            let port_text = port.to_string();
            command.args([
                "-D",
                &data,
                "-p",
                &port_text,
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                &format!("unix_socket_directories={socket}"),
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=100",
            ]);
            // SIGQUIT on our death: immediate shutdown, the postmaster takes its backends along.
            isolate(&mut command, libc::SIGQUIT, self.run_as);
            // SIGINT: fast shutdown.
            let mut postgres = Guarded::spawn_isolated("postgres", command, libc::SIGINT)?;
            let started = wait_until(PG_READY_TIMEOUT, || {
                if let Some(status) = postgres.try_wait() {
                    return Err(format!("postgres exited early ({status})"));
                }
                Ok(self.pg_ready(port))
            });
            match started {
                Ok(()) => {
                    self.postgres = Some(postgres);
                    self.psql(port, "postgres", &format!("CREATE DATABASE {DATABASE}"))?;
                    self.psql(port, DATABASE, "CREATE EXTENSION IF NOT EXISTS postgis")?;
                    return Ok(port);
                }
                Err(e) => {
                    postgres.stop();
                    check_interrupted()?;
                    last_error = e;
                }
            }
        }
        let log = fs::read_to_string(self.dir.join("postgres.log")).unwrap_or_default();
        Err(format!(
            "PostgreSQL did not start: {last_error}\n{}",
            indent(&log, "    ")
        ))
    }

    fn pg_ready(&self, port: u16) -> bool {
        let mut command = Command::new(Path::new(PG_BIN).join("pg_isready"));
        command
            .args([
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-d",
                "postgres",
                "-U",
                "postgres",
                "-t",
                "2",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        matches!(run_command("pg_isready", command, Duration::from_secs(10)), Ok(s) if s.success())
    }

    fn psql(&self, port: u16, database: &str, sql: &str) -> Result<()> {
        let log = "psql.log";
        let mut command = self.pg_command("psql", log)?;
        command.args([
            "-X",
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
        let status = run_command("psql", command, PG_SETUP_TIMEOUT)?;
        if status.success() {
            Ok(())
        } else {
            let text = fs::read_to_string(self.dir.join(log)).unwrap_or_default();
            Err(format!(
                "psql {sql:?} failed ({status}):\n{}",
                indent(&text, "    ")
            ))
        }
    }

    /// Starts Parse Server; returns its port.
    fn start_parse_server(&mut self, node: &Path, e2e_dir: &Path, pg_port: u16) -> Result<u16> {
        let work = self.dir.join("parse");
        fs::create_dir(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
        let database_uri = format!("postgres://postgres@127.0.0.1:{pg_port}/{DATABASE}");
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_port()?;
            let out = self.log_file("parse-server.log")?;
            let err = out
                .try_clone()
                .map_err(|e| format!("cannot dup a log file: {e}"))?;
            let mut command = Command::new(node);
            // Parse Server writes ./logs and ./files relative to its working directory.
            command
                .current_dir(&work)
                .arg(e2e_dir.join("server.js"))
                .env("PARSE_E2E_PORT", port.to_string())
                .env("PARSE_E2E_DATABASE_URI", &database_uri)
                .env("PARSE_E2E_WORK_DIR", &work)
                .env("PARSE_APP_ID", APP_ID)
                .env("PARSE_REST_KEY", REST_KEY)
                .env("PARSE_MASTER_KEY", MASTER_KEY)
                .env("NODE_ENV", "production")
                .stdout(out)
                .stderr(err);
            let mut parse = Guarded::spawn("parse-server", command, libc::SIGTERM)?;
            parse.grace = Duration::from_secs(5);
            let started = wait_until(PARSE_READY_TIMEOUT, || {
                if let Some(status) = parse.try_wait() {
                    return Err(format!("parse-server exited early ({status})"));
                }
                Ok(health_ok(port))
            });
            match started {
                Ok(()) => {
                    self.parse = Some(parse);
                    return Ok(port);
                }
                Err(e) => {
                    parse.stop();
                    check_interrupted()?;
                    last_error = e;
                }
            }
        }
        let log = fs::read_to_string(self.dir.join("parse-server.log")).unwrap_or_default();
        Err(format!(
            "Parse Server did not start: {last_error}\n{}",
            indent(&log, "    ")
        ))
    }

    fn print_logs(&self) {
        for name in ["postgres.log", "parse-server.log"] {
            let path = self.dir.join(name);
            if let Ok(text) = fs::read_to_string(&path) {
                let lines: Vec<&str> = text.lines().collect();
                let tail = &lines[lines.len().saturating_sub(40)..];
                eprintln!("e2e: last lines of {name}:");
                for line in tail {
                    eprintln!("    {line}");
                }
            }
        }
    }

    /// Stops both servers and removes the directory; reports what went wrong.
    fn stop(mut self) -> Result<()> {
        let mut problems = Vec::new();
        if let Some(mut parse) = self.parse.take() {
            parse.stop();
        }
        if let Some(mut postgres) = self.postgres.take() {
            if let Some(status) = postgres.stop() {
                if !status.success() {
                    problems.push(format!("postgres stopped with {status}"));
                }
            }
        }
        println!("e2e: servers stopped");
        if self.keep {
            println!("e2e: kept {}", self.dir.display());
        } else if let Err(e) = fs::remove_dir_all(&self.dir) {
            problems.push(format!("cannot remove {}: {e}", self.dir.display()));
        }
        self.keep = true; // already handled; Drop does nothing more
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Stop the servers before removing their directory.
        self.parse.take();
        self.postgres.take();
        if !self.keep {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Polls `ready` with short sleeps until it returns true, fails, or `timeout` passes.
fn wait_until(timeout: Duration, mut ready: impl FnMut() -> Result<bool>) -> Result<()> {
    let end = Instant::now() + timeout;
    loop {
        if ready()? {
            return Ok(());
        }
        if Instant::now() >= end {
            return Err(format!("not ready within {timeout:?}"));
        }
        pause(Duration::from_millis(250))?;
    }
}

/// `GET /parse/health` answers 200 with `{"status":"ok"}` once the server is up.
fn health_ok(port: u16) -> bool {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    let request = format!(
        "GET /parse/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = Vec::new();
    let _ = stream.take(64 * 1024).read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response);
    response.starts_with("HTTP/1.1 200") && response.contains("\"ok\"")
}

/// Removes temporary directories left by runs whose process no longer exists
/// (for example after SIGKILL, which no handler can catch).
fn remove_stale_temp_dirs() {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMP_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let path = entry.path();
            let removed = if path.is_dir() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            };
            if removed.is_ok() {
                println!("e2e: removed stale {}", path.display());
            }
        }
    }
}
