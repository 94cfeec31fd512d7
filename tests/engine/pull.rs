//! The engine against the emulator over HTTP, on a real SQLite file.

use crate::support::WAIT;
use crate::support::shutdown;
use std::path::{Path, PathBuf};
use std::time::Duration;

use navsync::config::{Config, SecretSource};
use navsync::engine::run::pull;
use navsync::engine::{Command, Engine, EngineHandle, ErrorClass, Event, Options, Phase};
use navsync::sim::tenant::{Identity, Organization, Row, Tenant};
use navsync::sim::{SimConfig, SimServer};
use navsync::store::Store;
use navsync::store::connection::{self, ConnState};
use navsync::store::mirror::{self, Table};
use navsync::store::runs::{self, Outcome, RunMode};
use navsync::store::saved::{self, ItemKind};
use navsync::store::seats::{self, Edition, Licence, NewSeat};
use navsync::vocab::Word;
use serde_json::{Value, json};

const TENANT: &str = "7a1f0c2e-0000-4000-8000-00000000a001";
const CLIENT: &str = "7a1f0c2e-0000-4000-8000-00000000c001";
const SECRET: &str = "emulator-secret";
pub const APP: &str = "5e000000-0000-4000-8000-000000000001";
/// Sellers: ANA holds a seat with sync on, BEN one with sync off.
pub const ANA: &str = "5e000000-0000-4000-8000-000000000002";
pub const BEN: &str = "5e000000-0000-4000-8000-000000000003";
pub const ACCOUNTS: usize = 6;
pub const CONTACTS: usize = 24;
pub const OPPS: usize = 8;

pub fn account_id(i: usize) -> String {
    format!("acc00000-0000-4000-8000-{i:012}")
}
pub fn contact_id(i: usize) -> String {
    format!("c0000000-0000-4000-8000-{i:012}")
}
pub fn opp_id(i: usize) -> String {
    format!("09900000-0000-4000-8000-{i:012}")
}

fn row(v: Value) -> Row {
    match v {
        Value::Object(m) => m,
        _ => Row::new(),
    }
}

fn user(id: &str, name: &str, access: i64) -> Row {
    row(json!({
        "systemuserid": id, "fullname": name, "firstname": name, "lastname": "",
        "internalemailaddress": format!("{}@contoso.test", name.to_lowercase()),
        "domainname": format!("{}@contoso.test", name.to_lowercase()),
        "isdisabled": false, "accessmode": access,
        "azureactivedirectoryobjectid": format!("aad{}", &id[3..]), "modifiedon": "2026-01-01T00:00:00Z"
    }))
}

/// Accounts 0..6; contact i belongs to account i % 6. Opportunity i:
/// owner ANA for even i, BEN for odd; account i % 6; contact (i + 12);
/// stage i % 4; i == 6 won, i == 7 lost.
pub fn tenant() -> Tenant {
    let accounts = (0..ACCOUNTS)
        .map(|i| {
            row(json!({
                "accountid": account_id(i), "name": format!("Account {i}"), "websiteurl": null,
                "_parentaccountid_value": null, "_ownerid_value": ANA,
                "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "systemuser",
                "statecode": 0, "modifiedon": "2026-01-01T00:00:00Z"
            }))
        })
        .collect();
    let contacts = (0..CONTACTS)
        .map(|i| row(json!({
            "contactid": contact_id(i), "firstname": format!("F{i}"), "lastname": format!("L{i}"),
            "fullname": format!("F{i} L{i}"), "emailaddress1": format!("p{i}@example.test"),
            "jobtitle": "Buyer",
            "_parentcustomerid_value": if i < 12 { Value::String(account_id(i % ACCOUNTS)) } else { Value::Null },
            "_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": if i < 12 { "account" } else { "" },
            "_ownerid_value": ANA, "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "systemuser",
            "statecode": 0, "createdon": "2025-06-01T09:00:00Z", "modifiedon": "2026-01-01T00:00:00Z"
        })))
        .collect();
    let opportunities = (0..OPPS)
        .map(|i| row(json!({
            "opportunityid": opp_id(i), "name": format!("Deal {i}"),
            "_ownerid_value": if i % 2 == 0 { ANA } else { BEN },
            "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "systemuser",
            "_customerid_value": account_id(i % ACCOUNTS),
            "_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "account",
            "_parentaccountid_value": account_id(i % ACCOUNTS), "_parentcontactid_value": contact_id(i + 12),
            "statecode": match i { 6 => 1, 7 => 2, _ => 0 }, "statuscode": match i { 6 => 3, 7 => 4, _ => 1 },
            "salesstage": (i % 4) as i64, "stepname": format!("{}-Stage", i % 4 + 1),
            "estimatedvalue": 1000.0, "actualvalue": null, "totalamount": null,
            "modifiedon": "2026-01-01T00:00:00Z"
        })))
        .collect();
    Tenant {
        org: Organization {
            organization_id: "0e90e000-0000-4000-8000-000000000001".into(),
            name: "Contoso Sales".into(),
            version: "9.2.25061.00154".into(),
            is_sandbox: false,
        },
        identity: Identity {
            tenant_id: TENANT.into(),
            client_id: CLIENT.into(),
            client_secret: SECRET.into(),
            application_user_id: APP.into(),
            admin_user_id: ANA.into(),
        },
        systemusers: vec![
            user(APP, "Integration", 4),
            user(ANA, "Ana", 0),
            user(BEN, "Ben", 0),
        ],
        accounts,
        contacts,
        opportunities,
        seats: Vec::new(),
    }
}

/// The CRM copy keeps each contact's owner and creation date, which the
/// Unresolved tab's candidate lines show (with the owner's name from the
/// mirrored users); both are columns of the contact table:
/// <https://learn.microsoft.com/en-us/dynamics365/developer/reference/entities/contact>.
#[tokio::test]
async fn contacts_are_mirrored_with_their_owner_and_creation_date() {
    let s = setup(50).await;
    let mut h = s.start();
    assert_eq!(finished(&run(&mut h, false).await).0, Outcome::Ok);
    let st = s.store();
    let c = mirror::contacts(st.conn())
        .unwrap()
        .into_iter()
        .find(|c| c.contactid == contact_id(3))
        .unwrap();
    assert_eq!(
        (c.ownerid.as_deref(), c.createdon.as_deref()),
        (Some(ANA), Some("2025-06-01T09:00:00Z"))
    );
    shutdown(h).await;
}

/// A run's writes reach the database file itself just after it ends (a
/// checkpoint the store thread does next, which the run does not wait
/// for), not left in the write-ahead log for whichever later commit
/// crosses SQLite's automatic mark: the file alone, copied while the
/// engine still runs and does nothing more, holds the finished run and
/// what it pulled.
#[tokio::test]
async fn a_finished_run_is_in_the_database_file_not_only_in_its_log() {
    let s = setup(50).await;
    let mut h = s.start();
    assert_eq!(finished(&run(&mut h, false).await).0, Outcome::Ok);
    assert_eq!(
        in_file_alone(&s).await,
        Some(("ok".into(), CONTACTS as i64))
    );
    shutdown(h).await;
}

/// What a copy of the database file alone (no log) says of the last run
/// and the contacts, once it says the last run was ok with every contact
/// in (read until then, for up to WAIT).
async fn in_file_alone(s: &Setup) -> Option<(String, i64)> {
    let copy = s.dir.path().join("file-alone.db");
    let read = || {
        std::fs::copy(s.store_path(), &copy).ok()?;
        let c = rusqlite::Connection::open(&copy).ok()?;
        c.query_row(
            "SELECT (SELECT outcome FROM sync_runs ORDER BY id DESC LIMIT 1),
                    (SELECT COUNT(*) FROM crm_contacts)",
            [],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )
        .ok()
    };
    let deadline = std::time::Instant::now() + WAIT;
    let mut got = read();
    while got != Some(("ok".into(), CONTACTS as i64)) && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
        got = read();
    }
    got
}

/// An emulator, a store with ANA's and BEN's seats and a stored
/// connection, and the config that reaches the emulator.
pub struct Setup {
    pub sim: SimServer,
    pub dir: tempfile::TempDir,
    pub config: Config,
    pub ana_seat: i64,
    pub ben_seat: i64,
}

impl Setup {
    pub fn store_path(&self) -> PathBuf {
        self.dir.path().join("navsync.db")
    }

    /// An engine that only runs when asked (no schedule).
    pub fn start(&self) -> EngineHandle {
        let options = Options {
            data_dir: self.dir.path().to_path_buf(),
            scheduled: false,
        };
        Engine::start_with(self.config.clone(), &self.store_path(), options).unwrap()
    }

    pub fn store(&self) -> Store {
        Store::open_readonly(&self.store_path()).unwrap()
    }
}

pub async fn setup(page_size: u32) -> Setup {
    let sim = navsync::sim::start(tenant(), SimConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.crm.instance_url = Some(url::Url::parse(&sim.instance_url()).unwrap());
    config.crm.authority_url = url::Url::parse(&sim.authority_url()).unwrap();
    config.crm.tenant_id = TENANT.into();
    config.crm.client_id = CLIENT.into();
    config.crm.secret = SecretSource::Inline(SECRET.into());
    config.crm.page_size = page_size;
    config.sync.auto_sync_all_seats = false;
    let store = Store::open(&dir.path().join("navsync.db")).unwrap();
    let seat = |member: &str, crm: &str, on: bool| {
        seats::upsert(
            store.conn(),
            &NewSeat {
                member_id: member,
                name: member,
                email: None,
                licence: Licence::Member,
                edition: Edition::Team,
                crm_user_id: Some(crm),
                sync_enabled: on,
            },
        )
        .unwrap()
    };
    let ana_seat = seat("ana", ANA, true);
    let ben_seat = seat("ben", BEN, false);
    connection::put(store.conn(), &crate::support::connected(&sim)).unwrap();
    Setup {
        sim,
        dir,
        config,
        ana_seat,
        ben_seat,
    }
}

/// Sends SyncNow and returns every event up to RunFinished.
pub async fn run(h: &mut EngineHandle, dry_run: bool) -> Vec<Event> {
    h.commands.send(Command::SyncNow { dry_run }).unwrap();
    collect(h).await
}

/// The run's events from RunStarted to RunFinished, without status and
/// log noise (and what the previous run announced after it finished).
pub async fn collect(h: &mut EngineHandle) -> Vec<Event> {
    rest_of_run(h, Vec::new()).await
}

/// Continues `out` (empty, or a run's events so far) to RunFinished.
pub async fn rest_of_run(h: &mut EngineHandle, mut out: Vec<Event>) -> Vec<Event> {
    loop {
        let ev = tokio::time::timeout(WAIT, h.events.recv())
            .await
            .expect("run finishes in time")
            .expect("engine alive");
        let before_start = out.is_empty() && !matches!(ev, Event::RunStarted { .. });
        if before_start || matches!(ev, Event::StatusChanged | Event::Log { .. }) {
            continue;
        }
        let end = matches!(ev, Event::RunFinished { .. });
        out.push(ev);
        if end {
            return out;
        }
    }
}

pub fn finished(events: &[Event]) -> (Outcome, String) {
    match events.last() {
        Some(Event::RunFinished {
            outcome, summary, ..
        }) => (*outcome, navsync::describe::run_summary(summary)),
        other => panic!("no RunFinished: {other:?}"),
    }
}

/// Rows per phase from the PhaseFinished events.
pub fn phase_rows(events: &[Event]) -> Vec<(Phase, u64)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::PhaseFinished { phase, rows, .. } => Some((*phase, *rows)),
            _ => None,
        })
        .collect()
}

fn ids(s: &Store, kind: ItemKind, seat: i64) -> Vec<String> {
    saved::list(s.conn(), kind, seat)
        .unwrap()
        .into_iter()
        .map(|i| i.item_id)
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// ANA's saved accounts and leads with every open opportunity of hers
/// (0, 2, 4) selected.
fn ana_expected() -> (Vec<String>, Vec<String>) {
    let accounts = sorted([0, 2, 4].map(account_id).to_vec());
    let leads = sorted([0, 6, 12, 2, 8, 14, 4, 10, 16].map(contact_id).to_vec());
    (accounts, leads)
}

/// GET requests the emulator counted since the last reset.
fn gets(s: &Setup) -> u64 {
    s.sim
        .control()
        .requests()
        .iter()
        .filter(|(k, _)| k.starts_with("GET "))
        .map(|(_, n)| n)
        .sum()
}

#[tokio::test]
async fn a_first_full_run_then_a_change_touches_only_that_change() {
    let s = setup(5).await;
    let mut h = s.start();
    let events = run(&mut h, false).await;
    assert_eq!(
        events[0],
        Event::RunStarted {
            run_id: 1,
            mode: RunMode::Full
        }
    );
    // The four tables are read at once: all start, progress while open,
    // and finish in run order; then the saved lists and writeback, one
    // after the other.
    let mut expect = Phase::ALL.iter().copied();
    let mut open: Vec<Phase> = Vec::new();
    let mut finished_order = Vec::new();
    for e in &events[1..events.len() - 1] {
        match e {
            Event::PhaseStarted { phase, .. } => {
                assert_eq!(Some(*phase), expect.next());
                let table_phase = pull::TABLE_PHASES.iter().any(|(p, _)| p == phase);
                assert!(
                    open.is_empty() || table_phase,
                    "{phase:?} started while {open:?} were open"
                );
                open.push(*phase);
            }
            Event::Progress { phase, .. } => assert!(open.contains(phase), "{phase:?}"),
            Event::PhaseFinished { phase, .. } => {
                assert!(open.contains(phase), "{phase:?}");
                open.retain(|p| p != phase);
                finished_order.push(*phase);
            }
            _ => {}
        }
    }
    assert_eq!(finished_order, Phase::ALL, "phases finish in run order");
    // A full run knows how many rows each table holds (RetrieveTotalRecordCount).
    let totals: Vec<(Phase, Option<u64>)> = events
        .iter()
        .filter_map(|e| match e {
            Event::PhaseStarted { phase, total, .. } => Some((*phase, *total)),
            _ => None,
        })
        .collect();
    assert_eq!(
        totals[..4],
        [
            (Phase::Users, Some(3)),
            (Phase::Opportunities, Some(OPPS as u64)),
            (Phase::Accounts, Some(ACCOUNTS as u64)),
            (Phase::Contacts, Some(CONTACTS as u64)),
        ]
    );
    assert_eq!(expect.next(), None, "every phase ran");
    assert_eq!(
        phase_rows(&events),
        [
            (Phase::Users, 3),
            (Phase::Opportunities, OPPS as u64),
            (Phase::Accounts, ACCOUNTS as u64),
            (Phase::Contacts, CONTACTS as u64),
            (Phase::SavedLists, 12),
            (Phase::Writeback, 0),
        ]
    );
    assert_eq!(finished(&events).0, Outcome::Ok);
    {
        let st = s.store();
        let (accounts, leads) = ana_expected();
        assert_eq!(ids(&st, ItemKind::Account, s.ana_seat), accounts);
        assert_eq!(ids(&st, ItemKind::Contact, s.ana_seat), leads);
        assert!(
            ids(&st, ItemKind::Account, s.ben_seat).is_empty(),
            "ben's sync is off"
        );
        assert_eq!(runs::recent(st.conn(), 1).unwrap()[0].phases.len(), 6);
    }

    // No change: one request per table.
    s.sim.control().reset_counters();
    let events = run(&mut h, false).await;
    assert_eq!(
        events[0],
        Event::RunStarted {
            run_id: 2,
            mode: RunMode::Incremental
        }
    );
    assert_eq!(gets(&s), 4);
    assert!(
        phase_rows(&events).iter().all(|(_, n)| *n == 0),
        "{events:?}"
    );

    // One opportunity won: one row read, what it alone brought removed.
    let won = json!({"statecode": 1, "statuscode": 3});
    s.sim
        .control()
        .update_row(
            "opportunities",
            &opp_id(0),
            won.as_object().cloned().unwrap(),
        )
        .unwrap();
    s.sim.control().reset_counters();
    let events = run(&mut h, false).await;
    assert_eq!(gets(&s), 4);
    assert_eq!(
        phase_rows(&events),
        [
            (Phase::Users, 0),
            (Phase::Opportunities, 1),
            (Phase::Accounts, 0),
            (Phase::Contacts, 0),
            (Phase::SavedLists, 4),
            (Phase::Writeback, 0),
        ]
    );
    let (summary_outcome, summary) = finished(&events);
    assert_eq!(summary_outcome, Outcome::Ok);
    assert!(summary.contains("removed 1 account, 3 leads"), "{summary}");
    let st = s.store();
    assert_eq!(
        ids(&st, ItemKind::Account, s.ana_seat),
        sorted([2, 4].map(account_id).to_vec())
    );
    assert!(!ids(&st, ItemKind::Contact, s.ana_seat).contains(&contact_id(12)));
    shutdown(h).await;
}

#[tokio::test]
async fn an_expired_delta_token_gives_one_full_read_with_delete_reconciliation() {
    let s = setup(5).await;
    let mut h = s.start();
    assert_eq!(finished(&run(&mut h, false).await).0, Outcome::Ok);
    let ctl = s.sim.control();
    assert!(ctl.delete_row("contacts", &contact_id(23)).unwrap());
    ctl.expire_delta_tokens();
    let events = run(&mut h, false).await;
    let mut rejected: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::DeltaRejected { table, .. } => Some(table.as_str()),
            _ => None,
        })
        .collect();
    // The tables are read at once: each is rejected once, in any order.
    rejected.sort_unstable();
    assert_eq!(
        rejected,
        ["accounts", "contacts", "opportunities", "systemusers"]
    );
    let (outcome, summary) = finished(&events);
    assert_eq!(outcome, Outcome::Ok);
    assert!(summary.contains("full re-read"), "{summary}");
    let st = s.store();
    assert_eq!(runs::recent(st.conn(), 1).unwrap()[0].mode, RunMode::Full);
    assert_eq!(
        mirror::count(st.conn(), Table::Contacts).unwrap(),
        CONTACTS as i64 - 1
    );
    // And the next run is incremental again.
    drop(st);
    s.sim.control().reset_counters();
    let events = run(&mut h, false).await;
    assert!(matches!(
        events[0],
        Event::RunStarted {
            mode: RunMode::Incremental,
            ..
        }
    ));
    assert_eq!(gets(&s), 4);
    shutdown(h).await;
}

/// A table without change tracking (the server ignores
/// `Prefer: odata.track-changes` and sends no delta link) is read in full
/// every run, and each complete read still removes what the CRM deleted.
#[tokio::test]
async fn a_full_read_without_a_delta_link_still_reconciles_deletions() {
    let s = setup(5).await;
    s.sim.control().set_change_tracking("contacts", false);
    let mut h = s.start();
    assert_eq!(finished(&run(&mut h, false).await).0, Outcome::Ok);
    let st = s.store();
    assert_eq!(
        mirror::delta_link(st.conn(), Table::Contacts).unwrap(),
        None
    );
    assert_eq!(
        mirror::count(st.conn(), Table::Contacts).unwrap(),
        CONTACTS as i64
    );
    assert!(ids(&st, ItemKind::Contact, s.ana_seat).contains(&contact_id(12)));
    drop(st);
    assert!(
        s.sim
            .control()
            .delete_row("contacts", &contact_id(12))
            .unwrap()
    );
    assert_eq!(finished(&run(&mut h, false).await).0, Outcome::Ok);
    let st = s.store();
    assert_eq!(
        mirror::count(st.conn(), Table::Contacts).unwrap(),
        CONTACTS as i64 - 1
    );
    assert!(
        !ids(&st, ItemKind::Contact, s.ana_seat).contains(&contact_id(12)),
        "what the deleted contact brought in is gone too"
    );
    shutdown(h).await;
}

#[tokio::test]
async fn a_cancelled_pull_keeps_its_pages_and_the_next_run_completes_it() {
    let s = setup(2).await;
    let mut h = s.start();
    s.sim.control().set_latency(Duration::from_millis(40));
    h.commands
        .send(Command::SyncNow { dry_run: false })
        .unwrap();
    // Cancel once the contacts are half read.
    let mut events = Vec::new();
    loop {
        let ev = tokio::time::timeout(WAIT, h.events.recv())
            .await
            .unwrap()
            .unwrap();
        let cancel =
            matches!(ev, Event::Progress { phase: Phase::Contacts, done, .. } if done >= 6);
        events.push(ev);
        if cancel {
            h.commands.send(Command::Cancel).unwrap();
            break;
        }
    }
    let events = rest_of_run(&mut h, events).await;
    let (outcome, summary) = finished(&events);
    assert_eq!(outcome, Outcome::Cancelled);
    assert!(summary.contains("resumes"), "{summary}");
    {
        let st = s.store();
        let got = mirror::count(st.conn(), Table::Contacts).unwrap();
        assert!(
            got > 0 && got < CONTACTS as i64,
            "{got} contacts after the cancel"
        );
        assert!(
            mirror::delta_link(st.conn(), Table::Contacts)
                .unwrap()
                .is_none()
        );
        assert!(
            mirror::delta_link(st.conn(), Table::Accounts)
                .unwrap()
                .is_some()
        );
        assert_eq!(
            runs::recent(st.conn(), 1).unwrap()[0].outcome,
            Outcome::Cancelled
        );
    }
    s.sim.control().set_latency(Duration::ZERO);
    s.sim.control().reset_counters();
    let events = run(&mut h, false).await;
    assert_eq!(finished(&events).0, Outcome::Ok);
    // Finished tables go incremental (1 request each), contacts are read
    // again, and the run, being full, refreshes the two metadata choices
    // and asks for the table sizes once.
    assert_eq!(gets(&s), 2 + 1 + 3 + (CONTACTS as u64).div_ceil(2));
    let st = s.store();
    let mut got = mirror::contacts(st.conn())
        .unwrap()
        .into_iter()
        .map(|c| c.contactid)
        .collect::<Vec<_>>();
    got.sort();
    assert_eq!(
        got,
        sorted((0..CONTACTS).map(contact_id).collect()),
        "every row exactly once"
    );
    shutdown(h).await;
}

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_default()
}

fn wal(p: &Path) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push("-wal");
    PathBuf::from(s)
}

/// The store's bytes (file and log) once the checkpoint a run queued as
/// it ended is done: the file alone holds the run, and two reads 50 ms
/// apart agree.
async fn settled_bytes(s: &Setup) -> (Vec<u8>, Vec<u8>) {
    assert_eq!(in_file_alone(s).await, Some(("ok".into(), CONTACTS as i64)));
    let path = s.store_path();
    let deadline = std::time::Instant::now() + WAIT;
    let mut last = (bytes(&path), bytes(&wal(&path)));
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = (bytes(&path), bytes(&wal(&path)));
        if now == last || std::time::Instant::now() > deadline {
            return now;
        }
        last = now;
    }
}

#[tokio::test]
async fn a_dry_run_reports_but_changes_neither_the_store_nor_the_crm() {
    let s = setup(5).await;
    let mut h = s.start();
    assert_eq!(finished(&run(&mut h, false).await).0, Outcome::Ok);
    let before = settled_bytes(&s).await;
    let won = json!({"statecode": 1, "statuscode": 3});
    let ctl = s.sim.control();
    ctl.update_row(
        "opportunities",
        &opp_id(0),
        won.as_object().cloned().unwrap(),
    )
    .unwrap();
    let path = s.store_path();
    let crm_before: Vec<_> = [
        "systemusers",
        "opportunities",
        "accounts",
        "contacts",
        "tasks",
    ]
    .iter()
    .map(|t| ctl.rows(t))
    .collect();
    let events = run(&mut h, true).await;
    assert!(matches!(
        events[0],
        Event::RunStarted {
            mode: RunMode::DryRun,
            ..
        }
    ));
    let (outcome, summary) = finished(&events);
    assert_eq!(outcome, Outcome::Ok);
    assert!(
        summary.contains("would remove 1 account, 3 leads"),
        "{summary}"
    );
    assert_eq!(
        (bytes(&path), bytes(&wal(&path))),
        before,
        "store bytes unchanged"
    );
    let crm_after: Vec<_> = [
        "systemusers",
        "opportunities",
        "accounts",
        "contacts",
        "tasks",
    ]
    .iter()
    .map(|t| ctl.rows(t))
    .collect();
    assert_eq!(crm_after, crm_before, "the CRM is only read");
    let st = s.store();
    assert!(ids(&st, ItemKind::Account, s.ana_seat).contains(&account_id(0)));
    assert_eq!(
        runs::recent(st.conn(), 10).unwrap().len(),
        1,
        "no run recorded"
    );
    drop(st);
    shutdown(h).await;
}

#[tokio::test]
async fn a_pipeline_stage_selects_only_opportunities_at_or_past_it() {
    let s = setup(5).await;
    let mut h = s.start();
    h.commands
        .send(Command::SetSetting(
            navsync::engine::interface::command::SettingChange::PipelineStage(Some(2)),
        ))
        .unwrap();
    assert_eq!(finished(&run(&mut h, false).await).0, Outcome::Ok);
    let st = s.store();
    assert_eq!(ids(&st, ItemKind::Account, s.ana_seat), [account_id(2)]);
    assert_eq!(
        ids(&st, ItemKind::Contact, s.ana_seat),
        sorted([2, 8, 14].map(contact_id).to_vec())
    );
    drop(st);
    shutdown(h).await;
}

#[tokio::test]
async fn a_table_the_user_cannot_read_is_reported_recorded_and_classed() {
    let s = setup(5).await;
    s.sim.control().remove_privilege(APP, "prvReadContact");
    let mut h = s.start();
    let events = run(&mut h, false).await;
    let err = events
        .iter()
        .find_map(|e| match e {
            Event::Error(e) => Some(e.clone()),
            _ => None,
        })
        .expect("an error event");
    // A missing read privilege on a table the sync needs is the seed's
    // "required CRM objects could not be read", naming the privilege.
    assert_eq!(err.class, ErrorClass::ObjectsUnreadable);
    assert!(err.detail.contains("prvReadContact"), "{err:?}");
    assert_eq!(finished(&events).0, Outcome::Error);
    let st = s.store();
    let last = &runs::recent(st.conn(), 1).unwrap()[0];
    assert_eq!(last.error_kind, Some(ErrorClass::ObjectsUnreadable));
    let conn = connection::get(st.conn()).unwrap().unwrap();
    assert_eq!(conn.last_error_kind, Some(ErrorClass::ObjectsUnreadable));
    drop(st);
    shutdown(h).await;
}

#[tokio::test]
async fn a_429_wait_is_forwarded_and_counted() {
    let s = setup(5).await;
    s.sim.control().throttle_next(1, Duration::from_secs(1));
    let mut h = s.start();
    let events = run(&mut h, false).await;
    assert!(
        events.contains(&Event::Throttled {
            retry_after: Duration::from_secs(1)
        }),
        "{events:?}"
    );
    assert_eq!(finished(&events).0, Outcome::Ok);
    let st = s.store();
    assert_eq!(runs::recent(st.conn(), 1).unwrap()[0].throttle_waits, 1);
    drop(st);
    shutdown(h).await;
}

/// A config file reaching the emulator, pages of 5 rows.
pub fn config_file(s: &Setup) -> PathBuf {
    crate::support::write_config(
        &s.sim,
        s.dir.path(),
        &format!(
            "page_size = 5\n[sync]\nauto_sync_all_seats = false\n[writeback]\nenabled = {}\n",
            s.config.writeback.enabled
        ),
    )
}

/// `navsync ARGS` on the setup's config and data dir.
pub fn navsync(s: &Setup, args: &[&str]) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_navsync"));
    c.env("LC_ALL", "C");
    c.arg("--config")
        .arg(config_file(s))
        .arg("--data-dir")
        .arg(s.dir.path())
        .args(args)
        .env(crate::support::SECRET_ENV, SECRET)
        .stdin(std::process::Stdio::null());
    c
}

/// Asserts exit 0 (showing both streams otherwise); returns stdout.
pub fn succeeded(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// `navsync sync --once` as cron would run it, against the emulator.
async fn sync_once(s: &Setup, extra: &[&str]) -> std::process::Output {
    navsync(s, &[&["sync", "--once"], extra].concat())
        .output()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_once_runs_a_cycle_and_a_dry_run_changes_nothing() {
    let s = setup(5).await;
    let out = sync_once(&s, &[]).await;
    let stdout = succeeded(&out);
    assert!(stdout.contains("imported 3 accounts, 9 leads"), "{stdout}");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains('\r'),
        "no progress line off a terminal"
    );

    let won = json!({"statecode": 1, "statuscode": 3});
    let ctl = s.sim.control();
    ctl.update_row(
        "opportunities",
        &opp_id(0),
        won.as_object().cloned().unwrap(),
    )
    .unwrap();
    let path = s.store_path();
    let before = (bytes(&path), bytes(&wal(&path)));
    let crm_before = ctl.rows("opportunities");
    let out = sync_once(&s, &["--dry-run"]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("would remove 1 account, 3 leads"),
        "{stdout}"
    );
    assert_eq!(
        (bytes(&path), bytes(&wal(&path))),
        before,
        "store bytes unchanged"
    );
    assert_eq!(ctl.rows("opportunities"), crm_before);

    ctl.remove_privilege(APP, "prvReadAccount");
    let out = sync_once(&s, &[]).await;
    assert_eq!(out.status.code(), Some(6), "objects unreadable");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Next step"));
}

#[tokio::test]
async fn a_due_engine_syncs_by_itself_once_and_schedules_the_next_run() {
    let s = setup(5).await;
    s.sim.control().set_latency(Duration::from_millis(30));
    // Never synced, so due at once; no SyncNow is sent.
    let mut h = Engine::start(s.config.clone(), &s.store_path()).unwrap();
    loop {
        let ev = tokio::time::timeout(WAIT, h.events.recv())
            .await
            .unwrap()
            .unwrap();
        if matches!(ev, Event::RunStarted { .. }) {
            break;
        }
    }
    // Never two runs at once.
    h.commands
        .send(Command::SyncNow { dry_run: false })
        .unwrap();
    let events = rest_of_run(&mut h, vec![Event::StatusChanged]).await;
    assert!(
        events.iter().any(|e| matches!(e, Event::ActionResult { ok: false, reply } if navsync::describe::reply(reply).contains("already running"))),
        "{events:?}"
    );
    assert_eq!(finished(&events).0, Outcome::Ok);
    let next = h.status.borrow().next_sync.expect("next run scheduled");
    let in_a_day = chrono::Utc::now() + chrono::Duration::hours(24);
    assert!((in_a_day - next).num_seconds().abs() < 120, "{next}");
    shutdown(h).await;
    let st = s.store();
    assert_eq!(
        runs::recent(st.conn(), 10).unwrap().len(),
        1,
        "one run only"
    );
}

#[tokio::test]
async fn connect_checks_then_syncs_and_disconnect_purge_removes_what_the_crm_brought() {
    let s = setup(5).await;
    let mut h = s.start();
    h.commands.send(Command::Connect).unwrap();
    let mut connected = false;
    loop {
        match tokio::time::timeout(WAIT, h.events.recv())
            .await
            .unwrap()
            .unwrap()
        {
            Event::ActionResult { ok, reply } => {
                let message = navsync::describe::reply(&reply);
                assert!(ok, "{message}");
                assert!(message.contains("sync in progress"), "{message}");
                connected = true;
            }
            Event::RunStarted { .. } => break,
            Event::Error(e) => panic!("{e:?}"),
            _ => {}
        }
    }
    assert!(connected && h.status.borrow().connected);
    let events = rest_of_run(&mut h, vec![Event::StatusChanged]).await;
    assert_eq!(finished(&events).0, Outcome::Ok);
    {
        let st = s.store();
        assert_eq!(ids(&st, ItemKind::Account, s.ana_seat).len(), 3);
        let conn = connection::get(st.conn()).unwrap().unwrap();
        assert_eq!(conn.state, ConnState::Connected);
        assert_eq!(conn.crm_user_id.as_deref(), Some(APP));
    }
    h.commands
        .send(Command::Disconnect { purge: true })
        .unwrap();
    loop {
        if let Event::ActionResult { ok, reply } = tokio::time::timeout(WAIT, h.events.recv())
            .await
            .unwrap()
            .unwrap()
        {
            let message = navsync::describe::reply(&reply);
            assert!(ok, "{message}");
            assert!(message.contains("6 accounts"), "{message}");
            break;
        }
    }
    assert!(!h.status.borrow().connected);
    h.commands
        .send(Command::SyncNow { dry_run: false })
        .unwrap();
    loop {
        if let Event::Error(e) = tokio::time::timeout(WAIT, h.events.recv())
            .await
            .unwrap()
            .unwrap()
        {
            assert_eq!(e.class, ErrorClass::Connection, "not connected any more");
            break;
        }
    }
    shutdown(h).await;
    let st = s.store();
    assert_eq!(mirror::count(st.conn(), Table::Accounts).unwrap(), 0);
    assert!(ids(&st, ItemKind::Account, s.ana_seat).is_empty());
}
