//! `navsync bench pull`: the full pull of the large generated tenant from
//! an emulator in its own process (`navsync sim --scale large`), so the
//! memory and CPU measured are navsync's, next to floors measured in the
//! same run with the same client and parallelism:
//!
//! - at 0 ms (no server time): every table downloaded and parsed at once
//!   and thrown away; the ratio is what the store, the mapping and the
//!   engine add on top of the network and JSON;
//! - at 100 ms per request under the realistic cost model
//!   (`navsync::sim::cost`): the largest table alone; the pull reads every
//!   table at once, so it should take little more than that.

use std::path::Path;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use tokio::sync::broadcast::error::RecvError;

use crate::config::{Config, SecretSource};
use crate::crm::{self, Client, Read, rows};
use crate::engine::ports::client_config;
use crate::engine::{Command, Engine, EngineHandle, Event, Options};
use crate::exit::ExitStatus;
use crate::store::connection::{self, ConnState, ConnectionRow};
use crate::store::runs::{self, Outcome};
use crate::store::{Store, mirror};

pub(super) const SEED: u64 = 42;

#[derive(Debug, thiserror::Error)]
pub(super) enum BenchError {
    #[error("emulator: {0}")]
    Sim(String),
    #[error("temp dir: {0}")]
    Io(std::io::Error),
    #[error("{0}")]
    Crm(#[from] crm::CrmError),
    #[error("{0}")]
    Engine(#[from] crate::engine::EngineError),
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    #[error("the sync run did not finish well: {0}")]
    Run(String),
}

pub fn run() -> ExitStatus {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bench pull: cannot start the async runtime: {e}");
            return ExitStatus::Failure;
        }
    };
    match rt.block_on(bench()) {
        Ok(()) => ExitStatus::Ok,
        Err(e) => {
            eprintln!("bench pull: {e}");
            ExitStatus::Failure
        }
    }
}

async fn bench() -> Result<(), BenchError> {
    let t = Instant::now();
    let sim = ExternalSim::start("large")?;
    println!(
        "bench pull: large tenant (seed {SEED}) served by its own process at {} ({:.1} s to start)",
        sim.instance_url,
        t.elapsed().as_secs_f64()
    );
    let dir = std::env::temp_dir().join(format!("navsync-bench-pull-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).map_err(BenchError::Io)?;
    let out = measure(&sim, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    out
}

/// `navsync sim --scale SCALE` as a child process, stopped on drop.
pub(super) struct ExternalSim {
    child: std::process::Child,
    pub(super) instance_url: String,
    tenant_id: String,
    client_id: String,
    secret: String,
    application_user_id: String,
}

impl ExternalSim {
    pub(super) fn start(scale: &str) -> Result<Self, BenchError> {
        use std::io::BufRead;
        let exe = std::env::current_exe().map_err(|e| BenchError::Sim(e.to_string()))?;
        let mut child = std::process::Command::new(exe)
            .args(["sim", "--scale", scale, "--seed", &SEED.to_string()])
            .args(["--cost", "instant", "--json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| BenchError::Sim(e.to_string()))?;
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            let _ = std::io::BufReader::new(out).read_line(&mut line);
        }
        let v: serde_json::Value = serde_json::from_str(&line)
            .map_err(|e| BenchError::Sim(format!("no connection details ({e}): {line:?}")))?;
        let field = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        Ok(Self {
            instance_url: field("instance_url"),
            tenant_id: field("tenant"),
            client_id: field("client_id"),
            secret: field("client_secret"),
            application_user_id: field("application_user_id"),
            child,
        })
    }

    pub(super) async fn control(
        &self,
        what: &str,
        body: serde_json::Value,
    ) -> Result<(), BenchError> {
        self.send(reqwest::Method::POST, what, body).await
    }

    pub(super) async fn send(
        &self,
        method: reqwest::Method,
        what: &str,
        body: serde_json::Value,
    ) -> Result<(), BenchError> {
        reqwest::Client::new()
            .request(method, format!("{}/_sim/{what}", self.instance_url))
            .json(&body)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| BenchError::Sim(format!("/_sim/{what}: {e}")))?;
        Ok(())
    }
}

impl Drop for ExternalSim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What one configuration of the emulator gave.
pub(super) struct Pull {
    pub(super) secs: f64,
    pub(super) requests: i64,
    pub(super) throttled: i64,
    pub(super) peak_kb: Option<u64>,
    pub(super) rows: i64,
}

async fn measure(sim: &ExternalSim, dir: &Path) -> Result<(), BenchError> {
    let config = emulator_config(sim);

    // At 0 ms: the floor reads every table at once and keeps nothing.
    let client = Client::new(client_config(&config, dir)?)?;
    let t = Instant::now();
    let counts = futures::try_join!(
        drain::<rows::SystemUser>(&client),
        drain::<rows::Opportunity>(&client),
        drain::<rows::Account>(&client),
        drain::<rows::Contact>(&client),
    )?;
    let floor = t.elapsed().as_secs_f64();
    let floor_requests = client.stats().requests;
    let floor_rows = counts.0 + counts.1 + counts.2 + counts.3;
    let fast = full_pull(sim, &config, &dir.join("fast")).await?;
    let (incremental_secs, incremental) = {
        let dir = dir.join("fast");
        let mut h = engine(&config, &dir)?;
        let t = Instant::now();
        sync(&mut h).await?;
        let secs = t.elapsed().as_secs_f64();
        shutdown(h).await;
        let store = Store::open_readonly(&dir.join("navsync.db"))?;
        (secs, runs::recent(store.conn(), 1)?[0].clone())
    };

    // At 100 ms per request under the realistic cost model: the largest
    // table alone is the floor.
    let realistic = serde_json::to_value(crate::sim::CostModel::realistic())
        .map_err(|e| BenchError::Sim(e.to_string()))?;
    sim.control("cost", realistic).await?;
    sim.control("faults", serde_json::json!({"latency_ms": 100}))
        .await?;
    let floor_dir = dir.join("slow-floor");
    std::fs::create_dir_all(&floor_dir).map_err(BenchError::Io)?;
    let client = Client::new(client_config(&config, &floor_dir)?)?;
    let (largest, largest_rows) = [
        ("systemusers", counts.0),
        ("opportunities", counts.1),
        ("accounts", counts.2),
        ("contacts", counts.3),
    ]
    .into_iter()
    .max_by_key(|(_, n)| *n)
    .unwrap_or(("contacts", counts.3));
    let t = Instant::now();
    match largest {
        "systemusers" => drain::<rows::SystemUser>(&client).await?,
        "opportunities" => drain::<rows::Opportunity>(&client).await?,
        "accounts" => drain::<rows::Account>(&client).await?,
        _ => drain::<rows::Contact>(&client).await?,
    };
    let slow_floor = t.elapsed().as_secs_f64();
    let slow = full_pull(sim, &config, &dir.join("slow")).await?;

    let mb = |kb: Option<u64>| {
        kb.map_or("n/a".to_string(), |k| {
            format!("{:.0} MB", k as f64 / 1024.0)
        })
    };
    let met = |ok: bool| if ok { "met" } else { "MISSED" };
    let r0 = fast.secs / floor.max(1e-9);
    let r100 = slow.secs / slow_floor.max(1e-9);
    let peak = fast.peak_kb.max(slow.peak_kb);
    println!("  at 0 ms:");
    println!(
        "    floor: every table at once, download + parse   {floor:7.2} s  {floor_rows} rows  {floor_requests} requests"
    );
    println!(
        "    full pull into SQLite                          {:7.2} s  {} requests",
        fast.secs, fast.requests
    );
    println!(
        "    ratio                                          {r0:7.2}   (target <= 1.3: {})",
        met(r0 <= 1.3)
    );
    println!(
        "    incremental, no change                         {incremental_secs:7.2} s  {} requests, all tables at once (target: 4, one per table: {})",
        incremental.requests,
        met(incremental.requests == 4)
    );
    println!("  at 100 ms per request, realistic cost model:");
    println!(
        "    floor: the largest table alone ({largest}, {largest_rows} rows) {slow_floor:7.2} s"
    );
    println!(
        "    full pull into SQLite                          {:7.2} s  {} requests, {} 429s (each waited out)",
        slow.secs, slow.requests, slow.throttled
    );
    println!(
        "    ratio                                          {r100:7.2}   (target <= 1.2: {})",
        met(r100 <= 1.2)
    );
    println!(
        "  peak RSS of navsync (the emulator runs in its own process): {} (target <= 150 MB: {})",
        mb(peak),
        met(peak.is_some_and(|k| k <= 150 * 1024))
    );
    Ok(())
}

/// A fresh store connected to the emulator, one full run, its figures.
pub(super) async fn full_pull(
    sim: &ExternalSim,
    config: &Config,
    dir: &Path,
) -> Result<Pull, BenchError> {
    std::fs::create_dir_all(dir).map_err(BenchError::Io)?;
    connect(&dir.join("navsync.db"), sim, config)?;
    let mut h = engine(config, dir)?;
    reset_peak_rss();
    let t = Instant::now();
    sync(&mut h).await?;
    let secs = t.elapsed().as_secs_f64();
    let peak_kb = vm_kb("VmHWM");
    shutdown(h).await;
    let store = Store::open_readonly(&dir.join("navsync.db"))?;
    let run = runs::recent(store.conn(), 1)?[0].clone();
    let mut stored = 0;
    for t in mirror::Table::ALL {
        stored += mirror::count(store.conn(), t)?;
    }
    if stored == 0 {
        return Err(BenchError::Run("the pull stored nothing".into()));
    }
    Ok(Pull {
        secs,
        requests: run.requests,
        throttled: run.throttle_waits,
        peak_kb,
        rows: stored,
    })
}

pub(super) fn engine(config: &Config, dir: &Path) -> Result<EngineHandle, BenchError> {
    let options = Options {
        data_dir: dir.to_path_buf(),
        scheduled: false,
    };
    Ok(Engine::start_with(
        config.clone(),
        &dir.join("navsync.db"),
        options,
    )?)
}

pub(super) async fn drain<T: rows::Table>(client: &Client) -> Result<u64, crm::CrmError> {
    let mut pages = std::pin::pin!(client.stream::<T>(Read::full()));
    let mut n = 0;
    while let Some(page) = pages.try_next().await? {
        n += page.rows.len() as u64;
    }
    Ok(n)
}

pub(super) fn emulator_config(sim: &ExternalSim) -> Config {
    let mut config = Config::default();
    config.crm.instance_url = url::Url::parse(&sim.instance_url).ok();
    if let Ok(u) = url::Url::parse(&sim.instance_url) {
        config.crm.authority_url = u;
    }
    config.crm.tenant_id = sim.tenant_id.clone();
    config.crm.client_id = sim.client_id.clone();
    config.crm.secret = SecretSource::Inline(sim.secret.clone());
    config
}

/// Stores the connection `navsync connect` would have made to the emulator.
pub(super) fn connect(path: &Path, sim: &ExternalSim, config: &Config) -> Result<(), BenchError> {
    let store = Store::open(path)?;
    let now = crate::engine::run::schedule::to_second(chrono::Utc::now());
    connection::put(
        store.conn(),
        &ConnectionRow {
            state: ConnState::Connected,
            instance_url: sim.instance_url.clone(),
            tenant_id: config.crm.tenant_id.clone(),
            client_id: config.crm.client_id.clone(),
            auth_method: "client_secret".into(),
            crm_user_id: Some(sim.application_user_id.clone()),
            crm_user_name: None,
            is_integration_user: true,
            organization_id: None,
            organization_name: None,
            org_version: None,
            checks: Vec::new(),
            connected_at: Some(now),
            updated_at: now,
            last_error_kind: None,
            last_error_detail: None,
        },
    )?;
    Ok(())
}

/// One run, start to finish.
pub(super) async fn sync(h: &mut EngineHandle) -> Result<(), BenchError> {
    h.commands
        .send(Command::SyncNow { dry_run: false })
        .map_err(|_| BenchError::Run("engine stopped".into()))?;
    loop {
        match tokio::time::timeout(Duration::from_secs(600), h.events.recv()).await {
            Ok(Ok(Event::RunFinished {
                outcome: Outcome::Ok,
                ..
            })) => return Ok(()),
            Ok(Ok(Event::RunFinished { summary, .. })) => {
                return Err(BenchError::Run(crate::describe::run_summary(&summary)));
            }
            Ok(Ok(Event::Error(e))) => {
                return Err(BenchError::Run(format!(
                    "{}: {}",
                    crate::describe::message(&e),
                    crate::describe::detail(&e)
                )));
            }
            Ok(Ok(_) | Err(RecvError::Lagged(_))) => {}
            Ok(Err(RecvError::Closed)) => return Err(BenchError::Run("engine stopped".into())),
            Err(_) => return Err(BenchError::Run("no answer in 10 minutes".into())),
        }
    }
}

pub(super) async fn shutdown(mut h: EngineHandle) {
    let _ = h.commands.send(Command::Shutdown);
    while !matches!(h.events.recv().await, Err(RecvError::Closed)) {}
}

/// A `kB` line of /proc/self/status.
pub(super) fn vm_kb(key: &str) -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Resets VmHWM to the current RSS (Linux: `5` to clear_refs), so the peak
/// read after (b) is (b)'s own.
pub(super) fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
