//! Seats: switching CRM sync for one seat or many at once, and creating
//! seats for CRM users. Each change is one transaction, so a bulk switch
//! or a multi-user assignment is all-or-nothing and announced once.

use std::collections::HashSet;

use crate::engine::interface::note::{Note, Refusal, Reply, Unassignable};
use crate::engine::{Answer, View};
use crate::store::mirror::{self, SystemUser};
use crate::store::seats::{self, Edition, Licence, NewSeat, Seat};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SeatsError {
    #[error("no seat {0:?}")]
    UnknownSeat(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SeatsError {
    /// What the faces tell the user.
    pub fn refusal(&self) -> Refusal {
        match self {
            Self::UnknownSeat(seat) => Refusal::UnknownSeat { seat: seat.clone() },
            Self::Store(e) => Refusal::Failed {
                error: e.to_string(),
            },
        }
    }
}

impl From<SeatsError> for Refusal {
    fn from(e: SeatsError) -> Self {
        e.refusal()
    }
}

/// The seat a reference names: a member id, the id `seats list` prints,
/// or the holder's e-mail (case-insensitive), in that order, so every
/// command takes what another one prints or accepts.
pub(crate) fn find_seat<'a>(seats: &'a [Seat], reference: &str) -> Option<&'a Seat> {
    let r = reference.trim();
    seats
        .iter()
        .find(|s| s.member_id == r)
        .or_else(|| {
            let id = r.parse::<i64>().ok()?;
            seats.iter().find(|s| s.id == id)
        })
        .or_else(|| {
            seats.iter().find(|s| {
                s.email
                    .as_deref()
                    .is_some_and(|e| e.trim().eq_ignore_ascii_case(r))
            })
        })
}

/// Seat ids for references (see [`find_seat`]). All must exist.
pub fn resolve_refs(seats: &[Seat], refs: &[String]) -> Result<Vec<i64>, SeatsError> {
    refs.iter()
        .map(|r| {
            find_seat(seats, r)
                .map(|s| s.id)
                .ok_or_else(|| SeatsError::UnknownSeat(r.trim().to_string()))
        })
        .collect()
}

/// Switches sync for `seat_ids` in one transaction; unknown ids abort the
/// whole change. Returns how many seats actually changed.
pub fn set_sync(store: &mut Store, seat_ids: &[i64], enabled: bool) -> Result<usize, SeatsError> {
    store.transaction(|tx| {
        for &id in seat_ids {
            if seats::get(tx, id)?.is_none() {
                return Err(SeatsError::UnknownSeat(id.to_string()));
            }
        }
        Ok(seats::set_sync(tx, seat_ids, enabled)?)
    })
}

/// `Command::UnassignSeats`: takes the CRM user off `seat_ids` and their
/// sync off, in one transaction; unknown ids abort the whole change.
/// Returns how many seats changed.
pub fn unassign(store: &mut Store, seat_ids: &[i64]) -> Result<usize, SeatsError> {
    store.transaction(|tx| {
        for &id in seat_ids {
            if seats::get(tx, id)?.is_none() {
                return Err(SeatsError::UnknownSeat(id.to_string()));
            }
        }
        Ok(seats::unassign(tx, seat_ids)?)
    })
}

#[cfg(any(test, feature = "testkit"))]
/// A CRM user as offered for a seat, with the seat already held, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignable {
    pub user: SystemUser,
    pub holder: Option<Seat>,
}

/// Why a CRM user cannot hold a seat, if they cannot.
fn unassignable(u: &SystemUser) -> Option<Unassignable> {
    if u.isdisabled {
        Some(Unassignable::Disabled)
    } else if u.is_application_user {
        Some(Unassignable::ApplicationUser)
    } else {
        None
    }
}

#[cfg(any(test, feature = "testkit"))]
/// Active interactive CRM users (disabled and application users left out),
/// each with the seat they already hold, if any.
pub fn assignable_users(conn: &rusqlite::Connection) -> Result<Vec<Assignable>, SeatsError> {
    let all_seats = seats::list(conn)?;
    Ok(mirror::systemusers(conn)?
        .into_iter()
        .filter(|u| unassignable(u).is_none())
        .map(|user| {
            let holder = holder_of(&all_seats, &user).cloned();
            Assignable { user, holder }
        })
        .collect())
}

/// The seat a CRM user already holds: matched to them, or (not yet matched)
/// with their e-mail.
fn holder_of<'a>(seats: &'a [Seat], u: &SystemUser) -> Option<&'a Seat> {
    seats
        .iter()
        .find(|s| s.crm_user_id.as_deref() == Some(u.systemuserid.as_str()))
        .or_else(|| {
            let email = u.email.as_deref()?.trim();
            seats.iter().find(|s| {
                s.crm_user_id.is_none()
                    && s.email
                        .as_deref()
                        .is_some_and(|e| e.trim().eq_ignore_ascii_case(email))
            })
        })
}

/// What an assignment did, user by user.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssignOutcome {
    pub created: Vec<Seat>,
    /// Seats with the user's e-mail that were not matched yet, now matched.
    pub linked: Vec<Seat>,
    /// Users who already held a seat (matched to them): left as they were.
    pub already: Vec<Seat>,
    /// Users that could not be given a seat (unknown, disabled, application
    /// users), each with why; the others were assigned.
    pub refused: Vec<Refusal>,
}

impl AssignOutcome {
    /// One line per seat, for the log.
    pub fn notes(&self) -> Vec<(tracing::Level, Note)> {
        let seat = |s: &Seat| (s.id, s.name.clone());
        let created = self
            .created
            .iter()
            .map(seat)
            .map(|(id, name)| Note::SeatCreated { id, name });
        let linked = self
            .linked
            .iter()
            .map(seat)
            .map(|(id, name)| Note::SeatMatched { id, name });
        let already = self
            .already
            .iter()
            .map(seat)
            .map(|(id, name)| Note::SeatAlready { id, name });
        created
            .chain(linked)
            .chain(already)
            .map(|n| (tracing::Level::INFO, n))
            .collect()
    }

    /// The answer: how many seats each way, and every refusal.
    pub fn reply(&self) -> Reply {
        Reply::Assigned {
            created: self.created.len(),
            linked: self.linked.len(),
            already: self.already.len(),
            refused: self.refused.clone(),
        }
    }
}

/// Creates seats (sync on) for CRM users given by system user id or
/// e-mail, in one transaction. A user who already holds a seat is reported,
/// never given a second; an unknown, disabled or application user is
/// reported in `refused` and the rest are still assigned (one typo in a
/// list of fifty must not cost the other forty-nine).
pub fn assign(
    store: &mut Store,
    users: &[String],
    licence: Licence,
    edition: Edition,
) -> Result<AssignOutcome, SeatsError> {
    store.transaction(|tx| {
        let crm_users = mirror::systemusers(tx)?;
        let mut out = AssignOutcome::default();
        let mut seen = HashSet::new();
        for r in users {
            let r = r.trim();
            let Some(user) = crm_users.iter().find(|u| {
                u.systemuserid.eq_ignore_ascii_case(r)
                    || u.email
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(r))
            }) else {
                out.refused.push(Refusal::UnknownUser {
                    user: r.to_string(),
                });
                continue;
            };
            if !seen.insert(user.systemuserid.clone()) {
                continue;
            }
            if let Some(why) = unassignable(user) {
                out.refused.push(Refusal::NotAssignable {
                    name: user.fullname.clone(),
                    why,
                });
                continue;
            }
            let all = seats::list(tx)?;
            match holder_of(&all, user) {
                Some(s) if s.crm_user_id.is_some() => out.already.push(s.clone()),
                Some(s) => {
                    seats::set_crm_user(tx, s.id, Some(&user.systemuserid))?;
                    out.linked.push(fetch(tx, s.id)?);
                }
                None => {
                    let member_id = format!("crm:{}", user.systemuserid);
                    let id = seats::upsert(
                        tx,
                        &NewSeat {
                            member_id: &member_id,
                            name: &user.fullname,
                            email: user.email.as_deref(),
                            licence,
                            edition,
                            crm_user_id: Some(&user.systemuserid),
                            sync_enabled: true,
                        },
                    )?;
                    out.created.push(fetch(tx, id)?);
                }
            }
        }
        Ok(out)
    })
}

fn fetch(conn: &rusqlite::Connection, id: i64) -> Result<Seat, SeatsError> {
    seats::get(conn, id)?.ok_or_else(|| SeatsError::UnknownSeat(id.to_string()))
}

/// `Command::SetSeatSync`: the switch and its answer.
pub(crate) fn set_sync_answer(
    store: &mut Store,
    seat_ids: &[i64],
    enabled: bool,
) -> Result<Answer, SeatsError> {
    let changed = set_sync(store, seat_ids, enabled)?;
    Ok(Answer {
        ok: true,
        reply: Reply::SeatSync {
            on: enabled,
            count: seat_ids.len(),
            changed,
        },
        changed: (changed > 0).then_some(View::Seats),
        log: Vec::new(),
    })
}

/// `Command::AssignSeats`: the assignment and its answer.
pub(crate) fn assign_answer(
    store: &mut Store,
    users: &[String],
    licence: Licence,
    edition: Edition,
) -> Result<Answer, SeatsError> {
    let out = assign(store, users, licence, edition)?;
    Ok(Answer {
        ok: out.refused.is_empty(),
        reply: out.reply(),
        changed: (!out.created.is_empty() || !out.linked.is_empty()).then_some(View::Seats),
        log: out.notes(),
    })
}
