//! `navsync bench writeback`: 10k activities written to the emulator by
//! writeback (decided and queued, then `$batch` change sets of up to
//! 1,000) against a naive client sending one request per activity, both in
//! this run, on the same emulator, with its service-protection limits
//! lifted so the baseline measures requests, not throttling.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;
use uuid::Uuid;

use super::writeback::{self, Rules, WritebackError};
use super::writer::Writer;
use crate::cli::ExitStatus;
use crate::config::{ActivityKind, Config, SecretSource};
use crate::crm::{ChangeSet, Client, ClientConfig, Column, WriteOp};
use crate::sim::tenant::Scale;
use crate::sim::{ServiceLimits, SimConfig, SimServer};
use crate::store::activities::{self, NewActivity};
use crate::store::seats::{self, Edition, Licence, NewSeat};
use crate::store::{Store, StoreError};

const ACTIVITIES: usize = 10_000;

#[derive(Debug, thiserror::Error)]
enum BenchError {
    #[error("cannot start the runtime or the emulator: {0}")]
    Io(#[from] std::io::Error),
    #[error("the generated tenant has no seat holder who is a CRM user")]
    NoSeatHolder,
    #[error("CRM client: {0}")]
    Crm(#[from] crate::crm::CrmError),
    #[error(transparent)]
    Writeback(#[from] WritebackError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Engine(#[from] super::EngineError),
    #[error("the naive client's write {0} was refused")]
    Refused(usize),
}

pub fn run() -> ExitStatus {
    let dir = std::env::temp_dir().join(format!("navsync-bench-writeback-{}", std::process::id()));
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(BenchError::from)
        .and_then(|rt| rt.block_on(bench(&dir)));
    let _ = std::fs::remove_dir_all(&dir);
    match result {
        Ok(()) => ExitStatus::Ok,
        Err(e) => {
            eprintln!("navsync bench writeback: {e}");
            ExitStatus::Failure
        }
    }
}

fn client(sim: &SimServer, data_dir: &Path) -> Result<Client, BenchError> {
    let id = sim.identity();
    let mut config = Config::default();
    config.crm.instance_url = url::Url::parse(&sim.instance_url()).ok();
    if let Ok(a) = url::Url::parse(&sim.authority_url()) {
        config.crm.authority_url = a;
    }
    config.crm.tenant_id = id.tenant_id.clone();
    config.crm.client_id = id.client_id.clone();
    config.crm.secret = SecretSource::Inline(id.client_secret.clone());
    Ok(Client::new(ClientConfig::from_config(&config, data_dir)?)?)
}

fn activity(i: usize, seat_id: i64) -> NewActivity {
    NewActivity {
        external_id: format!("bench-{i}"),
        seat_id,
        kind: ActivityKind::Inmail,
        member_name: format!("Bench Person {i}"),
        member_company: Some("Nowhere Known Ltd".into()),
        member_title: None,
        member_email: None,
        member_profile_url: None,
        subject: format!("Bench InMail {i}"),
        body: "Hello".into(),
        occurred_at: "2025-03-01T09:30:00Z".into(),
        copy_to_crm: true,
    }
}

async fn bench(dir: &PathBuf) -> Result<(), BenchError> {
    std::fs::create_dir_all(dir)?;
    let tenant = crate::sim::generator::generate(Scale::Tiny, 7);
    let owner = tenant
        .seats
        .iter()
        .find_map(|s| s.crm_systemuserid.clone())
        .ok_or(BenchError::NoSeatHolder)?;
    let sim = crate::sim::start(
        tenant,
        SimConfig {
            limits: ServiceLimits {
                requests: u32::MAX,
                execution_time: Duration::from_secs(1 << 30),
                ..ServiceLimits::default()
            },
            ..SimConfig::default()
        },
    )
    .await?;
    let crm = client(&sim, dir)?;
    println!(
        "bench writeback: {ACTIVITIES} activities to the emulator at {}",
        sim.instance_url()
    );

    let store = Store::open(&crate::paths::store_file(dir))?;
    let seat = seats::upsert(
        store.conn(),
        &NewSeat {
            member_id: "bench-seat",
            name: "Bench Seat",
            email: None,
            licence: Licence::Member,
            edition: Edition::Team,
            crm_user_id: Some(&owner),
            sync_enabled: true,
        },
    )?;
    let writer = Writer::spawn(store)?;
    let bench = Bench {
        writer,
        crm,
        seat,
        owner,
    };
    // Loopback answers in microseconds, which flatters one request per
    // activity; a few milliseconds per request is still far below a real
    // Dataverse round trip.
    for (round, latency) in [Duration::ZERO, LATENCY].into_iter().enumerate() {
        sim.control().set_latency(latency);
        println!("  with {} ms per request:", latency.as_millis());
        bench.round(round).await?;
    }
    let tasks = sim.control().rows("tasks").len();
    sim.shutdown().await;
    println!(
        "  the emulator holds {tasks} tasks ({} expected)",
        4 * ACTIVITIES
    );
    Ok(())
}

/// Added to every Web API answer in the second round.
const LATENCY: Duration = Duration::from_millis(2);

struct Bench {
    writer: Writer,
    crm: Client,
    seat: i64,
    owner: String,
}

impl Bench {
    async fn round(&self, round: usize) -> Result<(), BenchError> {
        let (seat, first) = (self.seat, round * ACTIVITIES);
        let rules = Rules {
            enabled: true,
            kinds: ActivityKind::ALL.to_vec(),
            auto_sync_all_seats: false,
            on_behalf_of_seat_holder: false,
            matching: Config::default().matching,
        };
        self.writer
            .tx(move |tx| {
                for i in first..first + ACTIVITIES {
                    activities::insert(tx, &activity(i, seat))?;
                }
                Ok::<_, WritebackError>(())
            })
            .await?;
        let t = Instant::now();
        let prepared = self
            .writer
            .tx(move |tx| Ok::<_, WritebackError>(writeback::prepare(tx, &rules)?))
            .await?;
        let prepare_secs = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let sent = writeback::send_pending(&self.writer, &self.crm).await?;
        let send_secs = t.elapsed().as_secs_f64();

        // Baseline: the same tasks (fresh ids), one request each, in order.
        let key = Column::new("activityid")?;
        let t = Instant::now();
        for i in 0..ACTIVITIES {
            let id = Uuid::new_v4();
            let set = ChangeSet::new(vec![WriteOp::Create {
                entity_set: "tasks".into(),
                key: key.clone(),
                id,
                body: json!({
                    "activityid": id.to_string(),
                    "subject": format!("Naive InMail {i}"),
                    "description": "Hello",
                    "statecode": 0,
                    "ownerid@odata.bind": format!("/systemusers({})", self.owner),
                }),
            }]);
            let r = self.crm.write_batch(std::slice::from_ref(&set)).await?;
            if !r.iter().all(|r| r.is_ok()) {
                return Err(BenchError::Refused(i));
            }
        }
        let naive_secs = t.elapsed().as_secs_f64();

        let ours = prepare_secs + send_secs;
        println!(
            "    writeback {:>6} requests {ours:8.3} s  (decide+queue {prepare_secs:.3} s, send {send_secs:.3} s; {} written, {} open)",
            sent.requests, sent.written, prepared.open
        );
        println!(
            "    naive     {ACTIVITIES:>6} requests {naive_secs:8.3} s  (one request per activity)"
        );
        println!(
            "    ratio     {:>6.1}x fewer requests, {:.1}x less time (targets: >= 20x, <= 15 requests)",
            ACTIVITIES as f64 / sent.requests.max(1) as f64,
            naive_secs / ours.max(1e-9)
        );
        Ok(())
    }
}
