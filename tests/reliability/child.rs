//! navsync as a child process against an in-process emulator: the config
//! pointing at it and the command line, shared by the process-level tests.

use crate::support;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use navsync::sim::SimServer;

/// The environment variable the tests hand the client secret in.
/// Writes `config.toml` in `dir` for `sim`, with writeback on, plus `extra`
/// TOML appended.
pub fn write_config(sim: &SimServer, dir: &Path, extra: &str) -> PathBuf {
    support::write_config(sim, dir, &format!("[writeback]\nenabled = true\n{extra}"))
}

/// `navsync --config cfg --data-dir data` with the secret in its
/// environment, no stdin, and stdout/stderr captured.
pub fn navsync(cfg: &Path, data: &Path, secret: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_navsync"));
    c.env("LC_ALL", "C");
    c.arg("--config")
        .arg(cfg)
        .arg("--data-dir")
        .arg(data)
        .env(support::SECRET_ENV, secret)
        .env_remove("NAVSYNC_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// What the crash tests share: a demo tenant on an emulator with some
/// latency per request (so a run spans time and kill points land inside
/// it), a data dir with the tenant's seats, connected by `navsync connect`,
/// and the tenant's next `n` activities to import.
pub struct CrashWorld {
    pub rt: tokio::runtime::Runtime,
    pub sim: SimServer,
    pub dir: tempfile::TempDir,
    pub cfg: PathBuf,
    pub data: PathBuf,
    pub secret: String,
    pub activities: Vec<navsync::sim::tenant::ActivitySeed>,
}

impl CrashWorld {
    pub fn connected(seed: u64, n: usize) -> Self {
        use navsync::sim::tenant::{Scale, generate};
        let rt = tokio::runtime::Runtime::new().unwrap();
        let tenant = generate(Scale::Demo, seed);
        let seats = tenant.seats.clone();
        let activities = navsync::sim::generator::ActivityStream::new(&tenant, seed)
            .take(n)
            .collect();
        let sim = rt
            .block_on(navsync::sim::start(
                tenant,
                navsync::sim::SimConfig::default(),
            ))
            .unwrap();
        sim.control()
            .set_latency(std::time::Duration::from_millis(40));
        let secret = sim.identity().client_secret.clone();
        let dir = tempfile::tempdir().unwrap();
        let cfg = write_config(&sim, dir.path(), "");
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        navsync::commands::demo::seed_seats(&navsync::paths::store_file(&data), &seats).unwrap();
        let w = Self {
            rt,
            sim,
            dir,
            cfg,
            data,
            secret,
            activities,
        };
        succeeded(w.navsync().arg("connect").output().unwrap());
        w
    }

    /// `navsync` on this world's config and data dir.
    pub fn navsync(&self) -> Command {
        navsync(&self.cfg, &self.data, &self.secret)
    }

    /// `navsync activities import` of `items` as file number `n`.
    pub fn import(&self, n: usize, items: &[navsync::sim::tenant::ActivitySeed]) {
        let file = self.dir.path().join(format!("activities-{n}.jsonl"));
        let lines: String = items
            .iter()
            .map(|a| navsync::commands::demo::activity_line(a) + "\n")
            .collect();
        std::fs::write(&file, lines).unwrap();
        succeeded(
            self.navsync()
                .args(["activities", "import"])
                .arg(&file)
                .output()
                .unwrap(),
        );
    }
}

/// Asserts exit 0, showing what the child said otherwise.
pub fn succeeded(out: std::process::Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
