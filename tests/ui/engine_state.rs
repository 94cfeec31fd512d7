//! The console's view of a real engine's status (no CRM needed): what the
//! header and the Connection tab are drawn from must not go stale.

use std::time::Duration;

use navsync::config::Config;
use navsync::engine::{Command, Engine, EngineHandle, Event};

const WAIT: Duration = Duration::from_secs(5);

async fn until(h: &mut EngineHandle, want: impl Fn(&Event) -> bool) -> Event {
    loop {
        let ev = tokio::time::timeout(WAIT, h.events.recv())
            .await
            .expect("an event within the timeout")
            .expect("the engine is running");
        if want(&ev) {
            return ev;
        }
    }
}

/// Issue 14, defect 3: after a disconnect the header said "Error" with the
/// old error block still there.
#[tokio::test]
async fn a_disconnect_clears_the_last_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Engine::start(Config::default(), &dir.path().join("navsync.db")).unwrap();
    h.commands
        .send(Command::SyncNow { dry_run: false })
        .unwrap();
    until(&mut h, |e| matches!(e, Event::Error(_))).await;
    assert!(h.status.borrow().last_error.is_some());
    h.commands
        .send(Command::Disconnect { purge: false })
        .unwrap();
    until(&mut h, |e| matches!(e, Event::ActionResult { .. })).await;
    let st = h.status.borrow().clone();
    assert!(!st.connected);
    assert_eq!(st.last_error, None, "disconnected is not an error");
    h.commands.send(Command::Shutdown).unwrap();
}
