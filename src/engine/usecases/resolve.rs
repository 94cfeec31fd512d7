//! The unresolved-activities queue: an open task whose member matched no
//! contact is linked to one and closed. The contact comes from the ranked
//! candidates, a CRM search, or is created from the member's profile. The
//! writes go through the same outbox as writeback (committed before they
//! are sent), so a crash mid-resolve is finished by the next send pass.

use uuid::Uuid;

use crate::crm::EntityKind;
use crate::crm::writes::NewContact as ContactRecord;
use crate::engine::Answer;
use crate::engine::effects::writer::{Writer, WriterGone};
use crate::engine::interface::command::{NewContact, ResolveHow};
use crate::engine::interface::event::{ContactHit, View};
use crate::engine::interface::note::{Refusal, Reply};
use crate::engine::ports::{CrmWrites, WriteError};
use crate::engine::usecases::matching::{Matcher, Member};
use crate::engine::usecases::writeback::{self, Queued, Write, WritebackError};
use crate::store::activities::{self, ActivityState};
use crate::store::mirror;
use crate::store::outbox::OutboxOp;
use crate::store::{Store, StoreError, audit, outbox, unresolved};

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("activity {0} is not in the unresolved queue")]
    NotInQueue(i64),
    /// Not in the CRM yet: named by member and subject, as the queue
    /// shows it.
    #[error("the activity for {member} ({subject:?}) is still queued for the CRM")]
    NotWrittenYet { member: String, subject: String },
    #[error("the CRM did not take the change: {0}")]
    NotDone(String),
    #[error("{0}")]
    Search(WriteError),
    #[error(transparent)]
    Writeback(#[from] WritebackError),
}

impl From<ResolveError> for Refusal {
    fn from(e: ResolveError) -> Self {
        match e {
            ResolveError::NotInQueue(id) => Refusal::NotInQueue { id },
            ResolveError::NotWrittenYet { member, subject } => {
                Refusal::NotWrittenYet { member, subject }
            }
            ResolveError::NotDone(why) => Refusal::NotDone { why },
            e => Refusal::Failed {
                error: e.to_string(),
            },
        }
    }
}

impl From<StoreError> for ResolveError {
    fn from(e: StoreError) -> Self {
        Self::Writeback(e.into())
    }
}

impl From<WriterGone> for ResolveError {
    fn from(e: WriterGone) -> Self {
        Self::Writeback(e.into())
    }
}

/// The activity's task id, when it is an open, written entry of the queue.
fn open_task(conn: &rusqlite::Connection, activity_id: i64) -> Result<String, ResolveError> {
    let in_queue = unresolved::open(conn, true)?
        .iter()
        .any(|e| e.activity_id == activity_id);
    let a = activities::get(conn, activity_id)?.ok_or(ResolveError::NotInQueue(activity_id))?;
    if !in_queue {
        return Err(ResolveError::NotInQueue(activity_id));
    }
    match (a.state, a.crm_activity_id) {
        (ActivityState::WrittenOpen, Some(id)) => Ok(id),
        _ => Err(ResolveError::NotWrittenYet {
            member: a.new.member_name,
            subject: a.new.subject,
        }),
    }
}

/// Links the activity's task to `contactid` and closes it.
pub async fn resolve_with_contact(
    writer: &Writer,
    crm: &dyn CrmWrites,
    activity_id: i64,
    contactid: String,
    how: ResolveHow,
    by: Option<String>,
) -> Result<Answer, ResolveError> {
    let contact = Uuid::parse_str(&contactid)
        .map_err(|_| ResolveError::NotDone(format!("{contactid:?} is not a CRM contact id")))?;
    writer
        .tx(move |tx| {
            let task = open_task(tx, activity_id)?;
            enqueue_close(tx, activity_id, &task, contact, how, by)
        })
        .await?;
    finish(writer, crm, activity_id, &contactid).await
}

fn enqueue_close(
    tx: &rusqlite::Connection,
    activity_id: i64,
    task: &str,
    contact: Uuid,
    how: ResolveHow,
    by: Option<String>,
) -> Result<(), ResolveError> {
    let queued = Queued::new(Write::CloseTask { contact, how, by });
    outbox::enqueue(
        tx,
        Some(activity_id),
        OutboxOp::CloseTask,
        EntityKind::Task.entity_set(),
        task,
        &queued.to_json()?,
    )?;
    Ok(())
}

/// Creates the contact in the CRM from `contact`, then links and closes
/// the task. The contact id is derived from the task id, so pressing
/// "create" twice creates one contact.
pub async fn create_contact_and_resolve(
    writer: &Writer,
    crm: &dyn CrmWrites,
    activity_id: i64,
    contact: NewContact,
    by: Option<String>,
) -> Result<Answer, ResolveError> {
    let contactid = writer
        .tx(move |tx| {
            let task = open_task(tx, activity_id)?;
            let mut contact = contact;
            if contact.parentaccountid.is_none()
                && let Some(company) = contact.company.as_deref()
            {
                contact.parentaccountid = account_named(tx, company)?;
            }
            let ns = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://navsync/contacts");
            let id = Uuid::new_v5(&ns, task.as_bytes());
            let queued = Queued::new(Write::CreateContact(contact_record(id, &contact)));
            outbox::enqueue(
                tx,
                Some(activity_id),
                OutboxOp::CreateContact,
                EntityKind::Contact.entity_set(),
                &id.to_string(),
                &queued.to_json()?,
            )?;
            enqueue_close(tx, activity_id, &task, id, ResolveHow::Created, by)?;
            Ok::<_, ResolveError>(id.to_string())
        })
        .await?;
    finish(writer, crm, activity_id, &contactid).await
}

/// The contact as the CRM gets it; its company only when known as a
/// CRM account.
fn contact_record(id: Uuid, c: &NewContact) -> ContactRecord {
    ContactRecord {
        id,
        firstname: c.firstname.clone(),
        lastname: c.lastname.clone(),
        email: c.email.clone(),
        jobtitle: c.jobtitle.clone(),
        account: c
            .parentaccountid
            .as_deref()
            .and_then(|a| Uuid::parse_str(a).ok()),
    }
}

/// The one account whose name (or web domain) is `company`, as matching
/// finds a member's account; none when no or several accounts match. The
/// account look-up is exact, so the name thresholds play no part.
fn account_named(
    conn: &rusqlite::Connection,
    company: &str,
) -> Result<Option<String>, ResolveError> {
    let company = company.trim();
    if company.is_empty() {
        return Ok(None);
    }
    let accounts = Matcher::new(
        &[],
        &mirror::accounts(conn)?,
        crate::config::Config::default().matching,
    );
    Ok(accounts
        .decide(&Member {
            name: "",
            company: Some(company),
            email: None,
            profile_url: None,
        })
        .accountid)
}

/// Sends what is queued and reports whether this activity got resolved,
/// naming the member and the contact (not their ids).
async fn finish(
    writer: &Writer,
    crm: &dyn CrmWrites,
    activity_id: i64,
    contactid: &str,
) -> Result<Answer, ResolveError> {
    writeback::send_pending(writer, crm).await?;
    let c = contactid.to_string();
    let state = writer
        .call(move |s| {
            let a = activities::get(s.conn(), activity_id)?;
            let err = audit::recent(s.conn(), 5)?
                .into_iter()
                .find(|e| {
                    e.activity_id == Some(activity_id)
                        && e.result == crate::store::audit::AuditResult::Error
                })
                .and_then(|e| e.detail);
            let contact = mirror::contact_name(s.conn(), &c)?;
            Ok::<_, ResolveError>((a, err, contact))
        })
        .await?;
    match state {
        (Some(a), _, contact) if a.state == ActivityState::Resolved => Ok(Answer {
            ok: true,
            reply: Reply::Linked {
                member: a.new.member_name.clone(),
                kind: a.new.kind,
                contact,
                contactid: contactid.to_string(),
            },
            changed: Some(View::Unresolved),
            log: Vec::new(),
        }),
        (_, err, _) => Err(ResolveError::NotDone(
            err.unwrap_or_else(|| "no answer recorded".into()),
        )),
    }
}

/// Skips (or brings back) a queue entry; nothing is sent to the CRM.
pub fn skip(store: &mut Store, activity_id: i64, skip: bool) -> Result<Answer, ResolveError> {
    store.transaction(|tx| {
        if !unresolved::open(tx, true)?
            .iter()
            .any(|e| e.activity_id == activity_id)
        {
            return Err(ResolveError::NotInQueue(activity_id));
        }
        unresolved::set_dismissed(tx, activity_id, skip)?;
        Ok(Answer {
            ok: true,
            reply: if skip {
                Reply::Skipped
            } else {
                Reply::BackInQueue
            },
            changed: Some(View::Unresolved),
            log: Vec::new(),
        })
    })
}

/// CRM search for the queue's "search the CRM" box; each hit's company is
/// named from the CRM copy, so look-alikes can be told apart.
pub async fn search(
    writer: &Writer,
    crm: &dyn CrmWrites,
    query: &str,
) -> Result<Vec<ContactHit>, ResolveError> {
    let q = query.trim();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let hits = crm.search_contacts(q).await.map_err(ResolveError::Search)?;
    let named = writer
        .call(move |s| {
            hits.into_iter()
                .map(|mut h| {
                    if h.company.is_none()
                        && let Some(a) = &h.accountid
                    {
                        h.company = mirror::account_name(s.conn(), a)?;
                    }
                    Ok(h)
                })
                .collect::<Result<Vec<_>, ResolveError>>()
        })
        .await?;
    Ok(named)
}
