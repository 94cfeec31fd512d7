//! `navsync demo`: the whole product against the built-in emulator, with
//! nothing to configure. It starts a generated Dynamics 365 tenant on
//! 127.0.0.1, connects to it as the tenant's integration user, seeds the
//! workspace's seats, feeds a trickle of InMails, messages and notes through
//! the activity inbox (the same path a real deployment uses), runs a first
//! sync and opens the console. Without a terminal it runs that first sync,
//! prints its summary and exits, which is what the smoke test checks.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;

use super::sim::SCALES;
use crate::config::{AuthMethod, Config, SecretSource, validate_instance_url};
use crate::engine::{Command, Engine, Event};
use crate::exit::ExitStatus;
use crate::sim::generator::ActivityStream;
use crate::sim::tenant::{ActivitySeed, Scale, SeatSeed};
use crate::sim::{SimConfig, SimServer};
use crate::store::{self, Store, runs::Outcome, seats};
use clap::Args;

/// Activities dropped in the inbox before the first sync.
const FIRST_ACTIVITIES: usize = 60;
/// Then this many every `TRICKLE_EVERY`, while the demo runs.
const TRICKLE_BATCH: usize = 3;
const TRICKLE_EVERY: Duration = Duration::from_secs(20);
/// A headless demo gives the first sync this long.
const HEADLESS_LIMIT: Duration = Duration::from_secs(300);

#[derive(Debug, thiserror::Error)]
enum DemoError {
    #[error("unknown scale {0:?}: use tiny, demo or large")]
    Scale(String),
    #[error("cannot prepare the demo data dir {dir}: {source}")]
    DataDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Lock(#[from] crate::lock::LockError),
    #[error("cannot start the emulator: {0}")]
    Sim(std::io::Error),
    #[error("emulator address refused: {0}")]
    Url(String),
    #[error("{0}")]
    Store(#[from] store::StoreError),
    #[error("{0}")]
    Engine(#[from] crate::engine::EngineError),
    #[error("cannot write to the activity inbox: {0}")]
    Inbox(std::io::Error),
}

pub fn run(args: &DemoArgs, base: &Config, data_dir: &Path) -> ExitStatus {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("navsync demo: cannot start the async runtime: {e}");
            return ExitStatus::Failure;
        }
    };
    match runtime.block_on(demo(args, base, data_dir)) {
        Ok(status) => status,
        Err(e) => {
            eprintln!("navsync demo: {e}");
            ExitStatus::Failure
        }
    }
}

async fn demo(args: &DemoArgs, base: &Config, data_dir: &Path) -> Result<ExitStatus, DemoError> {
    let scale = Scale::parse(&args.scale).ok_or_else(|| DemoError::Scale(args.scale.clone()))?;
    let dir = data_dir.join("demo");
    let _lock = fresh_demo_dir(&dir)?;
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).map_err(|source| DemoError::DataDir {
        dir: inbox.clone(),
        source,
    })?;

    eprintln!(
        "navsync demo: {}",
        crate::t!(
            "demo-generating",
            scale = args.scale.clone(),
            seed = args.seed.to_string()
        )
    );
    let tenant = crate::sim::tenant::generate(scale, args.seed);
    let seat_seeds = tenant.seats.clone();
    let mut stream = ActivityStream::new(&tenant, args.seed);
    let sim = crate::sim::start(
        tenant,
        SimConfig {
            device_auto_approve: Some(Duration::from_secs(3)),
            // Paced like an online tenant, so progress and waits look real.
            cost: crate::sim::CostModel::realistic(),
            ..SimConfig::default()
        },
    )
    .await
    .map_err(DemoError::Sim)?;
    eprintln!(
        "navsync demo: {}",
        crate::t!("demo-serving", url = sim.instance_url())
    );

    let config = demo_config(base, &sim, &inbox)?;
    let store_path = crate::paths::store_file(&dir);
    seed_seats(&store_path, &seat_seeds)?;
    drop_activities(&inbox, "first", stream.by_ref().take(FIRST_ACTIVITIES))?;

    let handle = Engine::start(config.clone(), &store_path)?;
    // Published like any hosted engine, so `navsync --data-dir DIR/demo
    // status` (or a second console) sees this one.
    let socket = crate::service::socket_file(&dir);
    let _listener = match crate::service::server::listen(&socket, &handle) {
        Ok(l) => Some(l),
        Err(e) => {
            tracing::warn!(socket = %socket.display(), "cannot publish the demo engine: {e}");
            None
        }
    };
    let mut events = handle.events.resubscribe();
    handle.commands.send(Command::Connect).ok();

    let trickle = tokio::spawn(trickle(inbox, stream));
    let status = if std::io::stdout().is_terminal() {
        let commands = handle.commands.clone();
        let opts = crate::ui::ConsoleOptions {
            demo: true,
            mouse: false,
            ..Default::default()
        };
        let status = crate::ui::run_console(handle, &store_path, Arc::new(config), opts).await;
        commands.send(Command::Shutdown).ok();
        status
    } else {
        let status = headless_first_sync(&mut events).await;
        handle.commands.send(Command::Shutdown).ok();
        status
    };
    trickle.abort();
    sim.shutdown().await;
    Ok(status)
}

/// The demo's tenant is regenerated on every start, so store rows from a
/// previous demo would point at records that no longer exist: start clean.
fn fresh_demo_dir(dir: &Path) -> Result<crate::lock::DataDirLock, DemoError> {
    let io = |source| DemoError::DataDir {
        dir: dir.to_path_buf(),
        source,
    };
    crate::paths::ensure_private_dir(dir).map_err(|e| io(std::io::Error::other(e)))?;
    let lock = crate::lock::DataDirLock::acquire(dir)?;
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.file_name().is_some_and(|n| n == "navsync.lock") {
            continue;
        }
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(io)?;
    }
    Ok(lock)
}

/// The user's config (language, matching, log level) pointed at the
/// emulator, with writeback on so the whole loop is visible.
fn demo_config(base: &Config, sim: &SimServer, inbox: &Path) -> Result<Config, DemoError> {
    let id = sim.identity();
    let mut c = base.clone();
    c.crm.instance_url = Some(validate_instance_url(&sim.instance_url()).map_err(DemoError::Url)?);
    c.crm.authority_url =
        url::Url::parse(&sim.authority_url()).map_err(|e| DemoError::Url(e.to_string()))?;
    c.crm.tenant_id = id.tenant_id.clone();
    c.crm.client_id = id.client_id.clone();
    c.crm.auth = AuthMethod::ClientSecret;
    c.crm.secret = SecretSource::Inline(id.client_secret.clone());
    c.sync.interval = Duration::from_secs(5 * 60);
    c.writeback.enabled = true;
    c.writeback.activity_inbox = Some(inbox.to_path_buf());
    Ok(c)
}

/// The workspace's seats come from the workspace, not the CRM; before the
/// engine starts, this process is the store's only writer.
pub fn seed_seats(store_path: &Path, seeds: &[SeatSeed]) -> Result<(), store::StoreError> {
    let mut store = Store::open(store_path)?;
    store.transaction(|tx| {
        for s in seeds {
            seats::upsert(
                tx,
                &seats::NewSeat {
                    member_id: &s.member_id,
                    name: &s.name,
                    email: Some(&s.email),
                    // The emulator's seeds name them as the store does.
                    licence: s.licence.parse().unwrap_or(seats::Licence::Member),
                    edition: s.edition.parse().unwrap_or(seats::Edition::Team),
                    crm_user_id: s.crm_systemuserid.as_deref(),
                    sync_enabled: s.crm_systemuserid.is_some(),
                },
            )?;

use clap::Args;

use super::sim::SCALES;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Tenant size of the emulator.
    #[arg(long, default_value = "demo", value_parser = clap::builder::PossibleValuesParser::new(SCALES))]
    pub scale: String,
    /// Seed of the generated tenant (same seed, same tenant).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}
        }
        Ok::<_, store::StoreError>(())
    })?;
    Ok(())
}

/// Writes activities as one JSON Lines file in the inbox, renamed into
/// place only when complete so the engine never reads half a file.
fn drop_activities(
    inbox: &Path,
    name: &str,
    items: impl Iterator<Item = ActivitySeed>,
) -> Result<(), DemoError> {
    let text: String = items.map(|a| activity_line(&a) + "\n").collect();
    let part = inbox.join(format!("{name}.jsonl.part"));
    std::fs::write(&part, text).map_err(DemoError::Inbox)?;
    std::fs::rename(&part, inbox.join(format!("{name}.jsonl"))).map_err(DemoError::Inbox)
}

/// One activity as a line of the documented JSON Lines import format.
pub fn activity_line(a: &ActivitySeed) -> String {
    serde_json::json!({
        "id": a.external_id,
        "kind": a.kind,
        "seat": a.seat_member_id,
        "member_name": a.member_name,
        "member_company": a.member_company,
        "member_title": a.member_title,
        "member_email": a.member_email,
        "member_profile_url": a.member_profile_url,
        "subject": a.subject,
        "body": a.body,
        "occurred_at": a.occurred_at,
        "copy_to_crm": a.copy_to_crm,
    })
    .to_string()
}

async fn trickle(inbox: PathBuf, mut stream: ActivityStream) {
    for n in 1.. {
        tokio::time::sleep(TRICKLE_EVERY).await;
        let batch: Vec<ActivitySeed> = stream.by_ref().take(TRICKLE_BATCH).collect();
        if let Err(e) = drop_activities(&inbox, &format!("trickle-{n:05}"), batch.into_iter()) {
            tracing::warn!("demo trickle stopped: {e}");
            return;
        }
    }
}

/// Without a terminal: wait for the first sync (a good connect starts
/// it), print
/// what happened, and say how to see the console.
async fn headless_first_sync(events: &mut broadcast::Receiver<Event>) -> ExitStatus {
    let wait = async {
        loop {
            match events.recv().await {
                Ok(Event::Error(e)) => {
                    eprintln!(
                        "navsync demo: {}\n  {}\n  {}",
                        crate::describe::message(&e),
                        crate::describe::detail(&e),
                        crate::t!("cli-next-step", next = crate::describe::next_step(&e))
                    );
                }
                Ok(Event::StatusChanged) => {}
                Ok(Event::ActionResult { reply, .. }) => {
                    eprintln!("navsync demo: {}", crate::describe::reply(&reply))
                }
                Ok(Event::RunFinished {
                    outcome, summary, ..
                }) => {
                    let word = crate::i18n::word(outcome);
                    let summary = crate::describe::run_summary(&summary);
                    println!(
                        "{}",
                        crate::t!("demo-sync-done", outcome = word, summary = summary)
                    );
                    return if outcome == Outcome::Ok {
                        ExitStatus::Ok
                    } else {
                        ExitStatus::Failure
                    };
                }
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return ExitStatus::Failure,
            }
        }
    };
    match tokio::time::timeout(HEADLESS_LIMIT, wait).await {
        Ok(status) => {
            println!("{}", crate::t!("demo-no-terminal"));
            status
        }
        Err(_) => {
            eprintln!(
                "navsync demo: {}",
                crate::t!("demo-too-slow", secs = HEADLESS_LIMIT.as_secs())
            );
            ExitStatus::Failure
        }
    }
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Tenant size of the emulator.
    #[arg(long, default_value = "demo", value_parser = clap::builder::PossibleValuesParser::new(SCALES))]
    pub scale: String,
    /// Seed of the generated tenant (same seed, same tenant).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}
