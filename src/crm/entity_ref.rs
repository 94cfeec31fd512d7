//! The tables navsync writes and how one record refers to another: the one
//! place that knows entity set names, primary keys and the single-valued
//! navigation properties a lookup is set through.
//!
//! A lookup is set by appending `@odata.bind` to the navigation property's
//! name and giving the other record's path, on create as on update
//! (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/create-entity-web-api#associate-table-rows-on-create>,
//! <https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api#using-single-valued-navigation-properties>).
//! A lookup that may point at several tables (a task's `regardingobjectid`,
//! a contact's `parentcustomerid`) has one navigation property per table,
//! named `<lookup>_<table>` (and `_<activity>` after it for an activity's
//! regarding), as the task and contact EntityType references list them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// A table navsync reads or writes rows of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Task,
    Contact,
    Account,
    SystemUser,
    Opportunity,
}

impl EntityKind {
    const ALL: [EntityKind; 5] = [
        Self::Task,
        Self::Contact,
        Self::Account,
        Self::SystemUser,
        Self::Opportunity,
    ];

    /// The entity set: the collection a record's path starts with.
    pub const fn entity_set(self) -> &'static str {
        match self {
            Self::Task => "tasks",
            Self::Contact => "contacts",
            Self::Account => "accounts",
            Self::SystemUser => "systemusers",
            Self::Opportunity => "opportunities",
        }
    }

    /// The table's logical name, as metadata and lookups name it.
    pub const fn logical_name(self) -> &'static str {
        match self {
            Self::Task => "task",
            Self::Contact => "contact",
            Self::Account => "account",
            Self::SystemUser => "systemuser",
            Self::Opportunity => "opportunity",
        }
    }

    /// The primary key column, which a create may set to a client-chosen id.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Task => "activityid",
            Self::Contact => "contactid",
            Self::Account => "accountid",
            Self::SystemUser => "systemuserid",
            Self::Opportunity => "opportunityid",
        }
    }

    /// The table whose entity set is `set`.
    pub(crate) fn of_entity_set(set: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.entity_set() == set)
    }
}

/// One record of one table: what a lookup points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityRef {
    pub kind: EntityKind,
    pub id: Uuid,
}

impl EntityRef {
    pub fn new(kind: EntityKind, id: Uuid) -> Self {
        Self { kind, id }
    }

    /// The record's path, the value of an `@odata.bind`.
    fn path(&self) -> String {
        format!("/{}({})", self.kind.entity_set(), self.id)
    }
}

/// A single-valued navigation property of a table navsync writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// Who owns the record (a user).
    Owner,
    /// What an activity of `activity` is about: `regardingobjectid_<table>_<activity>`.
    Regarding { activity: EntityKind },
    /// A contact's company: `parentcustomerid_<table>`.
    ParentCustomer,
}

impl Lookup {
    fn property(self, target: EntityKind) -> String {
        match self {
            Self::Owner => "ownerid".into(),
            Self::Regarding { activity } => format!(
                "regardingobjectid_{}_{}",
                target.logical_name(),
                activity.logical_name()
            ),
            Self::ParentCustomer => format!("parentcustomerid_{}", target.logical_name()),
        }
    }
}

/// Sets `lookup` of a request body to `target`.
pub(crate) fn bind(body: &mut Map<String, Value>, lookup: Lookup, target: EntityRef) {
    body.insert(
        format!("{}@odata.bind", lookup.property(target.kind)),
        Value::String(target.path()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_found_by_its_entity_set() {
        for t in EntityKind::ALL {
            assert_eq!(EntityKind::of_entity_set(t.entity_set()), Some(t));
        }
        assert_eq!(EntityKind::of_entity_set("leads"), None);
    }
}
