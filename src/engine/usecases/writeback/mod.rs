//! Writeback: workspace activities become CRM tasks, exactly once.
//!
//! Two steps with a commit between them. `prepare` decides every new
//! activity in one transaction: kept out (writeback off for it, kind not
//! chosen, "Copy to CRM" off, seat not synced), or matched and queued with
//! a client-generated task id in the outbox, the unmatched ones also put in
//! the unresolved queue. Only then does `send_pending` talk to the CRM:
//! `$batch` requests of [`CHUNK`] rows, several in flight at once; what the
//! CRM confirmed is marked done and audited. A crash between send and
//! commit leaves the rows pending, and the next pass sends the same ids
//! again: the CRM answers "already exists" for what it had, which counts
//! as done.
//!
//! A thread's messages go back as one conversation (see
//! [`conversation`]): its first version is a create like any other, each
//! later one an update of that task, queued once per version and checked
//! against what the CRM holds before it is sent again after a crash.
//!
//! An outbox row holds the typed write ([`Queued`]); the crm client makes
//! the request body only when it is sent. `task` says what a task says,
//! `send` sends, `record` commits what the CRM answered.

mod queued;
mod record;
mod send;
mod task;

use uuid::Uuid;

use crate::config::{ActivityKind, MatchingConfig};
use crate::crm::EntityKind;
use crate::engine::effects::writer::WriterGone;
use crate::engine::ports::WriteError;
use crate::engine::usecases::conversation::{self, ThreadRules};
use crate::engine::usecases::matching::Matcher;
use crate::store::activities::{self, Activity, ActivityState};
use crate::store::outbox::OutboxOp;
use crate::store::{StoreError, outbox, seats, unresolved};

pub use queued::{FORMAT, Queued, Write};
pub use send::{CHUNK, Sent, send_pending};
pub(crate) use task::member_header;
#[cfg(any(test, feature = "testkit"))]
pub use task::task_id;

/// A write the CRM keeps refusing is given up after this many tries.
pub(crate) const MAX_ATTEMPTS: i64 = 3;

#[derive(Debug, thiserror::Error)]
pub enum WritebackError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the store writer has stopped; restart navsync")]
    WriterGone,
    #[error("{0}; the writes stay queued and go out with the next sync")]
    Crm(WriteError),
}

impl From<WriterGone> for WritebackError {
    fn from(_: WriterGone) -> Self {
        Self::WriterGone
    }
}

/// The settings writeback obeys, read once per run.
#[derive(Debug, Clone)]
pub struct Rules {
    pub enabled: bool,
    pub kinds: Vec<ActivityKind>,
    pub auto_sync_all_seats: bool,
    pub on_behalf_of_seat_holder: bool,
    pub matching: MatchingConfig,
    pub threads: ThreadRules,
}

/// What `prepare` decided.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prepared {
    pub closed: usize,
    pub open: usize,
    pub copy_off: usize,
    pub kind_off: usize,
    pub seat_off: usize,
}

impl Prepared {
    /// Adds what a later batch decided.
    pub fn merge(&mut self, other: Prepared) {
        self.closed += other.closed;
        self.open += other.open;
        self.copy_off += other.copy_off;
        self.kind_off += other.kind_off;
        self.seat_off += other.seat_off;
    }
}

/// New activities decided per transaction by [`prepare_batch`]: a stop
/// (Cancel, SIGTERM) waits for one batch at most.
pub const PREPARE_BATCH: usize = 1000;

/// Decides every new activity and queues the writes, in one transaction.
/// Does nothing while writeback is off (activities wait, still new).
pub fn prepare(tx: &rusqlite::Connection, rules: &Rules) -> Result<Prepared, StoreError> {
    let mut out = Prepared::default();
    let mut matcher = None;
    let mut after = 0;
    while let Some(last) = prepare_batch(tx, rules, after, &mut matcher, &mut out)? {
        after = last;
    }
    Ok(out)
}

/// Decides up to [`PREPARE_BATCH`] new activities with ids above `after`
/// and queues their writes, adding the counts to `out`; returns the last
/// id it looked at, `None` when none was left. `matcher` is built at the
/// first activity that needs one and kept for the next batches.
pub fn prepare_batch(
    tx: &rusqlite::Connection,
    rules: &Rules,
    after: i64,
    matcher: &mut Option<Matcher>,
    out: &mut Prepared,
) -> Result<Option<i64>, StoreError> {
    if !rules.enabled {
        return Ok(None);
    }
    let fresh = activities::by_state_after(tx, ActivityState::New, after, PREPARE_BATCH)?;
    let Some(last) = fresh.last().map(|a| a.id) else {
        return Ok(None);
    };
    let seats = seats::list(tx)?;
    let mut conversations = Vec::new();
    for a in fresh {
        let owner = seats
            .iter()
            .find(|s| s.id == a.new.seat_id)
            .filter(|s| s.in_crm(rules.auto_sync_all_seats))
            .and_then(|s| s.crm_user_id.as_deref())
            // A user id that is no GUID cannot own a task: as if unassigned.
            .and_then(|u| Uuid::parse_str(u).ok());
        let counter = if !a.new.copy_to_crm {
            Some(&mut out.copy_off)
        } else if !rules.kinds.contains(&a.new.kind) {
            Some(&mut out.kind_off)
        } else if owner.is_none() {
            Some(&mut out.seat_off)
        } else {
            None
        };
        if let Some(c) = counter {
            *c += 1;
            activities::set_state(tx, a.id, ActivityState::Excluded)?;
            continue;
        }
        let Some(owner) = owner else { continue };
        if rules.threads.gathers(&a) {
            let c = conversation::gather(tx, &a, &rules.threads)?;
            if !conversations.iter().any(|(id, _)| *id == c) {
                conversations.push((c, owner));
            }
            continue;
        }
        queue_create(tx, &a, owner, rules, matcher, out)?;
    }
    for (c, owner) in conversations {
        let Some(before) = activities::get(tx, c)? else {
            continue;
        };
        let next = conversation::next_version(tx, &before, &rules.threads)?;
        if before.version == 0 {
            queue_create(tx, &next, owner, rules, matcher, out)?;
        } else {
            queue_update(tx, &next)?;
        }
    }
    Ok(Some(last))
}

/// Matches `a` and queues its task, the unmatched also in the unresolved
/// queue.
fn queue_create(
    tx: &rusqlite::Connection,
    a: &Activity,
    owner: Uuid,
    rules: &Rules,
    matcher: &mut Option<Matcher>,
    out: &mut Prepared,
) -> Result<(), StoreError> {
    let m = match matcher {
        Some(m) => m,
        None => matcher.insert(Matcher::from_store(tx, rules.matching.clone())?),
    };
    let decision = m.decide(&(&a.new).into());
    // A mirrored contact id that is no GUID cannot be linked to: the
    // activity waits in the queue like an unmatched one.
    let contact = decision
        .contactid
        .as_deref()
        .and_then(|c| Uuid::parse_str(c).ok());
    let task = task::new_task(a, owner, contact);
    let id = task.id.to_string();
    let queued = Queued {
        on_behalf_of: rules.on_behalf_of_seat_holder.then_some(owner),
        version: a.messages.map(|_| a.version),
        ..Queued::new(Write::CreateTask(task))
    };
    outbox::enqueue(
        tx,
        Some(a.id),
        OutboxOp::CreateTask,
        EntityKind::Task.entity_set(),
        &id,
        &queued.to_json()?,
    )?;
    let contactid = decision.contactid.as_deref().filter(|_| contact.is_some());
    activities::assign_crm_id(tx, a.id, &id, contactid, &decision.reason)?;
    if contact.is_some() {
        out.closed += 1;
    } else {
        unresolved::enqueue(tx, a.id, &decision.reason, &decision.candidates)?;
        out.open += 1;
    }
    Ok(())
}

/// Queues a conversation's new text for its task, whatever became of the
/// task's create: the update goes after the creates of its pass.
fn queue_update(tx: &rusqlite::Connection, c: &Activity) -> Result<(), StoreError> {
    let Some(id) = c.crm_activity_id.as_deref() else {
        return Ok(());
    };
    let queued = Queued {
        version: Some(c.version),
        ..Queued::new(Write::UpdateTask {
            subject: c.new.subject.clone(),
            description: task::description(c),
        })
    };
    outbox::enqueue_version(
        tx,
        c.id,
        OutboxOp::UpdateTask,
        EntityKind::Task.entity_set(),
        id,
        &queued.to_json()?,
    )?;
    Ok(())
}
