//! The writeback phase of a run: decide and queue the new activities
//! (`writeback::prepare_batch`, one short transaction per batch, so a
//! Cancel or SIGTERM is heard between two), then send what is queued. A dry run decides on
//! its store copy and sends nothing; an unreachable CRM leaves the writes
//! queued for the next run without failing the pull that came before.

use std::sync::{Arc, Mutex};

use crate::config::WrittenWords;
use crate::engine::EngineError;
use crate::engine::interface::event::{ErrorClass, Event, Problem, UserError, View};
use crate::engine::interface::summary::WritebackSummary;
use crate::engine::run::RunCtx;
use crate::engine::usecases::conversation::{DEFAULT_DESCRIPTION_LIMIT, ThreadRules};
use crate::engine::usecases::writeback::{self, Prepared, Rules, Sent, WritebackError};
use crate::store::activities;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WritebackOutcome {
    /// Writeback is switched off in the settings.
    Disabled,
    /// This run's CRM connection cannot write.
    NoWrites,
    Done {
        prepared: Prepared,
        /// `None` in a dry run.
        sent: Option<Sent>,
        /// Why sending stopped (the writes stay queued): the class and the
        /// CRM's own code and message.
        paused: Option<(ErrorClass, String)>,
    },
}

impl WritebackOutcome {
    /// Activities written this run (or that would be, in a dry run).
    pub fn rows(&self) -> u64 {
        match self {
            Self::Done { sent: Some(s), .. } => (s.written + s.already) as u64,
            Self::Done { prepared, .. } => (prepared.closed + prepared.open) as u64,
            _ => 0,
        }
    }

    /// How many writes the CRM refused this run and its code of the first,
    /// if any was refused.
    pub fn refused(&self) -> Option<(u64, Option<String>)> {
        match self {
            Self::Done { sent: Some(s), .. } if s.failed > 0 => {
                Some((s.failed as u64, s.refused_code.clone()))
            }
            _ => None,
        }
    }

    /// Writes paused or refused make the run fail with the CRM's own code
    /// and message, so the exit code and `last_error` show it; the next
    /// run that sends everything clears it.
    pub fn problem(&self) -> Option<UserError> {
        let Self::Done {
            sent: Some(sent),
            paused,
            ..
        } = self
        else {
            return None;
        };
        if let Some((class, why)) = paused {
            return Some(UserError::new(
                *class,
                Problem::WritebackPaused,
                why.clone(),
            ));
        }
        let (class, why) = sent.refusal.as_ref()?;
        Some(UserError::new(
            *class,
            Problem::WritesRefused {
                count: sent.failed as u64,
            },
            why.clone(),
        ))
    }

    /// The part of the run summary about writeback.
    pub fn summary(&self) -> WritebackSummary {
        match self {
            Self::Disabled => WritebackSummary::Off,
            Self::NoWrites => WritebackSummary::Unavailable,
            Self::Done {
                prepared: p,
                sent: None,
                ..
            } => WritebackSummary::WouldWrite {
                count: (p.closed + p.open) as u64,
                open: p.open as u64,
            },
            Self::Done {
                prepared: p,
                sent: Some(s),
                paused,
            } => WritebackSummary::Wrote {
                count: (s.written + s.already) as u64,
                open: p.open as u64,
                refused: s.failed as u64,
                as_integration: s.on_behalf_refused as u64,
                paused: paused.as_ref().map(|(_, why)| why.clone()),
            },
        }
    }
}

pub async fn run(ctx: &RunCtx) -> Result<WritebackOutcome, EngineError> {
    if !ctx.settings.writeback_enabled {
        return Ok(WritebackOutcome::Disabled);
    }
    let Some(crm) = ctx.source.writes() else {
        return Ok(WritebackOutcome::NoWrites);
    };
    // Asked only when a conversation is to be written. Unknown (metadata
    // unreadable, CRM away): Dataverse's default; the client cuts anything
    // longer before it is sent anyway.
    let threads = ctx
        .writer
        .call(|s| activities::threads_waiting(s.conn()).map_err(EngineError::from))
        .await?;
    let known = if threads {
        crm.description_limit().await.ok().flatten()
    } else {
        None
    };
    let description_limit = known.unwrap_or(DEFAULT_DESCRIPTION_LIMIT);
    let rules = Rules {
        enabled: true,
        kinds: ctx.settings.writeback_kinds.clone(),
        auto_sync_all_seats: ctx.settings.auto_sync_all_seats,
        on_behalf_of_seat_holder: ctx.config.writeback.on_behalf_of_seat_holder,
        matching: ctx.config.matching.clone(),
        threads: ThreadRules {
            mode: ctx.config.writeback.threads,
            words: WrittenWords::new(ctx.config.lang),
            description_limit,
        },
    };
    let matcher = Arc::new(Mutex::new(None));
    let mut prepared = Prepared::default();
    let mut after = 0;
    loop {
        if ctx.cancel.is_cancelled() {
            // The caller reports the cancel; the rest stays new.
            return Ok(WritebackOutcome::Done {
                prepared,
                sent: None,
                paused: None,
            });
        }
        let (rules, matcher) = (rules.clone(), matcher.clone());
        let (last, batch) = ctx
            .writer
            .tx(move |tx| {
                let mut matcher = matcher.lock().unwrap_or_else(|p| p.into_inner());
                let mut batch = Prepared::default();
                let last = writeback::prepare_batch(tx, &rules, after, &mut matcher, &mut batch)?;
                Ok::<_, EngineError>((last, batch))
            })
            .await?;
        prepared.merge(batch);
        match last {
            Some(id) => after = id,
            None => break,
        }
    }
    if ctx.dry_run {
        return Ok(WritebackOutcome::Done {
            prepared,
            sent: None,
            paused: None,
        });
    }
    let (sent, paused) = match writeback::send_pending(&ctx.writer, crm).await {
        Ok(s) => (s, None),
        Err(WritebackError::Crm(e)) => (Sent::default(), Some((e.class(), e.to_string()))),
        Err(WritebackError::Store(e)) => return Err(e.into()),
        Err(WritebackError::WriterGone) => return Err(EngineError::WriterGone),
    };
    if prepared.open > 0 {
        ctx.emitter.emit(Event::DataChanged(View::Unresolved));
    }
    Ok(WritebackOutcome::Done {
        prepared,
        sent: Some(sent),
        paused,
    })
}
