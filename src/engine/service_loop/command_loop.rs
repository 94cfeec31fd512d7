//! The engine's command loop: one task that takes Commands, starts and
//! cancels runs, keeps the schedule and the status snapshot. It never
//! awaits a running sync (the run is its own task), so Cancel, settings
//! and every other command are answered while a pull is under way.

use crate::engine::interface::error::internal_error;
use crate::engine::interface::user_error::user_error;
use crate::engine::ports::CrmSource;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::crm::checks::{Check, CheckFailure, CheckReport, run_checks};
use crate::crm::{Client, ClientConfig, ClientEvent};
use crate::engine::interface::command::Command;
use crate::engine::interface::event::{ErrorClass, Event, Problem, UserError, View};
use crate::engine::interface::health::LastRun;
use crate::engine::interface::note::{Applied, Note, Refusal, Reply};
use crate::engine::ports::client_source::ClientSource;
use crate::engine::run::dry_run::Snapshot;
use crate::engine::run::schedule;
use crate::engine::run::{self, RunReport};
use crate::engine::service_loop::emit::Emitter;
use crate::engine::service_loop::writer::Writer;
use crate::engine::usecases::settings::{self, ApplyError};
use crate::engine::usecases::{connection, import, resolve, seats};
use crate::engine::{Answer, EngineError, Status, initial_status};
use crate::store::runs::{self, Outcome, RunMode};

/// How often the activity inbox is looked at.
const INBOX_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// A connect under way (sign-in and checks, maybe a device-code wait): it
/// runs as its own task so every other command, and Cancel, is answered
/// meanwhile; only its verdict goes through the store writer.
pub(crate) struct Connecting {
    cancel: CancellationToken,
    task: JoinHandle<Result<Checked, EngineError>>,
    /// The new client, without the connect's cancel switch.
    client: Client,
    recheck: bool,
}

/// How a connect task ended.
enum Checked {
    Cancelled,
    /// Recheck with no stored connection.
    NotConnected,
    Done(Box<Verdict>),
}

/// What a finished connect stored, and the status it leaves.
struct Verdict {
    report: CheckReport,
    status: Status,
}

/// A run under way: its cancel switch and the task to await.
struct Running {
    cancel: CancellationToken,
    task: JoinHandle<Result<RunReport, EngineError>>,
    /// The run as recorded, and the store it is recorded in, to close it
    /// should its task end abnormally.
    begun: run::Begun,
    writer: Writer,
    /// A dry run's store copy, kept until the run ends.
    _snapshot: Option<Snapshot>,
}

pub(crate) struct CommandLoop {
    pub config: Arc<Config>,
    pub writer: Writer,
    pub emitter: Emitter,
    pub store_path: PathBuf,
    /// The CRM client of the stored connection; `None` while not connected.
    pub client: Option<Client>,
    /// Where new clients (Connect) send their retries and prompts.
    pub client_events: mpsc::UnboundedSender<ClientEvent>,
    /// The token cache's directory.
    pub data_dir: PathBuf,
    /// Whether the schedule starts runs (see `Options::scheduled`).
    pub scheduled: bool,
    /// The effective sync interval, re-read whenever a setting changes.
    pub interval: std::time::Duration,
    pub next_sync: DateTime<Utc>,
    /// Failed runs in a row: the next try comes sooner than the interval,
    /// after a back-off (`[sync] retry_after_failure`, doubling).
    pub failures: u32,
    /// Paused by `Command::PauseSchedule`: no scheduled run starts.
    pub paused: bool,
    pub connecting: Option<Connecting>,
}

impl CommandLoop {
    pub async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        let mut running: Option<Running> = None;
        let mut inbox_tick = tokio::time::interval(INBOX_EVERY);
        let mut inbox_pass: Option<tokio::task::JoinHandle<()>> = None;
        inbox_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        self.publish_next_sync();
        loop {
            let wait = schedule::wait(self.next_sync, Utc::now());
            tokio::select! {
                cmd = commands.recv() => match cmd {
                    None | Some(Command::Shutdown) => break,
                    Some(cmd) => self.handle(cmd, &mut running).await,
                },
                done = async {
                    match running.as_mut() {
                        Some(r) => (&mut r.task).await,
                        None => std::future::pending().await,
                    }
                } => {
                    if let Some(r) = running.take() {
                        self.run_ended(&r, done).await;
                    }
                }
                checked = async {
                    match self.connecting.as_mut() {
                        Some(c) => (&mut c.task).await,
                        None => std::future::pending().await,
                    }
                } => {
                    if let Some(c) = self.connecting.take()
                        && self.connect_ended(c, checked)
                    {
                        running = self.start_run(false).await;
                        self.say_connected(running.is_some());
                    }
                }
                // Files dropped in the activity inbox, at once and then
                // every INBOX_EVERY.
                _ = inbox_tick.tick(), if self.config.writeback.activity_inbox.is_some() => {
                    if let Some(inbox) = self.config.writeback.activity_inbox.clone()
                        && inbox_pass.as_ref().is_none_or(|p| p.is_finished())
                    {
                        inbox_pass = Some(self.import_inbox(inbox));
                    }
                }
                // A scheduled run only when the CRM can be read; a run
                // already going simply satisfies the schedule.
                _ = tokio::time::sleep(wait), if self.scheduled && !self.paused && self.client.is_some() => {
                    if running.is_none() {
                        running = self.start_run(false).await;
                    } else {
                        self.advance_schedule();
                    }
                }
            }
        }
        // Shutdown: stop the run cleanly (its finished pages stay) and
        // let it record its end before the writer goes; a connect in
        // flight is abandoned unrecorded.
        if let Some(c) = self.connecting.take() {
            c.cancel.cancel();
            let _ = c.task.await;
        }
        if let Some(mut r) = running.take() {
            r.cancel.cancel();
            let done = (&mut r.task).await;
            self.run_ended(&r, done).await;
        }
    }

    async fn handle(&mut self, cmd: Command, running: &mut Option<Running>) {
        match cmd {
            Command::SyncNow { dry_run } => {
                if running.is_some() {
                    self.emitter.action(false, Reply::SyncAlreadyRunning);
                } else {
                    *running = self.start_run(dry_run).await;
                }
            }
            Command::Cancel => match (running, &self.connecting) {
                (Some(r), _) => {
                    r.cancel.cancel();
                    self.emitter.action(true, Reply::CancellingSync);
                }
                (None, Some(c)) => {
                    c.cancel.cancel();
                    self.emitter.action(true, Reply::CancellingConnect);
                }
                (None, None) => self.emitter.action(false, Reply::NoSyncRunning),
            },
            Command::PauseSchedule { paused } => {
                self.paused = paused;
                self.emitter.status(|s| s.schedule_paused = paused);
            }
            Command::SetSetting(change) => {
                self.setting(move |tx, _| settings::apply(tx, &change))
                    .await
            }
            Command::ResetSetting(key) => {
                self.setting(move |tx, config| settings::reset(tx, config, key))
                    .await
            }
            Command::SetSeatSync { seat_ids, enabled } => {
                self.workspace(move |s| seats::set_sync_answer(s, &seat_ids, enabled))
                    .await
            }
            Command::UnassignSeats { seat_ids } => {
                let res = self
                    .writer
                    .call(move |s| Ok::<_, EngineError>(seats::unassign(s, &seat_ids)))
                    .await;
                match res {
                    Ok(Ok(changed)) => {
                        self.emitter.emit(Event::SeatsUnassigned { seats: changed });
                        if changed > 0 {
                            self.emitter.emit(Event::DataChanged(View::Seats));
                        }
                    }
                    Ok(Err(e)) => self.emitter.action(false, Reply::Refused(e.refusal())),
                    Err(e) => self.internal_error(e),
                }
            }
            Command::AssignSeats {
                crm_user_ids,
                licence,
                edition,
            } => {
                self.workspace(move |s| seats::assign_answer(s, &crm_user_ids, licence, edition))
                    .await
            }
            Command::ImportRecords { import, records } => {
                match self
                    .writer
                    .call(move |s| import::import_batch(s, records).map_err(EngineError::from))
                    .await
                {
                    Ok(report) => self.emitter.emit(Event::ImportBatch {
                        import,
                        report: Some(report),
                    }),
                    Err(e) => {
                        self.internal_error(e);
                        self.emitter.emit(Event::ImportBatch {
                            import,
                            report: None,
                        });
                    }
                }
            }
            Command::SkipUnresolved { activity_id, skip } => {
                self.workspace(move |s| resolve::skip(s, activity_id, skip))
                    .await
            }
            Command::ResolveWithContact {
                activity_id,
                contactid,
                how,
                by,
            } => self.with_crm(move |writer, source, emitter| async move {
                let Some(crm) = source.writes() else { return };
                let r =
                    resolve::resolve_with_contact(&writer, crm, activity_id, contactid, how, by)
                        .await;
                answered(&emitter, r);
            }),
            Command::CreateContactAndResolve {
                activity_id,
                contact,
                by,
            } => self.with_crm(move |writer, source, emitter| async move {
                let Some(crm) = source.writes() else { return };
                let r = resolve::create_contact_and_resolve(&writer, crm, activity_id, contact, by)
                    .await;
                answered(&emitter, r);
            }),
            Command::SearchContacts { request_id, query } => {
                self.with_crm(move |writer, source, emitter| async move {
                    let Some(crm) = source.writes() else { return };
                    match resolve::search(&writer, crm, &query).await {
                        Ok(contacts) => emitter.emit(Event::SearchResults {
                            request_id,
                            contacts,
                        }),
                        Err(e) => emitter.action(
                            false,
                            Reply::SearchFailed {
                                error: e.to_string(),
                            },
                        ),
                    }
                })
            }
            Command::Connect | Command::Recheck | Command::Disconnect { .. }
                if running.is_some() =>
            {
                self.emitter.action(false, Reply::BusySyncing);
            }
            Command::Connect | Command::Recheck | Command::Disconnect { .. }
                if self.connecting.is_some() =>
            {
                self.emitter.action(false, Reply::BusyConnecting);
            }
            Command::Connect => self.start_connect(false),
            Command::Recheck => self.start_connect(true),
            Command::Disconnect { purge } => self.disconnect(purge).await,
            Command::Shutdown => {}
        }
    }

    /// Starts signing in and running the prerequisite checks (`recheck`:
    /// on the stored connection) as a task; `connect_ended` takes its
    /// verdict.
    fn start_connect(&mut self, recheck: bool) {
        let client =
            match ClientConfig::from_config(&self.config, &self.data_dir).and_then(Client::new) {
                Ok(c) => c.with_events(self.client_events.clone()),
                Err(e) => {
                    self.emitter.error(user_error(&e));
                    return;
                }
            };
        let cancel = CancellationToken::new();
        let checking = client.with_cancel(cancel.clone());
        let (config, writer, emitter) = (
            self.config.clone(),
            self.writer.clone(),
            self.emitter.clone(),
        );
        let cancelled = cancel.clone();
        let task = tokio::spawn(async move {
            if recheck
                && !writer
                    .call(|s| connection::can_recheck(s).map_err(EngineError::from))
                    .await?
            {
                return Ok(Checked::NotConnected);
            }
            let on_check = |check: &Check| {
                let level = if check.passed {
                    tracing::Level::INFO
                } else {
                    tracing::Level::WARN
                };
                emitter.note(level, Note::Check(check.clone()));
            };
            let report = run_checks(&checking, &connection::check_options(&config), on_check).await;
            if cancelled.is_cancelled() {
                return Ok(Checked::Cancelled);
            }
            let (report, status) = writer
                .call(move |store| {
                    connection::record(&checking, store, &report)?;
                    Ok::<_, EngineError>((report, initial_status(store)?))
                })
                .await?;
            Ok(Checked::Done(Box::new(Verdict { report, status })))
        });
        self.connecting = Some(Connecting {
            cancel,
            task,
            client,
            recheck,
        });
    }

    /// Takes a connect's verdict; returns whether a first sync should
    /// start (a connect, not a re-check, that passed).
    fn connect_ended(
        &mut self,
        c: Connecting,
        checked: Result<Result<Checked, EngineError>, tokio::task::JoinError>,
    ) -> bool {
        let Verdict { report, status } = match checked {
            Ok(Ok(Checked::Done(verdict))) => *verdict,
            Ok(Ok(Checked::Cancelled)) => {
                self.emitter.action(false, Reply::ConnectCancelled);
                return false;
            }
            Ok(Ok(Checked::NotConnected)) => {
                self.emitter.action(false, Reply::NotConnected);
                return false;
            }
            Ok(Err(e)) => {
                self.internal_error(e);
                return false;
            }
            Err(e) => {
                self.internal_error(EngineError::RunPanicked(e.to_string()));
                return false;
            }
        };
        self.emitter.status(|s| {
            s.connected = status.connected;
            s.instance_url = status.instance_url;
            s.crm_user = status.crm_user;
            s.org_version = status.org_version;
            // The checks ran: their verdict replaces any older error (a
            // failure sets its own just below).
            s.last_error = None;
        });
        self.emitter.emit(Event::DataChanged(View::Connection));
        if let Some((user, kind)) = report.signed_in_as() {
            self.emitter
                .note(tracing::Level::INFO, Note::SignedInAs { user, kind });
        }
        match report.failure {
            None => {
                self.client = Some(c.client);
                self.publish_next_sync();
                if c.recheck {
                    self.emitter.action(true, Reply::ChecksPassedAgain);
                }
                !c.recheck
            }
            Some(failure) => {
                self.client = None;
                self.publish_next_sync();
                self.emitter.error(match failure {
                    CheckFailure::Crm(e) => user_error(&e),
                    CheckFailure::Unsupported { check, facts } => UserError::new(
                        ErrorClass::Unsupported,
                        Problem::Unsupported { check, facts },
                        "",
                    ),
                });
                false
            }
        }
    }

    /// The seed's "Successfully connected, sync in progress" only when the
    /// first sync did start.
    fn say_connected(&self, syncing: bool) {
        self.emitter.action(true, Reply::Connected { syncing });
    }

    /// Stops syncing and forgets the sign-in tokens; with `purge`, also
    /// removes what the CRM brought in. The console and `navsync
    /// disconnect` both come here, so they do the same.
    async fn disconnect(&mut self, purge: bool) {
        match self
            .writer
            .call(move |s| Ok::<_, EngineError>(connection::disconnect(s, purge)))
            .await
        {
            Ok(Ok(counts)) => {
                self.client = None;
                self.publish_next_sync();
                // Disconnected is a state of its own, not the last error.
                self.emitter.status(|s| {
                    s.connected = false;
                    s.last_error = None;
                });
                let tokens = crate::paths::token_cache_file(&self.data_dir);
                let tokens_kept = crate::crm::forget_tokens(&tokens)
                    .err()
                    .map(|e| e.to_string());
                self.emitter.action(
                    true,
                    Reply::Disconnected {
                        tokens_kept,
                        purged: counts,
                    },
                );
                self.emitter.emit(Event::DataChanged(View::Connection));
                if purge {
                    self.emitter.emit(Event::DataChanged(View::Seats));
                }
            }
            Ok(Err(e)) => self.emitter.action(
                false,
                Reply::Refused(Refusal::Failed {
                    error: e.to_string(),
                }),
            ),
            Err(e) => self.internal_error(e),
        }
    }

    /// Starts a run task, or says why not.
    async fn start_run(&mut self, dry_run: bool) -> Option<Running> {
        let Some(client) = self.client.clone() else {
            self.emitter.error(not_connected());
            return None;
        };
        let config = self.config.clone();
        let settings = match self
            .writer
            .call(move |s| settings::effective(s.conn(), &config).map_err(EngineError::from))
            .await
        {
            Ok(s) => s,
            Err(e) => {
                self.internal_error(e);
                return None;
            }
        };
        let cancel = CancellationToken::new();
        let source = match ClientSource::new(
            client.with_cancel(cancel.clone()),
            self.config.lang,
            settings.won_value_field.as_deref(),
        ) {
            Ok(s) => Arc::new(s),
            Err(e) => {
                self.emitter.error(user_error(&e));
                return None;
            }
        };
        let (writer, snapshot) = if dry_run {
            match self.dry_run_writer().await {
                Ok(w) => (w.0, Some(w.1)),
                Err(e) => {
                    self.internal_error(e);
                    return None;
                }
            }
        } else {
            (self.writer.clone(), None)
        };
        let begun = match run::begin(&writer, dry_run).await {
            Ok(b) => b,
            Err(e) => {
                self.internal_error(e);
                return None;
            }
        };
        if !dry_run {
            self.advance_schedule();
        }
        let task = tokio::spawn(run::execute(
            self.config.clone(),
            settings,
            writer.clone(),
            self.emitter.clone(),
            cancel.clone(),
            source,
            dry_run,
            begun,
        ));
        Some(Running {
            cancel,
            task,
            begun,
            writer,
            _snapshot: snapshot,
        })
    }

    /// A writer on a fresh copy of the store, taken between two writes.
    async fn dry_run_writer(&self) -> Result<(Writer, Snapshot), EngineError> {
        let path = self.store_path.clone();
        let data_dir = self.data_dir.clone();
        let snap = self
            .writer
            .call(move |_| Snapshot::take(&path, &data_dir).map_err(EngineError::Snapshot))
            .await?;
        let writer = Writer::open(snap.path())?;
        Ok((writer, snap))
    }

    /// A run task ended: announce it (see `run::RunCtx::finish`). One that
    /// ended abnormally (an engine error, a panic) is closed here as
    /// failed, and announced all the same.
    async fn run_ended(
        &mut self,
        r: &Running,
        done: Result<Result<RunReport, EngineError>, tokio::task::JoinError>,
    ) {
        let report = match done {
            Ok(Ok(report)) => report,
            Ok(Err(e)) => {
                tracing::error!("engine: {e}");
                run::abandoned(&r.writer, r.begun, e).await
            }
            Err(e) => {
                let e = EngineError::RunPanicked(e.to_string());
                tracing::error!("engine: {e}");
                run::abandoned(&r.writer, r.begun, e).await
            }
        };
        let s = &report.summary;
        tracing::info!(
            run = report.run_id,
            outcome = ?report.outcome,
            accounts_added = s.accounts_added,
            leads_added = s.leads_added,
            accounts_removed = s.accounts_removed,
            leads_removed = s.leads_removed,
            rows = s.rows,
            requests = s.requests,
            writeback = ?s.writeback,
            "run finished"
        );
        if let Some(e) = &report.error {
            self.emitter.error(e.clone());
        }
        let real = report.mode != RunMode::DryRun;
        if real {
            self.heal_schedule(report.outcome);
        }
        let now = schedule::to_second(Utc::now());
        let last_sync = (report.outcome == Outcome::Ok && real).then_some(now);
        let last_run = real.then(|| LastRun {
            run_id: report.run_id,
            outcome: report.outcome,
            class: report.error.as_ref().map(|e| e.class),
            reads_done: report.reads_done,
            finished_at: Some(now),
        });
        self.emitter.status(|s| {
            s.running = None;
            if last_sync.is_some() {
                s.last_sync = last_sync;
                s.last_error = None;
            }
            if last_run.is_some() {
                s.last_run = last_run;
            }
        });
        self.emitter.emit(Event::RunFinished {
            run_id: report.run_id,
            outcome: report.outcome,
            summary: report.summary,
        });
        if real {
            self.emitter.emit(Event::DataChanged(View::Sync));
        }
    }

    /// After a failed run, the next try comes after the back-off rather
    /// than a whole interval later; a good run ends the back-off.
    fn heal_schedule(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Error => self.failures = self.failures.saturating_add(1),
            Outcome::Ok => self.failures = 0,
            Outcome::Cancelled | Outcome::Running => return,
        }
        if self.failures == 0 {
            return self.publish_next_sync();
        }
        let wait = schedule::after_failure(
            self.failures,
            self.config.sync.retry_after_failure,
            self.interval,
        );
        // A Retry-After too long to wait out: the next try comes after it,
        // not before (it would only be refused).
        let refused = self.client.as_ref().and_then(Client::refused_for);
        let wait = refused.map_or(wait, |r| r.max(wait));
        if let Some(due) = chrono::Duration::from_std(wait)
            .ok()
            .and_then(|w| Utc::now().checked_add_signed(w))
        {
            self.next_sync = if refused.is_some() {
                due
            } else {
                self.next_sync.min(due)
            };
        }
        self.publish_next_sync();
    }

    /// Moves the schedule one interval on from now (a run just started).
    fn advance_schedule(&mut self) {
        self.next_sync = schedule::next_due(Some(Utc::now()), self.interval, Utc::now());
        self.publish_next_sync();
    }

    /// Recomputes the schedule from the store (the interval may have changed).
    async fn reschedule(&mut self) {
        let config = self.config.clone();
        let got = self
            .writer
            .call(move |s| {
                let eff = settings::effective(s.conn(), &config)?;
                let last = runs::last_started(s.conn())?;
                Ok::<_, EngineError>((eff.sync_interval, last))
            })
            .await;
        match got {
            Ok((interval, last)) => {
                self.interval = interval;
                self.next_sync = schedule::next_due(last, interval, Utc::now());
                self.publish_next_sync();
            }
            Err(e) => self.internal_error(e),
        }
    }

    fn publish_next_sync(&self) {
        let next =
            (self.scheduled && self.client.is_some()).then(|| schedule::to_second(self.next_sync));
        let after_failure = next.is_some() && self.failures > 0;
        self.emitter.status(|s| {
            s.next_sync = next;
            s.next_after_failure = after_failure;
        });
    }

    /// Runs a workspace change on the writer and answers it: one
    /// `ActionResult`, and one `DataChanged` when something changed.
    /// Changes or resets a setting in one transaction and answers with the
    /// value now in force; the schedule follows a new interval.
    async fn setting(
        &mut self,
        f: impl FnOnce(&rusqlite::Connection, &Config) -> Result<Applied, ApplyError> + Send + 'static,
    ) {
        let config = self.config.clone();
        let res = self.writer.tx(move |tx| f(tx, &config)).await;
        match res {
            Ok(applied) => {
                self.emitter.action(true, Reply::SettingApplied(applied));
                self.emitter.emit(Event::DataChanged(View::Settings));
                self.reschedule().await;
            }
            Err(ApplyError::Rejected(r)) => self.emitter.action(false, Reply::Refused(r)),
            Err(ApplyError::Store(e)) => self.internal_error(e.into()),
            Err(ApplyError::WriterGone) => self.internal_error(EngineError::WriterGone),
        }
    }

    async fn workspace<E: Into<Refusal> + Send + 'static>(
        &self,
        f: impl FnOnce(&mut crate::store::Store) -> Result<Answer, E> + Send + 'static,
    ) {
        match self.writer.call(move |s| Ok::<_, EngineError>(f(s))).await {
            Ok(r) => answered(&self.emitter, r),
            Err(e) => self.internal_error(e),
        }
    }

    /// Runs a CRM action (resolve, search) as its own task, so a slow CRM
    /// never holds up the loop; refused at once when nothing can write.
    fn with_crm<F, Fut>(&self, f: F)
    where
        F: FnOnce(Writer, Arc<dyn CrmSource>, Emitter) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let Some(client) = self.client.clone() else {
            self.emitter.error(not_connected());
            return;
        };
        let source: Arc<dyn CrmSource> = match ClientSource::new(client, self.config.lang, None) {
            Ok(s) => Arc::new(s),
            Err(e) => {
                self.emitter.error(user_error(&e));
                return;
            }
        };
        if source.writes().is_none() {
            self.emitter.action(false, Reply::CannotWrite);
            return;
        }
        tokio::spawn(f(self.writer.clone(), source, self.emitter.clone()));
    }

    /// One pass over the activity inbox, beside the loop: the files are
    /// read on a blocking thread and the writer takes their records batch
    /// by batch, so commands (and other writes) go on meanwhile. What it
    /// did goes to the log.
    fn import_inbox(&self, inbox: PathBuf) -> tokio::task::JoinHandle<()> {
        let max_bytes = self.config.writeback.max_import_bytes;
        let writer = self.writer.clone();
        let emitter = self.emitter.clone();
        let rt = tokio::runtime::Handle::current();
        tokio::spawn(async move {
            let pass = tokio::task::spawn_blocking(move || {
                import::import_inbox_with(&inbox, max_bytes, |batch| {
                    rt.block_on(writer.call(move |s| {
                        import::import_batch(s, batch).map_err(import::ImportError::from)
                    }))
                })
            })
            .await;
            let report = match pass {
                Ok(r) => r,
                Err(e) => {
                    let e = EngineError::RunPanicked(e.to_string());
                    tracing::error!("engine: {e}");
                    emitter.error(internal_error(&e));
                    return;
                }
            };
            for note in report.notes() {
                tracing::info!("activity inbox: {note:?}");
                emitter.note(tracing::Level::INFO, note);
            }
            for problem in report.errors {
                tracing::warn!("activity inbox: {problem}");
                emitter.note(tracing::Level::WARN, Note::InboxProblem { problem });
            }
        })
    }

    fn internal_error(&self, e: EngineError) {
        tracing::error!("engine: {e}");
        self.emitter.error(internal_error(&e));
    }
}

/// One `ActionResult` for a workspace answer, and one `DataChanged` when
/// something changed.
fn answered<E: Into<Refusal>>(emitter: &Emitter, r: Result<Answer, E>) {
    match r {
        Ok(answer) => {
            for (level, note) in answer.log {
                emitter.note(level, note);
            }
            emitter.action(answer.ok, answer.reply);
            if let Some(view) = answer.changed {
                emitter.emit(Event::DataChanged(view));
            }
        }
        Err(e) => emitter.action(false, Reply::Refused(e.into())),
    }
}

/// What SyncNow says when no CRM can be read.
pub fn not_connected() -> UserError {
    UserError::new(
        ErrorClass::Connection,
        Problem::NotConnected,
        "no CRM connection is available to this engine",
    )
}
