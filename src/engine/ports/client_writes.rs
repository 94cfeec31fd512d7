//! [`CrmWrites`] on the crm client: creates of one table and one user go
//! as one `CreateMultiple` where the table takes it, else as `$batch`
//! change sets (grouped by the user they are written for, since
//! impersonation is per change set); updates as PATCH, the search through
//! the client's contact search (escaped `$filter`).

use futures::future::BoxFuture;
use serde_json::Value;
use uuid::Uuid;

use crate::crm::writes::TaskStep;
use crate::crm::{
    Bulk, Caller, ChangeSet, Client, Column, ContactSearch, CrmError, EntityKind, WriteOp,
    WriteResult,
};
use crate::engine::interface::event::{ContactHit, ErrorClass};
use crate::engine::ports::{Create, CrmWrites, WriteError};

const ON_BEHALF: &str = "prvActOnBehalfOfAnotherUser";

/// A task's description column.
const DESCRIPTION: &str = "description";

fn classify(e: CrmError) -> WriteError {
    match e {
        CrmError::InsufficientPrivileges {
            privilege, detail, ..
        } if privilege.as_deref() == Some(ON_BEHALF) || detail.contains(ON_BEHALF) => {
            WriteError::OnBehalfRefused(detail)
        }
        CrmError::Api {
            status: Some(s), ..
        } if s != 429 && s < 500 => refused(&e),
        CrmError::InsufficientPrivileges { .. } | CrmError::ObjectsUnreadable { .. } => refused(&e),
        // Connection, 5xx/429 after the client's retries, sign-in: the
        // write is fine, the CRM does not take it now.
        other => WriteError::Unavailable {
            class: other.class(),
            detail: other.detail(),
        },
    }
}

/// The CRM's own message is in the detail, its code beside it.
fn refused(e: &CrmError) -> WriteError {
    WriteError::Refused {
        class: e.class(),
        code: e.code().map(str::to_string),
        detail: e.detail(),
    }
}

/// A write navsync could not even form: a bug or a bad stored row.
fn malformed(detail: String) -> WriteError {
    WriteError::Refused {
        class: ErrorClass::Other,
        code: None,
        detail,
    }
}

fn op(c: &Create) -> Result<WriteOp, WriteError> {
    let target = c.record.target();
    Ok(WriteOp::Create {
        entity_set: target.kind.entity_set().into(),
        key: Column::new(target.kind.key()).map_err(|e| malformed(e.to_string()))?,
        id: target.id,
        body: c.record.body(),
    })
}

fn caller(c: &Create) -> Option<Caller> {
    c.on_behalf_of.map(Caller::SystemUser)
}

fn result(r: WriteResult) -> Result<(), WriteError> {
    match r {
        WriteResult::Done => Ok(()),
        WriteResult::AlreadyExists => Err(WriteError::AlreadyExists),
        WriteResult::Failed(e) => Err(classify(e)),
    }
}

/// Creates of one table written as one user go as one `CreateMultiple`
/// (Microsoft's bulk message); `None` when the table does not take it.
async fn create_multiple(client: &Client, creates: &[Create]) -> Option<Result<(), WriteError>> {
    let first = creates.first()?;
    let table = first.record.target().kind;
    let who = caller(first);
    let same = creates
        .iter()
        .all(|c| c.record.target().kind == table && caller(c) == who);
    if !same {
        return None;
    }
    let key = Column::new(table.key()).ok()?;
    let rows = creates
        .iter()
        .map(|c| (c.record.target().id, c.record.body()))
        .collect();
    match client
        .create_multiple(table.entity_set(), table.logical_name(), &key, rows, who)
        .await
    {
        Ok(Bulk::Created) => Some(Ok(())),
        Ok(Bulk::Unsupported) => None,
        Err(e) => Some(Err(classify(e))),
    }
}

impl CrmWrites for Client {
    fn create_all<'a>(&'a self, creates: &'a [Create]) -> BoxFuture<'a, Result<(), WriteError>> {
        Box::pin(async move {
            if let Some(done) = create_multiple(self, creates).await {
                return done;
            }
            // Consecutive creates for the same user share a change set.
            let mut sets: Vec<ChangeSet> = Vec::new();
            for c in creates {
                let who = caller(c);
                match sets.last_mut() {
                    Some(set) if set.caller == who => set.ops.push(op(c)?),
                    _ => sets.push(ChangeSet {
                        ops: vec![op(c)?],
                        caller: who,
                    }),
                }
            }
            let results = self.write_batch(&sets).await.map_err(classify)?;
            results.into_iter().try_for_each(result)
        })
    }

    fn create_each<'a>(
        &'a self,
        creates: &'a [Create],
    ) -> BoxFuture<'a, Result<Vec<Result<(), WriteError>>, WriteError>> {
        Box::pin(async move {
            let sets = creates
                .iter()
                .map(|c| {
                    Ok(ChangeSet {
                        ops: vec![op(c)?],
                        caller: caller(c),
                    })
                })
                .collect::<Result<Vec<_>, WriteError>>()?;
            let results = self.write_batch(&sets).await.map_err(classify)?;
            Ok(results.into_iter().map(result).collect())
        })
    }

    fn update_task<'a>(
        &'a self,
        task: Uuid,
        steps: &'a [TaskStep],
    ) -> BoxFuture<'a, Result<(), WriteError>> {
        Box::pin(async move {
            let ops = steps
                .iter()
                .map(|step| WriteOp::Update {
                    entity_set: EntityKind::Task.entity_set().into(),
                    id: task,
                    body: step.body(),
                })
                .collect();
            let results = self
                .write_batch(&[ChangeSet::new(ops)])
                .await
                .map_err(classify)?;
            results.into_iter().try_for_each(result)
        })
    }

    fn description_limit(&self) -> BoxFuture<'_, Result<Option<usize>, WriteError>> {
        Box::pin(async move {
            self.max_length(EntityKind::Task, DESCRIPTION)
                .await
                .map_err(classify)
        })
    }

    fn description_of(&self, task: Uuid) -> BoxFuture<'_, Result<Option<String>, WriteError>> {
        Box::pin(async move {
            let path = format!(
                "{}({task})?$select={DESCRIPTION}",
                EntityKind::Task.entity_set()
            );
            let row: Value = self.get_json(&path, None).await.map_err(classify)?;
            Ok(row
                .get(DESCRIPTION)
                .and_then(Value::as_str)
                .map(str::to_string))
        })
    }

    fn search_contacts<'a>(
        &'a self,
        query: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ContactHit>, WriteError>> {
        Box::pin(async move {
            // One search box: an address is looked up as the e-mail, any
            // other text as part of the name.
            let q = query.trim().to_string();
            let search = if q.contains('@') {
                ContactSearch {
                    email: Some(q),
                    ..ContactSearch::default()
                }
            } else {
                ContactSearch {
                    name: Some(q),
                    ..ContactSearch::default()
                }
            };
            let rows = Client::search_contacts(self, &search)
                .await
                .map_err(classify)?;
            Ok(rows
                .into_iter()
                .map(|c| ContactHit {
                    contactid: c.contactid,
                    fullname: c.fullname.unwrap_or_default(),
                    email: c.emailaddress1,
                    company: None,
                    jobtitle: c.jobtitle,
                    // The parent customer is an account unless the CRM
                    // says it is a contact.
                    accountid: c.parentcustomerid.filter(|_| {
                        c.parentcustomer_type
                            .as_deref()
                            .is_none_or(|t| t == "account")
                    }),
                })
                .collect())
        })
    }
}
