//! What an outbox row holds: the typed write, not a request body. The
//! crm client makes the body when the row is sent, so the row says what
//! was decided (a task about a contact, owned by a user) and nothing has to
//! be picked apart again to record the answer.
//!
//! The format is versioned ([`FORMAT`]): rows outlive the program that
//! queued them, across upgrades and crashes, and must be sent exactly once
//! by whichever version finds them. Rows of format 1 (request bodies) are
//! converted by the store's migration 008.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::crm::writes::{NewContact, NewTask};
use crate::store::StoreError;
use crate::store::outbox::{OutboxEntry, OutboxOp};

/// The format of [`Queued`] rows this navsync writes and reads.
pub const FORMAT: u32 = 2;

/// One outbox row's write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queued {
    /// The row's format: [`FORMAT`].
    pub v: u32,
    pub write: Write,
    /// The seat holder (systemuser) the write is made on behalf of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<Uuid>,
    /// For a conversation's task: which version of its text this is, so
    /// each version is a payload of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// What the CRM is asked to do, one per [`OutboxOp`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Write {
    CreateTask(NewTask),
    /// A contact made from a member's profile in the unresolved queue.
    CreateContact(NewContact),
    /// Link an open task to a contact and complete it, resolving the
    /// queue entry: `how` it was resolved and by whom.
    CloseTask {
        contact: Uuid,
        how: crate::vocab::ResolveHow,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
    /// A written conversation's new text.
    UpdateTask {
        subject: String,
        description: String,
    },
}

impl Write {
    /// The outbox operation this write is queued as.
    pub fn op(&self) -> OutboxOp {
        match self {
            Self::CreateTask(_) => OutboxOp::CreateTask,
            Self::CreateContact(_) => OutboxOp::CreateContact,
            Self::CloseTask { .. } => OutboxOp::CloseTask,
            Self::UpdateTask { .. } => OutboxOp::UpdateTask,
        }
    }
}

impl Queued {
    pub fn new(write: Write) -> Self {
        Self {
            v: FORMAT,
            write,
            on_behalf_of: None,
            version: None,
        }
    }

    pub(crate) fn to_json(&self) -> Result<String, StoreError> {
        serde_json::to_string(self).map_err(|e| bad(e.to_string()))
    }

    /// The write of `entry`, which must be of this format and of the
    /// entry's operation.
    pub fn of(entry: &OutboxEntry) -> Result<Self, StoreError> {
        let q: Self = serde_json::from_str(&entry.payload_json).map_err(|e| bad(e.to_string()))?;
        if q.v != FORMAT {
            return Err(bad(format!(
                "outbox format {} (this navsync reads {FORMAT})",
                q.v
            )));
        }
        if q.write.op() != entry.operation {
            return Err(bad(format!(
                "a {:?} payload in a {} row",
                q.write.op(),
                entry.operation.as_str()
            )));
        }
        Ok(q)
    }
}

fn bad(value: String) -> StoreError {
    StoreError::BadValue {
        column: "outbox.payload_json",
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::EntityRef;
    use crate::crm::writes::TaskState;

    fn entry(q: &Queued) -> OutboxEntry {
        OutboxEntry {
            id: 1,
            activity_id: Some(1),
            operation: q.write.op(),
            entity_set: "tasks".into(),
            crm_id: "t".into(),
            payload_json: q.to_json().unwrap(),
            attempts: 0,
        }
    }

    #[test]
    fn every_write_comes_back_from_its_row_as_it_went_in() {
        let id = Uuid::from_u128(1);
        let task = NewTask {
            id,
            subject: "s".into(),
            description: "d".into(),
            at: "2025-03-01T09:30:00Z".into(),
            owner: Uuid::from_u128(2),
            regarding: Some(EntityRef::new(
                crate::crm::EntityKind::Contact,
                Uuid::from_u128(3),
            )),
            state: TaskState::Completed,
        };
        let writes = [
            Write::CreateTask(task),
            Write::CreateContact(NewContact {
                id,
                firstname: "Ana".into(),
                lastname: "Pérez".into(),
                email: None,
                jobtitle: Some("Buyer".into()),
                account: Some(Uuid::from_u128(4)),
            }),
            Write::CloseTask {
                contact: id,
                how: crate::vocab::ResolveHow::Search,
                by: Some("ana".into()),
            },
            Write::UpdateTask {
                subject: "s".into(),
                description: "d".into(),
            },
        ];
        for w in writes {
            let q = Queued {
                on_behalf_of: Some(Uuid::from_u128(2)),
                version: Some(3),
                ..Queued::new(w)
            };
            assert_eq!(Queued::of(&entry(&q)).unwrap(), q);
        }
    }

    #[test]
    fn a_row_of_another_format_or_operation_is_refused_not_guessed() {
        let q = Queued::new(Write::UpdateTask {
            subject: "s".into(),
            description: "d".into(),
        });
        let mut e = entry(&q);
        e.operation = OutboxOp::CloseTask;
        assert!(Queued::of(&e).is_err());
        let old = Queued { v: 1, ..q };
        assert!(Queued::of(&entry(&old)).is_err());
    }
}
