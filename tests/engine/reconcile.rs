//! The seed's selection rule and what reconciliation removes.

use navsync::store::mirror::{self, Table};
use navsync::store::saved::{self, ItemKind, ReconcileCounts, Selection};
use navsync::store::seats;

use crate::fixtures::{World, contact, ids, opp, world};

const NOT_SURE_ALL: Selection = Selection {
    auto_sync_all_seats: true,
    min_stage: None,
};

fn reconcile(w: &mut World, sel: Selection) -> ReconcileCounts {
    w.store.transaction(|tx| saved::reconcile(tx, sel)).unwrap()
}

fn accounts(w: &World, seat: i64) -> Vec<String> {
    ids(&w.store, ItemKind::Account, seat)
}

fn leads(w: &World, seat: i64) -> Vec<String> {
    ids(&w.store, ItemKind::Contact, seat)
}

#[test]
fn not_sure_takes_every_open_opportunity_of_every_matched_seat() {
    let mut w = world();
    let c = reconcile(&mut w, NOT_SURE_ALL);
    assert_eq!(
        accounts(&w, w.ana),
        ["a1", "a2"],
        "o4 is won: a3 not for ana"
    );
    assert_eq!(leads(&w, w.ana), ["c1", "c2", "c3", "c4"]);
    assert_eq!(
        accounts(&w, w.ben),
        ["a3"],
        "auto-sync all: ben's switch is ignored"
    );
    assert!(leads(&w, w.ben).is_empty());
    assert!(
        accounts(&w, w.cid).is_empty(),
        "a seat with no CRM user gets nothing"
    );
    assert_eq!((c.accounts_added, c.leads_added), (3, 4));
    for item in saved::list(w.store.conn(), ItemKind::Contact, w.ana).unwrap() {
        assert!(item.from_crm && !item.manual);
    }
    assert_eq!(
        saved::linked_opportunities(w.store.conn(), w.ana)
            .unwrap()
            .len(),
        2
    );
    // Nothing changed: nothing written.
    assert_eq!(reconcile(&mut w, NOT_SURE_ALL), ReconcileCounts::default());
}

#[test]
fn a_stage_keeps_only_opportunities_at_or_past_it() {
    let mut w = world();
    reconcile(
        &mut w,
        Selection {
            auto_sync_all_seats: true,
            min_stage: Some(2),
        },
    );
    assert_eq!(accounts(&w, w.ana), ["a1"], "o2 is at stage 0");
    assert_eq!(leads(&w, w.ana), ["c1", "c2", "c4"]);
    assert_eq!(accounts(&w, w.ben), ["a3"], "o3 is past stage 2");
}

#[test]
fn without_auto_sync_only_switched_on_seats_sync() {
    let mut w = world();
    reconcile(&mut w, NOT_SURE_ALL);
    let c = reconcile(
        &mut w,
        Selection {
            auto_sync_all_seats: false,
            min_stage: None,
        },
    );
    assert_eq!(accounts(&w, w.ana), ["a1", "a2"]);
    assert!(accounts(&w, w.ben).is_empty(), "ben's sync is off");
    assert_eq!(c.accounts_removed, 1);
    // Switching ana off too removes hers.
    seats::set_sync(w.store.conn(), &[w.ana], false).unwrap();
    reconcile(
        &mut w,
        Selection {
            auto_sync_all_seats: false,
            min_stage: None,
        },
    );
    assert!(accounts(&w, w.ana).is_empty());
    assert!(leads(&w, w.ana).is_empty());
}

/// Closes o1 by `change` and checks exactly what o1 alone brought goes.
fn o1_drops_out(change: impl FnOnce(&World), sel: Selection) {
    o1_drops_out_from(|_| {}, change, sel);
}

fn o1_drops_out_from(prepare: impl FnOnce(&World), change: impl FnOnce(&World), sel: Selection) {
    let mut w = world();
    prepare(&w);
    reconcile(&mut w, sel);
    change(&w);
    let c = reconcile(&mut w, sel);
    assert_eq!(accounts(&w, w.ana), ["a2"]);
    assert_eq!(leads(&w, w.ana), ["c3"]);
    assert_eq!((c.accounts_removed, c.leads_removed), (1, 3));
    assert_eq!(
        saved::linked_opportunities(w.store.conn(), w.ana).unwrap(),
        ["o2"]
    );
}

#[test]
fn a_won_opportunity_drops_what_it_brought() {
    o1_drops_out(
        |w| {
            let mut o = opp("o1", "u1", Some("a1"), Some("c4"), 2);
            o.statecode = 1;
            mirror::upsert_opportunity(w.store.conn(), &o).unwrap();
        },
        NOT_SURE_ALL,
    );
}

#[test]
fn a_lost_opportunity_drops_what_it_brought() {
    o1_drops_out(
        |w| {
            let mut o = opp("o1", "u1", Some("a1"), Some("c4"), 2);
            o.statecode = 2;
            mirror::upsert_opportunity(w.store.conn(), &o).unwrap();
        },
        NOT_SURE_ALL,
    );
}

#[test]
fn a_deleted_opportunity_drops_what_it_brought() {
    o1_drops_out(
        |w| {
            mirror::delete(w.store.conn(), Table::Opportunities, "o1").unwrap();
        },
        NOT_SURE_ALL,
    );
}

#[test]
fn an_opportunity_below_the_stage_drops_what_it_brought() {
    o1_drops_out_from(
        |w| {
            mirror::upsert_opportunity(w.store.conn(), &opp("o2", "u1", Some("a2"), None, 1))
                .unwrap();
        },
        |w| {
            mirror::upsert_opportunity(w.store.conn(), &opp("o1", "u1", Some("a1"), Some("c4"), 0))
                .unwrap();
        },
        Selection {
            auto_sync_all_seats: true,
            min_stage: Some(1),
        },
    );
    // And with the stage raised above it (setting change, no CRM change).
    let mut w = world();
    reconcile(&mut w, NOT_SURE_ALL);
    reconcile(
        &mut w,
        Selection {
            auto_sync_all_seats: true,
            min_stage: Some(1),
        },
    );
    assert_eq!(
        accounts(&w, w.ana),
        ["a1"],
        "o2 (stage 0) fell below stage 1"
    );
    assert_eq!(leads(&w, w.ana), ["c1", "c2", "c4"]);
}

#[test]
fn a_reassigned_opportunity_moves_to_its_new_owner() {
    let mut w = world();
    reconcile(&mut w, NOT_SURE_ALL);
    mirror::upsert_opportunity(w.store.conn(), &opp("o1", "u2", Some("a1"), Some("c4"), 2))
        .unwrap();
    let c = reconcile(&mut w, NOT_SURE_ALL);
    assert_eq!(accounts(&w, w.ana), ["a2"]);
    assert_eq!(accounts(&w, w.ben), ["a1", "a3"]);
    assert_eq!(leads(&w, w.ben), ["c1", "c2", "c4"]);
    assert_eq!((c.accounts_added, c.accounts_removed), (1, 1));
}

#[test]
fn an_item_another_opportunity_still_brings_stays() {
    let mut w = world();
    mirror::upsert_opportunity(w.store.conn(), &opp("o5", "u1", Some("a1"), None, 1)).unwrap();
    reconcile(&mut w, NOT_SURE_ALL);
    mirror::delete(w.store.conn(), Table::Opportunities, "o1").unwrap();
    reconcile(&mut w, NOT_SURE_ALL);
    assert_eq!(accounts(&w, w.ana), ["a1", "a2"], "o5 still brings a1");
    assert_eq!(
        leads(&w, w.ana),
        ["c1", "c2", "c3"],
        "c4 came only through o1"
    );
}

#[test]
fn a_manual_save_survives_its_opportunity_closing() {
    let mut w = world();
    saved::save_manual(w.store.conn(), ItemKind::Account, w.ana, "a1").unwrap();
    saved::save_manual(w.store.conn(), ItemKind::Contact, w.ana, "c1").unwrap();
    let c = reconcile(&mut w, NOT_SURE_ALL);
    assert_eq!(
        c.accounts_added, 2,
        "a2 and ben's a3: a1 was already saved by hand"
    );
    mirror::delete(w.store.conn(), Table::Opportunities, "o1").unwrap();
    reconcile(&mut w, NOT_SURE_ALL);
    let a1 = saved::list(w.store.conn(), ItemKind::Account, w.ana).unwrap();
    let a1 = a1
        .iter()
        .find(|i| i.item_id == "a1")
        .expect("manual save kept");
    assert!(a1.manual && !a1.from_crm);
    assert_eq!(leads(&w, w.ana), ["c1", "c3"]);
}

#[test]
fn a_deleted_contact_or_a_new_contact_of_a_linked_account_follows_the_mirror() {
    let mut w = world();
    reconcile(&mut w, NOT_SURE_ALL);
    mirror::delete(w.store.conn(), Table::Contacts, "c2").unwrap();
    mirror::upsert_contact(w.store.conn(), &contact("c9", Some("a2"))).unwrap();
    let c = reconcile(&mut w, NOT_SURE_ALL);
    assert_eq!(leads(&w, w.ana), ["c1", "c3", "c4", "c9"]);
    assert_eq!((c.leads_added, c.leads_removed), (1, 1));
}
