//! The console on a big store (a part of `bench scale`): how long until
//! the first frame shows data, how long a frame takes while scrolling the
//! largest table, and a filter keystroke there, with the data read as the
//! console's reader reads it.

use std::path::Path;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::config::Config;
use crate::store::Store;
use crate::ui::action::Tab;
use crate::ui::loader;

/// Rows a console that pages its tables would hold at most: a screenful
/// and a margin either side, not a table.
pub(super) const WINDOW: usize = 10_000;

/// What the console gave on one store.
pub(super) struct Figures {
    /// From the console's start to its first frame with the first tab's
    /// data on it.
    pub(super) first_frame: Duration,
    /// From the start until every tab's data was read.
    pub(super) all_loaded: Duration,
    /// Rows of the largest table (the Saved tab's) the console holds.
    pub(super) rows: usize,
    pub(super) frame_median: Duration,
    pub(super) frame_p99: Duration,
    pub(super) key_median: Duration,
    pub(super) key_worst: Duration,
    /// This process's resident memory once every tab was loaded.
    pub(super) loaded_kb: Option<u64>,
}

/// The console on the store at `path`, at 200x50.
pub(super) fn measure(path: &Path) -> Result<Figures, String> {
    let config = Config::default();
    let store = Store::open_readonly(path).map_err(|e| e.to_string())?;
    let t = Instant::now();
    let mut app = super::ui::empty_app();
    let Ok(mut term) = Terminal::new(TestBackend::new(200, 50));
    let mut first_frame = None;
    for load in std::mem::take(&mut app.pending_loads) {
        let snap = loader::read(store.conn(), &config, load).map_err(|e| e.to_string())?;
        app.on_snapshot(snap);
        if first_frame.is_none() {
            let Ok(_) = term.draw(|f| crate::ui::render::draw(f, &mut app));
            first_frame = Some(t.elapsed());
        }
    }
    let all_loaded = t.elapsed();
    let loaded_kb = super::pull::vm_kb("VmRSS");
    let rows = app.saved.view.len();
    let (frame_median, frame_p99) = super::ui::frames(&mut app, Tab::Saved);
    let (key_median, key_worst) = super::ui::keystrokes(&mut app, Tab::Saved, '/', "garcia");
    if app.saved.view.filter != "garcia" {
        return Err(format!(
            "the Saved tab's filter reads {:?} after typing \"garcia\"",
            app.saved.view.filter
        ));
    }
    Ok(Figures {
        first_frame: first_frame.unwrap_or(all_loaded),
        all_loaded,
        rows,
        frame_median,
        frame_p99,
        key_median,
        key_worst,
        loaded_kb,
    })
}
