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
//!    SIGHUP; a watchdog (`sh`, reading a pipe from this process) stops the servers when
//!    this process dies without cleaning up (SIGKILL). Removes the temporary directory.
//!
//! Every wait is bounded. Servers listen on 127.0.0.1 only.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::{chown, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context as _, Result};
use nix::unistd::{geteuid, User};
use parse_error_codes::ErrorCode;

mod process;

use process::{check_interrupted, free_port, run_command, wait_until, Guarded, Signal};

use crate::server_truth::{self, Answer, Origin, Table, TABLE_PATH, VERSIONS};
use crate::{flags::E2e as Options, project_root};

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";
const POSTGIS_CONTROL: &str = "/usr/share/postgresql/15/extension/postgis.control";
const APT_PACKAGES: [&str; 2] = ["postgresql", "postgresql-15-postgis-3"];
const KEYS: [(&str, &str); 4] = [
    ("PARSE_APP_ID", "e2e-app-id"),
    ("PARSE_REST_KEY", "e2e-rest-key"),
    ("PARSE_MASTER_KEY", "e2e-master-key"),
    ("PARSE_MAINTENANCE_KEY", "e2e-maintenance-key"),
];
const TEMP_PREFIX: &str = "parse-error-codes-e2e-";
const INSTALL_TIMEOUT: Duration = Duration::from_secs(15 * 60);
const START_TIMEOUT: Duration = Duration::from_secs(90);
const TESTS_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// How long each part took, printed at the end.
#[derive(Default)]
struct Timings(Vec<(String, Duration)>);

impl Timings {
    fn time<T>(&mut self, part: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let started = Instant::now();
        let result = f();
        self.0.push((part.to_string(), started.elapsed()));
        result
    }
}

/// Runs the suite as `options` say: the entry point of `cargo xtask e2e`.
pub fn run(options: &Options) -> Result<()> {
    let versions: Vec<&str> = match (&options.server, options.serve) {
        (Some(v), _) if VERSIONS.contains(&v.as_str()) => vec![v],
        (Some(v), _) => bail!("unknown version {v:?}: expected one of {VERSIONS:?}"),
        (None, Some(_)) => vec![VERSIONS[VERSIONS.len() - 1]],
        (None, None) => VERSIONS.to_vec(),
    };
    process::install_interrupt_handler();
    remove_stale_temp_dirs();
    let mut timings = Timings::default();
    timings.time("PostgreSQL packages", ensure_postgres)?;
    for version in &versions {
        let part = format!("npm ci {version}");
        timings.time(&part, || ensure_node_modules(version))?;
    }
    if options.serve.is_none() {
        timings.time("cargo build", build_rust)?;
    }
    let mut session = Session::new(options.keep)?;
    let pg_port = timings.time("PostgreSQL start", || session.start_postgres())?;
    let mut closing = Vec::new();
    for version in versions {
        let started = Instant::now();
        let outcome = run_version(&mut session, pg_port, version, options, &mut timings);
        let took = started.elapsed().as_secs_f64();
        closing.push(match &outcome {
            Ok(summary) => format!("e2e: parse-server {version}: passed, {summary} ({took:.1} s)"),
            Err(e) => format!("e2e: parse-server {version}: FAILED ({took:.1} s): {e:#}"),
        });
        if outcome.is_err() {
            session.print_logs(version);
        }
        if check_interrupted().is_err() {
            break;
        }
    }
    drop(session);
    for (part, took) in &timings.0 {
        println!("e2e: took {:>6.1} s  {part}", took.as_secs_f64());
    }
    for line in &closing {
        println!("{}", line.lines().next().unwrap_or_default());
    }
    check_interrupted()?;
    let failed = closing.iter().filter(|l| l.contains("FAILED")).count();
    ensure!(failed == 0, "{failed} of {} versions failed", closing.len());
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
    session.psql(pg_port, &database, "CREATE EXTENSION postgis")?;
    let start = || session.start_parse_server(version, pg_port, &database);
    let port = timings.time(&format!("parse-server {version} start"), start)?;
    let url = format!("http://127.0.0.1:{port}");
    println!("e2e: parse-server {version} ready at {url}/parse (GraphQL at {url}/graphql)");
    let observed_path = session.dir.join(version).join("observed.tsv");
    // The raw bodies of odd shapes, as the server sent them: to reproduce a decoding
    // problem without a server.
    let bodies = project_root().join("target/e2e-bodies").join(version);
    let _ = fs::remove_dir_all(&bodies);
    let mut envs: Vec<(&str, String)> = KEYS.iter().map(|(k, v)| (*k, v.to_string())).collect();
    envs.extend([
        ("PARSE_SERVER_URL", format!("{url}/parse")),
        ("PARSE_GRAPHQL_URL", format!("{url}/graphql")),
        ("PARSE_E2E_VERSION", version.into()),
        ("PARSE_E2E_OBSERVED", observed_path.display().to_string()),
        ("PARSE_E2E_BODIES", bodies.display().to_string()),
    ]);
    envs.extend(options.bless.then(|| ("PARSE_E2E_BLESS", "1".to_string())));
    if let Some(duration) = options.serve.map(Duration::from_secs) {
        println!("e2e: serving for {duration:?}; stop with Ctrl-C. Environment for the tests:");
        envs.iter().for_each(|(k, v)| println!("export {k}={v}"));
        let _ = wait_until("serving", duration, || Ok(false));
        return Ok("served".into());
    }
    let mut problems = Vec::new();
    let tests = timings.time(&format!("tests {version}"), || {
        let mut command = cargo("test -p xtask --test e2e -- --ignored --test-threads=2");
        command.envs(envs.iter().cloned());
        run_command("cargo test --test e2e", command, TESTS_TIMEOUT)
    })?;
    if !tests.success() {
        problems.push(format!("the end-to-end tests failed ({tests})"));
    }
    let table = Table::load(&project_root())?;
    let observed = read_observed(&observed_path, version);
    // When blessing, the example's answers are compared with this run's.
    let expected = match (&observed, options.bless) {
        (Ok(observed), true) => Table::from_answers(observed.clone()),
        _ => table.clone(),
    };
    let output = session.dir.join(version).join("rest_client.txt");
    let example = || rest_client(&envs, version, &expected, &output);
    let example = timings.time(&format!("rest_client {version}"), example);
    problems.extend(example.err().map(|e| format!("{e:#}")));
    session.parse.take();
    let summary = match observed {
        Ok(observed) => {
            let bless = options.bless && problems.is_empty();
            problems.extend(compare(&table, &observed, version, bless)?);
            report(&observed, version)
        }
        Err(e) => {
            problems.push(format!("{e:#}"));
            "no answers".into()
        }
    };
    ensure!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(summary)
}

fn read_observed(path: &Path, version: &str) -> Result<Vec<Answer>> {
    let at = path.display().to_string();
    let text = fs::read_to_string(path).context(format!("cannot read {at}"))?;
    let answers = Table::parse(&text, &at)?.answers;
    let version_ok = answers.iter().all(|a| a.version == version);
    ensure!(version_ok, "{at}: answers of another version");
    Ok(answers)
}

/// Prints what the server itself answered, over which channels; returns the summary.
fn report(observed: &[Answer], version: &str) -> String {
    let run = Table::from_answers(observed.to_vec());
    let (documented, outside, channels) = run.sent(version);
    let summary = format!("answered by the server itself: {documented} codes");
    println!(
        "e2e: parse-server {version}: {summary} (of {})",
        server_truth::document().len()
    );
    let channels = channels.map(|(channel, n)| format!("{channel} ({n} codes)"));
    println!("e2e: channels: {}", channels.join(", "));
    println!("e2e: codes outside the document sent by the server: {outside:?}");
    let cloud = run.codes(version, Origin::Cloud, None);
    println!("e2e: passed through from Cloud Code: {cloud:?}");
    summary
}

/// Compares the run with the table, printing every difference, or blesses it; returns
/// the problems.
fn compare(table: &Table, observed: &[Answer], version: &str, bless: bool) -> Result<Vec<String>> {
    let (_, _, channels) = Table::from_answers(observed.to_vec()).sent(version);
    let silent = channels.iter().filter(|(_, codes)| *codes == 0);
    let mut problems: Vec<String> = (silent.map(|(channel, _)| {
        format!("no code came over {channel}: every channel must be provoked")
    }))
    .collect();
    if bless {
        let blessed = table.blessed(version, observed)?;
        let changed = server_truth::sync(&project_root(), &blessed, false)?;
        println!("e2e: --bless {version}: rewrote [{}]", changed.join(", "));
        problems.extend(blessed.problems());
        return Ok(problems);
    }
    let diff = table.diff(version, observed);
    println!("e2e: {version}: {} differences from the table", diff.len());
    diff.iter().for_each(|d| println!("  {d}"));
    if !diff.is_empty() {
        let (n, bless) = (diff.len(), server_truth::BLESS_COMMAND);
        problems.push(format!(
            "{n} answers differ from {TABLE_PATH}; if intended, run `{bless} --server {version}` \
             and review the diff of the table, README.md and src/server_truth.md"
        ));
    }
    Ok(problems)
}

/// The `rest_client` example on a few failing requests; each must print what `expected`
/// says the same request of the suite answers. Its stdout goes to `out`.
fn rest_client(envs: &[(&str, String)], version: &str, expected: &Table, out: &Path) -> Result<()> {
    // The request of the suite that asks the same, and the arguments, separated by spaces.
    let cases = [
        "objects: a missing object = GET /classes/GameScore/doesNotExist",
        "internal: a malformed where = GET /classes/GameScore where={not",
        "cloud: throwCustom = POST /functions/throwCustom {}",
        r#"users: log in with a wrong password = POST /login {"username":"nobody","password":"x"}"#,
    ];
    let mut failures = Vec::new();
    for case in cases {
        let (request, args) = case.split_once(" = ").expect("a request and arguments");
        let answer = expected.answer(version, request);
        let answer = answer.with_context(|| format!("no answer to {request:?}"))?;
        let code = ErrorCode::new(answer.code.context("a request with a code")?);
        let kinds: Vec<&str> = code.kinds().iter().map(|kind| kind.name()).collect();
        let mut kinds = kinds.join(", ");
        if kinds.is_empty() {
            kinds = "(not in the document)".into();
        }
        let http = format!("HTTP {}", answer.status.unwrap_or_default());
        let (code, kinds) = (format!("code: {}", code.get()), format!("kinds: {kinds}"));
        let needles = [http, code, kinds];
        let mut command = cargo("run --quiet -p xtask --example rest_client --");
        command.args(args.split(' ')).envs(envs.iter().cloned());
        command.stdout(fs::File::create(out)?);
        let status = run_command("rest_client", command, START_TIMEOUT)?;
        let stdout = fs::read_to_string(out)?;
        stdout.lines().for_each(|line| println!("    | {line}"));
        let lacks = |needle: &&String| !stdout.lines().any(|line| line == *needle);
        let lacks: Vec<&String> = needles.iter().filter(lacks).collect();
        if status.code() != Some(1) || !lacks.is_empty() {
            failures.push(format!("{args}: {status}, lacks {lacks:?}"));
        }
    }
    let (passed, total) = (cases.len() - failures.len(), cases.len());
    println!("e2e: rest_client: {passed} of {total} requests as expected");
    let failures = failures.join("\n  ");
    ensure!(failures.is_empty(), "the example misbehaved:\n  {failures}");
    Ok(())
}

/// `program` with these arguments, separated by spaces, in the project root.
fn command(program: impl AsRef<std::ffi::OsStr>, args: &str) -> Command {
    let mut command = Command::new(program);
    command.current_dir(project_root()).args(args.split(' '));
    command
}

/// `cargo` with these arguments, separated by spaces.
fn cargo(args: &str) -> Command {
    command(crate::cargo(), args)
}

/// Runs `command` (`what`, for messages) within `timeout`; fails unless it succeeds.
fn run_checked(what: &str, command: Command, timeout: Duration) -> Result<()> {
    let status = run_command(what, command, timeout)?;
    ensure!(status.success(), "{what} failed ({status})");
    Ok(())
}

fn build_rust() -> Result<()> {
    let tests = "test -p xtask --test e2e --no-run";
    for args in [tests, "build -p xtask --example rest_client"] {
        run_checked(&format!("cargo {args}"), cargo(args), TESTS_TIMEOUT)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Setup: packages

fn ensure_postgres() -> Result<()> {
    let binaries = ["initdb", "postgres", "psql"].map(|b| Path::new(PG_BIN).join(b));
    if binaries.iter().all(|b| b.exists()) && Path::new(POSTGIS_CONTROL).exists() {
        return Ok(());
    }
    let packages = APT_PACKAGES.join(" ");
    let why = format!("PostgreSQL 15 or PostGIS is missing: install {packages}");
    ensure!(geteuid().is_root(), "{why}, or run as root");
    println!("e2e: {why} with apt-get");
    let install = format!("-q -y --no-install-recommends install {packages}");
    for args in ["-q update", &install] {
        let mut apt = command("apt-get", args);
        apt.env("DEBIAN_FRONTEND", "noninteractive");
        run_checked(&format!("apt-get {args}"), apt, INSTALL_TIMEOUT)?;
    }
    let installed = Path::new(POSTGIS_CONTROL).exists();
    ensure!(installed, "no {POSTGIS_CONTROL} after apt-get");
    Ok(())
}

/// Runs `npm ci` in `tests/e2e/<version>/` unless its node_modules was installed from
/// exactly the committed lock file.
fn ensure_node_modules(version: &str) -> Result<()> {
    let dir = project_root().join("tests/e2e").join(version);
    let lock = fs::read(dir.join("package-lock.json")).context("no package-lock.json")?;
    let stamp = dir.join("node_modules/.parse-error-codes-e2e.lock");
    if fs::read(&stamp).is_ok_and(|installed| installed == lock) {
        return Ok(());
    }
    println!("e2e: installing parse-server {version} with npm ci");
    let mut npm = command("npm", "ci --ignore-scripts --no-audit --no-fund");
    npm.current_dir(&dir).arg("--loglevel=error");
    let what = format!("npm ci in {}", dir.display());
    run_checked(&what, npm, INSTALL_TIMEOUT)?;
    fs::write(&stamp, &lock).with_context(|| format!("cannot write {}", stamp.display()))
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
        let postgres = || User::from_name("postgres")?.context("root, but no `postgres` user");
        let run_as = geteuid().is_root().then(postgres).transpose()?;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
        let (pid, nanos) = (std::process::id(), nanos.subsec_nanos());
        let dir = std::env::temp_dir().join(format!("{TEMP_PREFIX}{pid}-{nanos:x}"));
        fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))?;
        println!("e2e: temporary directory {}", dir.display());
        let (parse, postgres) = (None, None);
        Ok(Session {
            parse,
            postgres,
            dir,
            keep,
            run_as,
        })
    }

    /// A directory (with `mode`) or log file in the session, owned by PostgreSQL's user.
    fn pg_path(&self, name: &str, mode: Option<u32>) -> Result<PathBuf> {
        let path = self.dir.join(name);
        match mode {
            Some(mode) => {
                fs::create_dir(&path)?;
                fs::set_permissions(&path, fs::Permissions::from_mode(mode))?;
            }
            None => drop(fs::File::options().create(true).append(true).open(&path)?),
        }
        if let Some(user) = &self.run_as {
            chown(&path, Some(user.uid.as_raw()), Some(user.gid.as_raw()))?;
        }
        Ok(path)
    }

    /// A PostgreSQL program that appends its output to `log`.
    fn pg_command(&self, program: &str, log: &str, args: &[&str]) -> Result<Command> {
        let mut command = Command::new(Path::new(PG_BIN).join(program));
        log_to(&mut command, &self.pg_path(log, None)?)?;
        command.current_dir(&self.dir).args(args);
        command.env("LC_ALL", "C.UTF-8").env_remove("PGDATA");
        if let Some(user) = &self.run_as {
            command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        }
        Ok(command)
    }

    /// Runs a PostgreSQL program; fails with the last lines of its log.
    fn pg_run(&self, program: &str, log: &str, args: &[&str]) -> Result<()> {
        let command = self.pg_command(program, log, args)?;
        let status = run_command(program, command, START_TIMEOUT)?;
        let tail = || self.tail(log);
        ensure!(status.success(), "{args:?} failed ({status}):\n{}", tail());
        Ok(())
    }

    fn start_postgres(&mut self) -> Result<u16> {
        let data = self.pg_path("pgdata", Some(0o700))?;
        let data = data.to_str().context("a temporary path not in UTF-8")?;
        let socket = self.pg_path("pgsocket", Some(0o755))?;
        let initdb = "-U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync -D";
        let mut initdb: Vec<&str> = initdb.split(' ').collect();
        initdb.push(data);
        self.pg_run("initdb", "initdb.log", &initdb)?;
        let port = free_port()?;
        let port_arg = port.to_string();
        let socket = format!("unix_socket_directories={}", socket.display());
        let listen = "listen_addresses=127.0.0.1";
        let mut args = vec!["-D", data, "-p", &port_arg];
        for setting in [listen, &socket, "fsync=off", "full_page_writes=off"] {
            args.extend(["-c", setting]);
        }
        let postgres = self.pg_command("postgres", "postgres.log", &args)?;
        // SIGINT: a fast shutdown (also the watchdog's signal).
        let postgres = Guarded::spawn_server("postgres", postgres, Signal::SIGINT)?;
        let ready = || self.psql(port, "postgres", "SELECT 1").is_ok();
        self.postgres = Some(self.wait_ready("postgres.log", postgres, ready)?);
        Ok(port)
    }

    fn psql(&self, port: u16, database: &str, sql: &str) -> Result<()> {
        let uri = format!("postgres://postgres@127.0.0.1:{port}/{database}");
        let args = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &uri, "-c", sql];
        self.pg_run("psql", "psql.log", &args)
    }

    /// Waits until a server is `ready`; fails early, with its log's tail, when it exits.
    fn wait_ready(
        &self,
        log: &str,
        mut server: Guarded,
        ready: impl Fn() -> bool,
    ) -> Result<Guarded> {
        let name = server.name.clone();
        wait_until(&name, START_TIMEOUT, || {
            let exited = server.try_wait().is_some();
            ensure!(!exited, "{name} exited:\n{}", self.tail(log));
            Ok(ready())
        })?;
        Ok(server)
    }

    /// Starts one version's Parse Server on a fresh database; returns its port.
    fn start_parse_server(&mut self, version: &str, pg_port: u16, database: &str) -> Result<u16> {
        let work = self.dir.join(version);
        fs::create_dir_all(&work)?;
        let (port, e2e) = (free_port()?, project_root().join("tests/e2e"));
        let uri = format!("postgres://postgres@127.0.0.1:{pg_port}/{database}");
        let mut command = Command::new("node");
        // Parse Server writes ./logs and ./files relative to its working directory.
        command.current_dir(&work).arg(e2e.join("server.js"));
        command.envs(KEYS).env("NODE_ENV", "production");
        command.env("NODE_PATH", e2e.join(version).join("node_modules"));
        command.env("PARSE_E2E_PORT", port.to_string());
        command.env("PARSE_E2E_DATABASE_URI", uri);
        command.env("PARSE_E2E_WORK_DIR", &work);
        let log = format!("{version}/parse-server.log");
        log_to(&mut command, &self.dir.join(&log))?;
        let server = Guarded::spawn_server("parse-server", command, Signal::SIGTERM)?;
        self.parse = Some(self.wait_ready(&log, server, || health_ok(port))?);
        Ok(port)
    }

    fn tail(&self, log: &str) -> String {
        let text = fs::read_to_string(self.dir.join(log)).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = &lines[lines.len().saturating_sub(40)..];
        tail.iter().map(|line| format!("    {line}\n")).collect()
    }

    fn print_logs(&self, version: &str) {
        let parse = format!("{version}/parse-server.log");
        for log in ["postgres.log", &parse] {
            eprintln!("e2e: last lines of {log}:\n{}", self.tail(log));
        }
    }
}

/// Appends the command's stdout and stderr to the file at `path`.
fn log_to(command: &mut Command, path: &Path) -> Result<()> {
    let log = fs::File::options().create(true).append(true).open(path)?;
    command.stdout(log.try_clone()?).stderr(log);
    Ok(())
}

/// Stops both servers (Parse Server first) and removes the directory, however the run ends.
impl Drop for Session {
    fn drop(&mut self) {
        self.parse.take();
        self.postgres.take();
        process::watchdog_dismiss();
        println!("e2e: servers stopped");
        if self.keep {
            println!("e2e: kept {}", self.dir.display());
        } else if let Err(e) = fs::remove_dir_all(&self.dir) {
            eprintln!("e2e: cannot remove {}: {e}", self.dir.display());
        }
    }
}

/// `GET /parse/health` answers 200 with `{"status":"ok"}` once the server is up.
fn health_ok(port: u16) -> bool {
    let address = ([127, 0, 0, 1], port).into();
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /parse/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    let mut response = String::new();
    let sent = stream.write_all(request.as_bytes());
    let _ = sent.and_then(|()| stream.read_to_string(&mut response));
    response.starts_with("HTTP/1.1 200") && response.contains("\"ok\"")
}

/// Removes temporary directories left by runs whose process no longer exists (SIGKILL).
fn remove_stale_temp_dirs() {
    let entries = fs::read_dir(std::env::temp_dir()).into_iter().flatten();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(TEMP_PREFIX)
            .and_then(|r| r.split('-').next());
        let stale = pid.is_some_and(|pid| !Path::new("/proc").join(pid).exists());
        if stale && fs::remove_dir_all(entry.path()).is_ok() {
            println!("e2e: removed stale {}", entry.path().display());
        }
    }
}
