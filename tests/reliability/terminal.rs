//! The console leaves the terminal as it found it when it panics or is
//! sent SIGTERM. The console runs in a real pseudo-terminal (openpty), so
//! this needs no terminal of its own and runs in CI.

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ENTER_ALT: &str = "\x1b[?1049h";
const LEAVE_ALT: &str = "\x1b[?1049l";

struct Pty {
    master: OwnedFd,
    slave: OwnedFd,
}

fn openpty() -> Pty {
    let (mut master, mut slave) = (0, 0);
    let ws = libc::winsize {
        ws_row: 24,
        ws_col: 80,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: out-pointers to live locals; null name and termios are allowed.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &ws,
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: openpty returned two fresh descriptors that we now own.
    unsafe {
        Pty {
            master: OwnedFd::from_raw_fd(master),
            slave: OwnedFd::from_raw_fd(slave),
        }
    }
}

/// Starts the demo console on the pty's slave side as its controlling
/// terminal, and collects everything it writes.
fn start_console(pty: &Pty, data: &std::path::Path, panic: bool) -> (Child, Arc<Mutex<Vec<u8>>>) {
    let slave = || Stdio::from(pty.slave.try_clone().unwrap());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_navsync"));
    cmd.env("LC_ALL", "C");
    cmd.arg("--data-dir")
        .arg(data)
        .args(["demo", "--scale", "tiny"]);
    cmd.env("NAVSYNC_CONFIG", data.join("absent.toml"))
        .env("TERM", "xterm-256color");
    if panic {
        cmd.env(navsync::ui::event_loop::PANIC_HOOK_ENV, "1");
    }
    cmd.stdin(slave()).stdout(slave()).stderr(slave());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = cmd.spawn().unwrap();
    let out = Arc::new(Mutex::new(Vec::new()));
    let sink = out.clone();
    let mut master = std::fs::File::from(pty.master.try_clone().unwrap());
    let mut answer = std::fs::File::from(pty.master.try_clone().unwrap());
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            // Answer cursor-position queries as a real terminal does.
            if buf[..n].windows(4).any(|w| w == b"\x1b[6n") {
                use std::io::Write;
                let _ = answer.write_all(b"\x1b[1;1R");
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    (child, out)
}

fn wait_for(out: &Arc<Mutex<Vec<u8>>>, what: &str, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if String::from_utf8_lossy(&out.lock().unwrap()).contains(what) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn wait_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(start.elapsed() < limit, "the console did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// True when the terminal is back in cooked mode (line editing and echo).
fn cooked(pty: &Pty) -> bool {
    // SAFETY: termios is plain data; tcgetattr fills it for a valid fd.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::tcgetattr(pty.slave.as_raw_fd(), &mut t) };
    assert_eq!(rc, 0);
    t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
}

#[test]
fn a_panic_in_the_console_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let pty = openpty();
    assert!(cooked(&pty), "a fresh pty starts cooked");
    let (mut child, out) = start_console(&pty, dir.path(), true);
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert!(
        wait_for(&out, "panicked", Duration::from_secs(5)),
        "no panic message"
    );
    let text = String::from_utf8_lossy(&out.lock().unwrap()).to_string();
    assert!(!status.success());
    let entered = text
        .find(ENTER_ALT)
        .expect("the console entered the alternate screen");
    let left = text
        .rfind(LEAVE_ALT)
        .expect("the alternate screen was left");
    let panicked = text.find("panicked").unwrap();
    assert!(
        entered < left && left < panicked,
        "the screen is restored before the panic message is printed: {text:?}"
    );
    assert!(cooked(&pty), "raw mode is off again");
}

#[test]
fn sigterm_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let pty = openpty();
    let (mut child, out) = start_console(&pty, dir.path(), false);
    assert!(
        wait_for(&out, ENTER_ALT, Duration::from_secs(60)),
        "the console never started"
    );
    assert!(
        wait_for(&out, "Connection", Duration::from_secs(30)),
        "the console never drew: {:?}",
        String::from_utf8_lossy(&out.lock().unwrap())
    );
    assert!(!cooked(&pty), "the console runs in raw mode");
    // SAFETY: plain kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    wait_exit(&mut child, Duration::from_secs(30));
    let text = String::from_utf8_lossy(&out.lock().unwrap()).to_string();
    assert!(
        text.rfind(LEAVE_ALT) > text.find(ENTER_ALT),
        "the alternate screen was left"
    );
    assert!(cooked(&pty), "raw mode is off again");
}
