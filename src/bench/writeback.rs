//! `navsync bench writeback`: 10k activities written to the emulator by
//! writeback (decided and queued, then `$batch` requests of 100 in
//! parallel), under the emulator's realistic cost model (every operation
//! costs server time, see `navsync::sim::cost`), against two figures
//! measured or derived in the same run: the serial `$batch` navsync sent
//! before (one change set of up to 1,000 creates at a time), and the bound
//! that the per-operation cost and the parallelism the server allows
//! (`x-ms-dop-hint`, at most 52 concurrent) put on any client.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::json;
use uuid::Uuid;

use crate::config::{ActivityKind, Config, SecretSource};
use crate::crm::{ChangeSet, Client, Column, WriteOp};
use crate::engine::effects::writer::Writer;
use crate::engine::ports::client_config;
use crate::engine::usecases::writeback::{self, Rules, WritebackError};
use crate::exit::ExitStatus;
use crate::sim::tenant::Scale;
use crate::sim::{CostModel, SimConfig, SimServer};
use crate::store::activities::{self, NewActivity};
use crate::store::seats::{self, Edition, Licence, NewSeat};
use crate::store::{Store, StoreError};
use crate::vocab::Word;

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
    Engine(#[from] crate::engine::EngineError),
    #[error("the naive client's write {0} was refused")]
    Refused(usize),
}

pub fn run() -> ExitStatus {
    match measure(ACTIVITIES, true) {
        Ok(f) => {
            f.print();
            println!(
                "  the emulator holds {} tasks ({} expected)",
                f.tasks,
                2 * ACTIVITIES
            );
            ExitStatus::Ok
        }
        Err(e) => {
            eprintln!("navsync bench writeback: {e}");
            ExitStatus::Failure
        }
    }
}

/// Writes `n` activities back to an emulator of its own, with the serial
/// baseline when `serial` (it takes minutes at 100,000), and gives the
/// figures. `bench scale` runs it at 100,000 ([`measure_in`]).
fn measure(n: usize, serial: bool) -> Result<Figures, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
        .and_then(|rt| rt.block_on(measure_in(n, serial)))
}

/// [`measure`] on the caller's runtime.
pub(super) async fn measure_in(n: usize, serial: bool) -> Result<Figures, String> {
    let dir = std::env::temp_dir().join(format!(
        "navsync-bench-writeback-{}-{n}",
        std::process::id()
    ));
    let result = bench(&dir, n, serial).await;
    let _ = std::fs::remove_dir_all(&dir);
    result.map_err(|e| e.to_string())
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
    Ok(Client::new(client_config(&config, data_dir)?)?)
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
        thread: None,
        tag: None,
        sender: None,
    }
}

async fn bench(dir: &PathBuf, n: usize, serial: bool) -> Result<Figures, BenchError> {
    std::fs::create_dir_all(dir)?;
    let tenant = crate::sim::generator::generate(Scale::Tiny, 7);
    let owner = tenant
        .seats
        .iter()
        .find_map(|s| s.crm_systemuserid.clone())
        .ok_or(BenchError::NoSeatHolder)?;
    let cost = CostModel::realistic();
    let sim = crate::sim::start(
        tenant,
        SimConfig {
            cost,
            ..SimConfig::default()
        },
    )
    .await?;
    let crm = client(&sim, dir)?;
    println!(
        "bench writeback: {n} activities to the emulator at {} (realistic cost: {} ms per request, {} ms per write, dop hint {})",
        sim.instance_url(),
        cost.per_request.as_millis(),
        cost.per_write.as_millis(),
        cost.dop_hint
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
        cost,
    };
    let mut figures = bench.round(n, serial).await?;
    figures.tasks = sim.control().rows("tasks").len();
    sim.shutdown().await;
    Ok(figures)
}

/// What one writeback round gave.
pub(super) struct Figures {
    pub(super) activities: usize,
    /// Decide and queue, then send: navsync's whole writeback.
    pub(super) secs: f64,
    prepare_secs: f64,
    send_secs: f64,
    requests: usize,
    written: usize,
    open: usize,
    throttled: u64,
    waited: f64,
    peak_rss: String,
    /// The old serial `$batch` client's time and requests, when measured.
    serial: Option<(f64, usize)>,
    pub(super) bound: f64,
    parallel: usize,
    per_write_ms: u128,
    tasks: usize,
}

impl Figures {
    pub(super) fn over_bound(&self) -> f64 {
        self.secs / self.bound.max(1e-9)
    }

    fn print(&self) {
        let (ours, n) = (self.secs, self.activities);
        println!(
            "    writeback  {:>5} requests {ours:8.2} s  (decide+queue {:.2} s, send {:.2} s; {} written, {} open; {} 429s, {:.1} s waited as asked; peak RSS {})",
            self.requests,
            self.prepare_secs,
            self.send_secs,
            self.written,
            self.open,
            self.throttled,
            self.waited,
            self.peak_rss
        );
        if let Some((secs, requests)) = self.serial {
            println!(
                "    serial     {requests:>5} requests {secs:8.2} s  (one $batch of {SERIAL_BATCH} at a time, as before)"
            );
        }
        println!(
            "    bound                     {:8.2} s  ({n} writes x {} ms / {} in flight + one request)",
            self.bound, self.per_write_ms, self.parallel
        );
        let over = self.over_bound();
        let speedup = self.serial.map(|(secs, _)| secs / ours.max(1e-9));
        println!(
            "    {}{over:.2}x the bound (target <= 1.5x: {}); {} 429s, every one waited out before the next request (the client's gate)",
            speedup.map_or(String::new(), |x| format!(
                "{x:.1}x faster than serial (target >= 5x: {}), ",
                met(x >= 5.0)
            )),
            met(over <= 1.5),
            self.throttled
        );
    }
}

struct Bench {
    writer: Writer,
    crm: Client,
    seat: i64,
    owner: String,
    cost: CostModel,
}

/// Creates per change set in the serial baseline: navsync's `$batch` size
/// before it sent in parallel.
const SERIAL_BATCH: usize = 1000;

impl Bench {
    async fn round(&self, n: usize, serial: bool) -> Result<Figures, BenchError> {
        let seat = self.seat;
        let rules = Rules {
            enabled: true,
            kinds: ActivityKind::ALL.to_vec(),
            auto_sync_all_seats: false,
            on_behalf_of_seat_holder: false,
            matching: Config::default().matching,
            threads: Default::default(),
        };
        self.writer
            .tx(move |tx| {
                for i in 0..n {
                    activities::insert(tx, &activity(i, seat))?;
                }
                Ok::<_, WritebackError>(())
            })
            .await?;
        let before = self.crm.stats();
        let t = Instant::now();
        let prepared = self
            .writer
            .tx(move |tx| Ok::<_, WritebackError>(writeback::prepare(tx, &rules)?))
            .await?;
        let prepare_secs = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let sent = writeback::send_pending(&self.writer, &self.crm).await?;
        let send_secs = t.elapsed().as_secs_f64();
        let ours = prepare_secs + send_secs;
        let after = self.crm.stats();

        let serial = if serial {
            Some(self.serial(n).await?)
        } else {
            None
        };

        // The bound: all operations' server time shared by as many requests
        // in flight as the server allows, plus one request's own time.
        let parallel = (self.cost.dop_hint as usize).clamp(1, 52);
        let bound = n as f64 * self.cost.per_write.as_secs_f64() / parallel as f64
            + self.cost.per_request.as_secs_f64();
        Ok(Figures {
            activities: n,
            secs: ours,
            prepare_secs,
            send_secs,
            requests: sent.requests,
            written: sent.written,
            open: prepared.open,
            throttled: after.throttle_waits - before.throttle_waits,
            waited: (after.throttled_ms - before.throttled_ms) as f64 / 1000.0,
            peak_rss: peak_rss(),
            serial,
            bound,
            parallel,
            per_write_ms: self.cost.per_write.as_millis(),
            tasks: 0,
        })
    }

    /// The baseline: the same number of tasks (fresh ids) the way navsync
    /// sent them before, one change set of 1,000 at a time; its time and
    /// requests.
    async fn serial(&self, n: usize) -> Result<(f64, usize), BenchError> {
        let key = Column::new("activityid")?;
        let t = Instant::now();
        let mut serial_requests = 0;
        for first in (0..n).step_by(SERIAL_BATCH) {
            let ops = (first..(first + SERIAL_BATCH).min(n))
                .map(|i| {
                    let id = Uuid::new_v4();
                    WriteOp::Create {
                        entity_set: "tasks".into(),
                        key: key.clone(),
                        id,
                        body: json!({
                            "subject": format!("Serial InMail {i}"),
                            "description": "Hello",
                            "statecode": 0,
                            "ownerid@odata.bind": format!("/systemusers({})", self.owner),
                        }),
                    }
                })
                .collect();
            let r = self.crm.write_batch(&[ChangeSet::new(ops)]).await?;
            serial_requests += 1;
            if !r.iter().all(|r| r.is_ok()) {
                return Err(BenchError::Refused(first));
            }
        }
        Ok((t.elapsed().as_secs_f64(), serial_requests))
    }
}

fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

/// This process's peak resident memory so far.
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_else(|| "n/a".into())
}
