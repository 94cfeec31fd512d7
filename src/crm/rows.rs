//! Typed rows of the Dataverse tables the sync reads, each with the exact
//! `$select` list it is read with (never a whole row).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::entity_ref::EntityKind;

/// A table the client can stream.
pub trait Table: DeserializeOwned + Send + 'static {
    /// Entity set name in the Web API URL.
    const ENTITY_SET: &'static str;
    /// Primary key column (the `id` of a `$deletedEntity`).
    const KEY: &'static str;
    /// The `$select` columns; extra ones (optional columns) are added per read.
    const COLUMNS: &'static [&'static str];
}

/// Lookup annotation naming the table a polymorphic lookup points to.
pub(crate) const LOOKUP_LOGICAL_NAME: &str = "Microsoft.Dynamics.CRM.lookuplogicalname";

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SystemUser {
    pub systemuserid: String,
    pub fullname: Option<String>,
    pub internalemailaddress: Option<String>,
    #[serde(default)]
    pub isdisabled: Option<bool>,
    /// 0 read-write, 4 non-interactive (application users), ...
    pub accessmode: Option<i64>,
    /// Set for application (integration) users.
    pub applicationid: Option<String>,
    pub modifiedon: Option<String>,
}

impl SystemUser {
    /// An application user (client credentials), not a person signing in.
    pub fn is_application_user(&self) -> bool {
        self.applicationid.as_deref().is_some_and(|a| !a.is_empty()) || self.accessmode == Some(4)
    }
}

impl Table for SystemUser {
    const ENTITY_SET: &'static str = EntityKind::SystemUser.entity_set();
    const KEY: &'static str = EntityKind::SystemUser.key();
    const COLUMNS: &'static [&'static str] = &[
        "systemuserid",
        "fullname",
        "internalemailaddress",
        "isdisabled",
        "accessmode",
        "applicationid",
        "modifiedon",
    ];
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Account {
    pub accountid: String,
    pub name: Option<String>,
    pub websiteurl: Option<String>,
    #[serde(rename = "_parentaccountid_value")]
    pub parentaccountid: Option<String>,
    #[serde(rename = "_ownerid_value")]
    pub ownerid: Option<String>,
    pub modifiedon: Option<String>,
}

impl Table for Account {
    const ENTITY_SET: &'static str = EntityKind::Account.entity_set();
    const KEY: &'static str = EntityKind::Account.key();
    const COLUMNS: &'static [&'static str] = &[
        "accountid",
        "name",
        "websiteurl",
        "_parentaccountid_value",
        "_ownerid_value",
        "modifiedon",
    ];
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Contact {
    pub contactid: String,
    pub fullname: Option<String>,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub emailaddress1: Option<String>,
    pub jobtitle: Option<String>,
    /// Account or contact this contact belongs to (see `parentcustomer_type`).
    #[serde(rename = "_parentcustomerid_value")]
    pub parentcustomerid: Option<String>,
    #[serde(
        rename = "_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname",
        default
    )]
    pub parentcustomer_type: Option<String>,
    /// Read only when the tenant has the column (add it with `Read::column`).
    #[serde(default)]
    pub new_linkedinprofileurl: Option<String>,
    /// The owning user or team: the candidate lines name it, with
    /// `createdon`, to tell namesakes apart
    /// (<https://learn.microsoft.com/en-us/dynamics365/developer/reference/entities/contact>).
    #[serde(rename = "_ownerid_value", default)]
    pub ownerid: Option<String>,
    #[serde(default)]
    pub createdon: Option<String>,
    pub modifiedon: Option<String>,
}

impl Contact {
    /// The parent account, when the parent customer is an account.
    pub fn parent_account(&self) -> Option<&str> {
        match self.parentcustomer_type.as_deref() {
            Some("account") | None => self.parentcustomerid.as_deref(),
            Some(_) => None,
        }
    }
}

impl Table for Contact {
    const ENTITY_SET: &'static str = EntityKind::Contact.entity_set();
    const KEY: &'static str = EntityKind::Contact.key();
    const COLUMNS: &'static [&'static str] = &[
        "contactid",
        "fullname",
        "firstname",
        "lastname",
        "emailaddress1",
        "jobtitle",
        "_parentcustomerid_value",
        "_ownerid_value",
        "createdon",
        "modifiedon",
    ];
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Opportunity {
    pub opportunityid: String,
    pub name: Option<String>,
    #[serde(rename = "_ownerid_value")]
    pub ownerid: Option<String>,
    #[serde(rename = "_customerid_value")]
    pub customerid: Option<String>,
    #[serde(
        rename = "_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname",
        default
    )]
    pub customer_type: Option<String>,
    #[serde(rename = "_parentaccountid_value")]
    pub parentaccountid: Option<String>,
    #[serde(rename = "_parentcontactid_value")]
    pub parentcontactid: Option<String>,
    /// 0 open, 1 won, 2 lost.
    pub statecode: Option<i64>,
    /// "Sales Stage", the pipeline stage (0 Qualify, 1 Develop, 2 Propose,
    /// 3 Close by default; tenants add their own). Not `salesstagecode`,
    /// which is "Process Code" with the single option 1 "Default Value":
    /// <https://learn.microsoft.com/en-us/dynamics365/developer/reference/entities/opportunity>.
    pub salesstage: Option<i64>,
    /// "Pipeline Phase": the business-process step as text.
    pub stepname: Option<String>,
    pub estimatedvalue: Option<f64>,
    pub actualvalue: Option<f64>,
    pub modifiedon: Option<String>,
    /// Extra selected columns (the won-value money column) and annotations.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Opportunity {
    /// The account behind the opportunity: its customer when that is an
    /// account, else its parent account.
    pub fn account_id(&self) -> Option<&str> {
        match self.customer_type.as_deref() {
            Some("account") => self.customerid.as_deref(),
            _ => self.parentaccountid.as_deref(),
        }
    }

    /// The contact behind the opportunity: its customer when that is a
    /// contact, else its parent contact.
    pub fn contact_id(&self) -> Option<&str> {
        match self.customer_type.as_deref() {
            Some("contact") => self.customerid.as_deref(),
            _ => self.parentcontactid.as_deref(),
        }
    }

    /// Money values by logical name: estimatedvalue, actualvalue and any
    /// extra numeric column read (the won-value column).
    pub fn money(&self) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        for (k, v) in [
            ("estimatedvalue", self.estimatedvalue),
            ("actualvalue", self.actualvalue),
        ] {
            if let Some(v) = v {
                out.insert(k.to_string(), v);
            }
        }
        for (k, v) in &self.extra {
            if let (false, Some(n)) = (k.contains('@'), v.as_f64()) {
                out.insert(k.clone(), n);
            }
        }
        out
    }
}

impl Table for Opportunity {
    const ENTITY_SET: &'static str = EntityKind::Opportunity.entity_set();
    const KEY: &'static str = EntityKind::Opportunity.key();
    const COLUMNS: &'static [&'static str] = &[
        "opportunityid",
        "name",
        "_ownerid_value",
        "_customerid_value",
        "_parentaccountid_value",
        "_parentcontactid_value",
        "statecode",
        "salesstage",
        "stepname",
        "estimatedvalue",
        "actualvalue",
        "modifiedon",
    ];
}
