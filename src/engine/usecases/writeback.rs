//! Writeback: workspace activities become CRM tasks, exactly once.
//!
//! Two steps with a commit between them. `prepare` decides every new
//! activity in one transaction: kept out (writeback off for it, kind not
//! chosen, "Copy to CRM" off, seat not synced), or matched and queued with
//! a client-generated task id in the outbox, the unmatched ones also put in
//! the unresolved queue. Only then does `send_pending` talk to the CRM:
//! `$batch` requests of [`CHUNK`] rows, several in flight at once; what the
//! CRM confirmed is marked done and audited. A crash between send and commit leaves the
//! rows pending, and the next pass sends the same ids again: the CRM
//! answers "already exists" for what it had, which counts as done.
//!
//! A thread's messages go back as one conversation (see
//! [`conversation`]): its first version is a create like any other, each
//! later one an update of that task, queued once per version and checked
//! against what the CRM holds before it is sent again after a crash.

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::config::{ActivityKind, MatchingConfig};
use crate::engine::interface::event::ErrorClass;
use crate::engine::ports::{Create, CrmWrites, WriteError};
use crate::engine::service_loop::writer::{Writer, WriterGone};
use crate::engine::usecases::conversation::{self, ThreadRules};
use crate::engine::usecases::matching::{Decision, Matcher};
use crate::store::activities::{self, Activity, ActivityState, NewActivity};
use crate::store::audit::AuditResult;
use crate::store::outbox::OutboxOp;
use crate::store::reason::Reason;
use crate::store::{StoreError, audit, mirror, outbox, seats, unresolved};

/// Outbox rows per `$batch`: small enough that many requests share the
/// work (each operation costs server time), large enough that the
/// per-request overhead stays small.
pub const CHUNK: usize = 100;

/// Chunks sent at once at most; the client's gate decides how many of
/// them really are in flight (its concurrency and the server's dop hint).
const IN_FLIGHT: usize = 52;

/// A write the CRM keeps refusing is given up after this many tries.
pub const MAX_ATTEMPTS: i64 = 3;

/// Task state and status: open / closed as "Completed".
const TASK_OPEN: i64 = 0;
const TASK_CLOSED: i64 = 1;
const TASK_COMPLETED: i64 = 5;

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

/// The outbox row's payload: the request body plus what sending needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Envelope {
    pub body: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<String>,
    /// For `close_task`: how the queue entry was resolved and to whom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolve: Option<ResolveNote>,
    /// For a conversation's text: which version of it this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ResolveNote {
    pub how: String,
    pub contactid: String,
    /// Who resolved it; absent in envelopes queued before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// The task id of an activity: a UUID v5 of its external id, so even a
/// store restored from before the send would re-send the same id.
pub fn task_id(a: &Activity) -> String {
    let ns = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://navsync/tasks");
    Uuid::new_v5(&ns, a.new.external_id.as_bytes()).to_string()
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
            .and_then(|s| s.crm_user_id.clone());
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
        queue_create(tx, &a, &owner, rules, matcher, out)?;
    }
    for (c, owner) in conversations {
        let Some(before) = activities::get(tx, c)? else {
            continue;
        };
        let next = conversation::next_version(tx, &before, &rules.threads)?;
        if before.version == 0 {
            queue_create(tx, &next, &owner, rules, matcher, out)?;
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
    owner: &str,
    rules: &Rules,
    matcher: &mut Option<Matcher>,
    out: &mut Prepared,
) -> Result<(), StoreError> {
    let m = match matcher {
        Some(m) => m,
        None => matcher.insert(Matcher::from_store(tx, rules.matching.clone())?),
    };
    let decision = m.decide(&(&a.new).into());
    let id = task_id(a);
    let envelope = Envelope {
        body: task_body(a, &id, owner, &decision),
        on_behalf_of: rules.on_behalf_of_seat_holder.then(|| owner.to_string()),
        resolve: None,
        version: a.messages.map(|_| a.version),
    };
    outbox::enqueue(
        tx,
        Some(a.id),
        OutboxOp::CreateTask,
        "tasks",
        &id,
        &to_json(&envelope)?,
    )?;
    activities::assign_crm_id(
        tx,
        a.id,
        &id,
        decision.contactid.as_deref(),
        &decision.reason,
    )?;
    if decision.contactid.is_some() {
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
    let envelope = Envelope {
        body: json!({
            "subject": c.new.subject,
            "description": description(c),
        }),
        on_behalf_of: None,
        resolve: None,
        version: Some(c.version),
    };
    outbox::enqueue_version(
        tx,
        c.id,
        OutboxOp::UpdateTask,
        "tasks",
        id,
        &to_json(&envelope)?,
    )?;
    Ok(())
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::BadValue {
        column: "outbox.payload_json",
        value: e.to_string(),
    })
}

/// Who the member is: name, title and company, e-mail and profile URL,
/// so an open task still says whom it was about.
pub(crate) fn member_header(n: &NewActivity) -> String {
    let about: Vec<&str> = [n.member_title.as_deref(), n.member_company.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let mut header = n.member_name.clone();
    if !about.is_empty() {
        header.push_str(&format!(" ({})", about.join(", ")));
    }
    for extra in [n.member_email.as_deref(), n.member_profile_url.as_deref()]
        .into_iter()
        .flatten()
    {
        header.push_str(&format!("\n{extra}"));
    }
    header
}

/// A conversation's text is whole already (it starts with the member);
/// any other activity's body follows who the member is.
fn description(a: &Activity) -> String {
    if a.messages.is_some() {
        return a.new.body.clone();
    }
    format!(
        "{} with {}\n\n{}",
        kind_label(a.new.kind),
        member_header(&a.new),
        a.new.body
    )
}

fn kind_label(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Inmail => "InMail",
        ActivityKind::Message => "Message",
        ActivityKind::Note => "Note",
        ActivityKind::Tag => "Tag",
    }
}

/// The task: closed and regarding the contact when matched, open and
/// regarding nothing otherwise; owned by the seat holder.
fn task_body(a: &Activity, id: &str, owner: &str, d: &Decision) -> Value {
    let n = &a.new;
    let mut body = json!({
        "activityid": id,
        "subject": n.subject,
        "description": description(a),
        "scheduledend": n.occurred_at,
        "ownerid@odata.bind": format!("/systemusers({owner})"),
    });
    if let Some(contact) = &d.contactid {
        body["regardingobjectid_contact_task@odata.bind"] = json!(format!("/contacts({contact})"));
        body["statecode"] = json!(TASK_CLOSED);
        body["statuscode"] = json!(TASK_COMPLETED);
        body["actualend"] = json!(n.occurred_at);
    } else {
        body["statecode"] = json!(TASK_OPEN);
    }
    body
}

/// The PATCH that reopens a task (its default open status).
fn reopen() -> Value {
    json!({ "statecode": TASK_OPEN })
}

/// The PATCH that links a task to a contact and closes it.
pub(crate) fn close_body(contactid: &str) -> Value {
    json!({
        "regardingobjectid_contact_task@odata.bind": format!("/contacts({contactid})"),
        "statecode": TASK_CLOSED,
        "statuscode": TASK_COMPLETED,
    })
}

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
    fn add(&mut self, o: &Sent) {
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
        let chunks: Vec<Vec<outbox::OutboxEntry>> = rows
            .chunks(CHUNK)
            .map(<[outbox::OutboxEntry]>::to_vec)
            .collect();
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

struct Pending {
    entry: outbox::OutboxEntry,
    envelope: Envelope,
}

async fn send_chunk(
    writer: &Writer,
    crm: &dyn CrmWrites,
    chunk: Vec<outbox::OutboxEntry>,
    sent: &mut Sent,
) -> Result<(), WritebackError> {
    let mut creates = Vec::new();
    let mut updates = Vec::new();
    for entry in chunk {
        let envelope: Envelope =
            serde_json::from_str(&entry.payload_json).map_err(|e| StoreError::BadValue {
                column: "outbox.payload_json",
                value: e.to_string(),
            })?;
        let p = Pending { entry, envelope };
        if p.entry.operation == OutboxOp::CreateTask || p.entry.operation == OutboxOp::CreateContact
        {
            creates.push(p);
        } else {
            updates.push(p);
        }
    }
    if !creates.is_empty() {
        send_creates(writer, crm, creates, sent).await?;
    }
    for p in updates {
        sent.requests += 1;
        let (set, id) = (&p.entry.entity_set, &p.entry.crm_id);
        let r = if p.entry.operation == OutboxOp::UpdateTask {
            send_version(writer, crm, &p).await?
        } else {
            // Reopened first: a close sent again after a crash finds the
            // task closed, and a closed activity is read-only.
            let steps = [reopen(), p.envelope.body.clone()];
            crm.update_steps(set, id, &steps).await
        };
        if let Err(e @ WriteError::Unavailable { .. }) = r {
            return Err(WritebackError::Crm(e));
        }
        record(writer, p, r, None, sent).await?;
    }
    Ok(())
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
    p: &Pending,
) -> Result<Result<(), WriteError>, WritebackError> {
    let activity_id = p.entry.activity_id;
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
    let (set, id) = (&p.entry.entity_set, &p.entry.crm_id);
    // Sent before a crash kept its answer from being recorded: the CRM
    // has this version already and is not sent it again.
    let text = p.envelope.body.get("description").and_then(Value::as_str);
    match crm.text_of(set, id, "description").await {
        Ok(held) if held.is_some() && held.as_deref() == text => {
            return Ok(Err(WriteError::AlreadyExists));
        }
        Ok(_) => {}
        Err(e) => return Ok(Err(e)),
    }
    Ok(if closed {
        let steps = [
            reopen(),
            p.envelope.body.clone(),
            json!({ "statecode": TASK_CLOSED, "statuscode": TASK_COMPLETED }),
        ];
        crm.update_steps(set, id, &steps).await
    } else {
        crm.update(set, id, &p.envelope.body).await
    })
}

fn as_create(p: &Pending, on_behalf: bool) -> Create {
    Create {
        entity_set: p.entry.entity_set.clone(),
        id: p.entry.crm_id.clone(),
        body: p.envelope.body.clone(),
        on_behalf_of: p.envelope.on_behalf_of.clone().filter(|_| on_behalf),
    }
}

async fn send_creates(
    writer: &Writer,
    crm: &dyn CrmWrites,
    creates: Vec<Pending>,
    sent: &mut Sent,
) -> Result<(), WritebackError> {
    let batch: Vec<Create> = creates.iter().map(|p| as_create(p, true)).collect();
    sent.requests += 1;
    match crm.create_all(&batch).await {
        Ok(()) => {
            let results = creates.into_iter().map(|p| (p, Ok(()))).collect();
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
    for (p, r) in creates.into_iter().zip(answers) {
        match r {
            Err(WriteError::OnBehalfRefused(_)) => retry.push(p),
            other => done.push((p, other)),
        }
    }
    record_all(writer, done, None, sent).await?;
    if retry.is_empty() {
        return Ok(());
    }
    // Impersonation refused: write as the integration user, and say so.
    let plain: Vec<Create> = retry.iter().map(|p| as_create(p, false)).collect();
    sent.requests += 1;
    let answers = crm.create_each(&plain).await.map_err(WritebackError::Crm)?;
    sent.on_behalf_refused += retry.len();
    let note = "acting on behalf of the seat holder was refused (check prvActOnBehalfOfAnotherUser); written as the integration user";
    let results = retry.into_iter().zip(answers).collect();
    record_all(writer, results, Some(note), sent).await
}

async fn record_all(
    writer: &Writer,
    results: Vec<(Pending, Result<(), WriteError>)>,
    note: Option<&'static str>,
    sent: &mut Sent,
) -> Result<(), WritebackError> {
    let tally = writer
        .tx(move |tx| {
            let mut t = Sent::default();
            for (p, r) in results {
                apply_result(tx, &p, &r, note, &mut t)?;
            }
            Ok::<_, WritebackError>(t)
        })
        .await?;
    // The tally counts results only (no requests), so adding it is exact.
    sent.add(&tally);
    Ok(())
}

async fn record(
    writer: &Writer,
    p: Pending,
    r: Result<(), WriteError>,
    note: Option<&'static str>,
    sent: &mut Sent,
) -> Result<(), WritebackError> {
    record_all(writer, vec![(p, r)], note, sent).await
}

/// Commits what the CRM said about one write: outbox, activity, queue,
/// mirror and audit, together.
fn apply_result(
    tx: &rusqlite::Connection,
    p: &Pending,
    r: &Result<(), WriteError>,
    note: Option<&str>,
    t: &mut Sent,
) -> Result<(), StoreError> {
    let e = &p.entry;
    let result = match r {
        Ok(()) => AuditResult::Ok,
        Err(WriteError::AlreadyExists) => AuditResult::Exists,
        Err(err) => {
            let msg = err.to_string();
            if t.refusal.is_none() {
                t.refusal = Some((err.class(), msg.clone()));
                t.refused_code = err.code().map(str::to_string);
            }
            outbox::mark_attempt_failed(tx, e.id, &msg, MAX_ATTEMPTS)?;
            if let Some(aid) = e.activity_id {
                activities::record_attempt(tx, aid, Some(&msg))?;
                if e.attempts + 1 >= MAX_ATTEMPTS && e.operation == OutboxOp::CreateTask {
                    activities::set_state(tx, aid, ActivityState::Failed)?;
                }
            }
            audit::record(
                tx,
                e.operation.as_str(),
                &e.entity_set,
                &e.crm_id,
                e.activity_id,
                AuditResult::Error,
                Some(&msg),
            )?;
            t.failed += 1;
            return Ok(());
        }
    };
    if e.operation == OutboxOp::UpdateTask {
        // A newer version queued while this one was on its way stays due.
        outbox::mark_done_if_unchanged(tx, e.id, &e.payload_json)?;
    } else {
        outbox::mark_done(tx, e.id)?;
    }
    if result == AuditResult::Ok {
        t.written += 1;
    } else {
        t.already += 1;
    }
    audit::record(
        tx,
        e.operation.as_str(),
        &e.entity_set,
        &e.crm_id,
        e.activity_id,
        result,
        note,
    )?;
    match e.operation {
        OutboxOp::CreateTask => {
            if let Some(a) = e
                .activity_id
                .map(|id| activities::get(tx, id))
                .transpose()?
                .flatten()
            {
                let state = if a.matched_contactid.is_some() {
                    ActivityState::WrittenClosed
                } else {
                    ActivityState::WrittenOpen
                };
                activities::set_state(tx, a.id, state)?;
            }
        }
        OutboxOp::CreateContact => mirror_created_contact(tx, &e.crm_id, &p.envelope.body)?,
        OutboxOp::UpdateTask => {}
        OutboxOp::CloseTask => {
            if let (Some(aid), Some(note)) = (e.activity_id, &p.envelope.resolve) {
                let reason = Reason::Resolved {
                    how: note.how.clone(),
                };
                activities::assign_crm_id(tx, aid, &e.crm_id, Some(&note.contactid), &reason)?;
                activities::set_state(tx, aid, ActivityState::Resolved)?;
                unresolved::resolve(tx, aid, &note.how, &note.contactid, note.by.as_deref())?;
            }
        }
    }
    Ok(())
}

/// Puts a contact the CRM confirmed into the mirror, so matching and the
/// queue see it before the next pull.
fn mirror_created_contact(
    tx: &rusqlite::Connection,
    id: &str,
    body: &Value,
) -> Result<(), StoreError> {
    let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
    let first = text("firstname");
    let last = text("lastname");
    let fullname = [first.as_deref(), last.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let parentaccountid = text("parentcustomerid_account@odata.bind").and_then(|b| {
        b.strip_prefix("/accounts(")
            .and_then(|r| r.strip_suffix(')'))
            .map(str::to_string)
    });
    mirror::upsert_contact(
        tx,
        &mirror::Contact {
            contactid: id.to_string(),
            fullname,
            firstname: first,
            lastname: last,
            email: text("emailaddress1"),
            jobtitle: text("jobtitle"),
            parentaccountid,
            linkedin_url: None,
            ownerid: None,
            createdon: None,
            modifiedon: None,
        },
    )
}
