//! Deciding and queueing new activities runs in bounded batches, one
//! transaction each, so a Cancel is heard between two instead of after
//! the last of a million.

use navsync::config::{ActivityKind, Config};
use navsync::engine::usecases::writeback::{self, PREPARE_BATCH, Prepared, Rules};
use navsync::store::activities::{self, ActivityState, NewActivity};
use navsync::store::{Store, seats};
use navsync::vocab::Word;

#[test]
fn new_activities_are_decided_a_bounded_batch_at_a_time_and_all_in_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&navsync::paths::store_file(dir.path())).unwrap();
    // A seat with no CRM user: every activity is decided (left out) without
    // needing a match, which keeps the test about batching.
    let seat = seats::upsert(
        store.conn(),
        &crate::support::seat("m-1", "Ana", None, true),
    )
    .unwrap();
    let total = 2 * PREPARE_BATCH + PREPARE_BATCH / 2;
    store
        .transaction(|tx| {
            for i in 0..total {
                activities::insert(
                    tx,
                    &NewActivity {
                        external_id: format!("a-{i}"),
                        seat_id: seat,
                        kind: ActivityKind::Note,
                        member_name: "Zoë".into(),
                        member_company: None,
                        member_title: None,
                        member_email: None,
                        member_profile_url: None,
                        subject: "s".into(),
                        body: String::new(),
                        occurred_at: "2025-03-01T09:30:00Z".into(),
                        copy_to_crm: true,
                        thread: None,
                        tag: None,
                        sender: None,
                    },
                )?;
            }
            Ok::<_, navsync::store::StoreError>(())
        })
        .unwrap();
    let rules = Rules {
        enabled: true,
        kinds: ActivityKind::ALL.to_vec(),
        auto_sync_all_seats: true,
        on_behalf_of_seat_holder: false,
        matching: Config::default().matching,
        threads: Default::default(),
    };
    let new = |s: &Store| {
        activities::by_state(s.conn(), ActivityState::New)
            .unwrap()
            .len()
    };

    let mut matcher = None;
    let mut first = Prepared::default();
    let last = writeback::prepare_batch(store.conn(), &rules, 0, &mut matcher, &mut first)
        .unwrap()
        .expect("a first batch");
    assert_eq!(first.seat_off, PREPARE_BATCH, "{first:?}");
    assert_eq!(new(&store), total - PREPARE_BATCH, "one batch, no more");

    let mut rest = Prepared::default();
    let mut after = last;
    let mut batches = 1;
    while let Some(last) =
        writeback::prepare_batch(store.conn(), &rules, after, &mut matcher, &mut rest).unwrap()
    {
        after = last;
        batches += 1;
    }
    assert_eq!(batches, 3);
    first.merge(rest);
    assert_eq!(first.seat_off, total);
    assert_eq!(new(&store), 0);
}
