//! The console's reader: a blocking thread with its own read-only store
//! connection. The UI asks for a view (`Load`) and gets a snapshot back on
//! a channel; requests that pile up while it reads are merged, so a burst of
//! `DataChanged` costs one read (gitui's "newer request replaces queued").

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::config::Config;
use crate::engine::View;
use crate::engine::usecases::settings::{self as eff, Effective, FromConsole};
use crate::store::activities::{self, Activity};
use crate::store::connection::{self, ConnectionRow};
use crate::store::mirror::{self, SystemUser, Table};
use crate::store::runs::{self, Run};
use crate::store::seats::{self, Seat};
use crate::store::settings::{self, CrmChoices};
use crate::store::unresolved::{self, NamedCandidate, QueueRow, ResolvedRow};
use crate::store::{self, Store, saved};
use crate::ui::tabs::saved::{Builder, SavedAsk, SavedData, SavedView, Views, words};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Load {
    View(View),
    /// The Saved tab: every seat's saved accounts and leads. Read when the
    /// seats' data changes (the sync's saved-lists phase announces it so).
    Saved,
    /// A window of the Saved tab's lines a filter and a sort show,
    /// worked out here so the console keeps drawing while a million
    /// lines are scanned.
    SavedView(SavedAsk),
    /// The text and candidates of one queued activity.
    Detail(i64),
    /// The entries resolved lately (the queue's "resolved" view).
    Resolved,
    /// What a purge would remove, counted when its confirmation opens
    /// and only then: counting a million-row mirror reads its whole key
    /// index (400 ms at xl from a cold disk), which held the console's
    /// first frame and followed every run.
    Purge,
}

/// What a purge would remove, for the disconnect confirmation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurgeCounts {
    pub mirrored: Vec<(Table, i64)>,
    pub saved_accounts: i64,
    pub saved_leads: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ConnectionData {
    pub row: Option<ConnectionRow>,
    /// The sign-in method config.toml names, when a connect would switch
    /// to it from the stored connection's identity.
    pub switch_to: Option<&'static str>,
}

#[derive(Debug, Clone, Default)]
pub struct SeatsData {
    pub seats: Vec<Seat>,
    /// CRM users, all of them (names for the seat table; the assign list
    /// drops disabled and application users).
    pub users: Vec<SystemUser>,
    pub auto_sync_all: bool,
    /// Per seat id, its activities on their way to the CRM (what the
    /// unassign confirmation says happens to them).
    pub waiting: std::collections::HashMap<i64, seats::Waiting>,
}

#[derive(Debug, Clone)]
pub struct Detail {
    pub activity: Activity,
    pub candidates: Vec<NamedCandidate>,
}

#[derive(Debug, Clone)]
pub struct SettingsData {
    pub effective: Effective,
    pub choices: Option<CrmChoices>,
    /// Which values the console set (they override config.toml).
    pub from_console: FromConsole,
    /// The config file, and the line that sets each value of
    /// [`SETTING_KEYS`] in it (`None`: not in the file, the default).
    pub file: Option<(PathBuf, [Option<usize>; 6])>,
}

/// The config keys of the Settings tab's questions, in its order.
pub(crate) const SETTING_KEYS: [&str; 6] = [
    "sync.auto_sync_all_seats",
    "sync.pipeline_stage",
    "sync.won_value_field",
    "writeback.enabled",
    "writeback.kinds",
    "sync.interval",
];

/// Where config.toml sets each setting; read with the settings, off the
/// console's loop. A file that cannot be read now names no lines.
fn setting_lines(config: &Config) -> Option<(PathBuf, [Option<usize>; 6])> {
    let path = config.source.clone()?;
    let text = std::fs::read_to_string(&path).ok()?;
    let lines = SETTING_KEYS.map(|k| crate::config::key_line(&text, k));
    Some((path, lines))
}

#[derive(Debug, Clone)]
pub enum Snapshot {
    Connection(Box<ConnectionData>),
    Purge(PurgeCounts),
    Sync(Vec<Run>),
    Seats(SeatsData),
    Queue(Vec<QueueRow>),
    Saved(Box<SavedData>),
    SavedView(SavedView),
    Resolved(Vec<ResolvedRow>),
    Detail(Box<Detail>),
    Settings(Box<SettingsData>),
    /// A read failed; shown in the log, the old data stays on screen.
    Failed(String),
}

/// How many past runs the Sync tab lists.
const HISTORY: usize = 50;

/// How many resolved entries the queue's "resolved" view lists.
const RESOLVED: usize = 500;

/// What the reader keeps between reads: the Saved tab's lines and the
/// last window asked of them.
#[derive(Debug, Default)]
pub struct Reader {
    saved: Option<Views>,
    asked: SavedAsk,
}

impl Reader {
    /// Reads the store for `load`.
    pub fn read(
        &mut self,
        conn: &rusqlite::Connection,
        config: &Config,
        load: Load,
    ) -> store::Result<Snapshot> {
        Ok(match load {
            Load::Saved => self.saved(conn)?,
            Load::SavedView(q) => {
                self.asked = q;
                match &mut self.saved {
                    Some(views) => Snapshot::SavedView(views.window(&self.asked, &words())),
                    None => self.saved(conn)?,
                }
            }
            Load::View(View::Connection) => {
                let row = connection::get(conn)?;
                let switch_to = row
                    .as_ref()
                    .and_then(|r| crate::engine::usecases::connection::other_sign_in(r, config));
                Snapshot::Connection(Box::new(ConnectionData { row, switch_to }))
            }
            Load::Purge => {
                let (saved_accounts, saved_leads) = saved::count_from_crm(conn)?;
                let mirrored = Table::ALL
                    .into_iter()
                    .map(|t| Ok((t, mirror::count(conn, t)?)))
                    .collect::<store::Result<_>>()?;
                Snapshot::Purge(PurgeCounts {
                    mirrored,
                    saved_accounts,
                    saved_leads,
                })
            }
            Load::View(View::Sync) => Snapshot::Sync(runs::recent(conn, HISTORY)?),
            Load::View(View::Seats) => Snapshot::Seats(SeatsData {
                seats: seats::list(conn)?,
                users: mirror::systemusers(conn)?,
                auto_sync_all: eff::effective(conn, config)?.auto_sync_all_seats,
                waiting: seats::waiting(conn)?,
            }),
            Load::View(View::Unresolved) => Snapshot::Queue(unresolved::queue_rows(conn)?),
            Load::View(View::Settings) => Snapshot::Settings(Box::new(SettingsData {
                effective: eff::effective(conn, config)?,
                choices: settings::crm_choices(conn)?,
                from_console: eff::from_console(conn)?,
                file: setting_lines(config),
            })),
            Load::Resolved => Snapshot::Resolved(unresolved::resolved_rows(conn, RESOLVED)?),
            Load::Detail(id) => match activities::get(conn, id)? {
                Some(activity) => Snapshot::Detail(Box::new(Detail {
                    activity,
                    candidates: unresolved::candidates_named(conn, id)?,
                })),
                None => Snapshot::Failed(format!("activity {id} is no longer in the store")),
            },
        })
    }

    /// Reads the Saved tab's lines anew, with the window last asked for.
    fn saved(&mut self, conn: &rusqlite::Connection) -> store::Result<Snapshot> {
        let mut builder = Builder::default();
        saved::for_each_workspace_row(conn, |row| builder.push(row))?;
        let views = self.saved.insert(Views::new(Arc::new(builder.finish())));
        let view = views.window(&self.asked, &words());
        Ok(Snapshot::Saved(Box::new(SavedData {
            index: Arc::clone(views.index()),
            view,
        })))
    }
}

/// Every view, for the first paint.
pub const ALL_VIEWS: [Load; 7] = [
    Load::View(View::Connection),
    Load::View(View::Sync),
    Load::View(View::Seats),
    Load::View(View::Unresolved),
    Load::View(View::Settings),
    Load::Saved,
    Load::Resolved,
];

/// Starts the reader threads. They end when the request sender is dropped.
///
/// The Saved tab's lines have a thread of their own: at a million lines
/// reading them takes seconds, and every other tab's refresh queued
/// behind them would wait as long (the Unresolved tab during a run).
pub fn spawn(
    store_path: PathBuf,
    config: Arc<Config>,
) -> (
    mpsc::UnboundedSender<Load>,
    mpsc::UnboundedReceiver<Snapshot>,
) {
    let (req_tx, req_rx) = mpsc::unbounded_channel::<Load>();
    let (saved_tx, saved_rx) = mpsc::unbounded_channel::<Load>();
    let (snap_tx, snap_rx) = mpsc::unbounded_channel();
    let lanes = [(req_rx, Some(saved_tx)), (saved_rx, None)];
    for (rx, saved_lane) in lanes {
        let (store_path, config, snap_tx) =
            (store_path.clone(), Arc::clone(&config), snap_tx.clone());
        tokio::task::spawn_blocking(move || serve(&store_path, &config, rx, &snap_tx, saved_lane));
    }
    (req_tx, snap_rx)
}

/// Whether a read is the Saved tab's, for its own thread.
fn is_saved(load: &Load) -> bool {
    matches!(load, Load::Saved | Load::SavedView(_))
}

/// One reader thread: answers what `rx` asks until it closes, passing
/// the Saved tab's reads on to `saved_lane` when there is one.
fn serve(
    store_path: &std::path::Path,
    config: &Config,
    mut rx: mpsc::UnboundedReceiver<Load>,
    snap_tx: &mpsc::UnboundedSender<Snapshot>,
    saved_lane: Option<mpsc::UnboundedSender<Load>>,
) {
    let store = match Store::open_readonly(store_path) {
        Ok(s) => s,
        Err(e) => {
            let _ = snap_tx.send(Snapshot::Failed(e.to_string()));
            return;
        }
    };
    let mut reader = Reader::default();
    while let Some(first) = rx.blocking_recv() {
        let mut batch = vec![first];
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
        }
        if let Some(lane) = &saved_lane {
            let (saved, rest): (Vec<Load>, Vec<Load>) = batch.into_iter().partition(is_saved);
            for load in saved {
                let _ = lane.send(load);
            }
            batch = rest;
        }
        // Only the newest detail and Saved view matter: the cursor and
        // the filter moved on. A Saved read answers the view too.
        let newest = |is: fn(&Load) -> bool| batch.iter().rev().find(|l| is(l)).cloned();
        let newest_detail = newest(|l| matches!(l, Load::Detail(_)));
        let newest_view = newest(|l| matches!(l, Load::SavedView(_)));
        let rereads_saved = batch.contains(&Load::Saved);
        if rereads_saved && let Some(Load::SavedView(q)) = &newest_view {
            reader.asked = q.clone();
        }
        let mut seen = HashSet::new();
        for load in batch {
            let stale = match &load {
                Load::Detail(_) => Some(&load) != newest_detail.as_ref(),
                Load::SavedView(_) => rereads_saved || Some(&load) != newest_view.as_ref(),
                _ => false,
            };
            if stale || !seen.insert(load.clone()) {
                continue;
            }
            let snap = reader
                .read(store.conn(), config, load)
                .unwrap_or_else(|e| Snapshot::Failed(e.to_string()));
            if snap_tx.send(snap).is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The thread of every other tab passes the Saved tab's reads on and
    /// answers only its own, so a long read of the lines holds up nothing.
    #[test]
    fn the_saved_tabs_reads_go_to_their_own_thread() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("navsync.db");
        drop(Store::open(&path).expect("a store"));
        let (tx, rx) = mpsc::unbounded_channel();
        let (lane_tx, mut lane_rx) = mpsc::unbounded_channel();
        let (snap_tx, mut snap_rx) = mpsc::unbounded_channel();
        let view = Load::SavedView(SavedAsk::default());
        for load in [Load::Saved, Load::View(View::Sync), view.clone()] {
            tx.send(load).expect("the thread's channel");
        }
        drop(tx);
        serve(&path, &Config::default(), rx, &snap_tx, Some(lane_tx));
        drop(snap_tx);
        let passed_on: Vec<Load> = std::iter::from_fn(|| lane_rx.try_recv().ok()).collect();
        assert_eq!(passed_on, [Load::Saved, view]);
        let answered: Vec<Snapshot> = std::iter::from_fn(|| snap_rx.try_recv().ok()).collect();
        assert!(
            matches!(answered.as_slice(), [Snapshot::Sync(_)]),
            "{answered:?}"
        );
    }
}
