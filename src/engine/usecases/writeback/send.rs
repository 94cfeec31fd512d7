//! Sending what the outbox holds: creates in `$batch` requests of
//! [`CHUNK`] rows, several in flight, then the changes to tasks written
//! before. What the CRM answered is recorded by [`record`](super::record).

use futures::StreamExt;
use uuid::Uuid;

use super::WritebackError;
use super::queued::{Queued, Write};
use super::record::{Pending, record, record_all};
use crate::crm::writes::{NewRecord, TaskStep};
use crate::crm::{EntityKind, EntityRef};
use crate::engine::effects::writer::Writer;
use crate::engine::interface::event::ErrorClass;
use crate::engine::ports::{Create, CrmWrites, WriteError};
use crate::store::StoreError;
use crate::store::activities::{self, ActivityState};
use crate::store::outbox::{self, OutboxEntry, OutboxOp};

/// Outbox rows per `$batch`: small enough that many requests share the
/// work (each operation costs server time), large enough that the
/// per-request overhead stays small.
pub const CHUNK: usize = 100;

/// Chunks sent at once at most; the client's gate decides how many of
/// them really are in flight (its concurrency and the server's dop hint).
const IN_FLIGHT: usize = 52;

/// What a send pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sent {
    pub written: usize,
    /// Re-sent after a crash and already in the CRM: counted as done.
    pub already: usize,
    pub failed: usize,
    /// Written as the integration user because impersonation was refused.
    pub on_behalf_refused: usize,
    /// `$batch` and PATCH requests made.
    pub requests: usize,
    /// The first write the CRM refused: its class and the CRM's own code
    /// and message.
    pub refusal: Option<(ErrorClass, String)>,
    /// The CRM's own code of that refusal (`0x80040220`), when it said one.
    pub refused_code: Option<String>,
}

impl Sent {
    pub(super) fn add(&mut self, o: &Sent) {
        self.written += o.written;
        self.already += o.already;
        self.failed += o.failed;
        self.on_behalf_refused += o.on_behalf_refused;
        self.requests += o.requests;
        if self.refusal.is_none() {
            self.refusal.clone_from(&o.refusal);
            self.refused_code.clone_from(&o.refused_code);
        }
    }
}

/// Sends every pending outbox row: the creates in `$batch` requests of
/// [`CHUNK`] rows, several at once, then the PATCHes, several at once.
/// Stops (rows stay pending) when the CRM is unreachable.
///
/// Why in parallel: Dataverse spends server time on every operation of a
/// `$batch`, so one request of 1,000 creates is as slow as 1,000 creates;
/// throughput comes from requests in flight together, as many as the
/// client's gate lets through (its concurrency, the server's
/// `x-ms-dop-hint`, Retry-After). Exactly-once is unchanged: each row is
/// in one chunk, its id was fixed when it was queued, its result is
/// recorded when its answer comes, and a row re-sent after a crash is
/// "already exists", which counts as done.
pub async fn send_pending(writer: &Writer, crm: &dyn CrmWrites) -> Result<Sent, WritebackError> {
    // What is pending now; rows queued meanwhile go with the next pass.
    let all = writer
        .call(|s| Ok::<_, WritebackError>(outbox::pending(s.conn(), i64::MAX as usize)?))
        .await?;
    let (versions, rest): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|e| e.operation == OutboxOp::UpdateTask);
    let (closes, creates): (Vec<_>, Vec<_>) = rest
        .into_iter()
        .partition(|e| e.operation == OutboxOp::CloseTask);
    let mut sent = Sent::default();
    // Creates first: a PATCH may close a task created in this pass; a
    // conversation's new text last, so it knows whether its task is closed.
    for rows in [creates, closes, versions] {
        let chunks: Vec<Vec<OutboxEntry>> =
            rows.chunks(CHUNK).map(<[OutboxEntry]>::to_vec).collect();
        let results: Vec<Result<Sent, WritebackError>> = futures::stream::iter(chunks)
            .map(|chunk| async move {
                let mut part = Sent::default();
                send_chunk(writer, crm, chunk, &mut part)
                    .await
                    .map(|()| part)
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        let mut failed = None;
        for r in results {
            match r {
                Ok(part) => sent.add(&part),
                Err(e) => {
                    failed.get_or_insert(e);
                }
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
    }
    Ok(sent)
}

/// A change to a task written before, as its row asks it.
enum Change {
    /// Link to the contact and complete.
    Close(Uuid),
    /// A conversation's new text.
    Text {
        subject: String,
        description: String,
    },
}

async fn send_chunk(
    writer: &Writer,
    crm: &dyn CrmWrites,
    chunk: Vec<OutboxEntry>,
    sent: &mut Sent,
) -> Result<(), WritebackError> {
    let mut creates = Vec::new();
    let mut changes = Vec::new();
    for entry in chunk {
        let queued = Queued::of(&entry)?;
        let what = queued.write.clone();
        let p = Pending { entry, queued };
        match what {
            Write::CreateTask(t) => creates.push((p, NewRecord::Task(t))),
            Write::CreateContact(c) => creates.push((p, NewRecord::Contact(c))),
            Write::CloseTask { contact, .. } => changes.push((p, Change::Close(contact))),
            Write::UpdateTask {
                subject,
                description,
            } => changes.push((
                p,
                Change::Text {
                    subject,
                    description,
                },
            )),
        }
    }
    if !creates.is_empty() {
        send_creates(writer, crm, creates, sent).await?;
    }
    for (p, change) in changes {
        sent.requests += 1;
        let task = task_of(&p.entry)?;
        let r = match change {
            Change::Close(contact) => {
                // Reopened first: a close sent again after a crash finds the
                // task closed, and a closed activity is read-only.
                let steps = [
                    TaskStep::Reopen,
                    TaskStep::Complete {
                        regarding: Some(EntityRef::new(EntityKind::Contact, contact)),
                    },
                ];
                crm.update_task(task, &steps).await
            }
            Change::Text {
                subject,
                description,
            } => send_version(writer, crm, &p.entry, task, subject, description).await?,
        };
        if let Err(e @ WriteError::Unavailable { .. }) = r {
            return Err(WritebackError::Crm(e));
        }
        record(writer, p, r, None, sent).await?;
    }
    Ok(())
}

/// The task a change is for: the row's CRM id.
fn task_of(e: &OutboxEntry) -> Result<Uuid, StoreError> {
    Uuid::parse_str(&e.crm_id).map_err(|_| StoreError::BadValue {
        column: "outbox.crm_id",
        value: e.crm_id.clone(),
    })
}

/// A conversation's new text. A closed (completed) activity is read-only
/// in Dataverse, so a closed task is reopened, updated and closed again,
/// in one change set: all three or none
/// (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/activitypointer-activity-entity>,
/// <https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/task>:
/// SetState is a PATCH of `statecode` and `statuscode`).
async fn send_version(
    writer: &Writer,
    crm: &dyn CrmWrites,
    entry: &OutboxEntry,
    task: Uuid,
    subject: String,
    description: String,
) -> Result<Result<(), WriteError>, WritebackError> {
    let activity_id = entry.activity_id;
    let closed = writer
        .call(move |s| {
            let a = activity_id
                .map(|id| activities::get(s.conn(), id))
                .transpose()?
                .flatten();
            Ok::<_, WritebackError>(a.is_some_and(|a| {
                matches!(
                    a.state,
                    ActivityState::WrittenClosed | ActivityState::Resolved
                )
            }))
        })
        .await?;
    // Sent before a crash kept its answer from being recorded: the CRM
    // has this version already and is not sent it again.
    match crm.description_of(task).await {
        Ok(Some(held)) if held == description => {
            return Ok(Err(WriteError::AlreadyExists));
        }
        Ok(_) => {}
        Err(e) => return Ok(Err(e)),
    }
    let text = TaskStep::Text {
        subject,
        description,
    };
    let steps = if closed {
        vec![
            TaskStep::Reopen,
            text,
            TaskStep::Complete { regarding: None },
        ]
    } else {
        vec![text]
    };
    Ok(crm.update_task(task, &steps).await)
}

fn as_create(p: &Pending, record: &NewRecord, on_behalf: bool) -> Create {
    Create {
        record: record.clone(),
        on_behalf_of: p.queued.on_behalf_of.filter(|_| on_behalf),
    }
}

async fn send_creates(
    writer: &Writer,
    crm: &dyn CrmWrites,
    creates: Vec<(Pending, NewRecord)>,
    sent: &mut Sent,
) -> Result<(), WritebackError> {
    let batch: Vec<Create> = creates.iter().map(|(p, r)| as_create(p, r, true)).collect();
    sent.requests += 1;
    match crm.create_all(&batch).await {
        Ok(()) => {
            let results = creates.into_iter().map(|(p, _)| (p, Ok(()))).collect();
            return record_all(writer, results, None, sent).await;
        }
        Err(e @ WriteError::Unavailable { .. }) => {
            return Err(WritebackError::Crm(e));
        }
        // One part failed and the change set rolled back: find out which,
        // one answer per create.
        Err(_) => {}
    }
    sent.requests += 1;
    let answers = crm.create_each(&batch).await.map_err(WritebackError::Crm)?;
    let mut done = Vec::new();
    let mut retry = Vec::new();
    for (c, r) in creates.into_iter().zip(answers) {
        match r {
            Err(WriteError::OnBehalfRefused(_)) => retry.push(c),
            other => done.push((c.0, other)),
        }
    }
    record_all(writer, done, None, sent).await?;
    if retry.is_empty() {
        return Ok(());
    }
    // Impersonation refused: write as the integration user, and say so.
    let plain: Vec<Create> = retry.iter().map(|(p, r)| as_create(p, r, false)).collect();
    sent.requests += 1;
    let answers = crm.create_each(&plain).await.map_err(WritebackError::Crm)?;
    sent.on_behalf_refused += retry.len();
    let note = "acting on behalf of the seat holder was refused (check prvActOnBehalfOfAnotherUser); written as the integration user";
    let results = retry.into_iter().map(|(p, _)| p).zip(answers).collect();
    record_all(writer, results, Some(note), sent).await
}
