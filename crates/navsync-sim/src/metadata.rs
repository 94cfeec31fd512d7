//! Organisation and schema metadata: RetrieveCurrentOrganization (whose
//! endpoints and OrganizationType tell online from on-premise and
//! production from sandbox), the service document, and EntityDefinitions
//! as "Query table definitions using the Web API" describes them
//! (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/query-metadata-web-api>):
//! the collection with `$select`, `$filter` and `$expand=Attributes(...)`,
//! one table by `LogicalName`, and its attributes, optionally cast to a
//! type: the opportunity's `salesstage` ("Sales Stage") and
//! `salesstagecode` ("Process Code") option sets as the opportunity
//! reference gives them
//! (<https://learn.microsoft.com/en-us/dynamics365/developer/reference/entities/opportunity>),
//! its money attributes, and every String / Memo column with its MaxLength.

use serde_json::{Value, json};

use super::response::{ApiError, OpResponse};
use super::schema::{self, EntityDef};
use super::state::{OrgMode, Shared, lock};

fn localized(text: &str, lcid: i64) -> Value {
    json!({"Label": text, "LanguageCode": lcid, "IsManaged": true,
        "MetadataId": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("{lcid}:{text}").as_bytes()).to_string(),
        "HasChanged": null})
}

/// A label in English only (the tenant's base language, 1033).
fn label(text: &str) -> Value {
    let l = localized(text, 1033);
    json!({"LocalizedLabels": [l.clone()], "UserLocalizedLabel": l})
}

/// A label in English and Spanish (3082); the signed-in user reads
/// English (`UserLocalizedLabel`), as an integration user usually does.
fn label_es(en: &str, es: &str) -> Value {
    let l = localized(en, 1033);
    json!({"LocalizedLabels": [l.clone(), localized(es, 3082)], "UserLocalizedLabel": l})
}

fn metadata_id(name: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes()).to_string()
}

/// The org's unique name, as used in its URL.
fn unique_name(shared: &Shared) -> String {
    let n: String = shared
        .org
        .name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    if n.is_empty() { "org".into() } else { n }
}

pub fn current_organization(shared: &Shared) -> OpResponse {
    let mode = *lock(&shared.org_mode);
    let name = unique_name(shared);
    let (web, org_svc, data_svc) = match mode {
        OrgMode::OnPremise => (
            "https://crm.contoso.local/contoso/".to_string(),
            "https://crm.contoso.local/contoso/XRMServices/2011/Organization.svc".to_string(),
            "https://crm.contoso.local/contoso/XRMServices/2011/OrganizationData.svc".to_string(),
        ),
        _ => (
            format!("https://{name}.crm.dynamics.com/"),
            format!("https://{name}.api.crm.dynamics.com/XRMServices/2011/Organization.svc"),
            format!("https://{name}.api.crm.dynamics.com/XRMServices/2011/OrganizationData.svc"),
        ),
    };
    let sandbox = mode == OrgMode::Sandbox || (mode == OrgMode::Online && shared.org.is_sandbox);
    let version = if mode == OrgMode::OldVersion {
        "8.1.0.359".to_string()
    } else {
        shared.org.version.clone()
    };
    let online = mode != OrgMode::OnPremise;
    OpResponse::json(
        200,
        &json!({
            "@odata.context": format!("{}$metadata#Microsoft.Dynamics.CRM.RetrieveCurrentOrganizationResponse", shared.api_base()),
            "Detail": {
                "OrganizationId": shared.org.organization_id,
                "FriendlyName": shared.org.name,
                "OrganizationVersion": version,
                "EnvironmentId": if online { Value::String(metadata_id(&format!("env:{name}"))) } else { Value::Null },
                "DatacenterId": if online { Value::String(metadata_id("datacenter")) } else { Value::Null },
                "Geo": if online { "NA" } else { "" },
                "TenantId": if online { Value::String(shared.identity.tenant_id.clone()) } else { Value::Null },
                "UrlName": name,
                "UniqueName": format!("unq{}", shared.org.organization_id.replace('-', "")),
                "Endpoints": {
                    "Count": 3,
                    "IsReadOnly": false,
                    "Keys": ["WebApplication", "OrganizationService", "OrganizationDataService"],
                    "Values": [web, org_svc, data_svc],
                },
                "State": "Enabled",
                "SchemaType": if online { "Standard" } else { "" },
                "OrganizationType": if sandbox { "CustomerTest" } else { "Customer" },
            }
        }),
    )
}

/// `salesstage`: the pipeline stage, in pipeline order.
const SALES_STAGES: &[(i64, &str, &str)] = &[
    (0, "Qualify", "Calificar"),
    (1, "Develop", "Desarrollar"),
    (2, "Propose", "Proponer"),
    (3, "Close", "Cerrar"),
];
const MONEY: &[(&str, &str)] = &[
    ("estimatedvalue", "Est. Revenue"),
    ("actualvalue", "Actual Revenue"),
    ("totalamount", "Total Amount"),
];

fn picklist(logical: &str, schema: &str, display: Value, options: Vec<Value>) -> Value {
    json!({
        "@odata.type": "#Microsoft.Dynamics.CRM.PicklistAttributeMetadata",
        "LogicalName": logical,
        "SchemaName": schema,
        "AttributeType": "Picklist",
        "MetadataId": metadata_id(&format!("opportunity.{logical}")),
        "DisplayName": display,
        "OptionSet": {
            "MetadataId": metadata_id(&format!("opportunity_{logical}")),
            "HasChanged": null,
            "IsCustomOptionSet": false,
            "IsGlobal": false,
            "IsManaged": true,
            "IntroducedVersion": "5.0.0.0",
            "Name": format!("opportunity_{logical}"),
            "OptionSetType": "Picklist",
            "Options": options,
        }
    })
}

fn option(value: i64, label: Value) -> Value {
    json!({"Value": value, "Color": null, "IsManaged": true, "ExternalValue": null,
        "ParentValues": [], "MetadataId": null, "HasChanged": null,
        "Label": label, "Description": label_es("", "")})
}

fn money(logical: &str, display: &str) -> Value {
    json!({
        "@odata.type": "#Microsoft.Dynamics.CRM.MoneyAttributeMetadata",
        "LogicalName": logical,
        "SchemaName": logical,
        "AttributeType": "Money",
        "MetadataId": metadata_id(&format!("opportunity.{logical}")),
        "DisplayName": label(display),
        "Precision": 2,
        "PrecisionSource": 2,
    })
}

fn text_attribute(def: &EntityDef, t: &schema::Text) -> Value {
    let (odata_type, kind) = if t.memo {
        ("#Microsoft.Dynamics.CRM.MemoAttributeMetadata", "Memo")
    } else {
        ("#Microsoft.Dynamics.CRM.StringAttributeMetadata", "String")
    };
    json!({
        "@odata.type": odata_type,
        "LogicalName": t.column,
        "SchemaName": t.column,
        "AttributeType": kind,
        "MetadataId": metadata_id(&format!("{}.{}", def.logical, t.column)),
        "DisplayName": label(t.column),
        "MaxLength": t.max_length,
    })
}

/// Every attribute the emulator describes for `def`.
fn attributes(def: &EntityDef) -> Vec<Value> {
    let mut all: Vec<Value> = def.text.iter().map(|t| text_attribute(def, t)).collect();
    if def.logical == "opportunity" {
        all.push(picklist(
            "salesstage",
            "SalesStage",
            label_es("Sales Stage", "Fase de ventas"),
            SALES_STAGES
                .iter()
                .map(|(v, en, es)| option(*v, label_es(en, es)))
                .collect(),
        ));
        all.push(picklist(
            "salesstagecode",
            "SalesStageCode",
            label("Process Code"),
            vec![option(1, label("Default Value"))],
        ));
        all.extend(MONEY.iter().map(|(l, d)| money(l, d)));
    }
    all
}

fn entity(api_base: &str, def: &EntityDef) -> Value {
    json!({
        "@odata.context": format!("{api_base}$metadata#EntityDefinitions/$entity"),
        "MetadataId": metadata_id(def.logical),
        "LogicalName": def.logical,
        "SchemaName": def.display.replace(' ', ""),
        "EntitySetName": def.set,
        "PrimaryIdAttribute": def.key,
        "ObjectTypeCode": def.otc,
        "ChangeTrackingEnabled": true,
        "DisplayName": label(def.display),
    })
}

fn quoted(segment: &str, prefix: &str) -> Option<String> {
    let inner = segment.strip_prefix(prefix)?.strip_suffix(")")?;
    let v = inner.split_once('=').map_or(inner, |(_, v)| v);
    Some(v.trim_matches('\'').to_string())
}

fn project(v: &Value, select: Option<&str>) -> Value {
    let (Some(sel), Value::Object(m)) = (select, v) else {
        return v.clone();
    };
    let keep: Vec<&str> = sel.split(',').map(str::trim).collect();
    let out = m
        .iter()
        .filter(|(k, _)| {
            k.starts_with('@')
                || *k == "MetadataId"
                || *k == "OptionSet"
                || keep.contains(&k.as_str())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Value::Object(out)
}

fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The metadata `$filter`s clients send: `Prop eq 'value'` clauses joined
/// by `or` (or all by `and`), on string properties of the definition.
fn metadata_filter(filter: &str) -> Result<impl Fn(&Value) -> bool, ApiError> {
    let (joiner, all) = if filter.contains(" and ") {
        (" and ", true)
    } else {
        (" or ", false)
    };
    let mut clauses = Vec::new();
    for clause in filter.split(joiner) {
        let clause = clause.trim().trim_start_matches('(').trim_end_matches(')');
        let Some((prop, value)) = clause.split_once(" eq ") else {
            return Err(ApiError::bad_request(format!(
                "The query parameter $filter '{filter}' is not supported on metadata: use Property eq 'value' clauses."
            )));
        };
        clauses.push((
            prop.trim().to_string(),
            value.trim().trim_matches('\'').to_ascii_lowercase(),
        ));
    }
    Ok(move |v: &Value| {
        let hit = |(p, want): &(String, String)| {
            v[p.as_str()]
                .as_str()
                .is_some_and(|s| s.to_ascii_lowercase() == *want)
        };
        if all {
            clauses.iter().all(hit)
        } else {
            clauses.iter().any(hit)
        }
    })
}

/// `$expand=Attributes` or `$expand=Attributes($select=a,b)`: the
/// attributes' `$select`, if any.
fn expand_attributes(expand: &str) -> Result<Option<String>, ApiError> {
    let expand = expand.trim();
    if expand == "Attributes" {
        return Ok(None);
    }
    let Some(inner) = expand
        .strip_prefix("Attributes(")
        .and_then(|r| r.strip_suffix(')'))
    else {
        return Err(ApiError::bad_request(format!(
            "Could not find a property named '{expand}' on type 'Microsoft.Dynamics.CRM.EntityMetadata'."
        )));
    };
    let select = inner
        .split(';')
        .find_map(|o| o.trim().strip_prefix("$select="))
        .map(str::to_string);
    Ok(select)
}

/// `GET EntityDefinitions[?$select&$filter&$expand=Attributes(...)]`.
fn entity_collection(api_base: &str, query: &[(String, String)]) -> Result<OpResponse, ApiError> {
    let select = param(query, "$select");
    let keep = match param(query, "$filter") {
        Some(f) => Some(metadata_filter(f)?),
        None => None,
    };
    let expand = param(query, "$expand").map(expand_attributes).transpose()?;
    let mut value = Vec::new();
    for def in schema::ENTITIES {
        let mut e = entity(api_base, def);
        if let Value::Object(m) = &mut e {
            m.remove("@odata.context");
        }
        if keep.as_ref().is_some_and(|k| !k(&e)) {
            continue;
        }
        let mut e = project(&e, select);
        if let Some(attr_select) = &expand {
            e["Attributes"] = Value::Array(
                attributes(def)
                    .iter()
                    .map(|a| project(a, attr_select.as_deref()))
                    .collect(),
            );
        }
        value.push(e);
    }
    Ok(OpResponse::json(
        200,
        &json!({"@odata.context": format!("{api_base}$metadata#EntityDefinitions"), "value": value}),
    ))
}

/// The service document (`GET /api/data/v9.2/`): every entity set.
pub fn service_document(api_base: &str) -> OpResponse {
    let value: Vec<Value> = schema::ENTITIES
        .iter()
        .map(|d| json!({"name": d.set, "kind": "EntitySet", "url": d.set}))
        .collect();
    OpResponse::json(
        200,
        &json!({"@odata.context": format!("{api_base}$metadata"), "value": value}),
    )
}

/// `EntityDefinitions[(LogicalName='x')[/Attributes[(LogicalName='y')][/Microsoft.Dynamics.CRM.<Type>AttributeMetadata]]]`
pub fn entity_definitions(
    api_base: &str,
    path: &str,
    query: &[(String, String)],
) -> Result<OpResponse, ApiError> {
    let select = param(query, "$select");
    let mut segs = path.split('/');
    let first = segs.next().unwrap_or_default();
    if first == "EntityDefinitions" {
        return entity_collection(api_base, query);
    }
    let logical =
        quoted(first, "EntityDefinitions(").ok_or_else(|| ApiError::resource_not_found(path))?;
    let def = schema::by_logical(&logical).ok_or_else(|| {
        ApiError::new(
            404,
            "0x80040217",
            format!("Could not find an entity with name {logical}."),
        )
    })?;
    let ctx = format!("{api_base}$metadata#EntityDefinitions('{logical}')");
    let Some(attrs) = segs.next() else {
        let mut body = project(&entity(api_base, def), select);
        if let Some(attr_select) = param(query, "$expand").map(expand_attributes).transpose()? {
            body["Attributes"] = Value::Array(
                attributes(def)
                    .iter()
                    .map(|a| project(a, attr_select.as_deref()))
                    .collect(),
            );
        }
        return Ok(OpResponse::json(200, &body));
    };
    let attr_name = quoted(attrs, "Attributes(");
    if attr_name.is_none() && attrs != "Attributes" {
        return Err(ApiError::resource_not_found(attrs));
    }
    let cast = segs.next();
    let type_of = |v: &Value| {
        v["@odata.type"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches('#')
            .to_string()
    };
    let keep = match param(query, "$filter") {
        Some(f) => Some(metadata_filter(f)?),
        None => None,
    };
    let hits: Vec<Value> = attributes(def)
        .into_iter()
        .filter(|v| cast.is_none_or(|c| type_of(v) == c))
        .filter(|v| attr_name.as_deref().is_none_or(|n| v["LogicalName"] == n))
        .filter(|v| keep.as_ref().is_none_or(|k| k(v)))
        .map(|v| project(&v, select))
        .collect();
    let cast_ctx = cast.map(|c| format!("/{c}")).unwrap_or_default();
    match attr_name {
        Some(name) => {
            let v = hits.into_iter().next().ok_or_else(|| {
                ApiError::new(
                    404,
                    "0x80040217",
                    format!("Could not find attribute {name} on entity {logical}."),
                )
            })?;
            let mut v = v;
            v["@odata.context"] = Value::String(format!("{ctx}/Attributes{cast_ctx}/$entity"));
            Ok(OpResponse::json(200, &v))
        }
        None => Ok(OpResponse::json(
            200,
            &json!({"@odata.context": format!("{ctx}/Attributes{cast_ctx}"), "value": hits}),
        )),
    }
}
