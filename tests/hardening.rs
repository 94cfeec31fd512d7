//! navsync on a host other people use, tried as a hostile or careless
//! local user would (issue 22): each attack is refused or absorbed, and
//! the engine keeps answering `status` meanwhile. Timeouts here are
//! guards against a hang, never speed targets.

// Shared with tests/reliability; this binary uses a part of it.
#[allow(dead_code)]
#[path = "reliability/child.rs"]
mod child;
#[path = "hardening/config.rs"]
mod config;
#[path = "hardening/data_dir.rs"]
mod data_dir;
#[path = "hardening/dry_run.rs"]
mod dry_run;
#[path = "hardening/import.rs"]
mod import;
#[path = "hardening/injection.rs"]
mod injection;
#[path = "hardening/prepare.rs"]
mod prepare;
#[path = "hardening/socket.rs"]
mod socket;
mod support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use child::CrashWorld;

/// How long a step may take before the test calls it a hang.
const GUARD: Duration = Duration::from_secs(60);

/// `navsync serve` on the world's data dir, once it listens; `setup`
/// adjusts the command (limits, stderr).
fn serve(w: &CrashWorld, setup: impl FnOnce(&mut Command)) -> Child {
    let mut cmd = w.navsync();
    cmd.arg("serve").stdout(Stdio::null()).stderr(Stdio::null());
    setup(&mut cmd);
    let mut child = cmd.spawn().unwrap();
    let socket = navsync::service::socket_file(&w.data);
    let start = Instant::now();
    while std::os::unix::net::UnixStream::connect(&socket).is_err() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the service exited before listening: {status}");
        }
        assert!(start.elapsed() < GUARD, "the service never listened");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

/// Runs `cmd` to its end, its output captured, killing it if it hangs
/// past [`GUARD`].
fn finish(mut cmd: Command) -> std::process::Output {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(GUARD) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            signal(pid, libc::SIGKILL);
            panic!("{cmd:?} hung");
        }
    }
}

/// `navsync status --json` answered by the running engine (its `engine`
/// field is the engine's live view, `null` when it could not be asked).
fn engine_answers_status(w: &CrashWorld) {
    let out = finish({
        let mut c = w.navsync();
        c.args(["status", "--json"]);
        c
    });
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "status --json: {e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(
        json["engine"].is_object(),
        "the engine did not answer status: {json}"
    );
}

/// Peak resident memory of a process, from the kernel (`VmHWM`).
fn peak_rss_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status");
    kb * 1024
}

fn signal(pid: u32, sig: i32) {
    // SAFETY: signalling a child process of this test.
    unsafe { libc::kill(pid as i32, sig) };
}

/// Waits for `child` to exit by itself, within [`GUARD`].
fn exits(child: &mut Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if start.elapsed() > GUARD {
            let _ = child.kill();
            panic!("the process did not exit");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// `navsync seats enable` of the first seat: a command that needs the
/// engine (it writes), so it works only if the engine takes it.
fn seats_enable(w: &CrashWorld) {
    let store = navsync::store::Store::open_readonly(&navsync::paths::store_file(&w.data)).unwrap();
    let seat = navsync::store::seats::list(store.conn()).unwrap()[0]
        .member_id
        .clone();
    drop(store);
    let out = finish({
        let mut c = w.navsync();
        c.args(["seats", "enable", &seat]);
        c
    });
    child::succeeded(out);
}
