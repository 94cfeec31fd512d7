//! The engine's socket under floods from a local user of the same uid: a
//! line without end, and thousands of idle connections under the usual
//! 1,024 file descriptors. `serve` stays small and keeps answering.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;

use crate::child::CrashWorld;

const MB: usize = 1 << 20;

/// Writes a 100 MB line (after a hello when `greet`); returns how much
/// the engine took before it cut the connection.
fn hundred_mb_line(socket: &std::path::Path, greet: bool) -> usize {
    let mut s = UnixStream::connect(socket).unwrap();
    if greet {
        let hello = serde_json::json!({
            "type": "hello",
            "protocol": navsync::service::protocol::PROTOCOL,
            "client": "flood",
        });
        writeln!(s, "{hello}").unwrap();
        let mut answer = String::new();
        BufReader::new(&s).read_line(&mut answer).unwrap();
        assert!(answer.contains("\"hello\""), "{answer}");
    }
    let chunk = vec![b'x'; MB];
    let mut sent = 0;
    while sent < 100 * MB {
        match s.write(&chunk) {
            Ok(n) => sent += n,
            Err(_) => break,
        }
    }
    sent
}

#[test]
fn a_100_mb_line_and_3000_idle_connections_leave_serve_under_200_mb_and_answering() {
    let w = CrashWorld::connected(23, 0);
    let mut service = crate::serve(&w, |c| {
        // SAFETY: only async-signal-safe setrlimit between fork and exec.
        unsafe {
            c.pre_exec(|| {
                let limit = libc::rlimit {
                    rlim_cur: 1024,
                    rlim_max: 1024,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    });
    let socket = navsync::service::socket_file(&w.data);

    // One line without end, before and after the hello, while `status` asks.
    let flood = {
        let socket = socket.clone();
        std::thread::spawn(move || {
            [
                hundred_mb_line(&socket, false),
                hundred_mb_line(&socket, true),
            ]
        })
    };
    crate::engine_answers_status(&w);
    for taken in flood.join().unwrap() {
        assert!(taken < 8 * MB, "the engine read {taken} bytes of one line");
    }
    crate::engine_answers_status(&w);

    // 3,000 idle connections, none saying hello.
    let idle: Vec<UnixStream> = (0..3000)
        .map(|_| UnixStream::connect(&socket).unwrap())
        .collect();
    crate::engine_answers_status(&w);
    crate::seats_enable(&w);
    drop(idle);

    let peak = crate::peak_rss_bytes(service.id());
    assert!(
        peak < 200 * MB as u64,
        "serve peaked at {} MB",
        peak / MB as u64
    );
    crate::signal(service.id(), libc::SIGTERM);
    assert!(crate::exits(&mut service).success());
}

/// Open file descriptors of a process.
fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

/// Starts a TCP connection to 127.0.0.1:`port` without waiting for it to
/// be accepted (past the listen backlog the kernel keeps retrying), and
/// keeps it open, idle, as a flood would.
fn idle_tcp(port: u16) -> std::os::fd::OwnedFd {
    use std::os::fd::FromRawFd;
    // SAFETY: plain socket calls on a descriptor this function owns.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_NONBLOCK, 0);
        assert!(fd >= 0, "{}", std::io::Error::last_os_error());
        let owned = std::os::fd::OwnedFd::from_raw_fd(fd);
        let addr = libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: port.to_be(),
            sin_addr: libc::in_addr {
                s_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be(),
            },
            sin_zero: [0; 8],
        };
        let r = libc::connect(
            fd,
            (&addr as *const libc::sockaddr_in).cast(),
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        );
        let e = std::io::Error::last_os_error();
        assert!(
            r == 0 || e.raw_os_error() == Some(libc::EINPROGRESS),
            "connect: {e}"
        );
        owned
    }
}

#[test]
fn a_thousand_idle_metrics_connections_neither_exhaust_files_nor_silence_the_engine() {
    let w = CrashWorld::connected(26, 0);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut service = crate::serve(&w, |c| {
        c.args(["--metrics", &addr]);
        // SAFETY: only async-signal-safe setrlimit between fork and exec.
        unsafe {
            c.pre_exec(|| {
                let limit = libc::rlimit {
                    rlim_cur: 1024,
                    rlim_max: 1024,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    });
    // 1,100 connections: more than the service may open files.
    let idle: Vec<_> = (0..1100).map(|_| idle_tcp(port)).collect();
    crate::engine_answers_status(&w);
    crate::seats_enable(&w);
    let fds = open_fds(service.id());
    assert!(fds < 512, "serve holds {fds} files");
    drop(idle);
    crate::signal(service.id(), libc::SIGTERM);
    assert!(crate::exits(&mut service).success());
}

/// Runs as root only: it needs a second uid to serve the socket.
#[test]
fn a_socket_served_by_another_uid_is_not_talked_to() {
    // SAFETY: reads this process's effective uid.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("needs root to start an engine as another uid; not run");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    const NOBODY: u32 = 65534;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let cfg = tmp.path().join("config.toml");
    std::fs::write(
        &cfg,
        "[crm]\ninstance_url = \"http://127.0.0.1:9\"\ntenant_id = \"t\"\nclient_id = \"c\"\n",
    )
    .unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::os::unix::fs::chown(&data, Some(NOBODY), Some(NOBODY)).unwrap();
    let mut other = std::process::Command::new(env!("CARGO_BIN_EXE_navsync"));
    other
        .env("LC_ALL", "C")
        .arg("--config")
        .arg(&cfg)
        .arg("--data-dir")
        .arg(&data)
        .arg("serve")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .uid(NOBODY)
        .gid(NOBODY);
    let mut other = other.spawn().unwrap();
    let socket = navsync::service::socket_file(&data);
    let start = std::time::Instant::now();
    while !socket.exists() {
        assert!(
            other.try_wait().unwrap().is_none(),
            "the other engine exited"
        );
        assert!(
            start.elapsed() < crate::GUARD,
            "the other engine never listened"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let attached = rt.block_on(navsync::service::client::attach(
        &socket,
        navsync::service::client::Reconnect::Never,
    ));
    match attached {
        Err(navsync::service::client::AttachError::ForeignEngine { uid, own, .. }) => {
            assert_eq!((uid, own), (NOBODY, 0));
        }
        Err(e) => panic!("expected the client to refuse, got {e}"),
        Ok(_) => panic!("attached to another uid's engine"),
    }
    crate::signal(other.id(), libc::SIGTERM);
    crate::exits(&mut other);
}
