//! Each command to what answers it: the loop's own state (runs, connects,
//! the schedule), a workspace change on the store writer, or a CRM action
//! as a task of its own.

use crate::engine::interface::error::internal_error;
use crate::engine::interface::user_error::user_error;
use crate::engine::ports::CrmSource;
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Config;
use crate::engine::effects::emit::Emitter;
use crate::engine::effects::writer::Writer;
use crate::engine::interface::command::Command;
use crate::engine::interface::event::{Event, View};
use crate::engine::interface::note::{Applied, Note, Refusal, Reply};
use crate::engine::ports::client_source::ClientSource;
use crate::engine::usecases::settings::{self, ApplyError};
use crate::engine::usecases::{import, resolve, seats};
use crate::engine::{Answer, EngineError};

use super::{CommandLoop, Running, not_connected};

impl CommandLoop {
    pub(super) async fn handle(&mut self, cmd: Command, running: &mut Option<Running>) {
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

    /// Runs a workspace change on the writer and answers it: one
    /// `ActionResult`, and one `DataChanged` when something changed.
    /// Changes or resets a setting in one transaction and answers with the
    /// value now in force; the schedule follows a new interval.
    pub(super) async fn setting(
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

    pub(super) async fn workspace<E: Into<Refusal> + Send + 'static>(
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
    pub(super) fn with_crm<F, Fut>(&self, f: F)
    where
        F: FnOnce(Writer, Arc<dyn CrmSource>, Emitter) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let Some(client) = self.client.clone() else {
            self.emitter.error(not_connected());
            return;
        };
        let source: Arc<dyn CrmSource> = match ClientSource::new(client, None) {
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
    pub(super) fn import_inbox(&self, inbox: PathBuf) -> tokio::task::JoinHandle<()> {
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
