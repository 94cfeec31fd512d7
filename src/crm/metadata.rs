//! Organisation facts and table metadata: who we are (WhoAmI), the
//! version, the organisation's type and endpoints, the sales-stage option
//! set and the money columns of opportunity, installed solutions, optional
//! attributes and privileges.

use serde::Deserialize;

use super::client::Client;
#[cfg(any(test, feature = "testkit"))]
use super::entity_ref::EntityKind;
use super::error::CrmError;
use super::odata::{Column, Filter, Literal, encode, query_path};
use crate::vocab::Lang;
#[cfg(any(test, feature = "testkit"))]
use futures::TryStreamExt;

#[cfg(any(test, feature = "testkit"))]
use super::read::Read;
use super::rows::SystemUser;
#[cfg(any(test, feature = "testkit"))]
use super::rows::Table;

/// The answer of `WhoAmI()`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WhoAmI {
    pub user_id: String,
    pub business_unit_id: String,
    pub organization_id: String,
}

/// The organisation as `RetrieveCurrentOrganization` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    pub organization_id: String,
    pub friendly_name: String,
    pub version: String,
    /// `OrganizationType` by name (e.g. "Customer", "CustomerTest").
    pub organization_type: String,
    /// The `WebApplication` endpoint URL.
    pub web_application_url: Option<String>,
}

impl Organization {
    /// `CustomerTest` (5) and `CustomerFreeTest` (6) are sandbox instances.
    pub fn is_sandbox(&self) -> bool {
        matches!(
            self.organization_type.as_str(),
            "CustomerTest" | "CustomerFreeTest" | "5" | "6"
        )
    }
}

/// A choice of an option set (a sales stage), label in the user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionValue {
    pub value: i64,
    pub label: String,
}

/// A money column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyColumn {
    pub logical_name: String,
    pub label: String,
}

/// An installed solution.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Solution {
    pub uniquename: String,
    pub friendlyname: Option<String>,
    pub version: Option<String>,
}

#[derive(Deserialize)]
struct Values<T> {
    value: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CurrentOrg {
    detail: OrgDetail,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OrgDetail {
    organization_id: String,
    #[serde(default)]
    friendly_name: String,
    #[serde(default)]
    organization_version: String,
    #[serde(default)]
    organization_type: Option<serde_json::Value>,
    #[serde(default)]
    endpoints: Option<Endpoints>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Endpoints {
    #[serde(default)]
    keys: Vec<serde_json::Value>,
    #[serde(default)]
    values: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Label {
    #[serde(default)]
    localized_labels: Vec<LocalizedLabel>,
    user_localized_label: Option<LocalizedLabel>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct LocalizedLabel {
    label: String,
    #[serde(default)]
    language_code: Option<i64>,
}

/// The label in the admin's language when the tenant has it (the
/// connecting user's own language, `UserLocalizedLabel`, may differ: an
/// integration user is often English-only), else the user's label.
fn label_in(l: Option<Label>, lang: Lang) -> Option<String> {
    let l = l?;
    let lcid = match lang {
        Lang::En => 1033,
        Lang::Es => 3082,
    };
    l.localized_labels
        .into_iter()
        .find(|x| x.language_code == Some(lcid) && !x.label.is_empty())
        .or(l.user_localized_label)
        .map(|x| x.label)
}

fn label_text(l: Option<Label>) -> Option<String> {
    l.and_then(|l| l.user_localized_label).map(|l| l.label)
}

impl Client {
    /// `WhoAmI()`: the user the token signs in as.
    pub async fn who_am_i(&self) -> Result<WhoAmI, CrmError> {
        self.get_json("WhoAmI()", None).await
    }

    /// `RetrieveVersion()`: e.g. "9.2.25061.00154".
    pub async fn retrieve_version(&self) -> Result<String, CrmError> {
        #[derive(Deserialize)]
        struct V {
            #[serde(rename = "Version")]
            version: String,
        }
        Ok(self.get_json::<V>("RetrieveVersion()", None).await?.version)
    }

    /// `RetrieveCurrentOrganization(AccessType='Default')`.
    pub async fn current_organization(&self) -> Result<Organization, CrmError> {
        let path = format!(
            "RetrieveCurrentOrganization(AccessType=@p1)?@p1={}",
            encode("Microsoft.Dynamics.CRM.EndpointAccessType'Default'")
        );
        let d = self.get_json::<CurrentOrg>(&path, None).await?.detail;
        let web_application_url = d.endpoints.and_then(|e| {
            e.keys
                .iter()
                .position(|k| k.as_str() == Some("WebApplication") || k.as_i64() == Some(2))
                .and_then(|i| e.values.get(i).cloned())
        });
        Ok(Organization {
            organization_id: d.organization_id,
            friendly_name: d.friendly_name,
            version: d.organization_version,
            organization_type: match d.organization_type {
                Some(serde_json::Value::String(s)) => s,
                Some(v) => v.to_string(),
                None => String::new(),
            },
            web_application_url,
        })
    }

    /// One system user by id.
    pub async fn systemuser(&self, id: &str) -> Result<SystemUser, CrmError> {
        let id = guid(id)?;
        let cols = <SystemUser as super::rows::Table>::COLUMNS.join(",");
        self.get_json(
            &format!("systemusers({id})?$select={cols}"),
            Some("systemusers"),
        )
        .await
    }

    /// The pipeline stages: the `salesstage` ("Sales Stage") option set of
    /// opportunity, in its order, labelled in the configured language.
    /// (`salesstagecode` is "Process Code", not the stage:
    /// <https://learn.microsoft.com/en-us/dynamics365/developer/reference/entities/opportunity>.)
    /// The request is the one "Query table definitions using the Web API"
    /// shows for a picklist's options:
    /// <https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/query-metadata-web-api#retrieving-attributes>.
    pub async fn stage_options(&self) -> Result<Vec<OptionValue>, CrmError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Picklist {
            option_set: OptionSet,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct OptionSet {
            options: Vec<Opt>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Opt {
            value: i64,
            label: Option<Label>,
        }
        let p: Picklist = self
            .get_json(
                "EntityDefinitions(LogicalName='opportunity')/Attributes(LogicalName='salesstage')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)",
                None,
            )
            .await?;
        Ok(p.option_set
            .options
            .into_iter()
            .map(|o| OptionValue {
                value: o.value,
                label: label_in(o.label, self.inner.config.lang)
                    .unwrap_or_else(|| o.value.to_string()),
            })
            .collect())
    }

    #[cfg(any(test, feature = "testkit"))]
    /// The distinct business-process step names of open opportunities
    /// (`stepname`), for tenants whose pipeline lives in a business process.
    /// Asks the server to group (`$apply=groupby`); where that is refused,
    /// reads the column page by page keeping only the distinct names.
    pub async fn step_names(&self) -> Result<Vec<String>, CrmError> {
        let open = Filter::eq(&Column::new("statecode")?, 0);
        // Filter inside the aggregation, as "Aggregate data" shows it:
        // https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/query/aggregate-data
        let path = format!(
            "opportunities?$apply={}",
            encode(&format!("filter({})/groupby((stepname))", open.as_str()))
        );
        let mut names = std::collections::BTreeSet::new();
        match self
            .get_json::<Values<StepRow>>(&path, Some("opportunities"))
            .await
        {
            Ok(v) => names.extend(v.value.into_iter().filter_map(|s| s.stepname)),
            Err(CrmError::Api {
                status: Some(400), ..
            }) => {
                let mut pages = std::pin::pin!(self.stream::<StepRow>(Read::filtered(open)));
                while let Some(page) = pages.try_next().await? {
                    names.extend(page.rows.into_iter().filter_map(|s| s.stepname));
                }
            }
            Err(e) => return Err(e),
        }
        Ok(names.into_iter().collect())
    }

    /// How many rows each table holds, by logical name, as Dataverse counts
    /// them (`RetrieveTotalRecordCount`: a snapshot refreshed within the
    /// last 24 hours, so an estimate for progress, never a check):
    /// <https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/reference/retrievetotalrecordcountresponse>.
    pub(crate) async fn record_counts(
        &self,
        logical_names: &[&str],
    ) -> Result<std::collections::HashMap<String, u64>, CrmError> {
        #[derive(Deserialize)]
        struct Response {
            #[serde(rename = "EntityRecordCountCollection")]
            counts: Counts,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Counts {
            keys: Vec<String>,
            values: Vec<u64>,
        }
        let names = logical_names
            .iter()
            .map(|n| Column::new(n).map(|c| format!("'{c}'")))
            .collect::<Result<Vec<_>, _>>()?
            .join(",");
        let r: Response = self
            .get_json(
                &format!("RetrieveTotalRecordCount(EntityNames=[{names}])"),
                None,
            )
            .await?;
        Ok(r.counts.keys.into_iter().zip(r.counts.values).collect())
    }

    /// The money columns of opportunity, for the won-value setting.
    pub async fn money_columns(&self) -> Result<Vec<MoneyColumn>, CrmError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Attr {
            logical_name: String,
            display_name: Option<Label>,
        }
        let v: Values<Attr> = self
            .get_json(
                "EntityDefinitions(LogicalName='opportunity')/Attributes/Microsoft.Dynamics.CRM.MoneyAttributeMetadata?$select=LogicalName,DisplayName",
                None,
            )
            .await?;
        Ok(v.value
            .into_iter()
            .map(|a| MoneyColumn {
                label: label_text(a.display_name).unwrap_or_else(|| a.logical_name.clone()),
                logical_name: a.logical_name,
            })
            .collect())
    }

    #[cfg(any(test, feature = "testkit"))]
    /// Whether the table behind `entity_set` has `column` (e.g. contacts
    /// `new_linkedinprofileurl`, a custom column only some tenants have).
    /// Asks for that one column of one row: Dataverse refuses (400) a
    /// `$select` naming a property the table does not have.
    pub async fn has_column(&self, entity_set: &str, column: &Column) -> Result<bool, CrmError> {
        let set = Column::new(entity_set)?;
        let path = query_path(set.as_str(), &[column.as_str()], None, Some(1));
        match self
            .get_json::<serde_json::Value>(&path, Some(set.as_str()))
            .await
        {
            Ok(_) => Ok(true),
            Err(CrmError::Api {
                status: Some(400 | 404),
                ..
            }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Installed solutions, optionally only the one named `uniquename`.
    pub async fn solutions(&self, uniquename: Option<&str>) -> Result<Vec<Solution>, CrmError> {
        let filter = uniquename.map(|u| Column::new("uniquename").map(|c| Filter::eq(&c, u)));
        let filter = filter.transpose()?;
        let path = query_path(
            "solutions",
            &["uniquename", "friendlyname", "version"],
            filter.as_ref(),
            None,
        );
        Ok(self
            .get_json::<Values<Solution>>(&path, Some("solutions"))
            .await?
            .value)
    }

    /// Whether `user_id` holds `privilege` (e.g. "prvCreateActivity")
    /// through a role or a team (`RetrieveUserPrivilegeByPrivilegeName`).
    pub async fn user_has_privilege(
        &self,
        user_id: &str,
        privilege: &str,
    ) -> Result<bool, CrmError> {
        let user = guid(user_id)?;
        let name = Column::new(privilege)?;
        #[derive(Deserialize)]
        struct R {
            #[serde(rename = "RolePrivileges", default)]
            role_privileges: Vec<serde_json::Value>,
        }
        let path = format!(
            "systemusers({user})/Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName(PrivilegeName={})",
            encode(&Literal::from(name.as_str()).to_string())
        );
        Ok(!self
            .get_json::<R>(&path, None)
            .await?
            .role_privileges
            .is_empty())
    }
}

#[cfg(any(test, feature = "testkit"))]
/// The one column `step_names` reads.
#[derive(Deserialize)]
struct StepRow {
    stepname: Option<String>,
}

#[cfg(any(test, feature = "testkit"))]
impl Table for StepRow {
    const ENTITY_SET: &'static str = EntityKind::Opportunity.entity_set();
    const KEY: &'static str = EntityKind::Opportunity.key();
    const COLUMNS: &'static [&'static str] = &["opportunityid", "stepname"];
}

/// A GUID in canonical lowercase form; anything else is refused before it
/// reaches a URL.
pub(crate) fn guid(s: &str) -> Result<uuid::Uuid, CrmError> {
    uuid::Uuid::parse_str(s.trim()).map_err(|_| CrmError::Config {
        detail: format!("{s:?} is not a GUID"),
    })
}
