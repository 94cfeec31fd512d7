//! The status the console draws its connection state from, through a
//! failed and a successful re-check against the emulator (issue 14,
//! defect 3: "Connected" sat above the old error block).

use std::time::Duration;

use navsync::engine::{Command, Event};
use navsync::store::connection;

use crate::pull::setup;
use crate::support::shutdown;

/// Events until the re-check is answered (an error or an action result).
async fn recheck(h: &mut navsync::engine::EngineHandle) -> Event {
    h.commands.send(Command::Recheck).unwrap();
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(10), h.events.recv())
            .await
            .expect("an answer within the timeout")
            .expect("the engine is running");
        if matches!(ev, Event::Error(_) | Event::ActionResult { .. }) {
            return ev;
        }
    }
}

#[tokio::test]
async fn a_passing_recheck_clears_the_error_of_a_failed_one() {
    let s = setup(5).await;
    let app_user = connection::get(s.store().conn())
        .unwrap()
        .and_then(|c| c.crm_user_id)
        .expect("the stored connection names its CRM user");
    let mut h = s.start();
    s.sim
        .control()
        .remove_privilege(&app_user, "prvReadContact");
    assert!(matches!(recheck(&mut h).await, Event::Error(_)));
    assert!(h.status.borrow().last_error.is_some());
    s.sim
        .control()
        .restore_privilege(&app_user, "prvReadContact");
    let ev = recheck(&mut h).await;
    assert!(matches!(ev, Event::ActionResult { ok: true, .. }), "{ev:?}");
    let st = h.status.borrow().clone();
    assert!(st.connected);
    assert_eq!(st.last_error, None, "no old error under 'Connected'");
    shutdown(h).await;
}
