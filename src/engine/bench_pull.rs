//! `navsync bench pull`: the full pull of the large generated tenant
//! against the in-process emulator, next to a floor measured in the same
//! run: the same crm client downloading and parsing every page of the same
//! queries and throwing them away. The ratio is what the store, the
//! mapping and the engine add on top of the network and JSON.

use std::path::Path;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use tokio::sync::broadcast::error::RecvError;

use super::{Command, Engine, EngineHandle, Event, Options};
use crate::cli::ExitStatus;
use crate::config::{Config, SecretSource};
use crate::crm::{self, Client, ClientConfig, Read, rows};
use crate::sim::tenant::Scale;
use crate::sim::{SimConfig, SimServer};
use crate::store::connection::{self, ConnState, ConnectionRow};
use crate::store::runs::{self, Outcome};
use crate::store::{Store, mirror};

const SEED: u64 = 42;

#[derive(Debug, thiserror::Error)]
enum BenchError {
    #[error("emulator: {0}")]
    Sim(std::io::Error),
    #[error("temp dir: {0}")]
    Io(std::io::Error),
    #[error("{0}")]
    Crm(#[from] crm::CrmError),
    #[error("{0}")]
    Engine(#[from] super::EngineError),
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
    let tenant = crate::sim::generator::generate(Scale::Large, SEED);
    let rows = (tenant.systemusers.len()
        + tenant.accounts.len()
        + tenant.contacts.len()
        + tenant.opportunities.len()) as u64;
    let secret = tenant.identity.client_secret.clone();
    let sim = crate::sim::start(tenant, SimConfig::default())
        .await
        .map_err(BenchError::Sim)?;
    println!(
        "bench pull: large tenant (seed {SEED}), {rows} rows, generated and served in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let dir = std::env::temp_dir().join(format!("navsync-bench-pull-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).map_err(BenchError::Io)?;
    let out = measure(&sim, &secret, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    sim.shutdown().await;
    out
}

async fn measure(sim: &SimServer, secret: &str, dir: &Path) -> Result<(), BenchError> {
    let config = emulator_config(sim, secret);

    // (a) the floor: download and parse every page, keep nothing.
    let client = Client::new(ClientConfig::from_config(&config, dir)?)?;
    let t = Instant::now();
    let floor_rows = drain::<rows::SystemUser>(&client).await?
        + drain::<rows::Opportunity>(&client).await?
        + drain::<rows::Account>(&client).await?
        + drain::<rows::Contact>(&client).await?;
    let floor = t.elapsed().as_secs_f64();
    let floor_requests = client.stats().requests;
    let rss_before = vm_kb("VmRSS");
    reset_peak_rss();

    // (b) navsync's full pull into a fresh store.
    let store_path = dir.join("navsync.db");
    connect(&store_path, sim, &config)?;
    let options = Options {
        data_dir: dir.to_path_buf(),
        scheduled: false,
    };
    let mut h = Engine::start_with(config, &store_path, options)?;
    let t = Instant::now();
    sync(&mut h).await?;
    let full = t.elapsed().as_secs_f64();
    let peak = vm_kb("VmHWM");
    let t = Instant::now();
    sync(&mut h).await?;
    let incremental = t.elapsed().as_secs_f64();
    shutdown(h).await;

    let store = Store::open_readonly(&store_path)?;
    let recent = runs::recent(store.conn(), 2)?;
    let (inc_run, full_run) = (&recent[0], &recent[1]);
    let mut stored = 0;
    for t in mirror::Table::ALL {
        stored += mirror::count(store.conn(), t)?;
    }
    let mb = |kb: Option<u64>| {
        kb.map_or("n/a".to_string(), |k| {
            format!("{:.0} MB", k as f64 / 1024.0)
        })
    };
    println!(
        "  (a) floor: download + parse   {floor:7.2} s  {floor_rows} rows  {floor_requests} requests"
    );
    println!(
        "  (b) full pull into SQLite     {full:7.2} s  {stored} rows stored  {} requests ({} of them metadata)",
        full_run.requests,
        full_run.requests - floor_requests as i64
    );
    println!(
        "  ratio b/a                     {:7.2}   (target <= 1.3)",
        full / floor.max(1e-9)
    );
    println!(
        "  requests (b) without metadata {:7}   (target <= rows/5000 = {:.1}, rounded up per table)",
        floor_requests,
        floor_rows as f64 / 5000.0
    );
    println!(
        "  peak RSS during (b)           {}  (process, emulator's large tenant included; {} before (b); target <= 150 MB for navsync)",
        mb(peak),
        mb(rss_before)
    );
    println!(
        "  incremental, no change        {incremental:7.2} s  {} requests (target: 4, one per table)",
        inc_run.requests
    );
    Ok(())
}

async fn drain<T: rows::Table>(client: &Client) -> Result<u64, crm::CrmError> {
    let mut pages = std::pin::pin!(client.stream::<T>(Read::full()));
    let mut n = 0;
    while let Some(page) = pages.try_next().await? {
        n += page.rows.len() as u64;
    }
    Ok(n)
}

fn emulator_config(sim: &SimServer, secret: &str) -> Config {
    let mut config = Config::default();
    config.crm.instance_url = url::Url::parse(&sim.instance_url()).ok();
    if let Ok(u) = url::Url::parse(&sim.authority_url()) {
        config.crm.authority_url = u;
    }
    config.crm.tenant_id = sim.identity().tenant_id.clone();
    config.crm.client_id = sim.identity().client_id.clone();
    config.crm.secret = SecretSource::Inline(secret.to_string());
    config
}

/// Stores the connection `navsync connect` would have made to the emulator.
fn connect(path: &Path, sim: &SimServer, config: &Config) -> Result<(), BenchError> {
    let store = Store::open(path)?;
    let now = crate::store::now();
    connection::put(
        store.conn(),
        &ConnectionRow {
            state: ConnState::Connected,
            instance_url: sim.instance_url(),
            tenant_id: config.crm.tenant_id.clone(),
            client_id: config.crm.client_id.clone(),
            auth_method: "client_secret".into(),
            crm_user_id: Some(sim.identity().application_user_id.clone()),
            crm_user_name: None,
            is_integration_user: true,
            organization_id: None,
            organization_name: None,
            org_version: None,
            checks_json: "[]".into(),
            connected_at: Some(now.clone()),
            updated_at: now,
            last_error_kind: None,
            last_error_detail: None,
        },
    )?;
    Ok(())
}

/// One run, start to finish.
async fn sync(h: &mut EngineHandle) -> Result<(), BenchError> {
    h.commands
        .send(Command::SyncNow { dry_run: false })
        .map_err(|_| BenchError::Run("engine stopped".into()))?;
    loop {
        match tokio::time::timeout(Duration::from_secs(600), h.events.recv()).await {
            Ok(Ok(Event::RunFinished {
                outcome: Outcome::Ok,
                ..
            })) => return Ok(()),
            Ok(Ok(Event::RunFinished { summary, .. })) => return Err(BenchError::Run(summary)),
            Ok(Ok(Event::Error(e))) => {
                return Err(BenchError::Run(format!("{}: {}", e.message, e.detail)));
            }
            Ok(Ok(_) | Err(RecvError::Lagged(_))) => {}
            Ok(Err(RecvError::Closed)) => return Err(BenchError::Run("engine stopped".into())),
            Err(_) => return Err(BenchError::Run("no answer in 10 minutes".into())),
        }
    }
}

async fn shutdown(mut h: EngineHandle) {
    let _ = h.commands.send(Command::Shutdown);
    while !matches!(h.events.recv().await, Err(RecvError::Closed)) {}
}

/// A `kB` line of /proc/self/status.
fn vm_kb(key: &str) -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Resets VmHWM to the current RSS (Linux: `5` to clear_refs), so the peak
/// read after (b) is (b)'s own.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
