//! Creates, updates (upserts) and deletes, with Dataverse's rules:
//! client-supplied primary ids, the duplicate-key error, `@odata.bind`
//! lookups, the task state/status pairs, `If-Match` / `If-None-Match`, and
//! createdby / createdonbehalfby / ownerid set the way Dataverse sets them
//! (impersonated user as creator and default owner, the signed-in user as
//! the delegate).

use std::collections::HashMap;

use chrono::{SecondsFormat, Utc};
use serde_json::{Map, Value};

use super::filter::is_guid;
use super::response::{ApiError, OpResponse};
use super::row_json::{Shape, write_row};
use super::schema::{self, EntityDef, TASK_STATES};
use super::state::{Shared, lock};
use super::table::{Db, WriteError};
use super::tenant::Row;
use super::webapi::{Caller, OpRequest};

pub struct WriteCtx<'a> {
    pub shared: &'a Shared,
    pub caller: &'a Caller,
    pub def: &'static EntityDef,
    pub content_ids: &'a HashMap<String, String>,
}

pub fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

const READ_ONLY: &[&str] = &["createdon", "modifiedon", "fullname"];

fn payload(def: &EntityDef, body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(ApiError::new(
            400,
            "0x80048d19",
            format!(
                "Error identified in Payload provided by the user for Entity :'{}', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ----> InnerException : Microsoft.OData.ODataException: The request body is not a valid JSON object.",
                def.logical
            ),
        )),
    }
}

/// `/contacts(GUID)`, `contacts(GUID)`, an absolute URL or a `$n` change-set
/// reference -> (entity set, id).
fn bind_target(ctx: &WriteCtx, value: &str) -> Option<(String, String)> {
    let value = match value.strip_prefix('$') {
        Some(n) => ctx.content_ids.get(n)?.as_str(),
        None => value,
    };
    let api = ctx.shared.api_base();
    let rel = value
        .strip_prefix(api.as_str())
        .unwrap_or(value)
        .trim_start_matches('/');
    let (set, rest) = rel.split_once('(')?;
    let id = rest.strip_suffix(')')?;
    Some((set.to_string(), id.to_ascii_lowercase()))
}

impl WriteCtx<'_> {
    /// Checks the caller holds `prv{verb}{entity}` on the target entity, as
    /// Dataverse does before every create, update and delete.
    fn require(&self, db: &Db, verb: &str) -> Result<(), ApiError> {
        self.shared.require(
            db,
            self.caller,
            &format!("prv{verb}{}", self.def.privilege),
            Some(self.def),
        )
    }

    fn unknown_property(&self, k: &str) -> ApiError {
        ApiError::bad_request(format!(
            "The property '{k}' does not exist on type '{}'. Make sure to only use property names that are defined by the type.",
            self.def.type_name()
        ))
    }

    /// Copies the payload onto `row`, turning `nav@odata.bind` into the
    /// lookup column (plus its table annotation when polymorphic).
    fn apply(&self, db: &Db, row: &mut Row, body: Map<String, Value>) -> Result<(), ApiError> {
        for (k, v) in body {
            if let Some(nav) = k.strip_suffix("@odata.bind") {
                let lookup = self.def.lookup_by_nav(nav).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "An undeclared property '{nav}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values."
                    ))
                })?;
                let column = format!("_{}_value", lookup.attr);
                let target = v.as_str().and_then(|s| bind_target(self, s));
                let Some((set, id)) = target else {
                    return Err(ApiError::bad_request(format!(
                        "The value of '{k}' is not a valid entity reference: expected '/{}(<guid>)'.",
                        lookup.target_set
                    )));
                };
                if set != lookup.target_set {
                    return Err(ApiError::bad_request(format!(
                        "The entity set '{set}' does not match navigation property '{nav}', which refers to '{}'.",
                        lookup.target_set
                    )));
                }
                let tdef =
                    schema::by_set(&set).ok_or_else(|| ApiError::resource_not_found(&set))?;
                if db.table(&set).and_then(|t| t.get(&id)).is_none() {
                    return Err(ApiError::not_found(tdef.logical, &id));
                }
                row.insert(column.clone(), Value::String(id));
                if self.def.is_polymorphic(lookup.attr) {
                    row.insert(
                        schema::lookup_annotation(&column),
                        Value::String(tdef.logical.to_string()),
                    );
                }
            } else if k.starts_with('@') || k.contains("@odata.") {
                continue;
            } else if self.def.has_column(&k) && !k.starts_with('_') {
                if READ_ONLY.contains(&k.as_str()) {
                    continue;
                }
                self.check_length(&k, &v)?;
                row.insert(k, v);
            } else {
                return Err(self.unknown_property(&k));
            }
        }
        Ok(())
    }

    /// Dataverse refuses a text value longer than its column's MaxLength,
    /// failing the whole change set; the error is the one "Handling
    /// errors" in
    /// <https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api#handling-errors>
    /// shows.
    fn check_length(&self, column: &str, v: &Value) -> Result<(), ApiError> {
        let (Some(t), Some(s)) = (
            self.def.text.iter().find(|t| t.column == column),
            v.as_str(),
        ) else {
            return Ok(());
        };
        if s.chars().count() <= t.max_length {
            return Ok(());
        }
        Err(ApiError::new(
            400,
            "0x80044331",
            format!(
                "A validation error occurred.  The length of the '{column}' attribute of the '{}' entity exceeded the maximum allowed length of '{}'.",
                self.def.logical, t.max_length
            ),
        ))
    }

    fn stamp_new(&self, row: &mut Row, id: &str) {
        let ts = now();
        let user = Value::String(self.caller.user.clone());
        row.insert(self.def.key.to_string(), Value::String(id.to_string()));
        row.insert("createdon".into(), Value::String(ts.clone()));
        row.insert("modifiedon".into(), Value::String(ts));
        if self.def.has_column("_createdby_value") {
            row.insert("_createdby_value".into(), user.clone());
            row.insert("_modifiedby_value".into(), user.clone());
            row.insert(
                "_createdonbehalfby_value".into(),
                self.caller
                    .on_behalf_of
                    .clone()
                    .map_or(Value::Null, Value::String),
            );
        }
        if self.def.has_column("_ownerid_value")
            && row.get("_ownerid_value").is_none_or(Value::is_null)
        {
            row.insert("_ownerid_value".into(), user);
            row.insert(
                schema::lookup_annotation("_ownerid_value"),
                Value::String("systemuser".into()),
            );
        }
        if self.def.has_column("statecode") && row.get("statecode").is_none_or(Value::is_null) {
            row.insert("statecode".into(), Value::from(0));
        }
        if self.def.set == "tasks" {
            row.insert("activitytypecode".into(), Value::String("task".into()));
        }
    }

    fn stamp_modified(&self, row: &mut Row) {
        row.insert("modifiedon".into(), Value::String(now()));
        if self.def.has_column("_modifiedby_value") {
            row.insert(
                "_modifiedby_value".into(),
                Value::String(self.caller.user.clone()),
            );
        }
    }

    /// Derived columns: contact fullname, task state/status pair and the
    /// actual end of a closed task, default statuscode of other tables.
    fn finish(&self, row: &mut Row, id: &str) -> Result<(), ApiError> {
        if self.def.set == "contacts" {
            let part = |k: &str| {
                row.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            let full = format!("{} {}", part("firstname"), part("lastname"))
                .trim()
                .to_string();
            row.insert("fullname".into(), Value::String(full));
        }
        let state = row.get("statecode").and_then(Value::as_i64).unwrap_or(0);
        if self.def.set == "tasks" {
            let Some((_, name, statuses)) = TASK_STATES.iter().find(|(s, _, _)| *s == state) else {
                return Err(ApiError::new(
                    400,
                    "0x80040203",
                    format!("{state} is not a valid state code on task with Id {id}."),
                ));
            };
            let status = row
                .get("statuscode")
                .and_then(Value::as_i64)
                .unwrap_or(statuses[0]);
            if !statuses.contains(&status) {
                return Err(ApiError::new(
                    400,
                    "0x80040203",
                    format!(
                        "{status} is not a valid status code for state code TaskState.{name} on task with Id {id}."
                    ),
                ));
            }
            row.insert("statuscode".into(), Value::from(status));
            if state != 0 && row.get("actualend").is_none_or(Value::is_null) {
                row.insert("actualend".into(), Value::String(now()));
            }
        } else if self.def.has_column("statuscode")
            && row.get("statuscode").is_none_or(Value::is_null)
        {
            row.insert(
                "statuscode".into(),
                Value::from(if state == 0 { 1 } else { 2 }),
            );
        }
        Ok(())
    }

    fn entity_url(&self, id: &str) -> String {
        format!("{}{}({id})", self.shared.api_base(), self.def.set)
    }

    fn created(&self, db: &Db, req: &OpRequest, id: &str) -> OpResponse {
        let url = self.entity_url(id);
        if req.prefer().return_representation
            && let Some((row, ver)) = db.table(self.def.set).and_then(|t| t.get(id))
        {
            let mut body = Vec::new();
            let shape = Shape {
                select: None,
                expand: &[],
                annotations: req.prefer().lookup_annotations(),
                navigation: req.prefer().navigation_annotations(),
            };
            write_row(&mut body, db, self.def, row, ver, &shape);
            return OpResponse::raw_json(201, body)
                .with_header("OData-EntityId", url.clone())
                .with_header("Location", url)
                .with_header("Preference-Applied", "return=representation");
        }
        OpResponse::no_content()
            .with_header("OData-EntityId", url.clone())
            .with_header("Location", url)
    }

    fn insert_new(
        &self,
        db: &mut Db,
        req: &OpRequest,
        id: &str,
        body: Map<String, Value>,
    ) -> Result<OpResponse, ApiError> {
        let mut row = Row::new();
        self.apply(db, &mut row, body)?;
        self.stamp_new(&mut row, id);
        self.finish(&mut row, id)?;
        match db.insert(self.def, row) {
            Ok(id) => Ok(self.created(db, req, &id)),
            Err(WriteError::Duplicate) => Err(ApiError::new(
                412,
                "0x80040237",
                "Cannot insert duplicate key.",
            )),
            Err(WriteError::NotFound) => Err(ApiError::not_found(self.def.logical, id)),
        }
    }
}

fn body_id(def: &EntityDef, body: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    match body.get(def.key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if is_guid(s) => Ok(Some(s.to_ascii_lowercase())),
        Some(other) => Err(ApiError::bad_request(format!(
            "Cannot convert the literal '{other}' to the expected type 'Edm.Guid'."
        ))),
    }
}

/// POST {set}
pub fn create(ctx: &WriteCtx, db: &mut Db, req: &OpRequest) -> Result<OpResponse, ApiError> {
    let def = ctx.def;
    ctx.require(db, "Create")?;
    let body = payload(def, &req.body)?;
    let id = body_id(def, &body)?.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    ctx.insert_new(db, req, &id, body)
}

/// POST {set}/Microsoft.Dynamics.CRM.CreateMultiple: `{"Targets": [...]}`
/// created all or none; answers the new ids in order.
pub fn create_multiple(
    ctx: &WriteCtx,
    db: &mut Db,
    req: &OpRequest,
) -> Result<OpResponse, ApiError> {
    let def = ctx.def;
    if lock(&ctx.shared.no_bulk).contains(def.set) {
        // Not every table takes the bulk messages; which one refuses, and
        // with what code, is the emulator's guess.
        return Err(ApiError::new(
            400,
            "0x80040800",
            format!(
                "The 'CreateMultiple' method does not support entities of type '{}'.",
                def.logical
            ),
        ));
    }
    ctx.require(db, "Create")?;
    let mut body = payload(def, &req.body)?;
    let Some(Value::Array(targets)) = body.remove("Targets") else {
        return Err(ApiError::bad_request(
            "CreateMultiple needs a 'Targets' array.",
        ));
    };
    let sp = db.savepoint();
    let mut ids = Vec::with_capacity(targets.len());
    for target in targets {
        let created = (|| {
            let Value::Object(mut t) = target else {
                return Err(ApiError::bad_request(
                    "Each CreateMultiple target must be an object.",
                ));
            };
            let ty = t
                .remove("@odata.type")
                .and_then(|v| v.as_str().map(|s| s.trim_start_matches('#').to_string()));
            if ty.as_deref() != Some(def.type_name().as_str()) {
                return Err(ApiError::bad_request(format!(
                    "Each target must have \"@odata.type\": \"{}\".",
                    def.type_name()
                )));
            }
            let id = body_id(def, &t)?.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            ctx.insert_new(db, req, &id, t)?;
            Ok(id)
        })();
        match created {
            Ok(id) => ids.push(Value::String(id)),
            Err(e) => {
                db.rollback(sp);
                return Err(e);
            }
        }
    }
    db.release(sp);
    let writes = ids.len();
    Ok(OpResponse::json(
        200,
        &serde_json::json!({
            "@odata.context": format!("{}$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse", ctx.shared.api_base()),
            "Ids": ids,
        }),
    )
    .with_header(super::cost::WRITES_HEADER, writes.to_string()))
}

/// PATCH {set}(id): update, or create with that id (upsert). `If-Match: *`
/// forbids the create, `If-None-Match: *` forbids the update.
pub fn upsert(
    ctx: &WriteCtx,
    db: &mut Db,
    req: &OpRequest,
    id: &str,
) -> Result<OpResponse, ApiError> {
    let def = ctx.def;
    if !is_guid(id) {
        return Err(ApiError::bad_request(format!(
            "Cannot convert the literal '{id}' to the expected type 'Edm.Guid'."
        )));
    }
    let id = id.to_ascii_lowercase();
    let mut body = payload(def, &req.body)?;
    if let Some(b) = body_id(def, &body)?
        && b != id
    {
        return Err(ApiError::bad_request(format!(
            "The primary key '{}' in the payload does not match the key in the URL.",
            def.key
        )));
    }
    body.remove(def.key);
    let existing = db
        .table(def.set)
        .and_then(|t| t.get(&id))
        .map(|(r, v)| (r.clone(), v));
    let if_match = req.header("if-match").map(str::trim);
    let if_none_match = req.header("if-none-match").map(str::trim);
    match existing {
        None => {
            if if_match == Some("*") {
                return Err(ApiError::not_found(def.logical, &id));
            }
            ctx.require(db, "Create")?;
            ctx.insert_new(db, req, &id, body)
        }
        Some((mut row, version)) => {
            if if_none_match == Some("*") {
                return Err(ApiError::new(
                    412,
                    "0x80040237",
                    "A record with matching key values already exists.",
                ));
            }
            if let Some(etag) = if_match.filter(|m| *m != "*")
                && etag != format!("W/\"{version}\"")
            {
                return Err(ApiError::new(
                    412,
                    "0x80060882",
                    "The version of the existing record doesn't match the RowVersion property provided.",
                ));
            }
            ctx.require(db, "Write")?;
            if def.set == "tasks" {
                closed_is_read_only(&row, &body, &id)?;
                if body.contains_key("statecode") && !body.contains_key("statuscode") {
                    row.remove("statuscode");
                }
            }
            ctx.apply(db, &mut row, body)?;
            ctx.stamp_modified(&mut row);
            ctx.finish(&mut row, &id)?;
            db.replace(def, &id, row)
                .map_err(|_| ApiError::not_found(def.logical, &id))?;
            Ok(OpResponse::no_content().with_header("OData-EntityId", ctx.entity_url(&id)))
        }
    }
}

/// A completed or canceled activity is read-only: the only change it takes
/// is of its state (SetState, a PATCH of `statecode` and `statuscode`), so
/// editing one means reopening it, updating it and closing it again
/// (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/activitypointer-activity-entity>,
/// <https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/task>).
/// The code and message of the refusal are the emulator's guess; Learn
/// prints none for this case.
fn closed_is_read_only(row: &Row, body: &Map<String, Value>, id: &str) -> Result<(), ApiError> {
    let state = row.get("statecode").and_then(Value::as_i64).unwrap_or(0);
    let edits = body.keys().any(|k| k != "statecode" && k != "statuscode");
    if state == 0 || !edits {
        return Ok(());
    }
    Err(ApiError::new(
        400,
        "0x80040203",
        format!(
            "The task with Id {id} is closed or canceled and cannot be updated: reopen it (statecode 0) first."
        ),
    ))
}

/// DELETE {set}(id)
pub fn delete(ctx: &WriteCtx, db: &mut Db, id: &str) -> Result<OpResponse, ApiError> {
    let def = ctx.def;
    ctx.require(db, "Delete")?;
    db.delete(def, id)
        .map_err(|_| ApiError::not_found(def.logical, id))?;
    Ok(OpResponse::no_content())
}
