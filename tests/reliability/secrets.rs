//! No secret or token reaches anything a person or another program can
//! read: connect, sync and a failed sign-in run as real child processes
//! against the emulator, then every output is searched for the secret and
//! for the access tokens the emulator issued.

use std::path::Path;
use std::process::Output;

use crate::child::{navsync, write_config};

use navsync::sim::SimConfig;
use navsync::sim::tenant::{Scale, generate};

fn run(cfg: &Path, data: &Path, secret: &str, args: &[&str]) -> Output {
    navsync(cfg, data, secret)
        .args(args)
        .env("RUST_LOG", "trace")
        .output()
        .unwrap()
}

/// Every file under `dir`, as bytes.
fn files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The console's screens, every tab, drawn from the store this data dir holds.
fn console_screens(store: &Path) -> String {
    use navsync::engine::View;
    use navsync::ui::loader::{self, Load};
    use navsync::ui::{App, Clock, ConsoleOptions};
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    let config = navsync::config::Config::default();
    let ro = navsync::store::Store::open_readonly(store).unwrap();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let mut app = App::new(
        tx,
        navsync::ui::theme::Theme::MONO,
        Clock::System,
        ConsoleOptions::default(),
    );
    for view in [
        View::Connection,
        View::Sync,
        View::Seats,
        View::Unresolved,
        View::Settings,
    ] {
        app.on_snapshot(
            loader::Reader::default()
                .read(ro.conn(), &config, Load::View(view))
                .unwrap(),
        );
    }
    let mut text = String::new();
    for tab in ['1', '2', '3', '4', '5', '6'] {
        app.handle_key(KeyEvent::new(KeyCode::Char(tab), KeyModifiers::NONE));
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
        term.draw(|f| navsync::ui::render::draw(f, &mut app))
            .unwrap();
        let buf = term.backend().buffer();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                text.push_str(buf[(x, y)].symbol());
            }
            text.push('\n');
        }
    }
    text
}

#[test]
fn no_secret_or_token_in_logs_output_status_store_or_screens() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(navsync::sim::start(
            generate(Scale::Tiny, 7),
            SimConfig::default(),
        ))
        .unwrap();
    let secret = sim.identity().client_secret.clone();
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sim, dir.path(), "[log]\nlevel = \"trace\"\n");
    let data = dir.path().join("data");

    let mut outputs = vec![
        run(&cfg, &data, &secret, &["connect"]),
        run(&cfg, &data, &secret, &["sync", "--once"]),
        run(&cfg, &data, &secret, &["status", "--json"]),
        run(&cfg, &data, &secret, &["status"]),
    ];
    assert_eq!(
        outputs[0].status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&outputs[0].stderr)
    );
    assert_eq!(
        outputs[1].status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&outputs[1].stderr)
    );
    // The tokens navsync was issued, read from its own private cache.
    let cache = std::fs::read_to_string(navsync::paths::token_cache_file(&data)).unwrap();
    let cache: serde_json::Value = serde_json::from_str(&cache).unwrap();
    let mut tokens: Vec<String> = ["access_token", "refresh_token"]
        .iter()
        .filter_map(|k| cache.get(*k).and_then(|v| v.as_str()).map(String::from))
        .collect();
    assert!(!tokens.is_empty(), "no token was cached");
    assert!(navsync::paths::is_private_file(
        &navsync::paths::token_cache_file(&data)
    ));

    // A failing sign-in: a wrong secret in a fresh data dir, and the revoked
    // tokens of the first one, must not echo what they were given.
    let wrong = format!("{secret}-wrong");
    let other = dir.path().join("data2");
    let failed = run(&cfg, &other, &wrong, &["connect"]);
    assert_ne!(failed.status.code(), Some(0), "a wrong secret signed in");
    sim.control().revoke_tokens();
    outputs.push(run(&cfg, &data, &secret, &["sync", "--once"]));
    outputs.push(failed);
    tokens.push(wrong);

    let screens = console_screens(&navsync::paths::store_file(&data));
    assert!(
        screens.contains("Connected") || screens.contains("connected"),
        "the screens were drawn:\n{screens}"
    );

    let mut needles = vec![secret.clone()];
    needles.extend(tokens);
    for needle in &needles {
        for (i, out) in outputs.iter().enumerate() {
            assert!(
                !contains(&out.stdout, needle),
                "run {i} printed a secret on stdout"
            );
            assert!(
                !contains(&out.stderr, needle),
                "run {i} printed a secret on stderr"
            );
        }
        for (path, bytes) in files(&data).into_iter().chain(files(&other)) {
            if path == navsync::paths::token_cache_file(&data)
                || path == navsync::paths::token_cache_file(&other)
            {
                continue; // the 0600 cache is where tokens belong
            }
            assert!(
                !contains(&bytes, needle),
                "{} holds a secret",
                path.display()
            );
        }
        assert!(
            !screens.contains(needle.as_str()),
            "the console shows a secret"
        );
    }
    let logs = files(&navsync::paths::log_dir(&data));
    assert!(
        logs.iter().any(|(_, b)| !b.is_empty()),
        "trace logging wrote nothing: the check would be empty"
    );
    rt.block_on(sim.shutdown());
}
