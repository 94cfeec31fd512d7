//! navsync as a child process against an in-process emulator: the config
//! pointing at it and the command line, shared by the process-level tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use navsync::sim::SimServer;

/// The environment variable the tests hand the client secret in.
pub const SECRET_ENV: &str = "NAVSYNC_TEST_CLIENT_SECRET";

/// Writes `config.toml` in `dir` for `sim`, with writeback on, plus `extra`
/// TOML appended.
pub fn write_config(sim: &SimServer, dir: &Path, extra: &str) -> PathBuf {
    let id = sim.identity();
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "[crm]\ninstance_url = \"{}\"\nauthority_url = \"{}\"\ntenant_id = \"{}\"\nclient_id = \"{}\"\nclient_secret_env = \"{SECRET_ENV}\"\n[writeback]\nenabled = true\n{extra}",
            sim.instance_url(),
            sim.authority_url(),
            id.tenant_id,
            id.client_id
        ),
    )
    .unwrap();
    path
}

/// `navsync --config cfg --data-dir data` with the secret in its
/// environment, no stdin, and stdout/stderr captured.
pub fn navsync(cfg: &Path, data: &Path, secret: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_navsync"));
    c.arg("--config")
        .arg(cfg)
        .arg("--data-dir")
        .arg(data)
        .env(SECRET_ENV, secret)
        .env_remove("NAVSYNC_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}
