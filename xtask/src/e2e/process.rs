//! Child processes of `cargo xtask e2e`, supervised without `unsafe`: each leads its own
//! process group (std's `process_group`), is stopped by group (`nix`'s `killpg`) when
//! dropped, and every wait is bounded and ends early on Ctrl-C, SIGTERM or SIGHUP (`ctrlc`).
//! Servers are also registered with a watchdog, a `sh` that reads a pipe from this process
//! and stops them when the pipe closes: when this process dies without cleaning up (SIGKILL).

use std::io::Write;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context as _, Result};
use nix::sys::signal::killpg;
pub use nix::sys::signal::Signal;
use nix::unistd::Pid;

/// Stops every wait at the next poll once Ctrl-C, SIGTERM or SIGHUP arrived.
pub fn install_interrupt_handler() {
    // A second handler is refused (a run inside a test); the first one still stops us.
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

pub fn check_interrupted() -> Result<()> {
    ensure!(!INTERRUPTED.load(Ordering::SeqCst), "interrupted");
    Ok(())
}

/// Polls `done` every 100 ms until it says yes, fails, or `timeout` passes.
pub fn wait_until(
    what: &str,
    timeout: Duration,
    mut done: impl FnMut() -> Result<bool>,
) -> Result<()> {
    let end = Instant::now() + timeout;
    while !done()? {
        check_interrupted()?;
        ensure!(Instant::now() < end, "{what}: not done within {timeout:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// A child process whose whole group is stopped when dropped.
pub struct Guarded {
    pub name: String,
    child: Child,
    stop: Signal,
}

impl Guarded {
    pub fn spawn(name: &str, mut command: Command, stop: Signal) -> Result<Guarded> {
        command.process_group(0).stdin(Stdio::null());
        let child = command.spawn().context(format!("cannot start {name}"))?;
        let name = name.into();
        Ok(Guarded { name, child, stop })
    }

    /// A server: also stopped by the watchdog if this process dies without cleaning up.
    pub fn spawn_server(name: &str, command: Command, stop: Signal) -> Result<Guarded> {
        let server = Guarded::spawn(name, command, stop)?;
        watchdog_register(server.child.id(), stop);
        Ok(server)
    }

    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
}

/// `stop` to the group, SIGKILL after 10 s, and SIGKILL in any case so that no member of
/// the group stays behind.
impl Drop for Guarded {
    fn drop(&mut self) {
        let group = Pid::from_raw(self.child.id() as i32);
        if self.try_wait().is_none() {
            let _ = killpg(group, self.stop);
            let name = self.name.clone();
            let _ = wait_until(&name, Duration::from_secs(10), || {
                Ok(self.try_wait().is_some())
            });
        }
        let _ = killpg(group, Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

/// The watchdog's stdin: it reads `SIGNAL GROUP` lines, and when the pipe closes (this
/// process exited, however it died) signals every group, then SIGKILLs them 5 s later.
static WATCHDOG: Mutex<Option<(Child, ChildStdin)>> = Mutex::new(None);
const WATCHDOG_SCRIPT: &str = r#"while read -r s g; do set -- "$@" "$s:$g"; done
for e; do kill -s "${e%%:*}" -- "-${e#*:}"; done 2>/dev/null; sleep 5
for e; do kill -s KILL -- "-${e#*:}"; done 2>/dev/null; exit 0"#;

fn watchdog_register(group: u32, signal: Signal) {
    let mut watchdog = WATCHDOG.lock().unwrap_or_else(|e| e.into_inner());
    if watchdog.is_none() {
        let mut command = Command::new("sh");
        command.args(["-c", WATCHDOG_SCRIPT]).process_group(0);
        command.stdin(Stdio::piped());
        match command.spawn() {
            Ok(mut child) => *watchdog = child.stdin.take().map(|stdin| (child, stdin)),
            Err(e) => eprintln!("e2e: no watchdog ({e}): a killed run may leave servers behind"),
        }
    }
    if let Some((_, stdin)) = watchdog.as_mut() {
        let signal = signal.as_str().trim_start_matches("SIG");
        let _ = writeln!(stdin, "{signal} {group}");
    }
}

/// After an orderly stop: the watchdog has nothing left to do.
pub fn watchdog_dismiss() {
    if let Some((mut child, _)) = WATCHDOG.lock().unwrap_or_else(|e| e.into_inner()).take() {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Runs a command to completion within `timeout`.
pub fn run_command(name: &str, command: Command, timeout: Duration) -> Result<ExitStatus> {
    let mut child = Guarded::spawn(name, command, Signal::SIGTERM)?;
    let mut status = None;
    wait_until(name, timeout, || {
        status = child.try_wait();
        Ok(status.is_some())
    })?;
    status.context("no exit status")
}

pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
