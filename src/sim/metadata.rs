//! Organisation and schema metadata: RetrieveCurrentOrganization (whose
//! endpoints and OrganizationType tell online from on-premise and
//! production from sandbox), and the EntityDefinitions slices a client
//! reads: the opportunity sales-stage option set and the money attributes.

use serde_json::{Value, json};

use super::response::{ApiError, OpResponse};
use super::schema;
use super::state::{OrgMode, Shared, lock};

fn label(text: &str) -> Value {
    let l = json!({"Label": text, "LanguageCode": 1033, "IsManaged": true,
        "MetadataId": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, text.as_bytes()).to_string(),
        "HasChanged": null});
    json!({"LocalizedLabels": [l.clone()], "UserLocalizedLabel": l})
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

const SALES_STAGES: &[(i64, &str)] =
    &[(0, "Qualify"), (1, "Develop"), (2, "Propose"), (3, "Close")];
const MONEY: &[(&str, &str)] = &[
    ("estimatedvalue", "Est. Revenue"),
    ("actualvalue", "Actual Revenue"),
    ("totalamount", "Total Amount"),
];

fn picklist(logical: &str) -> Option<Value> {
    if logical != "salesstagecode" {
        return None;
    }
    let options: Vec<Value> = SALES_STAGES
        .iter()
        .map(|(v, l)| json!({"Value": v, "Color": null, "IsManaged": true, "ExternalValue": null, "Label": label(l), "Description": label("")}))
        .collect();
    Some(json!({
        "@odata.type": "#Microsoft.Dynamics.CRM.PicklistAttributeMetadata",
        "LogicalName": "salesstagecode",
        "SchemaName": "SalesStageCode",
        "AttributeType": "Picklist",
        "MetadataId": metadata_id("opportunity.salesstagecode"),
        "DisplayName": label("Sales Stage"),
        "OptionSet": {
            "MetadataId": metadata_id("opportunity_salesstagecode"),
            "Name": "opportunity_salesstagecode",
            "IsGlobal": false,
            "OptionSetType": "Picklist",
            "Options": options,
        }
    }))
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

/// `EntityDefinitions(LogicalName='x')[/Attributes[(LogicalName='y')][/Microsoft.Dynamics.CRM.<Type>AttributeMetadata]]`
pub fn entity_definitions(
    api_base: &str,
    path: &str,
    query: &[(String, String)],
) -> Result<OpResponse, ApiError> {
    let select = query
        .iter()
        .find(|(k, _)| k == "$select")
        .map(|(_, v)| v.as_str());
    let mut segs = path.split('/');
    let first = segs.next().unwrap_or_default();
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
        let body = json!({
            "@odata.context": format!("{api_base}$metadata#EntityDefinitions/$entity"),
            "MetadataId": metadata_id(def.logical),
            "LogicalName": def.logical,
            "EntitySetName": def.set,
            "PrimaryIdAttribute": def.key,
            "ObjectTypeCode": def.otc,
            "ChangeTrackingEnabled": true,
            "DisplayName": label(def.display),
        });
        return Ok(OpResponse::json(200, &project(&body, select)));
    };
    let attr_name = quoted(attrs, "Attributes(");
    if attr_name.is_none() && attrs != "Attributes" {
        return Err(ApiError::resource_not_found(attrs));
    }
    let cast = segs.next();
    let mut all: Vec<Value> = Vec::new();
    if logical == "opportunity" {
        all.extend(picklist("salesstagecode"));
        all.extend(MONEY.iter().map(|(l, d)| money(l, d)));
    }
    let type_of = |v: &Value| {
        v["@odata.type"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches('#')
            .to_string()
    };
    let filter_eq = query
        .iter()
        .find(|(k, _)| k == "$filter")
        .and_then(|(_, f)| f.strip_prefix("LogicalName eq "))
        .map(|v| v.trim_matches('\'').to_string());
    let hits: Vec<Value> = all
        .into_iter()
        .filter(|v| cast.is_none_or(|c| type_of(v) == c))
        .filter(|v| attr_name.as_deref().is_none_or(|n| v["LogicalName"] == n))
        .filter(|v| filter_eq.as_deref().is_none_or(|n| v["LogicalName"] == n))
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
