//! The console on a big store (a part of `bench scale`): how long until
//! the first frame shows data, how long a frame takes while scrolling the
//! largest table, and a filter keystroke there, with the data read as the
//! console's reader reads it.

use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::config::Config;
use crate::store::Store;
use crate::ui::action::Tab;
use crate::ui::loader::{Load, Reader};

/// What the console gave on one store.
pub(super) struct Figures {
    /// From the console's start to its first frame with the first tab's
    /// data on it.
    pub(super) first_frame: Duration,
    /// From the start until every tab's data was read.
    pub(super) all_loaded: Duration,
    /// Lines of the largest table (the Saved tab's), the bytes the
    /// console holds them in, and the most line numbers of a view the
    /// tab held at once.
    pub(super) lines: usize,
    pub(super) index_bytes: usize,
    pub(super) view_held: usize,
    pub(super) frame_median: Duration,
    pub(super) frame_p99: Duration,
    /// The frame of a filter keystroke on the console's loop.
    pub(super) key_worst: Duration,
    /// From a keystroke until its filtered lines are on screen (the
    /// reader's work, off the console's loop).
    pub(super) shown_median: Duration,
    pub(super) shown_worst: Duration,
    /// The store's file, for scale beside the index.
    pub(super) store_bytes: u64,
    /// This process's resident memory once every tab was loaded.
    pub(super) loaded_kb: Option<u64>,
}

/// The console on the store at `path`, at 200x50, its reads done by the
/// console's reader as its thread does them.
pub(super) fn measure(path: &Path) -> Result<Figures, String> {
    let config = Config::default();
    let store = Store::open_readonly(path).map_err(|e| e.to_string())?;
    let mut reader = Reader::default();
    let t = Instant::now();
    let mut app = super::ui::empty_app();
    let Ok(mut term) = Terminal::new(TestBackend::new(200, 50));
    let mut first_frame = None;
    for load in std::mem::take(&mut app.pending_loads) {
        let snap = reader
            .read(store.conn(), &config, load)
            .map_err(|e| e.to_string())?;
        app.on_snapshot(snap);
        if first_frame.is_none() {
            let Ok(_) = term.draw(|f| crate::ui::render::draw(f, &mut app));
            first_frame = Some(t.elapsed());
        }
    }
    let all_loaded = t.elapsed();
    let loaded_kb = super::pull::vm_kb("VmRSS");
    let (lines, index_bytes, mut view_held) = app.saved.held();
    let mut answer = |app: &mut crate::ui::app::App| {
        answer_windows(&mut reader, &store, &config, app)?;
        view_held = view_held.max(app.saved.held().2);
        Ok::<_, String>(())
    };
    let (frame_median, frame_p99) = super::ui::frames(&mut app, Tab::Saved, &mut answer)?;
    let mut keys = Vec::new();
    let mut shown = Vec::new();
    app.tab = Tab::Saved;
    app.handle_key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE));
    for c in "garcia".chars() {
        let start = Instant::now();
        app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        let Ok(_) = term.draw(|f| crate::ui::render::draw(f, &mut app));
        keys.push(start.elapsed());
        answer(&mut app)?;
        let Ok(_) = term.draw(|f| crate::ui::render::draw(f, &mut app));
        shown.push(start.elapsed());
    }
    if app.saved.view.filter != "garcia" || app.saved.working() {
        return Err(format!(
            "the Saved tab's filter reads {:?} after typing \"garcia\"{}",
            app.saved.view.filter,
            if app.saved.working() {
                ", still working"
            } else {
                ""
            }
        ));
    }
    let (_, key_worst) = median_worst(keys);
    let (shown_median, shown_worst) = median_worst(shown);
    Ok(Figures {
        first_frame: first_frame.unwrap_or(all_loaded),
        all_loaded,
        lines,
        index_bytes,
        view_held,
        frame_median,
        frame_p99,
        key_worst,
        shown_median,
        shown_worst,
        store_bytes: std::fs::metadata(path).map_or(0, |m| m.len()),
        loaded_kb,
    })
}

/// Answers the Saved tab's asks for windows as the console's reader
/// thread does, the app's and the frame's.
fn answer_windows(
    reader: &mut Reader,
    store: &Store,
    config: &Config,
    app: &mut crate::ui::app::App,
) -> Result<(), String> {
    let mut asks = std::mem::take(&mut app.pending_loads);
    asks.extend(app.saved.take_asks());
    for load in asks {
        if matches!(load, Load::SavedView(_)) {
            let snap = reader
                .read(store.conn(), config, load)
                .map_err(|e| e.to_string())?;
            app.on_snapshot(snap);
        }
    }
    Ok(())
}

fn median_worst(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (
        times.get(times.len() / 2).copied().unwrap_or_default(),
        times.last().copied().unwrap_or_default(),
    )
}
