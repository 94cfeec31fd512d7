//! `navsync bench match`: 50k activities against 200k contacts from a
//! deterministic synthetic tenant, timed as index build + matching, against
//! a same-run floor: a plain exact-e-mail HashMap over the same data (the
//! least any matcher must do). Generation is not timed. `bench scale`
//! runs the same work against 1M contacts, written into a store by a
//! child process and indexed from there, as writeback does.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::Config;
use crate::engine::usecases::matching::{Matcher, Member};
use crate::engine::usecases::writeback::PREPARE_BATCH;
use crate::exit::ExitStatus;
use crate::store::mirror::{self, Account, Contact, Row, Table};
use crate::store::{Store, StoreError};

const ACCOUNTS: usize = 20_000;
const CONTACTS: usize = 200_000;
pub(super) const ACTIVITIES: usize = 50_000;
const SEED: u64 = 7;

const GIVEN: &[&str] = &[
    "Ana", "José", "María", "Jürgen", "Zoë", "Liam", "Olivia", "Noah", "Emma", "Lucía", "Mateo",
    "Sofía", "Hugo", "Chloé", "Léa", "Björn", "Åsa", "Pedro", "Inés", "Tomás", "Aoife", "Seán",
    "Kenji", "Priya", "Omar", "Fatima", "Ivan", "Olga", "Marco", "Giulia", "Pierre", "Amélie",
    "Lars", "Ingrid", "Carlos", "Elena", "David", "Sarah", "James", "Laura",
];
const FAMILY: &[&str] = &[
    "García",
    "Fernández",
    "López",
    "Martínez",
    "Müller",
    "Schmidt",
    "O'Brien",
    "Smith",
    "Jones",
    "Brown",
    "Dubois",
    "Lefèvre",
    "Rossi",
    "Bianchi",
    "Nowak",
    "Kowalski",
    "Andersson",
    "Johansson",
    "Novák",
    "Horváth",
    "Tanaka",
    "Suzuki",
    "Patel",
    "Sharma",
    "Haddad",
    "Petrov",
    "Ivanova",
    "Silva",
    "Santos",
    "Costa",
    "Murphy",
    "Kelly",
    "Walsh",
    "Nieminen",
    "Korhonen",
    "Yilmaz",
    "Kaya",
    "Papadopoulos",
    "Nagy",
    "Popescu",
];
const WORDS: &[&str] = &[
    "Acme", "Nimbus", "Vértice", "Nordic", "Iberia", "Atlas", "Quantum", "Helix", "Zenit",
    "Orbital", "Cobalt", "Lumen", "Pioneer", "Summit", "Vector", "Aurora",
];
const SUFFIXES: &[&str] = &[
    "Inc.", "Ltd", "S.A.", "S.L.", "GmbH", "AG", "plc", "Corp", "LLC",
];

struct Tenant {
    accounts: Vec<Account>,
    contacts: Vec<Contact>,
}

/// What a synthetic activity says about its member.
#[derive(serde::Serialize, serde::Deserialize)]
struct MemberSeed {
    name: String,
    company: Option<String>,
    email: Option<String>,
    profile_url: Option<String>,
}

fn pick<'a>(rng: &mut ChaCha8Rng, xs: &[&'a str]) -> &'a str {
    xs[rng.random_range(0..xs.len())]
}

/// Record `i`'s id, a GUID as Dataverse's ids are (36 characters: an
/// index that holds ids as text pays for every one).
fn guid(kind: u64, i: usize) -> String {
    uuid::Uuid::from_u64_pair(kind, i as u64).to_string()
}

fn generate(contacts: usize, accounts: usize) -> (Tenant, Vec<MemberSeed>) {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let (n_contacts, n_accounts) = (contacts, accounts);
    let accounts: Vec<Account> = (0..n_accounts)
        .map(|i| {
            let word = pick(&mut rng, WORDS);
            Account {
                accountid: guid(0xa, i),
                name: format!("{word} {i} {}", pick(&mut rng, SUFFIXES)),
                websiteurl: Some(format!("https://www.{}{i}.com/", word.to_lowercase())),
                parentaccountid: None,
                ownerid: None,
                modifiedon: None,
            }
        })
        .collect();
    let contacts: Vec<Contact> = (0..n_contacts)
        .map(|i| {
            let given = pick(&mut rng, GIVEN);
            let family = pick(&mut rng, FAMILY);
            let ascii = deunicode::deunicode(&format!("{given}.{family}")).to_lowercase();
            Contact {
                contactid: guid(0xc, i),
                fullname: format!("{given} {family}"),
                firstname: Some(given.into()),
                lastname: Some(family.into()),
                email: rng
                    .random_bool(0.7)
                    .then(|| format!("{ascii}.{i}@example{}.com", i % n_accounts)),
                jobtitle: None,
                parentaccountid: Some(guid(0xa, rng.random_range(0..n_accounts))),
                linkedin_url: rng
                    .random_bool(0.5)
                    .then(|| format!("https://www.linkedin.com/in/{ascii}-{i}")),
                ownerid: None,
                createdon: None,
                modifiedon: None,
            }
        })
        .collect();
    let members = (0..ACTIVITIES)
        .map(|_| {
            let c = &contacts[rng.random_range(0..n_contacts)];
            let account = c
                .parentaccountid
                .as_deref()
                .and_then(|a| uuid::Uuid::parse_str(a).ok())
                .and_then(|a| accounts.get(a.as_u64_pair().1 as usize));
            let company = account.map(|a| a.name.clone());
            match rng.random_range(0..100) {
                0..35 => MemberSeed {
                    name: c.fullname.clone(),
                    company,
                    email: c.email.as_ref().map(|e| e.to_uppercase()),
                    profile_url: None,
                },
                35..55 => MemberSeed {
                    name: c.fullname.clone(),
                    company: None,
                    email: None,
                    profile_url: c.linkedin_url.as_ref().map(|u| format!("{u}/?trk=bench")),
                },
                55..85 => MemberSeed {
                    name: deunicode::deunicode(&c.fullname).to_uppercase(),
                    company: company.map(|n| n.split(' ').take(2).collect::<Vec<_>>().join(" ")),
                    email: None,
                    profile_url: None,
                },
                _ => MemberSeed {
                    name: format!("{} {}", pick(&mut rng, GIVEN), pick(&mut rng, FAMILY)),
                    company: Some(format!("Unknown {} Ltd", rng.random_range(0..1000))),
                    email: None,
                    profile_url: None,
                },
            }
        })
        .collect();
    (Tenant { accounts, contacts }, members)
}

pub fn run() -> ExitStatus {
    println!(
        "bench match: {ACTIVITIES} activities against {CONTACTS} contacts and {ACCOUNTS} accounts (seed {SEED})"
    );
    let (tenant, seeds) = generate(CONTACTS, ACCOUNTS);
    let m = time(
        || {
            Ok(Matcher::new(
                &tenant.contacts,
                &tenant.accounts,
                Config::default().matching,
            ))
        },
        seeds.chunks(PREPARE_BATCH).map(Ok),
    );
    let Ok(m) = m else {
        return ExitStatus::Failure;
    };
    let total = m.build + m.matching;
    println!("  index build            {:8.3} s", m.build);
    println!(
        "  matching               {:8.3} s   {} matched, {} unmatched",
        m.matching,
        m.matched,
        ACTIVITIES - m.matched
    );
    println!(
        "  total                  {total:8.3} s   (target <= 1 s in release; CPU {})",
        m.cpu.map_or("n/a".into(), |c| format!("{c:.2} s"))
    );
    let (baseline, base_matched) = email_floor(&tenant, &seeds);
    println!(
        "  baseline e-mail lookup {baseline:8.3} s   {base_matched} matched (exact e-mail only)"
    );
    println!(
        "  ratio total/baseline   {:8.1}x",
        total / baseline.max(1e-9)
    );
    ExitStatus::Ok
}

/// What matching `ACTIVITIES` members against a tenant gave.
pub(super) struct Matching {
    pub(super) build: f64,
    pub(super) matching: f64,
    /// CPU time of build and matching (every core's), which other
    /// processes on the machine do not stretch as they stretch the time.
    /// It also counts reading the members' batches from their file
    /// (`bench scale`), which the times leave out: the clock counts in
    /// 10 ms ticks, too coarse to stop and start per batch.
    pub(super) cpu: Option<f64>,
    pub(super) matched: usize,
    /// Resident memory the index added, from /proc (Linux).
    pub(super) index_kb: Option<u64>,
}

fn members(seeds: &[MemberSeed]) -> Vec<Member<'_>> {
    seeds
        .iter()
        .map(|s| Member {
            name: &s.name,
            company: s.company.as_deref(),
            email: s.email.as_deref(),
            profile_url: s.profile_url.as_deref(),
        })
        .collect()
}

/// Times `build` (the index) and the matching, with it, of the members
/// `batches` hands over. Writeback decides its activities
/// [`PREPARE_BATCH`] at a time and holds no more of them than that, so
/// neither does this: a batch is read (untimed) only once the index is
/// built, and dropped before the next.
fn time<B: std::ops::Deref<Target = [MemberSeed]>>(
    build: impl FnOnce() -> Result<Matcher, StoreError>,
    batches: impl IntoIterator<Item = Result<B, String>>,
) -> Result<Matching, String> {
    let before_kb = super::pull::vm_kb("VmRSS");
    let cpu_before = cpu_secs();
    let t = Instant::now();
    let matcher = build().map_err(|e| e.to_string())?;
    let build = t.elapsed().as_secs_f64();
    let index_kb = super::pull::vm_kb("VmRSS")
        .zip(before_kb)
        .map(|(after, before)| after.saturating_sub(before));
    // One member at a time, each decision dropped before the next, as
    // writeback decides (it writes each one out in its transaction).
    let mut matching = 0.0;
    let mut matched = 0;
    for batch in batches {
        let batch = batch?;
        let members = members(&batch);
        let t = Instant::now();
        matched += members
            .iter()
            .filter(|m| matcher.decide(m).contactid.is_some())
            .count();
        matching += t.elapsed().as_secs_f64();
    }
    let cpu = cpu_secs().zip(cpu_before).map(|(a, b)| a - b);
    Ok(Matching {
        build,
        matching,
        cpu,
        matched,
        index_kb,
    })
}

/// This process's CPU time so far, user and system, from /proc (Linux;
/// in clock ticks of 10 ms).
fn cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / 100.0)
}

/// The least any matcher must do: a plain exact-e-mail map over the same
/// contacts; its time and how many members it finds.
fn email_floor(tenant: &Tenant, seeds: &[MemberSeed]) -> (f64, usize) {
    let members = members(seeds);
    let t = Instant::now();
    let mut by_email: HashMap<String, &str> = HashMap::with_capacity(tenant.contacts.len());
    for c in &tenant.contacts {
        if let Some(e) = &c.email {
            by_email.insert(e.to_lowercase(), &c.contactid);
        }
    }
    let matched = members
        .iter()
        .filter(|m| {
            m.email
                .is_some_and(|e| by_email.contains_key(&e.to_lowercase()))
        })
        .count();
    (t.elapsed().as_secs_f64(), matched)
}

/// The members' file beside a store [`fill_store`] wrote: one JSON
/// member a line, so they can be read a batch at a time.
fn members_file(store: &Path) -> PathBuf {
    store.with_extension("members.jsonl")
}

/// Generates `contacts` contacts at `accounts` accounts and writes them
/// into a new store at `path` as a pull would (the mirrors' first-load
/// path), with the members to match beside it. Runs in a child process of
/// `bench scale`, so the generated rows never count in its memory.
pub(super) fn fill_store(path: &Path, contacts: usize, accounts: usize) -> Result<(), String> {
    let (tenant, seeds) = generate(contacts, accounts);
    let mut store = Store::open(path).map_err(|e| e.to_string())?;
    store
        .transaction(|tx| {
            for t in [Table::Accounts, Table::Contacts] {
                mirror::drop_indexes(tx, t)?;
            }
            let accounts = tenant.accounts.into_iter().map(Row::Account);
            let contacts = tenant.contacts.into_iter().map(Row::Contact);
            let rows: Vec<Row> = accounts.chain(contacts).collect();
            for page in rows.chunks(5_000) {
                mirror::insert_all(tx, page)?;
            }
            mirror::ensure_indexes(tx)
        })
        .map_err(|e: StoreError| e.to_string())?;
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(members_file(path)).map_err(|e| e.to_string())?,
    );
    for seed in &seeds {
        serde_json::to_writer(&mut out, seed).map_err(|e| e.to_string())?;
        out.write_all(b"\n").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

/// Matches the members [`fill_store`] left beside the store at `path`
/// against its mirrors, the index built from the store as writeback
/// builds it.
pub(super) fn measure_store(path: &Path) -> Result<Matching, String> {
    let file = std::fs::File::open(members_file(path)).map_err(|e| e.to_string())?;
    let mut lines = std::io::BufReader::new(file).lines();
    let batches = std::iter::from_fn(|| {
        let batch: Result<Vec<MemberSeed>, String> = lines
            .by_ref()
            .take(PREPARE_BATCH)
            .map(|l| {
                let l = l.map_err(|e| e.to_string())?;
                serde_json::from_str(&l).map_err(|e| e.to_string())
            })
            .collect();
        match batch {
            Ok(b) if b.is_empty() => None,
            b => Some(b),
        }
    });
    let store = Store::open_readonly(path).map_err(|e| e.to_string())?;
    time(
        || Matcher::from_store(store.conn(), Config::default().matching),
        batches,
    )
}
