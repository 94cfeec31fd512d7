//! The one door every request of an identity goes through.
//!
//! Dataverse's service protection counts per user: after a 429 the
//! `Retry-After` is "the time before the server will accept any new request
//! from that user", not a delay for the one request that got it
//! (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/api-limits#retry-operations>).
//! So a 429 closes the gate for every request of the client (reads, writes,
//! checks) until it passes. And "too many concurrent requests"
//! (0x80072326) means we send more at once than the server will take: the
//! gate halves how many may be in flight, then climbs back one at a time
//! as answers come back without it. The server's `x-ms-dop-hint` (its
//! recommended degree of parallelism,
//! <https://learn.microsoft.com/en-us/power-apps/developer/data-platform/send-parallel-requests>)
//! is a ceiling below the configured concurrency: never climb past it.
//!
//! A [`Lane`] is one place kept for a chain of requests sent one after the
//! other (a split read's key-only spine, which is the critical path of the
//! read): its requests never queue behind the ranges read beside it. Lanes
//! never take the last place, and give theirs back when the limit falls to
//! their number, so the other requests always have one.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};
use tokio::time::Instant;

/// Good answers in a row before one more request may be in flight again.
const CLIMB_AFTER: usize = 20;

pub(crate) struct Gate {
    places: Arc<Places>,
    /// The most that may ever be in flight (the configured concurrency).
    max: usize,
    /// The most the server recommends (`x-ms-dop-hint`), at most `max`.
    ceiling: AtomicUsize,
    /// How many may be in flight now (`max` until the server objects).
    limit: AtomicUsize,
    /// Good answers since the last change of `limit`.
    streak: AtomicUsize,
    /// No request leaves before this instant (the latest `Retry-After`).
    closed_until: Mutex<Option<Instant>>,
    /// A `Retry-After` too long to wait: until it passes, requests fail at
    /// once instead of being sent for the server to refuse again.
    given_up_until: Mutex<Option<Instant>>,
}

/// The places themselves, shared with the lanes that hold one.
struct Places {
    permits: Arc<Semaphore>,
    /// Permits to drop instead of returning, to bring `limit` down while
    /// requests are in flight.
    debt: AtomicUsize,
    /// Places held by lanes.
    lanes: AtomicUsize,
}

impl Places {
    /// Whether a place coming back pays the debt of a cut (and is dropped).
    fn pays_debt(&self) -> bool {
        self.debt
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |d| d.checked_sub(1))
            .is_ok()
    }
}

/// A place among the requests in flight; dropping it frees the place
/// (unless the gate is shrinking). A lane's request holds its lane.
pub(crate) struct Pass<'a> {
    gate: &'a Gate,
    permit: Option<SemaphorePermit<'a>>,
    _lane: Option<tokio::sync::MutexGuard<'a, Held>>,
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        if let Some(p) = self.permit.take()
            && self.gate.places.pays_debt()
        {
            p.forget();
        }
    }
}

/// A place kept for one chain of requests (see the module doc); dropping
/// it gives the place back.
pub(crate) struct Lane {
    places: Arc<Places>,
    held: tokio::sync::Mutex<Held>,
}

/// A lane's place: taken by its first request (which queues for it like
/// any other), kept until the lane ends or the limit falls to the lanes.
#[derive(Default)]
struct Held {
    place: Option<OwnedSemaphorePermit>,
    /// The lane has had its chance at a place: it does not queue again.
    settled: bool,
}

impl Lane {
    fn give_back(places: &Places, permit: OwnedSemaphorePermit) {
        places.lanes.fetch_sub(1, Ordering::AcqRel);
        if places.pays_debt() {
            permit.forget();
        }
    }
}

impl Drop for Lane {
    fn drop(&mut self) {
        if let Some(p) = self.held.get_mut().place.take() {
            Self::give_back(&self.places, p);
        }
    }
}

impl Gate {
    pub(crate) fn new(max: usize) -> Self {
        let max = max.max(1);
        Self {
            places: Arc::new(Places {
                permits: Arc::new(Semaphore::new(max)),
                debt: AtomicUsize::new(0),
                lanes: AtomicUsize::new(0),
            }),
            max,
            ceiling: AtomicUsize::new(max),
            limit: AtomicUsize::new(max),
            streak: AtomicUsize::new(0),
            closed_until: Mutex::new(None),
            given_up_until: Mutex::new(None),
        }
    }

    /// A `Retry-After` of `wait` the client will not sit out: every request
    /// of this identity fails at once until it has passed.
    pub(crate) fn give_up_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut guard = self
            .given_up_until
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if guard.is_none_or(|t| t < until) {
            *guard = Some(until);
        }
    }

    /// How long requests still fail at once after [`Gate::give_up_for`].
    pub(crate) fn given_up_for(&self) -> Option<Duration> {
        let guard = self
            .given_up_until
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        guard.and_then(|t| t.checked_duration_since(Instant::now()))
    }

    /// Waits for a place in flight and for the gate to be open. Not
    /// cancel-safe on its own: callers race it against their cancellation.
    pub(crate) async fn enter(&self) -> Pass<'_> {
        let permit = self.places.permits.acquire().await.ok();
        self.opened().await;
        Pass {
            gate: self,
            permit,
            _lane: None,
        }
    }

    /// Waits until no `Retry-After` holds the gate closed. Waiting with a
    /// place held costs nothing: nobody may send anyway.
    async fn opened(&self) {
        while let Some(until) = self.closed_until() {
            tokio::time::sleep_until(until).await;
        }
    }

    /// A lane: its first request queues for a place and keeps it, unless
    /// that would leave no place for the other requests.
    pub(crate) fn lane(&self) -> Lane {
        Lane {
            places: self.places.clone(),
            held: tokio::sync::Mutex::new(Held::default()),
        }
    }

    /// [`enter`](Self::enter) for a request of `lane`: through its own
    /// place, one request at a time. A lane gives its place back when the
    /// limit has fallen to the number of lanes.
    pub(crate) async fn enter_lane<'a>(&'a self, lane: &'a Lane) -> Pass<'a> {
        let places = &self.places;
        let limit = || self.limit.load(Ordering::Acquire);
        let mut held = lane.held.lock().await;
        if !held.settled {
            held.settled = true;
            let room = places
                .lanes
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |l| {
                    (l + 1 < limit()).then_some(l + 1)
                })
                .is_ok();
            if room {
                held.place = places.permits.clone().acquire_owned().await.ok();
                if held.place.is_none() {
                    places.lanes.fetch_sub(1, Ordering::AcqRel);
                }
            }
        }
        if held.place.is_some()
            && places.lanes.load(Ordering::Acquire) >= limit()
            && let Some(p) = held.place.take()
        {
            Lane::give_back(places, p);
        }
        if held.place.is_none() {
            drop(held);
            return self.enter().await;
        }
        self.opened().await;
        Pass {
            gate: self,
            permit: None,
            _lane: Some(held),
        }
    }

    /// The instant the gate opens again, if it is closed now.
    pub(crate) fn closed_until(&self) -> Option<Instant> {
        let guard = self.closed_until.lock().unwrap_or_else(|e| e.into_inner());
        guard.filter(|t| *t > Instant::now())
    }

    /// A 429 with `Retry-After: wait`: nobody sends before it passes.
    pub(crate) fn close_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut guard = self.closed_until.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none_or(|t| t < until) {
            *guard = Some(until);
        }
    }

    /// The server refused for too many concurrent requests: halve.
    pub(crate) fn too_many_at_once(&self) {
        self.streak.store(0, Ordering::Release);
        if let Some((from, to)) = self.cut(|l| (l / 2).max(1)) {
            tracing::warn!(
                from,
                to,
                "the CRM refused concurrent requests; sending fewer at once"
            );
        }
    }

    /// The server's recommended degree of parallelism (`x-ms-dop-hint`).
    pub(crate) fn dop_hint(&self, hint: usize) {
        let ceiling = hint.clamp(1, self.max);
        if self.ceiling.swap(ceiling, Ordering::AcqRel) == ceiling {
            return;
        }
        self.cut(|l| l.min(ceiling));
    }

    /// Lowers the limit to `to(limit)`, taking places back now where they
    /// are free and as requests end where they are not; the old and new
    /// limits, if it changed.
    fn cut(&self, to: impl Fn(usize) -> usize) -> Option<(usize, usize)> {
        let old = self
            .limit
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |l| {
                let t = to(l);
                (t < l).then_some(t)
            })
            .ok()?;
        let new = to(old);
        let cut = old - new;
        let freed = self.places.permits.forget_permits(cut);
        self.places.debt.fetch_add(cut - freed, Ordering::AcqRel);
        Some((old, new))
    }

    /// A request was answered without a concurrency refusal.
    pub(crate) fn answered(&self) {
        if self.streak.fetch_add(1, Ordering::AcqRel) + 1 < CLIMB_AFTER {
            return;
        }
        self.streak.store(0, Ordering::Release);
        let raised = self
            .limit
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |l| {
                (l < self.ceiling.load(Ordering::Acquire)).then_some(l + 1)
            })
            .is_ok();
        if raised {
            // Cancel an outstanding cut first, else hand a place back.
            if !self.places.pays_debt() {
                self.places.permits.add_permits(1);
            }
        }
    }

    #[cfg(test)]
    fn limit(&self) -> usize {
        self.limit.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_closed_gate_holds_every_request_until_it_opens() {
        let gate = Gate::new(4);
        gate.close_for(Duration::from_secs(7));
        let start = Instant::now();
        let _a = gate.enter().await;
        let _b = gate.enter().await;
        assert!(start.elapsed() >= Duration::from_secs(7));
        assert!(gate.closed_until().is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn a_shorter_wait_never_shortens_a_longer_one() {
        let gate = Gate::new(1);
        gate.close_for(Duration::from_secs(10));
        gate.close_for(Duration::from_secs(2));
        let start = Instant::now();
        drop(gate.enter().await);
        assert!(start.elapsed() >= Duration::from_secs(10));
    }

    #[tokio::test]
    async fn concurrency_halves_on_refusal_and_climbs_back() {
        let gate = Gate::new(8);
        // Four in flight when the refusal comes: the cut is paid as they end.
        let held: Vec<_> = futures::future::join_all((0..4).map(|_| gate.enter())).await;
        gate.too_many_at_once();
        assert_eq!(gate.limit(), 4);
        drop(held);
        assert_eq!(gate.places.permits.available_permits(), 4);
        gate.too_many_at_once();
        gate.too_many_at_once();
        gate.too_many_at_once();
        assert_eq!(gate.limit(), 1);
        assert_eq!(gate.places.permits.available_permits(), 1);
        for _ in 0..CLIMB_AFTER {
            gate.answered();
        }
        assert_eq!(gate.limit(), 2);
        assert_eq!(gate.places.permits.available_permits(), 2);
        for _ in 0..CLIMB_AFTER * 10 {
            gate.answered();
        }
        assert_eq!(gate.limit(), 8);
        assert_eq!(gate.places.permits.available_permits(), 8);
    }

    #[tokio::test]
    async fn a_lane_keeps_its_place_while_others_queue_for_theirs() {
        let gate = Gate::new(2);
        let lane = gate.lane();
        drop(gate.enter_lane(&lane).await);
        let held = gate.enter().await;
        assert_eq!(gate.places.permits.available_permits(), 0);
        // Every other place is taken, yet the lane's request goes at once.
        drop(gate.enter_lane(&lane).await);
        // A second lane would take the last place: it queues instead.
        let other = gate.lane();
        drop(held);
        drop(gate.enter_lane(&other).await);
        assert!(other.held.lock().await.place.is_none());
        drop(lane);
        assert_eq!(gate.places.permits.available_permits(), 2);
    }

    #[tokio::test]
    async fn a_lane_gives_its_place_back_when_the_limit_falls_to_it() {
        let gate = Gate::new(4);
        let lane = gate.lane();
        drop(gate.enter_lane(&lane).await);
        gate.dop_hint(1);
        // Its next request returns the place, paying the cut, and queues.
        drop(gate.enter_lane(&lane).await);
        assert!(lane.held.lock().await.place.is_none());
        assert_eq!(gate.places.permits.available_permits(), 1);
        assert_eq!(gate.places.lanes.load(Ordering::Acquire), 0);
    }

    #[tokio::test]
    async fn the_dop_hint_is_a_ceiling() {
        let gate = Gate::new(16);
        gate.dop_hint(4);
        assert_eq!(gate.limit(), 4);
        assert_eq!(gate.places.permits.available_permits(), 4);
        for _ in 0..CLIMB_AFTER * 10 {
            gate.answered();
        }
        assert_eq!(gate.limit(), 4, "never past the hint");
        gate.dop_hint(64);
        for _ in 0..CLIMB_AFTER * 20 {
            gate.answered();
        }
        assert_eq!(gate.limit(), 16, "the hint never lifts the configured cap");
    }
}
