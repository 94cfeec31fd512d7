//! Recording what the CRM answered: outbox, activity, queue, mirror and
//! audit of one write, committed together, so a crash leaves the write
//! pending (sent again, "already exists") or recorded, never half of it.

use super::queued::{Queued, Write};
use super::send::Sent;
use super::{MAX_ATTEMPTS, WritebackError};
use crate::crm::writes::NewContact;
use crate::engine::effects::writer::Writer;
use crate::engine::ports::WriteError;
use crate::store::StoreError;
use crate::store::activities::{self, ActivityState};
use crate::store::audit::{self, AuditResult};
use crate::store::outbox::{self, OutboxEntry, OutboxOp};
use crate::store::reason::Reason;
use crate::store::{mirror, unresolved};

/// An outbox row on its way, with its write.
pub(super) struct Pending {
    pub entry: OutboxEntry,
    pub queued: Queued,
}

pub(super) async fn record_all(
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

pub(super) async fn record(
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
    match &p.queued.write {
        Write::CreateTask(_) => {
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
        Write::CreateContact(c) => mirror_created_contact(tx, &e.crm_id, c)?,
        Write::UpdateTask { .. } => {}
        Write::CloseTask { contact, how, by } => {
            if let Some(aid) = e.activity_id {
                let contact = contact.to_string();
                let reason = Reason::Resolved { how: *how };
                activities::assign_crm_id(tx, aid, &e.crm_id, Some(&contact), &reason)?;
                activities::set_state(tx, aid, ActivityState::Resolved)?;
                unresolved::resolve(tx, aid, *how, &contact, by.as_deref())?;
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
    c: &NewContact,
) -> Result<(), StoreError> {
    mirror::upsert_contact(
        tx,
        &mirror::Contact {
            contactid: id.to_string(),
            fullname: format!("{} {}", c.firstname, c.lastname),
            firstname: Some(c.firstname.clone()),
            lastname: Some(c.lastname.clone()),
            email: c.email.clone(),
            jobtitle: c.jobtitle.clone(),
            parentaccountid: c.account.map(|a| a.to_string()),
            linkedin_url: None,
            ownerid: None,
            createdon: None,
            modifiedon: None,
        },
    )
}
