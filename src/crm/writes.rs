//! The writes navsync makes, as types: the caller says what a record is
//! (a task about a contact, owned by a user), and only here does it become
//! a Dataverse request body. Callers never see column or navigation
//! property names, and what they keep (the outbox) is these types, not
//! bodies to be picked apart again.
//!
//! Bodies follow "Create a table row using the Web API"
//! (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/create-entity-web-api>):
//! the primary key set to the client-chosen id, so a create sent twice is
//! refused as a duplicate instead of written twice, and lookups set with
//! `@odata.bind` (see [`entity_ref`](super::entity_ref)). A task's state
//! is its `statecode` and `statuscode`, set by a PATCH like any column
//! (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/task>).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::entity_ref::{EntityKind, EntityRef, Lookup, bind};

/// Task `statecode` Open and its default status.
const TASK_OPEN: i64 = 0;
/// Task `statecode` Completed and its status Completed.
const TASK_COMPLETED: i64 = 1;
const TASK_STATUS_COMPLETED: i64 = 5;

/// Open, or completed (which makes the activity read-only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    Open,
    Completed,
}

/// A task to create, about something that already happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTask {
    pub id: Uuid,
    pub subject: String,
    pub description: String,
    /// When it happened (RFC 3339): the task is due then and, when
    /// completed, ended then.
    pub at: String,
    /// The user (systemuser) who owns the task.
    pub owner: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regarding: Option<EntityRef>,
    pub state: TaskState,
}

/// A contact to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewContact {
    pub id: Uuid,
    pub firstname: String,
    pub lastname: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jobtitle: Option<String>,
    /// The contact's company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Uuid>,
}

/// A record to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewRecord {
    Task(NewTask),
    Contact(NewContact),
}

impl NewRecord {
    /// The record this create makes.
    pub fn target(&self) -> EntityRef {
        match self {
            Self::Task(t) => EntityRef::new(EntityKind::Task, t.id),
            Self::Contact(c) => EntityRef::new(EntityKind::Contact, c.id),
        }
    }

    /// The POST body (the primary key included).
    pub fn body(&self) -> Value {
        let target = self.target();
        let mut body = Map::new();
        body.insert(
            target.kind.key().into(),
            Value::String(target.id.to_string()),
        );
        match self {
            Self::Task(t) => {
                body.insert("subject".into(), json!(t.subject));
                body.insert("description".into(), json!(t.description));
                body.insert("scheduledend".into(), json!(t.at));
                bind(
                    &mut body,
                    Lookup::Owner,
                    EntityRef::new(EntityKind::SystemUser, t.owner),
                );
                if let Some(r) = t.regarding {
                    bind(&mut body, REGARDING_TASK, r);
                }
                match t.state {
                    TaskState::Open => {
                        body.insert("statecode".into(), json!(TASK_OPEN));
                    }
                    TaskState::Completed => {
                        body.insert("statecode".into(), json!(TASK_COMPLETED));
                        body.insert("statuscode".into(), json!(TASK_STATUS_COMPLETED));
                        body.insert("actualend".into(), json!(t.at));
                    }
                }
            }
            Self::Contact(c) => {
                body.insert("firstname".into(), json!(c.firstname));
                body.insert("lastname".into(), json!(c.lastname));
                if let Some(e) = &c.email {
                    body.insert("emailaddress1".into(), json!(e));
                }
                if let Some(j) = &c.jobtitle {
                    body.insert("jobtitle".into(), json!(j));
                }
                if let Some(a) = c.account {
                    bind(
                        &mut body,
                        Lookup::ParentCustomer,
                        EntityRef::new(EntityKind::Account, a),
                    );
                }
            }
        }
        Value::Object(body)
    }
}

const REGARDING_TASK: Lookup = Lookup::Regarding {
    activity: EntityKind::Task,
};

/// One PATCH of a change to an existing task. A completed task is
/// read-only, so a change to one reopens it first and completes it again
/// last, all steps in one change set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskStep {
    /// Back to open (its default status).
    Reopen,
    /// New text.
    Text {
        subject: String,
        description: String,
    },
    /// Completed, and about `regarding` when given.
    Complete { regarding: Option<EntityRef> },
}

impl TaskStep {
    /// The PATCH body.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        match self {
            Self::Reopen => {
                body.insert("statecode".into(), json!(TASK_OPEN));
            }
            Self::Text {
                subject,
                description,
            } => {
                body.insert("subject".into(), json!(subject));
                body.insert("description".into(), json!(description));
            }
            Self::Complete { regarding } => {
                if let Some(r) = regarding {
                    bind(&mut body, REGARDING_TASK, *r);
                }
                body.insert("statecode".into(), json!(TASK_COMPLETED));
                body.insert("statuscode".into(), json!(TASK_STATUS_COMPLETED));
            }
        }
        Value::Object(body)
    }
}
