//! The generated tenant: organisation, CRM rows and the workspace side
//! (seats and a stream of activities), deterministic from a seed.

use serde_json::{Map, Value};

/// A table row in Dataverse's own shape: logical attribute names, lookups
/// as `_name_value` GUID strings (polymorphic ones with a sibling
/// `_name_value@Microsoft.Dynamics.CRM.lookuplogicalname`), option sets as
/// integers, money as numbers, dates as RFC 3339 UTC strings (date-only
/// columns such as `estimatedclosedate`, `Edm.Date`, as `YYYY-MM-DD`).
/// Lookups are present with a null value when unset.
pub type Row = Map<String, Value>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// A handful of rows, for tests.
    Tiny,
    /// ~50 users / 500 accounts / 2k contacts / 800 opportunities.
    Demo,
    /// 2k users / 20k accounts / 100k contacts / 50k opportunities.
    Large,
    /// Ten times `Large`: an enterprise tenant, for growth benchmarks.
    Xl,
}

impl Scale {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "tiny" => Some(Self::Tiny),
            "demo" => Some(Self::Demo),
            "large" => Some(Self::Large),
            "xl" => Some(Self::Xl),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Organization {
    pub organization_id: String,
    pub name: String,
    /// e.g. "9.2.25061.00154".
    pub version: String,
    pub is_sandbox: bool,
}

/// The app registration navsync signs in with, and its application user.
#[derive(Debug, Clone)]
pub struct Identity {
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: String,
    /// systemuserid of the application (integration) user of `client_id`.
    pub application_user_id: String,
    /// systemuserid of the interactive admin who signs in by device code.
    pub admin_user_id: String,
}

#[derive(Debug, Clone)]
pub struct Tenant {
    pub org: Organization,
    pub identity: Identity,
    pub systemusers: Vec<Row>,
    pub accounts: Vec<Row>,
    pub contacts: Vec<Row>,
    pub opportunities: Vec<Row>,
    pub seats: Vec<SeatSeed>,
}

/// A workspace seat; `crm_systemuserid` when the holder is a CRM user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatSeed {
    pub member_id: String,
    pub name: String,
    pub email: String,
    /// "admin" or "member".
    pub licence: &'static str,
    /// "team" or "enterprise".
    pub edition: &'static str,
    pub crm_systemuserid: Option<String>,
}

/// An InMail, message or note written by a seat holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivitySeed {
    pub external_id: String,
    pub seat_member_id: String,
    /// "inmail", "message" or "note".
    pub kind: &'static str,
    pub member_name: String,
    pub member_company: Option<String>,
    pub member_title: Option<String>,
    pub member_email: Option<String>,
    pub member_profile_url: Option<String>,
    pub subject: String,
    pub body: String,
    pub occurred_at: String,
    pub copy_to_crm: bool,
}

pub use super::generator::{ActivityStream, LabelledActivity, Truth, Variation, generate};
