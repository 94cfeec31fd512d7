//! Connect, re-check and disconnect: the sign-in and the checks run as a
//! task beside the loop; only their verdict goes through the store writer.

use crate::engine::interface::user_error::user_error;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::crm::Client;
use crate::crm::checks::{Check, CheckFailure, CheckReport, run_checks};
use crate::engine::interface::event::{ErrorClass, Event, Problem, UserError, View};
use crate::engine::interface::note::{Note, Refusal, Reply};
use crate::engine::ports::client_config;
use crate::engine::usecases::connection;
use crate::engine::{EngineError, Status, initial_status};

use super::CommandLoop;

/// A connect under way (sign-in and checks, maybe a device-code wait): it
/// runs as its own task so every other command, and Cancel, is answered
/// meanwhile; only its verdict goes through the store writer.
pub(crate) struct Connecting {
    pub(super) cancel: CancellationToken,
    pub(super) task: JoinHandle<Result<Checked, EngineError>>,
    /// The new client, without the connect's cancel switch.
    client: Client,
    recheck: bool,
}

/// How a connect task ended.
pub(super) enum Checked {
    Cancelled,
    /// Recheck with no stored connection.
    NotConnected,
    Done(Box<Verdict>),
}

/// What a finished connect stored, and the status it leaves.
pub(super) struct Verdict {
    report: CheckReport,
    status: Status,
}

impl CommandLoop {
    /// Starts signing in and running the prerequisite checks (`recheck`:
    /// on the stored connection) as a task; `connect_ended` takes its
    /// verdict.
    pub(super) fn start_connect(&mut self, recheck: bool) {
        let client = match client_config(&self.config, &self.data_dir).and_then(Client::new) {
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
    pub(super) fn connect_ended(
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
    pub(super) fn say_connected(&self, syncing: bool) {
        self.emitter.action(true, Reply::Connected { syncing });
    }

    /// Stops syncing and forgets the sign-in tokens; with `purge`, also
    /// removes what the CRM brought in. The console and `navsync
    /// disconnect` both come here, so they do the same.
    pub(super) async fn disconnect(&mut self, purge: bool) {
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
}
