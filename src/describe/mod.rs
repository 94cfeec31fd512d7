//! The faces' words for what the engine says in types: run summaries,
//! the answers to actions, log notes, errors and connection checks, in
//! the reader's language (this thread's locale). The console and the
//! headless commands both call these; the engine, the crm client and the
//! store never do, so a console attached to a service started under
//! another locale reads its own language. `status --json` and other
//! machine output use [`english`].

mod problem;

pub use problem::{check_detail, check_name, crm_message, detail, message, next_step};

use std::time::Duration;

use crate::engine::interface::note::{Applied, Note, Refusal, Reply};
use crate::engine::interface::summary::{RunSummary, WritebackSummary};
use crate::engine::usecases::import::ImportCounts;
use crate::i18n::{self, Locale};
use crate::t;
use crate::vocab::{Outcome, UserKind};

/// `f`'s words in English, whatever this thread's locale: for JSON and
/// other text scripts read.
pub fn english<T>(f: impl FnOnce() -> T) -> T {
    i18n::with_locale(Locale::Lang(crate::config::Lang::En), f)
}

fn yes_no(v: bool) -> &'static str {
    if v { "yes" } else { "no" }
}

fn on_off(v: bool) -> &'static str {
    if v { "on" } else { "off" }
}

/// The one line of a finished run ("imported 274 accounts, 1,336 leads;
/// …; wrote 12 activities").
pub fn run_summary(s: &RunSummary) -> String {
    let mut line = t!(
        "run-summary",
        dry = yes_no(s.dry_run),
        accounts_added = s.accounts_added,
        leads_added = s.leads_added,
        accounts_removed = s.accounts_removed,
        leads_removed = s.leads_removed,
        rows = s.rows,
        requests = s.requests
    );
    if !s.reread.is_empty() {
        line.push_str(&t!("run-summary-reread", tables = s.reread.join(", ")));
    }
    if let Some(wb) = &s.writeback {
        line.push_str("; ");
        line.push_str(&writeback_summary(wb));
    }
    match s.outcome {
        Outcome::Cancelled => line.push_str(&t!("run-summary-cancelled")),
        Outcome::Error => line.push_str(&t!("run-summary-error")),
        Outcome::Ok | Outcome::Running => {}
    }
    line
}

fn writeback_summary(w: &WritebackSummary) -> String {
    match w {
        WritebackSummary::Off => t!("wb-off"),
        WritebackSummary::Unavailable => t!("wb-unavailable"),
        WritebackSummary::WouldWrite { count, open } => {
            t!("wb-would-write", count = *count, open = *open)
        }
        WritebackSummary::Wrote {
            count,
            open,
            refused,
            as_integration,
            paused,
        } => {
            let mut line = t!("wb-wrote", count = *count, open = *open);
            if *refused > 0 {
                line.push_str(&t!("wb-wrote-refused", count = *refused));
            }
            if *as_integration > 0 {
                line.push_str(&t!("wb-wrote-as-integration", count = *as_integration));
            }
            if let Some(why) = paused {
                line.push_str(&t!("wb-wrote-paused", why = why.clone()));
            }
            line
        }
    }
}

/// What an import gave.
pub(crate) fn import_counts(c: &ImportCounts) -> String {
    t!(
        "import-summary",
        imported = c.imported,
        known = c.known,
        bad = c.bad
    )
}

/// The answer to a user action.
pub fn reply(r: &Reply) -> String {
    match r {
        Reply::SyncAlreadyRunning => t!("engine-sync-already-running"),
        Reply::CancellingSync => t!("engine-cancelling-sync"),
        Reply::CancellingConnect => t!("engine-cancelling-connect"),
        Reply::NoSyncRunning => t!("engine-no-sync-running"),
        Reply::BusySyncing => t!("engine-busy-syncing"),
        Reply::BusyConnecting => t!("engine-busy-connecting"),
        Reply::ConnectCancelled => t!("engine-connect-cancelled"),
        Reply::NotConnected => t!("err-not-connected"),
        Reply::ChecksPassedAgain => t!("engine-checks-passed-again"),
        Reply::Connected { syncing: true } => t!("crm-connected"),
        Reply::Connected { syncing: false } => t!("engine-connected-no-sync"),
        Reply::Disconnected {
            tokens_kept,
            purged,
        } => {
            let mut line = match tokens_kept {
                None => t!("engine-disconnected"),
                Some(e) => t!("engine-disconnected-tokens-kept", error = e.clone()),
            };
            if let Some(c) = purged {
                line.push(' ');
                line.push_str(&t!(
                    "engine-purged",
                    users = c.systemusers,
                    accounts = c.accounts,
                    contacts = c.contacts,
                    opportunities = c.opportunities,
                    saved_accounts = c.saved_accounts,
                    saved_leads = c.saved_leads
                ));
            }
            line
        }
        Reply::CannotWrite => t!("engine-cannot-write"),
        Reply::SearchFailed { error } => t!("engine-search-failed", error = error.clone()),
        Reply::SettingApplied(a) => t!("engine-setting-applied", what = applied(a)),
        Reply::SeatSync { on, count, changed } => t!(
            "engine-seat-sync",
            on = on_off(*on),
            count = *count,
            changed = *changed
        ),
        Reply::Assigned {
            created,
            linked,
            already,
            refused,
        } => {
            let mut line = t!(
                "engine-assigned",
                created = *created,
                linked = *linked,
                already = *already
            );
            if !refused.is_empty() {
                line.push_str(&t!("engine-assign-refused", count = refused.len()));
            }
            for r in refused {
                line.push_str("; ");
                line.push_str(&refusal(r));
            }
            line
        }
        Reply::Linked {
            member,
            kind,
            contact,
            contactid,
        } => t!(
            "engine-linked",
            member = member.clone(),
            kind = kind.as_str(),
            contact = contact
                .clone()
                .unwrap_or_else(|| t!("engine-the-new-contact", id = contactid.clone()))
        ),
        Reply::Skipped => t!("engine-skipped"),
        Reply::BackInQueue => t!("engine-back-in-queue"),
        Reply::Refused(r) => refusal(r),
        Reply::Reattached { pid } => t!("link-reattached", pid = pid.to_string()),
        Reply::EngineNotRunning => t!("link-engine-not-running"),
    }
}

/// Why a workspace command did nothing (or not all of it).
pub fn refusal(r: &Refusal) -> String {
    match r {
        Refusal::UnknownSeat { seat } => t!("err-unknown-seat", seat = format!("{seat:?}")),
        Refusal::UnknownUser { user } => t!("err-unknown-user", user = format!("{user:?}")),
        Refusal::NotAssignable { name, why } => {
            t!(
                "err-not-assignable",
                name = name.clone(),
                why = i18n::word(*why)
            )
        }
        Refusal::NotInQueue { id } => t!("err-not-in-queue", id = id.to_string()),
        Refusal::NotWrittenYet { member, subject } => t!(
            "err-not-written-yet",
            member = member.clone(),
            subject = subject.clone()
        ),
        Refusal::NotDone { why } => t!("err-not-done", why = why.clone()),
        Refusal::IntervalTooShort => t!("err-interval-too-short"),
        Refusal::NoKinds => t!("err-no-kinds"),
        Refusal::NotConnected => t!("err-not-connected"),
        Refusal::Failed { error } => error.clone(),
    }
}

/// A setting now in force ("Sync every 2 h").
pub fn applied(a: &Applied) -> String {
    match a {
        Applied::AutoSyncAllSeats { on } => t!("engine-set-auto-sync", on = yes_no(*on)),
        Applied::PipelineStage { stage: Some(s) } => t!(
            "engine-set-stage",
            stage = s
                .label
                .clone()
                .unwrap_or_else(|| t!("stage-number", value = s.value.to_string()))
        ),
        Applied::PipelineStage { stage: None } => t!("engine-set-stage-not-sure"),
        Applied::WonValueField { field: Some(f) } => t!("engine-set-won-value", field = f.clone()),
        Applied::WonValueField { field: None } => t!("engine-set-won-value-not-sure"),
        Applied::WritebackEnabled { on } => t!("engine-set-writeback", on = on_off(*on)),
        Applied::WritebackKinds { kinds } => {
            let names: Vec<_> = kinds.iter().map(|k| k.as_str()).collect();
            t!("engine-set-kinds", kinds = names.join(", "))
        }
        Applied::SyncInterval { every } => t!("engine-set-interval", interval = interval(*every)),
    }
}

/// "24 h", "90 min", "45 s": how an interval reads in a sentence.
pub fn interval(d: Duration) -> String {
    let s = d.as_secs();
    if s.is_multiple_of(3600) {
        t!("span-h", n = s / 3600)
    } else if s.is_multiple_of(60) {
        t!("span-min", n = s / 60)
    } else {
        t!("span-s", n = s)
    }
}

/// A log note as lines (the recommendation of an integration user and
/// the creator/owner note come as two).
pub fn note(n: &Note) -> Vec<String> {
    let one = match n {
        Note::Check(c) => t!(
            "engine-check-log",
            passed = yes_no(c.passed),
            check = check_name(c.id),
            detail = check_detail(c)
        ),
        Note::SignedInAs { user, kind } => {
            let owner = t!("crm-creator-and-owner", user = user.clone());
            return match kind {
                UserKind::Interactive => vec![
                    t!("crm-recommend-integration-user", user = user.clone()),
                    owner,
                ],
                UserKind::Application => vec![owner],
            };
        }
        Note::TokenRenewed { reason } => t!("engine-token-renewed", reason = i18n::word(*reason)),
        Note::DeltaFallback { table, reason } => t!(
            "engine-delta-fallback",
            table = table.clone(),
            reason = reason.clone()
        ),
        Note::PollSlowed { secs } => t!("engine-poll-slowed", secs = *secs),
        Note::SeatCreated { id, name } => {
            t!("seat-created", id = id.to_string(), name = name.clone())
        }
        Note::SeatMatched { id, name } => {
            t!("seat-matched", id = id.to_string(), name = name.clone())
        }
        Note::SeatAlready { id, name } => {
            t!("seat-already", id = id.to_string(), name = name.clone())
        }
        Note::InboxFile { file, imported } => t!(
            "inbox-line",
            file = file.clone(),
            what = match imported {
                Ok(c) => import_counts(c),
                Err(e) => t!("inbox-not-imported", error = e.clone()),
            }
        ),
        Note::InboxProblem { problem } => problem.clone(),
        Note::Attached { pid } => t!("link-attached", pid = pid.to_string()),
    };
    vec![one]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts read the same in the summary as in the console ("1,336",
    /// never "1336" beside "1,297").
    #[test]
    fn summary_counts_have_thousands_separators() {
        let s = RunSummary {
            dry_run: false,
            accounts_added: 274,
            leads_added: 1_336,
            accounts_removed: 0,
            leads_removed: 0,
            rows: 2_001,
            requests: 1_297,
            reread: Vec::new(),
            writeback: None,
            outcome: Outcome::Ok,
        };
        assert_eq!(
            english(|| run_summary(&s)),
            "imported 274 accounts, 1,336 leads; removed 0 accounts, 0 leads; read 2,001 CRM rows in 1,297 requests"
        );
    }
}
