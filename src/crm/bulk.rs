//! `CreateMultiple`: many records of one table in one request, the bulk
//! message Microsoft recommends for creating many rows
//! (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/bulk-operations>,
//! Web API form:
//! <https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/reference/createmultiple>).
//!
//! Not every table supports it, so the first refusal for a table is
//! remembered and that table goes through `$batch` from then on. On a
//! standard table the request is all or nothing: a record whose
//! client-chosen id already exists (a re-send after a crash) fails the
//! whole request, and the caller then sorts the records out one by one
//! through `$batch`, where "already exists" is recognised per record.

use bytes::Bytes;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::batch::{Caller, ChangeSet, WriteOp};
use super::client::Client;
use super::error::CrmError;
use super::odata::Column;
use super::transport::Request;

/// What a `CreateMultiple` attempt came to.
#[derive(Debug)]
pub enum Bulk {
    /// Every record was created.
    Created,
    /// The table does not take `CreateMultiple`: use `$batch`.
    Unsupported,
}

impl Client {
    /// Creates `rows` (id, body) in `entity_set` with one `CreateMultiple`,
    /// written as `caller` when given. Text is fitted to the columns first.
    pub(crate) async fn create_multiple(
        &self,
        entity_set: &str,
        logical_name: &str,
        key: &Column,
        rows: Vec<(Uuid, Value)>,
        caller: Option<Caller>,
    ) -> Result<Bulk, CrmError> {
        if self.bulk_refused(entity_set) {
            return Ok(Bulk::Unsupported);
        }
        // Fitted as a change set would be, so both paths send the same.
        let set = ChangeSet {
            ops: rows
                .into_iter()
                .map(|(id, body)| WriteOp::Create {
                    entity_set: entity_set.to_string(),
                    key: key.clone(),
                    id,
                    body,
                })
                .collect(),
            caller,
        };
        let fitted = self.fitted(std::slice::from_ref(&set)).await?;
        let targets: Vec<Value> = fitted
            .into_iter()
            .flat_map(|s| s.ops)
            .map(|op| match op {
                WriteOp::Create { id, mut body, .. } | WriteOp::Update { id, mut body, .. } => {
                    if let Value::Object(m) = &mut body {
                        m.insert(
                            "@odata.type".into(),
                            Value::String(format!("Microsoft.Dynamics.CRM.{logical_name}")),
                        );
                        m.insert(key.as_str().to_string(), Value::String(id.to_string()));
                    }
                    body
                }
            })
            .collect();
        let n = targets.len();
        let body = serde_json::to_vec(&serde_json::json!({ "Targets": targets }))
            .map_err(|e| CrmError::api(None, format!("CreateMultiple: {e}")))?;
        let set_col = Column::new(entity_set)?;
        let mut req = Request::post(
            self.api_url(&format!("{set_col}/Microsoft.Dynamics.CRM.CreateMultiple"))?,
            format!("POST {entity_set} CreateMultiple ({n})"),
            Bytes::from(body),
        )
        .header("content-type", "application/json")?;
        req = match caller {
            Some(Caller::SystemUser(u)) => req.header("mscrmcallerid", &u.to_string())?,
            #[cfg(any(test, feature = "testkit"))]
            Some(Caller::EntraObjectId(u)) => req.header("callerobjectid", &u.to_string())?,
            None => req,
        };
        #[derive(Deserialize)]
        struct Created {
            #[serde(rename = "Ids", default)]
            ids: Vec<String>,
        }
        let answer = self
            .execute_with(&req, |a| {
                serde_json::from_slice::<Created>(&a.body).map_err(|e| {
                    CrmError::api(
                        Some(a.status.as_u16()),
                        format!("CreateMultiple: unexpected answer: {e}"),
                    )
                })
            })
            .await;
        match answer {
            Ok(c) if c.ids.len() == n => Ok(Bulk::Created),
            Ok(c) => Err(CrmError::api(
                None,
                format!("CreateMultiple: {} ids for {n} records", c.ids.len()),
            )),
            Err(e) if is_not_supported(&e) => {
                tracing::info!(
                    table = entity_set,
                    "CreateMultiple refused for this table; writing through $batch"
                );
                self.remember_bulk_refused(entity_set);
                Ok(Bulk::Unsupported)
            }
            Err(e) => Err(e),
        }
    }

    fn bulk_refused(&self, entity_set: &str) -> bool {
        self.inner
            .bulk_refused
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(entity_set)
    }

    fn remember_bulk_refused(&self, entity_set: &str) {
        self.inner
            .bulk_refused
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(entity_set.to_string());
    }
}

/// A refusal of the message itself, not of the records: an unknown action
/// (404, 405, 501) or a 400 that is not about a record (a duplicate key,
/// a value, a missing reference).
fn is_not_supported(e: &CrmError) -> bool {
    match e {
        CrmError::Api {
            status: Some(404 | 405 | 501),
            ..
        } => true,
        CrmError::Api {
            status: Some(400),
            code,
            detail,
        } => {
            let record_level = matches!(
                code.as_deref(),
                Some("0x80040237" | "0x80044331" | "0x80040217" | "0x80048d19")
            );
            !record_level && (detail.contains("CreateMultiple") || detail.contains("not supported"))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_error_is_not_a_refused_message() {
        let dup = CrmError::Api {
            status: Some(400),
            code: Some("0x80040237".into()),
            detail: "CreateMultiple: Cannot insert duplicate key.".into(),
        };
        assert!(!is_not_supported(&dup));
        let refused = CrmError::Api {
            status: Some(400),
            code: Some("0x80040800".into()),
            detail: "POST tasks CreateMultiple (3): The 'CreateMultiple' method does not support entities of type 'task'.".into(),
        };
        assert!(is_not_supported(&refused));
    }
}
