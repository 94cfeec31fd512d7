//! The slice of the Dataverse schema the emulator serves: entity sets, their
//! columns, lookups and the privilege names Dataverse checks for them.
//!
//! Kept as static data so a `$select` of an unknown column fails the way
//! Dataverse fails, instead of silently answering `null`.

/// A single-valued navigation property: what `@odata.bind` and `$expand`
/// address (e.g. `parentcustomerid_account`) and the lookup column it fills
/// (`_parentcustomerid_value`).
#[derive(Debug, Clone, Copy)]
pub struct Lookup {
    pub nav: &'static str,
    pub attr: &'static str,
    pub target_set: &'static str,
}

#[derive(Debug)]
pub struct EntityDef {
    pub set: &'static str,
    pub logical: &'static str,
    pub key: &'static str,
    pub otc: u32,
    /// Privilege suffix: `prvRead{privilege}`; tasks use the Activity ones.
    pub privilege: &'static str,
    pub display: &'static str,
    pub columns: &'static [&'static str],
    pub lookups: &'static [Lookup],
    /// Text columns with their `MaxLength` (and whether they are Memo
    /// columns): a longer value is refused with 0x80044331, as Dataverse
    /// does. The lengths are Dataverse's defaults for these columns.
    pub text: &'static [Text],
}

/// A String or Memo column and its maximum length in characters.
#[derive(Debug, Clone, Copy)]
pub struct Text {
    pub column: &'static str,
    pub max_length: usize,
    pub memo: bool,
}

const fn text(column: &'static str, max_length: usize) -> Text {
    Text {
        column,
        max_length,
        memo: false,
    }
}

const fn memo(column: &'static str, max_length: usize) -> Text {
    Text {
        column,
        max_length,
        memo: true,
    }
}

const fn lk(nav: &'static str, attr: &'static str, target_set: &'static str) -> Lookup {
    Lookup {
        nav,
        attr,
        target_set,
    }
}

const AUDIT: [Lookup; 4] = [
    lk("ownerid", "ownerid", "systemusers"),
    lk("createdby", "createdby", "systemusers"),
    lk("modifiedby", "modifiedby", "systemusers"),
    lk("createdonbehalfby", "createdonbehalfby", "systemusers"),
];

pub static ENTITIES: &[EntityDef] = &[
    EntityDef {
        set: "systemusers",
        logical: "systemuser",
        key: "systemuserid",
        otc: 8,
        privilege: "User",
        display: "User",
        columns: &[
            "systemuserid",
            "fullname",
            "firstname",
            "lastname",
            "internalemailaddress",
            "domainname",
            "isdisabled",
            "accessmode",
            "applicationid",
            "azureactivedirectoryobjectid",
            "createdon",
            "modifiedon",
        ],
        lookups: &[],
        text: &[],
    },
    EntityDef {
        set: "accounts",
        logical: "account",
        key: "accountid",
        otc: 1,
        privilege: "Account",
        display: "Account",
        columns: &[
            "accountid",
            "name",
            "accountnumber",
            "telephone1",
            "fax",
            "websiteurl",
            "_parentaccountid_value",
            "_ownerid_value",
            "_createdby_value",
            "_modifiedby_value",
            "_createdonbehalfby_value",
            "statecode",
            "statuscode",
            "createdon",
            "modifiedon",
        ],
        lookups: &[
            AUDIT[0],
            AUDIT[1],
            AUDIT[2],
            AUDIT[3],
            lk("parentaccountid", "parentaccountid", "accounts"),
        ],
        text: &[text("name", 160), text("websiteurl", 200)],
    },
    EntityDef {
        set: "contacts",
        logical: "contact",
        key: "contactid",
        otc: 2,
        privilege: "Contact",
        display: "Contact",
        columns: &[
            "contactid",
            "firstname",
            "lastname",
            "fullname",
            "emailaddress1",
            "jobtitle",
            "_parentcustomerid_value",
            "new_linkedinprofileurl",
            "_ownerid_value",
            "_createdby_value",
            "_modifiedby_value",
            "_createdonbehalfby_value",
            "statecode",
            "statuscode",
            "createdon",
            "modifiedon",
        ],
        lookups: &[
            AUDIT[0],
            AUDIT[1],
            AUDIT[2],
            AUDIT[3],
            lk("parentcustomerid_account", "parentcustomerid", "accounts"),
            lk("parentcustomerid_contact", "parentcustomerid", "contacts"),
        ],
        text: &[
            text("firstname", 50),
            text("lastname", 50),
            text("emailaddress1", 100),
            text("jobtitle", 100),
        ],
    },
    EntityDef {
        set: "opportunities",
        logical: "opportunity",
        key: "opportunityid",
        otc: 3,
        privilege: "Opportunity",
        display: "Opportunity",
        columns: &[
            "opportunityid",
            "name",
            "_ownerid_value",
            "_customerid_value",
            "_parentaccountid_value",
            "_parentcontactid_value",
            "_createdby_value",
            "_modifiedby_value",
            "_createdonbehalfby_value",
            "statecode",
            "statuscode",
            "salesstage",
            "salesstagecode",
            "stepname",
            "estimatedvalue",
            "actualvalue",
            "totalamount",
            "estimatedclosedate",
            "createdon",
            "modifiedon",
        ],
        lookups: &[
            AUDIT[0],
            AUDIT[1],
            AUDIT[2],
            AUDIT[3],
            lk("customerid_account", "customerid", "accounts"),
            lk("customerid_contact", "customerid", "contacts"),
            lk("parentaccountid", "parentaccountid", "accounts"),
            lk("parentcontactid", "parentcontactid", "contacts"),
        ],
        text: &[text("name", 300), text("stepname", 200)],
    },
    EntityDef {
        set: "tasks",
        logical: "task",
        key: "activityid",
        otc: 4212,
        privilege: "Activity",
        display: "Task",
        columns: &[
            "activityid",
            "subject",
            "description",
            "_regardingobjectid_value",
            "_ownerid_value",
            "_createdby_value",
            "_modifiedby_value",
            "_createdonbehalfby_value",
            "statecode",
            "statuscode",
            "actualend",
            "scheduledend",
            "createdon",
            "modifiedon",
            "activitytypecode",
        ],
        lookups: &[
            AUDIT[0],
            AUDIT[1],
            AUDIT[2],
            AUDIT[3],
            lk(
                "regardingobjectid_contact_task",
                "regardingobjectid",
                "contacts",
            ),
            lk(
                "regardingobjectid_account_task",
                "regardingobjectid",
                "accounts",
            ),
            lk(
                "regardingobjectid_opportunity_task",
                "regardingobjectid",
                "opportunities",
            ),
        ],
        text: &[text("subject", 200), memo("description", 2000)],
    },
    EntityDef {
        set: "solutions",
        logical: "solution",
        key: "solutionid",
        otc: 7100,
        privilege: "Solution",
        display: "Solution",
        columns: &[
            "solutionid",
            "uniquename",
            "friendlyname",
            "version",
            "ismanaged",
            "installedon",
            "modifiedon",
        ],
        lookups: &[],
        text: &[],
    },
];

pub fn by_set(set: &str) -> Option<&'static EntityDef> {
    ENTITIES.iter().find(|e| e.set == set)
}

pub fn by_logical(logical: &str) -> Option<&'static EntityDef> {
    ENTITIES.iter().find(|e| e.logical == logical)
}

impl EntityDef {
    pub fn has_column(&self, c: &str) -> bool {
        self.columns.contains(&c)
    }

    pub fn lookup_by_nav(&'static self, nav: &str) -> Option<&'static Lookup> {
        self.lookups.iter().find(|l| l.nav == nav)
    }

    /// A lookup is polymorphic when several navigation properties fill the
    /// same column; Dataverse then annotates the value with its table, and
    /// `ownerid` is always polymorphic (user or team).
    pub fn is_polymorphic(&self, attr: &str) -> bool {
        attr == "ownerid" || self.lookups.iter().filter(|l| l.attr == attr).count() > 1
    }

    pub fn type_name(&self) -> String {
        format!("Microsoft.Dynamics.CRM.{}", self.logical)
    }
}

/// `_x_value@Microsoft.Dynamics.CRM.lookuplogicalname`, the sibling naming the
/// table a polymorphic lookup points at.
pub fn lookup_annotation(column: &str) -> String {
    format!("{column}@Microsoft.Dynamics.CRM.lookuplogicalname")
}

/// The valid (statecode, statuscode) pairs of task; the first status of each
/// state is its default.
pub const TASK_STATES: &[(i64, &str, &[i64])] = &[
    (0, "Open", &[2, 3, 4, 7]),
    (1, "Completed", &[5]),
    (2, "Canceled", &[6]),
];
