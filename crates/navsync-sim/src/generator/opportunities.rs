//! Opportunities: owned by sellers, for an account (mostly) or a contact,
//! with state, status reason and sales stage drawn as consistent triples.

use serde_json::Value;

use super::accounts::Company;
use super::contacts::People;
use super::names::DEAL_TOPICS;
use super::{DAY, Gen, NOW, date, put_lookup, put_owner, put_polymorphic, row, timestamp};
use crate::tenant::Row;

/// `stepname` of each `salesstage` (0 Qualify .. 3 Close), as the
/// default opportunity sales process writes it.
pub(super) const STEP_NAMES: [&str; 4] = ["1-Qualify", "2-Develop", "3-Propose", "4-Close"];

/// Shares of open / won / lost, in percent.
const STATE_WEIGHTS: [u32; 3] = [60, 25, 15];
/// Open opportunities thin out towards the later stages.
const OPEN_STAGE_WEIGHTS: [u32; 4] = [35, 30, 20, 15];
const CUSTOMER_IS_CONTACT: f64 = 0.1;

/// `(statecode, statuscode)` for a drawn state: open is In Progress (1)
/// or On Hold (2), won is Won (3), lost is Canceled (4) or Out-Sold (5).
fn status(g: &mut Gen, state: usize) -> (i64, i64) {
    match state {
        0 => (0, if g.chance(0.85) { 1 } else { 2 }),
        1 => (1, 3),
        _ => (2, if g.chance(0.4) { 4 } else { 5 }),
    }
}

pub(super) fn generate(
    g: &mut Gen,
    n: usize,
    companies: &[Company],
    people: &People,
    sellers: &[String],
) -> Vec<Row> {
    (0..n).map(|_| one(g, companies, people, sellers)).collect()
}

fn one(g: &mut Gen, companies: &[Company], people: &People, sellers: &[String]) -> Row {
    let id = g.guid();
    // Customer, parent account and parent contact, as indices.
    let (customer_contact, account, contact) = if g.chance(CUSTOMER_IS_CONTACT) {
        let c = g.index(people.ids.len());
        (true, people.account_of[c], Some(c))
    } else {
        let a = g.index(companies.len());
        let staff = &people.by_account[a];
        let c = (!staff.is_empty() && g.chance(0.8)).then(|| staff[g.index(staff.len())]);
        (false, Some(a), c)
    };
    let customer = if customer_contact {
        contact.map(|c| ("contact", people.ids[c].as_str()))
    } else {
        account.map(|a| ("account", companies[a].id.as_str()))
    };
    let title = match (account, contact) {
        (Some(a), _) => companies[a].base.clone(),
        (None, Some(c)) => people.rows[c]
            .get("fullname")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        (None, None) => String::new(),
    };
    let name = format!("{title}: {}", g.pick(DEAL_TOPICS));

    let state = g.weighted(&STATE_WEIGHTS);
    let (statecode, statuscode) = status(g, state);
    let stage = match state {
        0 => g.weighted(&OPEN_STAGE_WEIGHTS),
        1 => 3,
        _ => g.index(4),
    };
    let estimated = deal_size(g);
    let total = estimated * g.between(90, 111) / 100;
    let created = NOW - g.between(10 * DAY, 720 * DAY);
    let (close, modified) = if state == 0 {
        let close = NOW + g.between(-20 * DAY, 200 * DAY);
        (close, g.between(created, NOW))
    } else {
        let close = (created + g.between(14 * DAY, 240 * DAY)).min(NOW - DAY);
        (close, (close + g.between(0, DAY)).max(created))
    };
    let actual = (state == 1).then(|| estimated * g.between(80, 111) / 100);

    let mut r = row([("opportunityid", id.into()), ("name", name.into())]);
    put_owner(&mut r, &sellers[g.index(sellers.len())]);
    put_polymorphic(&mut r, "customerid", customer);
    put_lookup(
        &mut r,
        "parentaccountid",
        account.map(|a| companies[a].id.as_str()),
    );
    put_lookup(
        &mut r,
        "parentcontactid",
        contact.map(|c| people.ids[c].as_str()),
    );
    for (k, v) in [
        ("statecode", statecode.into()),
        ("statuscode", statuscode.into()),
        ("salesstage", stage.into()),
        // "Process Code": one option, 1 "Default Value", on every row.
        ("salesstagecode", 1.into()),
        ("stepname", STEP_NAMES[stage].into()),
        ("estimatedvalue", money(estimated)),
        ("actualvalue", actual.map_or(Value::Null, money)),
        ("totalamount", money(total)),
        ("estimatedclosedate", date(close).into()),
        ("createdon", timestamp(created).into()),
        ("modifiedon", timestamp(modified).into()),
    ] {
        r.insert(k.to_owned(), v);
    }
    r
}

/// An estimated value in whole currency units: many small deals, a few
/// large ones. Integer draws only, so no platform's float rounding can
/// change a seeded tenant.
fn deal_size(g: &mut Gen) -> i64 {
    let hundreds = match g.weighted(&[40, 35, 20, 5]) {
        0 => g.between(20, 100),
        1 => g.between(100, 500),
        2 => g.between(500, 2_000),
        _ => g.between(2_000, 5_000),
    };
    hundreds * 100
}

/// Money as Dataverse writes it: a JSON number with decimals.
fn money(units: i64) -> Value {
    (units as f64).into()
}
