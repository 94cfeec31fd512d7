//! A small CRM mirror and workspace written straight into a store.

use navsync::store::mirror::{self, Account, Contact, Opportunity, SystemUser};
use navsync::store::seats::{self, Edition, Licence, NewSeat};
use navsync::store::{Store, saved};

pub struct World {
    pub _dir: tempfile::TempDir,
    pub store: Store,
    /// Matched to u1, sync on.
    pub ana: i64,
    /// Matched to u2, sync off.
    pub ben: i64,
    /// Not matched to a CRM user, sync on.
    pub cid: i64,
}

pub fn user(id: &str) -> SystemUser {
    SystemUser {
        systemuserid: id.into(),
        fullname: format!("User {id}"),
        email: None,
        isdisabled: false,
        is_application_user: false,
        modifiedon: None,
    }
}

pub fn account(id: &str) -> Account {
    Account {
        accountid: id.into(),
        name: format!("Account {id}"),
        websiteurl: None,
        parentaccountid: None,
        ownerid: None,
        modifiedon: None,
    }
}

pub fn contact(id: &str, account: Option<&str>) -> Contact {
    Contact {
        contactid: id.into(),
        fullname: format!("Contact {id}"),
        parentaccountid: account.map(Into::into),
        ..Default::default()
    }
}

pub fn opp(
    id: &str,
    owner: &str,
    account: Option<&str>,
    contact: Option<&str>,
    stage: i64,
) -> Opportunity {
    Opportunity {
        opportunityid: id.into(),
        name: format!("Opportunity {id}"),
        ownerid: Some(owner.into()),
        accountid: account.map(Into::into),
        contactid: contact.map(Into::into),
        statecode: 0,
        salesstage: Some(stage),
        stepname: None,
        money_json: "{}".into(),
        modifiedon: None,
    }
}

fn seat(s: &Store, member: &str, crm: Option<&str>, sync: bool) -> i64 {
    seats::upsert(
        s.conn(),
        &NewSeat {
            member_id: member,
            name: member,
            email: None,
            licence: Licence::Member,
            edition: Edition::Team,
            crm_user_id: crm,
            sync_enabled: sync,
        },
    )
    .unwrap()
}

/// Accounts a1 (contacts c1, c2), a2 (c3), a3 (none); c4 has no account.
/// o1: u1, a1 + c4, stage 2. o2: u1, a2, stage 0. o3: u2, a3, stage 3.
/// o4: u1, a3, won.
pub fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("navsync.db")).unwrap();
    let c = store.conn();
    for u in ["u1", "u2"] {
        mirror::upsert_systemuser(c, &user(u)).unwrap();
    }
    for a in ["a1", "a2", "a3"] {
        mirror::upsert_account(c, &account(a)).unwrap();
    }
    for (id, a) in [
        ("c1", Some("a1")),
        ("c2", Some("a1")),
        ("c3", Some("a2")),
        ("c4", None),
    ] {
        mirror::upsert_contact(c, &contact(id, a)).unwrap();
    }
    mirror::upsert_opportunity(c, &opp("o1", "u1", Some("a1"), Some("c4"), 2)).unwrap();
    mirror::upsert_opportunity(c, &opp("o2", "u1", Some("a2"), None, 0)).unwrap();
    mirror::upsert_opportunity(c, &opp("o3", "u2", Some("a3"), None, 3)).unwrap();
    let mut won = opp("o4", "u1", Some("a3"), None, 3);
    won.statecode = 1;
    mirror::upsert_opportunity(c, &won).unwrap();
    let ana = seat(&store, "ana", Some("u1"), true);
    let ben = seat(&store, "ben", Some("u2"), false);
    let cid = seat(&store, "cid", None, true);
    World {
        _dir: dir,
        store,
        ana,
        ben,
        cid,
    }
}

/// Sorted ids of a seat's saved items of one kind.
pub fn ids(s: &Store, kind: saved::ItemKind, seat: i64) -> Vec<String> {
    saved::list(s.conn(), kind, seat)
        .unwrap()
        .into_iter()
        .map(|i| i.item_id)
        .collect()
}
