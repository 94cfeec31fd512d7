//! Routing of one Web API operation (a plain request or one part of a
//! `$batch`) to its handler, with the caller resolved (impersonation via
//! `CallerObjectId` / `MSCRMCallerID`) and privileges checked.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::metadata;
use super::options::Prefer;
use super::query::{self, ReadRequest};
use super::response::{ApiError, OpResponse};
use super::schema::{self, EntityDef};
use super::state::{OrgMode, Shared, lock};
use super::table::Db;
use super::write;

/// One operation against `/api/data/v9.2/`.
#[derive(Debug, Clone, Default)]
pub struct OpRequest {
    pub method: String,
    /// Percent-decoded path below `/api/data/v9.2/`.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// Lower-cased header names.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl OpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    pub fn prefer(&self) -> Prefer {
        Prefer::parse(self.header("prefer"))
    }

    /// "GET accounts", "POST $batch", "GET WhoAmI": what the request counters
    /// count, so a test can assert one request per table.
    pub fn kind(&self) -> String {
        let first = self.path.split(['(', '/']).next().unwrap_or_default();
        format!("{} {first}", self.method)
    }
}

/// Who an operation runs as: the signed-in user, or the user it
/// impersonates with the signed-in user as the delegate.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: String,
    pub on_behalf_of: Option<String>,
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn parse_query(q: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(q.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `accounts(00000000-...)` -> ("accounts", Some(id)).
pub fn split_entity_path(path: &str) -> (&str, Option<&str>) {
    match path.find('(') {
        Some(i) => {
            let inner = path[i + 1..].strip_suffix(')').unwrap_or(&path[i + 1..]);
            (&path[..i], Some(inner.trim_matches('\'')))
        }
        None => (path, None),
    }
}

/// `systemusers(ID)/Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName(PrivilegeName='x')`:
/// the user id and the privilege name (the path is percent-decoded).
fn privilege_function(path: &str) -> Option<(&str, String)> {
    let (entity, function) = path.split_once('/')?;
    let (set, user) = split_entity_path(entity);
    let args = function
        .strip_prefix("Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName(")?
        .strip_suffix(')')?;
    let name = args.strip_prefix("PrivilegeName=")?.trim();
    let name = name
        .strip_prefix('\'')?
        .strip_suffix('\'')?
        .replace("''", "'");
    (set == "systemusers").then_some((user?, name))
}

fn user_access_mode(db: &Db, user: &str) -> &'static str {
    match db
        .table("systemusers")
        .and_then(|t| t.get(user))
        .and_then(|(r, _)| r.get("accessmode"))
        .and_then(Value::as_i64)
    {
        Some(4) => "4 Non-interactive",
        Some(1) => "1 Administrative",
        _ => "0 Read-Write",
    }
}

/// 0x80040220, in the words Dataverse uses, naming the privilege.
pub fn missing_privilege(
    db: &Db,
    user: &str,
    caller: &str,
    privilege: &str,
    def: Option<&EntityDef>,
) -> ApiError {
    let priv_id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, privilege.as_bytes());
    let on = def
        .map(|d| {
            format!(
                " on OTC={} for entity '{}' (LocalizedName='{}')",
                d.otc, d.logical, d.display
            )
        })
        .unwrap_or_default();
    ApiError::new(
        403,
        "0x80040220",
        format!(
            "Principal user (Id={user}, type=8, roleCount=1, privilegeCount=612, accessMode='{}'), is missing {privilege} privilege (Id={priv_id}){on}. context.Caller={caller}. Consider adding missed privilege to one of the principal (user/team) roles.",
            user_access_mode(db, user)
        ),
    )
}

impl Shared {
    pub fn require(
        &self,
        db: &Db,
        caller: &Caller,
        privilege: &str,
        def: Option<&EntityDef>,
    ) -> Result<(), ApiError> {
        if self.has_privilege(&caller.user, privilege) {
            return Ok(());
        }
        let real = caller.on_behalf_of.as_deref().unwrap_or(&caller.user);
        Err(missing_privilege(db, &caller.user, real, privilege, def))
    }

    /// Resolves impersonation: `CallerObjectId` (Entra object id) or
    /// `MSCRMCallerID` (systemuserid), honoured only when the signed-in user
    /// holds prvActOnBehalfOfAnotherUser.
    pub fn resolve_caller(
        &self,
        db: &Db,
        token_user: &str,
        req: &OpRequest,
    ) -> Result<Caller, ApiError> {
        let by_object = req
            .header("callerobjectid")
            .map(|v| ("azureactivedirectoryobjectid", v));
        let by_id = req.header("mscrmcallerid").map(|v| ("systemuserid", v));
        let Some((column, wanted)) = by_object.or(by_id) else {
            return Ok(Caller {
                user: token_user.to_string(),
                on_behalf_of: None,
            });
        };
        let me = Caller {
            user: token_user.to_string(),
            on_behalf_of: None,
        };
        self.require(db, &me, "prvActOnBehalfOfAnotherUser", None)?;
        let wanted = wanted.trim().to_ascii_lowercase();
        let user = db
            .table("systemusers")
            .into_iter()
            .flat_map(|t| t.live_rows())
            .find(|r| {
                r.get(column)
                    .and_then(Value::as_str)
                    .is_some_and(|v| v.eq_ignore_ascii_case(&wanted))
            })
            .ok_or_else(|| {
                ApiError::new(
                    404,
                    "0x80040217",
                    format!("systemuser With {column} = {wanted} Does Not Exist"),
                )
            })?;
        let id = user
            .get("systemuserid")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if user.get("isdisabled").and_then(Value::as_bool) == Some(true) {
            return Err(ApiError::new(
                400,
                "0x80040225",
                format!("The specified user(Id = {id}) is disabled. Consider enabling this user."),
            ));
        }
        Ok(Caller {
            user: id,
            on_behalf_of: Some(token_user.to_string()),
        })
    }

    fn entity(&self, set: &str) -> Result<&'static EntityDef, ApiError> {
        schema::by_set(set).ok_or_else(|| ApiError::resource_not_found(set))
    }

    /// Runs a GET (or an unbound function) with read access to the tables.
    pub fn execute_read(&self, db: &Db, token_user: &str, req: &OpRequest) -> OpResponse {
        self.read(db, token_user, req)
            .unwrap_or_else(ApiError::into_response)
    }

    fn read(&self, db: &Db, token_user: &str, req: &OpRequest) -> Result<OpResponse, ApiError> {
        let caller = self.resolve_caller(db, token_user, req)?;
        let api_base = self.api_base();
        let path = req.path.trim_end_matches('/');
        if path.is_empty() {
            return Ok(metadata::service_document(&api_base));
        }
        if let Some((user, privilege)) = privilege_function(path) {
            return self.user_privilege(db, &api_base, user, &privilege);
        }
        if path == "WhoAmI" || path == "WhoAmI()" {
            return Ok(OpResponse::json(
                200,
                &json!({
                    "@odata.context": format!("{api_base}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse"),
                    "BusinessUnitId": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, self.org.organization_id.as_bytes()).to_string(),
                    "UserId": caller.user,
                    "OrganizationId": self.org.organization_id,
                }),
            ));
        }
        if path == "RetrieveVersion" || path == "RetrieveVersion()" {
            let version = match *lock(&self.org_mode) {
                OrgMode::OldVersion => "8.1.0.359".to_string(),
                _ => self.org.version.clone(),
            };
            return Ok(OpResponse::json(
                200,
                &json!({
                    "@odata.context": format!("{api_base}$metadata#Microsoft.Dynamics.CRM.RetrieveVersionResponse"),
                    "Version": version,
                }),
            ));
        }
        if let Some(names) = path
            .strip_prefix("RetrieveTotalRecordCount(EntityNames=[")
            .and_then(|r| r.strip_suffix("])"))
        {
            return Ok(self.record_counts(db, &api_base, names));
        }
        if path.starts_with("RetrieveCurrentOrganization") {
            return Ok(metadata::current_organization(self));
        }
        if path.starts_with("EntityDefinitions") {
            self.require(db, &caller, "prvReadEntity", None)?;
            return metadata::entity_definitions(&api_base, path, &req.query);
        }
        if let Some(set) = path.strip_suffix("/$count") {
            let def = self.entity(set)?;
            self.require(db, &caller, &format!("prvRead{}", def.privilege), Some(def))?;
            return Ok(query::count(db, def));
        }
        let (set, id) = split_entity_path(path);
        let def = self.entity(set)?;
        self.require(db, &caller, &format!("prvRead{}", def.privilege), Some(def))?;
        match id {
            Some(id) => query::read_one(db, &api_base, def, id, &req.query, &req.prefer()),
            None => {
                let mut prefer = req.prefer();
                if lock(&self.untracked).contains(def.set) {
                    prefer.track_changes = false;
                }
                query::read_collection(
                    db,
                    &ReadRequest {
                        api_base: &api_base,
                        def,
                        query: &req.query,
                        prefer: &prefer,
                    },
                )
            }
        }
    }

    /// `RetrieveUserPrivilegeByPrivilegeName`: the user's role privileges of
    /// that name (empty when the user lacks it), shaped as the
    /// RolePrivilege complex type
    /// (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/reference/roleprivilege>).
    fn user_privilege(
        &self,
        db: &Db,
        api_base: &str,
        user: &str,
        privilege: &str,
    ) -> Result<OpResponse, ApiError> {
        let users = db.table("systemusers");
        if users.and_then(|t| t.get(user)).is_none() {
            return Err(ApiError::not_found("systemuser", user));
        }
        let held: Vec<Value> = if self.has_privilege(user, privilege) {
            vec![json!({
                "Depth": "Global",
                "PrivilegeId": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, privilege.as_bytes()).to_string(),
                "BusinessUnitId": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, self.org.organization_id.as_bytes()).to_string(),
                "PrivilegeName": privilege,
                "RecordFilterId": "00000000-0000-0000-0000-000000000000",
                "RecordFilterUniqueName": null,
            })]
        } else {
            Vec::new()
        };
        Ok(OpResponse::json(
            200,
            &json!({
                "@odata.context": format!("{api_base}$metadata#Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeNameResponse"),
                "RolePrivileges": held,
            }),
        ))
    }

    /// `RetrieveTotalRecordCount`: rows per table (live here; Dataverse
    /// answers from a snapshot up to 24 hours old), in the
    /// EntityRecordCountCollection shape
    /// (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/reference/entityrecordcountcollection>).
    fn record_counts(&self, db: &Db, api_base: &str, names: &str) -> OpResponse {
        let (keys, values): (Vec<String>, Vec<usize>) = names
            .split(',')
            .map(|n| n.trim().trim_matches('\'').to_string())
            .filter_map(|n| {
                let def = schema::by_logical(&n)?;
                let rows = db.table(def.set).map_or(0, |t| t.live_rows().count());
                Some((n, rows))
            })
            .unzip();
        OpResponse::json(
            200,
            &json!({
                "@odata.context": format!("{api_base}$metadata#Microsoft.Dynamics.CRM.RetrieveTotalRecordCountResponse"),
                "EntityRecordCountCollection": {
                    "Count": keys.len(),
                    "IsReadOnly": false,
                    "Keys": keys,
                    "Values": values,
                },
            }),
        )
    }

    /// Runs a POST / PATCH / DELETE with write access; `content_ids` maps
    /// `$n` references of a `$batch` change set to entity URLs.
    pub fn execute_write(
        &self,
        db: &mut Db,
        token_user: &str,
        req: &OpRequest,
        content_ids: &HashMap<String, String>,
    ) -> OpResponse {
        self.write(db, token_user, req, content_ids)
            .unwrap_or_else(ApiError::into_response)
    }

    fn write(
        &self,
        db: &mut Db,
        token_user: &str,
        req: &OpRequest,
        content_ids: &HashMap<String, String>,
    ) -> Result<OpResponse, ApiError> {
        let caller = self.resolve_caller(db, token_user, req)?;
        let path = req.path.trim_end_matches('/');
        let (path, multiple) = match path.strip_suffix("/Microsoft.Dynamics.CRM.CreateMultiple") {
            Some(set) => (set, true),
            None => (path, false),
        };
        let (set, id) = split_entity_path(path);
        let def = self.entity(set)?;
        let ctx = write::WriteCtx {
            shared: self,
            caller: &caller,
            def,
            content_ids,
        };
        if multiple && req.method == "POST" {
            return write::create_multiple(&ctx, db, req);
        }
        match (req.method.as_str(), id) {
            ("POST", None) => write::create(&ctx, db, req),
            ("PATCH", Some(id)) => write::upsert(&ctx, db, req, id),
            ("DELETE", Some(id)) => write::delete(&ctx, db, id),
            (m, _) => Err(ApiError::new(
                405,
                "0x80060888",
                format!("The HTTP method '{m}' is not allowed for the segment '{path}'."),
            )),
        }
    }

    /// Runs any operation given write access (used inside `$batch`).
    pub fn execute(
        &self,
        db: &mut Db,
        token_user: &str,
        req: &OpRequest,
        content_ids: &HashMap<String, String>,
    ) -> OpResponse {
        if req.method == "GET" {
            self.execute_read(db, token_user, req)
        } else {
            self.execute_write(db, token_user, req, content_ids)
        }
    }
}
