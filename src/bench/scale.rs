//! `navsync bench scale`: the same work at the `large` tenant and at `xl`
//! (ten times larger), so each figure says whether navsync's cost grows
//! with the data linearly (per-row ratios near 1) and whether its memory
//! stays flat. Each tenant is served by an emulator in its own process
//! (`navsync sim --scale …`), so the memory measured is navsync's.
//!
//! Per tenant: a full pull at 0 ms (no server time), an incremental run
//! after 1,000 contacts changed, and, under the realistic cost model at
//! 100 ms per request, the largest table's unsplit page chain next to the
//! full pull with range-split reads. Then matching 50,000 activities
//! against 1,000,000 contacts.

use std::path::Path;
use std::time::Instant;

use serde_json::json;

use super::matching;
use super::pull::{
    BenchError, ExternalSim, Pull, drain, emulator_config, engine, full_pull, reset_peak_rss,
    shutdown, sync, vm_kb,
};
use crate::crm::{Client, rows};
use crate::engine::ports::client_config;
use crate::exit::ExitStatus;
use crate::store::{Store, mirror};

/// Contacts changed in the emulator before the incremental run.
const CHANGED: usize = 1_000;
/// Range-split reads for tables of at least this many rows in the 100 ms
/// pull (the `[crm] split_rows` an operator would set).
const SPLIT_ROWS: u64 = 100_000;
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
    store_bytes: u64,
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
        "full pull at 100 ms (split reads)",
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
    row(
        "store on disk",
        format!("{:.0} MB", large.store_bytes as f64 / 1e6),
        format!("{:.0} MB", xl.store_bytes as f64 / 1e6),
    );
    println!();

    let r0 = ratio(Tenant::per_row(&xl.fast), Tenant::per_row(&large.fast));
    let r100 = ratio(Tenant::per_row(&xl.slow), Tenant::per_row(&large.slow));
    let vs_chain = ratio(xl.slow.secs, xl.chain_secs);
    let xl_peak = xl.fast.peak_kb.max(xl.slow.peak_kb).max(matching_peak);
    let large_peak = large.fast.peak_kb.max(large.slow.peak_kb);
    let peak_ratio = xl_peak
        .zip(large_peak)
        .map(|(x, l)| x as f64 / (l.max(1) as f64));
    let incr = ratio(xl.incremental_secs, large.incremental_secs);
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
    let store_bytes = store_size(&fast_dir);
    println!("  {scale}: full pull at 0 ms {:.2} s", fast.secs);

    // 1,000 contacts change in the CRM; the next run reads just those.
    let ids = {
        let store = Store::open_readonly(&fast_dir.join("navsync.db"))?;
        mirror::ids(store.conn(), mirror::Table::Contacts)?
    };
    let step = (ids.len() / CHANGED).max(1);
    for id in ids.iter().step_by(step).take(CHANGED) {
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
    let client = Client::new(client_config(&config, &chain_dir)?)?;
    let t = Instant::now();
    let chain_rows = drain::<rows::Contact>(&client).await?;
    let chain_secs = t.elapsed().as_secs_f64();
    println!("  {scale}: unsplit contacts chain at 100 ms {chain_secs:.2} s");

    let mut split = config.clone();
    split.crm.split_rows = SPLIT_ROWS;
    let slow = full_pull(&sim, &split, &dir.join("slow")).await?;
    println!("  {scale}: full pull at 100 ms {:.2} s", slow.secs);
    Ok(Tenant {
        fast,
        incremental_secs,
        incremental_requests,
        chain_secs,
        chain_rows,
        slow,
        store_bytes,
    })
}

/// The store's bytes on disk: the database and its write-ahead log.
fn store_size(dir: &Path) -> u64 {
    ["navsync.db", "navsync.db-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum()
}
