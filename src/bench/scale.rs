//! `navsync bench scale`: the same work at the `large` tenant and at `xl`
//! (ten times larger), so each figure says whether navsync's cost grows
//! with the data linearly (per-row ratios near 1) and whether its memory
//! stays flat. Each tenant is served by an emulator in its own process
//! (`navsync sim --scale …`), so the memory measured is navsync's.
//!
//! Per tenant: a full pull at 0 ms (no server time), an incremental run
//! after 1,000 contacts changed, and, under the realistic cost model at
//! 100 ms per request, the largest table's unsplit page chain next to the
//! full pull (range-split reads where the default `[crm] split_rows`
//! says), and the crossover: single tables read unsplit and split. Then
//! matching 50,000 activities against 1,000,000 contacts.

use std::path::Path;
use std::time::Instant;

use futures::TryStreamExt;
use serde_json::json;

use super::matching;
use super::pull::{
    BenchError, ExternalSim, Pull, drain, emulator_config, engine, full_pull, reset_peak_rss,
    shutdown, sync, vm_kb,
};
use crate::config::Config;
use crate::crm::{Client, ClientConfig, Read, rows};
use crate::exit::ExitStatus;
use crate::store::{Store, mirror};

/// Contacts changed in the emulator before the incremental run.
const CHANGED: usize = 1_000;
const XL_CONTACTS: usize = 1_000_000;
const XL_ACCOUNTS: usize = 200_000;

pub fn run() -> ExitStatus {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bench scale: cannot start the async runtime: {e}");
            return ExitStatus::Failure;
        }
    };
    let dir = std::env::temp_dir().join(format!("navsync-bench-scale-{}", uuid::Uuid::new_v4()));
    let out = rt.block_on(bench(&dir));
    let _ = std::fs::remove_dir_all(&dir);
    match out {
        Ok(()) => ExitStatus::Ok,
        Err(e) => {
            eprintln!("bench scale: {e}");
            ExitStatus::Failure
        }
    }
}

/// What one tenant gave.
struct Tenant {
    fast: Pull,
    incremental_secs: f64,
    incremental_requests: i64,
    chain_secs: f64,
    chain_rows: u64,
    slow: Pull,
    store: StoreSize,
    crossover: Vec<Crossover>,
}

impl Tenant {
    fn per_row(p: &Pull) -> f64 {
        p.secs / (p.rows.max(1) as f64)
    }
}

async fn bench(dir: &Path) -> Result<(), BenchError> {
    println!(
        "bench scale: the same work at the large and the xl tenant (seed {})",
        super::pull::SEED
    );
    let large = tenant("large", &dir.join("large")).await?;
    let xl = tenant("xl", &dir.join("xl")).await?;

    reset_peak_rss();
    let m = matching::measure(XL_CONTACTS, XL_ACCOUNTS);
    let matching_peak = vm_kb("VmHWM");

    let met = |ok: bool| if ok { "met" } else { "MISSED" };
    let mb = |kb: Option<u64>| {
        kb.map_or("n/a".to_string(), |k| {
            format!("{:.0} MB", k as f64 / 1024.0)
        })
    };
    let ratio = |a: f64, b: f64| a / b.max(1e-9);

    println!();
    println!("  {:<52} {:>12} {:>12}", "", "large", "xl");
    let row = |what: &str, l: String, x: String| println!("  {what:<52} {l:>12} {x:>12}");
    row(
        "rows pulled",
        large.fast.rows.to_string(),
        xl.fast.rows.to_string(),
    );
    row(
        "full pull at 0 ms",
        format!("{:.2} s", large.fast.secs),
        format!("{:.2} s", xl.fast.secs),
    );
    row(
        "full pull at 100 ms (default split reads)",
        format!("{:.2} s", large.slow.secs),
        format!("{:.2} s", xl.slow.secs),
    );
    row(
        "largest table's unsplit page chain at 100 ms",
        format!("{:.2} s", large.chain_secs),
        format!("{:.2} s", xl.chain_secs),
    );
    row(
        "  (its rows)",
        large.chain_rows.to_string(),
        xl.chain_rows.to_string(),
    );
    row(
        &format!("incremental run, {CHANGED} contacts changed"),
        format!("{:.2} s", large.incremental_secs),
        format!("{:.2} s", xl.incremental_secs),
    );
    row(
        "  (its requests)",
        large.incremental_requests.to_string(),
        xl.incremental_requests.to_string(),
    );
    row(
        "peak RSS of the pull",
        mb(large.fast.peak_kb.max(large.slow.peak_kb)),
        mb(xl.fast.peak_kb.max(xl.slow.peak_kb)),
    );
    store_rows(&large.store, &xl.store, row);
    println!();
    crossover_rows(large.crossover.iter().chain(&xl.crossover));

    let r0 = ratio(Tenant::per_row(&xl.fast), Tenant::per_row(&large.fast));
    let r100 = ratio(Tenant::per_row(&xl.slow), Tenant::per_row(&large.slow));
    let vs_chain = ratio(xl.slow.secs, xl.chain_secs);
    let xl_peak = xl.fast.peak_kb.max(xl.slow.peak_kb).max(matching_peak);
    let large_peak = large.fast.peak_kb.max(large.slow.peak_kb);
    let peak_ratio = xl_peak
        .zip(large_peak)
        .map(|(x, l)| x as f64 / (l.max(1) as f64));
    let incr = ratio(xl.incremental_secs, large.incremental_secs);
    pull_peak_line(xl.fast.peak_kb.max(xl.slow.peak_kb), large_peak, met, mb);
    let total_match = m.build + m.matching;
    println!(
        "  full pull, time per row, xl/large at 0 ms       {r0:6.2}   (target <= 1.2: {})",
        met(r0 <= 1.2)
    );
    println!(
        "  full pull, time per row, xl/large at 100 ms     {r100:6.2}   (target <= 1.2: {})",
        met(r100 <= 1.2)
    );
    println!(
        "  xl full pull at 100 ms / unsplit page chain     {vs_chain:6.2}   (target <= 0.7: {})",
        met(vs_chain <= 0.7)
    );
    println!(
        "  peak RSS, xl pull and matching / large pull     {:>6}   (target <= 1.5 and xl under 400 MB: {}; xl {})",
        peak_ratio.map_or("n/a".to_string(), |r| format!("{r:.2}")),
        met(peak_ratio.is_some_and(|r| r <= 1.5) && xl_peak.is_some_and(|k| k < 400 * 1024)),
        mb(xl_peak)
    );
    println!(
        "  matching {} activities against {XL_CONTACTS} contacts {total_match:6.2} s (target <= 3 s: {}; index build {:.2} s, matching {:.2} s, {} matched, index {})",
        matching::ACTIVITIES,
        met(total_match <= 3.0),
        m.build,
        m.matching,
        m.matched,
        mb(m.index_kb)
    );
    println!(
        "  incremental run, xl/large                       {incr:6.2}   (target <= 1.2: {})",
        met(incr <= 1.2)
    );
    println!("  (the emulator's server time is an estimate: see navsync::sim::cost)");
    Ok(())
}

/// Every figure of one tenant, from one emulator process.
async fn tenant(scale: &str, dir: &Path) -> Result<Tenant, BenchError> {
    let t = Instant::now();
    let sim = ExternalSim::start(scale)?;
    println!(
        "  {scale}: emulator up in {:.1} s at {}",
        t.elapsed().as_secs_f64(),
        sim.instance_url
    );
    let config = emulator_config(&sim);

    let fast_dir = dir.join("fast");
    let fast = full_pull(&sim, &config, &fast_dir).await?;
    let store = StoreSize::of(&fast_dir)?;
    println!("  {scale}: full pull at 0 ms {:.2} s", fast.secs);

    // 1,000 contacts change in the CRM; the next run reads just those.
    let ids = spread_ids(&fast_dir, CHANGED)?;
    for id in &ids {
        sim.send(
            reqwest::Method::PATCH,
            &format!("tables/contacts/{id}"),
            json!({"jobtitle": "Changed by bench scale"}),
        )
        .await?;
    }
    let mut h = engine(&config, &fast_dir)?;
    let t = Instant::now();
    sync(&mut h).await?;
    let incremental_secs = t.elapsed().as_secs_f64();
    shutdown(h).await;
    let incremental_requests = {
        let store = Store::open_readonly(&fast_dir.join("navsync.db"))?;
        crate::store::runs::recent(store.conn(), 1)?
            .first()
            .map_or(0, |r| r.requests)
    };
    println!("  {scale}: incremental run {incremental_secs:.2} s");

    // At 100 ms per request under the realistic cost model.
    let realistic = serde_json::to_value(crate::sim::CostModel::realistic())
        .map_err(|e| BenchError::Sim(e.to_string()))?;
    sim.control("cost", realistic).await?;
    sim.control("faults", json!({"latency_ms": 100})).await?;
    let chain_dir = dir.join("chain");
    std::fs::create_dir_all(&chain_dir).map_err(BenchError::Io)?;
    let client = Client::new(ClientConfig::from_config(&config, &chain_dir)?)?;
    let t = Instant::now();
    let chain_rows = drain::<rows::Contact>(&client).await?;
    let chain_secs = t.elapsed().as_secs_f64();
    println!("  {scale}: unsplit contacts chain at 100 ms {chain_secs:.2} s");

    let slow = full_pull(&sim, &config, &dir.join("slow")).await?;
    println!("  {scale}: full pull at 100 ms {:.2} s", slow.secs);
    let mut crossover = Vec::new();
    if scale == "xl" {
        crossover.push(Crossover {
            table: "contacts",
            rows: chain_rows,
            unsplit: chain_secs,
            split: split_drain::<rows::Contact>(&config, dir, chain_rows).await?,
        });
    } else {
        crossover.extend(crossovers(&config, dir).await?);
    }
    Ok(Tenant {
        fast,
        incremental_secs,
        incremental_requests,
        chain_secs,
        chain_rows,
        slow,
        store,
        crossover,
    })
}

// ---- The pull's own figures: crossover of split reads, store size. ----

/// `n` contact ids spread over the mirror, picked in SQL: a million ids
/// held in the bench's own process would count in the pull's peak.
fn spread_ids(dir: &Path, n: usize) -> Result<Vec<String>, BenchError> {
    let store = Store::open_readonly(&dir.join("navsync.db"))?;
    let total = mirror::count(store.conn(), mirror::Table::Contacts)? as usize;
    let step = (total / n).max(1) as i64;
    let mut stmt = store
        .conn()
        .prepare("SELECT contactid FROM crm_contacts WHERE rowid % ?1 = 0 LIMIT ?2")
        .map_err(crate::store::StoreError::from)?;
    let ids = stmt
        .query_map(rusqlite::params![step, n as i64], |r| r.get(0))
        .map_err(crate::store::StoreError::from)?
        .collect::<rusqlite::Result<Vec<String>>>()
        .map_err(crate::store::StoreError::from)?;
    Ok(ids)
}

/// One table read alone at 100 ms, unsplit and split.
struct Crossover {
    table: &'static str,
    rows: u64,
    unsplit: f64,
    split: f64,
}

/// The tables of the `large` tenant read alone, unsplit and split, for
/// the crossover (the xl contacts add the biggest size).
async fn crossovers(config: &Config, dir: &Path) -> Result<Vec<Crossover>, BenchError> {
    let mut out = Vec::new();
    macro_rules! one {
        ($t:ty, $name:literal) => {{
            let client = bench_client(config, dir, 0)?;
            let t = Instant::now();
            let rows = drain::<$t>(&client).await?;
            let unsplit = t.elapsed().as_secs_f64();
            let split = split_drain::<$t>(config, dir, rows).await?;
            out.push(Crossover {
                table: $name,
                rows,
                unsplit,
                split,
            });
        }};
    }
    one!(rows::Account, "accounts");
    one!(rows::Opportunity, "opportunities");
    one!(rows::Contact, "contacts");
    Ok(out)
}

/// A client of its own (its own gate) that splits reads of `split_rows`.
fn bench_client(config: &Config, dir: &Path, split_rows: u64) -> Result<Client, BenchError> {
    let mut cc = ClientConfig::from_config(config, dir)?;
    cc.split_rows = split_rows;
    Ok(Client::new(cc)?)
}

/// Seconds to read `T` (of `rows` rows) split, as a first full read does.
async fn split_drain<T: rows::Table>(
    config: &Config,
    dir: &Path,
    rows: u64,
) -> Result<f64, BenchError> {
    let client = bench_client(config, dir, 1)?;
    let t = Instant::now();
    let mut pages = std::pin::pin!(client.stream::<T>(Read::full().sized(Some(rows))));
    while pages.try_next().await?.is_some() {}
    Ok(t.elapsed().as_secs_f64())
}

/// The pull's own peak (matching's is the next line's): xl against large.
fn pull_peak_line(
    xl: Option<u64>,
    large: Option<u64>,
    met: impl Fn(bool) -> &'static str,
    mb: impl Fn(Option<u64>) -> String,
) {
    let r = xl.zip(large).map(|(x, l)| x as f64 / l.max(1) as f64);
    println!(
        "  peak RSS, xl pull / large pull                  {:>6}   (target <= 1.5 and xl under 400 MB: {}; xl {})",
        r.map_or("n/a".to_string(), |r| format!("{r:.2}")),
        met(r.is_some_and(|r| r <= 1.5) && xl.is_some_and(|k| k < 400 * 1024)),
        mb(xl)
    );
}

fn crossover_rows<'a>(all: impl Iterator<Item = &'a Crossover>) {
    println!("  crossover at 100 ms: one table read alone, unsplit and split");
    for c in all {
        println!(
            "    {:<14} {:>9} rows  unsplit {:6.2} s  split {:6.2} s  split/unsplit {:5.2}",
            c.table,
            c.rows,
            c.unsplit,
            c.split,
            c.split / c.unsplit.max(1e-9)
        );
    }
    println!();
}

/// The store on disk after the first full pull.
struct StoreSize {
    db: u64,
    wal: u64,
    /// Pages on SQLite's free list (space a vacuum would give back).
    free: u64,
    page: u64,
}

impl StoreSize {
    fn of(dir: &Path) -> Result<Self, BenchError> {
        let len = |f: &str| std::fs::metadata(dir.join(f)).map_or(0, |m| m.len());
        let store = Store::open_readonly(&dir.join("navsync.db"))?;
        let pragma = |p: &str| -> Result<u64, BenchError> {
            let v: i64 = store
                .conn()
                .query_row(&format!("PRAGMA {p}"), [], |r| r.get(0))
                .map_err(crate::store::StoreError::from)?;
            Ok(v as u64)
        };
        Ok(Self {
            free: pragma("freelist_count")?,
            page: pragma("page_size")?,
            db: len("navsync.db"),
            wal: len("navsync.db-wal"),
        })
    }
}

fn store_rows(large: &StoreSize, xl: &StoreSize, row: impl Fn(&str, String, String)) {
    let mb = |b: u64| format!("{:.0} MB", b as f64 / 1e6);
    row("store on disk (database)", mb(large.db), mb(xl.db));
    row("  its write-ahead log", mb(large.wal), mb(xl.wal));
    row(
        "  free pages in the database",
        mb(large.free * large.page),
        mb(xl.free * xl.page),
    );
}
