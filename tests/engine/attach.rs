//! The engine as a service: consoles (on a TestBackend) and headless
//! commands attached to it over its Unix socket, against the emulator.

use crate::support::WAIT;
use crate::support::next;
use crate::support::screen::{Watched, frame_showing, text};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use navsync::config::Config;
use navsync::engine::{Command, EngineHandle, Event};
use navsync::service::client::{self, Reconnect};
use navsync::service::host::{self, Face};
use navsync::store::runs::{self, Outcome};
use navsync::ui::event_loop::{self, Exit};
use navsync::ui::theme::Theme;
use navsync::ui::{App, Clock, ConsoleOptions, loader};
use ratatui::Terminal;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::pull::{Setup, navsync, setup, succeeded};

async fn serve(s: &Setup) -> Face {
    host::serve(s.config.clone(), s.dir.path()).await.unwrap()
}

fn socket(s: &Setup) -> PathBuf {
    navsync::service::socket_file(s.dir.path())
}

async fn attach(s: &Setup) -> EngineHandle {
    client::attach(&socket(s), Reconnect::Never).await.unwrap()
}

/// Attaches to a `serve` just spawned, once its socket accepts.
async fn attach_once_serving(s: &Setup) -> EngineHandle {
    loop {
        match client::attach(&socket(s), Reconnect::Never).await {
            Ok(h) => break h,
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Every event up to and including the next RunFinished.
async fn through_run_end(h: &mut EngineHandle) -> Vec<Event> {
    let mut out = Vec::new();
    loop {
        let ev = next(h).await;
        let end = matches!(ev, Event::RunFinished { .. });
        out.push(ev);
        if end {
            return out;
        }
    }
}

fn outcome(events: &[Event]) -> Outcome {
    match events.last() {
        Some(Event::RunFinished { outcome, .. }) => *outcome,
        other => panic!("no RunFinished: {other:?}"),
    }
}

/// A console on a TestBackend, driven by scripted keys.
struct Console {
    keys: futures::channel::mpsc::UnboundedSender<std::io::Result<TermEvent>>,
    frames: watch::Receiver<String>,
    task: JoinHandle<(Exit, String)>,
}

impl Console {
    fn open(handle: EngineHandle, s: &Setup) -> Self {
        let (loads, snapshots) = loader::spawn(s.store_path(), Arc::new(Config::default()));
        let (keys, key_rx) = futures::channel::mpsc::unbounded();
        let (backend, frames) = Watched::new(100, 30);
        let task = tokio::spawn(async move {
            let mut app = App::new(
                handle.commands.clone(),
                Theme::MONO,
                Clock::System,
                ConsoleOptions::default(),
            );
            let mut term = Terminal::new(backend).unwrap();
            let exit = event_loop::run_on(&mut term, key_rx, &mut app, handle, loads, snapshots)
                .await
                .unwrap();
            (exit, text(term.backend().buffer()))
        });
        Self { keys, frames, task }
    }

    /// Waits until the screen shows `what`.
    async fn shows(&self, what: &str) {
        let mut frames = self.frames.clone();
        if tokio::time::timeout(WAIT, frame_showing(&mut frames, |s| s.contains(what)))
            .await
            .is_err()
        {
            panic!("never showed {what:?}: {}", *self.frames.borrow());
        }
    }

    fn press(&self, c: char) {
        let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        self.keys.unbounded_send(Ok(TermEvent::Key(key))).unwrap();
    }

    /// Quits and returns the last screen.
    async fn quit(self) -> String {
        self.press('q');
        let (exit, screen) = tokio::time::timeout(WAIT, self.task)
            .await
            .expect("the console quits")
            .unwrap();
        assert_eq!(exit, Exit::Quit);
        screen
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_consoles_attached_to_one_service_receive_the_same_events() {
    let s = setup(5).await;
    let mut service = serve(&s).await;
    let mode = std::fs::metadata(socket(&s)).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "only the owner may connect");
    // Never synced: the service's schedule runs the first sync at once.
    let mut monitor = attach(&s).await;
    assert_eq!(outcome(&through_run_end(&mut monitor).await), Outcome::Ok);

    let (mut a, mut b) = (attach(&s).await, attach(&s).await);
    let first = Console::open(attach(&s).await, &s);
    let second = Console::open(attach(&s).await, &s);
    // The first console asks for a sync from its Sync tab.
    first.press('2');
    first.press('s');
    let (seen_a, seen_b) = (through_run_end(&mut a).await, through_run_end(&mut b).await);
    assert_eq!(outcome(&seen_a), Outcome::Ok, "{seen_a:?}");
    assert_eq!(seen_a, seen_b, "every attached face sees the same events");
    assert!(
        seen_a.iter().any(|e| matches!(e, Event::RunStarted { .. })),
        "{seen_a:?}"
    );
    // Both consoles logged the run the first one asked for.
    for console in [&first, &second] {
        console.press('6');
        console.shows("sync ok").await;
    }
    first.quit().await;
    second.quit().await;
    // Quitting consoles never stops the service.
    monitor.commands.send(Command::Cancel).unwrap();
    loop {
        if let Event::ActionResult { ok, reply } = next(&mut monitor).await {
            let message = navsync::describe::reply(&reply);
            assert!(!ok && message.contains("No sync is running"), "{message}");
            break;
        }
    }
    service.handle.shutdown().await;
    drop(service.hosting);
    assert!(!socket(&s).exists(), "the socket goes with the service");
    let st = s.store();
    assert_eq!(
        runs::recent(st.conn(), 10).unwrap().len(),
        2,
        "one run each"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_console_opened_during_a_scheduled_run_shows_it_live_and_leaves_it_running() {
    let s = setup(5).await;
    s.sim.control().set_latency(Duration::from_millis(100));
    let mut service = serve(&s).await;
    let mut monitor = attach(&s).await;
    // The schedule started the run by itself; wait until it is under way.
    while !matches!(next(&mut monitor).await, Event::Progress { .. }) {}
    let console = Console::open(attach(&s).await, &s);
    console.press('2');
    console.shows("running (full)").await;
    let screen = console.quit().await;
    assert!(screen.contains("Syncing"), "{screen}");
    // The console left; the run goes on to its end in the service.
    let rest = through_run_end(&mut monitor).await;
    assert_eq!(outcome(&rest), Outcome::Ok, "{rest:?}");
    service.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_console_says_when_the_service_goes_away_and_reattaches_when_it_is_back() {
    let s = setup(5).await;
    let mut service = serve(&s).await;
    let mut h = client::attach(&socket(&s), Reconnect::UntilDetached)
        .await
        .unwrap();
    service.handle.shutdown().await;
    drop(service.hosting);
    let gone = loop {
        if let Event::Error(e) = next(&mut h).await {
            break e;
        }
    };
    assert!(
        navsync::describe::message(&gone).contains("went away"),
        "{gone:?}"
    );
    assert_eq!(h.status.borrow().last_error.as_ref(), Some(&gone));
    assert!(h.status.borrow().running.is_none());
    // Meanwhile a command is answered, not lost in silence.
    h.commands
        .send(Command::SyncNow { dry_run: false })
        .unwrap();
    match next(&mut h).await {
        Event::ActionResult { ok: false, reply } => {
            let message = navsync::describe::reply(&reply);
            assert!(message.contains("not running"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let mut again = serve(&s).await;
    let back = loop {
        if let Event::ActionResult { ok: true, reply } = next(&mut h).await {
            let message = navsync::describe::reply(&reply);
            break message;
        }
    };
    assert!(back.contains("Reattached"), "{back}");
    assert!(h.status.borrow().connected);
    h.shutdown().await;
    again.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_once_while_the_service_runs_asks_it_for_one_run_and_exits_with_its_outcome() {
    let s = setup(5).await;
    let mut service = navsync(&s, &["serve"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // Wait for the service's first (scheduled) run to end.
    let mut monitor = attach_once_serving(&s).await;
    if monitor.status.borrow().last_sync.is_none() {
        assert_eq!(outcome(&through_run_end(&mut monitor).await), Outcome::Ok);
    }
    let before = runs::recent(s.store().conn(), 10).unwrap().len();

    let out = navsync(&s, &["sync", "--once"]).output().await.unwrap();
    let stdout = succeeded(&out);
    assert!(stdout.contains("imported"), "{stdout}");
    let after = runs::recent(s.store().conn(), 10).unwrap();
    assert_eq!(after.len(), before + 1, "exactly one run");
    assert_eq!(after[0].outcome, Outcome::Ok);

    // `status` reads the store and asks the running engine for its view.
    let status = navsync(&s, &["status", "--json"]).output().await.unwrap();
    assert_eq!(status.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["state"], "connected");
    assert!(json["engine"]["next_sync"].is_string(), "{json}");
    assert!(json["engine"]["running"].is_null(), "{json}");
    // What the emulator's answers said is left of the service-protection
    // budget, as the service heard it.
    let budget = &json["engine"]["api_budget"];
    let left = budget["requests_left"].as_u64().expect("requests left");
    assert!(left > 0 && left < 6000, "{json}");
    let secs = budget["execution_seconds_left"]
        .as_f64()
        .expect("time left");
    assert!(secs > 0.0 && secs <= 1200.0, "{json}");
    assert_eq!(budget["window_seconds"], 300);
    assert!(budget["observed_at"].is_string(), "{json}");
    let text = navsync(&s, &["status"]).output().await.unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("API budget:") && text.contains("requests and"),
        "{text}"
    );

    // A second service is refused: exit 8, naming the first.
    let second = navsync(&s, &["serve"]).output().await.unwrap();
    assert_eq!(second.status.code(), Some(8));
    assert!(
        service.try_wait().unwrap().is_none(),
        "the first still runs"
    );

    // SIGTERM: stops cleanly, exit 0, socket removed.
    let pid = service.id().unwrap() as i32;
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let out = tokio::time::timeout(WAIT, service.wait_with_output())
        .await
        .expect("the service stops on SIGTERM")
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(log.contains("<6>"), "journald priority prefixes: {log}");
    assert!(!socket(&s).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_code_wait_blocks_neither_the_store_nor_cancel() {
    let mut s = setup(5).await;
    s.config.crm.auth = navsync::config::AuthMethod::DeviceCode;
    let mut h = s.start();
    let before = navsync::store::connection::get(s.store().conn()).unwrap();
    h.commands.send(Command::Connect).unwrap();
    loop {
        if let Event::DeviceCode { .. } = next(&mut h).await {
            break;
        }
    }
    // Nobody approves the code; meanwhile the store writer answers.
    h.commands
        .send(Command::SetSeatSync {
            seat_ids: vec![s.ben_seat],
            enabled: true,
        })
        .unwrap();
    loop {
        if let Event::ActionResult { ok, reply } = next(&mut h).await {
            let message = navsync::describe::reply(&reply);
            assert!(ok && message.contains("CRM sync on"), "{message}");
            break;
        }
    }
    h.commands.send(Command::Cancel).unwrap();
    let mut said = Vec::new();
    while said.len() < 2 {
        if let Event::ActionResult { reply, .. } = next(&mut h).await {
            let message = navsync::describe::reply(&reply);
            said.push(message);
        }
    }
    assert!(said[0].contains("Cancelling the connect"), "{said:?}");
    assert!(said[1].contains("Connect cancelled"), "{said:?}");
    let after = navsync::store::connection::get(s.store().conn()).unwrap();
    assert_eq!(after, before, "a cancelled connect stores nothing");
    assert!(
        h.status.borrow().connected,
        "still on the stored connection"
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_serves_prometheus_metrics_on_loopback() {
    let s = crate::faults::world().await;
    s.sim.control().throttle_next(1, Duration::from_secs(1));
    let mut service = host::serve(s.config.clone(), s.dir.path()).await.unwrap();
    let endpoint = navsync::service::metrics::serve(
        "127.0.0.1:0".parse().unwrap(),
        s.dir.path().to_path_buf(),
        service.handle.events.resubscribe(),
        service.handle.status.clone(),
    )
    .await
    .unwrap();
    let mut monitor = attach(&s).await;
    if monitor.status.borrow().last_sync.is_none() {
        assert_eq!(outcome(&through_run_end(&mut monitor).await), Outcome::Ok);
    }
    let url = format!("http://{}/metrics", endpoint.addr);
    let start = tokio::time::Instant::now();
    let text = loop {
        let text = reqwest::get(&url).await.unwrap().text().await.unwrap();
        if text.contains("navsync_runs_total{outcome=\"ok\"} 1") {
            break text;
        }
        assert!(start.elapsed() < WAIT, "the run never showed: {text}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let value = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} missing: {text}"))
    };
    assert_eq!(value("navsync_rows_read_total{table=\"accounts\"}"), 6.0);
    assert_eq!(value("navsync_rows_written_total{table=\"tasks\"}"), 8.0);
    assert!(value("navsync_requests_total") > 0.0);
    assert_eq!(value("navsync_throttled_total"), 1.0);
    assert_eq!(value("navsync_throttle_wait_seconds_total"), 1.0);
    assert_eq!(value("navsync_outbox_pending"), 0.0);
    assert_eq!(value("navsync_health"), 0.0, "ok after a clean run");
    assert!(value("navsync_last_success_timestamp_seconds") > 1.7e9);
    assert!(
        value("navsync_last_run_duration_seconds") >= 1.0,
        "the 429 wait is in it"
    );
    // The budget gauges carry what the emulator's answers said
    // (x-ms-ratelimit-*-remaining-xrm-requests): some of 6,000 requests and
    // of 1,200 s spent, none exhausted.
    let requests = value("navsync_api_requests_remaining{window=\"300s\"}");
    assert!(requests > 0.0 && requests < 6000.0, "{requests}");
    let seconds = value("navsync_api_execution_seconds_remaining{window=\"300s\"}");
    assert!(seconds > 0.0 && seconds <= 1200.0, "{seconds}");
    assert!(text.ends_with("# EOF\n"));
    drop(endpoint);
    service.handle.shutdown().await;
}

/// Issue 21: `serve` started while a `sync --once` hosts the engine does
/// not exit 8 (which the units would never restart): it waits for that
/// command and serves as soon as it is done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_started_during_a_hosted_sync_once_takes_over_when_it_ends() {
    let s = setup(5).await;
    // A slow CRM keeps the command's run going while the service starts.
    s.sim.control().set_latency(Duration::from_millis(150));
    let mut once = navsync(&s, &["sync", "--once"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let hosted = tokio::time::timeout(WAIT, async {
        loop {
            if let Ok(mut h) = client::attach(&socket(&s), Reconnect::Never).await {
                let running = h.status.borrow().running.is_some();
                h.shutdown().await;
                if running {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    hosted.await.expect("the command hosts a run");
    let mut service = navsync(&s, &["serve"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let out = tokio::time::timeout(WAIT, once.wait())
        .await
        .expect("the command ends")
        .unwrap();
    assert_eq!(out.code(), Some(0));
    s.sim.control().set_latency(Duration::ZERO);
    // The service took over: it answers on the socket, and still runs.
    let mut h = tokio::time::timeout(WAIT, async {
        loop {
            if let Ok(h) = client::attach(&socket(&s), Reconnect::Never).await {
                return h;
            }
            assert!(
                service.try_wait().unwrap().is_none(),
                "the service must wait, not exit"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the service serves within seconds of the command's end");
    assert!(h.status.borrow().connected);
    h.shutdown().await;
    let pid = service.id().unwrap() as i32;
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let out = tokio::time::timeout(WAIT, service.wait_with_output())
        .await
        .expect("the service stops on SIGTERM")
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// Issue 21: `sync --pause` / `--resume` ask the running service; the
/// status says so, and with no engine running there is nothing to pause.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_pause_and_resume_ask_the_running_service() {
    let s = setup(5).await;
    let out = navsync(&s, &["sync", "--pause"]).output().await.unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no schedule to pause"),
        "{out:?}"
    );
    let service = navsync(&s, &["serve"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut monitor = attach_once_serving(&s).await;
    let paused = |json: &serde_json::Value| json["engine"]["schedule_paused"].clone();
    let out = navsync(&s, &["sync", "--pause"]).output().await.unwrap();
    let said = succeeded(&out);
    assert!(said.contains("The schedule is paused"), "{said}");
    let status = navsync(&s, &["status", "--json"]).output().await.unwrap();
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(paused(&json), true, "{json}");
    let out = navsync(&s, &["sync", "--resume"]).output().await.unwrap();
    let said = succeeded(&out);
    assert!(said.contains("The schedule runs again"), "{said}");
    let status = navsync(&s, &["status", "--json"]).output().await.unwrap();
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(paused(&json), false, "{json}");
    monitor.shutdown().await;
    let pid = service.id().unwrap() as i32;
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let out = tokio::time::timeout(WAIT, service.wait_with_output())
        .await
        .expect("the service stops on SIGTERM")
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// Issue 23: the engine sends what a run did, not its words, so a console
/// attached to a service started under `LANG=C` shows the run summary in
/// its own reader's language (Spanish here), and so does `sync --once`
/// run in Spanish against that service. The console runs on this test's
/// thread (a current-thread runtime), whose locale is Spanish.
#[tokio::test]
async fn a_spanish_console_attached_to_a_c_locale_service_reads_the_run_summary_in_spanish() {
    use navsync::config::Lang;
    use navsync::i18n::{self, Locale};
    let s = setup(5).await;
    let _service = navsync(&s, &["serve"])
        .env("LANG", "C")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut monitor = attach_once_serving(&s).await;
    if monitor.status.borrow().last_sync.is_none() {
        assert_eq!(outcome(&through_run_end(&mut monitor).await), Outcome::Ok);
    }

    i18n::set_for_thread(Some(Locale::Lang(Lang::Es)));
    let console = Console::open(attach(&s).await, &s);
    console.press('2');
    console.press('s');
    // The Sync tab's "Now" line: the last run, in Spanish.
    console
        .shows("última ejecución ✔ ok: importadas 0 cuentas")
        .await;
    console.press('6');
    console.shows("sincronización ok: importadas").await;
    let screen = console.quit().await;
    i18n::set_for_thread(None);
    assert!(!screen.contains("imported"), "{screen}");

    // The attach client of `sync --once`, in Spanish, against the same
    // LANG=C service.
    let out = navsync(&s, &["sync", "--once"])
        .env_remove("LC_ALL")
        .env("LANG", "es_ES.UTF-8")
        .output()
        .await
        .unwrap();
    let stdout = succeeded(&out);
    assert!(stdout.contains("importadas"), "{stdout}");
    assert!(!stdout.contains("imported"), "{stdout}");
    monitor.shutdown().await;
}
