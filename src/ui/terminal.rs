//! Entering and leaving full-screen mode. Whatever ends the console — quit,
//! panic, SIGTERM, SIGHUP — leaves the terminal as it was: cooked mode,
//! main screen, cursor shown, mouse capture off.

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub(crate) type Term = Terminal<CrosstermBackend<Stdout>>;

/// Whether mouse capture was turned on, so restore turns it off only then.
static MOUSE: AtomicBool = AtomicBool::new(false);

/// Whether the console holds the terminal (alternate screen, raw mode), so
/// restore acts once: the panic hook restores before the message is
/// printed, and the unwinding that follows must not print escape codes
/// after it.
static ACTIVE: AtomicBool = AtomicBool::new(false);

pub fn init(mouse: bool) -> io::Result<Term> {
    install_panic_hook();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen)?;
    if mouse {
        execute!(out, EnableMouseCapture)?;
        MOUSE.store(true, Ordering::SeqCst);
    }
    let mut term = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    term.hide_cursor()?;
    term.clear()?;
    Ok(term)
}

/// Safe to call more than once and from the panic hook; only the first
/// call after [`init`] writes anything.
pub(crate) fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    if MOUSE.swap(false, Ordering::SeqCst) {
        let _ = execute!(out, DisableMouseCapture);
    }
    let _ = execute!(out, LeaveAlternateScreen, crossterm::cursor::Show);
    let _ = disable_raw_mode();
    let _ = out.flush();
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Puts `text` on the user's clipboard with OSC 52, which terminals pass
/// through SSH and tmux (with set-clipboard on) to the local machine.
pub(crate) fn copy_osc52(text: &str) -> io::Result<()> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = io::stdout();
    write!(out, "\x1b]52;c;{b64}\x07")?;
    out.flush()
}
